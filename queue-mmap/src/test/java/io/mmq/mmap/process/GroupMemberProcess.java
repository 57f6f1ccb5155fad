package io.mmq.mmap.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mmq.Consumer;
import io.mmq.GroupOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;

/**
 * A member of a consumer group in its own JVM. Arguments: file group seed maxLength batch logFile
 * logCapacity [freezeAt]. Joins the group (a new group starts at EARLIEST), prints {@code JOINED slot=S}, then
 * handles its share, checking each message's content and appending its sequence to a {@link HandledLog},
 * until a line {@code STOP} (or the end) arrives on standard input; then it leaves and prints
 * {@code DONE handled=N}. {@code FAILED ...} and exit 1 on a damaged message. With {@code freezeAt}, the
 * handler of its {@code freezeAt}-th message logs it, prints {@code FROZEN seq=S} and never returns: a
 * member caught in the middle of a claim, for a test to kill.
 */
public final class GroupMemberProcess
{
    private static volatile boolean stopped;

    public static void main(final String[] args)
    {
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[2]), Integer.parseInt(args[3]));
        final GroupOptions options = GroupOptions.member(args[1]).startingAt(StartPosition.EARLIEST)
            .withBatch(Integer.parseInt(args[4]));
        final Thread stdin = new Thread(GroupMemberProcess::awaitStop);
        stdin.setDaemon(true);
        stdin.start();
        try (HandledLog log = HandledLog.open(Path.of(args[5]), Long.parseLong(args[6]));
             MappedQueue queue = MappedQueue.open(Path.of(args[0]));
             Consumer member = queue.groupMember(options))
        {
            System.out.println("JOINED slot=" + member.slot());
            final long freezeAt = args.length > 7 ? Long.parseLong(args[7]) : Long.MAX_VALUE;
            long handled = 0;
            while (!stopped)
            {
                handled += member.poll((buffer, offset, length) ->
                {
                    final long seq = buffer.getLong(offset);
                    final String failure = messages.check(buffer, offset + 8, length - 8, seq);
                    if (null != failure)
                    {
                        throw new AssertionError(failure);
                    }
                    log.append(seq);
                    if (log.count() == freezeAt)
                    {
                        System.out.println("FROZEN seq=" + seq);
                        while (true)
                        {
                            LockSupport.park(); // until killed
                        }
                    }
                }, 256, 50, TimeUnit.MILLISECONDS);
            }
            member.close();
            System.out.println("DONE handled=" + handled);
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            System.exit(1);
        }
    }

    private static void awaitStop()
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()) && !"STOP".equals(line))
            {
                // only STOP means anything
            }
        }
        catch (final java.io.IOException ignore)
        {
            // the parent is gone: stop as well
        }
        stopped = true;
    }
}
