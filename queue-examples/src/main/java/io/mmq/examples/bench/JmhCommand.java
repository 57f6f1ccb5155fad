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

    @Override
    public Integer call() throws Exception
    {
        org.openjdk.jmh.Main.main(arguments.toArray(new String[0]));
        return 0;
    }
}
