package io.mmq.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import io.mmq.MmqException;
import io.mmq.examples.bench.BenchCommand;
import io.mmq.examples.bench.JmhCommand;
import io.mmq.examples.bench.roles.BenchRoleCommand;
import io.mmq.examples.cli.BridgeCommand;
import io.mmq.examples.cli.CreateCommand;
import io.mmq.examples.cli.DeleteCommand;
import io.mmq.examples.cli.DeleteConsumerCommand;
import io.mmq.examples.cli.GroupBenchCommand;
import io.mmq.examples.cli.DemoCommand;
import io.mmq.examples.cli.DemoRoleCommand;
import io.mmq.examples.cli.FloodCommand;
import io.mmq.examples.cli.FlushBenchCommand;
import io.mmq.examples.cli.PretouchBenchCommand;
import io.mmq.examples.cli.PublishCommand;
import io.mmq.examples.cli.StatCommand;
import io.mmq.examples.cli.TailCommand;
import io.mmq.examples.samples.ExampleCommand;
import io.mmq.examples.soak.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mmq} command. A user's mistake (a bad option, a missing or damaged file, a busy queue) ends
 * in one line on standard error and exit code 2; anything else unexpected in one line and exit code 1.
 */
@Command(
    name = "mmq",
    mixinStandardHelpOptions = true,
    version = "mmq 0.1.0",
    description = "An inter-process shared-memory message queue: tools, demo and benchmarks.",
    subcommands = {
        DemoCommand.class, CreateCommand.class, DeleteCommand.class, DeleteConsumerCommand.class, StatCommand.class,
        TailCommand.class, BridgeCommand.class,
        ExampleCommand.class,
        PublishCommand.class, FloodCommand.class, FlushBenchCommand.class, PretouchBenchCommand.class,
        GroupBenchCommand.class, GroupBenchCommand.Member.class,
        DemoRoleCommand.Producer.class, DemoRoleCommand.Consumer.class,
        BenchCommand.class, JmhCommand.class, BenchRoleCommand.class, SoakCommand.class})
public final class Mmq implements Runnable
{
    public static final int USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
        final PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        final int exitCode = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    /**
     * Runs the command line with the given streams: what {@link #main} does, testable.
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new Mmq());
        versionEverywhere(commandLine, commandLine.getCommandSpec().version());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            err.println("mmq: " + ex.getMessage() + hint(ex.getCommandLine()));
            return USER_ERROR;
        });
        commandLine.setExecutionExceptionHandler((ex, line, parseResult) ->
        {
            final Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
            if (cause instanceof MmqException || cause instanceof IllegalArgumentException ||
                cause instanceof IOException)
            {
                err.println("mmq: " + message(cause));
                return USER_ERROR;
            }
            err.println("mmq: unexpected error: " + cause);
            return 1;
        });
        return commandLine.execute(args);
    }

    /** Every command offers {@code --version} (its standard options): each prints mmq's. */
    private static void versionEverywhere(final CommandLine commandLine, final String[] version)
    {
        for (final CommandLine subcommand : commandLine.getSubcommands().values())
        {
            subcommand.getCommandSpec().version(version);
            versionEverywhere(subcommand, version);
        }
    }

    private static String hint(final CommandLine commandLine)
    {
        // The qualified name keeps a nested command's parents: 'mmq example request-response --help'.
        return " (try '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
    }

    private static String message(final Throwable error)
    {
        if (error instanceof java.nio.file.NoSuchFileException)
        {
            return error.getMessage() + ": no such file";
        }
        if (error instanceof java.nio.file.AccessDeniedException)
        {
            return error.getMessage() + ": permission denied";
        }
        return null == error.getMessage() ? error.toString() : error.getMessage();
    }
}
