"""A queue created with an eviction lag: a Python consumer that falls behind is
evicted, and told exactly from which position it missed messages."""

import pytest

import mmq
from conftest import mmq_cmd, publish, requires_launcher, stat

pytestmark = requires_launcher


def create_evicting(path, lag):
    mmq_cmd("create", path, "--capacity", "64k", "--consumers", 4, "--max-message", "1k",
            "--evict-after-lag", lag)
    return path


def test_a_stalled_consumer_is_evicted_and_told_where_its_loss_begins(tmp_path):
    q = create_evicting(tmp_path / "q", "32k")
    with mmq.open_consumer(q, start="earliest") as stalled:
        first = [b"first %d" % i for i in range(10)]
        publish(q, first)
        got = []
        stalled.poll(lambda v: got.append(bytes(v)))
        assert got == first
        intact_until = stalled.position

        # A producer that would wait forever for a stalled consumer under the default policy
        # goes through: about 200 KiB, several rings, while this consumer reads nothing.
        publish(q, [b"x" * 1000 for _ in range(200)])
        assert "EVICTED" in stat(q)

        with pytest.raises(mmq.ConsumerEvictedError) as evicted:
            stalled.poll(lambda v: got.append(bytes(v)))
        assert evicted.value.position == intact_until
        assert "evicted for lagging more than 32768 bytes" in str(evicted.value)
        assert got == first, "nothing from the overwritten part of the ring was handed over"
        with pytest.raises(mmq.ConsumerEvictedError):
            stalled.read(timeout=0)
    assert "EVICTED" not in stat(q), "closing gives the slot back"


def test_a_consumer_that_keeps_up_is_never_evicted(tmp_path):
    q = create_evicting(tmp_path / "q", "32k")
    with mmq.open_consumer(q, start="earliest") as c:
        for round_ in range(10):
            lines = [b"%d-%d" % (round_, i) + b"." * 500 for i in range(40)]
            publish(q, lines)
            got = []
            c.poll(lambda v: got.append(bytes(v)))
            assert got == lines


def test_a_file_with_an_eviction_lag_beyond_the_ring_is_refused(tmp_path):
    q = create_evicting(tmp_path / "q", "32k")
    with open(q, "r+b") as f:
        f.seek(40)
        f.write((1 << 20).to_bytes(8, "little"))
    with pytest.raises(mmq.QueueFormatError, match="Eviction Lag"):
        mmq.open_consumer(q)
