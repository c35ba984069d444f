"""Worker processes that stop at once on an error or Ctrl-C.

:class:`WorkerPool` runs a function over tasks in worker processes and yields
the results in task order, like ``ProcessPoolExecutor.map``. It exists because
the standard pools cannot be stopped safely in the middle of their work:

- a worker killed while it writes a result into the executor's shared result
  pipe leaves half a message there, and the executor's thread then waits for
  the rest for ever (the parent holds the pipe's other end, so no end of file
  ever comes);
- a worker interrupted by Ctrl-C inside the shared queue lock leaves the lock
  held, and the other workers wait on it for ever.

Here each worker has a pipe of its own, with one task in flight and at most one
small task waiting behind it (:data:`QUEUE_MAX_BYTES`); the workers ignore
SIGINT and leave Ctrl-C to the parent. Leaving the pool's
``with`` block by an exception (``KeyboardInterrupt`` included) kills the
workers and closes their pipes: nothing is read from them again, so nothing
can wait on a dead worker.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import multiprocessing.connection
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.reduction import ForkingPickler
from typing import Any

__all__ = ["WorkerError", "WorkerPool"]


class WorkerError(RuntimeError):
    """A worker process died (killed, out of memory) or could not run."""


class _RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def _serve(conn: multiprocessing.connection.Connection, initializer: Callable[[], Any] | None) -> None:
    """A worker's loop: receive ``(fn, arg)``, send ``(ok, value)``; stop on None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()
    while True:
        try:
            msg = conn.recv()
        except EOFError:  # the parent is gone
            return
        if msg is None:
            return
        fn, arg = msg
        try:
            payload = ForkingPickler.dumps((True, fn(arg)))
        except BaseException as exc:  # sent to the parent, raised there
            payload = _failure(exc)
        try:
            conn.send_bytes(payload)
        except OSError:  # the parent is gone, or stopped the pool: nobody to tell
            return


def _failure(exc: BaseException) -> bytes:
    """The reply for a task that raised ``exc`` (or whose result could not
    be pickled): the exception and its traceback, or a :class:`WorkerError`
    naming it when the exception itself does not survive pickling."""
    text = "".join(traceback.format_exception(exc))
    try:
        payload = ForkingPickler.dumps((False, (exc, text)))
        ForkingPickler.loads(payload)
    except Exception:
        payload = ForkingPickler.dumps((False, (WorkerError(f"{type(exc).__name__}: {exc}"), text)))
    return payload


@contextlib.contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done, then deliver it.

    Starting a process runs the interpreter's at-fork callbacks, and an
    exception raised in one of them (a ``KeyboardInterrupt`` arriving at that
    moment) is printed and ignored: the Ctrl-C would be lost and the scan go on.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread handles signals (and may set handlers)
        return
    got: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if got:
            signal.raise_signal(signal.SIGINT)


#: A task this small (pickled) may wait in a busy worker's pipe, so the worker
#: starts it the moment it is done with the one before, even while the
#: parent is busy with results. Larger tasks are sent only to an idle worker:
#: a parent blocked sending into a full pipe while the worker is blocked
#: sending its result would wait for each other for ever.
QUEUE_MAX_BYTES = 16 * 1024


