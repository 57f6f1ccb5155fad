#!/usr/bin/env python3
"""Print each message of an mmq queue as it arrives (a Python `mmq tail`).

    python3 examples/tail.py QUEUE_FILE [--from earliest|latest] [--count N] [--timeout S]

--from takes either case (EARLIEST, as `mmq tail` writes it, works too).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mmq  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queue")
    ap.add_argument("--from", dest="start", default="latest", type=str.lower, choices=["latest", "earliest"],
                    help="where a new consumer starts, in either case (default: latest)")
    ap.add_argument("--count", type=int, default=None, help="stop after N messages")
    ap.add_argument("--timeout", type=float, default=None,
                    help="stop when no message arrives for this many seconds")
    args = ap.parse_args()
    try:
        with mmq.open_consumer(args.queue, start=args.start) as c:
            n = 0
            while args.count is None or n < args.count:
                msg = c.read(timeout=args.timeout)
                if msg is None:
                    break
                sys.stdout.write(msg.decode("utf-8", errors="replace") + "\n")
                sys.stdout.flush()
                n += 1
    except (mmq.MmqError, OSError) as e:
        print("tail.py: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
