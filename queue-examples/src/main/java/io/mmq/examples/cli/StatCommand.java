package io.mmq.examples.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

import io.mmq.MessageQueue;
import io.mmq.bridge.BridgeStatus;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.QueueView;
import io.mmq.mmap.os.LockHolders;
import io.mmq.mmap.os.LockId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stat", mixinStandardHelpOptions = true,
    header = "Show a queue's geometry, producer and consumers, without disturbing it.",
    description = {"Show a queue's geometry, producer and consumers, without disturbing it: it maps the file " +
        "read-only, so read access is enough, and on Linux it asks the kernel who holds the queue's locks " +
        "instead of trying them.",
        "",
        "Positions are byte offsets in the stream of messages since the queue was created: the producer's " +
        "'position' is where its next message goes, 'join' the earliest position a new consumer may start at, " +
        "'reclaim' a position every consumer is at or past (the ring before it may be reused). A consumer's " +
        "'lag' is how many bytes it has still to read.",
        "",
        "A consumer whose process died keeps its slot until a producer held back by a dead consumer, or a " +
        "consumer joining, notices: an unnamed consumer's slot is then freed; a named one keeps its place " +
        "(DORMANT) and still holds the producer back until deleted with delete-consumer; a group member's " +
        "unfinished claim waits for another member (ORPHANED)."})
