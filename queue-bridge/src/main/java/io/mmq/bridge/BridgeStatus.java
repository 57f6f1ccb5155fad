package io.mmq.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a running bridge tells other processes about itself, so that {@code mmq stat QUEUE} shows every
 * bridge of a queue beside its consumers: which way it goes, whether its process lives, and its counters
 * as its progress line gives them.
 *
 * <p>It is a small text file per bridge, {@code QUEUE.bridges/NAME.status} beside the queue file,
 * rewritten whole at most once per progress interval (a new file moved over the old one, so a reader
 * never sees half of one) and left behind, marked stopped, when the bridge ends. It is outside the queue
 * file on purpose: it is written once a second by a process that is not on the queue's data path, and
 * losing it loses nothing but the view.
 *
 * <pre>
 * pid=4242
 * process-start=1795999990120
 * direction=out
 * from=/dev/shm/orders.mmq
 * to=kafka://127.0.0.1:9092/orders
 * state=running
 * updated=1796000000000
 * counters=forwarded=25570 inflight=962 lag=261856 retries=0
 * </pre>
 */
public final class BridgeStatus
{
    /** The state of a bridge whose process is (or was last seen) forwarding. */
    public static final String RUNNING = "running";

    /** The state a bridge writes as it ends. */
    public static final String STOPPED = "stopped";

    private static final String SUFFIX = ".status";

    private final Path file;
    private final Map<String, String> fields = new LinkedHashMap<>();

    private BridgeStatus(final Path file, final Map<String, String> fields)
    {
        this.file = file;
        this.fields.putAll(fields);
    }

    /**
     * The status file of the bridge {@code name} of {@code queueFile}, written at once as running with no
     * counters yet.
     *
     * @param direction {@code out} (the queue into the engine) or {@code in} (the engine into the queue).
     * @throws UncheckedIOException if the directory beside the queue cannot be made or written.
     */
    public static BridgeStatus start(
        final Path queueFile, final String name, final String direction, final String from, final String to)
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("pid", String.valueOf(ProcessHandle.current().pid()));
        fields.put("process-start", String.valueOf(startOf(ProcessHandle.current())));
        fields.put("direction", direction);
        fields.put("from", from);
        fields.put("to", to);
        fields.put("state", RUNNING);
        fields.put("counters", "");
        final BridgeStatus status = new BridgeStatus(fileOf(queueFile, name), fields);
        status.write();
        return status;
    }

    /**
     * Rewrites the file with {@code counters} (the progress line's {@code key=value} pairs).
     */
    public void update(final String counters)
    {
        fields.put("counters", counters);
        write();
    }

    /**
     * Rewrites the file with its last counters, marked stopped.
     */
    public void stop(final String counters)
    {
        fields.put("state", STOPPED);
        update(counters);
    }

    /**
     * @return the status files of every bridge of {@code queueFile}, by name; none if it never had one.
     *         A file that cannot be read or parsed is listed with its problem, never skipped in silence.
     */
    public static List<Snapshot> readAll(final Path queueFile)
    {
        final Path directory = directoryOf(queueFile);
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        final List<Snapshot> snapshots = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList())
            {
                snapshots.add(read(file));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(directory + ": cannot list the bridges' status files", ex);
        }
        return snapshots;
    }

    /**
     * Deletes the status files of {@code queueFile}'s bridges, and their directory, when the queue itself
     * is deleted: a queue made again at the same path starts without bridges. A bridge still running
     * writes its file again at its next progress line.
     *
     * @return how many status files were deleted.
     */
    public static int deleteAll(final Path queueFile)
    {
        final Path directory = directoryOf(queueFile);
        if (!Files.isDirectory(directory))
        {
            return 0;
        }
        int deleted = 0;
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX) ||
                f.getFileName().toString().endsWith(SUFFIX + ".next")).toList())
            {
                deleted += Files.deleteIfExists(file) ? 1 : 0;
            }
            Files.deleteIfExists(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(directory + ": cannot delete the bridges' status files", ex);
        }
        return deleted;
    }

    /** The directory of a queue's bridge status files: {@code QUEUE.bridges} beside it. */
    public static Path directoryOf(final Path queueFile)
    {
        return queueFile.resolveSibling(queueFile.getFileName() + ".bridges");
    }

    private static Path fileOf(final Path queueFile, final String name)
    {
        // A name is a consumer name (up to 64 bytes of UTF-8, any character but NUL): keep it readable
        // but safe as one file name.
        return directoryOf(queueFile).resolve(name.replaceAll("[^A-Za-z0-9._:@+-]", "_") + SUFFIX);
    }

    private void write()
    {
        fields.put("updated", String.valueOf(System.currentTimeMillis()));
        final StringBuilder text = new StringBuilder();
        fields.forEach((key, value) -> text.append(key).append('=').append(value.replace('\n', ' ')).append('\n'));
        try
        {
            Files.createDirectories(file.getParent());
            final Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, text, StandardCharsets.UTF_8);
            try
            {
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write the bridge's status", ex);
        }
    }

    private static Snapshot read(final Path file)
    {
        final String name = file.getFileName().toString();
        final String bridge = name.substring(0, name.length() - SUFFIX.length());
        final Map<String, String> fields = new LinkedHashMap<>();
        try
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                final int equals = line.indexOf('=');
                if (equals > 0)
                {
                    fields.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
            return new Snapshot(bridge, Long.parseLong(fields.getOrDefault("pid", "-1")),
                Long.parseLong(fields.getOrDefault("process-start", "-1")), fields.getOrDefault("direction", "?"), fields.getOrDefault("from", "?"), fields.getOrDefault("to", "?"),
                fields.getOrDefault("state", "?"), Long.parseLong(fields.getOrDefault("updated", "0")),
                fields.getOrDefault("counters", ""), null);
        }
        catch (final NoSuchFileException ex)
        {
            return new Snapshot(bridge, -1, -1, "?", "?", "?", "?", 0, "", "removed while being read");
        }
        catch (final IOException | NumberFormatException ex)
        {
            return new Snapshot(bridge, -1, -1, "?", "?", "?", "?", 0, "", file + ": unreadable (" + ex.getMessage() + ")");
        }
    }

    /** @return when {@code process} started, in milliseconds since the epoch, or -1 if the OS does not say. */
    private static long startOf(final ProcessHandle process)
    {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
    }

    /**
     * One bridge as its status file last described it.
     *
     * @param processStart when the bridge's process started (ms since the epoch), to tell it from a later
     *                     process given the same pid; -1 if unknown.
     * @param updated when the file was written, in milliseconds since the epoch.
     * @param problem null, or why the file could not be read.
     */
    public record Snapshot(String name, long pid, long processStart, String direction, String from, String to, String state,
        long updated, String counters, String problem)
    {
        /**
         * @return the state, corrected by what the OS says: a bridge that says it runs but whose process
         *         is gone (or whose pid now belongs to a process started at another time) is {@code dead}.
         */
        public String liveState()
        {
            if (RUNNING.equals(state) && ProcessHandle.of(pid)
                .filter(process -> process.isAlive() && startOf(process) == processStart).isPresent())
            {
                return RUNNING;
            }
            return RUNNING.equals(state) ? "dead" : state;
        }
    }
}
