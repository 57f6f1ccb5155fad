"""The few Kernel32 calls the Windows reader makes, through ctypes. Loaded only on Windows.

Each method mirrors one Win32 function, with the arguments mmq never varies fixed (default security,
mutex not initially owned, event not initially signalled), exactly as the Java side's ``Kernel32Api``.
Handles are ints, 0 the null handle. Tests run ``_windows.py`` on every OS against a model of these
semantics with the same methods (``tests/fake_kernel32.py``).
"""

import ctypes
from ctypes import wintypes

WAIT_OBJECT_0 = 0x00000000
WAIT_ABANDONED = 0x00000080
WAIT_TIMEOUT = 0x00000102
WAIT_FAILED = 0xFFFFFFFF
ERROR_ALREADY_EXISTS = 183
ERROR_NOT_OWNER = 288


class Kernel32:
    def __init__(self):
        # use_last_error: ctypes saves GetLastError right after each call, per thread, before the
        # interpreter's own calls can overwrite it.
        dll = ctypes.WinDLL("kernel32", use_last_error=True)
        self._create_mutex = _declare(dll.CreateMutexW, wintypes.HANDLE,
                                      wintypes.LPVOID, wintypes.BOOL, wintypes.LPCWSTR)
        self._release_mutex = _declare(dll.ReleaseMutex, wintypes.BOOL, wintypes.HANDLE)
        self._create_event = _declare(dll.CreateEventW, wintypes.HANDLE,
                                      wintypes.LPVOID, wintypes.BOOL, wintypes.BOOL, wintypes.LPCWSTR)
        self._set_event = _declare(dll.SetEvent, wintypes.BOOL, wintypes.HANDLE)
        self._wait = _declare(dll.WaitForSingleObject, wintypes.DWORD, wintypes.HANDLE, wintypes.DWORD)
        self._close_handle = _declare(dll.CloseHandle, wintypes.BOOL, wintypes.HANDLE)
        self._flush = _declare(dll.FlushProcessWriteBuffers, None)

    def create_mutex(self, name):
        """``CreateMutexW(NULL, FALSE, name)``: creates the named mutex, or opens it if it exists."""
        return self._create_mutex(None, False, name) or 0

    def release_mutex(self, handle):
        return bool(self._release_mutex(handle))

    def create_event(self, name, manual_reset):
        """``CreateEventW(NULL, manual_reset, FALSE, name)``: creates or opens the named event."""
        return self._create_event(None, manual_reset, False, name) or 0

    def set_event(self, handle):
        return bool(self._set_event(handle))

    def wait_for_single_object(self, handle, millis):
        return self._wait(handle, millis)

    def close_handle(self, handle):
        return bool(self._close_handle(handle))

    def get_last_error(self):
        """The calling thread's last error, as ctypes saved it after its last call here."""
        return ctypes.get_last_error()

    def flush_process_write_buffers(self):
        """``FlushProcessWriteBuffers``: Microsoft documents that it "flushes the write queue of each
        processor that is running a thread of the current process" (the caller's processor among
        them) and "guarantees the visibility of write operations performed on one processor to the
        other processors", by an inter-processor interrupt. That is the store-load barrier the
        protocol needs: every store before the call is visible to other processes before any load
        after it. kernel32 exports no cheaper one on x64: its Interlocked* integer functions
        (InterlockedIncrement, InterlockedCompareExchange, ...) are compiler intrinsics there, exported
        by the 32-bit x86 kernel32 only."""
        self._flush()


def _declare(function, restype, *argtypes):
    function.restype = restype
    function.argtypes = argtypes
    return function
