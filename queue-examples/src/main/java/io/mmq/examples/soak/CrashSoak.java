package io.mmq.examples.soak;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

import static io.mmq.examples.soak.SoakProcess.field;

/**
 * The crash soak: one producer and several consumers, each its own JVM, over one queue. For the planned
 * time it SIGKILLs one of them at random moments and starts it again; then it lets a last producer publish
 * an end marker and checks what every consumer received.
 *
 * <p>What mmq promises, and so what is checked:
 * <ul>
 * <li>a message is <em>committed</em> once its frame length is stored; a producer killed before that
 *     published nothing, and its successor continues after the last committed message. So the committed
 *     messages are exactly 0 to E - 1, where E is the number the end marker carries;</li>
 * <li>a consumer that is never killed (a survivor) receives every one of them, exactly once, in order,
 *     across every producer kill and takeover;</li>
 * <li>a consumer started again joins afresh (at LATEST or EARLIEST, alternately): each incarnation
 *     receives a gap-free, repeat-free, in-order run of intact messages, and the last incarnation's run
 *     reaches the end marker. What was published while no incarnation was alive is not owed to it.</li>
 * </ul>
 * Every consumer checks every byte of every message as it arrives and stops at the first violation.
 */
public final class CrashSoak
{
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final long END_TIMEOUT_MILLIS = 120_000;

    private final SoakPlan plan;
    private final PrintWriter out;
    private final SplittableRandom random;
    private final Path file;
    private final List<ConsumerRole> consumers = new ArrayList<>();
    private SoakProcess producer;
    private int producerKills;
    private int consumerKills;
    private int producerIncarnations;

    CrashSoak(final SoakPlan plan, final PrintWriter out)
    {
        this.plan = plan;
        this.out = out;
        this.random = new SplittableRandom(plan.seed());
        this.file = plan.directory().resolve("soak-" + ProcessHandle.current().pid() + ".mmq");
    }

    /** A consumer's place in the soak, across its incarnations. */
    private static final class ConsumerRole
    {
        final int index;
        final boolean survivor;
        SoakProcess current;
        int incarnations;
        long checkedByEarlierIncarnations;

        ConsumerRole(final int index, final boolean survivor)
        {
            this.index = index;
            this.survivor = survivor;
        }

        String name()
        {
            return (survivor ? "survivor-" : "consumer-") + index + "." + incarnations;
        }
    }

