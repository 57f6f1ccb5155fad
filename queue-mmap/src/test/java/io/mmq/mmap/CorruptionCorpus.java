package io.mmq.mmap;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The corruption fuzz cases, written down for other readers of the format: {@code pristine.mmq}, the intact
 * queue, and {@code cases.tsv}, one line per case:
 *
 * <pre>
 * case  damage (what the fuzz did)  patches (offset:byte,...)  capacity  java outcome
 * 17    flip@4301 zero@4400         4301:37,4400:0             4096      delivered=12 crc=3735928559 end=ok
 * </pre>
 *
 * where {@code end} is {@code ok} (the consumer read everything there was) or {@code error} (it stopped
 * with an mmq exception at opening, joining or reading, after the messages counted).
 */
final class CorruptionCorpus implements AutoCloseable
{
    private final byte[] pristine;
    private final int capacity;
    private final PrintWriter cases;

    CorruptionCorpus(final Path directory, final byte[] pristine, final int capacity) throws IOException
    {
        Files.createDirectories(directory);
        Files.write(directory.resolve("pristine.mmq"), pristine);
        this.pristine = pristine;
        this.capacity = capacity;
        this.cases = new PrintWriter(Files.newBufferedWriter(directory.resolve("cases.tsv"), StandardCharsets.UTF_8));
        cases.println("case\tdamage\tpatches\tcapacity\tjava");
    }

    void add(final int index, final String damage, final byte[] damaged, final ReadOutcome read)
    {
        final StringBuilder patches = new StringBuilder();
        for (int i = 0; i < damaged.length; i++)
        {
            if (damaged[i] != pristine[i])
            {
                patches.append(patches.length() == 0 ? "" : ",").append(i).append(':').append(damaged[i] & 0xFF);
            }
        }
        cases.printf("%d\t%s\t%s\t%d\tdelivered=%d crc=%d end=%s%n", index, damage, patches, capacity,
            read.delivered, read.checksum(), read.failed ? "error" : "ok");
    }

    @Override
    public void close()
    {
        cases.close();
    }
}
