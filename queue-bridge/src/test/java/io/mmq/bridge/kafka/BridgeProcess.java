package io.mmq.bridge.kafka;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.mmq.MmqException;
import io.mmq.mmap.MappedQueue;

/**
 * A bridge in its own JVM, run as {@code mmq bridge} runs it (open the queue, prepare, run with progress
 * lines and SIGTERM handling; a user's mistake is one line {@code mmq: ...} on standard error and exit code
 * 2), without the command line parser.
 *
 * <p>Outbound: FILE kafka://HOST:PORT/TOPIC [key=value ...] with keys name, batch, timeout (ms), create
 * (true/false), queue-id, progress (ms), idle-exit (ms), crash (see {@link #crashAt}).
 *
 * <p>Inbound: kafka://HOST:PORT/TOPIC FILE [key=value ...] with keys start (EARLIEST/LATEST), timeout (ms),
 * progress (ms), idle-exit (ms), crash (see {@link #crashInboundAt}).
 */
public final class BridgeProcess
{
    /**
     * {@code before-kafka-commit:N} or {@code after-kafka-commit:N}: halt the JVM (exit code 9, no shutdown
     * hook, like SIGKILL) at that point of the N-th transaction, counting from 1. Before Kafka's commit, the
     * transaction's records are flushed first, so that they are in the log, uncommitted, when the process dies.
     */
    private static void crashAt(final String spec)
    {
        final String point = spec.substring(0, spec.indexOf(':'));
        final int transaction = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
        final int[] seen = new int[1];
        KafkaOutbound.crashPoints = new KafkaOutbound.CrashPoints()
        {
            @Override
            public void beforeKafkaCommit(final org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer)
            {
                if (point.equals("before-kafka-commit") && ++seen[0] == transaction)
                {
                    producer.flush();
                    System.out.println("crashing before-kafka-commit transaction=" + transaction);
                    System.out.flush();
                    Runtime.getRuntime().halt(9);
                }
            }

            @Override
            public void afterKafkaCommit()
            {
                if (point.equals("after-kafka-commit") && ++seen[0] == transaction)
                {
                    System.out.println("crashing after-kafka-commit transaction=" + transaction);
                    System.out.flush();
                    Runtime.getRuntime().halt(9);
                }
            }
        };
    }

    /**
     * {@code before-publish:N} or {@code after-publish:N}: halt the JVM (exit code 9, no shutdown hook, like
     * SIGKILL) at that point of the N-th record this process copies, counting from 1: with the record
     * fetched and its checkpoint attached but not published, or just after its message and checkpoint are
     * in the queue. Prints {@code crashing POINT offset=O} first.
     */
    private static void crashInboundAt(final String spec)
    {
        final String point = spec.substring(0, spec.indexOf(':'));
        final int record = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
        final int[] seen = new int[1];
        KafkaInbound.crashPoints = new KafkaInbound.CrashPoints()
        {
            @Override
            public void beforePublish(final long offset)
            {
                if (point.equals("before-publish") && ++seen[0] == record)
                {
                    halt(point, offset);
                }
            }

            @Override
            public void afterPublish(final long offset)
            {
                if (point.equals("after-publish") && ++seen[0] == record)
                {
                    halt(point, offset);
                }
            }
        };
    }

    private static void halt(final String point, final long offset)
    {
        System.out.println("crashing " + point + " offset=" + offset);
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }

    /**
     * The inbound bridge, opened as the command opens it: the queue file must keep checkpoints (format
     * version 6) before anything else is done, so that a refused queue is left as it was.
     */
    private static void inbound(final String[] args, final PrintWriter out)
    {
        final KafkaUri uri = KafkaUri.parse(args[0]);
        final Path file = Path.of(args[1]);
        InboundOptions options = InboundOptions.defaults();
        long progress = 1000;
        for (int i = 2; i < args.length; i++)
        {
            final String key = args[i].substring(0, args[i].indexOf('='));
            final String value = args[i].substring(args[i].indexOf('=') + 1);
            switch (key)
            {
                case "start" -> options = options.startingAt(io.mmq.StartPosition.valueOf(value));
                case "timeout" -> options = options.withTimeout(Duration.ofMillis(Long.parseLong(value)));
                case "progress" -> progress = Long.parseLong(value);
                case "idle-exit" -> options = options.withIdleExit(Duration.ofMillis(Long.parseLong(value)));
                case "kafka-log" -> { }
                case "crash" -> crashInboundAt(value);
                default -> throw new IllegalArgumentException("unknown option " + key);
            }
        }
        try (MappedQueue queue = MappedQueue.open(file))
        {
            KafkaInbound.requireCheckpoints(file.toString(), queue.counters().formatVersion(),
                io.mmq.mmap.layout.HeaderLayout.CHECKPOINTS_VERSION);
            final KafkaInbound bridge = KafkaInbound.prepare(uri, options);
            InboundRunner.run(bridge, queue, file.toString(), out, Duration.ofMillis(progress));
        }
    }

    public static void main(final String[] args) throws Exception
    {
        // The Kafka clients' own logging: warnings and errors on standard error, or kafka-log=LEVEL (off, say);
        // set before any Kafka class asks SLF4J for a logger.
        String kafkaLog = "warn";
        for (final String arg : args)
        {
            if (arg.startsWith("kafka-log="))
            {
                kafkaLog = arg.substring("kafka-log=".length());
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", kafkaLog);
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        int code = 0;
        try
        {
            if (KafkaUri.isKafka(args[0]))
            {
                inbound(args, out);
                out.flush();
                System.exit(0);
            }
            final Path file = Path.of(args[0]);
            final KafkaUri uri = KafkaUri.parse(args[1]);
            OutboundOptions options = null;
            String queueId = null;
            long progress = 1000;
            for (int i = 2; i < args.length; i++)
            {
                final String key = args[i].substring(0, args[i].indexOf('='));
                final String value = args[i].substring(args[i].indexOf('=') + 1);
                if (key.equals("queue-id"))
                {
                    queueId = value;
                }
            }
            try (MappedQueue queue = MappedQueue.open(file))
            {
                options = OutboundOptions.forQueue(null == queueId ? OutboundOptions.defaultQueueId(file) : queueId);
                for (int i = 2; i < args.length; i++)
                {
                    final String key = args[i].substring(0, args[i].indexOf('='));
                    final String value = args[i].substring(args[i].indexOf('=') + 1);
                    switch (key)
                    {
                        case "name" -> options = options.withConsumerName(value);
                        case "batch" -> options = options.withBatch(Integer.parseInt(value));
                        case "timeout" -> options = options.withTimeout(Duration.ofMillis(Long.parseLong(value)));
                        case "create" -> options = options.withCreateTopic(Boolean.parseBoolean(value));
                        case "progress" -> progress = Long.parseLong(value);
                        case "idle-exit" -> options = options.withIdleExit(Duration.ofMillis(Long.parseLong(value)));
                        case "queue-id", "kafka-log" -> { }
                        case "crash" -> crashAt(value);
                        default -> throw new IllegalArgumentException("unknown option " + key);
                    }
                }
                final KafkaOutbound bridge = KafkaOutbound.prepare(uri, options);
                OutboundRunner.run(bridge, queue, file.toString(), out, Duration.ofMillis(progress));
            }
        }
        catch (final MmqException | IllegalArgumentException ex)
        {
            System.err.println("mmq: " + ex.getMessage());
            code = 2;
        }
        out.flush();
        System.exit(code);
    }
}
