/*
 * mmq_read: a reader of mmq queue files (format versions 2 to 7) written from docs/format.md alone.
 *
 * It exists to keep the document honest. It was written by someone who read docs/format.md and none of
 * the Java code, and it must stay that way: when it disagrees with the Java implementation, find out
 * which one the document backs, and fix the document or the Java code; change this file only to follow
 * the document, quoting the section. Never copy a behaviour from the Java code into it.
 * CReaderConformanceTest (queue-examples/src/test/java/io/mmq/examples/conformance) compiles it with
 * gcc -O2 -std=c11 -Wall -Werror and runs it against queues the Java producer writes, live and after the
 * fact, damaged and not, so that the document and the implementation cannot drift apart silently.
 *
 * What it does, section by section of docs/format.md:
 *   - Validating a file before use: every check, in the document's order, before writing anything;
 *   - Joining: takes the slot table lock and a FREE slot with its slot lock (POSIX record locks, Locks),
 *     checks the start against the Producer Position read before and after it, zeroes the slot's fields,
 *     stores Position then State, and settles against the Join Position; it does not reap dead slots
 *     (it fails with "all slots in use" instead, which is safe);
 *   - Reading: every check of step 3 on every frame, an ordered store of its Position after each batch,
 *     and, under an eviction policy, the State check of step 6 (a load-load fence, then a relaxed load);
 *   - Sleeping and waking (consumer side): sleeps on the Wake Signal futex, and wakes a producer asleep
 *     on a full ring after each Position store and after leaving;
 *   - Leaving: under the slot table lock, swaps ACTIVE to FREE (or stores FREE over EVICTED).
 * It holds a slot for all of its reading: the document has no slotless reader (Locks).
 * Linux only (futex); little-endian hosts only, as the document says.
 *
 * Usage: mmq_read [--start earliest|latest] [--follow] [--max N] FILE
 *   --start   where to join: the Join Position (earliest, the default) or the Producer Position (latest)
 *   --follow  at the tail, wait for more instead of stopping; stop at the tail once no process holds the
 *             producer lock, after one was seen holding it (or after 30 s with no producer at all)
 *   --max N   stop after N messages
 *
 * Standard output, one line each:
 *   joined slot=S position=P                     once joined and settled
 *   message position=P length=L crc=C            each message, C its CRC-32 (IEEE, as zlib and Java's
 *                                                java.util.zip.CRC32), in decimal
 *   end position=P messages=N paddings=K         last line after a normal stop (P: where it stopped)
 *   corrupt position=P length=L type=T lap=A expected-lap=E
 *                                                last line when the frame at P fails the checks of Reading
 *                                                step 3; nothing at or after P was delivered
 *   evicted position=P                           last line when its slot is no longer ACTIVE (Reading
 *                                                step 6): every message before P was delivered intact
 * Standard error: one line naming the file for every failure.
 *
 * Exit codes: 0 stopped normally; 1 bad usage or a system call failed; 2 the file was refused (a check
 * of Validating a file before use, a damaged header position, no free slot, the table lock held too
 * long); 3 a corrupt frame; 4 evicted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum
{
    EXIT_OK = 0,
    EXIT_USAGE = 1,
    EXIT_REFUSED = 2,
    EXIT_CORRUPT = 3,
    EXIT_EVICTED = 4
};

/* The header (offset 0, 256 bytes). */
#define HEADER_LENGTH 256
#define H_VERSION 8
#define H_HEADER_LENGTH 12
#define H_CAPACITY 16
#define H_MAX_MESSAGE 20
#define H_SLOTS 24
#define H_SLOT_LENGTH 28
#define H_RING_OFFSET 32
#define H_EVICTION_LAG 40
#define H_CREATION_ID 48
#define H_WAKE_SIGNAL 64
#define H_WAKE_WANTED 72
#define H_SPACE_SIGNAL 80
#define H_SPACE_REQUEST 88
#define H_PRODUCER_POSITION 128
#define H_JOIN_POSITION 136

/* The consumer table (offset 256, 128 bytes a slot). */
#define SLOT_LENGTH 128
#define S_STATE 0
#define S_ORPHANS 4
#define S_POSITION 8
#define S_OWNER_PID 16
#define S_JOINED_AT 24
#define S_NAME_LENGTH 32
#define S_FLAGS 36
#define S_GROUP_SLOT 40
#define S_NAME 48
#define NAME_BYTES 64

#define STATE_FREE 0
#define STATE_ACTIVE 1

/* Frames. */
#define TYPE_MESSAGE 1
#define TYPE_PADDING 2

