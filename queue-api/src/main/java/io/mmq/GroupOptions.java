package io.mmq;

import java.util.Objects;

/**
 * How to join a consumer group: consumers that share one stream of work, each message going to exactly
 * one member that is alive, instead of every consumer receiving every message.
 *
 * <ul>
 *   <li><b>group</b>: the group's name, stored in the queue file. The first member creates the group; it
 *       then lives until deleted with {@link MessageQueue#deleteConsumer}, holding the producer back
 *       like one consumer (at its oldest unfinished message) even while it has no member.</li>
 *   <li><b>start</b>: where a group that does not exist yet starts ({@link StartPosition#LATEST} by
 *       default). An existing group goes on where it is.</li>
 *   <li><b>batch</b>: how many messages a member claims at a time (64 by default). A member claims a
 *       batch with one compare-and-swap, then handles it alone; larger batches claim less often, smaller
 *       ones spread work more evenly and leave less to hand over when a member dies.</li>
 * </ul>
 */
public final class GroupOptions
{
    /** The batch a member claims unless told otherwise. */
    public static final int DEFAULT_BATCH = 64;

    /** The largest batch: a claim is also cut at a quarter of the ring. */
    public static final int MAX_BATCH = 1 << 16;

    private final String group;
    private final StartPosition start;
    private final int batch;

    private GroupOptions(final String group, final StartPosition start, final int batch)
    {
        this.group = group;
        this.start = start;
        this.batch = batch;
    }

    /**
     * @param group from 1 to {@value ConsumerOptions#MAX_NAME_LENGTH} bytes of UTF-8, without NUL
     *              characters; it shares the namespace of named consumers.
     */
    public static GroupOptions member(final String group)
    {
        ConsumerOptions.checkName(group);
        return new GroupOptions(group, StartPosition.LATEST, DEFAULT_BATCH);
    }

    /** Where a new group starts; an existing group goes on where it is. */
    public GroupOptions startingAt(final StartPosition start)
    {
        return new GroupOptions(group, Objects.requireNonNull(start, "start"), batch);
    }

    /**
     * @param messages how many messages a member claims at a time, 1 to {@value #MAX_BATCH}.
     */
    public GroupOptions withBatch(final int messages)
    {
        if (messages < 1 || messages > MAX_BATCH)
        {
            throw new IllegalArgumentException("a group batch must be 1 to " + MAX_BATCH + " messages: " + messages);
        }
        return new GroupOptions(group, start, messages);
    }

    public String group()
    {
        return group;
    }

    public StartPosition start()
    {
        return start;
    }

    public int batch()
    {
        return batch;
    }

    @Override
    public String toString()
    {
        return "GroupOptions{group='" + group + "', start=" + start + ", batch=" + batch + "}";
    }
}
