"""Consumer groups: the member side of docs/format.md, *Consumer groups* (format version 5).

A group shares the stream among its members, each message going to one member. Its GROUP slot keeps
the group's Cursor, the first position no member has claimed. A member claims a batch from the Cursor,
handles it, storing its Position after each message (``-1`` once the claim is done), and claims again.
Python has no compare-and-swap, so a member claims with the format's *locked claim*: it takes the
group's claim lock (a record lock), sets the Cursor's bit 0 with an atomic OR (which makes every
compare-and-swap of a Java member fail and wait), walks its batch, stores the claim and moves the
Cursor with one aligned store that also clears the bit.
"""

import os
import sys
import threading
import time

from . import _layout as L
from . import _platform
if not _platform.is_windows():
    from ._linux import _init as _linux_init, atomic_or_one as _linux_atomic_or_one
from . import _shared
from ._holder import SlotHolder
from . import _slots
from .consumer import _check_name
from ._coordination import LockId
from .errors import (ClosedError, CorruptFrameError, MmqError, QueueBusyError, QueueFormatError,
                     UnsupportedPlatformError)

_I64_PRODUCER = L.OFF_PRODUCER_POSITION >> 3
_REAP_INTERVAL = 0.010   # format.md: members with nothing to claim reap at most every 10 ms
_SPIN = 64               # looks at the Cursor before the first sleep
MAX_BATCH = 1 << 16

# POSIX locks do not exclude the threads of one process: members of one group in one process (on
# different threads) also take this process-wide mutex around the group claim lock.
_claim_mutexes = {}
_claim_mutexes_guard = threading.Lock()


def _claim_mutex(sf, group_slot):
    with _claim_mutexes_guard:
        return _claim_mutexes.setdefault((sf.key, group_slot), threading.Lock())


