package io.mmq.mmap.file;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices queue files that another process cut short while this one has them mapped, so that mmq
 * refuses to touch them before it faults. An access past the new end raises SIGBUS, which the JVM turns
 * into an {@link InternalError}; in compiled code it delivers that error late, at its next safepoint
 * check, which may be in the caller's code, after mmq's call returned. So a fault cannot be relied on to
 * surface inside mmq, and mmq looks at the file's size itself: one daemon thread for the whole JVM reads
 * the size of every mapped queue file every {@value #PERIOD_MILLIS} ms ({@code fstat} through the
 * file's own channel, which sees the mapped file even if its name now leads elsewhere; the thread is
 * never interrupted, so the channel cannot be closed by an interrupt).
 */
final class TruncationWatch
{
    static final long PERIOD_MILLIS = 50;

    private static final Set<QueueFile> WATCHED = ConcurrentHashMap.newKeySet();
    private static ScheduledExecutorService watcher;

    private TruncationWatch()
    {
    }

    static synchronized void watch(final QueueFile file)
    {
        WATCHED.add(file);
        if (null == watcher)
        {
            watcher = Executors.newSingleThreadScheduledExecutor(task ->
            {
                final Thread thread = new Thread(task, "mmq-truncation-watch");
                thread.setDaemon(true);
                return thread;
            });
            watcher.scheduleWithFixedDelay(TruncationWatch::checkAll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    static void unwatch(final QueueFile file)
    {
        WATCHED.remove(file);
    }

    private static void checkAll()
    {
        for (final QueueFile file : WATCHED)
        {
            try
            {
                file.checkSize();
            }
            catch (final IOException | RuntimeException closedMeanwhile)
            {
                // Released while we looked: nothing left to protect.
            }
        }
    }
}
