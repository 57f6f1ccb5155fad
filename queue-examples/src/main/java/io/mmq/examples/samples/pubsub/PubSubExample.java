package io.mmq.examples.samples.pubsub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mmq.StartPosition;
import io.mmq.examples.demo.ChildProcess;
import io.mmq.examples.samples.Consumers;
import io.mmq.examples.samples.ExampleFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmq example pub-sub}: a {@link Publisher} here, three {@link Subscriber} services in their own
 * JVMs, and halfway through two late subscribers, one joining at LATEST and one at EARLIEST.
 */
@Command(name = "pub-sub", mixinStandardHelpOptions = true,
    description = {"Low-latency events between local services: one publisher, three subscriber services in " +
        "their own JVMs, each seeing every event; halfway, two late subscribers join, at LATEST and at EARLIEST."})
public final class PubSubExample implements Callable<Integer>
{
    private static final Pattern SAW = Pattern.compile("saw (\\d+) events, #(-?\\d+) to #(-?\\d+)");

    @Option(names = "--events", defaultValue = "250000", description = "Events to publish (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--rate", defaultValue = "50000", description = "Events per second (default: ${DEFAULT-VALUE}).")
    long rate;

    // How the publisher starts a subscriber: mmq example pub-sub --subscriber counter --file F --from LATEST
    @Option(names = "--subscriber", hidden = true)
    String service;

    @Option(names = "--file", hidden = true)
    Path file;

    @Option(names = "--from", hidden = true, defaultValue = "LATEST")
    StartPosition from;

    private final List<ChildProcess> subscribers = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        if (null != service)
        {
            return Subscriber.run(file, service, from);
        }
        if (events < 2 || rate < 1)
        {
            throw new IllegalArgumentException("--events must be at least 2 and --rate positive");
        }
        final Path dir = ExampleFiles.newDirectory();
        final Path queueFile = dir.resolve("events.mmq");
        try (Publisher publisher = new Publisher(queueFile))
        {
            System.out.printf("One publisher (this JVM), three subscriber services, each in its own JVM: " +
                "%,d events at %,d a second.%n", events, rate);
            final ChildProcess[] services = {subscribe(queueFile, "counter", "counter", StartPosition.LATEST),
                subscribe(queueFile, "average", "average", StartPosition.LATEST),
                subscribe(queueFile, "logger", "logger", StartPosition.LATEST)};
            Consumers.awaitJoined(publisher.queue(), 3, Duration.ofSeconds(60), services);
            final long half = events / 2;
            publisher.publish(0, half, rate);

            System.out.printf("Published %,d events. Two late subscribers join: one at LATEST, one at EARLIEST.%n", half);
            final ChildProcess[] late = {subscribe(queueFile, "late-latest", "counter", StartPosition.LATEST),
                subscribe(queueFile, "late-earliest", "counter", StartPosition.EARLIEST)};
            Consumers.awaitJoined(publisher.queue(), 5, Duration.ofSeconds(60), late);
            publisher.publish(half, events, rate);
            publisher.end();
            System.out.printf("Published all %,d events.%n", events);
            return summarise(half);
        }
        finally
        {
            subscribers.forEach(ChildProcess::kill);
            ExampleFiles.delete(dir);
        }
    }

    private ChildProcess subscribe(
        final Path queueFile, final String name, final String serviceName, final StartPosition start)
        throws java.io.IOException
    {
        final ChildProcess child = ChildProcess.startEchoing(name, "example", "pub-sub",
            "--subscriber", serviceName, "--file", queueFile, "--from", start);
        subscribers.add(child);
        return child;
    }

    /**
     * Checks what each subscriber says it saw: everything, or for the late ones, from where they joined.
     */
    private int summarise(final long half) throws InterruptedException
    {
        int failures = 0;
        long replayed = 0;
        for (final ChildProcess subscriber : subscribers)
        {
            final int exitCode = subscriber.awaitExit();
            final Matcher saw = SAW.matcher(String.valueOf(subscriber.finalLine()));
            final long first = exitCode == 0 && saw.find() && Long.parseLong(saw.group(3)) == events - 1 ?
                Long.parseLong(saw.group(2)) : -1;
            final boolean ok = switch (subscriber.name())
            {
                case "late-latest" -> first == half;
                case "late-earliest" -> first >= 0 && first <= half;
                default -> first == 0;
            };
            if (!ok)
            {
                System.out.println(subscriber.name() + " failed (exit code " + exitCode + "): " +
                    subscriber.finalLine() + "\n" + subscriber.errors());
                failures++;
            }
            else if (subscriber.name().equals("late-earliest"))
            {
                replayed = half - first;
            }
        }
        if (failures > 0)
        {
            return 1;
        }
        System.out.printf("Every subscriber saw every event from where it joined: the services all %,d, " +
            "late-latest the last %,d, late-earliest those and %,d before them from the ring's history.%n",
            events, events - half, replayed);
        return 0;
    }
}