class _Run:
    """The state of one :meth:`WorkerPool.map`."""

    def __init__(self, pool: WorkerPool, fn: Callable[[Any], Any], tasks: Iterable[Any], window: int) -> None:
        self.pool, self.fn, self.window = pool, fn, window
        self.tasks = enumerate(tasks)
        self.held: tuple[int, bytes] | None = None  # the next task, pickled, not yet sent
        # worker -> numbers of its tasks in flight, oldest first (it answers in order)
        self.busy: dict[int, collections.deque[int]] = {}
        self.ready: dict[int, Any] = {}  # task number -> result not yet yielded
        self.sent = self.next = 0
        self.exhausted = False

    def _next_task(self) -> tuple[int, bytes] | None:
        if self.held is None and not self.exhausted and self.sent - self.next < self.window:
            for k, arg in self.tasks:
                self.held = (k, ForkingPickler.dumps((self.fn, arg)))
                break
            else:
                self.exhausted = True
        return self.held

    def feed(self, w: int) -> None:
        """Send worker ``w`` its next task: to an idle worker any task, to a
        busy one a second small one (see :data:`QUEUE_MAX_BYTES`)."""
        while True:
            queued = self.busy.get(w)
            n = len(queued) if queued else 0
            task = self._next_task() if n < 2 else None
            if task is None or n == 1 and len(task[1]) > QUEUE_MAX_BYTES:
                return
            self.pool._conns[w].send_bytes(task[1])
            self.busy.setdefault(w, collections.deque()).append(task[0])
            self.held = None
            self.sent += 1

    def feed_all(self) -> None:
        for w in range(len(self.pool._procs)):  # idle workers first
            if w not in self.busy:
                self.feed(w)
        for w in list(self.busy):
            self.feed(w)

    def results(self) -> Iterator[Any]:
        pool, busy = self.pool, self.busy
        try:
            while True:
                while self.next in self.ready:
                    value = self.ready.pop(self.next)
                    self.next += 1
                    yield value
                self.feed_all()
                if not busy:
                    return
                by_conn = {pool._conns[w]: w for w in busy}
                by_sentinel = {pool._procs[w].sentinel: w for w in busy}
                for obj in multiprocessing.connection.wait(list(by_conn) + list(by_sentinel)):
                    if obj in by_conn:
                        w = by_conn[obj]
                        try:
                            raw = obj.recv_bytes()
                        except (EOFError, OSError):
                            raise WorkerError(pool._death(w)) from None
                        k = busy[w].popleft()
                        if not busy[w]:
                            del busy[w]
                        self.feed(w)  # the worker's next task first, then unpickle
                        ok, value = ForkingPickler.loads(raw)
                        if not ok:
                            exc, text = value
                            raise exc from _RemoteTraceback(text)
                        self.ready[k] = value
                    elif by_sentinel[obj] in busy and not pool._conns[by_sentinel[obj]].poll():
                        raise WorkerError(pool._death(by_sentinel[obj]))
        finally:
            if busy:  # stopped early: an error, or the caller stopped reading
                pool.kill()


class WorkerPool:
    """``workers`` processes running tasks; a context manager.

    Args:
        workers: Number of processes (at least 1).
        context: A ``multiprocessing`` context (``fork`` lets the workers
            inherit the parent's objects); None for the platform default.
        initializer: Called once in each worker before its first task (must
            be picklable unless the context forks).

    Leaving the ``with`` block normally lets the workers finish and exit;
    leaving it by an exception kills them at once.
    """

    def __init__(self, workers: int, *, context: Any = None,
                 initializer: Callable[[], Any] | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        ctx = context or multiprocessing.get_context()
        self._conns: list[multiprocessing.connection.Connection] = []
        self._procs: list[Any] = []
        try:
            with ctrl_c_deferred():
                for _ in range(workers):
                    mine, theirs = ctx.Pipe(duplex=True)
                    p = ctx.Process(target=_serve, args=(theirs, initializer), daemon=True)
                    p.start()
                    theirs.close()
                    self._conns.append(mine)
                    self._procs.append(p)
        except BaseException:
            self.kill()
            raise

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.kill()

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any], *, window: int | None = None) -> Iterator[Any]:
        """Run ``fn(task)`` for each task; yield the results in task order.

        The workers get their first tasks at once (the caller may do other
        work before reading the results); the rest follow as they finish.

        Args:
            fn: A module-level function (it is pickled by reference).
            tasks: The arguments, one per call; read lazily.
            window: At most this many results wait for an earlier one
                (default: 4 per worker), so a slow task does not let the
                results behind it pile up.

        Returns:
            An iterator over the results. Stopping it early kills the workers.

        Raises:
            The exception a task raised (with the worker's traceback as its
            cause), or :class:`WorkerError` if a worker died.
        """
        if not self._procs:
            raise WorkerError("the pool is closed")
        run = _Run(self, fn, tasks, window or 4 * len(self._procs))
        run.feed_all()
        return run.results()

    def _death(self, w: int) -> str:
        p = self._procs[w]
        p.join(1.0)
        code = p.exitcode
        if code is not None and code < 0:
            why = f"was killed by signal {-code}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
        else:
            why = f"exited with code {code} (its error, if any, is printed above)"
        return f"worker process {p.pid} {why}"

    def close(self) -> None:
        """Let the workers exit after their current task, and wait for them."""
        for conn in self._conns:
            try:
                conn.send(None)
            except OSError:
                pass
        for p in self._procs:
            p.join(30.0)
        self.kill()

    def kill(self) -> None:
        """Kill the workers at once and close their pipes."""
        for p in self._procs:
            if p.exitcode is None:
                p.kill()
        for p in self._procs:
            p.join()
        for conn in self._conns:
            conn.close()
        self._procs, self._conns = [], []
