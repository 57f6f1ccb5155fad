package io.mmq.mmap.os;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for work handed to a thread of mmq's own, through interrupts. Some calls must not be cut short by
 * an interrupt of the thread that needs them: an interrupted channel call closes the channel (and with it
 * this process's POSIX locks on the file), and a Windows mutex belongs to the thread that took it. Such calls
 * run on a dedicated thread that nobody else can interrupt, and the caller waits here.
 */
public final class Uninterruptibly
{
    private Uninterruptibly()
    {
    }

    /**
     * Waits for {@code result}, however often the calling thread is interrupted meanwhile; an interrupt is
     * kept for the caller to see afterwards.
     *
     * @throws ExecutionException if the call failed: its cause is the call's exception.
     */
    public static <T> T get(final Future<T> result) throws ExecutionException
    {
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    return result.get();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
