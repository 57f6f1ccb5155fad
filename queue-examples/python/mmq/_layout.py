"""docs/format.md (format version 7, which also reads versions 2 to 6) as constants, plus header validation."""

import os
import struct

from .errors import QueueFormatError, UnsupportedVersionError

SUPPORTED_VERSIONS = (2, 3, 4, 5, 6, 7)
NAMED_CONSUMERS_VERSION = 4
CONSUMER_GROUPS_VERSION = 5
CREATION_ID_VERSION = 7
NO_CREATION_ID = 0

MAGIC = b"MMQUEUE\0"
HEADER_LENGTH = 256
SLOT_LENGTH = 128
MIN_CAPACITY = 4096
MAX_CAPACITY = 1 << 30
MAX_SLOTS = 4096
PAGE = 4096

# Header byte offsets.
OFF_MAGIC = 0
OFF_VERSION = 8
OFF_HEADER_LENGTH = 12
OFF_CAPACITY = 16
OFF_MAX_MESSAGE = 20
OFF_SLOTS = 24
OFF_SLOT_LENGTH = 28
OFF_RING_OFFSET = 32
OFF_EVICTION_LAG = 40
OFF_CREATION_ID = 48
OFF_WAKE_SIGNAL = 64
OFF_WAKE_WANTED = 72
OFF_SPACE_SIGNAL = 80
OFF_SPACE_REQUEST = 88
OFF_PRODUCER_POSITION = 128
OFF_JOIN_POSITION = 136
OFF_RECLAIM_POSITION = 144
OFF_PRODUCER_PID = 152

# Consumer slot: byte offsets inside a slot.
SLOT_TABLE_OFFSET = 256
SLOT_STATE = 0
SLOT_ORPHANS = 4        # GROUP slot: its count of ORPHANED slots
SLOT_POSITION = 8       # GROUP slot: the Cursor; MEMBER / ORPHANED: where the claim resumes, or NO_CLAIM
SLOT_OWNER_PID = 16
SLOT_JOINED_AT = 24
STATE_FREE = 0
STATE_ACTIVE = 1
STATE_EVICTED = 2
STATE_DORMANT = 3
STATE_LAPPED = 4
STATE_GROUP = 5
STATE_MEMBER = 6
STATE_ORPHANED = 7
SLOT_NAME_LENGTH = 32
SLOT_FLAGS = 36
SLOT_GROUP_SLOT = 40    # MEMBER / ORPHANED slot: the index of its group's GROUP slot
SLOT_NAME = 48
SLOT_CLAIM_END = 112    # MEMBER / ORPHANED slot: where its claim ends
NO_CLAIM = -1           # a MEMBER's Position while it has no claim
CURSOR_LOCKED_BIT = 1   # bit 0 of a Cursor: a member claims under the group claim lock
MAX_NAME = 64
FLAG_LAP_WHEN_ABSENT = 1

# Frames.
FRAME_HEADER = 8
TYPE_MESSAGE = 1
TYPE_PADDING = 2

# Locks (bytes far beyond the end of the file).
LOCK_PRODUCER = 1 << 62
LOCK_SLOT_TABLE = (1 << 62) + 1
LOCK_SLOT_BASE = (1 << 62) + 64
LOCK_GROUP_CLAIM_BASE = (1 << 62) + 8192


def round_up(n, to):
    return (n + to - 1) // to * to


def align8(n):
    return (n + 7) & ~7


class Geometry:
    """The immutable part of a validated header."""

    __slots__ = ("version", "capacity", "max_message", "slots", "ring_offset",
                 "eviction_lag", "creation_id", "file_length", "mask", "shift")

    def __init__(self, version, capacity, max_message, slots, ring_offset, eviction_lag=0,
                 creation_id=NO_CREATION_ID):
        self.version = version
        self.creation_id = creation_id
        self.eviction_lag = eviction_lag
        self.capacity = capacity
        self.max_message = max_message
        self.slots = slots
        self.ring_offset = ring_offset
        self.file_length = ring_offset + capacity
        self.mask = capacity - 1
        self.shift = capacity.bit_length() - 1