    /**
     * @return 0 if every check passed, 1 otherwise (what failed is printed).
     */
    public int run() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(plan.capacity())
            .withMaxMessageLength(plan.maxMessage()).withConsumerSlots(plan.consumers() + 4).withPretouch(false)).close();
        out.printf("soak: %d s, a producer and %d consumers (%d never killed), a kill every %d to %d ms, seed %d, %s%n",
            plan.durationMillis() / 1000, plan.consumers(), plan.survivors(), plan.minIntervalMillis(),
            plan.maxIntervalMillis(), plan.seed(), file);
        try
        {
            for (int i = 0; i < plan.consumers(); i++)
            {
                final ConsumerRole role = new ConsumerRole(i, i < plan.survivors());
                consumers.add(role);
                startConsumer(role, StartPosition.LATEST);
            }
            for (final ConsumerRole role : consumers)
            {
                awaitReady(role.current);
            }
            producer = startProducer(false);
            awaitReady(producer);

            final String failure = killAndRestartUntilTheEnd();
            if (null != failure)
            {
                out.println("soak FAILED: " + failure);
                return 1;
            }
            return finishAndCheck();
        }
        finally
        {
            stopAll();
            Files.deleteIfExists(file);
        }
    }

    /**
     * @return null, or what went wrong.
     */
    private String killAndRestartUntilTheEnd() throws Exception
    {
        final long start = System.currentTimeMillis();
        final long end = start + plan.durationMillis();
        long nextProgress = start + 1000;
        long nextKill = start + pause();
        long now;
        while ((now = System.currentTimeMillis()) < end)
        {
            final String failure = anyoneDied();
            if (null != failure)
            {
                return failure;
            }
            if (now >= nextKill)
            {
                killOneAndRestartIt();
                nextKill = System.currentTimeMillis() + pause();
            }
            if (now >= nextProgress)
            {
                progress((now - start) / 1000);
                nextProgress += 1000;
            }
            Thread.sleep(5);
        }
        return anyoneDied();
    }

    private long pause()
    {
        return plan.minIntervalMillis() + random.nextLong(plan.maxIntervalMillis() - plan.minIntervalMillis() + 1);
    }

    /** Picks a victim among the processes that have started up (the producer or a consumer that may die). */
    private void killOneAndRestartIt() throws Exception
    {
        final List<ConsumerRole> killable = new ArrayList<>();
        for (final ConsumerRole role : consumers)
        {
            if (!role.survivor && role.current.isReady())
            {
                killable.add(role);
            }
        }
        final boolean producerReady = producer.isReady();
        final int choices = killable.size() + (producerReady ? 1 : 0);
        if (choices == 0)
        {
            return;
        }
        final int choice = random.nextInt(choices);
        if (choice == killable.size())
        {
            producer.kill();
            producerKills++;
            producer = startProducer(false);
        }
        else
        {
            final ConsumerRole role = killable.get(choice);
            role.current.kill();
            consumerKills++;
            role.checkedByEarlierIncarnations += field(role.current.lastProgress(), "count", 0);
            startConsumer(role, role.incarnations % 2 == 0 ? StartPosition.LATEST : StartPosition.EARLIEST);
        }
    }

    /**
     * @return null if every process we did not kill is still running; otherwise which one stopped and why.
     */
    private String anyoneDied() throws Exception
    {
        for (final ConsumerRole role : consumers)
        {
            if (!role.current.isAlive())
            {
                return role.current.name() + " stopped on its own: " + role.current.finalLine() + " " +
                    role.current.errors().trim();
            }
        }
        if (!producer.isAlive())
        {
            return producer.name() + " stopped on its own: " + producer.errors().trim();
        }
        return null;
    }

    private void progress(final long seconds)
    {
        long lowest = Long.MAX_VALUE;
        long highest = -1;
        int starting = 0;
        for (final ConsumerRole role : consumers)
        {
            final long last = field(role.current.lastProgress(), "last", -1);
            if (last >= 0)
            {
                lowest = Math.min(lowest, last);
                highest = Math.max(highest, last);
            }
            starting += role.current.isReady() ? 0 : 1;
        }
        out.printf("soak %4d s: %3d kills (%d producer, %d consumer); producer %s; consumers at %s%s%n",
            seconds, producerKills + consumerKills, producerKills, consumerKills,
            producer.isReady() ? String.format("at message %,d", field(producer.lastProgress(), "next", 0)) : "starting",
            highest < 0 ? "-" : String.format("%,d to %,d", lowest, highest),
            starting == 0 ? "" : ", " + starting + " starting");
    }

    /**
     * Kills the running producer a last time, lets a new one publish the end marker, and checks what every
     * consumer received.
     */
    private int finishAndCheck() throws Exception
    {
        producer.kill();
        producerKills++;
        producer = startProducer(true);
        final String finished = producer.awaitFinalLine(END_TIMEOUT_MILLIS);
        if (null == finished || !finished.startsWith("FINISHED"))
        {
            out.println("soak FAILED: the last producer did not publish the end marker: " + finished + " " +
                producer.errors().trim());
            return 1;
        }
        final long committed = field(finished, "end", -1);

        final List<String> failures = new ArrayList<>();
        long checked = 0;
        int restartedIncarnations = 0;
        for (final ConsumerRole role : consumers)
        {
            final String done = role.current.awaitFinalLine(END_TIMEOUT_MILLIS);
            final String problem = check(role, done, committed);
            if (null != problem)
            {
                failures.add(role.current.name() + ": " + problem);
            }
            checked += role.checkedByEarlierIncarnations + field(done, "count", 0);
            restartedIncarnations += role.incarnations - 1;
        }
        if (!failures.isEmpty())
        {
            failures.forEach(problem -> out.println("soak FAILED: " + problem));
            return 1;
        }
        out.printf("soak passed: %d kills survived (%d of the producer, %d of consumers) in %d s%n",
            producerKills + consumerKills, producerKills, consumerKills, plan.durationMillis() / 1000);
        out.printf("  committed: %,d messages, by %d producer processes in turn%n", committed, producerIncarnations);
        out.printf("  survivors: %d consumers never killed received all %,d, exactly once, in order, intact%n",
            plan.survivors(), committed);
        out.printf("  restarted: %d consumer restarts, each a gap-free, repeat-free run; the last ones up to the end%n",
            restartedIncarnations);
        out.printf("  checked:   %,d deliveries, every byte%n", checked);
        return 0;
    }

    /**
     * @return null if the consumer's last incarnation received what mmq promises it; otherwise what not.
     */
    private static String check(final ConsumerRole role, final String done, final long committed)
    {
        if (null == done || !done.startsWith("DONE"))
        {
            return "did not reach the end marker: " + done + " " + role.current.errors().trim();
        }
        final long first = field(done, "first", -1);
        final long last = field(done, "last", -1);
        final long count = field(done, "count", -1);
        if (field(done, "end", -1) != committed)
        {
            return "saw an end marker of " + field(done, "end", -1) + ", the producer published " + committed;
        }
        if (count > 0 && (last != committed - 1 || count != last - first + 1))
        {
            return "received " + count + " messages from " + first + " to " + last + ", not a run up to " + (committed - 1);
        }
        if (role.survivor && (first != 0 || count != committed))
        {
            return "never killed, but received " + count + " of the " + committed + " messages (from " + first + ")";
        }
        return null;
    }

    private void startConsumer(final ConsumerRole role, final StartPosition start) throws Exception
    {
        role.incarnations++;
        role.current = SoakProcess.start(role.name(), "consumer", file, start);
    }

    private SoakProcess startProducer(final boolean finish) throws Exception
    {
        producerIncarnations++;
        final String name = "producer." + producerIncarnations;
        return finish ? SoakProcess.start(name, "producer", file, "--finish") : SoakProcess.start(name, "producer", file);
    }

    private static void awaitReady(final SoakProcess process) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!process.isReady())
        {
            if (!process.isAlive() || System.currentTimeMillis() > deadline)
            {
                throw new IllegalStateException(process.name() + " did not start: " + process.errors().trim());
            }
            Thread.sleep(5);
        }
    }

    private void stopAll() throws InterruptedException
    {
        for (final ConsumerRole role : consumers)
        {
            if (null != role.current)
            {
                role.current.kill();
            }
        }
        if (null != producer)
        {
            producer.kill();
        }
    }
}
