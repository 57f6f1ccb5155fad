package io.mmq.mmap.ring;

import java.util.Arrays;

/**
 * The producer's memory of where frames begin: the first frame boundary it wrote in each sixteenth of the
 * ring, so that it can move the join position to a boundary near where it wants without reading back the
 * frames it wrote.
 *
 * <p>Why it matters: the producer moves the join and reclaim positions a quarter of a ring at a time,
 * and both must be frame boundaries. Finding one by walking the frames reads every frame header once
 * more, a ring after it was written, when its cache line has long left this core (a consumer in another
 * process has read it since): a cache miss per line of frames, paid on the publishing thread. Noting a
 * boundary costs a shift and a compare per frame instead.
 *
 * <pre>
 *   segment:   k-1        k                     k+1
 *            ...|----+----|--+------+---------+---|--+----...
 *                         ^  ^ first boundary in k    ^ first in k+1
 * </pre>
 *
 * A segment that a long frame spans without a boundary in it keeps an entry from an earlier lap, which
 * {@link #firstAtOrAfter} recognises by its segment number and ignores.
 */
final class FrameBoundaries
{
    /** Segments per ring; a power of two. */
    static final int SEGMENTS = 16;

    private final int segmentShift;
    /** For segment {@code s}, at {@code s & (SEGMENTS - 1)}: the first boundary noted in it, or -1. */
    private final long[] firstInSegment = new long[SEGMENTS];

    FrameBoundaries(final int capacity)
    {
        this.segmentShift = Integer.numberOfTrailingZeros(capacity / SEGMENTS);
        Arrays.fill(firstInSegment, -1);
    }

    /**
     * Notes that a frame (message or padding) ends at {@code end} and began at {@code start}: if the frame
     * ends in another segment than it began, {@code end} is the first boundary of its segment.
     */
    void frameWritten(final long start, final long end)
    {
        final long segment = end >>> segmentShift;
        if (segment != start >>> segmentShift)
        {
            firstInSegment[(int)segment & (SEGMENTS - 1)] = end;
        }
    }

    /**
     * @return the least noted boundary from {@code target} to {@code limit}, or -1 if none was noted there
     *         (none yet after the producer started, or long frames in the way).
     */
    long firstAtOrAfter(final long target, final long limit)
    {
        for (long segment = target >>> segmentShift, last = limit >>> segmentShift; segment <= last; segment++)
        {
            final long boundary = firstInSegment[(int)segment & (SEGMENTS - 1)];
            if (boundary >= target && boundary <= limit && boundary >>> segmentShift == segment)
            {
                return boundary;
            }
        }
        return -1;
    }
}
