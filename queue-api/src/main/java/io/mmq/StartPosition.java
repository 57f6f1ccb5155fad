package io.mmq;

/**
 * Where a new consumer starts reading.
 */
public enum StartPosition
{
    /**
     * At the producer's current position: the consumer receives every message published after it joined.
     */
    LATEST,

    /**
     * At the oldest message the ring still guarantees: the consumer first receives what is retained,
     * then everything published after. Retained means at least every message that the slowest active
     * consumer has not yet read; with no active consumer, the most recent messages filling at least
     * three quarters of the ring (or all messages, if fewer were ever published).
     */
    EARLIEST
}
