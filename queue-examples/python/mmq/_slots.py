"""The consumer table's shared duties, for every kind of reader (a consumer, a group member).

docs/format.md: *Locks* (record locks on bytes far past the end of the file), *Joining* steps 2, 3
and 6 (a free slot, a checked start, settling), *Reaping dead consumers*, and the reader's half of
waking a producer asleep on a full ring (*Sleeping and waking*). Every function takes the process's
:class:`~mmq._shared.SharedFile`; those that change the table expect its lock to be held.
"""

import contextlib
import time

from . import _layout as L
from ._coordination import LockId
from .errors import QueueFormatError

_I64_PRODUCER = L.OFF_PRODUCER_POSITION >> 3
_I64_JOIN = L.OFF_JOIN_POSITION >> 3


def slot_base(slot):
    return L.SLOT_TABLE_OFFSET + slot * L.SLOT_LENGTH


def lock(sf, lock_id):
    """Take the process lock ``lock_id`` (a :class:`~mmq._coordination.LockId`), waiting if necessary."""
    sf.coord.lock(lock_id)


def try_lock(sf, lock_id):
    """Take ``lock_id`` without waiting; False if a live process (this one included) holds it."""
    return sf.coord.try_lock(lock_id)


def unlock(sf, lock_id):
    sf.coord.unlock(lock_id)


@contextlib.contextmanager
def table_locked(sf):
    """The slot table lock, against this process's other threads and every other process."""
    with sf.table_mutex:
        lock(sf, LockId.table())
        try:
            yield
        finally:
            unlock(sf, LockId.table())


@contextlib.contextmanager
def table_locked_if_free(sf):
    """Yields True holding the slot table lock, or False at once if anyone holds it."""
    if not sf.table_mutex.acquire(blocking=False):
        yield False
        return
    try:
        if not try_lock(sf, LockId.table()):
            yield False
            return
        try:
            yield True
        finally:
            unlock(sf, LockId.table())
    finally:
        sf.table_mutex.release()


def claim_free(sf):
    """*Joining* step 2: the first FREE slot whose lock this process can take (and now holds), or None.

    A slot this process holds is skipped: re-taking our own POSIX lock would "succeed".
    """
    i32 = sf.i32
    for slot in range(sf.geo.slots):
        if slot in sf.held:
            continue
        if i32[slot_base(slot) >> 2] == L.STATE_FREE and try_lock(sf, LockId.slot(slot)):
            return slot
    return None


def left_state(sf, base, state):
    """The state an ACTIVE or EVICTED slot's holder leaves: FREE for an anonymous consumer; a named
    one keeps its slot, DORMANT, or LAPPED if the producer had already evicted it."""
    if sf.i32[(base + L.SLOT_NAME_LENGTH) >> 2] == 0:
        return L.STATE_FREE
    return L.STATE_LAPPED if state == L.STATE_EVICTED else L.STATE_DORMANT


def leave_member(sf, base):
    """*Consumer groups*, leaving (table lock held): a MEMBER slot with no claim (Position −1) becomes
    FREE; one with an unfinished claim becomes ORPHANED and its group's Orphans grows by one."""
    i32, i64 = sf.i32, sf.i64
    if i64[(base + L.SLOT_POSITION) >> 3] == L.NO_CLAIM:
        i32[(base + L.SLOT_STATE) >> 2] = L.STATE_FREE
        sf.coord.full_fence()
        return
    # Counted first: a process that dies between the two stores leaves a count too high (the next
    # adopter corrects it), never an orphan nobody counts.
    group = i32[(base + L.SLOT_GROUP_SLOT) >> 2]
    if 0 <= group < sf.geo.slots:
        orphans = (slot_base(group) + L.SLOT_ORPHANS) >> 2
        i32[orphans] = i32[orphans] + 1
        sf.coord.full_fence()
    i32[(base + L.SLOT_STATE) >> 2] = L.STATE_ORPHANED
    sf.coord.full_fence()


