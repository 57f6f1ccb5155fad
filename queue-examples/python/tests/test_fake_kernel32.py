"""Pins down each Kernel32 semantic the model promises, as Microsoft documents it, so that tests of the
Windows reader against the model mean something. The twin of the Java side's FakeWindowsTest.
Runs on every OS."""

import concurrent.futures
import inspect
import threading
import time

import pytest

from fake_kernel32 import (ERROR_ALREADY_EXISTS, ERROR_INVALID_HANDLE, ERROR_NOT_OWNER, WAIT_ABANDONED,
                           WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT, FakeProcess, FakeWindows,
                           ProcessKilled)
from mmq import _kernel32


@pytest.fixture
def windows():
    return FakeWindows()


@pytest.fixture
def first(windows):
    return windows.start_process("first")


@pytest.fixture
def second(windows):
    return windows.start_process("second")


def on_own_thread(call):
    """Runs ``call`` on a thread of its own, which ends afterwards; returns its result."""
    box = []
    t = threading.Thread(target=lambda: box.append(call()))
    t.start()
    t.join()
    return box[0]


def in_background(call):
    pool = concurrent.futures.ThreadPoolExecutor(1)
    future = pool.submit(call)
    pool.shutdown(wait=False)
    return future


def test_the_model_has_the_methods_of_the_real_binding_and_its_constants():
    real = {n for n, _ in inspect.getmembers(_kernel32.Kernel32, inspect.isfunction)
            if not n.startswith("_")}
    model = {n for n, _ in inspect.getmembers(FakeProcess, inspect.isfunction)
             if not n.startswith("_")}
    assert real <= model
    assert (_kernel32.WAIT_OBJECT_0, _kernel32.WAIT_ABANDONED, _kernel32.WAIT_TIMEOUT,
            _kernel32.WAIT_FAILED, _kernel32.ERROR_ALREADY_EXISTS, _kernel32.ERROR_NOT_OWNER) == \
        (WAIT_OBJECT_0, WAIT_ABANDONED, WAIT_TIMEOUT, WAIT_FAILED, ERROR_ALREADY_EXISTS,
         ERROR_NOT_OWNER)


def test_a_name_denotes_one_object_across_processes_and_an_open_of_an_existing_one_says_so(
        windows, first, second):
    mine = first.create_mutex("Local\\m")
    assert first.get_last_error() == 0
    theirs = second.create_mutex("Local\\m")
    assert second.get_last_error() == ERROR_ALREADY_EXISTS

    assert first.wait_for_single_object(mine, 0) == WAIT_OBJECT_0
    assert on_own_thread(lambda: second.wait_for_single_object(theirs, 0)) == WAIT_TIMEOUT, \
        "the same mutex, owned"
    assert windows.named_object_count() == 1


def test_a_name_held_by_another_kind_of_object_cannot_be_opened(first):
    first.create_event("Local\\x", True)
    assert first.create_mutex("Local\\x") == 0
    assert first.get_last_error() == ERROR_INVALID_HANDLE


def test_the_last_close_destroys_a_named_object(windows, first, second):
    a = first.create_event("Local\\e", True)
    b = second.create_event("Local\\e", True)
    first.set_event(a)
    first.close_handle(a)
    assert second.wait_for_single_object(b, 0) == WAIT_OBJECT_0, "alive while a handle is open"
    second.close_handle(b)
    assert windows.named_object_count() == 0

    fresh = second.create_event("Local\\e", True)
    assert second.get_last_error() == 0, "created anew"
    assert second.wait_for_single_object(fresh, 0) == WAIT_TIMEOUT, "a new event starts unsignalled"


