"""The Windows locks and wake-ups of mmq/_windows.py, run against the Kernel32 model between modelled
processes (the twin of the Java side's WindowsMutexLocksTest and WindowsEventWakeSignalTest). Runs on
every OS. A sleeper here waits up to a minute; a test that sees it return within seconds saw it woken."""

import threading
import time

import pytest

from fake_kernel32 import ERROR_ALREADY_EXISTS, FakeWindows
from mmq import _layout as L
from mmq import _windows, _winnames
from mmq._coordination import LockId
from mmq.errors import MmqError

PATH = "C:\\queues\\locks.mmq"
PREFIX = _winnames.prefix_for_real_path("Local", PATH)
WAKE = L.OFF_WAKE_SIGNAL
A_MINUTE = 60.0


@pytest.fixture
def windows():
    return FakeWindows()


@pytest.fixture
def header():
    """The header's signals, as 32-bit integers (what the mapping's i32 view is to the reader)."""
    return memoryview(bytearray(256)).cast("i")


@pytest.fixture
def opened():
    coordinations = []
    yield coordinations
    for c in coordinations:
        try:
            c.close()
        except Exception:
            pass   # a killed process's calls fail


@pytest.fixture
def process_on(windows, header, opened):
    """process_on(name) -> (WindowsCoordination, FakeProcess): the reader's Windows half in a new
    modelled process."""
    def start(name):
        process = windows.start_process(name)
        c = _windows.WindowsCoordination(process, PREFIX, header, PATH)
        opened.append(c)
        return c, process
    return start


def on_own_thread(call):
    box = []
    t = threading.Thread(target=lambda: box.append(call()))
    t.start()
    t.join()
    return box[0]


def in_background(call):
    done = threading.Event()
    box = []

    def run():
        box.append(call())
        done.set()
    threading.Thread(target=run, daemon=True).start()
    return done, box


