package io.mmq.examples.demo;

import java.util.Locale;

/**
 * How the demo's processes wait for one another, and so what its latency phase measures.
 *
 * <p>Busy-spinning measures the queue itself, but only while every spinning process has a core of its
 * own: with more spinners than cores, a message waits until the scheduler gives its reader a turn, and
 * the percentiles measure the scheduler's time slices (milliseconds), not mmq. Where the machine is too
 * small for that, the demo blocks instead, which is what such a machine should run: a consumer sleeps in
 * the kernel until the producer wakes it, and the numbers include that wake-up.
 */
public enum DemoIdle
{
    /**
     * Consumers poll without pause; the producer spins to keep the latency phase's pace.
     */
    BUSY_SPIN("busy-spin", 100_000),

    /**
     * Consumers wait in the kernel ({@code poll} with a timeout, the Python reader's {@code read}); the
     * producer sleeps between the latency phase's messages and waits in the kernel for room.
     */
    BLOCKING("blocking", 10_000);

    private final String optionName;
    private final long defaultRate;

    DemoIdle(final String optionName, final long defaultRate)
    {
        this.optionName = optionName;
        this.defaultRate = defaultRate;
    }

    /**
     * Busy-spin when there is a core for each process and one more for everything else (the demo's own
     * JVM, the JIT compilers, the operating system); blocking otherwise.
     *
     * @param processes the producer and the consumers.
     * @param cores     the processors the JVM may use.
     */
    public static DemoIdle forMachine(final int processes, final int cores)
    {
        return cores > processes ? BUSY_SPIN : BLOCKING;
    }

    /**
     * @return the idle mode named {@code name} as on the command line ({@code busy-spin} or {@code blocking}).
     * @throws IllegalArgumentException naming the choices, for any other name.
     */
    public static DemoIdle named(final String name)
    {
        for (final DemoIdle idle : values())
        {
            if (idle.optionName.equals(name.toLowerCase(Locale.ROOT)))
            {
                return idle;
            }
        }
        throw new IllegalArgumentException("--idle must be auto, busy-spin or blocking: " + name);
    }

    /**
     * @return messages per second of the latency phase unless the user chose. Blocking, the gap (100 us)
     *         is longer than a sleeping producer's lateness (Linux's timer slack, 50 us) plus a consumer's
     *         spin before it sleeps, so that nearly every message finds its consumer asleep and each
     *         latency includes a wake-up, as the banner says.
     */
    public long defaultRate()
    {
        return defaultRate;
    }

    /**
     * @return one line for the demo's banner: what this mode makes the latency phase measure, and how the
     *         machine fits it.
     */
    public String explain(final int processes, final int cores)
    {
        final String fit = cores + (cores == 1 ? " core" : " cores") + " for " + processes + " processes";
        if (this == BLOCKING)
        {
            return "blocking; consumers sleep until the producer wakes them, so each latency includes a " +
                "wake-up" + (cores > processes ? "" : "\n           (busy-spin needs a core per " +
                "process and one to spare: " + fit + ")");
        }
        return "busy-spin; every consumer polls without pause" + (cores > processes ? "" :
            "\n           (" + fit + ": the percentiles will show the scheduler's time slices)");
    }

    @Override
    public String toString()
    {
        return optionName;
    }
}
