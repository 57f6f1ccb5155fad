"""A Python consumer that waits for one message asleep in the kernel (the Python twin of queue-mmap's
SleepingConsumerProcess). Its sleeps are not cut short to re-check, and its timeout is far longer than
any test waits, so only the producer's wake-up can deliver the message in time. The message starts with
the publisher's monotonic clock in nanoseconds (Java's System.nanoTime(), the same clock on one kernel).

Usage: sleeping_consumer.py FILE       (the Python reader must be on PYTHONPATH)
Prints JOINED, then RECEIVED micros=M (publish to receipt) or TIMEOUT.
"""
import sys
import time

import mmq


def main():
    with mmq.open_consumer(sys.argv[1], start="latest") as consumer:
        consumer._sleep = 120.0  # no periodic re-check, as in the reader's own wake-up test
        print("JOINED", flush=True)
        message = consumer.read(timeout=120)
        if message is None:
            print("TIMEOUT", flush=True)
        else:
            sent = int.from_bytes(message[:8], "little")
            print("RECEIVED micros=%d" % ((time.monotonic_ns() - sent) // 1000), flush=True)


if __name__ == "__main__":
    main()