def _read_at(fd, n, offset):
    """Up to ``n`` bytes at ``offset``: pread where there is one; Windows has none, and there the
    descriptor is this process's own, not yet shared, so moving its offset harms nothing."""
    if hasattr(os, "pread"):
        return os.pread(fd, n, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, n)


def validate(path, fd):
    """*Validating a file before use*, in the document's order, writing nothing.

    Reads from ``fd`` (never opens or closes the file: closing any
    descriptor of it would drop this process's POSIX locks on it).
    """
    length = os.fstat(fd).st_size
    # 1. at least 256 bytes
    if length < HEADER_LENGTH:
        raise QueueFormatError(
            path, "file length",
            "%d bytes, shorter than the 256-byte header: not a queue (or truncated)" % length)
    header = _read_at(fd, HEADER_LENGTH, 0)
    if len(header) < HEADER_LENGTH:
        raise QueueFormatError(path, "file length", "could not read the 256-byte header")
    # 2. magic
    if header[0:8] != MAGIC:
        raise QueueFormatError(
            path, "Magic", "%r is not %r: not an mmq queue" % (header[0:8], MAGIC))
    (version, header_length, capacity, max_message, slots, slot_length,
     ring_offset) = struct.unpack_from("<7i", header, 8)
    # 3. version
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedVersionError(path, version, SUPPORTED_VERSIONS)
    # 4. header and slot length
    if header_length != HEADER_LENGTH:
        raise QueueFormatError(path, "Header Length", "%d, expected 256" % header_length)
    if slot_length != SLOT_LENGTH:
        raise QueueFormatError(path, "Slot Length", "%d, expected 128" % slot_length)
    # 5. geometry
    if not (MIN_CAPACITY <= capacity <= MAX_CAPACITY) or capacity & (capacity - 1):
        raise QueueFormatError(
            path, "Ring Capacity", "%d is not a power of two from 4096 to 2^30" % capacity)
    if not (0 <= max_message <= capacity // 8):
        raise QueueFormatError(
            path, "Max Message Length",
            "%d is not from 0 to capacity / 8 (%d)" % (max_message, capacity // 8))
    if not (1 <= slots <= MAX_SLOTS):
        raise QueueFormatError(path, "Consumer Slots", "%d is not from 1 to 4096" % slots)
    # 6. ring offset
    expected_offset = round_up(SLOT_TABLE_OFFSET + slots * SLOT_LENGTH, PAGE)
    if ring_offset != expected_offset:
        raise QueueFormatError(
            path, "Ring Offset", "%d, expected %d for %d slots" % (ring_offset, expected_offset, slots))
    # 6b. eviction lag: 0 (never evict) or from one largest frame to the capacity
    (eviction_lag,) = struct.unpack_from("<q", header, OFF_EVICTION_LAG)
    if eviction_lag and not (align8(max_message + FRAME_HEADER) <= eviction_lag <= capacity):
        raise QueueFormatError(
            path, "Eviction Lag",
            "%d is neither 0 nor from one largest frame (%d) to the capacity (%d)"
            % (eviction_lag, align8(max_message + FRAME_HEADER), capacity))
    # 6c. creation id: a version-7 file has a non-zero one; before, the bytes were reserved
    creation_id = NO_CREATION_ID
    if version >= CREATION_ID_VERSION:
        (creation_id,) = struct.unpack_from("<q", header, OFF_CREATION_ID)
        if creation_id == NO_CREATION_ID:
            raise QueueFormatError(
                path, "Creation Id", "0; a version-%d file has a non-zero one (the header is damaged)" % version)
    # 7. file length
    if length != ring_offset + capacity:
        raise QueueFormatError(
            path, "file length",
            "%d bytes, expected Ring Offset + Ring Capacity = %d (truncated or extended)"
            % (length, ring_offset + capacity))
    return Geometry(version, capacity, max_message, slots, ring_offset, eviction_lag, creation_id)
