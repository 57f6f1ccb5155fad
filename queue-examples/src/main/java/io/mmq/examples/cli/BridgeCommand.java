package io.mmq.examples.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.mmq.StartPosition;
import io.mmq.bridge.aeron.UdpOptions;
import io.mmq.bridge.aeron.UdpRunner;
import io.mmq.bridge.aeron.UdpUri;
import io.mmq.bridge.kafka.InboundOptions;
import io.mmq.bridge.kafka.InboundRunner;
import io.mmq.bridge.kafka.KafkaInbound;
import io.mmq.bridge.kafka.KafkaOutbound;
import io.mmq.bridge.kafka.KafkaUri;
import io.mmq.bridge.kafka.OutboundOptions;
import io.mmq.bridge.kafka.OutboundRunner;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.layout.HeaderLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bridge", mixinStandardHelpOptions = true,
    header = "Forward a queue into Kafka or over Aeron UDP to another host, and back into a queue.",
    description = {
        "Forward a queue into a Kafka topic, exactly once and in order, across crashes of the bridge and " +
            "restarts of the broker; copy a topic into a queue the same way; or carry a queue to a queue on another " +
            "host over Aeron UDP, in order and lossless while both bridges live, any loss after a crash reported " +
            "as a gap (docs/bridge.md).",
        "",
        "  mmq bridge --from /dev/shm/orders.mmq --to kafka://127.0.0.1:9092/orders",
        "",
        "The bridge reads the queue as a named consumer (bridge:TOPIC, or --name) that commits only what Kafka " +
            "has committed, so a slow or absent Kafka holds the queue's producer back. The topic must have one " +
            "partition (a missing one is created so); its readers should use isolation.level=read_committed. " +
            "Progress every second: forwarded, inflight, lag (bytes not yet in Kafka), retries, restarts. " +
            "SIGTERM or Ctrl-C commits what was sent, then stops.",
        "",
        "  mmq bridge --from kafka://127.0.0.1:9092/orders --to /dev/shm/orders.mmq",
        "",
        "The other way, the bridge copies a topic of one partition into a queue, exactly once and in order: it " +
            "is the queue's producer, reads with isolation.level=read_committed, and keeps the last offset it copied " +
            "as the queue's checkpoint, stored with the message itself (the queue must be format 6 or newer). A full " +
            "queue holds the reading back. Progress: applied, lag (offsets behind the partition's end), offset (the " +
            "checkpoint), backpressured. --start says where to begin while the queue has no checkpoint; --name, " +
            "--no-create-topic, --batch and --queue-id are outbound only.",
        "",
        "On host B (10.0.0.2), then, within --timeout, on host A:",
        "  mmq bridge --from 'aeron:udp?endpoint=10.0.0.2:40123' --to /dev/shm/orders.mmq",
        "  mmq bridge --from /dev/shm/orders.mmq --to 'aeron:udp?endpoint=10.0.0.2:40123'",
        "",
        "Aeron: each bridge runs its own media driver (--aeron-dir). The outbound bridge reads the queue as a " +
            "named consumer (bridge:aeron:HOST:PORT, or --name) that commits what Aeron took, so a stalled far side " +
            "holds the queue's producer back; it waits --timeout for the inbound bridge to answer. The inbound " +
            "bridge is its queue's producer, keeps the source position as the queue's checkpoint, and prints " +
            "'gap from=... to=...' for any source range it never got."})
