"""The names of a queue file's Windows kernel objects (docs/format.md, *Windows objects*).

    <namespace>\\mmq-<digest>-<object>

Every process that opens the file must compute the same names, or they would not share locks. The Java
side computes them in ``WindowsObjectNames``; this module follows it rule for rule:

* ``namespace`` is ``Local`` unless the environment variable ``MMQ_WINDOWS_NAMESPACE`` says ``Global``
  (Java: the system property ``mmq.windows.namespace``); every process on a queue must use the same.
* ``digest`` is the first 32 hex digits of the SHA-256 of the file's real path, lower-cased, in UTF-8.
  The real path is what Java's ``Path.toRealPath`` gives on Windows (see :func:`java_real_path`).
"""

import hashlib
import os
import stat

from .errors import MmqError

NAMESPACE_VARIABLE = "MMQ_WINDOWS_NAMESPACE"
_NAMESPACES = ("Local", "Global")


def prefix_for(path):
    """The common prefix of the file's object names, e.g. ``Local\\mmq-0123...cdef``."""
    namespace = os.environ.get(NAMESPACE_VARIABLE, "Local")
    if namespace not in _NAMESPACES:
        raise MmqError("%s: %s must be Local or Global (as every process on the queue uses), not %r"
                       % (path, NAMESPACE_VARIABLE, namespace))
    try:
        real = java_real_path(path)
    except OSError as e:
        raise MmqError("%s: could not resolve the real path that names its Windows objects: %s"
                       % (path, e)) from e
    return prefix_for_real_path(namespace, real)


def prefix_for_real_path(namespace, real_path):
    """The prefix for an already resolved real path (Java: ``WindowsObjectNames.prefixFor``)."""
    # Java lower-cases with Locale.ROOT: Unicode's default full case mapping, context-sensitive final
    # sigma included, which is what str.lower() does too.
    digest = hashlib.sha256(real_path.lower().encode("utf-8")).hexdigest()
    return "%s\\mmq-%s" % (namespace, digest[:32])


def java_real_path(path, pathmod=os.path, is_reparse_point=None, final_path=None, long_path=None):
    """The real path of ``path`` as Java's ``toRealPath`` gives it on Windows.

    The JDK (``sun.nio.fs.WindowsLinkSupport.getRealPath``) makes the path absolute and normal, then
    walks its components; only if one of them is a reparse point (a symbolic link or a junction) does
    it return the final path, ``GetFinalPathNameByHandle`` without its ``\\\\?\\`` prefix, which is
    what ``os.path.realpath`` gives. Otherwise the path keeps its drive: a ``subst`` or mapped drive
    letter stays as it is, where ``os.path.realpath`` would resolve it. The JDK also takes each
    component's name from the directory, which turns a short 8.3 name into the long one (a temporary
    directory is often given as ``C:\\Users\\RUNNER~1\\...``); ``GetLongPathNameW`` does the same
    here. (The directory's case of each name is not copied: the digest is of the lower-cased path.)

    ``pathmod``, ``is_reparse_point``, ``final_path`` and ``long_path`` are for tests, which run on any
    OS.
    """
    is_reparse_point = is_reparse_point or _is_reparse_point
    final_path = final_path or os.path.realpath
    long_path = long_path or _long_path
    absolute = long_path(pathmod.normpath(pathmod.abspath(path)))
    drive, rest = pathmod.splitdrive(absolute)
    current = drive + pathmod.sep
    for part in [p for p in rest.split(pathmod.sep) if p]:
        current = pathmod.join(current, part)
        if is_reparse_point(current):
            return final_path(absolute)
    if len(drive) == 2 and drive[1] == ":":
        absolute = drive.upper() + rest   # the JDK upper-cases the drive letter
    return absolute


def _is_reparse_point(path):
    attributes = getattr(os.lstat(path), "st_file_attributes", 0)  # Windows only
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400))


def _long_path(path):
    """``path`` with every short 8.3 component replaced by its long name (Windows only)."""
    if os.name != "nt":
        return path
    import ctypes
    from ctypes import wintypes
    get_long = ctypes.WinDLL("kernel32", use_last_error=True).GetLongPathNameW
    get_long.restype = wintypes.DWORD
    get_long.argtypes = (wintypes.LPCWSTR, wintypes.LPWSTR, wintypes.DWORD)
    size = 512
    while True:
        buffer = ctypes.create_unicode_buffer(size)
        n = get_long(path, buffer, size)
        if n == 0:
            raise ctypes.WinError(ctypes.get_last_error())
        if n < size:
            return buffer.value
        size = n   # too small: n is the size needed, its terminating NUL included
