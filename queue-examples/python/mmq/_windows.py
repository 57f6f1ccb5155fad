"""Windows: named mutexes for the locks, named events for the sleeps (docs/format.md, *Windows objects*).

The Windows implementation of ``_coordination.Coordination``, the same design as the Java side's
``WindowsMutexLocks`` and ``WindowsEventWakeSignal`` (queue-mmap, ``io.mmq.mmap.os.windows``), over any
object with the methods of ``_kernel32.Kernel32``: the real one on Windows, a model of it in the tests.

**Locks.** Each lock is the named mutex ``<prefix>-<lock>``, tried with ``WaitForSingleObject(h, 0)``:
``WAIT_OBJECT_0`` and ``WAIT_ABANDONED`` (its holder died holding it; the caller owns it now) both mean
taken, ``WAIT_TIMEOUT`` that a live process holds it. A Windows mutex belongs to the *thread* that took
it, and is abandoned when that thread ends; a consumer's slot lock must live as long as the consumer,
whichever threads use it. So every mutex call for one file runs on one keeper thread that lives as long
as the locks, and the mutexes are abandoned only when the process dies, as record locks are released on
Linux. A mutex is also recursive for its owner: the keeper remembers what it holds and reports those
locks as held, never taking one twice.

**Sleeping and waking.** A sleeper that saw signal value ``v`` opens the manual-reset event
``<prefix>-wake-<v>`` (or ``-space-<v>``), *then* reads the signal again, and waits only if it still
reads ``v``. Whoever moves the signal on from ``v`` opens the same event and sets it. Opening before
re-reading is what loses no wake-up: either the sleeper sees the new value, or the waker's ``SetEvent``
finds the sleeper's event.

**Space wake-ups without an atomic.** Consumers answer a producer asleep on a full ring by moving the
Space Signal on from the request (Java: compare-and-swap). kernel32 exports no atomic add or
compare-and-swap on x64, and Python has none, so this reader *stores* request + 1 and sets the event of
the request. Two consumers storing the same value change nothing; the one race that matters is a
consumer whose store lands late, after the signal has moved on further, moving it back. Then the
producer's request and the signal differ, no consumer wakes it, and it sleeps out its 100 ms (the
producer never sleeps longer before looking again, docs/format.md), then re-reads the signal: a delay,
never a loss, and never worse than skipping the wake-up, which the format allows.
"""

import concurrent.futures
import math
import queue
import threading
import time

from . import _layout as L
from ._coordination import Coordination
from .errors import MmqError

WAIT_OBJECT_0 = 0x00000000
WAIT_ABANDONED = 0x00000080
WAIT_TIMEOUT = 0x00000102

# The Java side's ConsumerSlots waits this long for the slot table lock before it gives up.
TABLE_LOCK_TIMEOUT = 10.0
_SIGNAL_NAMES = {L.OFF_WAKE_SIGNAL: "wake", L.OFF_SPACE_SIGNAL: "space"}


