"""An in-memory model of the Kernel32 semantics the Windows reader relies on, so that ``mmq/_windows.py``
runs and is tested on every OS. The Python twin of the Java side's ``FakeWindows`` (queue-mmap tests).

One :class:`FakeWindows` is one machine's (one session's) namespace of named kernel objects; each
:class:`FakeProcess` is a process on it with its own handle table, and has the methods of
``mmq._kernel32.Kernel32`` for the threads that run "in" it. Modelled, after Microsoft's documentation
of CreateMutexW, ReleaseMutex, CreateEventW, SetEvent, WaitForSingleObject and CloseHandle:

* a name denotes one object machine-wide while any handle to it is open; a create call on an existing
  name opens it and sets ERROR_ALREADY_EXISTS; the last close destroys it; a name held by an object of
  another type fails with ERROR_INVALID_HANDLE;
* a mutex is owned by a thread, recursively (each successful wait by the owner counts once more, and
  needs one more release); ReleaseMutex by another thread fails with ERROR_NOT_OWNER;
* a mutex whose owner thread ends, or whose owner process is killed, is abandoned: the next wait gets
  WAIT_ABANDONED and ownership;
* an auto-reset event releases one wait and resets itself; a manual-reset event stays signalled and
  releases every wait;
* a wait that cannot be satisfied in time returns WAIT_TIMEOUT; a bad handle, WAIT_FAILED with
  ERROR_INVALID_HANDLE;
* FlushProcessWriteBuffers is counted, so tests can see where fences are issued.

Not modelled: security, handle inheritance, other object types, alertable waits.
"""

import threading
import time

WAIT_OBJECT_0 = 0x00000000
WAIT_ABANDONED = 0x00000080
WAIT_TIMEOUT = 0x00000102
WAIT_FAILED = 0xFFFFFFFF
ERROR_INVALID_HANDLE = 6
ERROR_ALREADY_EXISTS = 183
ERROR_NOT_OWNER = 288

# How often blocked waits look for owner threads that ended, which Windows notices at once.
_DEAD_OWNER_CHECK = 0.002


class ProcessKilled(Exception):
    """A thread of a killed process made a call: on Windows it would not exist any more."""


class _Object:
    def __init__(self, name):
        self.name = name
        self.handles = 0


class _Mutex(_Object):
    def __init__(self, name):
        super().__init__(name)
        self.owner_process = None
        self.owner_thread = None
        self.recursion = 0
        self.abandoned = False

    def abandon(self):
        self.owner_process = None
        self.owner_thread = None
        self.recursion = 0
        self.abandoned = True


class _Event(_Object):
    def __init__(self, name, manual_reset):
        super().__init__(name)
        self.manual_reset = manual_reset
        self.signalled = False


class FakeWindows:
    """One machine: the namespace of named objects, shared by every process on it."""

    def __init__(self):
        self._namespace = {}
        self._changed = threading.Condition()
        self._next_handle = 4

    def start_process(self, name):
        return FakeProcess(self, name)

    def named_object_count(self):
        with self._changed:
            return len(self._namespace)

    def handles_of(self, name):
        """How many handles are open to the named object, in all processes; 0 if it does not exist."""
        with self._changed:
            obj = self._namespace.get(name)
            return 0 if obj is None else obj.handles

    def mutex_owner(self, name):
        """The thread that owns the named mutex, or None."""
        with self._changed:
            obj = self._namespace.get(name)
            return obj.owner_thread if isinstance(obj, _Mutex) else None


