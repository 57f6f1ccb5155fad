"""The Python consumer of the Java-driven cross-language test (CrossLanguageTest).

Checks the messages PatternMessages.java writes: message ``seq`` has a length derived from ``seq``;
from 8 bytes on it starts with ``seq`` (little-endian) and the rest of its bytes are ``seq % 251``;
shorter messages are all ``seq % 251``. Keeps a zlib CRC-32 of all message bytes, compared with the
producer's. Change it together with PatternMessages.java.

Usage: pattern_consumer.py FILE MAX_LENGTH COUNT
Prints JOINED, then DONE received=N crc=C, or FAILED ... and exits 1.
"""
import os
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mmq  # noqa: E402


def main():
    path, max_length, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    patterns = [bytes([b]) * max_length for b in range(251)]
    state = {"next": 0, "crc": 0}

    def check(view):
        seq = state["next"]
        expected = ((seq * 2654435761) & 0xFFFFFFFF) % (max_length + 1)
        n = len(view)
        if n != expected:
            raise AssertionError("message %d: length %d, expected %d" % (seq, n, expected))
        pattern = patterns[seq % 251]
        if n >= 8:
            if int.from_bytes(view[:8], "little") != seq:
                raise AssertionError("expected message %d, got %d"
                                     % (seq, int.from_bytes(view[:8], "little")))
            if view[8:] != pattern[:n - 8]:
                raise AssertionError("message %d: content differs" % seq)
        elif view != pattern[:n]:
            raise AssertionError("message %d: content differs" % seq)
        state["crc"] = zlib.crc32(view, state["crc"])
        state["next"] = seq + 1

    try:
        with mmq.open_consumer(path, start="latest") as consumer:
            print("JOINED", flush=True)
            while state["next"] < count:
                if consumer.poll(check, 1024) == 0:
                    message = consumer.read(timeout=1.0)  # sleeps until something is published
                    if message is not None:
                        check(memoryview(message))
            print("DONE received=%d crc=%d" % (state["next"], state["crc"]), flush=True)
    except Exception as ex:  # report, then fail the process
        print("FAILED %r" % (ex,), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
