package io.mmq.examples.cli;

import java.util.List;
import java.util.concurrent.Callable;

import io.mmq.examples.demo.DemoRoles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The demo's child processes, started by {@code mmq demo}; hidden from users.
 */
public final class DemoRoleCommand
{
    private DemoRoleCommand()
    {
    }

    @Command(name = "demo-producer", hidden = true)
    public static final class Producer implements Callable<Integer>
    {
        @Parameters
        List<String> args;

        @Override
        public Integer call() throws Exception
        {
            return DemoRoles.run(withRole("demo-producer", args));
        }
    }

    @Command(name = "demo-consumer", hidden = true)
    public static final class Consumer implements Callable<Integer>
    {
        @Parameters
        List<String> args;

        @Override
        public Integer call() throws Exception
        {
            return DemoRoles.run(withRole("demo-consumer", args));
        }
    }

    private static String[] withRole(final String role, final List<String> args)
    {
        final String[] all = new String[args.size() + 1];
        all[0] = role;
        for (int i = 0; i < args.size(); i++)
        {
            all[i + 1] = args.get(i);
        }
        return all;
    }
}
