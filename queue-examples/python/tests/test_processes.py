"""Slot ownership across processes: liveness locks, reaping, one descriptor per file."""
import os
import subprocess
import sys

import pytest

import mmq
from conftest import LAUNCHER_COMMAND, PY_ROOT, active_slots, publish, requires_launcher, wait_until

pytestmark = requires_launcher

HOLDER = r"""
import sys, mmq
cs = [mmq.open_consumer(sys.argv[1]) for _ in range(int(sys.argv[2]))]
print("joined", *[c.slot for c in cs], flush=True)
sys.stdin.read()     # hold the slots until stdin closes or we are killed
"""

TRY_TWO = r"""
import sys, mmq
a = mmq.open_consumer(sys.argv[1])
try:
    b = mmq.open_consumer(sys.argv[1])
    print("second joined slot", b.slot)
except mmq.QueueBusyError:
    print("busy")
"""


def python(script, *args, **kw):
    env = dict(os.environ, PYTHONPATH=str(PY_ROOT))
    return subprocess.Popen([sys.executable, "-c", script] + [str(a) for a in args],
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def start_holder(q, n=1):
    p = python(HOLDER, q, n)
    line = p.stdout.readline().decode()   # blocks until joined (or the child failed)
    assert line.startswith("joined"), p.stderr.read().decode()
    return p


def test_another_process_holds_its_slot_until_killed_then_is_reaped(queue):
    q = queue(consumers=1)
    holder = start_holder(q)
    try:
        with pytest.raises(mmq.QueueBusyError):
            mmq.open_consumer(q)
        assert active_slots(q) == 1
    finally:
        holder.kill()   # SIGKILL; TerminateProcess on Windows
        holder.wait(timeout=30)
    # the dead holder's slot is still ACTIVE, but its liveness lock is gone:
    # a joiner that finds no free slot reaps it
    assert active_slots(q) == 1
    with mmq.open_consumer(q) as c:
        assert c.slot == 0


def test_other_process_closing_normally_frees_its_slot(queue):
    q = queue(consumers=1)
    holder = start_holder(q)
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0
    with mmq.open_consumer(q) as c:
        assert c.slot == 0


def test_closing_one_consumer_keeps_the_other_consumers_lock(queue):
    """Two consumers of one file in one process share one descriptor: closing
    the first must not drop the second's liveness lock (POSIX close semantics)."""
    q = queue(consumers=2)
    a = mmq.open_consumer(q)
    b = mmq.open_consumer(q)
    a.close()
    # Another process takes the free slot; the other one must still look alive.
    p = python(TRY_TWO, q)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err.decode()
    assert out.decode().strip() == "busy"
    assert b.read(timeout=0) is None
    b.close()


def test_one_process_holding_two_slots(queue):
    q = queue(consumers=2)
    holder = start_holder(q, 2)
    try:
        with pytest.raises(mmq.QueueBusyError):
            mmq.open_consumer(q)
        # the holder's own two slots are not mistaken for dead by itself
        # (it joined the second while holding the first)
        assert active_slots(q) == 2
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert active_slots(q) == 0


def test_java_tail_and_python_consumer_read_the_same_messages(queue):
    q = queue()
    tail = subprocess.Popen(LAUNCHER_COMMAND + ["tail", str(q), "--count", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: active_slots(q) == 1, 30, "the Java consumer to join")
        with mmq.open_consumer(q) as c:
            publish(q, [b"one", b"", b"three"])
            assert [c.read(timeout=10) for _ in range(3)] == [b"one", b"", b"three"]
        out, err = tail.communicate(timeout=30)
        assert out.decode().splitlines() == ["one", "", "three"], err.decode()
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()
