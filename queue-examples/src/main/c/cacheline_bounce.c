/*
 * The floor for a cross-process round trip: two processes bounce one cache line, nothing else.
 *
 * The parent stores an odd number into a shared line and spins until the child, spinning on the same
 * line, answers with the next even number; the time of each round trip (CLOCK_MONOTONIC, the clock
 * behind Java's System.nanoTime) is kept. No queue, no message, no system call: what any shared-memory
 * transport between two processes pays at least.
 *
 * Usage: cacheline_bounce WARMUP ROUNDS OUTFILE
 * Writes ROUNDS round-trip times in nanoseconds to OUTFILE as little-endian unsigned 32-bit integers.
 * `mmq bench` compiles it with gcc -O2 and reads the file into an HdrHistogram.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t now_nanos(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void await_value(volatile uint64_t *line, uint64_t value)
{
    while (__atomic_load_n(line, __ATOMIC_ACQUIRE) != value)
    {
        /* spin: no pause instruction, this is the floor */
    }
}

int main(int argc, char **argv)
{
    if (argc != 4)
    {
        fprintf(stderr, "usage: %s WARMUP ROUNDS OUTFILE\n", argv[0]);
        return 2;
    }
    const uint64_t warmup = strtoull(argv[1], NULL, 10);
    const uint64_t rounds = strtoull(argv[2], NULL, 10);
    const uint64_t total = warmup + rounds;

    /* One page shared by parent and child; the counter is its first cache line. */
    volatile uint64_t *line = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint32_t *samples = malloc(rounds * sizeof(uint32_t) + 1);
    if (line == MAP_FAILED || samples == NULL)
    {
        perror("cacheline_bounce: memory");
        return 1;
    }

    const pid_t child = fork();
    if (child < 0)
    {
        perror("cacheline_bounce: fork");
        return 1;
    }
    if (child == 0)
    {
        for (uint64_t i = 0; i < total; i++)
        {
            await_value(line, 2 * i + 1);
            __atomic_store_n(line, 2 * i + 2, __ATOMIC_RELEASE);
        }
        _exit(0);
    }

    for (uint64_t i = 0; i < total; i++)
    {
        const uint64_t start = now_nanos();
        __atomic_store_n(line, 2 * i + 1, __ATOMIC_RELEASE);
        await_value(line, 2 * i + 2);
        const uint64_t elapsed = now_nanos() - start;
        if (i >= warmup)
        {
            samples[i - warmup] = elapsed > UINT32_MAX ? UINT32_MAX : (uint32_t)elapsed;
        }
    }
    waitpid(child, NULL, 0);

    FILE *out = fopen(argv[3], "wb");
    if (out == NULL || fwrite(samples, sizeof(uint32_t), rounds, out) != rounds || fclose(out) != 0)
    {
        perror(argv[3]);
        return 1;
    }
    return 0;
}
