package io.mmq.bridge.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.TempQueues;
import io.mmq.mmap.process.Child;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every Kafka test with real processes stands on: one broker (its own JVM) for the test class, a
 * directory of queues per test, and the child JVMs a test starts, all ended and deleted afterwards.
 */
abstract class KafkaProcessTests
{
    static final int MAX_MESSAGE = 1024;

    static KafkaBroker broker;
    private static Path brokerDirectory;

    Path directory;
    private final List<Child> children = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception
    {
        brokerDirectory = Files.createTempDirectory("mmq-kafka-broker-");
        broker = KafkaBroker.start(brokerDirectory);
    }

    @AfterAll
    static void stopBroker() throws Exception
    {
        if (null != broker)
        {
            broker.close();
            broker = null;
        }
        if (null != brokerDirectory)
        {
            try (Stream<Path> paths = Files.walk(brokerDirectory))
            {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            brokerDirectory = null;
        }
    }

    @BeforeEach
    void directory() throws Exception
    {
        directory = TempQueues.directory();
    }

    @AfterEach
    void cleanUp() throws Exception
    {
        children.forEach(Child::close);
        TempQueues.delete(directory);
    }

    /** A queue of {@code capacity} bytes, messages up to {@link #MAX_MESSAGE}, 4 consumer slots. */
    Path createQueue(final String name, final int capacity) throws Exception
    {
        final Path file = directory.resolve(name);
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(capacity).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(4)).close();
        return file;
    }

    /** A child JVM, ended after the test. */
    Child start(final String name, final Class<?> main, final Object... args) throws Exception
    {
        final Child child = Child.start(name, main, args);
        children.add(child);
        return child;
    }
}
