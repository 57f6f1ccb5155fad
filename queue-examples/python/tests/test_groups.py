"""Consumer groups from Python: the members of a group share one stream, each message handled by one of
them; a member that leaves or dies hands its unfinished claim on; Python and Java members share a group."""

import os
import re
import signal
import struct
import sys
import time
from pathlib import Path

import pytest

import mmq
from conftest import (handled_log, java_child, mmq_cmd, publish, python_child, requires_java_tests,
                      requires_launcher, stat, wait_until)
from group_member import CheckedMessages

pytestmark = [requires_launcher, pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="consumer groups need Linux in the Python reader (an atomic OR through futex FUTEX_WAKE_OP)")]

HERE = Path(__file__).resolve().parent
SEED = 2026


def take(member, limit=None):
    got = []
    member.poll(lambda view: got.append(bytes(view)), limit)
    return got


def messages(first, end):
    return [b"m%d" % i for i in range(first, end)]


def slot_fields(path, slot):
    """(State, Orphans, Position) of a slot, read from the file."""
    with open(path, "rb") as f:
        f.seek(256 + slot * 128)
        return struct.unpack("<iiq", f.read(16))


def group_queue(tmp_path, name="q", max_message=None):
    args = ["create", tmp_path / name, "--capacity", "64k", "--consumers", 8]
    if max_message is not None:
        args += ["--max-message", max_message]
    mmq_cmd(*args)
    return tmp_path / name


# ---------------------------------------------------------------- sharing the stream


def test_two_members_in_one_process_share_the_stream_each_message_once(tmp_path):
    q = group_queue(tmp_path)
    with mmq.open_group_member(q, "workers", batch=4) as a, \
            mmq.open_group_member(q, "workers", batch=4) as b:
        assert a.created_group and not b.created_group
        assert a.group_slot == b.group_slot != a.slot != b.slot
        publish(q, messages(0, 300))
        got = {a: [], b: []}
        while True:
            handled = 0
            for member in (a, b):
                mine = take(member, 7)
                got[member] += mine
                handled += len(mine)
            if not handled:
                break
    everything = got[a] + got[b]
    assert sorted(everything) == sorted(messages(0, 300)), "every message, none twice"
    assert got[a] and got[b], "both members got a share: %d and %d" % (len(got[a]), len(got[b]))


def test_a_member_handles_its_claim_in_order_a_batch_at_a_time(tmp_path):
    q = group_queue(tmp_path)
    with mmq.open_group_member(q, "ordered", batch=5) as member:
        publish(q, messages(0, 12))
        assert take(member, 3) == messages(0, 3)
        with mmq.open_group_member(q, "ordered", batch=5) as other:
            assert take(other, 5) == messages(5, 10), "the first member's batch is its own"
            assert take(member, 10) == messages(3, 5) + messages(10, 12)


def test_a_new_group_starts_at_latest_or_earliest_and_an_existing_one_goes_on(tmp_path):
    q = group_queue(tmp_path)
    publish(q, messages(0, 3))
    with mmq.open_group_member(q, "late") as late, \
            mmq.open_group_member(q, "early", start="earliest") as early:
        publish(q, messages(3, 5))
        assert take(late) == messages(3, 5)
        assert take(early) == messages(0, 5)
        assert late.lag == 0 and late.position == early.position
    with mmq.open_group_member(q, "early", start="latest") as again:
        publish(q, messages(5, 6))
        assert take(again) == messages(5, 6), "the group kept its place; start is for new groups"


def test_the_start_of_a_new_group_is_taken_in_either_case(tmp_path):
    q = group_queue(tmp_path)
    publish(q, messages(0, 2))
    with mmq.open_group_member(q, "early", start="EARLIEST") as early, \
            mmq.open_group_member(q, "late", start="Latest") as late:
        assert take(early) == messages(0, 2)
        assert take(late) == []


