package io.mmq.examples.cli;

/**
 * The shutdown hooks by which a command that is stopped by a signal (Ctrl-C, SIGTERM) finishes cleanly.
 */
final class ShutdownHooks
{
    private ShutdownHooks()
    {
    }

    /** Removes {@code hook} once the command has ended by itself; if the JVM is already shutting down, it runs. */
    static void remove(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // A signal came as the command ended: the hook runs, or has run, and does its part.
        }
    }
}