class WindowsCoordination(Coordination):
    """``Coordination`` for one queue file on Windows.

    ``kernel32``: the Kernel32 calls (``_kernel32.Kernel32`` or a model); ``prefix``: the file's object
    name prefix (``_winnames.prefix_for``); ``i32``: the mapping as 32-bit integers, to re-read a
    signal; ``path``: the file, for messages.
    """

    def __init__(self, kernel32, prefix, i32, path):
        self._k = kernel32
        self._prefix = prefix
        self._i32 = i32
        self._path = path
        self._held = {}   # lock name -> mutex handle; touched only on the keeper thread
        self._keeper = _Keeper("mmq-mutex-keeper " + prefix)

    # ------------------------------------------------------------------ locks

    def try_lock(self, lock):
        return self._keeper.call(lambda: self._try_on_keeper(lock),
                                 undo=lambda: self._release_on_keeper(lock))

    def lock(self, lock):
        # A try with back-off, as the Java side does: WaitForSingleObject with a timeout would hold the
        # keeper, and with it every other lock call of this file, for as long as it waits.
        deadline = time.monotonic() + TABLE_LOCK_TIMEOUT
        pause = 0.0001
        while not self.try_lock(lock):
            if time.monotonic() >= deadline:
                raise MmqError("%s: the %s lock has been held by another process for %.0f s; is a "
                               "process stuck while joining?" % (self._path, lock.name,
                                                                 TABLE_LOCK_TIMEOUT))
            time.sleep(pause)
            pause = min(pause * 2, 0.001)

    def unlock(self, lock):
        self._keeper.call(lambda: self._release_on_keeper(lock))

    def _try_on_keeper(self, lock):
        if lock.name in self._held:
            return False   # ours already; taking it again would only count up the recursion
        name = self._prefix + "-" + lock.name
        handle = self._k.create_mutex(name)
        if not handle:
            raise MmqError("%s: could not open the named mutex %s (Windows error %d)"
                           % (self._path, name, self._k.get_last_error()))
        result = self._k.wait_for_single_object(handle, 0)
        if result in (WAIT_OBJECT_0, WAIT_ABANDONED):
            self._held[lock.name] = handle
            return True
        error = self._k.get_last_error()
        self._k.close_handle(handle)
        if result == WAIT_TIMEOUT:
            return False
        raise MmqError("%s: could not try the named mutex %s (wait result %#x, Windows error %d)"
                       % (self._path, name, result, error))

    def _release_on_keeper(self, lock):
        handle = self._held.pop(lock.name, None)
        if handle is None:
            raise MmqError("%s: the %s lock is not held by this process" % (self._path, lock.name))
        self._release_handle(lock.name, handle)

    def _release_handle(self, lock_name, handle):
        released = self._k.release_mutex(handle)
        error = 0 if released else self._k.get_last_error()
        self._k.close_handle(handle)
        if not released:
            raise MmqError("%s: could not release the named mutex %s-%s (Windows error %d)"
                           % (self._path, self._prefix, lock_name, error))

    def close(self):
        """Releases every mutex still held and ends the keeper thread."""
        if self._keeper.stopped:
            return

        def release_all():
            held, self._held = self._held, {}
            for name, handle in held.items():
                self._release_handle(name, handle)

        try:
            self._keeper.call(release_all)
        finally:
            self._keeper.stop()

    # ------------------------------------------------------------------ fence

    def full_fence(self):
        self._k.flush_process_write_buffers()   # see _kernel32.Kernel32.flush_process_write_buffers

    # ------------------------------------------------------------------ sleeping and waking

    def _event_name(self, offset, value):
        return "%s-%s-%d" % (self._prefix, _SIGNAL_NAMES[offset], value & 0xFFFFFFFF)

    def wait(self, offset, seen, timeout):
        event = self._k.create_event(self._event_name(offset, seen), True)
        if not event:
            # No event to sleep on (out of handles?): a short nap keeps the caller's re-check loop cheap.
            time.sleep(min(timeout, 0.001))
            return
        try:
            if self._i32[offset >> 2] == seen:   # re-read only now that the event is open
                self._k.wait_for_single_object(event, _millis(timeout))
        finally:
            self._k.close_handle(event)

    def move_on_and_wake(self, offset, seen):
        # A plain store, not a compare-and-swap (none exists here): see the module doc for the race.
        self._i32[offset >> 2] = _wrap32(seen + 1)
        self.full_fence()   # the new value visible before the event is set, as Java's volatile store
        event = self._k.create_event(self._event_name(offset, seen), True)
        if event:
            self._k.set_event(event)
            self._k.close_handle(event)


class _Keeper:
    """One daemon thread on which every mutex call for one file runs, for as long as the locks live."""

    def __init__(self, name):
        self._calls = queue.SimpleQueue()
        self.stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            item = self._calls.get()
            if item is None:
                return
            call, done = item
            if done.set_running_or_notify_cancel():
                try:
                    done.set_result(call())
                except BaseException as e:  # handed to the caller
                    done.set_exception(e)

    def call(self, call, undo=None):
        """Runs ``call`` on the keeper and returns its result.

        The caller waits through KeyboardInterrupt: a mutex the keeper took must reach its caller, or
        be given back (``undo``, when ``call`` returned True), before the interrupt goes on.
        """
        if self.stopped:
            raise MmqError("the mutex keeper %s has stopped: the queue was closed" % self._thread.name)
        done = concurrent.futures.Future()
        self._calls.put((call, done))
        interrupted = None
        while True:
            try:
                result = done.result()
                break
            except KeyboardInterrupt as e:
                interrupted = e
        if interrupted is not None:
            if result is True and undo is not None:
                self.call(undo)
            raise interrupted
        return result

    def stop(self):
        self.stopped = True
        self._calls.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join()


def _millis(seconds):
    """Rounded up, so that a short wait still waits; capped below INFINITE."""
    return min(0x7FFFFFFF, max(0, math.ceil(seconds * 1000)))


def _wrap32(value):
    """``value`` as a signed 32-bit integer, wrapping around as the signals do."""
    return (value + 0x80000000) % 0x100000000 - 0x80000000
