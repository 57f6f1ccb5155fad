package io.mmq.bridge.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;

/**
 * A real Kafka broker for tests: one KRaft node in combined mode (broker and controller), in a JVM of its
 * own started from this module's test classpath (kafka_2.13 is a test dependency: nothing to install),
 * listening on free loopback ports only. Its storage is formatted once; {@link #stop()} ends it with SIGTERM
 * and {@link #start()} brings it back on the same log directory and ports. Readiness is an AdminClient that
 * gets an answer, never a sleep. The broker's output goes to {@code broker.log} in its directory.
 */
public final class KafkaBroker implements AutoCloseable
{
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    private KafkaBroker(final Path directory, final int port, final int controllerPort)
    {
        this.directory = directory;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats a new single-node cluster in {@code directory} and starts it.
     */
    public static KafkaBroker start(final Path directory) throws Exception
    {
        final int[] ports = freePorts(2);
        final KafkaBroker broker = new KafkaBroker(directory, ports[0], ports[1]);
        broker.format();
        broker.start();
        return broker;
    }

    private static int[] freePorts(final int count) throws IOException
    {
        final List<ServerSocket> sockets = new ArrayList<>();
        try
        {
            final int[] ports = new int[count];
            for (int i = 0; i < count; i++)
            {
                final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        }
        finally
        {
            for (final ServerSocket socket : sockets)
            {
                socket.close();
            }
        }
    }

    public String bootstrapServers()
    {
        return "127.0.0.1:" + port;
    }

    public String uri(final String topic)
    {
        return "kafka://" + bootstrapServers() + "/" + topic;
    }

    private Path properties()
    {
        return directory.resolve("server.properties");
    }

    private void format() throws Exception
    {
        Files.createDirectories(directory);
        final Properties properties = new Properties();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        properties.put("log.dirs", directory.resolve("data").toString());
        // One node: every internal topic has one replica, and few partitions so that they come up fast.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        // A topic exists only when the bridge (or a test) creates it: "unknown topic" must stay unknown.
        properties.put("auto.create.topics.enable", "false");
        properties.put("num.partitions", "1");
        try (var writer = Files.newBufferedWriter(properties()))
        {
            properties.store(writer, "single-node KRaft broker for mmq's tests");
        }
        // "--cluster-id=ID" in one argument: a base64 id may start with '-', which as an argument of its own the
        // tool's parser takes for an option (one broker start in 64 failed so).
        final Process format = java("kafka.tools.StorageTool", "format", "--standalone", "--cluster-id=" + clusterId(), "-c",
            properties().toString()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0)
        {
            format.destroyForcibly();
            throw new AssertionError("formatting the broker's storage failed; see " + directory.resolve("format.log") +
                ":\n" + tail(directory.resolve("format.log")));
        }
    }

    private static String clusterId()
    {
        final UUID uuid = UUID.randomUUID();
        final ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private ProcessBuilder java(final String main, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(List.of(args));
        final Path log = directory.resolve(main.equals("kafka.Kafka") ? "broker.log" : "format.log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /**
     * Starts the broker (again) and returns once it answers an AdminClient.
     */
    public synchronized void start() throws Exception
    {
        if (null != process && process.isAlive())
        {
            throw new IllegalStateException("the broker is running");
        }
        starts++;
        Files.writeString(directory.resolve("broker.log"), "---- start " + starts + "\n", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = java("kafka.Kafka", properties().toString()).start();
        awaitReady();
    }

    private void awaitReady() throws Exception
    {
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrapServers());
        properties.put("request.timeout.ms", "2000");
        properties.put("default.api.timeout.ms", "2000");
        try (Admin admin = Admin.create(properties))
        {
            while (true)
            {
                if (!process.isAlive())
                {
                    throw new AssertionError("the broker exited with " + process.exitValue() + " while starting:\n" +
                        tail(directory.resolve("broker.log")));
                }
                try
                {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty())
                    {
                        return;
                    }
                }
                catch (final Exception notYet)
                {
                    // Not listening yet, or not yet a broker: ask again.
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError("the broker did not answer within " + READY_TIMEOUT + ":\n" +
                        tail(directory.resolve("broker.log")));
                }
                Thread.sleep(50); // the poll interval of a readiness check, not a guess at when it is ready
            }
        }
    }

    /**
     * Stops the broker with SIGTERM (a controlled shutdown) and waits for its JVM to end.
     */
    public synchronized void stop() throws InterruptedException
    {
        if (null == process)
        {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the broker did not stop within 60 s of SIGTERM");
        }
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * @return the last lines of the broker's log, for failure messages.
     */
    public String logTail()
    {
        return tail(directory.resolve("broker.log"));
    }

    private static String tail(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    @Override
    public void close()
    {
        try
        {
            stop();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
