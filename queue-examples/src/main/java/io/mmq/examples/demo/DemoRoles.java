package io.mmq.examples.demo;

import java.nio.file.Path;

import io.mmq.QueueOptions;

/**
 * Entry point of the demo's child processes; started by {@link Demo}, not by users.
 */
public final class DemoRoles
{
    private DemoRoles()
    {
    }

    /** Arguments 2 to 4 of every role: ring capacity, consumer slots, and whether to pretouch the ring. */
    private static QueueOptions options(final String[] args)
    {
        return QueueOptions.defaults().withCapacity(Integer.parseInt(args[2]))
            .withConsumerSlots(Integer.parseInt(args[3])).withPretouch(Boolean.parseBoolean(args[4]));
    }

    public static int run(final String[] args) throws Exception
    {
        if ("demo-producer".equals(args[0]))
        {
            DemoProducer.run(Path.of(args[1]), options(args), Long.parseLong(args[5]), Integer.parseInt(args[6]),
                Long.parseLong(args[7]), Long.parseLong(args[8]), DemoIdle.named(args[9]));
        }
        else
        {
            DemoConsumer.run(Path.of(args[1]), options(args), Path.of(args[5]), DemoIdle.named(args[6]));
        }
        return 0;
    }
}