def test_read_and_iteration_deliver_the_members_share(tmp_path):
    q = group_queue(tmp_path)
    with mmq.open_group_member(q, "it", start="earliest") as member:
        assert member.read(timeout=0) is None
        publish(q, messages(0, 3))
        assert member.read(timeout=5) == b"m0"
        assert [m for _, m in zip(range(2), member)] == messages(1, 3)
    with pytest.raises(mmq.ClosedError):
        member.poll(lambda v: None)
    member.close()  # twice is fine


def test_a_closed_members_unfinished_claim_is_finished_by_another_from_the_next_message(tmp_path):
    q = group_queue(tmp_path)
    with mmq.open_group_member(q, "handover", batch=10) as staying:
        leaving = mmq.open_group_member(q, "handover", batch=10)
        publish(q, messages(0, 30))
        assert take(leaving, 3) == messages(0, 3)
        assert take(staying, 10) == messages(10, 20)
        leaving.close()
        assert "orphaned claims 1" in stat(q)
        assert take(staying, 7) == messages(3, 10), "the orphaned claim, first"
        assert take(staying, 2) == messages(20, 22)
        assert "orphaned claims 0" in stat(q)


def test_a_member_that_finished_its_claim_leaves_nothing_behind(tmp_path):
    q = group_queue(tmp_path)
    with mmq.open_group_member(q, "tidy", batch=4) as member:
        publish(q, messages(0, 4))
        assert take(member) == messages(0, 4)
        member_slot = member.slot
    state, _, _ = slot_fields(q, member_slot)
    assert state == 0  # FREE
    assert "orphaned claims 0" in stat(q)


def test_the_group_holds_the_producer_back_while_no_member_is_there(tmp_path):
    q = group_queue(tmp_path, max_message="1k")
    with mmq.open_group_member(q, "durable") as member:
        pass
    writer = publish_more_than_a_ring(q)
    try:
        # (mmq publish gives up after 10 s on a full ring: well after this)
        wait_until(lambda: "asleep on a full ring" in stat(q), 8, "the absent group to hold the producer back")
        got = []
        with mmq.open_group_member(q, "durable") as back:
            deadline = time.monotonic() + 8
            while len(got) < 200 and time.monotonic() < deadline:
                back.poll(lambda v: got.append(bytes(v[:4])), None, timeout=0.1)
        assert got == [b"%04d" % i for i in range(200)]
        assert writer.wait(30) == 0
    finally:
        writer.kill()
    del member


def publish_more_than_a_ring(q):
    from conftest import publish_async
    return publish_async(q, [b"%04d" % i + b"x" * 900 for i in range(200)])


# ---------------------------------------------------------------- dead members


def holder_script(tmp_path, body):
    """A child Python process that joins group 'workers' (created at earliest), does ``body``, prints
    READY and waits to be killed."""
    script = tmp_path / "holder.py"
    script.write_text(
        "import sys, time\n"
        "sys.path.insert(0, %r)\n"
        "import mmq\n"
        "from mmq import _layout as L, _linux, _slots\n"
        "from mmq._coordination import LockId\n"
        "m = mmq.open_group_member(sys.argv[1], 'workers', start='earliest', batch=10)\n"
        "%s\n"
        "print('READY', flush=True)\n"
        "time.sleep(600)\n" % (str(HERE.parent), body))
    return script


def kill(child):
    os.kill(child.proc.pid, signal.SIGKILL)
    child.kill()


def test_a_killed_python_members_claim_is_adopted_from_the_message_after_its_last(tmp_path):
    q = group_queue(tmp_path)
    publish(q, messages(0, 30))
    child = python_child(tmp_path, "victim",
                         holder_script(tmp_path, "assert m.poll(lambda v: None, 3) == 3"), q)
    try:
        child.await_line("READY", 30)  # it claimed m0 to m9 and handled three
        with mmq.open_group_member(q, "workers", batch=10) as survivor:
            kill(child)
            got = []
            wait_until(lambda: survivor.poll(lambda v: got.append(bytes(v))) == 0 and len(got) >= 27,
                       20, "the dead member's claim to be handed on")
        assert sorted(got) == sorted(messages(3, 30)), "the rest of its claim once, nothing it handled"
        assert got[got.index(b"m3"):got.index(b"m3") + 7] == messages(3, 10)
    finally:
        child.kill()


