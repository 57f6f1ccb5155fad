package io.mmq.mmap.os;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.TempQueues;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.HoldLockProcess;
import io.mmq.mmap.process.TryLockProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The lock contract on POSIX record locks, against other real processes (child JVMs).
 */
@DisabledOnOs(value = OS.WINDOWS,
    disabledReason = "POSIX record locks; on Windows mmq uses named mutexes (WindowsMutexLocksTest)")
class FileRangeLocksTest extends ProcessLocksContract
{
    private Path directory;
    private Path file;
    private FileChannel channel;
    private FileRangeLocks locks;

    @BeforeEach
    void createQueue() throws IOException
    {
        directory = TempQueues.directory();
        file = directory.resolve("locks.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(8192).withConsumerSlots(8)).close();
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        locks = new FileRangeLocks(file, channel);
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        channel.close();
        TempQueues.delete(directory);
    }

    @Override
    protected ProcessLocks locks()
    {
        return locks;
    }

    @Override
    protected OtherProcess otherProcessHolding(final LockId id) throws Exception
    {
        final Child child = Child.start("holder", HoldLockProcess.class, file, id.offset());
        child.awaitLine("LOCKED", 30);
        return new OtherProcess()
        {
            @Override
            public void kill() throws Exception
            {
                child.process().destroyForcibly().waitFor();
            }

            @Override
            public void close()
            {
                child.close();
            }
        };
    }

    @Override
    protected boolean otherProcessCanTake(final LockId id) throws Exception
    {
        try (Child child = Child.start("try-lock", TryLockProcess.class, file, id.offset()))
        {
            return child.awaitLine("", 30).equals("TAKEN");
        }
    }
}
