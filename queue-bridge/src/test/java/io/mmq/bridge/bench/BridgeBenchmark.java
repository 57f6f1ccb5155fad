package io.mmq.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.mmq.QueueOptions;
import io.mmq.bridge.aeron.LoopbackPort;
import io.mmq.bridge.aeron.UdpBridgeProcess;
import io.mmq.bridge.kafka.BridgeProcess;
import io.mmq.bridge.kafka.KafkaBroker;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Each bridged path beside its engine alone, in one run: what a bridge costs.
 *
 * <ul>
 *   <li><b>Kafka.</b> Alone: a kafka-clients producer with the outbound bridge's settings and transactions
 *       ({@link KafkaSender}) into a one-partition topic, and a read_committed consumer
 *       ({@link KafkaReceiver}). Bridged: a producer into queue A, the outbound bridge (A into the topic),
 *       the inbound bridge (the topic into queue B), and a consumer of B.</li>
 *   <li><b>Aeron UDP.</b> Alone: a publication and a subscription over UDP on the loopback address, each
 *       through a media driver of its own with the bridges' UDP settings. Bridged: queue A, the outbound
 *       bridge, UDP, the inbound bridge, queue B.</li>
 * </ul>
 *
 * Every role and the broker is a JVM of its own. Two kinds of run: <i>throughput</i> (the sender flat
 * out; the rate is the receiver's, first message to last) and <i>latency</i> (the sender paced at
 * {@code --rate}; each message's time from its send to its receipt, across processes by the machine's
 * monotonic clock). Each kind is run {@code --rounds} times, the two paths taking turns and each round
 * starting with the other; a row gives the median of its rounds. Results: {@code results.md} and one
 * HdrHistogram percentile file (microseconds) per latency run, in {@code --results}.
 *
 * <p>Options: {@code --engines kafka,aeron --messages 1000000 --latency-messages 40000 --warmup 10000
 * --rate 5000 --size 256 --rounds 3 --halves no --results bridge-bench-results}. Every run first sends
 * {@code --warmup} messages, checked but not measured (see {@link Receipts}). {@code --halves yes} adds two Kafka
 * paths that bridge one end only, to tell where the bridged path's time goes: {@code bridged-out} (queue A, the
 * outbound bridge, the topic read by a plain consumer) and {@code bridged-in} (a plain producer into the topic,
 * the inbound bridge, queue B).
 */
public final class BridgeBenchmark
{
    private static final long RUN_TIMEOUT_SECONDS = 600;
    private static final int QUEUE_CAPACITY = 4 * 1024 * 1024;
    private static final int STREAM = 1001;

    private final Map<String, String> options = new LinkedHashMap<>(Map.of(
        "engines", "kafka,aeron", "messages", "1000000", "latency-messages", "40000", "warmup", "10000",
        "rate", "5000", "size", "256", "rounds", "3", "halves", "no", "results", "bridge-bench-results"));
    private final Path results;
    private final List<Run> runs = new ArrayList<>();
    private KafkaBroker broker;
    private Path brokerDirectory;
    private int runNumber;
    private int totalRuns;

