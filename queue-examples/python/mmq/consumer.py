"""The consumer side of docs/format.md (format version 4)."""

import os
import sys
import time

from . import _layout as L
from . import _platform
from . import _shared
from ._holder import SlotHolder
from ._coordination import LockId
from . import _slots
from .errors import (ClosedError, ConsumerEvictedError, ConsumerLappedError,
                     ConsumerNameTakenError, CorruptFrameError, MmqError, QueueBusyError,
                     QueueFormatError)

_I64_PRODUCER = L.OFF_PRODUCER_POSITION >> 3
_I64_JOIN = L.OFF_JOIN_POSITION >> 3
_SPIN = 64  # polls of the frame word before the first sleep


def _check_name(name):
    """A consumer name: 1 to 64 bytes of UTF-8 without NUL (format.md, *Named consumers*)."""
    raw = name.encode("utf-8") if isinstance(name, str) else bytes(name)
    if not 0 < len(raw) <= L.MAX_NAME or b"\0" in raw:
        raise ValueError("a consumer name must be 1 to %d bytes of UTF-8 without NUL characters: %r"
                         % (L.MAX_NAME, name))
    return raw


class Consumer(SlotHolder):
    """A consumer of one mmq queue, holding one consumer slot until closed.

    Not thread-safe: use one Consumer from one thread at a time (several
    Consumers, of the same file or not, may live in one process and thread).
    """

    def __init__(self, path, start="latest", sleep_interval=0.1, name=None, commit="auto",
                 when_absent="hold"):
        _platform.check_platform()
        mode = str(start).lower()
        if mode not in ("latest", "earliest"):
            raise ValueError("start must be 'latest' or 'earliest', not %r" % (start,))
        if not sleep_interval > 0:
            raise ValueError("sleep_interval must be positive")
        if commit not in ("auto", "explicit"):
            raise ValueError("commit must be 'auto' or 'explicit', not %r" % (commit,))
        if when_absent not in ("hold", "lap"):
            raise ValueError("when_absent must be 'hold' or 'lap', not %r" % (when_absent,))
        self._name = None if name is None else _check_name(name)
        self._explicit = name is not None and commit == "explicit"
        self._lap_when_absent = when_absent == "lap"
        self._lapped = None
        self._delivering = False
        self._commit_requested = False
        self._closed = True
        # format.md: sleep at most 100 ms at a time before re-checking.
        self._sleep = min(float(sleep_interval), 0.1)
        self.path = os.fspath(path)
        self._sf = _shared.acquire(self.path)
        try:
            self._join(mode)
        except BaseException:
            _shared.release(self._sf)
            raise
        self._closed = False

    # ------------------------------------------------------------------ joining

    def _check_position(self, c, p0, p1, field):
        """*Joining* step 3: ``p0`` is the Producer Position read before ``c``, ``p1`` the one
        read after it. A healthy ``c`` is at or before ``p1`` and within a ring of ``p0``,
        however long this process was descheduled between the reads."""
        cap = self._sf.geo.capacity
        if c % 8 or c < 0 or c > p1 or p0 - c > cap:
            raise QueueFormatError(
                self.path, field,
                "start position %d refused: it must be a multiple of 8, 0 <= c <= "
                "Producer Position (%d) and at most one ring (%d) behind it" % (c, p1, cap))

    def _release_slot_lock(self, slot):
        self._sf.coord.unlock(LockId.slot(slot))

    def _try_slot_lock(self, slot):
        """Without waiting; False if a live process holds it (docs/format.md, *Locks*)."""
        return self._sf.coord.try_lock(LockId.slot(slot))

    def _claim_free(self):
        sf = self._sf
        i32 = sf.i32
        for slot in range(sf.geo.slots):
            if slot in sf.held:
                continue
            if i32[(L.SLOT_TABLE_OFFSET + slot * L.SLOT_LENGTH) >> 2] == L.STATE_FREE \
                    and self._try_slot_lock(slot):
                return slot
        return None

    def _reap(self):
        """*Reaping dead consumers* (table lock held by the caller), group members included."""
        _slots.reap(self._sf)

    def _join(self, mode):
        sf = self._sf
        i32, i64, coord = sf.i32, sf.i64, sf.coord
        if self._name is not None and sf.geo.version < L.NAMED_CONSUMERS_VERSION:
            raise MmqError(
                "%s: this queue file is format version %d, and named consumers need version %d "
                "(older producers would not hold them); create the queue anew to use them"
                % (self.path, sf.geo.version, L.NAMED_CONSUMERS_VERSION))
        resumed = False
        with sf.table_mutex:
            coord.lock(LockId.table())                           # 1. waits if necessary
            try:
                slot = None if self._name is None else self._find_named()
                if slot is not None:                                 # *Named consumers*: resume
                    resumed = True
                    base = L.SLOT_TABLE_OFFSET + slot * L.SLOT_LENGTH
                    # Our own POSIX lock would "succeed" again: a name this process holds is taken.
                    if slot in sf.held or not self._try_slot_lock(slot):
                        raise ConsumerNameTakenError(self.path, self._name,
                                                     i64[(base + L.SLOT_OWNER_PID) >> 3])
                    c = i64[(base + L.SLOT_POSITION) >> 3]
                    p = i64[_I64_PRODUCER]
                    # Up to a ring past P: a producer that died between committing frames and
                    # storing its position leaves frames a consumer may have read past.
                    if c % 8 or c < 0 or c - p > sf.geo.capacity:
                        self._release_slot_lock(slot)
                        raise QueueFormatError(
                            self.path, "Position",
                            "slot %d: the stored position %d of %r is not a frame boundary within "
                            "a ring past the Producer Position (%d)" % (slot, c, self._name, p))
                else:
                    slot = self._claim_free()                            # 2.
                    if slot is None:
                        self._reap()
                        slot = self._claim_free()
                    if slot is None:
                        raise QueueBusyError(self.path, sf.geo.slots)
                    base = L.SLOT_TABLE_OFFSET + slot * L.SLOT_LENGTH
                try:
                    if not resumed:
                        # 3. P before and after the start: a healthy c is within a ring of the
                        # earlier P and at or before the later one, however long we were descheduled.
                        p0 = i64[_I64_PRODUCER]
                        if mode == "latest":
                            c = i64[_I64_PRODUCER]
                            field = "Producer Position"
                        else:
                            c = i64[_I64_JOIN]
                            field = "Join Position"
                        self._check_position(c, p0, i64[_I64_PRODUCER], field)
                        name = b"" if self._name is None else self._name
                        sf.mm[base + L.SLOT_NAME:base + L.SLOT_NAME + len(name)] = name
                        i32[(base + L.SLOT_NAME_LENGTH) >> 2] = len(name)
                    i32[(base + L.SLOT_FLAGS) >> 2] = \
                        L.FLAG_LAP_WHEN_ABSENT if self._lap_when_absent and self._name else 0
                    if not resumed:
                        # A FREE slot's bytes mean nothing: these may be a group's from before.
                        i32[(base + L.SLOT_ORPHANS) >> 2] = 0
                        i32[(base + L.SLOT_GROUP_SLOT) >> 2] = 0
                    # 4. plain stores, then Position (volatile), then State (volatile)
                    i64[(base + L.SLOT_OWNER_PID) >> 3] = os.getpid()
                    i64[(base + L.SLOT_JOINED_AT) >> 3] = int(time.time() * 1000)
                    i64[(base + L.SLOT_POSITION) >> 3] = c
                    coord.full_fence()
                    i32[(base + L.SLOT_STATE) >> 2] = L.STATE_ACTIVE
                    coord.full_fence()
                except BaseException:
                    self._release_slot_lock(slot)
                    raise
                sf.held.add(slot)
            finally:
                coord.unlock(LockId.table())                             # 5.
        stored = c
        self._slot = slot
        self._pos_idx = (base + L.SLOT_POSITION) >> 3
        self._state_idx = (base + L.SLOT_STATE) >> 2
        # 6. Settle. The unlock above is a system call that takes a kernel
        # spinlock (a locked instruction), but, like the Java side, we do not
        # rely on it and issue our own full fence between the Position store
        # and the Join Position load (Dekker pattern, docs/design.md).
        coord.full_fence()
        p0 = i64[_I64_PRODUCER]
        j = i64[_I64_JOIN]
        while j > c:
            try:
                self._check_position(j, p0, i64[_I64_PRODUCER], "Join Position")
            except QueueFormatError:
                self._leave()
                raise
            c = j
            i64[self._pos_idx] = c
            coord.full_fence()  # volatile store: Position before the next load of join
            p0 = i64[_I64_PRODUCER]
            j = i64[_I64_JOIN]
        self._pos = c
        if resumed and c != stored:
            # The producer went past this name while it was away: its bytes may have been reused.
            self._lapped = ConsumerLappedError(self.path, self._name.decode(), stored, c)
        self._wake_producer_if_asleep()  # settling may have made the room a sleeping producer waits for

    def _find_named(self):
        """The slot holding our name (table lock held), or None."""
        sf = self._sf
        i32 = sf.i32
        for slot in range(sf.geo.slots):
            base = L.SLOT_TABLE_OFFSET + slot * L.SLOT_LENGTH
            if i32[(base + L.SLOT_STATE) >> 2] != L.STATE_FREE \
                    and i32[(base + L.SLOT_NAME_LENGTH) >> 2] == len(self._name) \
                    and sf.mm[base + L.SLOT_NAME:base + L.SLOT_NAME + len(self._name)] == self._name:
                if i32[(base + L.SLOT_STATE) >> 2] == L.STATE_GROUP:
                    raise MmqError("%s: '%s' is a consumer group, not a named consumer; "
                                   "choose another name" % (self.path, self._name.decode()))
                return slot
        return None

    def _left_state(self, base, state):
        """*Leaving* and *Reaping*: FREE for an anonymous consumer; a named one keeps its
        slot, DORMANT, or LAPPED if the producer had already evicted it."""
        if self._sf.i32[(base + L.SLOT_NAME_LENGTH) >> 2] == 0:
            return L.STATE_FREE
        return L.STATE_LAPPED if state == L.STATE_EVICTED else L.STATE_DORMANT

    def commit(self):
        """Store the position, for a named consumer opened with ``commit="explicit"``: the
        next holder of the name resumes here. Called inside a handler, it commits the
        message being handled and those before it, once the handler has returned (the
        stored position is what protects the message's bytes from the producer). For
        other consumers, which store their position after every poll, it does nothing."""
        if self._closed:
            raise ClosedError("%s: consumer is closed" % self.path)
        if self._delivering:
            self._commit_requested = self._explicit
            return
        self._store_commit()

    def _store_commit(self):
        if self._explicit and self._sf.i64[self._pos_idx] != self._pos:
            self._sf.i64[self._pos_idx] = self._pos  # ordered store (x86-64)
            self._wake_producer_if_asleep()

    def _leave(self):
        """*Leaving*: under the table lock, State = FREE, then release the slot lock."""
        sf = self._sf
        with sf.table_mutex:
            sf.coord.lock(LockId.table())
            try:
                base = L.SLOT_TABLE_OFFSET + self._slot * L.SLOT_LENGTH
                sf.i32[base >> 2] = self._left_state(base, sf.i32[base >> 2])
                sf.coord.full_fence()
                self._release_slot_lock(self._slot)
                sf.held.discard(self._slot)
            finally:
                sf.coord.unlock(LockId.table())
        self._wake_producer_if_asleep()  # our leaving may be what the producer waits for

    def _wake_producer_if_asleep(self):
        """The consumer side of the producer's *Space* wait (format.md, *Sleeping and waking*).

        With the new position stored: full fence, then, if the producer asked to be woken at the current
        Space Signal, move the signal on and wake it. Python cannot compare-and-swap: on Linux the move
        is an atomic add through FUTEX_WAKE_OP, on Windows a plain store (``_windows.py`` says what a
        racing consumer can do there).
        """
        sf = self._sf
        sf.coord.full_fence()
        request = sf.i32[L.OFF_SPACE_REQUEST >> 2]
        if request == sf.i32[L.OFF_SPACE_SIGNAL >> 2]:
            sf.coord.move_on_and_wake(L.OFF_SPACE_SIGNAL, request)

    # ------------------------------------------------------------------ reading

    def _corrupt(self, p, field, detail):
        """A damaged frame, unless the producer evicted us and simply overwrote it."""
        if self._evicted():
            return self._evicted_at(p)
        return CorruptFrameError(self.path, p, field, detail)

    def _evicted(self):
        """*Eviction*: whether the producer set our slot EVICTED. Read after the
        message bytes (x86-64 keeps loads in order)."""
        # Anything but ACTIVE: EVICTED, or a slot reaped from under a live holder.
        return self._sf.geo.eviction_lag != 0 and self._sf.i32[self._state_idx] != L.STATE_ACTIVE

    def _evicted_at(self, p):
        return ConsumerEvictedError(self.path, self._slot, self._sf.geo.eviction_lag, p)

    def poll(self, handler, limit=None):
        """Deliver up to ``limit`` available messages to ``handler``; never blocks.

        ``handler(view)`` receives a read-only ``memoryview`` of the message's
        bytes inside the shared mapping (zero copy). It is valid only during
        the call: it is released afterwards, and the ring bytes may be reused
        by the producer once the position moves past them. Copy
        (``bytes(view)``) what you keep.

        Returns the number of messages delivered. If ``handler`` raises, that
        message and those before it count as consumed (as in the Java
        consumer), and the exception propagates. Raises :class:`CorruptFrameError`
        (without moving past the frame) on a damaged frame.
        """
        if self._closed:
            raise ClosedError("%s: consumer is closed" % self.path)
        if limit is None:
            limit = sys.maxsize
        sf = self._sf
        g = sf.geo
        if self._lapped is not None:
            notice, self._lapped = self._lapped, None
            raise notice
        evictable = g.eviction_lag != 0
        if evictable and self._evicted():
            raise self._evicted_at(self._pos)
        i32, u32, ro_view = sf.i32, sf.u32, sf.ro
        ring, mask, shift, cap = g.ring_offset, g.mask, g.shift, g.capacity
        max_frame = g.max_message + L.FRAME_HEADER
        start = p = self._pos
        n = 0
        self._delivering = True
        try:
            while n < limit:
                off = p & mask
                at = ring + off
                flen = i32[at >> 2]      # 1. volatile (= plain on x86-64: loads are acquire)
                if flen == 0:            # 2. not published yet
                    break
                w = u32[(at >> 2) + 1]   # 3. Type and Lap, one 32-bit word
                lap = (p >> shift) & 0xFFFFFF
                if w >> 8 != lap:
                    raise self._corrupt(p, "Lap", "lap bits %d, expected %d (frame length %d)"
                                        % (w >> 8, lap, flen))
                ftype = w & 0xFF
                if ftype == L.TYPE_MESSAGE:
                    step = (flen + 7) & ~7
                    if flen < L.FRAME_HEADER or flen > max_frame:
                        raise self._corrupt(p, "Frame Length",
                                            "message frame length %d is not from 8 to %d"
                                            % (flen, max_frame))
                    if off + step > cap:
                        raise self._corrupt(p, "Frame Length",
                                            "message frame length %d at ring offset %d crosses "
                                            "the end of the ring" % (flen, off))
                    view = ro_view[at + L.FRAME_HEADER:at + flen]   # 4.
                    # 5. Counted as read before the handler runs: a message whose handler
                    # raises is not delivered again (as in the Java consumer).
                    n += 1
                    frame_start = p
                    p += step
                    self._pos = p  # what position and commit() mean inside the handler
                    try:
                        handler(view)
                    finally:
                        try:
                            view.release()
                        except BufferError:  # the handler exported it (e.g. numpy)
                            pass
                    if evictable and self._evicted():
                        # The handler may have read bytes the producer was overwriting.
                        p = frame_start
                        self._commit_requested = False
                        raise self._evicted_at(frame_start)
                    if self._commit_requested:
                        self._commit_requested = False
                        self._store_commit()
                elif ftype == L.TYPE_PADDING:
                    if flen != cap - off:
                        raise self._corrupt(p, "Frame Length",
                                            "padding frame length %d, expected capacity - "
                                            "offset = %d" % (flen, cap - off))
                    p += flen
                else:
                    raise self._corrupt(p, "Type", "frame type %d is neither MESSAGE (1) nor "
                                        "PADDING (2)" % ftype)
        finally:
            self._delivering = False
            if self._commit_requested:  # the handler committed, then raised: its message counts as read
                self._commit_requested = False
                self._store_commit()
            if p != start:
                self._pos = p
                if not self._explicit:
                    # Ordered store: an aligned 8-byte store through a 'q' view is
                    # one mov, and on x86-64 a store is never reordered with the
                    # loads (the message bytes) and stores before it.
                    sf.i64[self._pos_idx] = p
                    self._wake_producer_if_asleep()
        return n

    def _read_one(self):
        box = []
        self.poll(lambda view: box.append(bytes(view)), 1)
        return box[0] if box else None

    def _wait(self, deadline):
        """Wait until the frame word at our position is non-zero; False on timeout.

        The consumer half of *Sleeping and waking* (format.md): read the Wake Signal, set Wake Wanted
        (a plain store: only the producer clears it, with an atomic exchange), full fence, look once more
        for a frame, then sleep on the signal (a futex on Linux, an event on Windows). Sleeps are cut
        to ``sleep_interval`` (at most
        100 ms, as format.md requires) and re-checked.
        """
        sf = self._sf
        g = sf.geo
        i32 = sf.i32
        idx = (g.ring_offset + (self._pos & g.mask)) >> 2
        for _ in range(_SPIN):
            if i32[idx] != 0:
                return True
        while True:
            if not _slots.sleep_until_published(sf, lambda: i32[idx] == 0, deadline, self._sleep):
                return False
            if i32[idx] != 0:
                return True

    def read(self, timeout=None):
        """Return the next message as ``bytes``, waiting up to ``timeout`` seconds
        (``None``: forever, ``0``: do not wait); ``None`` on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            msg = self._read_one()
            if msg is not None:
                return msg
            if not self._wait(deadline):
                return self._read_one()

    # ------------------------------------------------------------------ state

    @property
    def position(self):
        """Stream position (bytes) of the next frame this consumer will read."""
        return self._pos

    @property
    def creation_id(self):
        """The queue's creation id: a random non-zero number chosen when the file was created, which a
        queue created again at the same path does not share (format version 7); 0 for an older file."""
        return self._sf.geo.creation_id

    @property
    def lag(self):
        """Bytes published but not yet consumed: Producer Position - position."""
        if self._closed:
            raise ClosedError("%s: consumer is closed" % self.path)
        return max(0, self._sf.i64[_I64_PRODUCER] - self._pos)

    def __repr__(self):
        if self._closed:
            return "<mmq.Consumer %s closed>" % self.path
        return "<mmq.Consumer %s slot %d position %d>" % (self.path, self._slot, self._pos)


def open_consumer(path, start="latest", sleep_interval=0.1, name=None, commit="auto",
                  when_absent="hold"):
    """Join the queue at ``path`` as a consumer.

    ``start``: ``"latest"`` (only messages published from now on) or
    ``"earliest"`` (the oldest history the producer still keeps), in either
    case (``"EARLIEST"`` as Java spells it); for a named consumer, only where
    a new name starts.
    ``sleep_interval``: longest single sleep while waiting in ``read`` and
    iteration (see :meth:`Consumer._wait`); capped at 0.1 s as format.md requires.
    ``name``: open the named consumer ``name`` (format version 4): resume where
    its last holder stopped; its place stays in the file when this one closes
    or dies. ``commit``: ``"auto"`` (after every poll) or ``"explicit"`` (only by
    :meth:`Consumer.commit`). ``when_absent``: ``"hold"`` (the producer waits
    for the absent name) or ``"lap"`` (it goes on; a lapped name raises
    :class:`ConsumerLappedError` once, at its first poll after returning).
    Raises :class:`ConsumerNameTakenError` if a live process holds the name.
    """
    return Consumer(path, start, sleep_interval, name, commit, when_absent)
