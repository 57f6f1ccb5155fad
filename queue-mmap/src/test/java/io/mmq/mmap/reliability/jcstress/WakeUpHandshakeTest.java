package io.mmq.mmap.reliability.jcstress;

import java.lang.invoke.VarHandle;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.WAKE_SIGNAL_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.WAKE_WANTED_OFFSET;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.FRAME_LENGTH;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.RING;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No lost wake-up: a consumer about to sleep either sees the frame being committed, or the producer sees
 * its request and moves the wake signal (so the futex wait returns at once).
 *
 * <p>The consumer runs {@code MappedConsumer.sleepUntilPublished} up to the futex call; the producer runs
 * the end of {@code MappedProducer.commitFrame}. Results: the frame length the consumer saw (0: it goes
 * to sleep), the wake signal it would sleep on, and the wake signal after both.
 */
@JCStressTest
@Outcome(id = "16, 0, 0", expect = ACCEPTABLE, desc = "The consumer sees the frame and stays awake.")
@Outcome(id = "16, 0, 1", expect = ACCEPTABLE, desc = "The consumer sees the frame; a spare wake-up.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE,
    desc = "The consumer sleeps on signal 0, and the producer moves it to 1: the sleep ends at once.")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN,
    desc = "A lost wake-up: the consumer sleeps on 0 and nothing moves the signal.")
@State
public class WakeUpHandshakeTest
{
    private final UnsafeBuffer memory = SharedQueueMemory.allocate();
    private int wakeSignal;

    @Actor
    public void consumer(final III_Result r)
    {
        r.r2 = memory.getIntVolatile(WAKE_SIGNAL_OFFSET);
        memory.putIntVolatile(WAKE_WANTED_OFFSET, 1);
        VarHandle.fullFence();
        r.r1 = memory.getIntVolatile(RING);
    }

    @Actor
    public void producer()
    {
        memory.putIntOrdered(RING, FRAME_LENGTH);
        memory.putLongOrdered(PRODUCER_POSITION_OFFSET, FRAME_LENGTH);
        VarHandle.fullFence();
        if (memory.getIntVolatile(WAKE_WANTED_OFFSET) != 0 && memory.getAndSetInt(WAKE_WANTED_OFFSET, 0) != 0)
        {
            memory.putIntVolatile(WAKE_SIGNAL_OFFSET, ++wakeSignal);
        }
    }

    @Arbiter
    public void signalAfterwards(final III_Result r)
    {
        r.r3 = memory.getIntVolatile(WAKE_SIGNAL_OFFSET);
    }
}
