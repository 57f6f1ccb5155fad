package io.mmq.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.mmap.MappedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete a queue file; refuses a file that is not a queue.")
public final class DeleteCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file to delete.")
    Path file;

    @Override
    public Integer call() throws Exception
    {
        // Opening checks that it is a queue; closing unmaps it before the delete.
        MappedQueue.open(file).close();
        Files.delete(file);
        spec.commandLine().getOut().println("deleted " + file);
        return 0;
    }
}
