package io.mmq.examples.soak;

import java.nio.file.Path;

/**
 * What one crash soak does: how long it kills, whom, how often, and over which queue.
 *
 * @param durationMillis how long processes are killed and restarted.
 * @param consumers consumer processes.
 * @param survivors how many of them are never killed: they must receive every committed message.
 * @param minIntervalMillis shortest pause between two kills.
 * @param maxIntervalMillis longest pause between two kills.
 * @param capacity the ring's size in bytes.
 * @param maxMessage the largest message in bytes.
 * @param seed the random choices (victims and pauses); the same seed makes the same choices.
 * @param directory where the queue file is created (and deleted afterwards).
 */
record SoakPlan(long durationMillis, int consumers, int survivors, long minIntervalMillis, long maxIntervalMillis,
    int capacity, int maxMessage, long seed, Path directory)
{
    SoakPlan
    {
        require(durationMillis > 0, "--duration must be positive, not " + durationMillis + " ms");
        require(consumers >= 1 && consumers <= 64, "--consumers must be from 1 to 64, not " + consumers);
        require(survivors >= 0 && survivors <= consumers,
            "--survivors must be from 0 to --consumers (" + consumers + "), not " + survivors);
        require(minIntervalMillis >= 1 && maxIntervalMillis >= minIntervalMillis,
            "kill intervals need 1 <= --min-interval <= --max-interval, not " + minIntervalMillis + " and " +
                maxIntervalMillis);
        require(maxMessage >= SoakMessages.MIN_LENGTH,
            "--max-message must be at least " + SoakMessages.MIN_LENGTH + " bytes, not " + maxMessage);
    }

    private static void require(final boolean condition, final String problem)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(problem);
        }
    }
}