def test_a_mutex_belongs_to_the_thread_that_acquired_it_not_to_its_process(first):
    mutex = first.create_mutex("Local\\m")
    assert first.wait_for_single_object(mutex, 0) == WAIT_OBJECT_0
    assert on_own_thread(lambda: first.wait_for_single_object(mutex, 0)) == WAIT_TIMEOUT, \
        "another thread, same process"

    def release_elsewhere():
        return first.release_mutex(mutex), first.get_last_error()
    assert on_own_thread(release_elsewhere) == (False, ERROR_NOT_OWNER)


def test_the_owner_acquires_recursively_and_must_release_as_often(first, second):
    mutex = first.create_mutex("Local\\m")
    other = second.create_mutex("Local\\m")
    assert first.wait_for_single_object(mutex, 0) == WAIT_OBJECT_0
    assert first.wait_for_single_object(mutex, 0) == WAIT_OBJECT_0
    assert first.release_mutex(mutex)
    assert on_own_thread(lambda: second.wait_for_single_object(other, 0)) == WAIT_TIMEOUT, \
        "still owned once"
    assert first.release_mutex(mutex)
    assert on_own_thread(lambda: second.wait_for_single_object(other, 0)) == WAIT_OBJECT_0
    assert not first.release_mutex(mutex), "no longer the owner"


def test_a_mutex_whose_owner_thread_ends_is_abandoned_to_the_next_waiter(first, second):
    mutex = first.create_mutex("Local\\m")
    assert on_own_thread(lambda: first.wait_for_single_object(mutex, 0)) == WAIT_OBJECT_0, \
        "taken by a thread that then ends"
    other = second.create_mutex("Local\\m")
    assert second.wait_for_single_object(other, 0) == WAIT_ABANDONED
    assert second.release_mutex(other), "the abandoned mutex is owned by the waiter"
    assert second.wait_for_single_object(other, 0) == WAIT_OBJECT_0, "abandoned only once"


def test_a_mutex_of_a_killed_process_is_abandoned_and_a_waiter_is_released_at_once(first, second):
    mutex = first.create_mutex("Local\\m")
    assert first.wait_for_single_object(mutex, 0) == WAIT_OBJECT_0
    other = second.create_mutex("Local\\m")
    waiter = in_background(lambda: second.wait_for_single_object(other, 60_000))
    first.kill()
    assert waiter.result(timeout=10) == WAIT_ABANDONED
    assert first.open_handle_count() == 0, "a killed process's handles are closed"
    with pytest.raises(ProcessKilled):
        first.create_mutex("Local\\m")


def test_a_wait_that_cannot_be_satisfied_times_out_and_a_bad_handle_fails(first):
    event = first.create_event("Local\\e", False)
    start = time.monotonic()
    assert first.wait_for_single_object(event, 20) == WAIT_TIMEOUT
    assert time.monotonic() - start >= 0.020, "waited the time given"
    assert first.wait_for_single_object(12345, 0) == WAIT_FAILED
    assert first.get_last_error() == ERROR_INVALID_HANDLE


def test_an_auto_reset_event_releases_one_wait_and_resets(first, second):
    event = first.create_event("Local\\e", False)
    other = second.create_event("Local\\e", False)
    first.set_event(event)
    assert second.wait_for_single_object(other, 0) == WAIT_OBJECT_0
    assert first.wait_for_single_object(event, 0) == WAIT_TIMEOUT


def test_a_manual_reset_event_stays_signalled_for_every_wait(first, second):
    event = first.create_event("Local\\e", True)
    other = second.create_event("Local\\e", True)
    a = in_background(lambda: second.wait_for_single_object(other, 60_000))
    b = in_background(lambda: first.wait_for_single_object(event, 60_000))
    first.set_event(event)
    assert a.result(timeout=10) == WAIT_OBJECT_0
    assert b.result(timeout=10) == WAIT_OBJECT_0
    assert first.wait_for_single_object(event, 0) == WAIT_OBJECT_0, "still signalled"


def test_fences_are_counted_per_process(first, second):
    first.flush_process_write_buffers()
    first.flush_process_write_buffers()
    assert (first.fences, second.fences) == (2, 0)
