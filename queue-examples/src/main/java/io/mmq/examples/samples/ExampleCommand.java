package io.mmq.examples.samples;

import io.mmq.examples.samples.javatopython.JavaToPythonExample;
import io.mmq.examples.samples.pubsub.PubSubExample;
import io.mmq.examples.samples.requestresponse.RequestResponseExample;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mmq example NAME}: the runnable examples of docs/examples.md, one subcommand each.
 */
@Command(name = "example", mixinStandardHelpOptions = true,
    description = "Run an example: each starts the processes it needs and ends with a summary. " +
        "The code is in queue-examples/src/main/java/io/mmq/examples/samples/; docs/examples.md explains it.",
    subcommands = {RequestResponseExample.class, JavaToPythonExample.class, PubSubExample.class})
public final class ExampleCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "which example? one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
