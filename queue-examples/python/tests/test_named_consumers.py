"""Named consumers from Python: their place is kept in the file, shared with Java."""

import os
import subprocess
import sys

import pytest

import mmq
from conftest import mmq_cmd, publish, requires_launcher, stat, wait_until

pytestmark = requires_launcher


def read_all(c):
    out = []
    c.poll(lambda v: out.append(bytes(v)))
    return out


def test_a_name_resumes_where_its_last_holder_stopped(queue):
    q = queue()
    publish(q, [b"m%d" % i for i in range(10)])
    with mmq.open_consumer(q, start="earliest", name="billing") as c:
        got = []
        c.poll(lambda v: got.append(bytes(v)), 4)
        assert got == [b"m0", b"m1", b"m2", b"m3"]
    assert "'billing'" in stat(q) and "DORMANT" in stat(q)
    publish(q, [b"m10"])
    with mmq.open_consumer(q, name="billing") as again:
        assert read_all(again) == [b"m%d" % i for i in range(4, 11)]


def test_a_name_has_one_live_holder(queue):
    q = queue()
    with mmq.open_consumer(q, name="billing"):
        with pytest.raises(mmq.ConsumerNameTakenError, match="pid %d" % os.getpid()):
            mmq.open_consumer(q, name="billing")


def test_explicit_commits_see_again_only_what_was_not_committed(queue):
    q = queue()
    publish(q, [b"m%d" % i for i in range(10)])
    with mmq.open_consumer(q, start="earliest", name="orders", commit="explicit") as c:
        got = []

        def handle(view):
            got.append(bytes(view))
            if len(got) == 6:
                c.commit()  # inside the handler: through this message
        c.poll(handle)
        assert len(got) == 10
    with mmq.open_consumer(q, name="orders", commit="explicit") as again:
        assert read_all(again) == [b"m%d" % i for i in range(6, 10)]


def test_a_commit_inside_a_handler_is_stored_when_the_handler_returns(queue):
    q = queue()
    publish(q, [b"m%d" % i for i in range(3)])
    with mmq.open_consumer(q, start="earliest", name="orders", commit="explicit") as c:
        seen = []

        def handle(view):
            c.commit()
            seen.append(stored_position(q))  # still the old one: the message's bytes stay protected
        c.poll(handle, 1)
        assert seen == [0]
        assert stored_position(q) == c.position > 0


def stored_position(q):
    import re
    m = re.search(r"consumer\s+\d+ 'orders'\s+position ([\d,]+)", stat(q))
    assert m, stat(q)
    return int(m.group(1).replace(",", ""))


def test_a_name_shared_with_java_the_tail_command_resumes_where_python_stopped(queue):
    q = queue()
    publish(q, [b"m%d" % i for i in range(5)])
    with mmq.open_consumer(q, start="earliest", name="shared") as c:
        c.poll(lambda v: None, 2)
    out = mmq_cmd("tail", q, "--name", "shared", "--count", "3")
    assert out.split() == [b"m2".decode(), "m3", "m4"]


def test_a_killed_python_holder_leaves_its_name_dormant_not_free(queue, tmp_path):
    q = queue()
    publish(q, [b"m%d" % i for i in range(6)])
    script = tmp_path / "hold.py"
    script.write_text(
        "import sys, time\n"
        "sys.path.insert(0, %r)\n"
        "import mmq\n"
        "c = mmq.open_consumer(%r, start='earliest', name='worker')\n"
        "c.poll(lambda v: None, 3)\n"
        "print('READ', flush=True)\n"
        "time.sleep(600)\n" % (os.path.dirname(os.path.dirname(mmq.__file__)), str(q)))
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"READ"
        child.kill()   # SIGKILL; TerminateProcess on Windows
        child.wait(10)
        # A joiner that finds no free slot reaps; the dead holder's named slot must stay its name's.
        with mmq.open_consumer(q, name="worker") as back:
            assert read_all(back) == [b"m3", b"m4", b"m5"]
    finally:
        child.kill()


def test_a_lapped_name_is_told_exactly_what_it_missed(tmp_path):
    q = tmp_path / "q"
    mmq_cmd("create", q, "--capacity", "64k", "--consumers", 4, "--max-message", "1k")
    with mmq.open_consumer(q, start="earliest", name="dash", when_absent="lap") as c:
        publish(q, [b"first"])
        assert read_all(c) == [b"first"]
        left_at = c.position
    publish(q, [b"%04d" % i + b"x" * 900 for i in range(300)])  # several rings, never held back
    assert "LAPPED" in stat(q)
    with mmq.open_consumer(q, name="dash", when_absent="lap") as back:
        with pytest.raises(mmq.ConsumerLappedError) as lapped:
            back.poll(lambda v: None)
        assert lapped.value.missed_from == left_at
        assert lapped.value.resumes_at == back.position > left_at
        rest = read_all(back)
        assert rest and rest[-1].startswith(b"0299")


def test_names_are_checked():
    for bad in ("", "x" * 65, "a\0b"):
        with pytest.raises(ValueError):
            mmq.open_consumer("/nonexistent", name=bad)
