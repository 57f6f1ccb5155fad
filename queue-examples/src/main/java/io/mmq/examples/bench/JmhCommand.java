package io.mmq.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code mmq jmh}: the JMH micro-benchmarks packed in {@code mmq.jar} ({@code io.mmq.examples.bench.jmh}),
 * with JMH's own command line: {@code mmq jmh -l} lists them, {@code mmq jmh MmqHotPath -f 1} runs some.
 */
@Command(name = "jmh", description = {"Run the JMH micro-benchmarks of offer, claim and poll on one thread.",
    "Every argument goes to JMH: -l lists, -h shows JMH's options."})
public final class JmhCommand implements Callable<Integer>
{
    @Unmatched
    List<String> arguments = new ArrayList<>();

    /**
     * @return 0 when every benchmark asked for ran, 1 when JMH failed or ran none (JMH's own
     *         {@code Main} would exit 0 or call {@code System.exit} itself).
     */
    @Override
    public Integer call() throws Exception
    {
        final org.openjdk.jmh.runner.options.CommandLineOptions options =
            new org.openjdk.jmh.runner.options.CommandLineOptions(arguments.toArray(new String[0]));
        final org.openjdk.jmh.runner.Runner runner = new org.openjdk.jmh.runner.Runner(options);
        if (options.shouldHelp())
        {
            options.showHelp();
            return 0;
        }
        if (options.shouldList())
        {
            runner.list();
            return 0;
        }
        try
        {
            if (runner.run().isEmpty())
            {
                System.err.println("mmq: jmh ran no benchmark (mmq jmh -l lists them)");
                return 1;
            }
            return 0;
        }
        catch (final org.openjdk.jmh.runner.RunnerException ex)
        {
            System.err.println("mmq: jmh failed: " + ex.getMessage());
            return 1;
        }
    }
}
