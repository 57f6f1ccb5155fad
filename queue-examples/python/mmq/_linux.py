"""Linux x86-64: POSIX record locks, futex wait and wake, and a full memory fence.

:class:`LinuxCoordination` is the Linux implementation of ``_coordination.Coordination``; the module
functions below are the system calls it makes.

Memory-ordering model this package relies on (x86-64, "TSO"):

* Every 4- and 8-byte field of the file is read and written through a native
  ``memoryview`` cast (``'i'``, ``'I'``, ``'q'``). CPython implements an item
  access of such a view as a fixed-size ``memcpy`` to/from a local, which
  gcc/clang compile to ONE aligned ``mov``; an aligned 4/8-byte ``mov`` is
  single-copy atomic on x86-64, so a position is never torn.
* On x86-64 every load is an acquire load and every store a release store, so
  the format's "volatile load", "ordered store" and "plain" accesses need no
  extra instruction. CPython executes each item access as a separate call at
  the C level, so the C compiler cannot reorder two of them either.
* The one reordering x86-64 does is a later load passing an earlier store (the
  store buffer). The format needs a full fence exactly there: after storing a
  slot Position while joining and before loading the Join Position (the
  Dekker pattern in docs/design.md). Python has no fence instruction, so
  :func:`full_fence` makes a system call in which the kernel executes a
  LOCK-prefixed read-modify-write: ``futex(FUTEX_WAKE_OP)`` with
  ``FUTEX_OP_ADD 0`` on a private word of this process. The kernel's
  ``arch_futex_atomic_op_inuser`` performs that add with ``lock xadd``, and on
  x86-64 a locked instruction is a full barrier: all earlier stores (ours
  included: user and kernel run on the same CPU, same store buffer) become
  globally visible before any later load. That is the documented semantics of
  the FUTEX_WAKE_OP atomic operation, not an accident of some lock inside the
  kernel, which is why it is used rather than "any system call".
"""

import ctypes
import ctypes.util
import errno
import fcntl
import os
import platform
import sys
import threading

from ._coordination import Coordination
from .errors import UnsupportedPlatformError

SYS_FUTEX = 202            # x86-64
FUTEX_WAIT = 0
FUTEX_WAKE = 1
FUTEX_WAKE_OP = 5
FUTEX_PRIVATE_FLAG = 128
FUTEX_OP_ADD = 1
FUTEX_OP_OR = 2
FUTEX_OP_CMP_EQ = 0


def check_platform():
    machine = platform.machine().lower()
    if not sys.platform.startswith("linux") or machine not in ("x86_64", "amd64"):
        raise UnsupportedPlatformError(
            "the mmq Python reader supports Linux x86-64 only (this is %s %s): "
            "it relies on x86-64 TSO ordering and the Linux futex system call"
            % (sys.platform, platform.machine()))
    if sys.byteorder != "little":  # pragma: no cover - x86-64 is little-endian
        raise UnsupportedPlatformError("mmq needs a little-endian host")


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


_libc = None
_syscall = None
_fence_word = None
_fence_op = (FUTEX_OP_ADD << 28) | (FUTEX_OP_CMP_EQ << 24) | (0 << 12) | 0


def _init():
    global _libc, _syscall, _fence_word
    if _syscall is not None:
        return
    check_platform()
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    sc = _libc.syscall
    sc.restype = ctypes.c_long
    _fence_word = ctypes.c_int32(0)
    _syscall = sc


def full_fence():
    """A full memory barrier, by way of a kernel ``lock xadd`` (see module doc).

    FUTEX_WAKE_OP(uaddr, nr_wake=0, nr_wake2=0, uaddr2=uaddr, op=ADD 0, cmp EQ 0):
    atomically adds 0 to a word only this process uses, and wakes nobody.
    """
    _init()
    addr = ctypes.addressof(_fence_word)
    r = _syscall(ctypes.c_long(SYS_FUTEX), ctypes.c_void_p(addr),
                 ctypes.c_long(FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG),
                 ctypes.c_long(0), ctypes.c_void_p(0), ctypes.c_void_p(addr),
                 ctypes.c_long(_fence_op))
    if r < 0:  # pragma: no cover - cannot fail on a valid private word
        e = ctypes.get_errno()
        raise OSError(e, "futex(FUTEX_WAKE_OP) fence failed: " + os.strerror(e))


_add_one_op = (FUTEX_OP_ADD << 28) | (FUTEX_OP_CMP_EQ << 24) | (1 << 12) | 0


