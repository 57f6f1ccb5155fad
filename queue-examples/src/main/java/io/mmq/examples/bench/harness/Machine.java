package io.mmq.examples.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the numbers were measured on: processor, cores, memory, OS, JVM, and how busy the machine was.
 */
final class Machine
{
    private Machine()
    {
    }

    static String describe()
    {
        final String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
        final String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        return String.format("%d cores (%s), memory %s, %s %s, %s %s", Runtime.getRuntime().availableProcessors(),
            cpu, memory, System.getProperty("os.name"), System.getProperty("os.version"),
            System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
    }

    /**
     * @return the 1, 5 and 15 minute load averages, or "unknown".
     */
    static String loadAverage()
    {
        try
        {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    private static String firstValue(final Path file, final String key)
    {
        try
        {
            for (final String line : Files.readAllLines(file))
            {
                if (line.startsWith(key))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // Not Linux: say so below.
        }
        return "unknown";
    }
}
