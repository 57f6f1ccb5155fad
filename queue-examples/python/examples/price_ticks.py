#!/usr/bin/env python3
"""Read the price ticks a Java producer publishes and decode them with struct (mmq example java-to-python).

    python3 price_ticks.py QUEUE_FILE [--show-every N]

Start the Java side first (it creates the queue and waits for this reader):
    ./mmq example java-to-python producer

A tick is 44 bytes, little-endian, laid out by io.mmq.examples.samples.javatopython.Tick:

     0  int64    sequence number, from 0
     8  int64    time, milliseconds since the epoch
    16  char[8]  symbol, ASCII, padded with spaces
    24  float64  bid price
    32  float64  ask price
    40  int32    size (shares)

An empty message ends the stream. At the end this prints the totals of what it decoded, in the same
form as the producer, so the two can be compared.
"""
import argparse
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mmq  # noqa: E402

TICK = struct.Struct("<qq8sddi")


def describe(seq, millis, symbol, bid, ask, size):
    """One tick as one line, exactly as the Java producer prints it."""
    clock = time.strftime("%H:%M:%S", time.gmtime(millis // 1000)) + ".%03d" % (millis % 1000)
    return "tick %d  %s  %s  bid %.2f  ask %.2f  size %d" % (
        seq, clock, symbol.decode("ascii").strip(), bid, ask, size)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queue")
    ap.add_argument("--show-every", type=int, default=2000, help="print every n-th tick")
    args = ap.parse_args()

    try:
        return read_ticks(args.queue, args.show_every)
    except (mmq.MmqError, OSError) as e:
        print("price_ticks.py: %s" % e, file=sys.stderr)
        return 2


def read_ticks(queue, show_every):
    ticks = bid_cents = ask_cents = shares = 0
    with mmq.open_consumer(queue, start="latest") as consumer:
        print("joined %s as consumer %d" % (queue, consumer.slot), flush=True)
        while True:
            message = consumer.read(timeout=10.0)  # the next message (bytes), asleep until it comes
            if message is None:
                print("no tick for 10 s: is the producer still running?", file=sys.stderr)
                return 1
            if not message:  # an empty message: the producer has no more
                break
            seq, millis, symbol, bid, ask, size = TICK.unpack(message)
            if seq != ticks:
                print("expected tick %d but read tick %d" % (ticks, seq), file=sys.stderr)
                return 1
            ticks += 1
            bid_cents += round(bid * 100)
            ask_cents += round(ask * 100)
            shares += size
            if seq % show_every == 0:
                print("decoded " + describe(seq, millis, symbol, bid, ask, size), flush=True)

    print("totals: ticks=%d bid_cents=%d ask_cents=%d size=%d" % (ticks, bid_cents, ask_cents, shares), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