/* Locks: one byte each, far beyond the end of the file. */
#define LOCK_PRODUCER (INT64_C(1) << 62)
#define LOCK_TABLE (LOCK_PRODUCER + 1)
#define LOCK_SLOT(i) (LOCK_PRODUCER + 64 + (i))

static const char *path = "?";
static int fd = -1;
static uint8_t *map;
static int32_t capacity, max_message, slots, ring_offset;
static int64_t eviction_lag;
static int capacity_bits;
static int slot = -1;

/* Aligned, native (little-endian) loads and stores on the mapping. */
#define A32(offset) ((_Atomic int32_t *)(void *)(map + (offset)))
#define A64(offset) ((_Atomic int64_t *)(void *)(map + (offset)))

static int32_t load32(int64_t offset, memory_order order) { return atomic_load_explicit(A32(offset), order); }
static int64_t load64(int64_t offset, memory_order order) { return atomic_load_explicit(A64(offset), order); }
static void store32(int64_t offset, int32_t value, memory_order order) { atomic_store_explicit(A32(offset), value, order); }
static void store64(int64_t offset, int64_t value, memory_order order) { atomic_store_explicit(A64(offset), value, order); }

static int64_t align8(int64_t n)
{
    return (n + 7) & ~(int64_t)7;
}

static int64_t slot_offset(int i)
{
    return HEADER_LENGTH + (int64_t)i * SLOT_LENGTH;
}

static void fail(int code, const char *format, ...) __attribute__((format(printf, 2, 3), noreturn));

static void fail(int code, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fflush(stdout);
    fprintf(stderr, "mmq_read: %s: ", path);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(code);
}

/* CRC-32 (IEEE 802.3, reflected), as zlib and java.util.zip.CRC32 compute it. */
static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++)
    {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
        {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *bytes, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    while (n--)
    {
        crc = crc_table[(crc ^ *bytes++) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

/* Locks: fcntl F_SETLK with an F_WRLCK lock on one byte, on a descriptor open for reading and writing;
 * every attempt is a try that does not wait. */
static int try_lock(int64_t offset)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = offset, .l_len = 1 };
    if (fcntl(fd, F_SETLK, &lock) == 0)
    {
        return 1;
    }
    if (errno == EACCES || errno == EAGAIN)
    {
        return 0;
    }
    fail(EXIT_USAGE, "fcntl(F_SETLK) at %" PRId64 ": %s", offset, strerror(errno));
}

static void unlock(int64_t offset)
{
    struct flock lock = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = offset, .l_len = 1 };
    if (fcntl(fd, F_SETLK, &lock) != 0)
    {
        fail(EXIT_USAGE, "fcntl(F_SETLK, F_UNLCK) at %" PRId64 ": %s", offset, strerror(errno));
    }
}

/* Whether another process holds the lock, without taking it (F_GETLK). */
static int held_by_another(int64_t offset)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = offset, .l_len = 1 };
    if (fcntl(fd, F_GETLK, &lock) != 0)
    {
        fail(EXIT_USAGE, "fcntl(F_GETLK) at %" PRId64 ": %s", offset, strerror(errno));
    }
    return lock.l_type != F_UNLCK;
}

/* The table lock is tried again after a back-off: a spin, then sleeps growing to 1 ms, for up to 10 s. */
static void lock_table(void)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long attempt = 0; !try_lock(LOCK_TABLE); attempt++)
    {
        if (attempt < 100)
        {
            continue;
        }
        const long micros = attempt < 110 ? 10 * (attempt - 99) : 1000;
        const struct timespec pause = { 0, micros * 1000L };
        nanosleep(&pause, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= 10)
        {
            fail(EXIT_REFUSED, "the slot table lock was held for 10 s");
        }
    }
}

