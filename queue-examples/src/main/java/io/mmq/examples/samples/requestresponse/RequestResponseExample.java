package io.mmq.examples.samples.requestresponse;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.examples.demo.ChildProcess;
import io.mmq.examples.samples.DirectoryOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mmq example request-response [both|server|client]}: runs {@link Server} and {@link Client},
 * both here (the server in a second JVM) or one per terminal.
 */
@Command(name = "request-response", mixinStandardHelpOptions = true,
    description = {"Two JVMs exchanging messages: a client sends requests on one queue, a server answers " +
        "each on another; the client measures the round trips.",
        "With no ROLE, runs the server in a second JVM and the client in this one."})
public final class RequestResponseExample implements Callable<Integer>
{
    enum Role { both, server, client }

    @Parameters(arity = "0..1", paramLabel = "ROLE", defaultValue = "both",
        description = "both (default), or server or client to run one side in this terminal.")
    Role role;

    @Option(names = "--requests", defaultValue = "20000", description = "Requests the client sends (default: ${DEFAULT-VALUE}).")
    long requests;

    @Mixin
    DirectoryOption directory;

    @Override
    public Integer call() throws Exception
    {
        if (requests < 1)
        {
            throw new IllegalArgumentException("--requests must be positive: " + requests);
        }
        switch (role)
        {
            case server:
                Server.run(directory.forOneSide());
                return 0;
            case client:
                return Client.run(directory.forOneSide(), requests) ? 0 : 1;
            default:
                return both();
        }
    }

    private int both() throws Exception
    {
        System.out.println("Request/response between two JVMs: this one is the client; it starts the server in a second JVM.");
        System.out.println("(In two terminals: './mmq example request-response server', then " +
            "'./mmq example request-response client'.)");
        final Path dir = directory.forWholeRun();
        final ChildProcess server =
            ChildProcess.startEchoing("server", "example", "request-response", "server", "--dir", dir);
        try
        {
            final boolean allAnswered = Client.run(dir, requests);
            final int serverExit = server.awaitExit();
            if (serverExit != 0)
            {
                System.out.println("the server failed (exit code " + serverExit + "): " + server.errors());
            }
            return allAnswered && serverExit == 0 ? 0 : 1;
        }
        finally
        {
            server.kill();
            directory.deleteAfterRun(dir);
        }
    }
}
