package io.mmq.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.examples.demo.Demo;
import io.mmq.examples.demo.DemoIdle;
import io.mmq.examples.demo.DemoPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a producer and consumers as separate JVMs over one queue, with live progress and latency percentiles.")
public final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--messages", defaultValue = "10000000", description = "Messages in the throughput phase (default: ${DEFAULT-VALUE}).")
    long messages;

    @Option(names = "--size", converter = ByteSize.class, defaultValue = "64", description = "Bytes per message (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--consumers", defaultValue = "2", description = "Consumer processes (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--latency-messages", defaultValue = "50000", description = "Messages in the paced latency phase (default: ${DEFAULT-VALUE}).")
    long latencyMessages;

    @Option(names = "--rate", description = "Messages per second in the latency phase (default: 100000 busy-spin, 10000 blocking).")
    Long rate;

    @Option(names = "--idle", defaultValue = "auto", paramLabel = "MODE",
        description = "How processes wait for messages: busy-spin, blocking, or auto: busy-spin when there is a core " +
            "for each process and one to spare, else blocking (default: ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--results", defaultValue = "mmq-demo-results", description = "Where latency percentile files go (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--no-python", description = "Leave out the Python consumer.")
    boolean noPython;

    /**
     * The Python package ships beside the jar in a checkout: queue-examples/python, next to target/.
     */
    /** The Python reader is Linux x86-64 only for now (docs/windows.md says what a port needs). */
    private static boolean pythonReaderRunsHere()
    {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux") &&
            java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    }

    private Path pythonDirectory()
    {
        if (noPython || !pythonReaderRunsHere())
        {
            return null;
        }
        try
        {
            final Path jarOrClasses = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jarOrClasses.getParent().getParent().resolve("python");
        }
        catch (final Exception ex)
        {
            return null;
        }
    }

    @Override
    public Integer call() throws Exception
    {
        final Path python = pythonDirectory();
        final DemoIdle mode = "auto".equalsIgnoreCase(idle) ?
            DemoIdle.forMachine(DemoPlan.processes(consumers, python), Runtime.getRuntime().availableProcessors()) :
            DemoIdle.named(idle);
        return new Demo(DemoPlan.of(messages, size, consumers, latencyMessages, null == rate ? mode.defaultRate() : rate,
            mode, results).withPython(python)).run();
    }
}
