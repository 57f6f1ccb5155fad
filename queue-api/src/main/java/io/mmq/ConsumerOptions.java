package io.mmq;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How to open a named consumer: a consumer whose position lives in the queue file under its name, so
 * that the next process to open a consumer with that name resumes exactly where the last one stopped.
 *
 * <ul>
 *   <li><b>start</b>: where a name that does not exist yet starts ({@link StartPosition#LATEST} by
 *       default). An existing name always resumes at its own position.</li>
 *   <li><b>commit</b>: {@link Commit#AFTER_EACH_POLL} (the default) stores the position after every poll:
 *       after a crash, at most the messages of the poll that was running are seen again. With
 *       {@link Commit#EXPLICIT} the position is stored only by {@link Consumer#commit()}: a service that
 *       commits after processing gets at-least-once delivery, and after a crash sees again exactly what
 *       it had polled and not committed.</li>
 *   <li><b>absence</b>: while no process holds the name, {@link Absence#HOLD_PRODUCER} (the default)
 *       keeps the producer from overwriting what the consumer has not read, like a live consumer;
 *       {@link Absence#LET_PRODUCER_LAP} lets the producer go on, and once it has reused bytes the
 *       consumer had not read, the consumer is lapped: when it returns, its first poll throws
 *       {@link ConsumerLappedException} with the range it missed, and it goes on after it.</li>
 * </ul>
 */
public final class ConsumerOptions
{
    /** The longest name, in bytes of UTF-8. */
    public static final int MAX_NAME_LENGTH = 64;

    /** When a named consumer's position is stored in the file. */
    public enum Commit
    {
        /** After every poll that moved it. */
        AFTER_EACH_POLL,
        /** Only when {@link Consumer#commit()} is called. */
        EXPLICIT
    }

    /** What the producer does while no process holds a named consumer. */
    public enum Absence
    {
        /** Waits for it, as for a live consumer: nothing is lost, and the stream stalls when the ring fills. */
        HOLD_PRODUCER,
        /** Goes on without it; once it has reused unread bytes, the consumer is lapped. */
        LET_PRODUCER_LAP
    }

    private final String name;
    private final StartPosition start;
    private final Commit commit;
    private final Absence absence;

    private ConsumerOptions(final String name, final StartPosition start, final Commit commit, final Absence absence)
    {
        this.name = name;
        this.start = start;
        this.commit = commit;
        this.absence = absence;
    }

    /**
     * @param name from 1 to {@value #MAX_NAME_LENGTH} bytes of UTF-8, without NUL characters.
     */
    public static ConsumerOptions named(final String name)
    {
        checkName(name);
        return new ConsumerOptions(name, StartPosition.LATEST, Commit.AFTER_EACH_POLL, Absence.HOLD_PRODUCER);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with {@code name}.
     */
    public static void checkName(final String name)
    {
        Objects.requireNonNull(name, "name");
        final int length = name.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > MAX_NAME_LENGTH || name.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException("a consumer name must be 1 to " + MAX_NAME_LENGTH +
                " bytes of UTF-8 without NUL characters: '" + name + "' (" + length + " bytes)");
        }
    }

    /** Where a new name starts; an existing name resumes at its own position. */
    public ConsumerOptions startingAt(final StartPosition start)
    {
        return new ConsumerOptions(name, Objects.requireNonNull(start, "start"), commit, absence);
    }

    public ConsumerOptions withCommit(final Commit commit)
    {
        return new ConsumerOptions(name, start, Objects.requireNonNull(commit, "commit"), absence);
    }

    /**
     * What the producer does while no process holds this name. Stored with the name in the file, so it
     * holds while nobody is there to say it; the last process to open the name decides it.
     */
    public ConsumerOptions whenAbsent(final Absence absence)
    {
        return new ConsumerOptions(name, start, commit, Objects.requireNonNull(absence, "absence"));
    }

    public String name()
    {
        return name;
    }

    public StartPosition start()
    {
        return start;
    }

    public Commit commit()
    {
        return commit;
    }

    public Absence absence()
    {
        return absence;
    }

    @Override
    public String toString()
    {
        return "ConsumerOptions{name='" + name + "', start=" + start + ", commit=" + commit + ", absence=" + absence + "}";
    }
}
