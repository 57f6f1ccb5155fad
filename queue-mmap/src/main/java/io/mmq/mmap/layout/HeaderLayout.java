package io.mmq.mmap.layout;

/**
 * The file header: what the file is, its geometry, and the producer's positions. The Java twin of
 * "The header" in {@code docs/format.md}; every value is little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "MMQUEUE\0" (8 bytes)                  |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                         Header Length                         | 12
 *  +---------------------------------------------------------------+
 *  |                         Ring Capacity                         | 16
 *  +---------------------------------------------------------------+
 *  |                      Max Message Length                       | 20
 *  +---------------------------------------------------------------+
 *  |                        Consumer Slots                         | 24
 *  +---------------------------------------------------------------+
 *  |                          Slot Length                          | 28
 *  +---------------------------------------------------------------+
 *  |                          Ring Offset                          | 32
 *  +---------------------------------------------------------------+
 *  |                        Reserved, zero                         | 36
 *  +---------------------------------------------------------------+
 *  |                    Eviction Lag (8 bytes)                     | 40
 *  +---------------------------------------------------------------+
 *  |                    Creation Id (8 bytes)                      | 48
 *  +---------------------------------------------------------------+
 *  |                    Reserved, zero (to 64)                    ...
 *  +---------------------------------------------------------------+
 *  |                          Wake Signal                          | 64
 *  +---------------------------------------------------------------+
 *  |                        Reserved, zero                         | 68
 *  +---------------------------------------------------------------+
 *  |                          Wake Wanted                          | 72
 *  +---------------------------------------------------------------+
 *  |                         Space Signal                          | 80
 *  +---------------------------------------------------------------+
 *  |                         Space Request                         | 88
 *  +---------------------------------------------------------------+
 *  |                   Reserved, zero (to 128)                    ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |                 Producer Position (8 bytes)                   | 128
 *  +---------------------------------------------------------------+
 *  |                   Join Position (8 bytes)                     | 136
 *  +---------------------------------------------------------------+
 *  |                  Reclaim Position (8 bytes)                   | 144
 *  +---------------------------------------------------------------+
 *  |                 Producer Process Id (8 bytes)                 | 152
 *  +---------------------------------------------------------------+
 *  |             Checkpoint A Position (8 bytes)                   | 160
 *  +---------------------------------------------------------------+
 *  |               Checkpoint A Value (8 bytes)                    | 168
 *  +---------------------------------------------------------------+
 *  |             Checkpoint B Position (8 bytes)                   | 176
 *  +---------------------------------------------------------------+
 *  |               Checkpoint B Value (8 bytes)                    | 184
 *  +---------------------------------------------------------------+
 *  |              Checkpoint A Source (8 bytes)                    | 192
 *  +---------------------------------------------------------------+
 *  |              Checkpoint B Source (8 bytes)                    | 200
 *  +---------------------------------------------------------------+
 *  |                   Reserved, zero (to 256)                    ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Bytes 0 to 63 are written once, when the file is created, and never again. Bytes 64 to 127 are the
 * wake-up line, written only on the way to and from sleep. Bytes 128 to 255 are written only by the
 * producer that holds the producer lock; they sit on their own pair of cache lines so that publishing
 * never invalidates a line other processes write.
 */
public final class HeaderLayout
{
    /** "MMQUEUE\0" read as a little-endian long. */
    public static final long MAGIC = 0x0045_5545_5551_4D4DL;

    /** The format this code writes. Bumped whenever a byte changes meaning. */
    public static final int FORMAT_VERSION = 7;

    /**
     * The oldest format this code also reads and writes: a version-2 file is a version-3 file whose
     * consumers are never evicted (its Eviction Lag bytes are zero), and a version-3 file is a version-4
     * file without named consumers (which such a file refuses, since older producers would not hold them);
     * likewise a version-4 file has no groups, a version-5 file no checkpoints, and a version-6 file no
     * creation id.
     */
    public static final int OLDEST_READABLE_VERSION = 2;

    /** The first version whose files may hold named consumers. */
    public static final int NAMED_CONSUMERS_VERSION = 4;

    /** The first version whose files may hold consumer groups. */
    public static final int CONSUMER_GROUPS_VERSION = 5;

    /** The first version whose producers keep checkpoints (and discard uncommitted ones on taking over). */
    public static final int CHECKPOINTS_VERSION = 6;

    /** The first version whose files carry a creation id, and a source with each checkpoint. */
    public static final int CREATION_ID_VERSION = 7;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int CAPACITY_OFFSET = 16;
    public static final int MAX_MESSAGE_LENGTH_OFFSET = 20;
    public static final int CONSUMER_SLOTS_OFFSET = 24;
    public static final int SLOT_LENGTH_OFFSET = 28;
    public static final int RING_OFFSET_OFFSET = 32;

    /**
     * The slow consumer policy: 0 if the producer waits for every consumer, otherwise the lag in bytes
     * past which the producer evicts a consumer (sets its slot EVICTED) and goes on without it.
     */
    public static final int EVICTION_LAG_OFFSET = 40;

    /**
     * A random non-zero number the creator chose (version 7 on; zero in older files). It tells a file from
     * another created later at the same path, whose positions start at 0 again: a bridge that remembers
     * where it was in a queue keeps this number with that place.
     */
    public static final int CREATION_ID_OFFSET = 48;