def wait_until(condition, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for " + what
        time.sleep(0.001)


# ---------------------------------------------------------------------- locks (ProcessLocksContract)

def test_a_free_lock_is_taken_then_released_then_taken_again(process_on):
    this, _ = process_on("this")
    other, _ = process_on("other")
    assert this.try_lock(LockId.producer())
    assert not other.try_lock(LockId.producer())
    this.unlock(LockId.producer())
    assert other.try_lock(LockId.producer())


def test_a_lock_this_process_holds_is_never_handed_out_twice_whichever_thread_asks(process_on):
    this, _ = process_on("this")
    assert this.try_lock(LockId.slot(3))
    assert not this.try_lock(LockId.slot(3)), "the mutex is recursive for the keeper: it must say held"
    assert not on_own_thread(lambda: this.try_lock(LockId.slot(3)))


def test_a_lock_stays_held_when_the_thread_that_took_it_ends(windows, process_on):
    this, _ = process_on("this")
    other, _ = process_on("other")
    assert on_own_thread(lambda: this.try_lock(LockId.slot(0)))
    assert not other.try_lock(LockId.slot(0)), "not abandoned: the keeper thread owns it"
    owner = windows.mutex_owner(PREFIX + "-slot-0")
    assert owner.name == "mmq-mutex-keeper " + PREFIX and owner.daemon


def test_a_lock_whose_holder_was_killed_is_free_and_abandoned_counts_as_taken(process_on):
    this, _ = process_on("this")
    holder, holder_process = process_on("holder")
    assert holder.try_lock(LockId.producer())
    assert not this.try_lock(LockId.producer())
    holder_process.kill()
    assert this.try_lock(LockId.producer()), "WAIT_ABANDONED means taken"


def test_locks_are_independent_of_each_other(process_on):
    this, _ = process_on("this")
    other, _ = process_on("other")
    assert this.try_lock(LockId.slot(0))
    assert other.try_lock(LockId.slot(1))
    assert other.try_lock(LockId.table())
    assert not this.try_lock(LockId.table())


def test_each_lock_is_the_mutex_named_from_the_file_in_the_session_namespace(windows, process_on):
    this, _ = process_on("this")
    assert this.try_lock(LockId.table())
    probe = windows.start_process("probe")
    handle = probe.create_mutex(PREFIX + "-table")
    assert probe.get_last_error() == ERROR_ALREADY_EXISTS, "the same object, by name"
    probe.close_handle(handle)
    assert PREFIX.startswith("Local\\mmq-")


def test_the_table_lock_waits_for_its_holder_then_gives_up_naming_the_file(process_on, monkeypatch):
    this, _ = process_on("this")
    holder, _ = process_on("holder")
    assert holder.try_lock(LockId.table())
    done, box = in_background(lambda: this.lock(LockId.table()) or "taken")
    time.sleep(0.05)
    assert not done.is_set(), "waits while another process holds it"
    holder.unlock(LockId.table())
    assert done.wait(10) and box == ["taken"]

    this.unlock(LockId.table())
    assert holder.try_lock(LockId.table())
    monkeypatch.setattr(_windows, "TABLE_LOCK_TIMEOUT", 0.05)
    with pytest.raises(MmqError, match=r"locks\.mmq: the table lock has been held by another process"):
        this.lock(LockId.table())


def test_releasing_and_closing_leave_no_handle_or_object_behind(windows, process_on):
    this, process = process_on("this")
    for slot in range(100):
        assert this.try_lock(LockId.slot(slot))
        this.unlock(LockId.slot(slot))
    this.try_lock(LockId.producer())
    this.try_lock(LockId.slot(7))
    this.close()
    assert process.open_handle_count() == 0
    assert windows.named_object_count() == 0
    this.close()   # idempotent
    with pytest.raises(MmqError, match="closed"):
        this.try_lock(LockId.slot(0))


def test_a_kernel_failure_is_a_clear_error_naming_the_file_and_the_object(windows, process_on):
    this, _ = process_on("this")
    other = windows.start_process("other")
    clash = other.create_event(PREFIX + "-table", True)   # an event where a mutex should be
    with pytest.raises(MmqError) as e:
        this.try_lock(LockId.table())
    assert PATH in str(e.value) and PREFIX + "-table" in str(e.value)
    other.close_handle(clash)


def test_unlocking_a_lock_not_held_is_an_error(process_on):
    this, _ = process_on("this")
    with pytest.raises(MmqError, match="slot-2 lock is not held"):
        this.unlock(LockId.slot(2))


# ---------------------------------------------------------------------- fence

def test_the_full_fence_is_flush_process_write_buffers(process_on):
    this, process = process_on("this")
    this.full_fence()
    assert process.fences == 1


# ---------------------------------------------------------------------- sleeping and waking

def event_openers(windows, name):
    """How many handles other than a probe's are open to the named event."""
    probe = windows.start_process("probe")
    h = probe.create_event(name, True)
    n = windows.handles_of(name) - 1
    probe.close_handle(h)
    return n


def test_every_sleeper_in_every_process_wakes_when_the_signal_moves_on(windows, process_on, header):
    sleepers = [in_background(lambda c=process_on("consumer-%d" % i)[0]: c.wait(WAKE, 0, A_MINUTE))
                for i in range(3)]
    wait_until(lambda: event_openers(windows, PREFIX + "-wake-0") == 3, "the sleepers to open their event")
    assert not any(done.is_set() for done, _ in sleepers), "asleep while the signal stands"
    producer, _ = process_on("producer")
    producer.move_on_and_wake(WAKE, 0)
    assert header[WAKE >> 2] == 1
    for done, _ in sleepers:
        assert done.wait(10)


def test_no_wake_up_is_lost_when_the_waker_acts_before_the_sleeper_opens_its_event(process_on, header):
    late, _ = process_on("consumer")
    producer, _ = process_on("producer")
    # The sleeper read 7; then the producer moved on and set an event nobody had open, which vanished
    # with its handle. Only the sleeper's re-read, after opening its (new, unset) event, can save it.
    header[WAKE >> 2] = 7
    producer.move_on_and_wake(WAKE, 7)
    started = time.monotonic()
    late.wait(WAKE, 7, A_MINUTE)
    assert time.monotonic() - started < 10, "it saw the signal moved and did not wait"


def test_no_wake_up_is_lost_when_the_waker_acts_between_opening_and_re_reading(process_on, header):
    sleeper, sleeper_process = process_on("consumer")
    producer, _ = process_on("producer")
    # The worst moment: the sleeper has its event open but has not re-read the signal yet.
    sleeper_process.after_create_event = lambda name: producer.move_on_and_wake(WAKE, 0)
    started = time.monotonic()
    sleeper.wait(WAKE, 0, A_MINUTE)
    assert time.monotonic() - started < 10, "woken: the waker's SetEvent found the open event"


def test_no_wake_up_is_lost_when_the_waker_acts_between_re_reading_and_waiting(process_on, header):
    sleeper, sleeper_process = process_on("consumer")
    producer, _ = process_on("producer")
    # The sleeper has re-read 0 and is about to wait: the waker's SetEvent finds its open event.
    sleeper_process.before_wait = lambda handle: producer.move_on_and_wake(WAKE, 0)
    started = time.monotonic()
    sleeper.wait(WAKE, 0, A_MINUTE)
    assert time.monotonic() - started < 10, "the manual-reset event was set before the wait began"


def test_a_sleeper_nobody_wakes_returns_after_its_timeout(process_on):
    sleeper, _ = process_on("consumer")
    started = time.monotonic()
    sleeper.wait(WAKE, 0, 0.03)
    assert time.monotonic() - started >= 0.03


def test_sleeping_and_waking_leave_no_event_behind(windows, process_on):
    sleeper, sleeper_process = process_on("consumer")
    done, _ = in_background(lambda: sleeper.wait(WAKE, 0, A_MINUTE))
    wait_until(lambda: event_openers(windows, PREFIX + "-wake-0") == 1, "the sleeper to open its event")
    producer, producer_process = process_on("producer")
    producer.move_on_and_wake(WAKE, 0)
    assert done.wait(10)
    assert sleeper_process.open_handle_count() == 0 and producer_process.open_handle_count() == 0
    assert windows.named_object_count() == 0


def test_signals_wrap_around_and_events_are_named_by_the_unsigned_value(windows, process_on, header):
    header[L.OFF_SPACE_SIGNAL >> 2] = -1
    sleeper, _ = process_on("producer")
    done, _ = in_background(lambda: sleeper.wait(L.OFF_SPACE_SIGNAL, -1, A_MINUTE))
    wait_until(lambda: event_openers(windows, PREFIX + "-space-4294967295") == 1,
               "the sleeper to open the event of 2^32 - 1")
    waker, _ = process_on("consumer")
    waker.move_on_and_wake(L.OFF_SPACE_SIGNAL, -1)
    assert header[L.OFF_SPACE_SIGNAL >> 2] == 0
    assert done.wait(10)

    header[WAKE >> 2] = 2 ** 31 - 1
    waker.move_on_and_wake(WAKE, 2 ** 31 - 1)
    assert header[WAKE >> 2] == -2 ** 31
