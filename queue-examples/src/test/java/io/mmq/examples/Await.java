package io.mmq.examples;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waiting in a test for something another process does: a condition checked until it holds, failing with what
 * was awaited once the deadline passes, never a sleep that hopes.
 */
public final class Await
{
    private Await()
    {
    }

    /**
     * Checks {@code condition} every millisecond until it holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@code seconds}.
     */
    public static void until(final BooleanSupplier condition, final long seconds, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, "waited " + seconds + " s for " + what);
            Thread.sleep(1);
        }
    }
}