    /**
     * The futex word consumers sleep on. Written only by the producer: after a publication that finds
     * {@link #WAKE_WANTED_OFFSET} set, the producer clears it, adds one to the signal and wakes every
     * sleeper.
     */
    public static final int WAKE_SIGNAL_OFFSET = 64;

    /**
     * 1 when some consumer is asleep, or about to sleep, on the wake signal; 0 once the producer has
     * answered. Consumers set it with a plain store (then a full fence), the producer clears it with an
     * atomic exchange, so no reader needs a compare-and-swap; later publications cost the producer
     * nothing until a consumer sets it again.
     */
    public static final int WAKE_WANTED_OFFSET = 72;

    /**
     * The futex word a producer blocked on a full ring sleeps on. A consumer that made room and finds
     * {@link #SPACE_REQUEST_OFFSET} equal to it adds one (compare-and-swap) and wakes the producer.
     */
    public static final int SPACE_SIGNAL_OFFSET = 80;

    /** The space signal value the producer is about to sleep on; written only by the producer. */
    public static final int SPACE_REQUEST_OFFSET = 88;

    /** The space request's value in a new file: equal to no signal a producer could have read yet. */
    public static final int NO_REQUEST = -1;

    /**
     * Position just past the last message the producer published. Written by the producer with an
     * ordered store after each publication; read by consumers that join at {@code LATEST} and by tools.
     */
    public static final int PRODUCER_POSITION_OFFSET = 128;

    /**
     * The earliest position a joining consumer may start at. Only ever increases. Written by the producer
     * with a volatile store before it checks the consumer table; see {@code docs/design.md}.
     */
    public static final int JOIN_POSITION_OFFSET = PRODUCER_POSITION_OFFSET + 8;

    /**
     * Every active consumer is at or past this position, so the producer may overwrite the bytes of any
     * position before it. Written by the producer with an ordered store; read by a producer taking over.
     */
    public static final int RECLAIM_POSITION_OFFSET = JOIN_POSITION_OFFSET + 8;

    /** The process id of the producer that last took the role; for tools and error messages only. */
    public static final int PRODUCER_PID_OFFSET = RECLAIM_POSITION_OFFSET + 8;

    /**
     * The first of the two checkpoint entries: a Position (8 bytes) then a Value (8 bytes). A checkpoint is
     * a value the producer published atomically with one message; its Position is that message's end, so
     * it counts only once that message is committed. The producer writes the entry holding the older
     * checkpoint (Position 0, ordered; Value, plain; Position, ordered), then commits the message, so the
     * newer entry is never torn while it is the one that counts. A producer taking over zeroes an entry
     * whose Position lies past the last committed frame. Position 0 means empty.
     */
    public static final int CHECKPOINT_A_OFFSET = PRODUCER_PID_OFFSET + 8;

    /** The second checkpoint entry, laid out as {@link #CHECKPOINT_A_OFFSET}. */
    public static final int CHECKPOINT_B_OFFSET = CHECKPOINT_A_OFFSET + 16;

    /** Within a checkpoint entry: the end position of the message the checkpoint was published with. */
    public static final int CHECKPOINT_POSITION_OFFSET = 0;

    /** Within a checkpoint entry: the checkpoint itself, a non-negative number the producer's user chose. */
    public static final int CHECKPOINT_VALUE_OFFSET = 8;

    /**
     * The Sources of the two entries, A's then B's (version 7 on; reserved before): a number the producer's
     * user attached with the checkpoint to say where it counts, written like the Value, between the entry's
     * two Position stores. They follow the entries rather than sit in them because version-6 entries are
     * 16 bytes and stay where they were; see {@link #checkpointSourceOffset(int)}.
     */
    public static final int CHECKPOINT_SOURCES_OFFSET = CHECKPOINT_B_OFFSET + 16;

    /**
     * The header takes four 64-byte cache lines: two for the fixed fields, two for the producer's. Offsets
     * are literals, not derived from a library's idea of a cache line: they are the format.
     */
    public static final int HEADER_LENGTH = 256;

    /** The ring starts on a page boundary, after the header and the consumer table. */
    public static final int RING_ALIGNMENT = 4096;

    private HeaderLayout()
    {
    }

    /**
     * @param entry {@link #CHECKPOINT_A_OFFSET} or {@link #CHECKPOINT_B_OFFSET}.
     * @return the header offset of that entry's Source.
     */
    public static int checkpointSourceOffset(final int entry)
    {
        return CHECKPOINT_SOURCES_OFFSET + (entry == CHECKPOINT_A_OFFSET ? 0 : 8);
    }

    /**
     * @return the file offset at which the ring starts for a table of {@code consumerSlots} slots.
     */
    public static int ringOffset(final int consumerSlots)
    {
        final int tableEnd = HEADER_LENGTH + consumerSlots * ConsumerSlotLayout.SLOT_LENGTH;
        return (tableEnd + RING_ALIGNMENT - 1) & -RING_ALIGNMENT;
    }

    /**
     * @return the exact length of a queue file with this geometry.
     */
    public static long fileLength(final int consumerSlots, final int capacity)
    {
        return (long)ringOffset(consumerSlots) + capacity;
    }
}
