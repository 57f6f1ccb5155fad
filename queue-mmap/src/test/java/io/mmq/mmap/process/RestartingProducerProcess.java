package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A producer that can be killed at any moment and started again: it finds the last message in the queue,
 * then continues the sequence up to {@code count}. Each message is its sequence number followed by
 * {@link CheckedMessages} content.
 *
 * <p>How it finds the last message is its last argument: {@code scan} reads the ring as a consumer from
 * the earliest retained position; {@code checkpoint} asks {@link Producer#checkpoint()}, having attached
 * each message's sequence number to it as its checkpoint (with a source derived from it, which must come
 * back with it), the way a bridge copying messages in from
 * another system resumes.
 *
 * <p>Arguments: file seed maxLength count scan|checkpoint. Prints {@code RESUMED next=N}, then {@code DONE}.
 */
public final class RestartingProducerProcess
{
    public static void main(final String[] args)
    {
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        final long count = Long.parseLong(args[3]);
        final boolean checkpoints = "checkpoint".equals(args[4]);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])))
        {
            final Producer producer = queue.producer();
            // NO_CHECKPOINT is -1, as is an empty ring's last sequence: a new queue starts at 0.
            final long next = (checkpoints ? producer.checkpoint() : lastInRing(queue)) + 1;
            if (checkpoints && next > 0 && producer.checkpointSource() != sourceOf(next - 1))
            {
                throw new IllegalStateException("checkpoint " + (next - 1) + " came back with source " +
                    producer.checkpointSource() + ", not the " + sourceOf(next - 1) + " attached with it");
            }
            System.out.println("RESUMED next=" + next);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8 + producer.maxMessageLength()]);
            for (long seq = next; seq < count; seq++)
            {
                message.putLong(0, seq);
                final int length = 8 + messages.write(message, 8, seq);
                if (checkpoints)
                {
                    producer.attachCheckpoint(seq, sourceOf(seq));
                }
                while (producer.offer(message, 0, length) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            producer.close();
            System.out.println("DONE");
        }
    }

    /** A source that differs with each checkpoint, so that one torn from its checkpoint shows. */
    private static long sourceOf(final long seq)
    {
        return (seq + 1) * 0x9E37_79B9_7F4A_7C15L;
    }

    private static long lastInRing(final MappedQueue queue)
    {
        try (Consumer scan = queue.consumer(StartPosition.EARLIEST))
        {
            final long[] last = {-1};
            while (scan.poll((buffer, offset, length) -> last[0] = buffer.getLong(offset), 1024) > 0)
            {
                Thread.onSpinWait();
            }
            return last[0];
        }
    }
}
