package io.mmq.bridge.aeron;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter with one writer: the writer sets it with an ordered store (a plain store on x86, no fence), so
 * counting costs the message path nothing but the store, and readers on other threads see each value whole.
 */
final class OrderedCounter
{
    private final AtomicLong value;

    OrderedCounter()
    {
        this(0);
    }

    OrderedCounter(final long initial)
    {
        value = new AtomicLong(initial);
    }

    long get()
    {
        return value.get();
    }

    /** From the writer's thread only. */
    void set(final long newValue)
    {
        value.lazySet(newValue);
    }

    /** From the writer's thread only. */
    void increment()
    {
        value.lazySet(value.get() + 1);
    }

    /** From the writer's thread only. */
    void add(final long delta)
    {
        value.lazySet(value.get() + delta);
    }
}