public final class BridgeCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "QUEUE_FILE",
        description = "The queue to forward, or (inbound) the topic to copy: kafka://HOST:PORT/TOPIC, or the " +
            "aeron:udp?endpoint=HOST:PORT to listen on (an address of this host).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "kafka://HOST:PORT/TOPIC",
        description = "The topic (one partition) to forward into; HOST:PORT may be a comma-separated list. Or " +
            "aeron:udp?endpoint=HOST:PORT of an inbound bridge. Inbound: the queue file to copy into.")
    String to;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Aeron: the directory of the bridge's own media driver, refused if a live driver uses it " +
            "(default: /dev/shm/aeron-mmq-bridge-out-NAME or -in-HOST-PORT).")
    Path aeronDirectory;

    @Option(names = "--name", description = "The named consumer the bridge reads as (default: bridge:TOPIC).")
    String name;

    @Option(names = "--start", defaultValue = "EARLIEST",
        description = "Where a new name starts, LATEST or EARLIEST (default: ${DEFAULT-VALUE}); an existing name resumes. " +
            "Inbound: where in the topic to begin while the queue has no checkpoint.")
    StartPosition start;

    @Option(names = "--no-create-topic", description = "Refuse a topic that does not exist instead of creating it.")
    boolean noCreateTopic;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "How long a Kafka call may wait (default: ${DEFAULT-VALUE}): the start-up checks fail after it; " +
            "at run time the bridge starts a new session. Aeron: how long the outbound bridge waits for the inbound " +
            "one at start, and for everything to be sent on a clean stop.")
    double timeout;

    @Option(names = "--batch", defaultValue = "" + OutboundOptions.DEFAULT_BATCH,
        description = "Messages per Kafka transaction, at most (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "1",
        description = "Print the counters every SECONDS (default: ${DEFAULT-VALUE}; 0: never).")
    double progress;

    @Option(names = "--idle-exit", paramLabel = "SECONDS", description = "Stop when nothing arrives for this long.")
    Double idleExit;

    @Option(names = "--queue-id", paramLabel = "ID",
        description = "The queue's identity in the topic's records (default: HOST:REAL_PATH of the queue file).")
    String queueId;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "A Kafka client setting (security, say), repeatable; the ones exactly-once rests on are refused.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--kafka-log", paramLabel = "LEVEL", defaultValue = "off",
        description = "The Kafka client's own log, on standard error: off, error, warn, info or debug (default: ${DEFAULT-VALUE}).")
    String kafkaLog;

    @Override
    public Integer call() throws Exception
    {
        if (UdpUri.isAeron(from) || UdpUri.isAeron(to))
        {
            return aeron();
        }
        if (null != aeronDirectory)
        {
            throw new IllegalArgumentException("--aeron-dir is for Aeron bridges only");
        }
        if (KafkaUri.isKafka(from))
        {
            return inbound();
        }
        if (!KafkaUri.isKafka(to))
        {
            throw new IllegalArgumentException("--to must be a Kafka URI (kafka://HOST:PORT/TOPIC) or an Aeron one " +
                "('aeron:udp?endpoint=HOST:PORT') when --from is a queue file: " + to);
        }
        final KafkaUri target = KafkaUri.parse(to);
        checkKafkaOptions();
        final Path file = Path.of(from);
        try (MappedQueue queue = MappedQueue.open(file))
        {
            OutboundOptions options = OutboundOptions.forQueue(null == queueId ? OutboundOptions.defaultQueueId(file) : queueId)
                .startingAt(start)
                .withCreateTopic(!noCreateTopic)
                .withTimeout(Duration.ofMillis((long)(timeout * 1000)))
                .withBatch(batch)
                .withKafkaProperties(kafkaProperties);
            if (null != name)
            {
                options = options.withConsumerName(name);
            }
            if (null != idleExit)
            {
                options = options.withIdleExit(Duration.ofMillis((long)(idleExit * 1000)));
            }
            final KafkaOutbound bridge = KafkaOutbound.prepare(target, options);
            OutboundRunner.run(bridge, queue, file.toString(), spec.commandLine().getOut(),
                Duration.ofMillis((long)(progress * 1000)));
        }
        return 0;
    }

    /** The options both directions share: checked, and the Kafka client's log level set. */
    private void checkKafkaOptions()
    {
        if (!(timeout >= 0.1))
        {
            throw new IllegalArgumentException("--timeout must be at least 0.1 seconds: " + timeout);
        }
        if (!(progress >= 0))
        {
            throw new IllegalArgumentException("--progress must not be negative: " + progress);
        }
        final String level = kafkaLog.toLowerCase(Locale.ROOT);
        if (!level.matches("off|error|warn|info|debug|trace"))
        {
            throw new IllegalArgumentException("--kafka-log must be off, error, warn, info or debug: " + kafkaLog);
        }
        // Before any Kafka class asks SLF4J (slf4j-simple, to standard error) for a logger.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    }

    /**
     * {@code --from kafka://HOST:PORT/TOPIC --to QUEUE_FILE}: the inbound bridge. Everything that can be
     * refused without Kafka is refused before the queue is opened, and the queue's format before Kafka is
     * asked anything; the bridge becomes the queue's producer only once the topic is known to be usable, so
     * a refusal leaves the queue file as it was.
     */
    private Integer inbound() throws Exception
    {
        for (final String outboundOnly : List.of("--name", "--no-create-topic", "--batch", "--queue-id"))
        {
            if (spec.commandLine().getParseResult().hasMatchedOption(outboundOnly))
            {
                throw new IllegalArgumentException(outboundOnly + " is an option of the outbound bridge only " +
                    "(a queue into Kafka), not of --from kafka://...");
            }
        }
        if (KafkaUri.isKafka(to))
        {
            throw new IllegalArgumentException("one end must be a queue file: --from and --to are both Kafka URIs");
        }
        final KafkaUri source = KafkaUri.parse(from);
        checkKafkaOptions();
        final Path file = Path.of(to);
        try (MappedQueue queue = MappedQueue.open(file))
        {
            KafkaInbound.requireCheckpoints(file.toString(), queue.counters().formatVersion(), HeaderLayout.CHECKPOINTS_VERSION);
            InboundOptions options = InboundOptions.defaults()
                .startingAt(start)
                .withTimeout(Duration.ofMillis((long)(timeout * 1000)))
                .withKafkaProperties(kafkaProperties);
            if (null != idleExit)
            {
                options = options.withIdleExit(Duration.ofMillis((long)(idleExit * 1000)));
            }
            final KafkaInbound bridge = KafkaInbound.prepare(source, options);
            InboundRunner.run(bridge, queue, file.toString(), spec.commandLine().getOut(),
                Duration.ofMillis((long)(progress * 1000)));
        }
        return 0;
    }

    /** Options that only a Kafka bridge takes. */
    private static final List<String> KAFKA_ONLY = List.of("--no-create-topic", "--batch", "--queue-id", "--kafka-property",
        "--kafka-log");

    /** {@code --from QUEUE_FILE --to aeron:udp?...} or {@code --from aeron:udp?... --to QUEUE_FILE}. */
    private int aeron()
    {
        for (final String option : KAFKA_ONLY)
        {
            if (spec.commandLine().getParseResult().hasMatchedOption(option))
            {
                throw new IllegalArgumentException(option + " is for Kafka bridges only");
            }
        }
        final boolean outbound = UdpUri.isAeron(to);
        final String file = outbound ? from : to;
        if (UdpUri.isAeron(file) || KafkaUri.isKafka(file))
        {
            throw new IllegalArgumentException("one end of a bridge must be a queue file: --from " + from + " --to " + to);
        }
        final UdpUri uri = UdpUri.parse(outbound ? to : from);
        if (!outbound && (null != name || spec.commandLine().getParseResult().hasMatchedOption("--start")))
        {
            throw new IllegalArgumentException("--name and --start are for the outbound bridge (--to aeron:...) only");
        }
        if (!(timeout >= 0.1))
        {
            throw new IllegalArgumentException("--timeout must be at least 0.1 seconds: " + timeout);
        }
        if (!(progress >= 0))
        {
            throw new IllegalArgumentException("--progress must not be negative: " + progress);
        }
        final String consumerName = null == name ? UdpOptions.defaultConsumerName(uri) : name;
        final Path directory = null != aeronDirectory ? aeronDirectory :
            UdpOptions.defaultDirectory(outbound ? "out-" + consumerName : "in-" + uri.host() + "-" + uri.port());
        UdpOptions options = UdpOptions.inDirectory(directory).withTimeout(Duration.ofMillis((long)(timeout * 1000)));
        if (outbound)
        {
            options = options.withConsumerName(consumerName).startingAt(start);
        }
        if (null != idleExit)
        {
            options = options.withIdleExit(Duration.ofMillis((long)(idleExit * 1000)));
        }
        final Duration every = Duration.ofMillis((long)(progress * 1000));
        try (MappedQueue queue = MappedQueue.open(Path.of(file)))
        {
            if (outbound)
            {
                UdpRunner.runOutbound(queue, file, uri, options, spec.commandLine().getOut(), every);
            }
            else
            {
                // The inbound bridge keeps its place as the queue's checkpoint: refused before anything connects.
                KafkaInbound.requireCheckpoints(file, queue.counters().formatVersion(), HeaderLayout.CHECKPOINTS_VERSION);
                UdpRunner.runInbound(queue, file, uri, options, spec.commandLine().getOut(), every);
            }
        }
        return 0;
    }
}
