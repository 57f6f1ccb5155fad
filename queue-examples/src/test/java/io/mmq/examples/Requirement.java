package io.mmq.examples;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a compiler, a Docker engine, signals delivered as a terminal delivers
 * them). Where it is missing, a developer's run skips the test, saying why; a CI run (CI=true) fails it:
 * a missing set-up step must never pass as a green build of skipped tests.
 */
public final class Requirement
{
    private Requirement()
    {
    }

    /** Whether this is a CI run, where every test must run. */
    public static boolean isCi()
    {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test, or in CI fails it, unless {@code met}.
     *
     * @param missing what is missing, and what to do about it.
     */
    public static void require(final boolean met, final String missing)
    {
        if (!met && isCi())
        {
            throw new AssertionError(missing + " (CI=true: every test must run; .ci/run sets up what the tests need)");
        }
        Assumptions.assumeTrue(met, missing);
    }
}
