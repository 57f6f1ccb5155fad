package io.mmq.mmap.reliability.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static io.mmq.mmap.layout.ConsumerSlotLayout.NO_CLAIM;
import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.GROUP_CURSOR;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.SLOT_POSITION;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A group member claims work while the producer looks for room ({@code docs/design.md}, "Consumer
 * groups"): the hold on a claim passes from the group's Cursor to the member's Position, and the producer,
 * which reads the two one after the other, must not see neither.
 *
 * <p>The member has no claim (Position −1) and the Cursor is at 8; the member announces 8, confirms the
 * Cursor and swaps it to 64, as {@code MappedGroupMember.claimWork} does. The producer reads the member's
 * slot, then the group's (the worse order for it), publishes the join position, and reads both again, as
 * {@code MappedProducer.tryRefreshLimit} does, keeping the lower candidate. Results: whether the member
 * won the claim (1), and the position the producer would reclaim up to.
 */
@JCStressTest
@Outcome(id = "1, 8", expect = ACCEPTABLE, desc = "The producer is held at the claim, by the Cursor or by the member.")
@Outcome(id = "1, 64", expect = FORBIDDEN,
    desc = "The producer saw the member before its announcement and the Cursor after the swap: it would reuse the claim.")
@State
public class GroupClaimHandshakeTest
{
    static final long CLAIM_START = 8;
    static final long CLAIM_END = 64;

    private final UnsafeBuffer memory = SharedQueueMemory.allocate();

    public GroupClaimHandshakeTest()
    {
        memory.putLong(SLOT_POSITION, NO_CLAIM);
        memory.putLong(GROUP_CURSOR, CLAIM_START);
    }

    @Actor
    public void member(final JJ_Result r)
    {
        memory.putLongVolatile(SLOT_POSITION, CLAIM_START); // the announcement
        r.r1 = memory.getLongVolatile(GROUP_CURSOR) == CLAIM_START &&
            memory.compareAndSetLong(GROUP_CURSOR, CLAIM_START, CLAIM_END) ? 1 : 0;
    }

    @Actor
    public void producer(final JJ_Result r)
    {
        r.r2 = producerReclaims(memory);
    }

    /** The producer's two reads of the table around its volatile store of the join position. */
    static long producerReclaims(final UnsafeBuffer memory)
    {
        final long first = lowestHold(memory);
        memory.putLongVolatile(JOIN_POSITION_OFFSET, first);
        return Math.min(first, lowestHold(memory));
    }

    /** A member's Position holds only while it has a claim; the Cursor always holds (its low bits cleared). */
    private static long lowestHold(final UnsafeBuffer memory)
    {
        final long member = memory.getLongVolatile(SLOT_POSITION);
        final long cursor = memory.getLongVolatile(GROUP_CURSOR) & ~7L;
        return Math.min(member < 0 ? Long.MAX_VALUE : member, cursor);
    }
}