def add_one_and_wake_all(addr):
    """Atomically add 1 to the shared int at ``addr`` and wake every process sleeping on it.

    One ``FUTEX_WAKE_OP`` on a shared word (uaddr == uaddr2): the kernel performs the add with a locked
    instruction, then wakes up to INT_MAX waiters on the word. This is how a reader without
    compare-and-swap answers a producer's Space Request (docs/format.md, *Sleeping and waking*): an
    unconditional increment is safe there, since any change of the signal wakes the producer and only the
    producer writes the request.
    """
    _init()
    r = _syscall(ctypes.c_long(SYS_FUTEX), ctypes.c_void_p(addr), ctypes.c_long(FUTEX_WAKE_OP),
                 ctypes.c_long(0x7FFFFFFF), ctypes.c_void_p(0), ctypes.c_void_p(addr),
                 ctypes.c_long(_add_one_op))
    if r < 0:  # pragma: no cover - cannot fail on a valid shared word
        e = ctypes.get_errno()
        raise OSError(e, "futex(FUTEX_WAKE_OP) add-and-wake failed: " + os.strerror(e))


_or_one_op = (FUTEX_OP_OR << 28) | (FUTEX_OP_CMP_EQ << 24) | (1 << 12) | 0


def atomic_or_one(addr):
    """Atomically set bit 0 of the shared 32-bit word at ``addr`` (a locked ``or``), waking nobody.

    ``futex(addr, FUTEX_WAKE_OP, 0, 0, addr, FUTEX_OP(FUTEX_OP_OR, 1, FUTEX_OP_CMP_EQ, 0))``: the kernel
    performs the OR with a locked instruction whatever the wake counts, so it is atomic against any
    other process's compare-and-swap of the word (or of the 8-byte field it is the low half of), and a
    full fence. This is how a reader without compare-and-swap sets a consumer group's claim-lock bit
    (docs/format.md, *Consumer groups*, the locked claim).
    """
    _init()
    r = _syscall(ctypes.c_long(SYS_FUTEX), ctypes.c_void_p(addr), ctypes.c_long(FUTEX_WAKE_OP),
                 ctypes.c_long(0), ctypes.c_void_p(0), ctypes.c_void_p(addr),
                 ctypes.c_long(_or_one_op))
    if r < 0:  # pragma: no cover - cannot fail on a valid shared word
        e = ctypes.get_errno()
        raise OSError(e, "futex(FUTEX_WAKE_OP) atomic or failed: " + os.strerror(e))


def futex_wait(addr, expected, timeout):
    """Sleep while the shared 32-bit word at ``addr`` equals ``expected``.

    Shared futex (no FUTEX_PRIVATE_FLAG), so every process mapping the file
    meets on the same word. Returns when woken, when the word differs
    (at once), on a signal, or after ``timeout`` seconds (relative).
    Early and spurious returns are fine: callers re-check.
    """
    _init()
    if timeout is None:
        ts = None
    else:
        timeout = max(0.0, timeout)
        sec = int(timeout)
        ts = _Timespec(sec, int((timeout - sec) * 1e9))
    if expected >= 1 << 31:
        expected -= 1 << 32
    r = _syscall(ctypes.c_long(SYS_FUTEX), ctypes.c_void_p(addr),
                 ctypes.c_long(FUTEX_WAIT), ctypes.c_int(expected),
                 ctypes.byref(ts) if ts is not None else ctypes.c_void_p(0),
                 ctypes.c_void_p(0), ctypes.c_long(0))
    if r < 0:
        e = ctypes.get_errno()
        if e not in (errno.EAGAIN, errno.ETIMEDOUT, errno.EINTR):
            raise OSError(e, "futex(FUTEX_WAIT) failed: " + os.strerror(e))


class LinuxCoordination(Coordination):
    """docs/format.md's locks and sleeps on Linux: record locks on the file, futexes in the mapping.

    ``fd`` is the one descriptor this process keeps open on the file (closing any descriptor of it
    drops all of the process's record locks, see ``_shared.py``); ``base`` the address of the mapping.
    """

    def __init__(self, fd, base):
        _init()
        self._fd = fd
        self._base = base
        # POSIX locks belong to the process: re-taking one the process holds "succeeds". Remember ours,
        # so that they are reported as held (docs/format.md, *Locks*).
        self._held = set()
        self._held_lock = threading.Lock()

    def try_lock(self, lock):
        with self._held_lock:
            if lock.name in self._held:
                return False
            try:
                fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, lock.byte)
            except OSError:  # EACCES / EAGAIN: held by a live process
                return False
            self._held.add(lock.name)
            return True

    def lock(self, lock):
        # Waits in the kernel. Only the slot table lock is taken this way, and consumer.py serialises
        # this process's threads around it, since a record lock does not exclude them from each other.
        fcntl.lockf(self._fd, fcntl.LOCK_EX, 1, lock.byte)
        with self._held_lock:
            self._held.add(lock.name)

    def unlock(self, lock):
        with self._held_lock:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, lock.byte)
            self._held.discard(lock.name)

    def full_fence(self):
        full_fence()

    def wait(self, offset, seen, timeout):
        futex_wait(self._base + offset, seen, timeout)

    def move_on_and_wake(self, offset, seen):
        # An atomic add, not a swap from `seen`: an extra increment by a racing consumer is harmless.
        add_one_and_wake_all(self._base + offset)

    def close(self):
        # The record locks go with the descriptor, which _shared.py closes next.
        with self._held_lock:
            self._held.clear()
