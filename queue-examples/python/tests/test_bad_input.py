import os
import shutil
import struct
import time

import pytest

import mmq
from conftest import active_slots, producer_position, publish, requires_launcher, stat

pytestmark = requires_launcher

RING = 4096  # ring offset of a queue with 4 slots


def patch(path, offset, fmt, value):
    with open(path, "r+b") as f:   # only while no consumer of ours has the file open
        f.seek(offset)
        f.write(struct.pack(fmt, value))


def refused(path, field, exc=mmq.QueueFormatError):
    before = open(path, "rb").read()
    with pytest.raises(exc) as ei:
        mmq.open_consumer(path, start="earliest")
    assert isinstance(ei.value, mmq.MmqError)
    assert ei.value.field == field, ei.value
    assert str(path) in str(ei.value)
    assert open(path, "rb").read() == before, "a refused file must not be written"
    return ei.value


def test_text_file(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("hello, I am not a queue\n")
    refused(short, "file length")
    long = tmp_path / "long.txt"
    long.write_text("not a queue\n" * 1000)
    refused(long, "Magic")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty"
    empty.touch()
    refused(empty, "file length")


def test_truncated_and_extended_queue(queue, tmp_path):
    q = queue()
    t = tmp_path / "truncated"
    shutil.copy(q, t)
    os.truncate(t, os.path.getsize(q) - 4096)
    refused(t, "file length")
    e = tmp_path / "extended"
    shutil.copy(q, e)
    os.truncate(e, os.path.getsize(q) + 8)
    refused(e, "file length")


@pytest.mark.parametrize("version", [1, 8, 0x7FFFFFFF])
def test_wrong_version(queue, tmp_path, version):
    q = queue()
    v = tmp_path / "v"
    shutil.copy(q, v)
    patch(v, 8, "<i", version)
    err = refused(v, "Format Version", mmq.UnsupportedVersionError)
    assert err.version == version


def test_a_version_2_file_is_read_as_a_queue_that_never_evicts(queue, tmp_path):
    q = queue()
    patch(q, 8, "<i", 2)
    publish(q, [b"old", b"format"])
    with mmq.open_consumer(q, start="earliest") as c:
        assert [c.read(timeout=5), c.read(timeout=5)] == [b"old", b"format"]


def test_a_current_file_without_a_creation_id_is_refused(queue):
    q = queue()
    patch(q, 48, "<q", 0)
    refused(q, "Creation Id")


def test_the_creation_id_is_the_one_java_reads(queue):
    """Java created the file and stat prints its id; a queue created again at the same path has another."""
    q = queue()
    with mmq.open_consumer(q, start="earliest") as c:
        first = c.creation_id
    assert first != 0
    assert "  id %016x" % (first & (2**64 - 1)) in stat(q)
    os.remove(q)
    q2 = queue()
    assert q2 == q
    with mmq.open_consumer(q2, start="earliest") as c:
        assert c.creation_id not in (0, first)


def test_a_version_6_file_has_no_creation_id(queue):
    q = queue()
    patch(q, 8, "<i", 6)
    with mmq.open_consumer(q, start="earliest") as c:
        assert c.creation_id == 0


@pytest.mark.parametrize("offset,value,field", [
    (12, 128, "Header Length"),
    (28, 64, "Slot Length"),
    (16, 5000, "Ring Capacity"),
    (16, 2048, "Ring Capacity"),
    (20, 65536 // 8 + 1, "Max Message Length"),
    (20, -1, "Max Message Length"),
    (24, 0, "Consumer Slots"),
    (24, 4097, "Consumer Slots"),
    (24, 40, "Ring Offset"),      # 40 slots need a ring offset of 8192
    (32, 8192, "Ring Offset"),
])
def test_bad_geometry(queue, tmp_path, offset, value, field):
    q = queue()
    g = tmp_path / "g"
    shutil.copy(q, g)
    patch(g, offset, "<i", value)
    refused(g, field)


def message_positions(lines):
    pos, out = 0, []
    for l in lines:
        out.append(pos)
        pos += (8 + len(l) + 7) & ~7
    return out


LINES = [b"first", b"second message", b"third"]


@pytest.mark.parametrize("at,fmt,value,field", [
    (0, "<i", 0x7FFF0000, "Frame Length"),   # far beyond the ring
    (0, "<i", -8, "Frame Length"),           # negative
    (0, "<i", 4, "Frame Length"),            # shorter than its header
    (0, "<i", 8 + 8193, "Frame Length"),     # longer than Max Message Length
    (5, "<B", 1, "Lap"),                     # a frame from another lap
    (4, "<B", 3, "Type"),                    # unknown type
    (4, "<B", 2, "Frame Length"),            # padding that does not reach the end
])
def test_corrupt_frame_in_live_ring(queue, at, fmt, value, field):
    q = queue()
    publish(q, LINES)
    second = message_positions(LINES)[1]
    patch(q, RING + second + at, fmt, value)
    with mmq.open_consumer(q, start="earliest") as c:
        assert c.read(timeout=5) == b"first"
        t0 = time.monotonic()
        for _ in range(2):   # refused every time; never moves past it
            with pytest.raises(mmq.CorruptFrameError) as ei:
                c.read(timeout=5)
            assert ei.value.field == field, ei.value
            assert ei.value.position == second
            assert str(q) in str(ei.value)
            assert c.position == second
        with pytest.raises(mmq.CorruptFrameError):
            c.poll(lambda v: None)
        assert time.monotonic() - t0 < 5, "a corrupt frame must fail at once, not wait"


def test_corrupt_lap_with_consistent_frame_fails_not_loops(queue):
    """A whole ring of valid-looking frames from another lap: still refused."""
    q = queue(capacity="4k")
    publish(q, [b"x" * 100] * 5)
    for pos in message_positions([b"x" * 100] * 5):
        patch(q, RING + pos + 5, "<B", 7)
    with mmq.open_consumer(q, start="earliest") as c:
        with pytest.raises(mmq.CorruptFrameError) as ei:
            c.read(timeout=5)
        assert ei.value.field == "Lap" and ei.value.position == 0


@pytest.mark.parametrize("join", [-8, 12, 1 << 40])
def test_bad_start_position(queue, join):
    q = queue(consumers=1)
    publish(q, LINES)
    patch(q, 136, "<q", join)
    with pytest.raises(mmq.QueueFormatError) as ei:
        mmq.open_consumer(q, start="earliest")
    assert ei.value.field == "Join Position"
    assert str(q) in str(ei.value)
    # nothing was left behind: the only slot is free and can be taken
    assert active_slots(q) == 0
    if join > producer_position(q):
        # a join position ahead of the producer also stops a "latest" joiner
        # while it settles, and it leaves the slot free again
        with pytest.raises(mmq.QueueFormatError) as ei:
            mmq.open_consumer(q, start="latest")
        assert ei.value.field == "Join Position"
        assert active_slots(q) == 0
        patch(q, 136, "<q", 0)
    with mmq.open_consumer(q, start="latest") as c:
        assert c.slot == 0


def test_bad_producer_position_for_latest(queue):
    q = queue()
    patch(q, 128, "<q", 13)
    with pytest.raises(mmq.QueueFormatError) as ei:
        mmq.open_consumer(q, start="latest")
    assert ei.value.field == "Producer Position"


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        mmq.open_consumer(tmp_path / "nope")
