package io.mmq.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The busy time of the whole machine, from Linux's {@code /proc/stat}: what every process of a path costs
 * together, the broker and the media drivers included, without having to find each of them.
 */
final class MachineCpu
{
    /** The kernel's clock tick ({@code USER_HZ}): 100 on every Linux this runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private MachineCpu()
    {
    }

    /**
     * @return all CPUs' busy time so far, in nanoseconds: user, nice, system, irq and softirq; not idle, iowait,
     *         or steal (the time the host ran something else).
     */
    static long busyNanos() throws IOException
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        final String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long ticks = 0;
        for (final int field : new int[] {1, 2, 3, 6, 7})
        {
            ticks += Long.parseLong(fields[field]);
        }
        return ticks * NANOS_PER_TICK;
    }
}
