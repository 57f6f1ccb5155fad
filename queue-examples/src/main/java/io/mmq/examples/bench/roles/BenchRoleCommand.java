package io.mmq.examples.bench.roles;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.examples.bench.contenders.Contenders;
import io.mmq.examples.bench.harness.Channel;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.bench.harness.Role;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One process of a {@code mmq bench} run, started by the harness through the same jar; hidden from
 * users. Prints {@code JOINED} once the other roles may start, then its role's result line.
 */
@Command(name = "bench-role", hidden = true)
public final class BenchRoleCommand implements Callable<Integer>
{
    @Option(names = "--role", required = true)
    Role role;

    @Option(names = "--contender", required = true)
    String contender;

    @Option(names = "--idle", required = true)
    String idle;

    @Option(names = "--size", required = true)
    int size;

    @Option(names = "--consumers", defaultValue = "1")
    int consumers;

    @Option(names = "--index", defaultValue = "0")
    int index;

    @Option(names = "--dir", required = true)
    Path directory;

    @Option(names = "--ring", required = true)
    int ringCapacity;

    @Option(names = "--warmup-ms", defaultValue = "0")
    long warmupMillis;

    @Option(names = "--duration-ms", defaultValue = "0")
    long durationMillis;

    @Option(names = "--idle-window-ms", defaultValue = "0")
    long idleWindowMillis;

    /**
     * @return the arguments after {@code bench-role} that start a role with these settings.
     */
    public static Object[] arguments(final Role role, final String contender, final IdleMode idle, final Channel channel,
        final int index, final long warmupMillis, final long durationMillis, final long idleWindowMillis)
    {
        return new Object[] {"--role=" + role, "--contender=" + contender, "--idle=" + idle.label(),
            "--size=" + channel.messageLength(), "--consumers=" + channel.consumers(), "--index=" + index,
            "--dir=" + channel.directory(), "--ring=" + channel.ringCapacity(), "--warmup-ms=" + warmupMillis,
            "--duration-ms=" + durationMillis, "--idle-window-ms=" + idleWindowMillis};
    }

    @Override
    public Integer call() throws Exception
    {
        exitWithParent();
        final IdleMode mode = IdleMode.ofLabel(idle);
        final Channel channel = new Channel(directory, consumers, size, ringCapacity);
        final IdleStrategy strategy = mode.newStrategy();
        try (Endpoint endpoint = Contenders.named(contender).open(channel, role, index, mode,
            () -> System.out.println("JOINED")))
        {
            switch (role)
            {
                case PING:
                    new PingRole(endpoint, strategy, size).run(
                        millisToNanos(warmupMillis), millisToNanos(durationMillis), millisToNanos(idleWindowMillis));
                    return 0;
                case PONG:
                    new PongRole(endpoint, strategy).run();
                    return 0;
                case PRODUCER:
                    new ProducerRole(endpoint, strategy, size).run(millisToNanos(warmupMillis), millisToNanos(durationMillis));
                    return 0;
                default:
                    return new ConsumerRole(endpoint, strategy).run();
            }
        }
    }

    /**
     * A role whose harness is gone (stopped with Ctrl-C, killed) would spin for ever waiting for a peer:
     * a daemon thread ends this JVM within a second of the parent's end.
     */
    private static void exitWithParent()
    {
        final ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        final Thread watchdog = new Thread(() ->
        {
            while (null != parent && parent.isAlive())
            {
                try
                {
                    Thread.sleep(1000);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static long millisToNanos(final long millis)
    {
        return millis * 1_000_000L;
    }
}
