import subprocess
import sys
import time

import pytest

import mmq
from conftest import (PY_ROOT, active_slots, producer_position, publish, publish_async,
                      requires_launcher, stat)

pytestmark = requires_launcher


def drain(c, limit=None):
    out = []
    c.poll(lambda v: out.append(bytes(v)), limit)
    return out


def test_earliest_reads_everything_in_order(queue):
    q = queue()
    lines = [b"message %d" % i for i in range(200)]
    publish(q, lines)
    with mmq.open_consumer(q, start="earliest") as c:
        assert c.position == 0
        assert drain(c) == lines
        assert c.read(timeout=0) is None


def test_zero_length_messages(queue):
    q = queue()
    lines = [b"", b"a", b"", b"", b"bc", b""]
    publish(q, lines)
    with mmq.open_consumer(q, start="earliest") as c:
        got = [c.read(timeout=5) for _ in lines]
        assert got == lines
        assert c.read(timeout=0) is None
        # six frames of 8 + len bytes, each aligned to 8
        assert c.position == 8 * 4 + 16 * 2


def test_latest_skips_history_and_earliest_keeps_it(queue):
    q = queue()
    publish(q, [b"old 1", b"old 2"])
    with mmq.open_consumer(q, start="latest") as late, \
            mmq.open_consumer(q, start="earliest") as early:
        assert late.position == producer_position(q)
        assert late.read(timeout=0) is None
        publish(q, [b"new 1", b"new 2"])
        assert [late.read(timeout=10) for _ in range(2)] == [b"new 1", b"new 2"]
        assert drain(early) == [b"old 1", b"old 2", b"new 1", b"new 2"]


def test_start_is_taken_in_either_case_as_java_spells_it_too(queue):
    q = queue()
    publish(q, [b"old"])
    with mmq.open_consumer(q, start="EARLIEST") as early, \
            mmq.open_consumer(q, start="Latest") as late:
        assert drain(early) == [b"old"]
        assert late.position == producer_position(q)


def test_the_tail_example_takes_from_in_either_case(queue):
    q = queue()
    publish(q, [b"one", b"two"])
    for start in ("EARLIEST", "earliest"):
        r = subprocess.run([sys.executable, str(PY_ROOT / "examples" / "tail.py"), str(q), "--from", start,
                            "--count", "2", "--timeout", "10"], capture_output=True, timeout=60)
        assert (r.returncode, r.stdout, r.stderr) == (0, b"one\ntwo\n", b""), start


def test_position_and_lag(queue):
    q = queue()
    with mmq.open_consumer(q) as c:
        start = c.position
        assert c.lag == 0
        publish(q, [b"x" * 10, b"y" * 3])
        end = producer_position(q)
        assert end == start + 24 + 16
        assert c.lag == end - start
        assert drain(c, limit=1) == [b"x" * 10]
        assert c.position == start + 24
        assert c.lag == 16
        assert drain(c) == [b"y" * 3]
        assert c.position == end and c.lag == 0
        # the slot's Position in the file is what stat (Java) reports
        assert "position {:,}  lag 0 B".format(end) in stat(q)


def test_wrap_around_small_ring_while_producer_runs(queue):
    q = queue(capacity="4k")
    lines = [(b"%05d-" % i) + b"z" * ((i * 37) % 300) for i in range(600)]
    total = sum(8 + len(l) for l in lines)
    assert total > 20 * 4096   # many laps, padding frames at the ring's end
    with mmq.open_consumer(q, start="latest") as c:
        producer = publish_async(q, lines)
        try:
            got = []
            deadline = time.monotonic() + 60
            while len(got) < len(lines):
                m = c.read(timeout=max(0.0, deadline - time.monotonic()))
                assert m is not None, "timed out after %d messages" % len(got)
                got.append(m)
            assert got == lines
            assert producer.wait(timeout=60) == 0, producer.stderr.read()
        finally:
            if producer.poll() is None:
                producer.kill()
                producer.wait()
        assert c.position == producer_position(q)
        assert c.position > 20 * 4096


