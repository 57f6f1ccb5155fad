package io.mmq.mmap.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The producer's memory of frame boundaries answers with a boundary it wrote, at or after the one asked
 * for, never one from an earlier lap, and admits when it has none.
 */
class FrameBoundariesTest
{
    private static final int CAPACITY = 4096;
    private static final int SEGMENT = CAPACITY / FrameBoundaries.SEGMENTS; // 256

    @Test
    void theFirstBoundaryOfEachSegmentIsNotedAndTheLeastAtOrAfterTheTargetIsGiven()
    {
        final FrameBoundaries boundaries = new FrameBoundaries(CAPACITY);
        long position = 0;
        while (position < 3 * SEGMENT)
        {
            boundaries.frameWritten(position, position + 40);
            position += 40;
        }
        // Frames end at 40, 80, ... 800: the first past 256 is 280, past 512 is 520, past 768 is 800.
        assertEquals(280, boundaries.firstAtOrAfter(100, position));
        assertEquals(280, boundaries.firstAtOrAfter(280, position));
        assertEquals(520, boundaries.firstAtOrAfter(281, position), "the next noted one, not 320");
        assertEquals(800, boundaries.firstAtOrAfter(521, position));
        assertEquals(-1, boundaries.firstAtOrAfter(521, 799), "nothing noted from 521 to 799");
        assertEquals(-1, boundaries.firstAtOrAfter(100, 279), "never past the limit");
    }

    @Test
    void aSegmentALongFrameSpansKeepsNoBoundaryFromAnEarlierLap()
    {
        final FrameBoundaries boundaries = new FrameBoundaries(CAPACITY);
        boundaries.frameWritten(SEGMENT - 8, SEGMENT + 8); // notes 264 in segment 1
        // A lap later, a frame spans all of segment 1 + 16: its entry still holds 264.
        final long lap = CAPACITY;
        boundaries.frameWritten(lap + SEGMENT - 8, lap + 2 * SEGMENT + 8);
        assertEquals(lap + 2 * SEGMENT + 8, boundaries.firstAtOrAfter(lap + SEGMENT, lap + 3 * SEGMENT));
        assertEquals(-1, boundaries.firstAtOrAfter(lap + SEGMENT, lap + 2 * SEGMENT),
            "264 is a lap old, and no frame ends in segment " + (lap + SEGMENT) / SEGMENT);
    }

    @Test
    void aNewProducerHasNoBoundariesUntilItWritesSome()
    {
        assertEquals(-1, new FrameBoundaries(CAPACITY).firstAtOrAfter(0, 10 * CAPACITY));
    }
}
