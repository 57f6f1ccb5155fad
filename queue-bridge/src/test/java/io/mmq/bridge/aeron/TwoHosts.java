package io.mmq.bridge.aeron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.mmq.mmap.process.Child;

/**
 * Two "hosts" for the UDP bridge tests: two Linux network namespaces joined by a veth pair, with the
 * addresses {@code 10.213.N.1/30} and {@code 10.213.N.2/30} that exist only inside them; a JVM is started on
 * a host with {@code ip netns exec}. The processes share everything else (files, /dev/shm, PIDs), so the
 * queue files are the same on both sides; only the network is apart.
 *
 * <p>Where namespaces cannot be made (not root, no {@code ip} command), both hosts are the loopback address
 * of this machine and JVMs start directly: the same test runs, over loopback, and {@link #description()} says
 * so and why ({@code -Dmmq.test.aeronLoopback=true} asks for loopback, to try that path where namespaces
 * work). {@link #close()} deletes the namespaces (and with them the veth pair), also after a failure.
 */
final class TwoHosts implements AutoCloseable
{
    private final String namespaceA;
    private final String namespaceB;
    private final String vethA;
    private final String addressA;
    private final String addressB;
    private final String description;

    private TwoHosts(final String namespaceA, final String namespaceB, final String vethA, final String addressA,
        final String addressB, final String description)
    {
        this.namespaceA = namespaceA;
        this.vethA = vethA;
        this.namespaceB = namespaceB;
        this.addressA = addressA;
        this.addressB = addressB;
        this.description = description;
    }

    static TwoHosts create()
    {
        if (Boolean.getBoolean("mmq.test.aeronLoopback"))
        {
            return loopback("-Dmmq.test.aeronLoopback=true asked for it");
        }
        final int n = ThreadLocalRandom.current().nextInt(1, 255);
        final String id = Long.toString(ProcessHandle.current().pid() % 100_000, 36) + Integer.toString(n, 36);
        final String nsA = "mmq-a-" + id;
        final String nsB = "mmq-b-" + id;
        final String vethA = "mmqa" + id; // interface names are at most 15 characters
        final String vethB = "mmqb" + id;
        final String addressA = "10.213." + n + ".1";
        final String addressB = "10.213." + n + ".2";
        final List<String> failures = new ArrayList<>();
        boolean madeA = false;
        boolean madeB = false;
        try
        {
            madeA = ip(failures, "netns", "add", nsA);
            madeB = madeA && ip(failures, "netns", "add", nsB);
            final boolean ok = madeB &&
                ip(failures, "link", "add", vethA, "type", "veth", "peer", "name", vethB) &&
                ip(failures, "link", "set", vethA, "netns", nsA) &&
                ip(failures, "link", "set", vethB, "netns", nsB) &&
                ip(failures, "-n", nsA, "addr", "add", addressA + "/30", "dev", vethA) &&
                ip(failures, "-n", nsB, "addr", "add", addressB + "/30", "dev", vethB) &&
                ip(failures, "-n", nsA, "link", "set", "lo", "up") &&
                ip(failures, "-n", nsB, "link", "set", "lo", "up") &&
                ip(failures, "-n", nsA, "link", "set", vethA, "up") &&
                ip(failures, "-n", nsB, "link", "set", vethB, "up");
            if (ok)
            {
                return new TwoHosts(nsA, nsB, vethA, addressA, addressB, "two network namespaces " + nsA + " (" + addressA +
                    ") and " + nsB + " (" + addressB + ") joined by a veth pair");
            }
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex.toString());
        }
        if (madeA)
        {
            ip(new ArrayList<>(), "netns", "del", nsA);
        }
        if (madeB)
        {
            ip(new ArrayList<>(), "netns", "del", nsB);
        }
        ip(new ArrayList<>(), "link", "del", vethA); // in case it was made and not moved
        return loopback("network namespaces could not be made here: " + String.join("; ", failures));
    }

    private static TwoHosts loopback(final String why)
    {
        return new TwoHosts(null, null, null, "127.0.0.1", "127.0.0.1", "LOOPBACK, not two hosts (" + why + ")");
    }

    private static boolean ip(final List<String> failures, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                failures.add(String.join(" ", command) + ": no answer in 10 s");
                return false;
            }
            if (process.exitValue() != 0)
            {
                failures.add(String.join(" ", command) + ": " + output);
                return false;
            }
            return true;
        }
        catch (final IOException ex)
        {
            failures.add(String.join(" ", command) + ": " + ex.getMessage());
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
            return false;
        }
    }

    boolean isNamespaces()
    {
        return null != namespaceA;
    }

    /** @return what the hosts are: the namespaces and addresses, or that it is loopback and why. */
    String description()
    {
        return description;
    }

    String addressA()
    {
        return addressA;
    }

    String addressB()
    {
        return addressB;
    }

    Child onA(final String name, final List<String> systemProperties, final Class<?> main, final Object... args) throws IOException
    {
        return jvm(namespaceA, name, systemProperties, main, args);
    }

    Child onB(final String name, final List<String> systemProperties, final Class<?> main, final Object... args) throws IOException
    {
        return jvm(namespaceB, name, systemProperties, main, args);
    }

    private static Child jvm(final String namespace, final String name, final List<String> systemProperties,
        final Class<?> main, final Object... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        if (null != namespace)
        {
            // ip netns exec replaces itself with the command: the child's PID is the JVM's, signals reach it.
            command.addAll(List.of("ip", "netns", "exec", namespace));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.addAll(List.of(System.getProperty("mmq.jvm.flags", "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED")
            .split(" ")));
        command.addAll(systemProperties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return Child.command(name, Map.of(), command);
    }

    /**
     * Takes host A's end of the link down (nothing passes either way) or brings it up again. Namespaces only:
     * the loopback cannot be cut.
     */
    void link(final boolean up)
    {
        if (null == namespaceA)
        {
            throw new IllegalStateException("the loopback cannot be cut");
        }
        final List<String> failures = new ArrayList<>();
        if (!ip(failures, "-n", namespaceA, "link", "set", vethA, up ? "up" : "down"))
        {
            throw new IllegalStateException(String.join("; ", failures));
        }
    }

    @Override
    public void close()
    {
        if (null != namespaceA)
        {
            ip(new ArrayList<>(), "netns", "del", namespaceA);
            ip(new ArrayList<>(), "netns", "del", namespaceB);
        }
    }
}
