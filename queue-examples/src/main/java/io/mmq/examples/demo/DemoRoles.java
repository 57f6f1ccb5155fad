package io.mmq.examples.demo;

import java.nio.file.Path;

/**
 * Entry point of the demo's child processes; started by {@link Demo}, not by users.
 */
public final class DemoRoles
{
    private DemoRoles()
    {
    }

    public static int run(final String[] args) throws Exception
    {
        if ("demo-producer".equals(args[0]))
        {
            DemoProducer.run(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]),
                Long.parseLong(args[4]), Long.parseLong(args[5]));
        }
        else
        {
            DemoConsumer.run(Path.of(args[1]), Path.of(args[2]));
        }
        return 0;
    }
}