class GroupMember(SlotHolder):
    """A member of a consumer group of one mmq queue, holding a MEMBER slot until closed.

    Not thread-safe: use one GroupMember from one thread at a time (several members, of one group or
    not, may live in one process).
    """

    def __init__(self, path, group, start="latest", batch=64, sleep_interval=0.1):
        _platform.check_platform()
        if _platform.is_windows():
            raise UnsupportedPlatformError(
                "consumer groups need Linux in the Python reader: a member without compare-and-swap "
                "claims with an atomic OR, which Python reaches only through futex(FUTEX_WAKE_OP)")
        _linux_init()
        mode = str(start).lower()
        if mode not in ("latest", "earliest"):
            raise ValueError("start must be 'latest' or 'earliest', not %r" % (start,))
        if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH:
            raise ValueError("batch must be 1 to %d messages, not %r" % (MAX_BATCH, batch))
        if not sleep_interval > 0:
            raise ValueError("sleep_interval must be positive")
        try:
            self._group = _check_name(group)
        except ValueError:
            raise ValueError("a group name must be 1 to %d bytes of UTF-8 without NUL characters: %r"
                             % (L.MAX_NAME, group)) from None
        self._batch = batch
        self._sleep = min(float(sleep_interval), 0.1)  # format.md: at most 100 ms per sleep
        self._closed = True
        self._pos = self._claim_end = L.NO_CLAIM  # the claim's next position and end; equal: none
        self._stored = L.NO_CLAIM                 # what our slot's Position says
        self._last_reap = 0.0
        self.path = os.fspath(path)
        self._sf = _shared.acquire(self.path)
        try:
            self._check_file()
            self._join(mode)
        except BaseException:
            _shared.release(self._sf)
            raise
        self._closed = False

    # ------------------------------------------------------------------ joining and leaving

    def _check_file(self):
        geo = self._sf.geo
        if geo.version < L.CONSUMER_GROUPS_VERSION:
            raise MmqError(
                "%s: this queue file is format version %d, and consumer groups need version %d "
                "(older producers would not hold them); create the queue anew to use them"
                % (self.path, geo.version, L.CONSUMER_GROUPS_VERSION))
        if geo.eviction_lag != 0:
            raise MmqError(
                "%s: this queue evicts consumers that lag more than %d bytes, and consumer groups are "
                "never evicted; use a queue without an eviction lag for groups"
                % (self.path, geo.eviction_lag))

    def _join(self, mode):
        """*Consumer groups*, joining: under the slot table lock, find (or create) the GROUP slot, then
        take a MEMBER slot with no claim."""
        sf = self._sf
        i32, i64 = sf.i32, sf.i64
        with _slots.table_locked(sf):
            group_slot = self._find_group()                                    # 1.
            created = group_slot is None
            if created:
                group_slot = self._create_group(mode)                         # 2.
            slot = self._free_slot()                                          # 3.
            if slot is None:
                if created:
                    i32[_slots.slot_base(group_slot) >> 2] = L.STATE_FREE
                    self._sf.coord.full_fence()
                raise QueueBusyError(self.path, sf.geo.slots)
            base = _slots.slot_base(slot)
            i32[(base + L.SLOT_NAME_LENGTH) >> 2] = 0
            i32[(base + L.SLOT_FLAGS) >> 2] = 0
            i32[(base + L.SLOT_GROUP_SLOT) >> 2] = group_slot
            i64[(base + L.SLOT_CLAIM_END) >> 3] = L.NO_CLAIM
            i64[(base + L.SLOT_OWNER_PID) >> 3] = os.getpid()
            i64[(base + L.SLOT_JOINED_AT) >> 3] = int(time.time() * 1000)
            i64[(base + L.SLOT_POSITION) >> 3] = L.NO_CLAIM
            self._sf.coord.full_fence()
            i32[(base + L.SLOT_STATE) >> 2] = L.STATE_MEMBER
            self._sf.coord.full_fence()
            sf.held.add(slot)
        self._slot = slot
        self._group_slot = group_slot
        self.created_group = created
        gbase = _slots.slot_base(group_slot)
        self._pos_idx = (base + L.SLOT_POSITION) >> 3
        self._claim_end_idx = (base + L.SLOT_CLAIM_END) >> 3
        self._cursor_idx = (gbase + L.SLOT_POSITION) >> 3
        self._cursor_addr = sf.base + gbase + L.SLOT_POSITION  # its low 32-bit word, little-endian
        self._orphans_idx = (gbase + L.SLOT_ORPHANS) >> 2
        self._claim_lock = LockId.group_claim(group_slot)
        self._claim_mutex = _claim_mutex(sf, group_slot)

    def _free_slot(self):
        """*Joining* step 2 (table lock held): a FREE slot, its lock now ours; None if there is none."""
        slot = _slots.claim_free(self._sf)
        if slot is None and _slots.reap(self._sf):
            slot = _slots.claim_free(self._sf)
        return slot

    def _find_group(self):
        """The GROUP slot of our group (table lock held), or None; a named consumer's name fails."""
        sf = self._sf
        i32 = sf.i32
        name = self._group
        for slot in range(sf.geo.slots):
            base = _slots.slot_base(slot)
            state = i32[base >> 2]
            if state != L.STATE_FREE and i32[(base + L.SLOT_NAME_LENGTH) >> 2] == len(name) \
                    and sf.mm[base + L.SLOT_NAME:base + L.SLOT_NAME + len(name)] == name:
                if state != L.STATE_GROUP:
                    raise MmqError(
                        "%s: '%s' is a named consumer, not a consumer group; open it as a named "
                        "consumer, or choose another group name" % (self.path, name.decode()))
                return slot
        return None

    def _create_group(self, mode):
        """*Consumer groups*, joining step 2 (table lock held): a GROUP slot whose Cursor is settled
        at the start before any member can claim from it. Its slot lock is taken only for this."""
        sf = self._sf
        i32, i64 = sf.i32, sf.i64
        slot = self._free_slot()
        if slot is None:
            raise QueueBusyError(self.path, sf.geo.slots)
        base = _slots.slot_base(slot)
        try:
            c = _slots.read_start(sf, self.path, mode)
            name = self._group
            sf.mm[base + L.SLOT_NAME:base + L.SLOT_NAME + len(name)] = name
            i32[(base + L.SLOT_FLAGS) >> 2] = 0
            i32[(base + L.SLOT_NAME_LENGTH) >> 2] = len(name)
            i32[(base + L.SLOT_ORPHANS) >> 2] = 0
            i32[(base + L.SLOT_GROUP_SLOT) >> 2] = 0
            i64[(base + L.SLOT_CLAIM_END) >> 3] = 0
            i64[(base + L.SLOT_OWNER_PID) >> 3] = os.getpid()
            i64[(base + L.SLOT_JOINED_AT) >> 3] = int(time.time() * 1000)
            i64[(base + L.SLOT_POSITION) >> 3] = c
            self._sf.coord.full_fence()
            i32[base >> 2] = L.STATE_GROUP
            self._sf.coord.full_fence()
            _slots.settle(sf, self.path, (base + L.SLOT_POSITION) >> 3, c)
        except BaseException:
            i32[base >> 2] = L.STATE_FREE
            self._sf.coord.full_fence()
            raise
        finally:
            _slots.unlock(sf, LockId.slot(slot))
        return slot

    def _leave(self):
        """*Consumer groups*, leaving: FREE, or ORPHANED with the rest of the claim for another member."""
        sf = self._sf
        with _slots.table_locked(sf):
            _slots.leave_member(sf, _slots.slot_base(self._slot))
            _slots.unlock(sf, LockId.slot(self._slot))
            sf.held.discard(self._slot)
        _slots.wake_producer_if_asleep(sf)  # our leaving may be what the producer waits for

    # ------------------------------------------------------------------ claiming

    def _claim(self):
        """Take the next claim: an orphaned one of the group first, else a batch from the Cursor.
        Returns False if there is nothing to claim now."""
        sf = self._sf
        if (sf.i32[self._orphans_idx] > 0 or self._reap_now_and_then()) and self._adopt():
            return True
        # Look before locking: an idle member must not set the Cursor's bit (and stall the members that
        # compare-and-swap) just to find nothing published.
        g = sf.geo
        c = sf.i64[self._cursor_idx] & ~L.CURSOR_LOCKED_BIT
        if c >= 0 and c & 7 == 0 and sf.i32[(g.ring_offset + (c & g.mask)) >> 2] != 0 \
                and self._locked_claim():
            return True
        if self._stored != L.NO_CLAIM:
            sf.i64[self._pos_idx] = L.NO_CLAIM
            self._stored = L.NO_CLAIM
        return False

    def _locked_claim(self):
        """The *locked claim*: under the group claim lock, with the Cursor's bit 0 set so that no
        compare-and-swap can move it, walk a batch from the Cursor and move the Cursor past it."""
        sf = self._sf
        i32, i64 = sf.i32, sf.i64
        g = sf.geo
        cursor = self._cursor_idx
        with self._claim_mutex:
            _slots.lock(sf, self._claim_lock)  # waits; a dead holder's lock is released by the OS
            try:
                _linux_atomic_or_one(self._cursor_addr)  # a locked instruction: also a full fence
                c = i64[cursor] & ~L.CURSOR_LOCKED_BIT
                if c < 0 or c & 7:
                    i64[cursor] = c
                    raise QueueFormatError(
                        self.path, "Position",
                        "slot %d: group '%s' has cursor %d, which is not a frame boundary"
                        % (self._group_slot, self._group.decode(), c))
                if i32[(g.ring_offset + (c & g.mask)) >> 2] == 0:
                    i64[cursor] = c  # nothing published: give the Cursor back, bit cleared
                    return False
                try:
                    e = self._walk(c)
                except BaseException:
                    i64[cursor] = c
                    raise
                # The claim's end first, then its start: a member that dies now leaves a whole orphan.
                # The Cursor (bit set, but at c) holds the producer back meanwhile.
                i64[self._claim_end_idx] = e
                i64[self._pos_idx] = c
                i64[cursor] = e  # one aligned 8-byte store: the claim is won and the bit cleared
            finally:
                _slots.unlock(sf, self._claim_lock)
        self._pos, self._claim_end, self._stored = c, e, c
        return True

    def _walk(self, start):
        """Where a batch from ``start`` ends: after ``batch`` messages, at the first frame not yet
        published, or a quarter of the ring on, whichever comes first (``start`` is published)."""
        sf = self._sf
        g = sf.geo
        i32, u32 = sf.i32, sf.u32
        ring, mask = g.ring_offset, g.mask
        farthest = start + (g.capacity >> 2)
        p = start
        messages = 0
        while messages < self._batch and p < farthest:
            at = ring + (p & mask)
            flen = i32[at >> 2]
            if flen == 0:
                break
            ftype, step = self._checked(p, flen, u32[(at >> 2) + 1])
            if ftype == L.TYPE_MESSAGE:
                messages += 1
            p += step
        return p

    def _adopt(self):
        """*Consumer groups*, adopting (table lock held inside): the first orphaned claim of the group
        becomes ours. An orphan whose Claim End is not past its Position holds nothing (its member died
        announcing a claim it never won): it is freed and the search goes on. False if none is left."""
        sf = self._sf
        i32, i64 = sf.i32, sf.i64
        cap = sf.geo.capacity
        with _slots.table_locked_if_free(sf) as locked:  # never wait on the poll path: try again later
            if not locked:
                return False
            orphans = self._orphans_idx
            for slot in range(sf.geo.slots):
                base = _slots.slot_base(slot)
                if i32[base >> 2] != L.STATE_ORPHANED \
                        or i32[(base + L.SLOT_GROUP_SLOT) >> 2] != self._group_slot:
                    continue
                p = i64[(base + L.SLOT_POSITION) >> 3]
                e = i64[(base + L.SLOT_CLAIM_END) >> 3]
                if p < 0 or p & 7 or (e > p and (e & 7 or e - p > cap)):
                    raise QueueFormatError(
                        self.path, "Claim End",
                        "slot %d: group '%s' left an orphaned claim from %d to %d, which is not a "
                        "range of frames" % (slot, self._group.decode(), p, e))
                won = e > p
                if won:
                    i64[self._claim_end_idx] = e
                    i64[self._pos_idx] = p
                    self._sf.coord.full_fence()  # we hold the producer at p before the orphan stops
                i32[base >> 2] = L.STATE_FREE
                self._sf.coord.full_fence()
                i32[orphans] = max(0, i32[orphans] - 1)
                self._sf.coord.full_fence()
                if won:
                    self._pos, self._claim_end, self._stored = p, e, p
                    return True
            i32[orphans] = 0  # a count with no orphan behind it: nothing to wait for
            self._sf.coord.full_fence()
            return False

    def _reap_now_and_then(self):
        """Reap dead slots (at most every 10 ms when claiming, busy or idle, without waiting for the
        table lock), so that a dead member's claim is handed on even when the producer is not held back
        by it. True if it was time: then an orphan is looked for whatever the Orphans count says."""
        now = time.monotonic()
        if now - self._last_reap < _REAP_INTERVAL:
            return False
        self._last_reap = now
        with _slots.table_locked_if_free(self._sf) as locked:
            if locked:
                _slots.reap(self._sf)
        return True

    # ------------------------------------------------------------------ handling

    def _checked(self, p, flen, w):
        """*Reading* step 3 for the frame at ``p``: (type, aligned length), or CorruptFrameError."""
        g = self._sf.geo
        off = p & g.mask
        lap = (p >> g.shift) & 0xFFFFFF
        if w >> 8 != lap:
            raise CorruptFrameError(self.path, p, "Lap", "lap bits %d, expected %d (frame length %d)"
                                    % (w >> 8, lap, flen))
        ftype = w & 0xFF
        if ftype == L.TYPE_MESSAGE:
            step = (flen + 7) & ~7
            if flen < L.FRAME_HEADER or flen > g.max_message + L.FRAME_HEADER:
                raise CorruptFrameError(self.path, p, "Frame Length",
                                        "message frame length %d is not from 8 to %d"
                                        % (flen, g.max_message + L.FRAME_HEADER))
            if off + step > g.capacity:
                raise CorruptFrameError(self.path, p, "Frame Length",
                                        "message frame length %d at ring offset %d crosses the end "
                                        "of the ring" % (flen, off))
            return ftype, step
        if ftype == L.TYPE_PADDING:
            if flen != g.capacity - off:
                raise CorruptFrameError(self.path, p, "Frame Length",
                                        "padding frame length %d, expected capacity - offset = %d"
                                        % (flen, g.capacity - off))
            return ftype, flen
        raise CorruptFrameError(self.path, p, "Type",
                                "frame type %d is neither MESSAGE (1) nor PADDING (2)" % ftype)

    def _deliver(self, handler, limit):
        sf = self._sf
        g = sf.geo
        i32, u32, i64, ro = sf.i32, sf.u32, sf.i64, sf.ro
        ring, mask = g.ring_offset, g.mask
        pos_idx = self._pos_idx
        n = 0
        try:
            while n < limit:
                if self._pos == self._claim_end:
                    if not self._claim():
                        break
                    continue
                p = self._pos
                at = ring + (p & mask)
                flen = i32[at >> 2]
                if flen == 0:
                    raise CorruptFrameError(self.path, p, "Frame Length",
                                            "a claimed frame is not committed (the claim ends at %d)"
                                            % self._claim_end)
                ftype, step = self._checked(p, flen, u32[(at >> 2) + 1])
                nxt = p + step
                if nxt > self._claim_end:
                    raise CorruptFrameError(self.path, p, "Frame Length",
                                            "the frame runs past the end of its claim at %d"
                                            % self._claim_end)
                self._pos = nxt  # counted as handled before the handler runs, as in Java
                if ftype == L.TYPE_MESSAGE:
                    n += 1
                    view = ro[at + L.FRAME_HEADER:at + flen]
                    try:
                        handler(view)
                    finally:
                        try:
                            view.release()
                        except BufferError:  # the handler exported it (e.g. numpy)
                            pass
                # Ordered store (one aligned mov on x86-64, after the handler's loads): the producer may
                # reuse what lies before it. -1 once the claim is done.
                progress = L.NO_CLAIM if nxt == self._claim_end else nxt
                i64[pos_idx] = progress
                self._stored = progress
        finally:
            progress = L.NO_CLAIM if self._pos == self._claim_end else self._pos
            if self._stored != progress:  # a handler raised: its message counts as handled
                i64[pos_idx] = progress
                self._stored = progress
            if n:
                _slots.wake_producer_if_asleep(sf)
        return n

    def poll(self, handler, limit=None, timeout=0):
        """Deliver up to ``limit`` messages of this member's share to ``handler``.

        ``handler(view)`` receives a read-only ``memoryview`` of the message inside the shared mapping
        (zero copy), valid only during the call. The member handles the rest of its claim, then claims
        again (an orphaned claim of the group first, then a batch from the Cursor). Its progress is
        stored after each message; if ``handler`` raises, that message counts as handled and the
        exception propagates.

        ``timeout``: seconds to wait for a first message when none is there (0, the default: never
        block; ``None``: wait forever). Returns the number of messages delivered.
        """
        if self._closed:
            raise ClosedError("%s: group member is closed" % self.path)
        if limit is None:
            limit = sys.maxsize
        n = self._deliver(handler, limit)
        if n or timeout == 0:
            return n
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if not self._sleep_once(deadline):
                return self._deliver(handler, limit)
            n = self._deliver(handler, limit)
            if n:
                return n

    def _nothing_to_claim(self):
        i32 = self._sf.i32
        g = self._sf.geo
        if self._pos != self._claim_end:
            return False
        cursor = self._sf.i64[self._cursor_idx]
        return cursor & L.CURSOR_LOCKED_BIT == 0 and i32[self._orphans_idx] == 0 \
            and i32[(g.ring_offset + (cursor & ~7 & g.mask)) >> 2] == 0

    def _sleep_once(self, deadline):
        """Wait (once, at most ``sleep_interval``) for something to claim; False if the deadline passed.

        The consumer half of *Sleeping and waking* at the group's Cursor: read the Wake Signal, set Wake
        Wanted, full fence, look once more, then sleep on the signal's futex. Orphans appear without a
        wake-up, hence the bounded sleep; each return lets the caller claim and reap again.
        """
        for _ in range(_SPIN):
            if not self._nothing_to_claim():
                return True
        return _slots.sleep_until_published(self._sf, self._nothing_to_claim, deadline, self._sleep)

    def read(self, timeout=None):
        """The next message of this member's share as ``bytes``, waiting up to ``timeout`` seconds
        (``None``: forever, ``0``: do not wait); ``None`` on timeout."""
        box = []
        self.poll(lambda view: box.append(bytes(view)), 1, timeout)
        return box[0] if box else None

    # ------------------------------------------------------------------ state

    @property
    def group(self):
        return self._group.decode()

    @property
    def group_slot(self):
        """Index of the group's GROUP slot."""
        return self._group_slot

    def _unclaimed(self):
        return self._sf.i64[self._cursor_idx] & ~7

    @property
    def position(self):
        """The next position of this member's claim, or, with none, the group's first unclaimed one."""
        if self._closed:
            raise ClosedError("%s: group member is closed" % self.path)
        return self._pos if self._pos != self._claim_end else self._unclaimed()

    @property
    def lag(self):
        """Bytes of published messages no member of the group has claimed yet."""
        if self._closed:
            raise ClosedError("%s: group member is closed" % self.path)
        return max(0, self._sf.i64[_I64_PRODUCER] - self._unclaimed())

    def __repr__(self):
        if self._closed:
            return "<mmq.GroupMember %s closed>" % self.path
        return "<mmq.GroupMember %s group %r slot %d>" % (self.path, self.group, self._slot)


def open_group_member(path, group, start="latest", batch=64, sleep_interval=0.1):
    """Join the consumer group ``group`` of the queue at ``path`` (format version 5, no eviction lag).

    The first member creates the group at ``start`` (``"latest"`` or ``"earliest"``, in either
    case); an existing group goes on where it is. Each message goes to one member; a member claims
    ``batch`` messages at a time. A member that closes or dies leaves its unfinished claim to the next
    member without one.
    Raises :class:`MmqError` in an older or evicting queue, or if ``group`` names a named consumer.
    """
    return GroupMember(path, group, start, batch, sleep_interval)
