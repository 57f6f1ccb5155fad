package io.mmq.mmap.os.windows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wake-ups through named events, between modelled processes: the real {@link WindowsEventWakeSignal}
 * over the Kernel32 model. A sleeper here waits up to a minute; a test that sees it return within
 * seconds has seen it woken.
 */
class WindowsEventWakeSignalTest
{
    private static final String PREFIX = WindowsObjectNames.prefixFor("Local", "c:\\queues\\wake.mmq");
    private static final long A_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final FakeWindows windows = new FakeWindows();
    private final UnsafeBuffer mapping = new UnsafeBuffer(ByteBuffer.allocateDirect(64));

    private WindowsEventWakeSignal signalIn(final FakeWindows.Process process)
    {
        return new WindowsEventWakeSignal(process, PREFIX, "wake", mapping, 0);
    }

    @Test
    void everySleeperInEveryProcessWakesWhenTheCounterMovesOn() throws Exception
    {
        final List<CompletableFuture<Void>> sleepers = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final WindowsEventWakeSignal sleeper = signalIn(windows.startProcess("consumer-" + i));
            sleepers.add(CompletableFuture.runAsync(() -> sleeper.await(0, A_MINUTE)));
        }
        awaitEventOpenedBy(3);
        assertFalse(sleepers.stream().anyMatch(CompletableFuture::isDone), "asleep while the counter stands");

        mapping.putIntVolatile(0, 1);
        signalIn(windows.startProcess("producer")).wakeAll(0);
        CompletableFuture.allOf(sleepers.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSleeperThatSawAnOldValueDoesNotSleepAtAll() throws Exception
    {
        mapping.putIntVolatile(0, 8);
        final WindowsEventWakeSignal late = signalIn(windows.startProcess("consumer"));
        // It read 7 before the producer moved the counter on and woke nobody: no wake-up can be lost.
        CompletableFuture.runAsync(() -> late.await(7, A_MINUTE)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSleeperNobodyWakesReturnsAfterItsTimeout()
    {
        final long start = System.nanoTime();
        signalIn(windows.startProcess("consumer")).await(0, TimeUnit.MILLISECONDS.toNanos(30));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
    }

    @Test
    void sleepingAndWakingLeaveNoEventBehind() throws Exception
    {
        final FakeWindows.Process consumer = windows.startProcess("consumer");
        final WindowsEventWakeSignal sleeper = signalIn(consumer);
        final CompletableFuture<Void> asleep = CompletableFuture.runAsync(() -> sleeper.await(0, A_MINUTE));
        awaitEventOpenedBy(1);
        mapping.putIntVolatile(0, 1);
        signalIn(windows.startProcess("producer")).wakeAll(0);
        asleep.get(10, TimeUnit.SECONDS);
        assertEquals(0, consumer.openHandleCount());
        assertEquals(0, windows.namedObjectCount());
    }

    /** Until {@code sleepers} processes have the value-0 event open, i.e. are about to wait or waiting. */
    private void awaitEventOpenedBy(final int sleepers) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (windows.namedObjectCount() == 0 || openers() < sleepers)
        {
            assertTrue(System.nanoTime() < deadline, "the sleepers never opened their event");
            Thread.sleep(1);
        }
    }

    private int openers()
    {
        final FakeWindows.Process probe = windows.startProcess("probe");
        final long event = probe.createEvent(PREFIX + "-wake-0", true);
        final int others = windows.handlesOf(PREFIX + "-wake-0") - 1;
        probe.closeHandle(event);
        return others;
    }
}
