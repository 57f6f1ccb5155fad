package io.mmq.examples.demo;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.StartPosition;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

import static io.mmq.examples.demo.DemoMessage.*;

/**
 * The demo's consumer process: checks that messages arrive in order with none missing, measures
 * throughput in the first phase and one-way latency in the second, and writes the latency distribution
 * as an HdrHistogram percentile file.
 *
 * <p>Prints {@code JOINED slot=S}, {@code PROGRESS received=N lag=L} about five times a second, and
 * {@code SUMMARY ...} at the end; exits 1 if a message was missing or out of order.
 */
final class DemoConsumer
{
    private static final int POLL_LIMIT = 1024;
    /** A blocked poll returns this often with nothing read, so that progress is still reported. */
    private static final long PROGRESS_WAIT_MILLIS = 200;

    private final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    private long expected;
    private long throughputStart = -1;
    private long throughputEnd;
    private long throughputMessages;
    private boolean ended;
    private String failure;

    private DemoConsumer()
    {
    }

    static void run(final Path file, final QueueOptions options, final Path results, final DemoIdle idle)
        throws IOException
    {
        try (MappedQueue queue = MappedQueue.open(file, options); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            System.out.println("JOINED slot=" + consumer.slot());
            final DemoConsumer demo = new DemoConsumer();
            final MessageHandler handler = demo::onMessage;
            final Progress progress = new Progress("PROGRESS received=");
            while (!demo.ended && null == demo.failure)
            {
                if (idle == DemoIdle.BLOCKING)
                {
                    consumer.poll(handler, POLL_LIMIT, PROGRESS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
                else
                {
                    consumer.poll(handler, POLL_LIMIT);
                }
                // Blocked polls are few and may each have waited: look at the clock after every one. A spinning
                // consumer's polls are many, and a clock read per poll would show in its latency.
                progress.maybeReport(demo.expected, consumer, idle == DemoIdle.BLOCKING);
            }
            if (null != demo.failure)
            {
                System.out.println("FAILED " + demo.failure);
                System.exit(1);
            }

            Files.createDirectories(results);
            final Path percentiles = results.resolve("latency-consumer-" + consumer.slot() + ".hgrm");
            try (PrintStream out = new PrintStream(new FileOutputStream(percentiles.toFile())))
            {
                demo.latency.outputPercentileDistribution(out, 1000.0);
            }
            final double seconds = (demo.throughputEnd - demo.throughputStart) / 1e9;
            System.out.printf("SUMMARY slot=%d received=%d throughput=%.0f p50=%.1f p90=%.1f p99=%.1f p999=%.1f " +
                "p9999=%.1f max=%.1f file=%s%n",
                consumer.slot(), demo.expected, seconds > 0 ? demo.throughputMessages / seconds : 0.0,
                micros(demo.latency.getValueAtPercentile(50)), micros(demo.latency.getValueAtPercentile(90)),
                micros(demo.latency.getValueAtPercentile(99)), micros(demo.latency.getValueAtPercentile(99.9)),
                micros(demo.latency.getValueAtPercentile(99.99)), micros(demo.latency.getMaxValue()), percentiles);
        }
    }

    private static double micros(final long nanos)
    {
        return nanos / 1000.0;
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final long now = System.nanoTime();
        final long seq = buffer.getLong(offset + SEQUENCE_OFFSET);
        if (seq != expected && null == failure)
        {
            failure = "expected message " + expected + " but received " + seq;
        }
        expected = seq + 1;
        switch (buffer.getInt(offset + PHASE_OFFSET))
        {
            case THROUGHPUT:
                if (throughputStart < 0)
                {
                    throughputStart = now;
                }
                throughputEnd = now;
                throughputMessages++;
                break;
            case LATENCY:
                latency.recordValue(Math.max(0, now - buffer.getLong(offset + SENT_AT_OFFSET)));
                break;
            default:
                ended = true;
        }
    }
}
