package io.mmq.examples.samples;

import io.mmq.examples.samples.javatopython.JavaToPythonExample;
import io.mmq.examples.samples.pubsub.PubSubExample;
import io.mmq.examples.samples.requestresponse.RequestResponseExample;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mmq example NAME}: the runnable examples of docs/examples.md, one subcommand each.
 */
@Command(name = "example", mixinStandardHelpOptions = true,
    description = {"Run an example: request-response, java-to-python or pub-sub (docs/examples.md).",
        "Each starts the processes it needs, prints what happens and ends with a summary. The code is in " +
        "queue-examples/src/main/java/io/mmq/examples/samples/."},
    subcommands = {RequestResponseExample.class, JavaToPythonExample.class, PubSubExample.class})
public final class ExampleCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Anything that is not the name of an example, so that it can be answered with the names. */
    @Parameters(arity = "0..1", paramLabel = "NAME", hidden = true)
    String unknown;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            (null == unknown ? "which example?" : "no example named '" + unknown + "':") + " one of " +
            String.join(", ", spec.subcommands().keySet()));
    }
}
