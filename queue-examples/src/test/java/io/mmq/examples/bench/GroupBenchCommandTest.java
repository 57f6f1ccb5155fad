package io.mmq.examples.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import io.mmq.examples.Mmq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mmq group-bench} runs its readers as separate processes and checks that the group, whatever its
 * size, handled every published message exactly once (by count and checksum) before it reports a row.
 */
class GroupBenchCommandTest
{
    @TempDir
    Path directory;

    @Test
    void eachRowIsMeasuredOnlyAfterEveryMessageWasHandledOnce()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = Mmq.execute(new PrintWriter(out, true), new PrintWriter(err, true),
            "group-bench", "--messages", "50000", "--members", "1,3", "--batch", "16", "--dir", directory.toString());
        assertEquals(0, exit, out + "\n" + err);
        final List<String> rows = out.toString().lines().filter(line -> line.startsWith("| ") && !line.startsWith("| readers")).toList();
        assertEquals(3, rows.size(), out.toString());
        assertTrue(rows.get(0).startsWith("| one consumer (broadcast) |"), rows.get(0));
        assertTrue(rows.get(1).startsWith("| group of 1 |") && rows.get(1).endsWith("| 50,000 |"), rows.get(1));
        assertTrue(rows.get(2).startsWith("| group of 3 |"), rows.get(2));
        final long[] shares = java.util.Arrays.stream(rows.get(2).replaceAll(".*\\| ([0-9, /]+) \\|$", "$1").split(" / "))
            .mapToLong(share -> Long.parseLong(share.replace(",", ""))).toArray();
        assertEquals(3, shares.length, rows.get(2));
        assertEquals(50_000, java.util.Arrays.stream(shares).sum(), "the members' shares add up to the stream");
    }
}
