"""Which hosts the reader runs on, and the platform half of the protocol (``Coordination``) for each.

Linux x86-64 and Windows x86-64. Both are little-endian with x86-64's TSO ordering, which the reader
relies on for its plain loads and stores (README.md, *Platform and memory ordering*); each has what the
locks and sleeps need: record locks and futexes on Linux, named mutexes and events on Windows.
"""

import platform
import sys

from .errors import UnsupportedPlatformError

_X86_64 = ("x86_64", "amd64")


def is_windows():
    return sys.platform == "win32"


def check_platform():
    machine = platform.machine().lower()
    supported = sys.platform.startswith("linux") or is_windows()
    if not supported or machine not in _X86_64:
        raise UnsupportedPlatformError(
            "the mmq Python reader supports Linux and Windows on x86-64 only (this is %s %s): it "
            "relies on x86-64 TSO ordering, and on futexes (Linux) or named mutexes and events "
            "(Windows)" % (sys.platform, platform.machine()))
    if sys.byteorder != "little":  # pragma: no cover - x86-64 is little-endian
        raise UnsupportedPlatformError("mmq needs a little-endian host")


def open_coordination(path, shared_file):
    """The Coordination of this host for the queue file at ``path``, mapped as ``shared_file``."""
    check_platform()
    if is_windows():
        from . import _kernel32, _windows, _winnames
        return _windows.WindowsCoordination(
            _kernel32.Kernel32(), _winnames.prefix_for(path), shared_file.i32, path)
    from . import _linux
    return _linux.LinuxCoordination(shared_file.fd, shared_file.base)