static long futex(void *word, int op, int value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

static int32_t get32(const uint8_t *bytes)
{
    int32_t value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

static int64_t get64(const uint8_t *bytes)
{
    int64_t value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

/* Validating a file before use: in the document's order, naming the field, without writing. */
static void open_queue(void)
{
    fd = open(path, O_RDWR); /* read and write: the locks need it, and a consumer writes its slot */
    if (fd < 0)
    {
        fail(EXIT_REFUSED, "cannot open: %s", strerror(errno));
    }
    struct stat status;
    if (fstat(fd, &status) != 0)
    {
        fail(EXIT_USAGE, "fstat: %s", strerror(errno));
    }
    const int64_t length = status.st_size;
    uint8_t header[HEADER_LENGTH];
    if (length < HEADER_LENGTH)
    {
        fail(EXIT_REFUSED, "the file is %" PRId64 " bytes, shorter than the 256-byte header", length);
    }
    if (pread(fd, header, HEADER_LENGTH, 0) != HEADER_LENGTH)
    {
        fail(EXIT_USAGE, "cannot read the header");
    }
    if (memcmp(header, "MMQUEUE\0", 8) != 0)
    {
        fail(EXIT_REFUSED, "Magic is not MMQUEUE\\0");
    }
    const int32_t version = get32(header + H_VERSION);
    if (version < 2 || version > 7)
    {
        fail(EXIT_REFUSED, "Format Version is %d, not one of 2 to 7", version);
    }
    if (get32(header + H_HEADER_LENGTH) != HEADER_LENGTH)
    {
        fail(EXIT_REFUSED, "Header Length is %d, not 256", get32(header + H_HEADER_LENGTH));
    }
    if (get32(header + H_SLOT_LENGTH) != SLOT_LENGTH)
    {
        fail(EXIT_REFUSED, "Slot Length is %d, not 128", get32(header + H_SLOT_LENGTH));
    }
    capacity = get32(header + H_CAPACITY);
    if (capacity < 4096 || capacity > (1 << 30) || (capacity & (capacity - 1)) != 0)
    {
        fail(EXIT_REFUSED, "Ring Capacity is %d, not a power of two from 4096 to 2^30", capacity);
    }
    max_message = get32(header + H_MAX_MESSAGE);
    if (max_message < 0 || max_message > capacity / 8)
    {
        fail(EXIT_REFUSED, "Max Message Length is %d, not from 0 to %d", max_message, capacity / 8);
    }
    slots = get32(header + H_SLOTS);
    if (slots < 1 || slots > 4096)
    {
        fail(EXIT_REFUSED, "Consumer Slots is %d, not from 1 to 4096", slots);
    }
    ring_offset = get32(header + H_RING_OFFSET);
    const int64_t expected_offset = (HEADER_LENGTH + (int64_t)slots * SLOT_LENGTH + 4095) & ~(int64_t)4095;
    if (ring_offset != expected_offset)
    {
        fail(EXIT_REFUSED, "Ring Offset is %d, not %" PRId64, ring_offset, expected_offset);
    }
    eviction_lag = get64(header + H_EVICTION_LAG);
    const int64_t largest_frame = align8(8 + (int64_t)max_message);
    if (eviction_lag != 0 && (eviction_lag < largest_frame || eviction_lag > capacity))
    {
        fail(EXIT_REFUSED, "Eviction Lag is %" PRId64 ", neither 0 nor from %" PRId64 " to %d", eviction_lag,
             largest_frame, capacity);
    }
    if (version >= 7 && get64(header + H_CREATION_ID) == 0)
    {
        fail(EXIT_REFUSED, "Creation Id is 0 in a version-%d file", version);
    }
    if (length != (int64_t)ring_offset + capacity)
    {
        fail(EXIT_REFUSED, "the file is %" PRId64 " bytes, not Ring Offset + Ring Capacity = %" PRId64, length,
             (int64_t)ring_offset + capacity);
    }
    capacity_bits = __builtin_ctz((unsigned)capacity);
    map = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
    {
        fail(EXIT_USAGE, "mmap: %s", strerror(errno));
    }
}

/* Joining, step 3 (and step 6): a start c, with the Producer Position read before (p0) and after (p1). */
static int healthy_start(int64_t p0, int64_t c, int64_t p1)
{
    return (c & 7) == 0 && 0 <= c && c <= p1 && p0 - c <= capacity;
}

/* Joining (claiming a slot), then settling. Returns the position to read from. */
static int64_t join(int latest)
{
    lock_table();
    for (int i = 0; i < slots && slot < 0; i++)
    {
        if (load32(slot_offset(i) + S_STATE, memory_order_seq_cst) == STATE_FREE && try_lock(LOCK_SLOT(i)))
        {
            slot = i;
        }
    }
    if (slot < 0)
    {
        unlock(LOCK_TABLE);
        fail(EXIT_REFUSED, "all slots in use");
    }
    const int64_t s = slot_offset(slot);
    const int64_t p0 = load64(H_PRODUCER_POSITION, memory_order_seq_cst);
    int64_t c = load64(latest ? H_PRODUCER_POSITION : H_JOIN_POSITION, memory_order_seq_cst);
    const int64_t p1 = load64(H_PRODUCER_POSITION, memory_order_seq_cst);
    if (!healthy_start(p0, c, p1))
    {
        unlock(LOCK_SLOT(slot));
        unlock(LOCK_TABLE);
        fail(EXIT_REFUSED, "damaged header: start %" PRId64 " with Producer Position %" PRId64 " before and %" PRId64
             " after", c, p0, p1);
    }
    for (int k = 0; k < NAME_BYTES; k += 8)
    {
        store64(s + S_NAME + k, 0, memory_order_relaxed);
    }
    store32(s + S_NAME_LENGTH, 0, memory_order_relaxed);
    store32(s + S_FLAGS, 0, memory_order_relaxed);
    store32(s + S_ORPHANS, 0, memory_order_relaxed);
    store32(s + S_GROUP_SLOT, 0, memory_order_relaxed);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    store64(s + S_OWNER_PID, (int64_t)getpid(), memory_order_relaxed);
    store64(s + S_JOINED_AT, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, memory_order_relaxed);
    store64(s + S_POSITION, c, memory_order_seq_cst);
    store32(s + S_STATE, STATE_ACTIVE, memory_order_seq_cst);
    unlock(LOCK_TABLE);
    /* Settle: no frame is read before the Join Position read after the slot went ACTIVE is at or below c. */
    for (;;)
    {
        const int64_t q0 = load64(H_PRODUCER_POSITION, memory_order_seq_cst);
        const int64_t j = load64(H_JOIN_POSITION, memory_order_seq_cst);
        const int64_t q1 = load64(H_PRODUCER_POSITION, memory_order_seq_cst);
        if (!healthy_start(q0, j, q1))
        {
            fail(EXIT_REFUSED, "damaged header: Join Position %" PRId64 " with Producer Position %" PRId64
                 " before and %" PRId64 " after", j, q0, q1);
        }
        if (j <= c)
        {
            return c;
        }
        c = j;
        store64(s + S_POSITION, c, memory_order_seq_cst);
    }
}

/* Sleeping and waking, consumer side: answer a producer asleep on a full ring. */
static void wake_producer(void)
{
    atomic_thread_fence(memory_order_seq_cst);
    int32_t request = load32(H_SPACE_REQUEST, memory_order_seq_cst);
    if (request == load32(H_SPACE_SIGNAL, memory_order_seq_cst)
        && atomic_compare_exchange_strong(A32(H_SPACE_SIGNAL), &request, request + 1))
    {
        futex(map + H_SPACE_SIGNAL, FUTEX_WAKE, INT_MAX, NULL);
    }
}

/* Leaving: under the table lock, the new State (FREE: an anonymous consumer), then the slot lock. */
static void leave(void)
{
    if (slot < 0)
    {
        return;
    }
    lock_table();
    int32_t active = STATE_ACTIVE;
    if (!atomic_compare_exchange_strong(A32(slot_offset(slot) + S_STATE), &active, STATE_FREE))
    {
        store32(slot_offset(slot) + S_STATE, STATE_FREE, memory_order_seq_cst); /* it was EVICTED */
    }
    unlock(LOCK_SLOT(slot));
    unlock(LOCK_TABLE);
    slot = -1;
    wake_producer();
}

/* Sleeping and waking, consumer side: sleep until the Wake Signal moves, the frame at frame_offset (a
 * file offset) is committed, or 100 ms pass. */
static void sleep_for(int64_t frame_offset)
{
    const int32_t signal = load32(H_WAKE_SIGNAL, memory_order_seq_cst);
    store32(H_WAKE_WANTED, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (load32(frame_offset, memory_order_seq_cst) != 0)
    {
        return;
    }
    const struct timespec timeout = { 0, 100 * 1000000L };
    futex(map + H_WAKE_SIGNAL, FUTEX_WAIT, signal, &timeout); /* shared: no FUTEX_PRIVATE_FLAG */
}

/* Reading, step 6: whether the slot is lost (normally EVICTED). A load-load fence first, so that the
 * message's loads before it cannot pass the State load, then the State. Only under an eviction policy. */
static int lost_slot(void)
{
    if (eviction_lag == 0)
    {
        return 0;
    }
    atomic_thread_fence(memory_order_acquire);
    return load32(slot_offset(slot) + S_STATE, memory_order_relaxed) != STATE_ACTIVE;
}

static int usage(void)
{
    fprintf(stderr, "usage: mmq_read [--start earliest|latest] [--follow] [--max N] FILE\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    int latest = 0;
    int follow = 0;
    long long max = -1;
    const char *file = NULL;
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--start") && i + 1 < argc && (!strcmp(argv[i + 1], "earliest") || !strcmp(argv[i + 1], "latest")))
        {
            latest = !strcmp(argv[++i], "latest");
        }
        else if (!strcmp(argv[i], "--follow"))
        {
            follow = 1;
        }
        else if (!strcmp(argv[i], "--max") && i + 1 < argc)
        {
            max = atoll(argv[++i]);
        }
        else if (argv[i][0] != '-' && file == NULL)
        {
            file = argv[i];
        }
        else
        {
            return usage();
        }
    }
    if (file == NULL)
    {
        return usage();
    }
    path = file;
    crc_init();
    open_queue();

    int64_t p = join(latest);
    printf("joined slot=%d position=%" PRId64 "\n", slot, p);
    const int64_t slot_position = slot_offset(slot) + S_POSITION;
    const int64_t mask = capacity - 1;
    uint8_t *message = malloc((size_t)max_message + 1);
    int64_t stored = p;
    long long messages = 0;
    long long paddings = 0;
    int producer_seen = 0;
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    int code = EXIT_OK;

    for (;;)
    {
        /* One poll: check the State before its first frame, read up to 256 frames, store the Position. */
        if (lost_slot())
        {
            code = EXIT_EVICTED;
            break;
        }
        int frames = 0;
        for (; frames < 256 && !(max >= 0 && messages >= max); frames++)
        {
            /* Reading, steps 1 to 5. */
            const int64_t offset = p & mask;
            const int64_t frame = ring_offset + offset;
            const int32_t length = load32(frame, memory_order_acquire);
            if (length == 0)
            {
                break;
            }
            const uint32_t word = (uint32_t)load32(frame + 4, memory_order_relaxed);
            const uint32_t type = word & 0xFF;
            const uint32_t lap = word >> 8;
            const uint32_t expected_lap = (uint32_t)((p >> capacity_bits) & 0xFFFFFF);
            int valid = lap == expected_lap;
            if (valid && type == TYPE_MESSAGE)
            {
                valid = 8 <= length && length <= 8 + max_message && offset + align8(length) <= capacity;
            }
            else if (valid && type == TYPE_PADDING)
            {
                valid = length == capacity - offset;
            }
            else
            {
                valid = 0;
            }
            if (!valid)
            {
                if (lost_slot())
                {
                    code = EXIT_EVICTED;
                    goto stop;
                }
                printf("corrupt position=%" PRId64 " length=%d type=%u lap=%u expected-lap=%u\n", p, length, type,
                       lap, expected_lap);
                fflush(stdout);
                fprintf(stderr, "mmq_read: %s: corrupt frame at position %" PRId64 " (length %d, type %u, lap %u,"
                        " expected lap %u)\n", path, p, length, type, lap, expected_lap);
                code = EXIT_CORRUPT;
                goto stop;
            }
            if (type == TYPE_MESSAGE)
            {
                const size_t bytes = (size_t)length - 8;
                memcpy(message, map + frame + 8, bytes);
                if (lost_slot())
                {
                    code = EXIT_EVICTED; /* this message may have been overwritten while it was copied */
                    goto stop;
                }
                printf("message position=%" PRId64 " length=%zu crc=%" PRIu32 "\n", p, bytes, crc32(message, bytes));
                messages++;
            }
            else
            {
                paddings++;
            }
            p += align8(length);
        }
        if (p != stored)
        {
            store64(slot_position, p, memory_order_release);
            stored = p;
            wake_producer();
        }
        if (max >= 0 && messages >= max)
        {
            break;
        }
        if (frames > 0)
        {
            continue;
        }
        /* Nothing at p. */
        if (!follow)
        {
            break;
        }
        if (held_by_another(LOCK_PRODUCER))
        {
            producer_seen = 1;
        }
        else
        {
            /* No producer: a last look at the frame, read after the lock was seen free. */
            if (load32(ring_offset + (p & mask), memory_order_acquire) != 0)
            {
                continue;
            }
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (producer_seen || now.tv_sec - started.tv_sec >= 30)
            {
                break;
            }
        }
        fflush(stdout);
        sleep_for(ring_offset + (p & mask));
    }
stop:
    if (code == EXIT_EVICTED)
    {
        printf("evicted position=%" PRId64 "\n", p);
        fflush(stdout);
        fprintf(stderr, "mmq_read: %s: evicted; every message before position %" PRId64 " was delivered\n", path, p);
    }
    else if (code == EXIT_OK)
    {
        printf("end position=%" PRId64 " messages=%lld paddings=%lld\n", p, messages, paddings);
    }
    if (fflush(stdout) != 0)
    {
        fail(EXIT_USAGE, "standard output: %s", strerror(errno));
    }
    leave();
    free(message);
    return code;
}