public final class StatCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Option(names = "--watch", paramLabel = "SECONDS",
        description = "Refresh every SECONDS (at least 0.1) until interrupted.")
    Double watch;

    private static final String DEAD = " (dead; not noticed yet by the producer or a joining consumer)";

    /** Who holds the queue's locks, or null where the kernel cannot be asked (then slot locks are tried). */
    private LockHolders holders;

    @Override
    public Integer call() throws Exception
    {
        if (null != watch && !(watch >= 0.1))
        {
            throw new IllegalArgumentException("--watch must be at least 0.1 seconds: " + watch);
        }
        try (QueueView queue = QueueView.open(file))
        {
            holders = LockHolders.of(file);
            final QueueCounters counters = queue.counters();
            do
            {
                queue.requireWhole();
                try
                {
                    print(counters);
                }
                catch (final InternalError fault)
                {
                    throw queue.explainFault(fault); // cut short between the check and the reads
                }
                if (null != watch)
                {
                    Thread.sleep((long)(watch * 1000));
                    spec.commandLine().getOut().printf("%n%s%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS));
                }
            }
            while (null != watch);
        }
        return 0;
    }

    private void print(final QueueCounters counters)
    {
        final long producerPosition = counters.producerPosition();
        spec.commandLine().getOut().printf("%s  format %d  ring %,d B  max message %,d B  slots %d  slow consumers: %s%s%n",
            file, counters.formatVersion(), counters.capacity(), counters.maxMessageLength(), counters.consumerSlots(),
            counters.slowConsumerPolicy(),
            counters.creationId() == MessageQueue.NO_CREATION_ID ? "" : String.format("  id %016x", counters.creationId()));
        final long checkpoint = counters.lastCheckpoint();
        final long producer = null == holders ? LockHolders.FREE : holders.holder(LockId.producer());
        final boolean producing = null == holders || producer != LockHolders.FREE;
        spec.commandLine().getOut().printf("producer  position %,d  join %,d  reclaim %,d  %s%s%s%n",
            producerPosition, counters.joinPosition(), counters.reclaimPosition(), describeProducer(producer, counters),
            checkpoint == io.mmq.Producer.NO_CHECKPOINT ? "" : "  checkpoint " + checkpoint,
            producing && counters.producerAwaitsSpace() ? "  asleep on a full ring" : "");
        boolean anyConsumerAlive = false;
        int active = 0;
        for (int slot = 0; slot < counters.consumerSlots(); slot++)
        {
            final String state = counters.consumerState(slot);
            if ("FREE".equals(state))
            {
                continue;
            }
            active++;
            final long position = counters.consumerPosition(slot);
            final String name = counters.consumerName(slot);
            switch (state)
            {
                case "GROUP" -> spec.commandLine().getOut().printf(
                    "group    %4d '%s'  unclaimed from %,d  lag %,d B  orphaned claims %d  since %s%n", slot, name,
                    position, producerPosition - position, counters.groupOrphans(slot),
                    Instant.ofEpochMilli(counters.consumerJoinedAt(slot)));
                case "MEMBER" ->
                {
                    final String holder = holder(counters, slot);
                    anyConsumerAlive |= !holder.endsWith(DEAD);
                    spec.commandLine().getOut().printf("member   %4d of '%s'  %s  %s  since %s%n",
                        slot, groupName(counters, slot), describeClaim(counters, slot, position), holder,
                        Instant.ofEpochMilli(counters.consumerJoinedAt(slot)));
                }
                case "ORPHANED" -> spec.commandLine().getOut().printf(
                    "orphaned %4d of '%s'  %s  left by pid %d, waits for a member%n", slot,
                    groupName(counters, slot), describeClaim(counters, slot, position),
                    counters.consumerPid(slot));
                default ->
                {
                    final boolean absent = "DORMANT".equals(state) || "LAPPED".equals(state);
                    final String holder = absent ? "nobody holds it" : holder(counters, slot);
                    anyConsumerAlive |= !absent && !holder.endsWith(DEAD);
                    spec.commandLine().getOut().printf("consumer %4d%s  position %,d  lag %,d B  %s  since %s%s%n", slot,
                        null == name ? "" : " '" + name + "'", position, producerPosition - position, holder,
                        Instant.ofEpochMilli(counters.consumerJoinedAt(slot)), describe(state));
                }
            }
        }
        // The wake-wanted flag outlives the sleeper that set it (a reader that found a message after all, or left):
        // it says something only while a consumer is there to sleep.
        spec.commandLine().getOut().printf("%d of %d consumer slots held%s%n", active, counters.consumerSlots(),
            anyConsumerAlive && counters.consumerAwaitsWakeUp() ? "; a consumer asked to be woken by the next message" : "");
        printBridges();
    }

    /** The bridges of this queue, from their status files beside it (see {@link BridgeStatus}). */
    private void printBridges()
    {
        final long now = System.currentTimeMillis();
        for (final BridgeStatus.Snapshot bridge : BridgeStatus.readAll(file))
        {
            if (null != bridge.problem())
            {
                spec.commandLine().getOut().printf("bridge   '%s'  %s%n", bridge.name(), bridge.problem());
                continue;
            }
            spec.commandLine().getOut().printf("bridge   '%s'  %s %s -> %s  %s, pid %d, updated %.1f s ago  %s%n",
                bridge.name(), bridge.direction(), bridge.from(), bridge.to(), bridge.liveState(), bridge.pid(),
                (now - bridge.updated()) / 1000.0, bridge.counters());
        }
    }

    private String describeProducer(final long holder, final QueueCounters counters)
    {
        if (null == holders)
        {
            return "last pid " + counters.producerPid();
        }
        if (holder == LockHolders.FREE)
        {
            return "no producer (the last was pid " + counters.producerPid() + ")";
        }
        return 0 == holder ?
            "pid " + counters.producerPid() + " (alive, in a pid namespace this one cannot see)" :
            "pid " + holder + " (alive)";
    }

    /**
     * Who holds {@code slot}: the process the kernel names as its lock's holder (it sees through pid namespaces,
     * where the pid a consumer wrote in its slot may be its container's 1), or, where the kernel cannot be asked,
     * the recorded pid and whether its lock could be taken.
     */
    private String holder(final QueueCounters counters, final int slot)
    {
        final long recorded = counters.consumerPid(slot);
        if (null == holders)
        {
            return "pid " + recorded + (counters.consumerAlive(slot) ? " (alive)" : DEAD);
        }
        final long holder = holders.holder(LockId.slot(slot));
        if (holder == LockHolders.FREE)
        {
            return "pid " + recorded + DEAD;
        }
        return 0 == holder ? "pid " + recorded + " (alive, in a pid namespace this one cannot see)" : "pid " + holder + " (alive)";
    }

    /** The group of a member or orphan, which may have left between two reads of a queue in use. */
    private static String groupName(final QueueCounters counters, final int slot)
    {
        final int group = counters.memberGroup(slot);
        return group < 0 ? "?" : String.valueOf(counters.consumerName(group));
    }

    private static String describeClaim(final QueueCounters counters, final int slot, final long position)
    {
        return position < 0 ? "no claim" :
            String.format("claim %,d to %,d", position, counters.memberClaimEnd(slot));
    }

    private static String describe(final String state)
    {
        return switch (state)
        {
            case "ACTIVE" -> "";
            case "EVICTED" -> "  EVICTED (fell behind; the producer no longer waits for it)";
            case "DORMANT" -> "  DORMANT (named, away; keeps its place)";
            case "LAPPED" -> "  LAPPED (named, away; the producer went past it)";
            default -> "  " + state;
        };
    }
}
