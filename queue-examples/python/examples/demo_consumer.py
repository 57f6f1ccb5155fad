"""The Python consumer of `mmq demo`: reads the demo's messages next to the Java consumers.

Each message starts with a sequence number (int64), the publisher's System.nanoTime() (int64, the same
CLOCK_MONOTONIC as time.monotonic_ns() on Linux) and a phase (int32: 0 throughput, 1 latency, 2 end).
Prints the demo's protocol lines: JOINED, PROGRESS received=N lag=L, then SUMMARY ... (or FAILED ...).

Usage: demo_consumer.py QUEUE_FILE
"""
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

    with mmq.open_consumer(sys.argv[1], start="latest") as consumer:
        print("JOINED slot=%d" % consumer.slot, flush=True)
        next_report = time.monotonic() + 0.2
        while not state["ended"] and state["failure"] is None:
            if consumer.poll(on_message, 1024) == 0:
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
            if not latencies:
                return 0.0
            return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] / 1000.0

        seconds = ((state["last"] or 0) - (state["first"] or 0)) / 1e9
        print("SUMMARY slot=%d received=%d throughput=%.0f p50=%.1f p90=%.1f p99=%.1f p999=%.1f p9999=%.1f "
              "max=%.1f file=-" % (consumer.slot, state["expected"],
                                   state["throughput"] / seconds if seconds > 0 else 0.0,
                                   micros(0.5), micros(0.9), micros(0.99), micros(0.999), micros(0.9999),
                                   latencies[-1] / 1000.0 if latencies else 0.0), flush=True)


if __name__ == "__main__":
    main()
