"""Windows object names: the reader must name a file's mutexes and events exactly as the Java side does
(docs/format.md, *Windows objects*), or the two would not share locks. Runs on every OS."""

import hashlib
import ntpath

import pytest

from mmq import _winnames
from mmq.errors import MmqError

# The same real paths and prefixes as the Java side's WindowsObjectNamesTest: both sides pin these
# strings, so a change of either rule fails a build. Computed by Java's WindowsObjectNames.prefixFor.
JAVA_PREFIXES = [
    ("Local", "C:\\queues\\orders.mmq", "Local\\mmq-d923b2025eabba564f2f1458a563cd38"),
    ("Local", "C:\\Queues\\ORDERS.mmq", "Local\\mmq-d923b2025eabba564f2f1458a563cd38"),
    ("Global", "D:\\data\\prices", "Global\\mmq-36ec4adf44531a9860f1a5e204ae7c7e"),
    ("Local", "\\\\server\\share\\q", "Local\\mmq-bc2e48ea919277781987e303c134a2dc"),
    ("Local", "C:\\Données\\Ünïcode\\ΣΑΣ.mmq", "Local\\mmq-97b27e163ed6b9b9eeb974a69352e457"),
    ("Local", "C:\\İstanbul\\q", "Local\\mmq-276dc341dea9d8e6fb423e9d5f3469ad"),
]


@pytest.mark.parametrize("namespace, real_path, java", JAVA_PREFIXES)
def test_the_prefix_is_the_one_java_computes_for_the_same_real_path(namespace, real_path, java):
    assert _winnames.prefix_for_real_path(namespace, real_path) == java


def test_the_digest_is_the_first_32_hex_digits_of_the_sha256_of_the_lower_cased_utf8_path():
    digest = hashlib.sha256("c:\\queues\\orders.mmq".encode("utf-8")).hexdigest()[:32]
    assert _winnames.prefix_for_real_path("Local", "C:\\Queues\\Orders.MMQ") == "Local\\mmq-" + digest


def test_the_namespace_is_local_unless_the_environment_says_global(tmp_path, monkeypatch):
    q = tmp_path / "q"
    q.write_bytes(b"")
    monkeypatch.delenv(_winnames.NAMESPACE_VARIABLE, raising=False)
    assert _winnames.prefix_for(q).startswith("Local\\mmq-")
    monkeypatch.setenv(_winnames.NAMESPACE_VARIABLE, "Global")
    assert _winnames.prefix_for(q).startswith("Global\\mmq-")
    monkeypatch.setenv(_winnames.NAMESPACE_VARIABLE, "Session")
    with pytest.raises(MmqError, match="MMQ_WINDOWS_NAMESPACE must be Local or Global"):
        _winnames.prefix_for(q)


def real_path(path, reparse_points=(), final=None, long_names=None):
    """java_real_path as on Windows (ntpath), with the given components being reparse points and the
    given short-to-long path expansion."""
    lowered = {p.lower() for p in reparse_points}
    return _winnames.java_real_path(path, pathmod=ntpath,
                                    is_reparse_point=lambda p: p.lower() in lowered,
                                    final_path=lambda p: final,
                                    long_path=lambda p: (long_names or {}).get(p, p))


def test_without_links_the_real_path_is_the_normalised_absolute_path_with_its_drive_kept():
    # As the JDK's WindowsLinkSupport.getRealPath: no GetFinalPathNameByHandle, so a subst or mapped
    # drive letter stays (os.path.realpath would resolve it, and name other objects than Java's).
    assert real_path("s:\\queues\\.\\x\\..\\orders.mmq") == "S:\\queues\\orders.mmq"
    assert real_path("\\\\server\\share\\q") == "\\\\server\\share\\q"


def test_a_link_or_junction_on_the_way_gives_the_final_path():
    assert real_path("C:\\link\\orders.mmq", reparse_points=["C:\\link"],
                     final="D:\\real\\orders.mmq") == "D:\\real\\orders.mmq"
    assert real_path("C:\\dir\\link.mmq", reparse_points=["C:\\dir\\link.mmq"],
                     final="C:\\dir\\target.mmq") == "C:\\dir\\target.mmq"


def test_short_8_3_names_become_long_names_as_the_jdk_takes_them_from_the_directory():
    # A runner's temporary directory is often C:\Users\RUNNER~1\...; Java names the objects from the
    # long name, so must the reader.
    short = "C:\\Users\\RUNNER~1\\AppData\\Local\\Temp\\q"
    long = "C:\\Users\\runneradmin\\AppData\\Local\\Temp\\q"
    assert real_path(short, long_names={short: long}) == long
