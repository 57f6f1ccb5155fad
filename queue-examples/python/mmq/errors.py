"""Exceptions raised by the mmq Python reader.

Every exception the package raises on purpose derives from :class:`MmqError`.
Operating-system errors that have nothing to do with the queue format (the file
does not exist, permission denied) propagate as the usual :class:`OSError`.
"""


class MmqError(Exception):
    """Base class of every mmq error."""


class UnsupportedPlatformError(MmqError):
    """The reader relies on x86-64 (TSO memory ordering) under Linux (futexes, record locks) or
    Windows (named mutexes and events)."""


class ClosedError(MmqError):
    """The consumer was used after :meth:`Consumer.close`."""


class QueueBusyError(MmqError):
    """Every consumer slot of the queue is held: by a live consumer, or by a named consumer or group that
    keeps its place while away (``mmq delete-consumer`` frees one)."""

    def __init__(self, path, slots):
        self.path = str(path)
        self.slots = slots
        super().__init__(
            "%s: all %d consumer slots are in use, by live consumers or by named consumers or groups that keep "
            "their place while away (mmq delete-consumer frees one)" % (self.path, slots))


class QueueFormatError(MmqError):
    """The file is not a valid mmq queue, or part of it is damaged.

    ``path`` names the file and ``field`` the field (as docs/format.md names it)
    whose value was refused.
    """

    def __init__(self, path, field, detail):
        self.path = str(path)
        self.field = field
        self.detail = detail
        super().__init__("%s: %s: %s" % (self.path, field, detail))


class UnsupportedVersionError(QueueFormatError):
    """The file's Format Version is not one this reader knows."""

    def __init__(self, path, version, supported):
        self.version = version
        self.supported = supported
        super().__init__(
            path, "Format Version",
            "version %d is not supported (this reader knows %s)"
            % (version, ", ".join(str(v) for v in supported)))


class CorruptFrameError(QueueFormatError):
    """A frame in the ring failed the checks of *Reading* step 3.

    The consumer does not move past it: polling again raises again.
    ``position`` is the stream position of the refused frame.
    """

    def __init__(self, path, position, field, detail):
        self.position = position
        super().__init__(path, field, "frame at position %d: %s" % (position, detail))


class ConsumerEvictedError(MmqError):
    """The producer evicted this consumer for falling too far behind.

    The queue was created with an eviction lag (docs/format.md, *Eviction*).
    Every message before ``position`` was delivered intact; from ``position``
    on, the consumer missed messages. A message handed to the handler in the
    poll that raises this starts at ``position`` and may have been overwritten
    while the handler read it: treat it as not delivered. Close the consumer
    and open a new one to go on.
    """

    def __init__(self, path, slot, eviction_lag, position):
        self.path = path
        self.slot = slot
        self.position = position
        super().__init__(
            "%s: the consumer in slot %d was evicted for lagging more than %d bytes behind "
            "the producer; it has every message before position %d and missed those from "
            "there on. Close it and open a new consumer to go on."
            % (path, slot, eviction_lag, position))


class ConsumerNameTakenError(MmqError):
    """A named consumer is open in a live process: a name has one holder at a time."""

    def __init__(self, path, name, pid):
        self.path = str(path)
        self.name = name
        self.pid = pid
        super().__init__(
            "%s: the consumer named %s is open in a live process (pid %d); a name has one "
            "holder at a time" % (self.path, _shown(name), pid))


class ConsumerLappedError(MmqError):
    """A named consumer came back after the producer had reused bytes it had not read.

    Raised once, by the first poll after it returned; the consumer stays open
    and the next poll delivers from ``resumes_at``. The messages from
    ``missed_from`` up to ``resumes_at`` are lost to it.
    """

    def __init__(self, path, name, missed_from, resumes_at):
        self.path = str(path)
        self.name = name
        self.missed_from = missed_from
        self.resumes_at = resumes_at
        super().__init__(
            "%s: the consumer named %s was lapped while away: it missed the messages from "
            "position %d to %d (%d bytes) and goes on from %d"
            % (self.path, _shown(name), missed_from, resumes_at, resumes_at - missed_from, resumes_at))


def _shown(name):
    """A consumer or group name as the Java side shows it: its text in single quotes."""
    text = name.decode("utf-8", "replace") if isinstance(name, (bytes, bytearray)) else str(name)
    return "'%s'" % text
