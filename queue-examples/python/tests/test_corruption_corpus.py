"""The Java corruption fuzz's cases, fed to the Python reader.

CorruptionFuzzTest (queue-mmap) damages a wrapped queue file thousands of ways and writes each case down
(queue-mmap/target/corruption-corpus: the intact file, and per case the damaged bytes and what the Java
consumer made of it). Each case must end here as it ended in Java: the same messages delivered (count and
CRC-32), then the same end, either nothing more to read or an mmq error. Never another exception type,
never a read past one lap of the ring, never a hang (a 5 s alarm per case), never a crash of the process.

MMQ_FUZZ_CORPUS names another corpus directory. Without a corpus the test skips, except in CI.
"""
import os
import signal
import zlib
from pathlib import Path

import pytest

import mmq

CORPUS = Path(os.environ.get("MMQ_FUZZ_CORPUS")
              or Path(__file__).resolve().parents[3] / "queue-mmap" / "target" / "corruption-corpus")
CASE_TIMEOUT = 5.0

# Cases where the Python reader is known to part from the Java one, by case number, with the reason.
# Each is written down in docs/reliability.md; none is known today.
KNOWN_DIFFERENCES = {}


class CaseTimedOut(BaseException):
    """Raised by the alarm: a BaseException, so that no `except Exception` in the reader swallows it."""


def _on_alarm(signum, frame):
    raise CaseTimedOut()


def load_cases():
    cases = []
    lines = (CORPUS / "cases.tsv").read_text().splitlines()
    for line in lines[1:]:
        number, damage, patches, capacity, java = line.split("\t")
        expected = dict(field.split("=") for field in java.split())
        cases.append({
            "case": int(number),
            "damage": damage,
            "patches": [tuple(int(x) for x in p.split(":")) for p in patches.split(",") if p],
            "capacity": int(capacity),
            "delivered": int(expected["delivered"]),
            "crc": int(expected["crc"]),
            "end": expected["end"],
        })
    return cases


def read_as_python(path, capacity):
    """Open, join at earliest, read everything there is: (delivered, crc, end)."""
    delivered = [0]
    crc = [0]

    def handler(view):
        delivered[0] += 1
        crc[0] = zlib.crc32(len(view).to_bytes(4, "little"), crc[0])
        crc[0] = zlib.crc32(view, crc[0])

    try:
        with mmq.open_consumer(path, start="earliest") as consumer:
            joined = consumer.position
            polls = 0
            while consumer.poll(handler, 64) > 0:
                polls += 1
                assert polls < 2 * capacity, "the reader keeps finding frames: a loop"
            assert consumer.position - joined <= 2 * capacity, \
                "read %d bytes: more than the ring holds" % (consumer.position - joined)
    except mmq.MmqError as error:
        assert str(path) in str(error), "the error names the file: %s" % error
        return delivered[0], crc[0], "error"
    return delivered[0], crc[0], "ok"


@pytest.mark.skipif(not (CORPUS / "cases.tsv").is_file() and os.environ.get("CI") != "true",
                    reason="no corruption corpus at %s (run CorruptionFuzzTest first)" % CORPUS)
@pytest.mark.skipif(not hasattr(signal, "SIGALRM"),
                    reason="the per-case hang guard is a SIGALRM timer, which only POSIX has; the "
                           "reader's checks are the same code on every OS")
def test_every_damaged_file_ends_as_it_does_in_java(tmp_path):
    pristine = (CORPUS / "pristine.mmq").read_bytes()
    cases = load_cases()
    assert len(cases) >= 1000, "a corpus of thousands of cases, not %d" % len(cases)
    path = tmp_path / "case.mmq"
    mismatches = []
    ends = {"ok": 0, "error": 0}
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for case in cases:
            damaged = bytearray(pristine)
            for offset, value in case["patches"]:
                damaged[offset] = value
            path.write_bytes(damaged)   # no consumer of ours has the file open here
            expected = (case["delivered"], case["crc"], case["end"])
            signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT)
            try:
                got = read_as_python(path, case["capacity"])
            except CaseTimedOut:
                got = "a hang (no end within %.0f s)" % CASE_TIMEOUT
            except Exception as unexpected:   # noqa: BLE001 - any other type is the failure
                got = "%s: %s" % (type(unexpected).__name__, unexpected)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if got != expected and case["case"] not in KNOWN_DIFFERENCES:
                mismatches.append("case %d (%s): java %s, python %s"
                                  % (case["case"], case["damage"], expected, got))
            elif isinstance(got, tuple):
                ends[got[2]] += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    print("corruption corpus: %d cases, %d read to the end, %d stopped by an mmq error"
          % (len(cases), ends["ok"], ends["error"]))
    assert not mismatches, "%d of %d cases differ:\n%s" % (
        len(mismatches), len(cases), "\n".join(mismatches[:20]))
    assert ends["error"] > len(cases) // 20, "the damage is real enough to be caught often"
