package io.mmq.examples.bench.harness;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How a benchmark role waits when there is nothing to read or no room to write. The first three poll a
 * non-blocking endpoint with an Agrona idle strategy; {@link #BLOCKING} opens the endpoint in blocking
 * mode (mmq's timed poll and offer, a blocking socket) so the calls themselves wait, in the kernel.
 */
public enum IdleMode
{
    BUSY_SPIN("busy-spin"),
    YIELD("yield"),
    BACKOFF("backoff"),
    BLOCKING("blocking");

    private final String label;

    IdleMode(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    /**
     * @return a fresh idle strategy for one role's loop; for {@link #BLOCKING} one that does nothing,
     *         since the endpoint's calls wait by themselves.
     */
    public IdleStrategy newStrategy()
    {
        switch (this)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case YIELD:
                return new YieldingIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy();
            default:
                return NoOpIdleStrategy.INSTANCE;
        }
    }

    /**
     * @throws IllegalArgumentException naming the known labels if {@code label} is none of them.
     */
    public static IdleMode ofLabel(final String label)
    {
        for (final IdleMode mode : values())
        {
            if (mode.label.equals(label))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown idle strategy '" + label + "'; known: " +
            Arrays.stream(values()).map(IdleMode::label).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString()
    {
        return label;
    }
}
