"""dedup.workers: ordered results, errors with the worker's traceback, and a
pool that stops at once (no worker left, nothing waiting on a dead one)."""

import multiprocessing
import os
import signal
import time

import pytest

from dedup.workers import WorkerError, WorkerPool

FORK = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def square(x):
    return x * x


def slow_square(x):
    time.sleep(0.05 * (x % 3))
    return x * x


def fail_on_three(x):
    if x == 3:
        raise ValueError(f"bad task {x}")
    return x


def die(x):
    os.kill(os.getpid(), signal.SIGKILL)


class Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(a)


def raise_unpicklable(x):
    raise Unpicklable("odd", 2)


def sleep_long(x):
    time.sleep(60)


def pid(x):
    return os.getpid()


def test_results_come_in_task_order():
    with WorkerPool(2, context=FORK) as pool:
        assert list(pool.map(slow_square, range(20))) == [x * x for x in range(20)]
        assert list(pool.map(square, iter([]))) == []
        # a generator of tasks is read lazily, and the pool runs a second map
        assert list(pool.map(square, (x for x in range(5)), window=1)) == [0, 1, 4, 9, 16]


def test_spawned_workers():
    # a spawned worker imports what it runs: a function of the standard library here
    with WorkerPool(2, context=multiprocessing.get_context("spawn")) as pool:
        assert list(pool.map(abs, range(-6, 6))) == [abs(x) for x in range(-6, 6)]


def test_initializer_runs_in_each_worker():
    with WorkerPool(2, context=FORK, initializer=functools_partial_env()) as pool:
        assert set(pool.map(read_env, range(8))) == {"set"}


def functools_partial_env():
    import functools
    return functools.partial(os.environ.__setitem__, "DEDUP_WORKER_TEST", "set")


def read_env(x):
    return os.environ.get("DEDUP_WORKER_TEST")


def test_a_task_error_is_raised_with_the_workers_traceback():
    with pytest.raises(ValueError, match="bad task 3") as info:
        with WorkerPool(2, context=FORK) as pool:
            list(pool.map(fail_on_three, range(10)))
    assert "fail_on_three" in str(info.value.__cause__)
    with pytest.raises(WorkerError, match="Unpicklable: odd"):
        with WorkerPool(1, context=FORK) as pool:
            list(pool.map(raise_unpicklable, [1]))


def test_a_dead_worker_is_an_error_not_a_hang():
    with pytest.raises(WorkerError, match="killed by signal 9"):
        with WorkerPool(2, context=FORK) as pool:
            list(pool.map(die, range(4)))


def test_ctrl_c_while_waiting_kills_busy_workers_at_once():
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    old = signal.signal(signal.SIGALRM, interrupt)
    t0 = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            with WorkerPool(2, context=FORK) as pool:
                procs = list(pool._procs)
                signal.setitimer(signal.ITIMER_REAL, 0.5)
                list(pool.map(sleep_long, range(4)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert time.perf_counter() - t0 < 10
    assert [p.exitcode for p in procs] == [-signal.SIGKILL] * 2


def test_a_map_left_early_stops_its_workers():
    with WorkerPool(2, context=FORK) as pool:
        procs = list(pool._procs)
        it = pool.map(slow_square, range(100))
        assert next(it) == 0
        it.close()
        assert all(p.exitcode is not None for p in procs)
        with pytest.raises(WorkerError, match="closed"):
            list(pool.map(square, [1]))


def test_workers_ignore_sigint():
    with WorkerPool(2, context=FORK) as pool:
        pids = set(pool.map(pid, range(6)))
        for p in pids:
            os.kill(p, signal.SIGINT)
        time.sleep(0.2)
        assert set(pool.map(pid, range(6))) <= pids
    with pytest.raises(ValueError, match="at least 1"):
        WorkerPool(0)


def test_ctrl_c_while_workers_start_is_delivered_after_the_forks():
    from dedup.workers import ctrl_c_deferred
    reached = []
    # Python's own handler, even where the tests run with SIGINT ignored (a
    # background job of a shell without job control)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            with ctrl_c_deferred():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.1)  # the signal arrives here, and is held back
                reached.append(True)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, old)
    assert reached == [True]


def test_small_tasks_wait_in_a_busy_workers_pipe_large_ones_do_not():
    from dedup.workers import QUEUE_MAX_BYTES
    with WorkerPool(1, context=FORK) as pool:
        it = pool.map(len, [b"x"] * 5)
        # two small tasks sent at once: one running, one waiting
        run_state = it.gi_frame.f_locals["self"]
        assert run_state.sent == 2 and list(run_state.busy[0]) == [0, 1]
        assert list(it) == [1] * 5
        big = [b"y" * (2 * QUEUE_MAX_BYTES)] * 3
        it = pool.map(len, big)
        run_state = it.gi_frame.f_locals["self"]
        assert run_state.sent == 1  # the next one waits for the worker to be idle
        assert list(it) == [2 * QUEUE_MAX_BYTES] * 3