class FakeProcess:
    """A process: a handle table, a per-thread last error, and a way to die."""

    def __init__(self, machine, name):
        self._machine = machine
        self._name = name
        self._handles = {}
        self._last_error = threading.local()
        self._killed = False
        self.fences = 0
        # Test hooks, called (outside the machine's lock) right after an event is opened and right
        # before a wait starts, to run another process's steps at the worst moment.
        self.after_create_event = None
        self.before_wait = None

    def __repr__(self):
        return "<FakeProcess %s>" % self._name

    # ------------------------------------------------------------------ the Kernel32 methods

    def create_mutex(self, name):
        return self._open(name, _Mutex, lambda: _Mutex(name))

    def create_event(self, name, manual_reset):
        handle = self._open(name, _Event, lambda: _Event(name, manual_reset))
        hook = self.after_create_event
        if hook is not None:
            hook(name)
        return handle

    def release_mutex(self, handle):
        m = self._machine
        with m._changed:
            self._check_alive()
            obj = self._handles.get(handle)
            if not isinstance(obj, _Mutex):
                self._last_error.value = ERROR_INVALID_HANDLE
                return False
            if obj.owner_thread is not threading.current_thread() or obj.owner_process is not self:
                self._last_error.value = ERROR_NOT_OWNER
                return False
            obj.recursion -= 1
            if obj.recursion == 0:
                obj.owner_thread = None
                obj.owner_process = None
                m._changed.notify_all()
            return True

    def set_event(self, handle):
        m = self._machine
        with m._changed:
            self._check_alive()
            obj = self._handles.get(handle)
            if not isinstance(obj, _Event):
                self._last_error.value = ERROR_INVALID_HANDLE
                return False
            obj.signalled = True
            m._changed.notify_all()
            return True

    def wait_for_single_object(self, handle, millis):
        hook = self.before_wait
        if hook is not None:
            hook(handle)
        deadline = time.monotonic() + millis / 1000.0
        m = self._machine
        with m._changed:
            self._check_alive()
            obj = self._handles.get(handle)
            if obj is None:
                self._last_error.value = ERROR_INVALID_HANDLE
                return WAIT_FAILED
            while True:
                result = self._try_acquire(obj) if isinstance(obj, _Mutex) else self._try_consume(obj)
                if result != WAIT_TIMEOUT:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    return WAIT_TIMEOUT
                m._changed.wait(min(left, _DEAD_OWNER_CHECK))
                self._check_alive()

    def close_handle(self, handle):
        m = self._machine
        with m._changed:
            obj = self._handles.pop(handle, None)
            if obj is None:
                self._last_error.value = ERROR_INVALID_HANDLE
                return False
            obj.handles -= 1
            if obj.handles == 0:
                del m._namespace[obj.name]
            return True

    def get_last_error(self):
        return getattr(self._last_error, "value", 0)

    def flush_process_write_buffers(self):
        with self._machine._changed:
            self._check_alive()
            self.fences += 1

    # ------------------------------------------------------------------ the model's own

    def kill(self):
        """TerminateProcess: every mutex its threads own is abandoned and every handle it has is
        closed. Its threads may run on in the test, but every call they make fails."""
        m = self._machine
        with m._changed:
            self._killed = True
            for obj in list(m._namespace.values()):
                if isinstance(obj, _Mutex) and obj.owner_process is self:
                    obj.abandon()
            for handle in list(self._handles):
                self.close_handle(handle)
            m._changed.notify_all()

    def open_handle_count(self):
        with self._machine._changed:
            return len(self._handles)

    def _open(self, name, kind, create):
        m = self._machine
        with m._changed:
            self._check_alive()
            obj = m._namespace.get(name)
            if obj is None:
                obj = create()
                m._namespace[name] = obj
                self._last_error.value = 0
            elif not isinstance(obj, kind):
                self._last_error.value = ERROR_INVALID_HANDLE
                return 0
            else:
                self._last_error.value = ERROR_ALREADY_EXISTS
            obj.handles += 1
            handle = m._next_handle
            m._next_handle += 4
            self._handles[handle] = obj
            return handle

    def _try_acquire(self, mutex):
        me = threading.current_thread()
        if mutex.owner_thread is me and mutex.owner_process is self:
            mutex.recursion += 1
            return WAIT_OBJECT_0
        if mutex.owner_thread is not None and not mutex.owner_thread.is_alive():
            mutex.abandon()
        if mutex.owner_thread is not None:
            return WAIT_TIMEOUT
        mutex.owner_thread = me
        mutex.owner_process = self
        mutex.recursion = 1
        was_abandoned, mutex.abandoned = mutex.abandoned, False
        return WAIT_ABANDONED if was_abandoned else WAIT_OBJECT_0

    @staticmethod
    def _try_consume(event):
        if not event.signalled:
            return WAIT_TIMEOUT
        if not event.manual_reset:
            event.signalled = False
        return WAIT_OBJECT_0

    def _check_alive(self):
        if self._killed:
            raise ProcessKilled("process %s was killed" % self._name)