def test_a_dead_member_is_reaped_by_a_python_consumer_that_finds_no_free_slot(tmp_path):
    q = tmp_path / "q"
    mmq_cmd("create", q, "--capacity", "64k", "--consumers", 2)
    child = python_child(tmp_path, "victim", holder_script(tmp_path, "pass"), q)
    try:
        child.await_line("READY", 30)  # the group and its member: both slots
        kill(child)
        with mmq.open_consumer(q) as consumer:  # reaps the dead member's slot, which had no claim
            assert consumer.slot == 1
    finally:
        child.kill()


# ---------------------------------------------------------------- with Java members


class JavaMember:
    """io.mmq.mmap.process.GroupMemberProcess: checks each message and logs its sequence."""

    def __init__(self, tmp_path, q, name, batch, count):
        self.log = tmp_path / (name + ".log")
        self.child = java_child(tmp_path, name, "GroupMemberProcess", q, "workers", SEED, 120, batch,
                                self.log, count)
        self.child.await_line("JOINED", 60)

    def handled(self):
        return handled_log(self.log)

    def stop(self):
        self.child.send("STOP")
        done = self.child.await_line("DONE", 60)
        assert self.child.proc.wait(30) == 0, done
        return done


def java_producer(tmp_path, q, count):
    return java_child(tmp_path, "producer", "GroupProducerProcess", q, SEED, count)


@requires_java_tests
def test_a_python_member_and_a_java_member_share_the_stream_each_message_once(tmp_path):
    q = group_queue(tmp_path, max_message=128)
    count = 20000
    java = JavaMember(tmp_path, q, "java", 16, count)
    producer = None
    try:
        checked = CheckedMessages(SEED, 120)
        mine = []

        def handle(view):
            seq = int.from_bytes(view[:8], "little")
            assert view[8:] == checked.body(seq), "message %d intact" % seq
            mine.append(seq)

        with mmq.open_group_member(q, "workers", batch=16) as member:
            producer = java_producer(tmp_path, q, count)
            deadline = time.monotonic() + 120
            while len(mine) + len(java.handled()) < count:
                assert time.monotonic() < deadline, "handled %d + %d of %d" % (
                    len(mine), len(java.handled()), count)
                member.poll(handle, 1000, timeout=0.05)
            producer.await_line("DONE", 60)
        java.stop()
        theirs = java.handled()
        assert sorted(mine + theirs) == list(range(count)), "every message once"
        assert mine and theirs, "both got a share: python %d, java %d" % (len(mine), len(theirs))
    finally:
        java.child.kill()
        if producer is not None:
            producer.kill()


@pytest.mark.parametrize("claimer", ["python", pytest.param("java", marks=requires_java_tests)])
def test_a_claim_lock_left_by_a_dead_python_claimer_is_cleared_by_the_next_claimer(tmp_path, claimer):
    q = group_queue(tmp_path, max_message=128)
    # The dead claimer took the group claim lock and set the Cursor's bit 0, and died before moving it.
    child = python_child(tmp_path, "claimer", holder_script(
        tmp_path,
        "_slots.lock(m._sf, LockId.group_claim(m.group_slot))\n"
        "_linux.atomic_or_one(m._sf.base + _slots.slot_base(m.group_slot) + L.SLOT_POSITION)"), q)
    try:
        child.await_line("READY", 30)
        group_slot = 0
        assert slot_fields(q, group_slot)[2] == 1, "the Cursor's bit 0 is set"
        kill(child)
        count = 500
        if claimer == "python":
            publish(q, [b"%08d" % i for i in range(count)])
            got = []
            with mmq.open_group_member(q, "workers") as member:
                wait_until(lambda: member.poll(lambda v: got.append(bytes(v))) == 0 and len(got) >= count,
                           20, "every message")
            assert got == [b"%08d" % i for i in range(count)]
        else:
            java = JavaMember(tmp_path, q, "java", 16, count)
            producer = java_producer(tmp_path, q, count)
            try:
                wait_until(lambda: len(java.handled()) >= count, 60, "the Java member to claim")
                producer.await_line("DONE", 60)
                java.stop()
                assert java.handled() == list(range(count))
            finally:
                java.child.kill()
                producer.kill()
        state, _, cursor = slot_fields(q, group_slot)
        assert state == 5 and cursor & 7 == 0 and cursor > 0, "the bit is cleared and the Cursor moved"
    finally:
        child.kill()


