package io.mmq.examples.bench.harness;

/**
 * Message sizes as people write them: 32 B, 1 KiB, 64 KiB.
 */
final class Sizes
{
    private Sizes()
    {
    }

    static String label(final int bytes)
    {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0)
        {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0)
        {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    /**
     * @return the label without spaces, for file names: {@code 1KiB}.
     */
    static String fileLabel(final int bytes)
    {
        return label(bytes).replace(" ", "");
    }
}
