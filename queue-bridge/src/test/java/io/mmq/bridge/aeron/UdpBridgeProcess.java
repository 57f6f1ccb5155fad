package io.mmq.bridge.aeron;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.mmq.MmqException;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * An Aeron UDP bridge in its own JVM, run as {@code mmq bridge} runs it (open the queue, prepare, run with
 * progress lines and SIGTERM handling; a user's mistake is one line {@code mmq: ...} on standard error and
 * exit code 2), without the command line parser.
 *
 * <p>Arguments: {@code out FILE aeron:udp?endpoint=HOST:PORT [key=value ...]} or
 * {@code in aeron:udp?endpoint=HOST:PORT FILE [key=value ...]}, with keys aeron-dir, timeout (ms), idle-exit
 * (ms), progress (ms), name, start.
 */
public final class UdpBridgeProcess
{
    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        int code = 0;
        try
        {
            final boolean outbound = args[0].equals("out");
            final Path file = Path.of(outbound ? args[1] : args[2]);
            final UdpUri uri = UdpUri.parse(outbound ? args[2] : args[1]);
            UdpOptions options = UdpOptions.inDirectory(UdpOptions.defaultDirectory(outbound ? "out-" + uri.endpoint() :
                "in-" + uri.endpoint()));
            long progress = 1000;
            for (int i = 3; i < args.length; i++)
            {
                final String key = args[i].substring(0, args[i].indexOf('='));
                final String value = args[i].substring(args[i].indexOf('=') + 1);
                if (key.equals("aeron-dir"))
                {
                    options = UdpOptions.inDirectory(Path.of(value)).withTimeout(options.timeout());
                }
            }
            for (int i = 3; i < args.length; i++)
            {
                final String key = args[i].substring(0, args[i].indexOf('='));
                final String value = args[i].substring(args[i].indexOf('=') + 1);
                switch (key)
                {
                    case "timeout" -> options = options.withTimeout(Duration.ofMillis(Long.parseLong(value)));
                    case "idle-exit" -> options = options.withIdleExit(Duration.ofMillis(Long.parseLong(value)));
                    case "progress" -> progress = Long.parseLong(value);
                    case "name" -> options = options.withConsumerName(value);
                    case "start" -> options = options.startingAt(StartPosition.valueOf(value));
                    case "aeron-dir" -> { }
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            try (MappedQueue queue = MappedQueue.open(file))
            {
                if (outbound)
                {
                    UdpRunner.runOutbound(queue, file.toString(), uri, options, out, Duration.ofMillis(progress));
                }
                else
                {
                    UdpRunner.runInbound(queue, file.toString(), uri, options, out, Duration.ofMillis(progress));
                }
            }
        }
        catch (final MmqException | IllegalArgumentException ex)
        {
            System.err.println("mmq: " + ex.getMessage());
            code = 2;
        }
        out.flush();
        System.exit(code);
    }
}