@pytest.mark.parametrize("adopter", ["python", pytest.param("java", marks=requires_java_tests)])
def test_an_orphan_announced_but_never_won_holds_nothing_and_is_freed(tmp_path, adopter):
    q = group_queue(tmp_path, max_message=128)
    # A member that died between announcing a claim (its Position = the Cursor) and storing the claim's
    # end: its Claim End is still -1, and it won nothing.
    child = python_child(tmp_path, "announcer", holder_script(
        tmp_path,
        "c = m._sf.i64[m._cursor_idx]\n"
        "m._sf.i64[m._pos_idx] = c"), q)
    try:
        child.await_line("READY", 30)
        kill(child)
        count = 300
        if adopter == "python":
            publish(q, [b"%08d" % i for i in range(count)])
            got = []
            with mmq.open_group_member(q, "workers") as member:
                wait_until(lambda: member.poll(lambda v: got.append(bytes(v))) == 0 and len(got) >= count
                           and "orphaned claims 0" in stat(q), 20, "every message")
            assert got == [b"%08d" % i for i in range(count)]
        else:
            java = JavaMember(tmp_path, q, "java", 16, count)
            producer = java_producer(tmp_path, q, count)
            try:
                wait_until(lambda: len(java.handled()) >= count and "orphaned claims 0" in stat(q), 60,
                           "the Java member to handle everything")
                producer.await_line("DONE", 60)
                java.stop()
                assert java.handled() == list(range(count))
            finally:
                java.child.kill()
                producer.kill()
    finally:
        child.kill()


# ---------------------------------------------------------------- refusals


def test_a_version_4_file_refuses_groups_and_names_the_file(tmp_path):
    q = group_queue(tmp_path)
    with open(q, "r+b") as f:
        f.seek(8)
        f.write(struct.pack("<i", 4))
    with pytest.raises(mmq.MmqError, match=re.escape(str(q)) + ".*format version 4.*need version 5"):
        mmq.open_group_member(q, "workers")
    with mmq.open_consumer(q):  # still a queue for plain consumers
        pass


def test_a_queue_that_evicts_refuses_groups_and_names_the_file(tmp_path):
    q = tmp_path / "evicting"
    mmq_cmd("create", q, "--capacity", "64k", "--max-message", "1k", "--evict-after-lag", "32k")
    with pytest.raises(mmq.MmqError, match=re.escape(str(q)) + ".*never evicted"):
        mmq.open_group_member(q, "workers")


def test_group_and_named_consumer_names_do_not_mix(tmp_path):
    q = group_queue(tmp_path)
    mmq.open_consumer(q, name="alice").close()
    with pytest.raises(mmq.MmqError, match="'alice' is a named consumer, not a consumer group"):
        mmq.open_group_member(q, "alice")
    with mmq.open_group_member(q, "bob"):
        with pytest.raises(mmq.MmqError, match="'bob' is a consumer group"):
            mmq.open_consumer(q, name="bob")


def test_arguments_are_checked():
    for bad in ("", "x" * 65, "a\0b"):
        with pytest.raises(ValueError):
            mmq.open_group_member("/nonexistent", bad)
    for bad in (0, 1 << 17, "64"):
        with pytest.raises(ValueError):
            mmq.open_group_member("/nonexistent", "g", batch=bad)
    with pytest.raises(ValueError):
        mmq.open_group_member("/nonexistent", "g", start="middle")


def test_on_windows_a_group_member_is_refused_saying_why(tmp_path, monkeypatch):
    from mmq import _platform
    monkeypatch.setattr(_platform, "is_windows", lambda: True)
    with pytest.raises(mmq.UnsupportedPlatformError) as ei:
        mmq.open_group_member(tmp_path / "any.mmq", "workers")
    assert "consumer groups need Linux" in str(ei.value)
