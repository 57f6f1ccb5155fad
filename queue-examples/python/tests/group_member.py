"""A Python member of a consumer group in its own process (the Python twin of GroupMemberProcess.java).

Usage: group_member.py FILE GROUP SEED BATCH LOG CAPACITY [MAX_LENGTH]

Joins GROUP (a new group starts at "earliest"), prints ``JOINED slot=S``, then handles its share until a
line ``STOP`` (or the end of input) arrives on stdin, closes and prints ``DONE handled=N``. Each message
starts with its sequence number (i64, little-endian), which is appended to LOG, a HandledLog
(HandledLog.java): an i64 count at offset 0, then that many i64 entries, written through a shared
mapping, the entry before the count, so that a SIGKILL loses nothing stored. SEED ``-`` checks only the
sequence; an integer SEED also checks each body as CheckedMessages.java(SEED, MAX_LENGTH) writes it
(MAX_LENGTH defaults to the queue's largest message less the 8-byte sequence). Prints ``FAILED ...``
and exits 1 on a wrong message.
"""
import mmap
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mmq  # noqa: E402

M64 = (1 << 64) - 1


def mix(z):
    """CheckedMessages.mix: the SplitMix64 finaliser, on unsigned 64-bit values."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class CheckedMessages:
    """CheckedMessages.java: the body of message ``seq`` is derived from ``seq`` and a seed."""

    def __init__(self, seed, max_length):
        self.seed = seed & M64
        self.max_length = max_length

    def length(self, seq):
        h = mix(self.seed ^ ((seq * 0x9E3779B97F4A7C15) & M64))
        kind = h & 15
        if kind == 0:
            return 0
        if kind == 1:
            return self.max_length
        return (h >> 8) % (self.max_length + 1)

    def body(self, seq):
        n = self.length(seq)
        base = mix(self.seed + seq)
        words = []
        for i in range(0, n, 8):
            w = seq if i == 0 and n >= 8 else mix(base + i)
            words.append((w & M64).to_bytes(8, "little"))
        return b"".join(words)[:n]


class HandledLog:
    def __init__(self, path, capacity):
        size = 8 * (capacity + 1)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size < size:
                os.ftruncate(fd, size)
            self.mm = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        finally:
            os.close(fd)  # the mapping keeps the file; this process holds no lock on it
        self.q = memoryview(self.mm).cast("q")
        self.count = self.q[0]

    def append(self, seq):
        self.q[1 + self.count] = seq
        self.count += 1
        self.q[0] = self.count  # after the entry (x86-64 keeps stores in order)


def main():
    path, group, seed, batch, log_path, capacity = sys.argv[1:7]
    log = HandledLog(log_path, int(capacity))
    stop = threading.Event()

    def await_stop():
        for line in sys.stdin:
            if line.strip() == "STOP":
                break
        stop.set()  # STOP, or the parent is gone

    threading.Thread(target=await_stop, daemon=True).start()
    try:
        with mmq.open_group_member(path, group, start="earliest", batch=int(batch)) as member:
            checked = None
            if seed != "-":
                max_length = int(sys.argv[7]) if len(sys.argv) > 7 else member.max_message - 8
                checked = CheckedMessages(int(seed), max_length)
            print("JOINED slot=%d" % member.slot, flush=True)

            def handle(view):
                if len(view) < 8:
                    raise AssertionError("a message of %d bytes has no sequence number" % len(view))
                seq = int.from_bytes(view[:8], "little", signed=True)
                if checked is not None and view[8:] != checked.body(seq):
                    raise AssertionError("message %d: its body differs (%d bytes, expected %d)"
                                         % (seq, len(view) - 8, checked.length(seq)))
                log.append(seq)

            handled = 0
            while not stop.is_set():
                handled += member.poll(handle, 256, timeout=0.05)
        print("DONE handled=%d" % handled, flush=True)
    except Exception as ex:  # report, then fail the process
        print("FAILED %r" % (ex,), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
