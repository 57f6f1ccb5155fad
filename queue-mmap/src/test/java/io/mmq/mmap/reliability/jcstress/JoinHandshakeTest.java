package io.mmq.mmap.reliability.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.SLOT_POSITION;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.SLOT_STATE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Joining while the producer runs (the Dekker pattern of {@code docs/design.md}, "Why joining is safe"):
 * either the producer sees a joining consumer before it reuses the consumer's position, or the consumer
 * sees the producer's new join position and moves up to it before reading.
 *
 * <p>The consumer claims the slot at position 8 and then settles, with the calls of
 * {@code ConsumerSlots.claim} and {@code MappedConsumer.settle}; the producer publishes join position 64
 * and reads the table, with the calls of {@code MappedProducer.tryRefreshLimit} and
 * {@code minActiveConsumerPosition}. Results: the join position the consumer read, and the consumer
 * position the producer saw (-1: the slot was not active yet).
 */
@JCStressTest
@Outcome(id = "0, 8", expect = ACCEPTABLE, desc = "The consumer settles at 8 and the producer sees it: 8 is kept.")
@Outcome(id = "64, -1", expect = ACCEPTABLE,
    desc = "The producer misses the slot, but the consumer sees join 64 and moves up to it before reading.")
@Outcome(id = "64, 8", expect = ACCEPTABLE, desc = "Both see each other.")
@Outcome(id = "0, -1", expect = FORBIDDEN,
    desc = "Neither sees the other: the consumer reads from 8 while the producer reuses everything below 64.")
@State
public class JoinHandshakeTest
{
    static final long CONSUMER_START = 8;
    static final long NEW_JOIN = 64;

    private final UnsafeBuffer memory = SharedQueueMemory.allocate();

    @Actor
    public void consumer(final JJ_Result r)
    {
        // ConsumerSlots.claim: position, then state, both volatile; then settle reads the join position.
        memory.putLongVolatile(SLOT_POSITION, CONSUMER_START);
        memory.putIntVolatile(SLOT_STATE, ACTIVE);
        r.r1 = memory.getLongVolatile(JOIN_POSITION_OFFSET);
    }

    @Actor
    public void producer(final JJ_Result r)
    {
        r.r2 = producerSees(memory);
    }

    /**
     * {@code MappedProducer.tryRefreshLimit}: publish the join position (volatile), then read the table.
     */
    static long producerSees(final UnsafeBuffer memory)
    {
        memory.putLongVolatile(JOIN_POSITION_OFFSET, NEW_JOIN);
        return memory.getIntVolatile(SLOT_STATE) == ACTIVE ? memory.getLongVolatile(SLOT_POSITION) : -1;
    }
}