    private BridgeBenchmark(final String[] args) throws IOException
    {
        for (int i = 0; i < args.length; i++)
        {
            final String key = args[i].replaceFirst("^--", "");
            if (!options.containsKey(key) || i + 1 >= args.length)
            {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i] + " (options: " +
                    options.keySet() + ")");
            }
            options.put(key, args[++i]);
        }
        results = Path.of(options.get("results")).toAbsolutePath();
        Files.createDirectories(results);
    }

    public static void main(final String[] args) throws Exception
    {
        final BridgeBenchmark benchmark = new BridgeBenchmark(args);
        try
        {
            benchmark.runAll();
        }
        finally
        {
            benchmark.stopBroker();
        }
        System.exit(0);
    }

    private void runAll() throws Exception
    {
        final List<String> engines = Arrays.asList(options.get("engines").split(","));
        final int rounds = Integer.parseInt(options.get("rounds"));
        totalRuns = engines.stream().mapToInt(engine -> paths(engine).size()).sum() * rounds * 2;
        System.out.println("bridge benchmark: " + options + "; " + totalRuns + " runs; results in " + results);
        for (final String engine : engines)
        {
            if (engine.equals("kafka"))
            {
                brokerDirectory = Files.createTempDirectory("mmq-bridge-bench-kafka-");
                System.out.println("starting a Kafka broker (one KRaft node) in " + brokerDirectory);
                broker = KafkaBroker.start(brokerDirectory);
            }
            for (final String kind : List.of("throughput", "latency"))
            {
                for (int round = 1; round <= rounds; round++)
                {
                    // Each round starts with another path, so that none always runs on a machine just warmed.
                    final List<String> paths = new ArrayList<>(paths(engine));
                    Collections.rotate(paths, round - 1);
                    for (final String path : paths)
                    {
                        runs.add(run(engine, path, kind, round, rounds));
                    }
                }
            }
            stopBroker();
        }
        final String report = report();
        Files.writeString(results.resolve("results.md"), report);
        System.out.println();
        System.out.println(report);
    }

    /**
     * Aeron alone twice: with its driver on a thread of its own (Aeron's usual way) and with its driver run by
     * the sending and receiving threads, as the bridges run theirs.
     */
    /**
     * The targets' rows for one engine, each against the best of its alone paths for that measure (for Aeron:
     * the higher throughput and the lower p50 of its driver on a thread of its own and its driver invoked),
     * named in the row: the bridge is judged against the engine at its best on this machine.
     */
    /**
     * Waits for the receiver's result, but not for a sender that has died: nothing more will come then, and
     * the run fails at once instead of after {@link #RUN_TIMEOUT_SECONDS}.
     */
    private static String awaitReceived(final Child receiver, final Child sender) throws InterruptedException
    {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
        while (System.nanoTime() - deadline < 0)
        {
            final String received = receiver.output().stream().filter(line -> line.startsWith("RECEIVED")).findFirst()
                .orElse(null);
            if (null != received)
            {
                return received;
            }
            if (!sender.process().isAlive() && sender.output().stream().noneMatch(line -> line.startsWith("SENT")))
            {
                throw new AssertionError("the sender ended (exit " + sender.process().exitValue() + ") before it sent " +
                    "everything");
            }
            Thread.sleep(50);
        }
        return receiver.awaitLine("RECEIVED", 1); // fails, with the receiver's output
    }

    private void targets(final StringBuilder out, final Map<String, Run> medians, final String engine)
    {
        final Run bridgedThroughput = medians.get(engine + "/bridged/throughput");
        final Run aloneThroughput = best(medians, engine, "throughput",
            java.util.Comparator.comparingLong(Run::rate).reversed());
        if (null != aloneThroughput && null != bridgedThroughput)
        {
            final double ratio = (double)bridgedThroughput.rate / aloneThroughput.rate;
            out.append(String.format("| %s: bridged throughput / %s | >= 0.80 | %,d / %,d msg/s = %.3f | %s |%n",
                engine, aloneThroughput.path, bridgedThroughput.rate, aloneThroughput.rate, ratio,
                ratio >= 0.8 ? "met" : "missed"));
        }
        final Run bridgedLatency = medians.get(engine + "/bridged/latency");
        final Run aloneLatency = best(medians, engine, "latency", java.util.Comparator.comparingLong(Run::p50));
        if (null != aloneLatency && null != bridgedLatency)
        {
            final double ratio = (double)bridgedLatency.p50 / aloneLatency.p50;
            out.append(String.format("| %s: bridged p50 / %s p50 | <= 1.20 | %s / %s us = %.3f | %s |%n",
                engine, aloneLatency.path, micros(bridgedLatency.p50), micros(aloneLatency.p50), ratio,
                ratio <= 1.2 ? "met" : "missed"));
        }
    }

    private Run best(final Map<String, Run> medians, final String engine, final String kind,
        final java.util.Comparator<Run> better)
    {
        return paths(engine).stream().filter(path -> path.startsWith("alone"))
            .map(path -> medians.get(engine + "/" + path + "/" + kind)).filter(java.util.Objects::nonNull)
            .sorted(better).findFirst().orElse(null);
    }

    private List<String> paths(final String engine)
    {
        if (engine.equals("aeron"))
        {
            return List.of("alone", "alone-invoked", "bridged");
        }
        return "yes".equals(options.get("halves")) ? List.of("alone", "bridged", "bridged-out", "bridged-in") :
            List.of("alone", "bridged");
    }

    private void stopBroker() throws Exception
    {
        if (null != broker)
        {
            broker.close();
            broker = null;
            deleteTree(brokerDirectory);
        }
    }

    private Run run(final String engine, final String path, final String kind, final int round, final int rounds)
        throws Exception
    {
        final boolean throughput = kind.equals("throughput");
        final long count = Long.parseLong(options.get(throughput ? "messages" : "latency-messages"));
        final long rate = throughput ? 0 : Long.parseLong(options.get("rate"));
        final long warmup = Long.parseLong(options.get("warmup"));
        final long total = warmup + count;
        final int size = Integer.parseInt(options.get("size"));
        final String name = engine + "-" + path + "-" + kind + "-" + round;
        final Path hgrm = results.resolve(name + ".hgrm");
        System.out.printf("[%d/%d] round %d/%d  %-10s %-7s %-10s %,d messages of %d B%s, after %,d to warm up%n",
            ++runNumber, totalRuns, round, rounds, kind, engine, path, count, size,
            throughput ? ", flat out" : " at " + rate + "/s", warmup);
        final Path work = Files.createTempDirectory(Path.of("/dev/shm").toFile().isDirectory() ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir")), "mmq-bridge-bench-");
        final List<Child> children = new ArrayList<>();
        try
        {
            final Child receiver;
            final Child sender;
            if (engine.equals("kafka"))
            {
                // Each end is Kafka's own client, or a queue and its bridge: alone is neither, bridged both.
                final boolean outBridged = path.equals("bridged") || path.equals("bridged-out");
                final boolean inBridged = path.equals("bridged") || path.equals("bridged-in");
                final Path queueA = outBridged ? createQueue(work.resolve("a.mmq")) : null;
                final Path queueB = inBridged ? createQueue(work.resolve("b.mmq")) : null;
                final String topic = createTopic(name);
                // The reader of queue B waits as the Kafka consumer it stands in for does: in the kernel.
                receiver = inBridged ?
                    start(children, "receiver", QueueReceiver.class, queueB, total, warmup, hgrm, "blocking") :
                    start(children, "receiver", KafkaReceiver.class, broker.bootstrapServers(), topic, total, warmup, hgrm);
                receiver.awaitLine("JOINED", 120);
                if (inBridged)
                {
                    start(children, "bridge-in", BridgeProcess.class, broker.uri(topic), queueB).awaitLine("started", 120);
                }
                if (outBridged)
                {
                    start(children, "bridge-out", BridgeProcess.class, queueA, broker.uri(topic)).awaitLine("started", 120);
                }
                sender = outBridged ? start(children, "sender", QueueSender.class, queueA, total, size, rate) :
                    start(children, "sender", KafkaSender.class, broker.bootstrapServers(), topic, total, size, rate);
            }
            else if (path.startsWith("alone"))
            {
                final String threading = path.equals("alone-invoked") ? "INVOKER" : "SHARED";
                final String channel = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPort.freeUdp();
                receiver = start(children, "receiver", AeronReceiver.class, work.resolve("aeron-in"), channel, STREAM,
                    total, warmup, hgrm, threading);
                receiver.awaitLine("JOINED", 120);
                sender = start(children, "sender", AeronSender.class, work.resolve("aeron-out"), channel, STREAM,
                    total, size, rate, threading);
            }
            else
            {
                final Path queueA = createQueue(work.resolve("a.mmq"));
                final Path queueB = createQueue(work.resolve("b.mmq"));
                // The reader of queue B idles as Aeron's subscriber does: with Aeron's backoff.
                receiver = start(children, "receiver", QueueReceiver.class, queueB, total, warmup, hgrm, "backoff");
                receiver.awaitLine("JOINED", 120);
                final String uri = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPort.freeUdp();
                start(children, "bridge-in", UdpBridgeProcess.class, "in", uri, queueB,
                    "aeron-dir=" + work.resolve("aeron-in")).awaitLine("started", 120);
                start(children, "bridge-out", UdpBridgeProcess.class, "out", queueA, uri,
                    "aeron-dir=" + work.resolve("aeron-out")).awaitLine("started", 120);
                sender = start(children, "sender", QueueSender.class, queueA, total, size, rate);
            }
            sender.awaitLine("READY", 120);
            final long busyBefore = MachineCpu.busyNanos();
            sender.send("GO");
            final String received = awaitReceived(receiver, sender);
            final long cpuPerMessage = (MachineCpu.busyNanos() - busyBefore) / total;
            final String sent = sender.awaitLine("SENT", 60);
            sender.send("END");
            if (throughput)
            {
                Files.deleteIfExists(hgrm); // a flat-out sender's latencies measure its backlog, not the path
            }
            final Run run = new Run(engine, path, kind, round, count, Child.field(received, "rate"),
                Child.field(received, "p50"), Child.field(received, "p99"), Child.field(received, "p999"),
                Child.field(received, "max"), Child.field(sent, "late-p50"), Child.field(sent, "late-p99"), cpuPerMessage,
                null);
            System.out.printf(throughput ? "    %,d msg/s  CPU %s us/msg%n" :
                "    %,d msg/s  CPU %s us/msg  p50 %s us  p99 %s us  p99.9 %s us%n",
                run.rate, micros(run.cpuPerMessage), micros(run.p50), micros(run.p99), micros(run.p999));
            return run;
        }
        catch (final AssertionError | RuntimeException failure)
        {
            System.out.println("    FAILED: " + failure.getMessage().lines().findFirst().orElse(""));
            String cause = failure.getMessage().lines().findFirst().orElse("");
            for (final Child child : children)
            {
                System.out.println("    " + child.name() + ": " + String.join(" | ", tail(child.output(), 3)));
                // A role that died says why in an exception line on its standard error.
                final String thrown = child.errors().lines().filter(line -> line.startsWith("Exception in thread"))
                    .findFirst().orElse(null);
                if (null != thrown)
                {
                    System.out.println("    " + child.name() + " died: " + thrown);
                    cause = child.name() + " died: " + thrown;
                }
            }
            return new Run(engine, path, kind, round, count, -1, -1, -1, -1, -1, -1, -1, -1, cause);
        }
        finally
        {
            for (final Child child : children)
            {
                child.process().destroy(); // SIGTERM: the bridges stop cleanly
            }
            for (final Child child : children)
            {
                if (!child.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
                {
                    child.process().toHandle().destroyForcibly();
                }
                child.close();
            }
            deleteTree(work);
        }
    }

    private static Path createQueue(final Path queue)
    {
        MappedQueue.create(queue, QueueOptions.defaults().withCapacity(QUEUE_CAPACITY)).close();
        return queue;
    }

    private static Child start(final List<Child> children, final String name, final Class<?> main, final Object... args)
        throws IOException
    {
        final Child child = Child.start(name, main, args);
        children.add(child);
        return child;
    }

    private String createTopic(final String name) throws Exception
    {
        final String topic = "bench-" + name + "-" + System.nanoTime();
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(properties))
        {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get();
        }
        return topic;
    }

    private String report()
    {
        final StringBuilder out = new StringBuilder();
        out.append("# Bridges beside their engines\n\n");
        out.append("- Command: `mvn -B -Pbridge-bench -pl queue-api,queue-mmap,queue-bridge -DskipTests verify")
            .append(" -Dbridge-bench.args=\"").append(argsLine()).append("\"`\n");
        out.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
            .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(", Java ")
            .append(System.getProperty("java.version")).append('\n');
        out.append("- Rows: the median over the rounds that succeeded. Each run first sends ").append(options.get("warmup"))
            .append(" messages to warm up, checked and not measured. Throughput runs: the sender flat out, the rate")
            .append(" the receiver's from its first measured message to its last. Latency runs: the sender paced at ")
            .append(options.get("rate")).append(" messages/s, sleeping between messages; each message timed from when")
            .append(" it was due (or, when the sender slept for it, from when the sender woke) to its receipt.")
            .append(" CPU: the busy time of the whole machine (every process of the path, the broker too) from the")
            .append(" sender's start to the last message's receipt, over every message sent, warm-up included\n\n");
        out.append("| engine | path | kind | messages | msg/s | CPU us/msg | p50 us | p99 us | p99.9 us | max us | sender woke")
            .append(" late, p50 / p99 us | rounds |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        final Map<String, Run> medians = new LinkedHashMap<>();
        for (final Run first : runs)
        {
            final String key = first.engine + "/" + first.path + "/" + first.kind;
            if (medians.containsKey(key))
            {
                continue;
            }
            final List<Run> rows = runs.stream().filter(r -> (r.engine + "/" + r.path + "/" + r.kind).equals(key) &&
                r.rate >= 0).toList();
            final Run median = rows.isEmpty() ? null : new Run(first.engine, first.path, first.kind, 0, first.count,
                median(rows, Run::rate), median(rows, Run::p50), median(rows, Run::p99), median(rows, Run::p999),
                median(rows, Run::max), median(rows, Run::lateP50), median(rows, Run::lateP99),
                median(rows, Run::cpuPerMessage), null);
            medians.put(key, median);
            if (null == median)
            {
                out.append(String.format("| %s | %s | %s | %,d | failed | | | | | | | 0 |%n", first.engine, first.path,
                    first.kind, first.count));
                continue;
            }
            if (median.kind.equals("throughput"))
            {
                // A flat-out sender's messages wait in queues and buffers: their latency measures the backlog.
                out.append(String.format("| %s | %s | %s | %,d | %,d | %s | | | | | | %d |%n", median.engine, median.path,
                    median.kind, median.count, median.rate, micros(median.cpuPerMessage), rows.size()));
                continue;
            }
            out.append(String.format("| %s | %s | %s | %,d | %,d | %s | %s | %s | %s | %s | %s / %s | %d |%n", median.engine,
                median.path, median.kind, median.count, median.rate, micros(median.cpuPerMessage), micros(median.p50),
                micros(median.p99),
                micros(median.p999), micros(median.max), micros(median.lateP50), micros(median.lateP99), rows.size()));
        }
        final List<Run> failed = runs.stream().filter(run -> null != run.failure).toList();
        if (!failed.isEmpty())
        {
            out.append("\nFailed runs (left out of the rows above):\n\n");
            failed.forEach(run -> out.append(String.format("- round %d, %s %s %s: %s%n", run.round, run.engine, run.path,
                run.kind, run.failure)));
        }
        out.append("\n| target | goal | measured | verdict |\n|---|---|---|---|\n");
        for (final String engine : options.get("engines").split(","))
        {
            targets(out, medians, engine);
        }
        return out.toString();
    }

    private String argsLine()
    {
        final StringBuilder line = new StringBuilder();
        options.forEach((key, value) -> line.append(line.length() == 0 ? "" : " ").append("--").append(key).append(' ')
            .append(key.equals("results") ? "RESULTS" : value));
        return line.toString();
    }

    private static long median(final List<Run> rows, final java.util.function.ToLongFunction<Run> field)
    {
        final long[] values = rows.stream().mapToLong(field).sorted().toArray();
        return values[(values.length - 1) / 2];
    }

    private static String micros(final long nanos)
    {
        return String.format("%,.1f", nanos / 1000.0);
    }

    private static List<String> tail(final List<String> lines, final int count)
    {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }

    private static void deleteTree(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try (var paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One run's outcome, nanoseconds for latencies; -1 everywhere, and why, for a run that failed. */
    private record Run(String engine, String path, String kind, int round, long count, long rate, long p50, long p99,
        long p999, long max, long lateP50, long lateP99, long cpuPerMessage, String failure)
    {
    }
}
