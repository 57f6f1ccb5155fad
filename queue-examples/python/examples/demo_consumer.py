"""The Python consumer of `mmq demo`: reads the demo's messages next to the Java consumers.

Each message starts with a sequence number (int64), the publisher's System.nanoTime() (int64, the same
CLOCK_MONOTONIC as time.monotonic_ns() on Linux) and a phase (int32: 0 throughput, 1 latency, 2 end).
Prints the demo's protocol lines: JOINED, PROGRESS received=N lag=L, then SUMMARY ... (or FAILED ...).
With a results directory, the latency distribution also goes there as an HdrHistogram percentile file
(latency-consumer-SLOT-python.hgrm, microseconds), beside the Java consumers' files.

Waiting for messages: `blocking` (the default) sleeps in the kernel until the producer wakes it;
`busy-spin` polls without pause, for a machine with a core to spare for it.

Usage: demo_consumer.py QUEUE_FILE [RESULTS_DIRECTORY [blocking|busy-spin]]
"""
import bisect
import math
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mmq  # noqa: E402

HEADER = struct.Struct("<qqi")


def main():
    state = {"expected": 0, "first": None, "last": None, "throughput": 0, "ended": False, "failure": None}
    latencies = []

    def on_message(view):
        now = time.monotonic_ns()
        seq, sent_at, phase = HEADER.unpack_from(view)
        if seq != state["expected"] and state["failure"] is None:
            state["failure"] = "expected message %d but received %d" % (state["expected"], seq)
        state["expected"] = seq + 1
        if phase == 0:
            if state["first"] is None:
                state["first"] = now
            state["last"] = now
            state["throughput"] += 1
        elif phase == 1:
            latencies.append(max(0, now - sent_at))
        else:
            state["ended"] = True

    idle = sys.argv[3] if len(sys.argv) > 3 else "blocking"
    if idle not in ("blocking", "busy-spin"):
        sys.exit("the idle mode must be blocking or busy-spin: %s" % idle)
    with mmq.open_consumer(sys.argv[1], start="latest") as consumer:
        print("JOINED slot=%d" % consumer.slot, flush=True)
        next_report = time.monotonic() + 0.2
        while not state["ended"] and state["failure"] is None:
            if consumer.poll(on_message, 1024) == 0 and idle == "blocking":
                message = consumer.read(timeout=0.2)
                if message is not None:
                    on_message(memoryview(message))
            if time.monotonic() >= next_report:
                next_report = time.monotonic() + 0.2
                print("PROGRESS received=%d lag=%d" % (state["expected"], consumer.lag), flush=True)
        if state["failure"] is not None:
            print("FAILED " + state["failure"], flush=True)
            sys.exit(1)
        latencies.sort()

        def micros(fraction):
            return value_at(latencies, fraction) / 1000.0

        percentiles = "-"
        if len(sys.argv) > 2:
            os.makedirs(sys.argv[2], exist_ok=True)
            percentiles = os.path.join(sys.argv[2], "latency-consumer-%d-python.hgrm" % consumer.slot)
            with open(percentiles, "w") as out:
                write_percentiles(latencies, out)
        seconds = ((state["last"] or 0) - (state["first"] or 0)) / 1e9
        print("SUMMARY slot=%d received=%d throughput=%.0f p50=%.1f p90=%.1f p99=%.1f p999=%.1f p9999=%.1f "
              "max=%.1f file=%s" % (consumer.slot, state["expected"],
                                   state["throughput"] / seconds if seconds > 0 else 0.0,
                                   micros(0.5), micros(0.9), micros(0.99), micros(0.999), micros(0.9999),
                                   latencies[-1] / 1000.0 if latencies else 0.0, percentiles), flush=True)


def value_at(ordered, fraction):
    """The least value that at least `fraction` of the values are at or below, as HdrHistogram defines it."""
    if not ordered:
        return 0
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def write_percentiles(ordered, out):
    """Writes nanosecond values as HdrHistogram's percentile distribution text, in microseconds, at the
    percentiles its Java histograms report (five steps per halving of what is left), so that the same tools
    read and plot it. The values are exact, not HdrHistogram's buckets."""
    out.write("%12s %14s %10s %14s\n\n" % ("Value", "Percentile", "TotalCount", "1/(1-Percentile)"))
    count = len(ordered)
    level = 0.0
    while count:
        value = value_at(ordered, level / 100.0)
        at_or_below = bisect.bisect_right(ordered, value)
        if at_or_below == count:
            out.write("%12.3f %2.12f %10d\n" % (value / 1000.0, 1.0, count))
            break
        out.write("%12.3f %2.12f %10d %14.2f\n" % (value / 1000.0, level / 100.0, at_or_below,
                                                  1.0 / (1.0 - level / 100.0)))
        ticks = 5 * 2 ** (int(math.log2(100.0 / (100.0 - level))) + 1)
        level += 100.0 / ticks
    mean = sum(ordered) / count / 1000.0 if count else 0.0
    deviation = math.sqrt(sum((v / 1000.0 - mean) ** 2 for v in ordered) / count) if count else 0.0
    out.write("#[Mean    = %12.3f, StdDeviation   = %12.3f]\n" % (mean, deviation))
    out.write("#[Max     = %12.3f, Total count    = %12d]\n" % (ordered[-1] / 1000.0 if count else 0.0, count))


if __name__ == "__main__":
    main()
