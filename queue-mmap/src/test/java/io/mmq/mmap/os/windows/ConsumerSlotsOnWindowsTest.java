package io.mmq.mmap.os.windows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.mmq.QueueBusyException;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.TempQueues;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.liveness.ConsumerSlots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The consumer-slot protocol (claim, release, reap the dead) with Windows named mutexes, between
 * modelled processes sharing one real mapped queue file: the same protocol code as on Linux, over the
 * Windows lock implementation.
 */
class ConsumerSlotsOnWindowsTest
{
    private static final int SLOTS = 4;

    private final FakeWindows windows = new FakeWindows();
    private Path directory;
    private QueueFile file;
    private final List<WindowsMutexLocks> opened = new ArrayList<>();

    @BeforeEach
    void createQueue() throws Exception
    {
        directory = TempQueues.directory();
        final Path path = directory.resolve("slots.mmq");
        MappedQueue.create(path, QueueOptions.defaults().withCapacity(8192).withConsumerSlots(SLOTS)).close();
        file = QueueFile.open(path, null);
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        file.release();
        TempQueues.delete(directory);
    }

    private ConsumerSlots slotsIn(final FakeWindows.Process process)
    {
        final WindowsMutexLocks locks = new WindowsMutexLocks(process, WindowsObjectNames.prefixFor("Local", file.path().toString()));
        opened.add(locks);
        return new ConsumerSlots(file.path(), file.buffer(), file.geometry(), locks);
    }

    @Test
    void consumersInDifferentProcessesGetDifferentSlotsUntilNoneIsLeft()
    {
        final List<Integer> claimed = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++)
        {
            claimed.add(slotsIn(windows.startProcess("consumer-" + i)).claim(() -> 0L).slot());
        }
        assertEquals(List.of(0, 1, 2, 3), claimed.stream().sorted().toList());
        assertThrows(QueueBusyException.class, () -> slotsIn(windows.startProcess("one-too-many")).claim(() -> 0L));
    }

    @Test
    void theSlotOfAKilledConsumerIsReapedAndGivenToTheNext()
    {
        final FakeWindows.Process doomed = windows.startProcess("doomed");
        final int doomedSlot = slotsIn(doomed).claim(() -> 0L).slot();
        for (int i = 1; i < SLOTS; i++)
        {
            slotsIn(windows.startProcess("consumer-" + i)).claim(() -> 0L);
        }
        final ConsumerSlots producerView = slotsIn(windows.startProcess("producer"));
        assertEquals(0, producerView.reapDead(), "everybody is alive");

        doomed.kill();
        assertEquals(doomedSlot, slotsIn(windows.startProcess("newcomer")).claim(() -> 0L).slot(),
            "a full table reaps the dead holder's slot (its mutex is abandoned) and hands it on");
    }

    @Test
    void claimsAndReleasesRacingInManyProcessesNeverGiveOneSlotTwoOwners() throws Exception
    {
        final AtomicIntegerArray owners = new AtomicIntegerArray(SLOTS);
        final List<CompletableFuture<Void>> racers = new ArrayList<>();
        for (int p = 0; p < 6; p++)
        {
            final ConsumerSlots slots = slotsIn(windows.startProcess("racer-" + p));
            racers.add(CompletableFuture.runAsync(() ->
            {
                for (int round = 0; round < 300; round++)
                {
                    final ConsumerSlots.Claim claim;
                    try
                    {
                        claim = slots.claim(() -> 0L);
                    }
                    catch (final QueueBusyException full)
                    {
                        continue;
                    }
                    assertEquals(1, owners.incrementAndGet(claim.slot()), "slot " + claim.slot() + " has two owners");
                    owners.decrementAndGet(claim.slot());
                    slots.release(claim);
                }
            }));
        }
        CompletableFuture.allOf(racers.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        final ConsumerSlots after = slotsIn(windows.startProcess("after"));
        for (int i = 0; i < SLOTS; i++)
        {
            after.claim(() -> 0L); // QueueBusyException if a racer's release left a slot taken
        }
    }

    @AfterEach
    void closeLocks()
    {
        opened.forEach(locks ->
        {
            try
            {
                locks.close();
            }
            catch (final IllegalStateException killedProcess)
            {
                // Its process was killed: the model refuses its calls, as Windows would have nobody to make them.
            }
        });
    }
}
