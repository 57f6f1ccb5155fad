package io.mmq.examples.samples.javatopython;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.mmq.MmqException;
import io.mmq.examples.demo.ChildProcess;
import io.mmq.examples.samples.Consumers;
import io.mmq.examples.samples.DirectoryOption;
import io.mmq.examples.samples.ExampleFiles;
import io.mmq.mmap.MappedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mmq example java-to-python [both|producer]}: {@link TickProducer} here, and the Python reader
 * {@code python/examples/price_ticks.py} started beside it or in another terminal.
 */
@Command(name = "java-to-python", mixinStandardHelpOptions = true,
    description = {"A Java producer feeding a Python reader: price ticks in a fixed binary layout, decoded " +
        "in Python with struct; both add up what they saw and the totals must match.",
        "With no ROLE, starts the Python reader (python3 must be on the PATH)."})
public final class JavaToPythonExample implements Callable<Integer>
{
    private static final String SCRIPT = "price_ticks.py";

    enum Role { both, producer }

    @Parameters(arity = "0..1", paramLabel = "ROLE", defaultValue = "both",
        description = "both (default), or producer to run only the Java side in this terminal.")
    Role role;

    @Option(names = "--ticks", defaultValue = "10000", description = "Ticks to publish (default: ${DEFAULT-VALUE}).")
    long ticks;

    @Option(names = "--show-every", defaultValue = "2000", description = "Print every n-th tick (default: ${DEFAULT-VALUE}).")
    long showEvery;

    @Mixin
    DirectoryOption directory;

    @Override
    public Integer call() throws Exception
    {
        if (ticks < 1 || showEvery < 1)
        {
            throw new IllegalArgumentException("--ticks and --show-every must be positive");
        }
        if (role == Role.producer)
        {
            final Path file = directory.forOneSide().resolve("ticks.mmq");
            System.out.println("In another terminal: python3 " + ExampleFiles.pythonScript(SCRIPT) + " " + file +
                " --show-every " + showEvery);
            System.out.println("producer " + TickProducer.run(file, ticks, showEvery));
            return 0;
        }
        return both();
    }

    private int both() throws Exception
    {
        System.out.println("A Java producer (this JVM) and a Python reader, sharing one queue file.");
        System.out.println("(In two terminals: './mmq example java-to-python producer', then the python3 " +
            "command it prints.)");
        final Path dir = directory.forWholeRun();
        final Path file = dir.resolve("ticks.mmq");
        final ChildProcess python;
        try (MappedQueue queue = MappedQueue.create(file, Tick.QUEUE_OPTIONS)) // there before the reader looks
        {
            python = startPython(file);
            Consumers.awaitJoined(queue, 1, Duration.ofSeconds(60), python);
        }
        try
        {
            final String javaTotals = TickProducer.run(file, ticks, showEvery);
            final int pythonExit = python.awaitExit();
            final String pythonTotals = python.finalLine();
            System.out.println("producer " + javaTotals);
            if (pythonExit != 0 || !javaTotals.equals(pythonTotals))
            {
                System.out.println("The Python reader failed (exit code " + pythonExit + "): " + python.errors());
                return 1;
            }
            System.out.printf("The Python reader decoded all %,d ticks, and its totals match the producer's.%n", ticks);
            return 0;
        }
        finally
        {
            python.kill();
            directory.deleteAfterRun(dir);
        }
    }

    private ChildProcess startPython(final Path file)
    {
        final Path script = ExampleFiles.pythonScript(SCRIPT);
        if (!Files.isRegularFile(script))
        {
            throw new MmqException(script + ": no such file; the Python reader comes with a checkout of mmq");
        }
        try
        {
            return ChildProcess.startPythonEchoing("python", script, file,
                "--show-every", showEvery);
        }
        catch (final IOException ex)
        {
            throw new MmqException("this example needs python3 on the PATH: " + ex.getMessage(), ex);
        }
    }
}