def reap(sf):
    """*Reaping dead consumers* (table lock held): every ACTIVE, EVICTED or MEMBER slot whose lock can be
    taken belongs to a dead process; store the state its holder would have left. Returns how many."""
    i32 = sf.i32
    reaped = 0
    for slot in range(sf.geo.slots):
        if slot in sf.held:
            continue  # ours: taking our own POSIX lock "succeeds" and is no sign of death
        base = slot_base(slot)
        state = i32[base >> 2]
        if state not in (L.STATE_ACTIVE, L.STATE_EVICTED, L.STATE_MEMBER):
            continue
        if not try_lock(sf, LockId.slot(slot)):
            continue
        if state == L.STATE_MEMBER:
            leave_member(sf, base)
        else:
            i32[base >> 2] = left_state(sf, base, state)
            sf.coord.full_fence()  # volatile store
        unlock(sf, LockId.slot(slot))
        reaped += 1
    return reaped


def check_start(sf, path, c, p0, p1, field):
    """*Joining* step 3: ``p0`` is the Producer Position read before ``c``, ``p1`` the one read after it.
    A healthy ``c`` is at or before ``p1`` and within a ring of ``p0``, however long this process was
    descheduled between the reads."""
    cap = sf.geo.capacity
    if c % 8 or c < 0 or c > p1 or p0 - c > cap:
        raise QueueFormatError(
            path, field,
            "start position %d refused: it must be a multiple of 8, 0 <= c <= "
            "Producer Position (%d) and at most one ring (%d) behind it" % (c, p1, cap))


def read_start(sf, path, mode):
    """*Joining* step 3: the Producer Position ("latest") or the Join Position ("earliest"), checked."""
    i64 = sf.i64
    p0 = i64[_I64_PRODUCER]
    if mode == "latest":
        c, field = i64[_I64_PRODUCER], "Producer Position"
    else:
        c, field = i64[_I64_JOIN], "Join Position"
    check_start(sf, path, c, p0, i64[_I64_PRODUCER], field)
    return c


def settle(sf, path, index, c):
    """*Joining* step 6, for the i64 field at ``index`` (a Position or a Cursor) that holds ``c``:
    while the Join Position is past it, move it up there. Returns where it settled."""
    i64 = sf.i64
    sf.coord.full_fence()  # the store of c before the load of the Join Position (Dekker)
    p0 = i64[_I64_PRODUCER]
    j = i64[_I64_JOIN]
    while j > c:
        check_start(sf, path, j, p0, i64[_I64_PRODUCER], "Join Position")
        c = j
        i64[index] = c
        sf.coord.full_fence()
        p0 = i64[_I64_PRODUCER]
        j = i64[_I64_JOIN]
    return c


def wake_producer_if_asleep(sf):
    """The reader side of the producer's *Space* wait (format.md, *Sleeping and waking*).

    With a new position stored: full fence, then, if the producer asked to be woken at the current Space
    Signal, move the signal on and wake it (the platform's ``move_on_and_wake``: an atomic add through
    FUTEX_WAKE_OP on Linux); an extra increment by a racing reader is harmless.
    """
    sf.coord.full_fence()
    request = sf.i32[L.OFF_SPACE_REQUEST >> 2]
    if request == sf.i32[L.OFF_SPACE_SIGNAL >> 2]:
        sf.coord.move_on_and_wake(L.OFF_SPACE_SIGNAL, request)


def sleep_until_published(sf, nothing_yet, deadline, longest):
    """The reader half of *Sleeping and waking* (format.md), once: read the Wake Signal, set Wake Wanted
    (a plain store: only the producer clears it, with an atomic exchange), full fence, look once more
    with ``nothing_yet()`` (the Dekker pattern with the producer's commit), then sleep on the signal (a
    futex on Linux, an event on Windows) for at most ``longest`` seconds, or until ``deadline``
    (``time.monotonic()``, ``None``: no deadline). Returns False if the deadline had passed, True once
    something was published or after one sleep, which may end early: the caller looks again.
    """
    i32 = sf.i32
    s = i32[L.OFF_WAKE_SIGNAL >> 2]        # 1. the signal, before anything else
    i32[L.OFF_WAKE_WANTED >> 2] = 1        # 2. ask to be woken
    sf.coord.full_fence()                  # 3. the store before the look (Dekker)
    if not nothing_yet():
        return True
    if deadline is None:
        t = longest
    else:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        t = min(longest, remaining)
    sf.coord.wait(L.OFF_WAKE_SIGNAL, s, t)  # 4. returns at once if the signal moved
    return True
