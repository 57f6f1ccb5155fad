"""The reader's consumer protocol (claim, reap, leave, sleep and wake) with its Windows half, between
modelled processes sharing one real mapped queue file: the same consumer.py as on Linux, over
mmq/_windows.py and the Kernel32 model (the twin of the Java side's ConsumerSlotsOnWindowsTest).
Runs on every OS, without Java: the file and its producer are the tests' own (queue_file.py)."""

import threading
import time

import pytest

import mmq
from fake_kernel32 import FakeWindows
from mmq import _layout as L
from mmq import _platform, _windows, _winnames
from mmq._coordination import LockId
from queue_file import StandInProducer, create_queue


@pytest.fixture
def windows():
    return FakeWindows()


@pytest.fixture
def reader_process(windows, monkeypatch):
    """This Python process, as a modelled Windows process: every consumer it opens coordinates through
    the model, named as format.md says."""
    process = windows.start_process("python reader")
    monkeypatch.setattr(_platform, "check_platform", lambda: None)
    monkeypatch.setattr(_platform, "open_coordination", lambda path, sf: _windows.WindowsCoordination(
        process, prefix_of(path), sf.i32, path))
    return process


@pytest.fixture
def others(windows):
    """others(name, path) -> WindowsCoordination of another modelled process (a Java producer or
    consumer, say) on the queue at ``path``."""
    opened = []

    def start(name, path):
        process = windows.start_process(name)
        c = _windows.WindowsCoordination(process, prefix_of(path), None, str(path))
        c.process = process
        opened.append(c)
        return c
    yield start
    for c in opened:
        try:
            c.close()
        except Exception:
            pass   # a killed process's calls fail


@pytest.fixture
def producer(windows):
    """producer(path) -> a StandInProducer in a modelled process of its own."""
    made = []

    def start(path):
        p = StandInProducer(path, None)
        p._coordination = _windows.WindowsCoordination(windows.start_process("producer"), prefix_of(path),
                                                       p._i32, str(path))
        made.append(p)
        return p
    yield start
    for p in made:
        p._coordination.close()
        p.close()


def prefix_of(path):
    return _winnames.prefix_for_real_path("Local", str(path))


def joined_slot_held_by(other, producer, slot):
    """Another process holds ``slot``: its mutex, and an ACTIVE State, as a joined consumer leaves them."""
    assert other.try_lock(LockId.slot(slot))
    producer.slot_state(slot, L.STATE_ACTIVE)


def test_a_consumer_claims_the_first_slot_no_live_process_holds(tmp_path, reader_process, others,
                                                                 producer, windows):
    q = create_queue(tmp_path / "q", slots=2)
    java = others("java consumer", q)
    joined_slot_held_by(java, producer(q), 0)
    with mmq.open_consumer(q) as c:
        assert c.slot == 1
        owner = windows.mutex_owner(prefix_of(q) + "-slot-1")
        assert owner.name.startswith("mmq-mutex-keeper "), "owned by the keeper, not the caller"
        with pytest.raises(mmq.QueueBusyError):
            mmq.open_consumer(q)


def test_the_slot_of_a_killed_holder_is_reaped_through_its_abandoned_mutex(tmp_path, reader_process,
                                                                           others, producer):
    q = create_queue(tmp_path / "q", slots=1)
    java = others("java consumer", q)
    joined_slot_held_by(java, producer(q), 0)
    with pytest.raises(mmq.QueueBusyError):
        mmq.open_consumer(q)
    java.process.kill()   # its mutex is abandoned; its slot still says ACTIVE
    with mmq.open_consumer(q) as c:
        assert c.slot == 0


def test_a_consumer_opened_on_a_thread_that_ends_keeps_its_slot(tmp_path, reader_process, others):
    q = create_queue(tmp_path / "q", slots=1)
    box = []
    t = threading.Thread(target=lambda: box.append(mmq.open_consumer(q)))
    t.start()
    t.join()
    c = box[0]
    try:
        assert not others("other", q).try_lock(LockId.slot(0)), "held, not abandoned by the thread's end"
    finally:
        c.close()
    assert others("later", q).try_lock(LockId.slot(0)), "released by close"


def test_closing_the_last_consumer_leaves_no_handle_or_object_behind(tmp_path, reader_process, windows):
    q = create_queue(tmp_path / "q")
    a = mmq.open_consumer(q)
    b = mmq.open_consumer(q)
    a.close()
    b.close()
    assert reader_process.open_handle_count() == 0
    assert windows.named_object_count() == 0


def test_a_name_held_by_a_live_process_is_refused_and_resumed_after_its_death(tmp_path, reader_process,
                                                                             others, producer):
    q = create_queue(tmp_path / "q", slots=2)
    p = producer(q)
    with mmq.open_consumer(q, name="worker") as c:
        p.publish(b"one")
        assert c.read(timeout=0) == b"one"
        slot = c.slot
    java = others("java", q)
    assert java.try_lock(LockId.slot(slot))   # the name's next holder, in another process
    p.slot_state(slot, L.STATE_ACTIVE)
    with pytest.raises(mmq.ConsumerNameTakenError):
        mmq.open_consumer(q, name="worker")
    java.process.kill()
    with mmq.open_consumer(q, name="worker") as back:
        assert back.slot == slot


def test_a_sleeping_reader_is_woken_through_the_event_of_the_signal_it_saw(tmp_path, reader_process,
                                                                          producer, windows):
    q = create_queue(tmp_path / "q")
    p = producer(q)
    with mmq.open_consumer(q) as c:
        c._sleep = 60.0   # no periodic re-check: only the producer's wake-up can end the sleep in time
        box = []
        reader = threading.Thread(target=lambda: box.append(c.read(timeout=30)))
        started = time.monotonic()
        reader.start()
        wait_until(lambda: windows.handles_of(prefix_of(q) + "-wake-0") == 1, "the reader to sleep")
        p.publish(b"wake up")
        reader.join(30)
        assert box == [b"wake up"]
        assert time.monotonic() - started < 20, "woken by the producer, not by a 60 s re-check"
        assert p.signal(L.OFF_WAKE_SIGNAL) == 1


def test_waiting_asks_for_a_wake_up_and_fences_before_looking_again(tmp_path, reader_process):
    q = create_queue(tmp_path / "q")
    with mmq.open_consumer(q) as c:
        fences = reader_process.fences
        assert c.read(timeout=0.05) is None
        assert reader_process.fences > fences
        assert c._sf.i32[L.OFF_WAKE_WANTED >> 2] == 1


def test_a_consumer_that_makes_room_wakes_the_producer_asleep_on_a_full_ring(tmp_path, reader_process,
                                                                            producer, windows):
    q = create_queue(tmp_path / "q")
    p = producer(q)
    with mmq.open_consumer(q) as c:
        p.publish(b"m")
        seen = p.ask_for_space()
        done = threading.Event()
        threading.Thread(target=lambda: (p._coordination.wait(L.OFF_SPACE_SIGNAL, seen, 60), done.set()),
                         daemon=True).start()
        wait_until(lambda: windows.handles_of("%s-space-%d" % (prefix_of(q), seen)) == 1,
                   "the producer to sleep")
        assert c.read(timeout=0) == b"m"   # moves the position on: room
        assert done.wait(10), "woken by the consumer"
        assert p.signal(L.OFF_SPACE_SIGNAL) == seen + 1


def wait_until(condition, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for " + what
        time.sleep(0.001)
