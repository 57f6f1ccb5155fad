"""What the consumer protocol needs from the operating system, as one small interface.

docs/format.md leaves four things to the platform, and consumer.py asks for nothing else:

* the process locks of *Locks* (producer, slot table, one per consumer slot), which the operating
  system releases when their holder dies;
* sleeping on a signal word of the header until it moves on, and waking its sleepers
  (*Sleeping and waking*);
* a full fence where a reader's store must be visible before its next load;
* the consumers' answer to a producer asleep on a full ring: move the Space Signal on and wake it.

Linux does these with POSIX record locks and futexes (``_linux.py``), Windows with named mutexes and
named events (``_windows.py``). Each implementation serves one queue file in one process.
"""

import abc

from . import _layout as L


class LockId:
    """One of a queue file's process locks: its name in Windows object names and its POSIX byte.

    Both come from docs/format.md: *Locks* gives the byte far beyond the end of the file that a record
    lock covers, *Windows objects* the ``<object>`` part of the named mutex.
    """

    __slots__ = ("name", "byte")

    def __init__(self, name, byte):
        self.name = name
        self.byte = byte

    @staticmethod
    def producer():
        return LockId("producer", L.LOCK_PRODUCER)

    @staticmethod
    def table():
        return LockId("table", L.LOCK_SLOT_TABLE)

    @staticmethod
    def slot(i):
        return LockId("slot-%d" % i, L.LOCK_SLOT_BASE + i)

    @staticmethod
    def group_claim(g):
        """The claim lock of the group whose GROUP slot is ``g`` (*Consumer groups*, the locked claim)."""
        return LockId("group-%d" % g, L.LOCK_GROUP_CLAIM_BASE + g)

    def __eq__(self, other):
        return isinstance(other, LockId) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return "LockId(%s)" % self.name


class Coordination(abc.ABC):
    """The platform's half of the protocol for one queue file in this process."""

    @abc.abstractmethod
    def try_lock(self, lock):
        """Take ``lock`` without waiting: True if taken, False if a live process holds it.

        A lock whose holder died is free: taking it is how a reaper learns of the death. A lock this
        process already holds is reported as held (False), to every thread: docs/format.md, *Locks*.
        """

    @abc.abstractmethod
    def lock(self, lock):
        """Take ``lock``, waiting while another process holds it (the slot table lock)."""

    @abc.abstractmethod
    def unlock(self, lock):
        """Release a lock this process holds."""

    @abc.abstractmethod
    def full_fence(self):
        """A store-load barrier: every store before it is visible to other processes before any load
        after it (the Dekker pattern of joining and sleeping, docs/design.md)."""

    @abc.abstractmethod
    def wait(self, offset, seen, timeout):
        """Sleep at most ``timeout`` seconds while the header's 32-bit signal at ``offset`` reads
        ``seen`` (signed, as the ``i32`` view gives it). Returns at once if it already moved on; may
        return early or spuriously: callers re-check."""

    @abc.abstractmethod
    def move_on_and_wake(self, offset, seen):
        """Move the signal at ``offset`` on from ``seen`` (its value when the caller compared it) and
        wake every sleeper on it: the consumers' answer to a Space Request."""

    @abc.abstractmethod
    def close(self):
        """Release every lock this process still holds on the file and stop any helper; idempotent."""
