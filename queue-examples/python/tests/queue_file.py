"""Queue files written by the tests themselves, for tests that must run without Java (those of the
Windows reader over the Kernel32 model): a new, empty file exactly as docs/format.md describes one, and
a stand-in producer that publishes and wakes as the Java producer does."""

import mmap
import struct

from mmq import _layout as L


def create_queue(path, capacity=4096, slots=4, max_message=512):
    """A new version-4 queue file: every byte zero except the fixed fields; Space Request -1."""
    ring_offset = L.round_up(L.SLOT_TABLE_OFFSET + slots * L.SLOT_LENGTH, L.PAGE)
    data = bytearray(ring_offset + capacity)
    data[0:8] = L.MAGIC
    struct.pack_into("<7i", data, L.OFF_VERSION, 4, L.HEADER_LENGTH, capacity, max_message, slots,
                     L.SLOT_LENGTH, ring_offset)
    struct.pack_into("<i", data, L.OFF_SPACE_REQUEST, -1)
    with open(path, "wb") as f:
        f.write(data)
    return path


class StandInProducer:
    """Publishes messages into a queue file and wakes sleepers through a Coordination, as the Java
    producer does (docs/format.md, *Publishing* and *Sleeping and waking*). No room checks: tests
    publish less than a ring."""

    def __init__(self, path, coordination):
        self._file = open(path, "r+b")
        self._mm = mmap.mmap(self._file.fileno(), 0)
        self._i32 = memoryview(self._mm).cast("i")
        self._i64 = memoryview(self._mm).cast("q")
        self._coordination = coordination
        (self._capacity, _, _, _, self._ring) = struct.unpack_from("<5i", self._mm, L.OFF_CAPACITY)

    def publish(self, message):
        p = self._i64[L.OFF_PRODUCER_POSITION >> 3]
        at = self._ring + (p & (self._capacity - 1))
        lap = p >> (self._capacity.bit_length() - 1)
        self._mm[at + 8:at + 8 + len(message)] = message
        self._i32[(at >> 2) + 1] = L.TYPE_MESSAGE | ((lap & 0xFFFFFF) << 8)
        self._i32[at >> 2] = 8 + len(message)                    # the commit
        self._i64[L.OFF_PRODUCER_POSITION >> 3] = p + L.align8(8 + len(message))
        self._coordination.full_fence()
        if self._i32[L.OFF_WAKE_WANTED >> 2] == 1:              # (Java: an atomic exchange)
            self._i32[L.OFF_WAKE_WANTED >> 2] = 0
            self._coordination.move_on_and_wake(L.OFF_WAKE_SIGNAL, self._i32[L.OFF_WAKE_SIGNAL >> 2])

    def ask_for_space(self):
        """What the producer does before sleeping on a full ring: Space Request = Space Signal."""
        s = self._i32[L.OFF_SPACE_SIGNAL >> 2]
        self._i32[L.OFF_SPACE_REQUEST >> 2] = s
        self._coordination.full_fence()
        return s

    def signal(self, offset):
        return self._i32[offset >> 2]

    def slot_state(self, slot, state=None):
        idx = (L.SLOT_TABLE_OFFSET + slot * L.SLOT_LENGTH + L.SLOT_STATE) >> 2
        if state is not None:
            self._i32[idx] = state
        return self._i32[idx]

    def close(self):
        self._i32.release()
        self._i64.release()
        self._mm.close()
        self._file.close()
