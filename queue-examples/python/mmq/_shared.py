"""One descriptor and one mapping per queue file per process.

POSIX record locks belong to the process, and closing *any* descriptor of a
file drops every lock the process holds on it (docs/format.md, *Locks*). So a
process must never open-and-close a queue file while one of its consumers
holds a slot. Two traps in Python:

* a second consumer of the same file in the same process must not open its own
  descriptor and close it later: all consumers of one file share one
  :class:`SharedFile` (descriptor + mapping), closed with the last of them;
* ``mmap.mmap(fd, ...)`` *duplicates* the descriptor and closes the duplicate
  in ``mmap.close()`` (and when the object is garbage-collected), before
  Python 3.13's ``trackfd=False``. The mapping is therefore shared too and
  closed only when no consumer of the file is left; if user code still holds
  a buffer export of it (so it cannot be closed), it is kept alive for the
  rest of the process rather than let the garbage collector close its
  descriptor at some random later time.

POSIX locks also do not exclude threads of one process from each other, so the
slot-table sections are additionally serialised by a ``threading`` lock, and
the slots this process holds are remembered: for this process, taking the lock
of a slot it already holds "succeeds", which must not be read as "dead".

On Windows none of the descriptor traps exist (the locks are named mutexes, see
``_windows.py``), but one descriptor and one mapping per file is still what the
reader keeps. There the file is opened with ``os.open``, which asks Windows for
``FILE_SHARE_READ | FILE_SHARE_WRITE`` (the C runtime's ``_SH_DENYNO``): Java's
handles, which share read, write and delete, can open it alongside, but while
this process holds it open nobody can delete it (its mapping forbids that too).
``O_BINARY`` keeps the C runtime from translating the header bytes it reads.
"""

import ctypes
import mmap
import os
import threading

from . import _layout as L
from . import _platform

# Linux: O_RDWR | O_CLOEXEC, as ever. Windows has no O_CLOEXEC (CPython adds O_NOINHERIT itself) and
# needs O_BINARY.
_OPEN_FLAGS = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)

_registry = {}
_registry_lock = threading.Lock()
_kept_alive = []   # mappings that could not be closed (see module doc)


class SharedFile:
    def __init__(self, path, key, fd, geo):
        self.path = path
        self.key = key
        self.fd = fd
        self.geo = geo
        self.refs = 0
        self.extra_fds = []
        self.held = set()
        self.table_mutex = threading.Lock()
        self.mm = _map(fd, geo.file_length)
        anchor = ctypes.c_char.from_buffer(self.mm)
        self.base = ctypes.addressof(anchor)
        del anchor  # the address stays valid while self.mm is open (never resized)
        self.buf = memoryview(self.mm)
        self.i32 = self.buf.cast("i")
        self.u32 = self.buf.cast("I")
        self.i64 = self.buf.cast("q")
        self.ro = self.buf.toreadonly()   # what handlers get slices of
        try:
            self.coord = _platform.open_coordination(path, self)
        except BaseException:
            self._unmap()
            raise

    def _close(self):
        try:
            self.coord.close()
        finally:
            self._unmap()
            for fd in [self.fd] + self.extra_fds:
                os.close(fd)

    def _unmap(self):
        for name in ("ro", "i32", "u32", "i64", "buf"):
            getattr(self, name).release()
        try:
            self.mm.close()
        except BufferError:
            _kept_alive.append(self.mm)


def _map(fd, length):
    """A shared, writable mapping of the whole file."""
    if _platform.is_windows():
        # tagname=None: a mapping of the file itself, with no name of its own. Every process that maps
        # the file sees the same pages (Windows keeps views of one file coherent on a local disk), as
        # Java's FileChannel.map does; a named mapping would add nothing but a name to clash on.
        return mmap.mmap(fd, length, tagname=None, access=mmap.ACCESS_WRITE)
    try:
        return mmap.mmap(fd, length, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE,
                         trackfd=False)
    except TypeError:  # Python < 3.13: the mapping holds a dup of fd
        return mmap.mmap(fd, length, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)


def acquire(path):
    """The process's SharedFile for ``path``, validated, with one more reference."""
    path = os.fspath(path)
    with _registry_lock:
        st = os.stat(path)
        key = (st.st_dev, st.st_ino)
        sf = _registry.get(key)
        if sf is None:
            fd = os.open(path, _OPEN_FLAGS)
            st2 = os.fstat(fd)
            key2 = (st2.st_dev, st2.st_ino)
            if key2 != key and key2 in _registry:
                # The name was replaced between stat and open by a file this
                # process already uses: never close a descriptor of it.
                sf = _registry[key2]
                sf.extra_fds.append(fd)
            else:
                try:
                    geo = L.validate(path, fd)
                    sf = SharedFile(path, key2, fd, geo)
                except BaseException:
                    os.close(fd)  # no consumer of ours holds a lock on it
                    raise
                _registry[key2] = sf
        else:
            # Already validated and mapped; bytes 0..63 never change after creation.
            pass
        sf.refs += 1
        return sf


def release(sf):
    with _registry_lock:
        sf.refs -= 1
        if sf.refs == 0:
            del _registry[sf.key]
            sf._close()
