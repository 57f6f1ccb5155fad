package io.mmq.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.mmap.MappedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete-consumer", mixinStandardHelpOptions = true,
    description = "Delete a named consumer that no process holds: frees its slot and its hold on the producer.")
public final class DeleteConsumerCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Parameters(index = "1", paramLabel = "NAME", description = "The consumer's name.")
    String name;

    @Override
    public Integer call()
    {
        final String what;
        try (MappedQueue queue = MappedQueue.open(file))
        {
            what = isGroup(queue) ? "consumer group" : "consumer";
            queue.deleteConsumer(name);
        }
        spec.commandLine().getOut().println("deleted " + what + " '" + name + "' of " + file);
        return 0;
    }

    private boolean isGroup(final MappedQueue queue)
    {
        final io.mmq.mmap.QueueCounters counters = queue.counters();
        for (int slot = 0; slot < counters.consumerSlots(); slot++)
        {
            if ("GROUP".equals(counters.consumerState(slot)) && name.equals(counters.consumerName(slot)))
            {
                return true;
            }
        }
        return false;
    }
}