def test_blocking_read_wakes_for_a_later_message(queue):
    q = queue()
    with mmq.open_consumer(q) as c:
        producer = publish_async(q, [b"first", b"second"])
        try:
            assert c.read(timeout=30) == b"first"
            assert c.read(timeout=30) == b"second"
        finally:
            producer.wait(timeout=30)


def test_a_sleeping_reader_is_woken_by_the_java_producer(queue):
    q = queue()
    with mmq.open_consumer(q) as c:
        c._sleep = 60.0  # no periodic re-check: only the producer's wake-up can end the sleep in time
        producer = publish_async(q, [b"wake up"])
        try:
            started = time.monotonic()
            assert c.read(timeout=30) == b"wake up"
            assert time.monotonic() - started < 20, "woken by the producer, not by a 60 s re-check"
        finally:
            producer.wait(timeout=30)


def test_idle_read_times_out_without_spinning(queue):
    q = queue()
    with mmq.open_consumer(q) as c:
        cpu0, t0 = time.process_time(), time.monotonic()
        assert c.read(timeout=0.5) is None
        elapsed, cpu = time.monotonic() - t0, time.process_time() - cpu0
        assert elapsed >= 0.5
        assert cpu < 0.6 * elapsed, "waiting used %.3f s CPU in %.3f s" % (cpu, elapsed)


def test_iteration(queue):
    q = queue()
    publish(q, [b"1", b"2", b"3"])
    with mmq.open_consumer(q, start="earliest") as c:
        got = []
        for m in c:
            got.append(m)
            if len(got) == 3:
                c.close()
        assert got == [b"1", b"2", b"3"]


def test_handler_view_is_zero_copy_read_only_and_released(queue):
    q = queue()
    publish(q, [b"hello", b"world"])
    kept = []
    with mmq.open_consumer(q, start="earliest") as c:
        def handler(v):
            assert isinstance(v, memoryview) and v.readonly
            assert v.tobytes() == b"hello"
            with pytest.raises(TypeError):
                v[0] = 1
            kept.append(v)
        assert c.poll(handler, limit=1) == 1
        with pytest.raises(ValueError):
            kept[0].tobytes()   # released after the call


def test_a_message_whose_handler_raises_counts_as_read(queue):
    q = queue()
    publish(q, [b"a", b"b", b"c"])
    with mmq.open_consumer(q, start="earliest") as c:
        seen = []

        def handler(v):
            seen.append(bytes(v))
            if bytes(v) == b"b":
                raise RuntimeError("boom")
        with pytest.raises(RuntimeError):
            c.poll(handler)
        assert seen == [b"a", b"b"]
        assert c.poll(handler) == 1, "b is not delivered again, as in the Java consumer"
        assert seen == [b"a", b"b", b"c"]


def test_numpy_view(queue):
    np = pytest.importorskip("numpy")
    q = queue()
    publish(q, [b"\x01\x02\x03\x04"])
    sums = []
    with mmq.open_consumer(q, start="earliest") as c:
        c.poll(lambda v: sums.append(int(mmq.as_numpy(v, np.uint8).sum())))
    assert sums == [10]


def test_close_frees_the_slot_and_is_idempotent(queue):
    q = queue(consumers=2)
    c = mmq.open_consumer(q)
    d = mmq.open_consumer(q)
    assert {c.slot, d.slot} == {0, 1}
    assert active_slots(q) == 2
    c.close()
    c.close()
    assert active_slots(q) == 1
    with pytest.raises(mmq.ClosedError):
        c.poll(lambda v: None)
    e = mmq.open_consumer(q)
    assert e.slot == 0
    e.close()
    d.close()
    assert active_slots(q) == 0


def test_all_slots_busy(queue):
    q = queue(consumers=1)
    with mmq.open_consumer(q):
        with pytest.raises(mmq.QueueBusyError) as ei:
            mmq.open_consumer(q)
        assert str(q) in str(ei.value)
    with mmq.open_consumer(q) as again:
        assert again.slot == 0


def test_bad_start_argument(queue):
    with pytest.raises(ValueError):
        mmq.open_consumer(queue(), start="middle")

