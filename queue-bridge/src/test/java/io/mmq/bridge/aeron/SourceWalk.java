package io.mmq.bridge.aeron;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks what reached the far queue against the source queue, exactly: the far queue's messages must be the
 * source's, in order, none twice, with a jump only where the inbound bridge reported a gap, and each jump
 * exactly the reported range. The source queue must still hold every message from position 0 (a ring larger
 * than the test's stream), and message {@code i} of the source is {@link CheckedMessages} message {@code i}.
 */
final class SourceWalk
{
    /**
     * A gap the inbound reported: source positions {@code [from, to)} are missing; {@code from} is where the
     * last message applied ended, {@code to} where the message before the next one applied ended.
     */
    record Gap(long from, long to)
    {
        static Gap of(final String line)
        {
            return new Gap(Child.field(line, "from"), Child.field(line, "to"));
        }

        /** @return every {@code gap from=F to=T} line the bridges printed, the first bridge's first. */
        static List<Gap> reportedBy(final Child... bridges)
        {
            final List<Gap> gaps = new ArrayList<>();
            for (final Child bridge : bridges)
            {
                bridge.output().stream().filter(line -> line.startsWith("gap")).map(Gap::of).forEach(gaps::add);
            }
            return gaps;
        }
    }

    private final List<Long> ends = new ArrayList<>();
    private final List<Integer> lengths = new ArrayList<>();

    /** Reads the source queue's messages, from its start, and the position after each. */
    SourceWalk(final Path source)
    {
        try (MappedQueue queue = MappedQueue.open(source); Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            assertEquals(0, consumer.position(), "the source queue still holds its first message");
            while (consumer.poll((buffer, offset, length) ->
            {
                ends.add(consumer.position());
                lengths.add(length);
            }, 1024) > 0)
            {
                // read on
            }
        }
    }

    int messages()
    {
        return ends.size();
    }

    long end(final int seq)
    {
        return ends.get(seq);
    }

    /** @return where the message before message {@code seq} ended in the source (0 for the first). */
    long previousEnd(final int seq)
    {
        return 0 == seq ? 0 : ends.get(seq - 1);
    }

    /**
     * Checks the far queue's messages, all of them from its first, against the source and the reported gaps.
     *
     * @return how many source messages the far queue lacks (the gaps' messages).
     */
    long check(final List<byte[]> far, final CheckedMessages messages, final List<Gap> gaps)
    {
        return walk(far, messages, gaps, true);
    }

    /**
     * As {@link #check}, for a far queue that stopped being fed before the source's end: its messages must be
     * the source's from its first, in order, with a jump only at each reported gap, but may end anywhere.
     *
     * @return how many source messages the far queue lacks before its last message (the gaps' messages).
     */
    long checkPrefix(final List<byte[]> far, final CheckedMessages messages, final List<Gap> gaps)
    {
        return walk(far, messages, gaps, false);
    }

    private long walk(final List<byte[]> far, final CheckedMessages messages, final List<Gap> gaps, final boolean toTheEnd)
    {
        int next = 0;
        int gapIndex = 0;
        long skipped = 0;
        for (int received = 0; received < far.size(); received++)
        {
            if (gapIndex < gaps.size() && next > 0 && gaps.get(gapIndex).from() == previousEnd(next))
            {
                final Gap gap = gaps.get(gapIndex++);
                int resume = next;
                while (resume < messages() && previousEnd(resume) < gap.to())
                {
                    resume++;
                }
                assertTrue(resume < messages() && previousEnd(resume) == gap.to(),
                    "the gap " + gap + " ends where a source message ends, before the next one");
                assertTrue(resume > next, "the gap " + gap + " skips at least one message");
                skipped += resume - next;
                next = resume;
            }
            assertTrue(next < messages(), "the far queue has more messages than the source");
            final byte[] message = far.get(received);
            assertNull(messages.check(new UnsafeBuffer(message), 0, message.length, next), "far message " + received +
                " is source message " + next + " (gaps " + gaps + ")");
            next++;
        }
        assertEquals(gaps.size(), gapIndex, "every reported gap is where the far queue jumps: " + gaps);
        if (toTheEnd)
        {
            assertEquals(messages(), next, "the far queue ends with the source's last message");
        }
        return skipped;
    }
}
