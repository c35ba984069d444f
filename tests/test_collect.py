import gc
import threading

import pytest

from dedup import compare, scan
from dedup.collect import THRESHOLDS, fewer_collections


@pytest.fixture
def default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_raises_the_thresholds_and_restores_them(default_thresholds):
    with fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
        with fewer_collections():  # nested: still raised
            assert gc.get_threshold() == THRESHOLDS
        assert gc.get_threshold() == THRESHOLDS
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(RuntimeError):
        with fewer_collections():
            raise RuntimeError("a failing comparison")
    assert gc.get_threshold() == (700, 10, 10)


def test_keeps_higher_thresholds_and_a_disabled_collector():
    before = gc.get_threshold()
    try:
        gc.set_threshold(100_000, 5, 500)
        with fewer_collections():
            assert gc.get_threshold() == (100_000, 20, 500)
        assert gc.get_threshold() == (100_000, 5, 500)
        gc.set_threshold(0)  # automatic collection off: stays off
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def test_threads_leave_the_collector_as_they_found_it(default_thresholds):
    inside, release = threading.Barrier(3), threading.Event()

    def worker():
        with fewer_collections():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()  # both threads are inside their blocks
    assert gc.get_threshold() == THRESHOLDS
    release.set()
    for t in threads:
        t.join()
    assert gc.get_threshold() == (700, 10, 10)


def test_compare_and_in_process_scan_restore_the_callers_thresholds(default_thresholds, seed_dir):
    assert compare("The cat sat on the mat.", "The cat sat on a mat.").verdict
    assert gc.get_threshold() == (700, 10, 10)
    assert scan(seed_dir, workers=1).pairs
    assert gc.get_threshold() == (700, 10, 10)


def test_raised_thresholds():
    from dedup.collect import raised
    assert raised((700, 10, 10)) == THRESHOLDS
    assert raised((100_000, 5, 500)) == (100_000, 20, 500)
    assert raised((0, 10, 10)) == (0, 10, 10)  # collection off stays off
