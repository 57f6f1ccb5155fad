"""Shared helpers: queue files are created and published to by the Java `mmq` launcher.

MMQ_LAUNCHER names the launcher; by default the repository's ./mmq. On Windows, where that bash
script does not run, the tests run `java -jar` on the jar MMQ_JAR names (by default the built
queue-examples/target/mmq.jar).
"""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

PY_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PY_ROOT))

REPO = Path(__file__).resolve().parents[3]
ON_WINDOWS = sys.platform == "win32"
if ON_WINDOWS:
    LAUNCHER = os.environ.get("MMQ_JAR") or str(REPO / "queue-examples" / "target" / "mmq.jar")
    LAUNCHER_COMMAND = ["java", "-jar", LAUNCHER]
else:
    LAUNCHER = os.environ.get("MMQ_LAUNCHER") or str(REPO / "mmq")
    LAUNCHER_COMMAND = [LAUNCHER]


def _launcher_usable():
    usable = os.path.isfile(LAUNCHER) if ON_WINDOWS else os.access(LAUNCHER, os.X_OK)
    return usable and shutil.which("java") is not None


# On a developer's machine without Java the tests skip; in CI (CI=true) a missing launcher must fail.
requires_launcher = pytest.mark.skipif(
    not _launcher_usable() and os.environ.get("CI") != "true",
    reason="mmq launcher %s (or java) not available" % LAUNCHER)


def mmq_cmd(*args, input=None, timeout=60):
    r = subprocess.run(LAUNCHER_COMMAND + [str(a) for a in args], input=input,
                       capture_output=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError("mmq %s failed (%d): %s %s" % (
            " ".join(map(str, args)), r.returncode, r.stdout.decode(errors="replace"),
            r.stderr.decode(errors="replace")))
    return r.stdout.decode() + r.stderr.decode()


def create(path, capacity="64k", consumers=4, max_message=None):
    args = ["create", path, "--capacity", capacity, "--consumers", consumers]
    if max_message is not None:
        args += ["--max-message", max_message]
    mmq_cmd(*args)
    return path


def lines_input(lines):
    return b"".join(bytes(l) + b"\n" for l in lines)


def publish(path, lines):
    out = mmq_cmd("publish", path, input=lines_input(lines))
    assert "published %d messages" % len(lines) in out, out
    return out


def publish_async(path, lines):
    """Start `mmq publish` in the background (lines from a file, so that a
    producer held back by a full ring never blocks us on a pipe)."""
    src = Path(str(path) + ".lines")
    src.write_bytes(lines_input(lines))
    return subprocess.Popen(LAUNCHER_COMMAND + ["publish", str(path), "--input", str(src)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stat(path):
    return mmq_cmd("stat", path)


def active_slots(path):
    m = re.search(r"(\d+) of (\d+) consumer slots held", stat(path))
    assert m, "unexpected stat output"
    return int(m.group(1))


def producer_position(path):
    m = re.search(r"producer\s+position ([\d,]+)", stat(path))
    assert m
    return int(m.group(1).replace(",", ""))


def wait_until(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.01)


@pytest.fixture
def queue(tmp_path):
    """Factory: queue(name='q', capacity='64k', consumers=4) -> Path of a new queue."""
    def make(name="q", capacity="64k", consumers=4, max_message=None):
        return create(tmp_path / name, capacity, consumers, max_message)
    return make
