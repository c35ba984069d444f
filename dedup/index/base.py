"""``Index``: the persistent, incremental index (backend-independent part)."""
from __future__ import annotations

import itertools
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np

from dedup.candidates import CandidateConfig
from dedup.collect import fewer_collections
from dedup.config import Config
from dedup.document import Document
from dedup.index.layout import (
    DedupIndexError,
    IndexParams,
    StoredSketch,
    check_params,
    batch_key_arrays,
    batch_keys,
    sketch,
    split_sketches,
)
from dedup.index.match import Match, collisions, passage_verified, verify
from dedup.workers import ctrl_c_deferred

#: Documents per transaction in :meth:`Index.add_many`.
DEFAULT_BATCH = 500
#: Niceness added to the sketch worker processes: the index's own process
#: (look-ups, writes, merges) is the critical path of :meth:`Index.add_many`
#: and gets a whole CPU; the workers, with batches queued, use the rest.
WORKER_NICE = 5


def default_workers() -> int:
    """Sketch worker processes of :meth:`Index.add_many` by default: the CPUs
    this process may use, at most 2 (0 where ``fork`` is unavailable)."""
    import multiprocessing as mp
    if "fork" not in mp.get_all_start_methods():
        return 0
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(2, n))


@dataclass
class Entry:
    """One document on its way into a backend."""

    doc_id: str
    text: str | None          # None when the index does not store texts
    sketch: StoredSketch
    all_keys: np.ndarray      # distinct int64 posting keys, sorted
    caps: np.ndarray          # each key's cap (:func:`~dedup.index.layout.key_cap`)
    views: np.ndarray         # each key's view (0 shingle, 1 anchor, 2 sentence, 3 passage)


_E = np.empty(0, dtype=np.int64)


@dataclass
class Prepared:
    """A batch ready to be written: everything derived from its texts alone
    (computed by :func:`prepare`, in a worker process when pipelined).

    ``keys``/``pos``/``caps`` are the batch's (posting key, position in the
    batch) pairs, sorted by key and then position, with each key's cap."""

    doc_ids: list[str]
    rows: list[tuple[bytes, bytes, bytes, int, bytes]]  # sh, an, se, npf, cf (stored bytes)
    keys: np.ndarray
    pos: np.ndarray
    caps: np.ndarray
    entries: list[Entry] | None = None  # for verification (judge) only
    texts: list[str | None] | None = None  # texts to store (set by the index, never sent back by workers)


def check_items(items: Sequence[tuple[str, str]]) -> None:
    for doc_id, text in items:
        if not isinstance(doc_id, str) or not doc_id:
            raise ValueError(f"doc_id must be a non-empty str, got {doc_id!r}")
        if not isinstance(text, str):
            raise TypeError(f"text of {doc_id!r} must be a str, got {type(text).__name__}")


def prepare(items: Sequence[tuple[str, str]], config: CandidateConfig, with_entries: bool) -> Prepared:
    """Sketch a batch and derive what :meth:`Backend.add_batch` writes
    (deterministic: the same in a worker process as in the index's own)."""
    check_items(items)
    sk = sketch([t for _, t in items], config)
    sketches = split_sketches(sk)
    k, d, caps, views = batch_key_arrays(sk, config, by_key=True)  # by key; ties by position
    rows = []
    for s in sketches:  # passage fingerprints are stored as postings only
        rows.append((s.shingle.astype("<u4").tobytes(), s.anchor.astype("<u4").tobytes(),
                     s.sentences.astype("<u4").tobytes(), len(s.passages), s.chains.astype("<u8").tobytes()))
    entries = None
    if with_entries:
        o = np.argsort(d, kind="stable")  # by position, then key
        ek, ed, ec, ev = k[o], d[o], caps[o], views[o]
        b = np.searchsorted(ed, np.arange(len(items) + 1))
        entries = [Entry(doc_id, None, s, ek[b[i]:b[i + 1]], ec[b[i]:b[i + 1]], ev[b[i]:b[i + 1]])
                   for i, ((doc_id, _), s) in enumerate(zip(items, sketches))]
    return Prepared([d_ for d_, _ in items], rows, k, d, caps, entries)


def _serve(tasks: Any, results: Any, parent: int, config: CandidateConfig, inherited: list[Any]) -> None:
    """Loop of a sketch worker process: ``(seq, items, with_entries)`` in on
    ``tasks``, ``(seq, "ok", Prepared)`` or ``(seq, "error", exception)`` out
    on ``results``; exits on ``None``, a closed pipe, or when its parent is
    gone (killed).

    ``inherited``: the parent's ends of this worker's pipes and of the
    workers forked before it, closed at once: otherwise a worker blocked
    sending a result to a killed parent would wait forever (the pipe still
    has a reader: itself or a sibling)."""
    for c in inherited:
        c.close()
    try:  # the index's process is the pipeline's critical path: workers fill the rest of the CPUs
        os.nice(WORKER_NICE)
    except OSError:  # pragma: no cover - not allowed here
        pass
    while True:
        try:
            if not tasks.poll(1.0):
                if os.getppid() != parent:
                    return
                continue
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        seq, items, with_entries = task
        try:
            out: tuple[int, str, Any] = (seq, "ok", prepare(items, config, with_entries))
        except Exception as e:  # noqa: BLE001 - sent back and raised in the index's process
            out = (seq, "error", e)
        try:
            results.send(out)
        except (OSError, EOFError):
            return


class SketchPool:
    """Forked processes that sketch batches for :meth:`Index.add_many` while
    the index's process looks up and writes the earlier ones.

    Each worker has a task pipe and a result pipe, served in this process by
    a sender thread (which blocks while the worker is busy, not the caller)
    and a reader thread (which takes results as soon as they are sent, so a
    worker never blocks on a full result pipe): the index's process can
    queue several batches per worker (``depth``) without any pipe
    deadlocking. The queue absorbs the index's slow batches (in-memory
    merges, checkpoints): the workers keep sketching meanwhile.

    Args:
        workers: Worker processes (forked now).
        config: Candidate parameters the workers sketch with.
        depth: Batches in flight (submitted, result not yet taken) at most
            per worker.
    """

    def __init__(self, workers: int, config: CandidateConfig, depth: int = 4) -> None:
        import multiprocessing as mp
        import queue
        import threading
        ctx = mp.get_context("fork")
        self.depth = max(1, int(depth))
        self.procs: list[Any] = []
        self.tasks: list[Any] = []      # our (sending) ends of the task pipes
        self.results: list[Any] = []    # our (receiving) ends of the result pipes
        self._done: dict[int, tuple[str, Any]] = {}
        self._owner: dict[int, int] = {}  # seq -> worker, while in flight
        self._dead: dict[int, str] = {}   # worker -> why its reader stopped
        self._cv = threading.Condition()
        self._seq = 0
        self._threads: list[Any] = []
        self._outbox: list[Any] = []    # per worker: tasks for its sender thread
        try:
            with ctrl_c_deferred():  # a Ctrl-C during a fork would be lost
                for _ in range(workers):
                    t_recv, t_send = ctx.Pipe(duplex=False)
                    r_recv, r_send = ctx.Pipe(duplex=False)
                    mine = self.tasks + self.results + [t_send, r_recv]
                    p = ctx.Process(target=_serve, args=(t_recv, r_send, os.getpid(), config, mine),
                                    daemon=True, name="dedup-index-sketch")
                    p.start()
                    t_recv.close()
                    r_send.close()
                    self.procs.append(p)
                    self.tasks.append(t_send)
                    self.results.append(r_recv)
            for w in range(workers):  # after every fork: no child inherits a running thread
                self._outbox.append(queue.SimpleQueue())
                for fn, name in ((self._read, "results"), (self._send, "tasks")):
                    th = threading.Thread(target=fn, args=(w,), daemon=True, name=f"dedup-index-{name}")
                    th.start()
                    self._threads.append(th)
        except BaseException:
            self.close(kill=True)
            raise

    def __len__(self) -> int:
        return len(self.procs)

    def _send(self, w: int) -> None:
        box, conn = self._outbox[w], self.tasks[w]
        while True:
            task = box.get()
            try:
                conn.send(task)
            except (OSError, ValueError) as e:  # worker gone, or pipe closed by close()
                with self._cv:
                    self._dead.setdefault(w, str(e) or type(e).__name__)
                    self._cv.notify_all()
                return
            if task is None:
                return

    def _read(self, w: int) -> None:
        conn = self.results[w]
        while True:
            try:
                seq, status, value = conn.recv()
            except (EOFError, OSError) as e:
                with self._cv:
                    self._dead[w] = str(e) or type(e).__name__
                    self._cv.notify_all()
                return
            with self._cv:
                self._done[seq] = (status, value)
                self._cv.notify_all()

    def in_flight(self) -> int:
        """Batches submitted whose result was not taken yet."""
        return len(self._owner)

    def has_room(self) -> bool:
        return len(self._owner) < self.depth * len(self.procs)

    def submit(self, items: list[tuple[str, str]], with_entries: bool) -> int:
        """Queue a batch on the least loaded worker; returns its ticket for :meth:`result`."""
        load = [0] * len(self.procs)
        for w in self._owner.values():
            load[w] += 1
        w = min(range(len(load)), key=load.__getitem__)
        seq = self._seq
        self._seq += 1
        self._owner[seq] = w
        self._outbox[w].put((seq, items, with_entries))
        return seq

    def result(self, seq: int) -> Prepared:
        """The batch of ticket ``seq`` (waits for it)."""
        w = self._owner[seq]
        with self._cv:
            while seq not in self._done and w not in self._dead:
                self._cv.wait()
            got = self._done.pop(seq, None)
            why = self._dead.get(w)
        if got is None:
            raise DedupIndexError(f"a sketch worker process died ({why}); the batches not returned "
                                  "were not added")
        del self._owner[seq]
        status, value = got
        if status != "ok":
            raise value
        return value

    def close(self, kill: bool = False) -> None:
        if not kill:
            for box in self._outbox:  # after the tasks queued: the worker then exits
                box.put(None)
        for p in self.procs:
            if kill and p.is_alive():
                p.kill()
        for p in self.procs:
            p.join(timeout=0 if kill else 5)
            if p.is_alive():
                p.kill()
                p.join()
        for box in self._outbox:
            box.put(None)  # a sender still waiting for a task stops
        for th in self._threads:  # the workers are gone: readers see EOF, senders a broken pipe
            th.join(timeout=5)
        for c in self.tasks + self.results:
            c.close()
        self.procs, self.tasks, self.results, self._threads, self._outbox = [], [], [], [], []
        self._owner.clear()
        self._done.clear()


@dataclass
class Postings:
    """What a look-up found for one document: parallel arrays of posting
    keys and internal ids of the documents filed under them; ``stop`` marks
    rows of stop keys (key over its cap: the row holds its first document)."""

    keys: np.ndarray
    iids: np.ndarray
    stop: np.ndarray | None = None
    at: np.ndarray | None = None  # position of each row's key in the keys looked up (when known)

    def __post_init__(self) -> None:
        if self.stop is None:
            self.stop = np.zeros(len(self.keys), dtype=bool)


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[lo[i], hi[i])``: (owner ``i`` repeated, position), concatenated."""
    n = np.maximum(hi - lo, 0)
    tot = int(n.sum())
    if not tot:
        return _E, _E
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), n)
    pos = np.arange(tot, dtype=np.int64) - np.repeat(np.cumsum(n) - n, n) + np.repeat(lo, n)
    return owner, pos


def per_entry(n: int, stored: Postings, allk: np.ndarray, pos: np.ndarray, piid: np.ndarray,
              stop_keys: np.ndarray) -> list[Postings]:
    """Split a batch look-up into each entry's postings (vectorised).

    Entry ``k`` sees the stored rows of its keys plus the rows of earlier
    entries of the batch (``pos < k``) under the same keys (except keys
    stopped before the batch, which hold their stored first document only).

    Args:
        n: Entries in the batch.
        stored: Stored rows for the batch's distinct keys.
        allk, pos, piid: The batch's (key, entry position, internal id) rows.
        stop_keys: Sorted keys already stopped before the batch.
    """
    o = np.argsort(stored.keys, kind="stable")
    sk, si, ss = stored.keys[o], stored.iids[o], stored.stop[o]
    lo, hi = np.searchsorted(sk, allk, "left"), np.searchsorted(sk, allk, "right")
    own1, at1 = expand_ranges(lo, hi)
    ent = [pos[own1]]
    keys, iids, stop = [sk[at1]], [si[at1]], [ss[at1]]
    # earlier entries of the same batch sharing a key (not for stopped keys)
    live = np.ones(len(allk), dtype=bool)
    if len(stop_keys):
        i = np.minimum(np.searchsorted(stop_keys, allk), len(stop_keys) - 1)
        live = stop_keys[i] != allk
    bk, bp, bi = allk[live], pos[live], piid[live]
    o = np.lexsort((bp, bk))
    bk, bp, bi = bk[o], bp[o], bi[o]
    if len(bk):
        start = np.flatnonzero(np.r_[True, bk[1:] != bk[:-1]])
        gstart = np.repeat(start, np.diff(np.r_[start, len(bk)]))
        own2, at2 = expand_ranges(gstart, np.arange(len(bk), dtype=np.int64))
        ent.append(bp[own2])
        keys.append(bk[at2])
        iids.append(bi[at2])
        stop.append(np.zeros(len(at2), dtype=bool))
    e, k, i, s = (np.concatenate(ent), np.concatenate(keys), np.concatenate(iids), np.concatenate(stop))
    o = np.argsort(e, kind="stable")
    e, k, i, s = e[o], k[o], i[o], s[o]
    b = np.searchsorted(e, np.arange(n + 1))
    return [Postings(k[b[j]:b[j + 1]], i[b[j]:b[j + 1]], s[b[j]:b[j + 1]]) for j in range(n)]


class Backend(Protocol):
    """What a storage backend provides (see ``sqlite.py`` and ``redis_backend.py``)."""

    location: str

    def load_params(self) -> IndexParams | None: ...
    def init_params(self, params: IndexParams, store_text: bool) -> None: ...
    def store_text(self) -> bool: ...
    def lookup(self, keys: np.ndarray, caps: np.ndarray) -> Postings: ...
    def add_batch(self, prep: Prepared, want_postings: bool = True) -> list[tuple[int, Postings | None]]: ...
    def sketches(self, iids: Sequence[int]) -> dict[int, tuple[str, StoredSketch]]: ...
    def texts(self, iids: Sequence[int]) -> dict[int, str | None]: ...
    def iid_of(self, doc_id: str) -> int | None: ...
    def remove(self, doc_id: str) -> bool: ...
    def count(self) -> int: ...
    def stats(self) -> dict[str, Any]: ...
    def integrity_check(self, full: bool) -> list[str]: ...
    def close(self) -> None: ...


class Index:
    """A persistent, incremental near-duplicate index.

    Example:
        >>> with Index("articles.dedup") as ix:          # doctest: +SKIP
        ...     for m in ix.add("a1", text):
        ...         print(m.doc_id, m.verdict, m.scores.coverage)

    Args:
        location: A file path (embedded SQLite, WAL mode; created if missing)
            or ``redis://host:port/db`` (optionally ``?prefix=name`` to hold
            several indexes in one database; default prefix ``dedup``).
        config: Settings. Its ``candidates`` part (views, LSH bands/rows,
            seeds...) is recorded when the index is created; opening an
            existing index with a different one raises
            :class:`~dedup.index.ParameterMismatchError`. ``None`` (default)
            uses the recorded parameters of an existing index, or the defaults
            for a new one. Alignment and verdict settings are not recorded.
        store_text: Keep each document's text in the index (default for a new
            index: True). With False only the sketches and the id are stored
            and texts are read back with ``loader`` when a candidate has to be
            aligned. Recorded at creation.
        loader: ``loader(doc_id) -> str`` used when texts are not stored.
            Default: read ``text_root / doc_id`` as UTF-8.
        text_root: Directory the default loader resolves ids against
            (default: the current directory).
        batch_size: Documents per transaction in :meth:`add_many`.
        workers: Processes (forked) that sketch the next batches of
            :meth:`add_many` while this process looks up and writes the
            current one (0: sketch in this process, one batch after the
            other). Default: :func:`default_workers` (the number of CPUs,
            at most 2). Started at the first :meth:`add_many` of more than
            one batch, stopped by :meth:`close`.

    What is stored per document (format 5): its id, the text (unless
    ``store_text`` is False), its MinHash signatures (shingle 128 ``uint32``
    values; anchor 256 and 24 per sketched sentence when those views are
    on), the number of its passage fingerprints and its chain fingerprints
    (8 bytes each, ~350 for a 3,000-character article), and one posting per
    key not yet stopped: 32 shingle bands + one per passage fingerprint
    (~590 keys for a news article, ~370 postings once frequent keys are
    stopped), 10 bytes each in sorted segments (:mod:`dedup.index.segments`).
    About 10.6 KB per article with SQLite, text included (100K PAN13 chunks:
    1.07 GB).

    Memory: each process keeps the posting segments it reads in memory,
    merged there (13-13.5 bytes per posting kept with the look-up bitmap and
    directory: ~4 KB per article at 100K articles, ~2 KB at 1M once frequent
    keys stopped); the first operation on a large index reads and merges
    them all. A process that bulk loads (``add_many(judge=False)``) also
    keeps a key counter (:class:`dedup.index.segments.KeyCounter`, 16 bytes
    a slot, 21-43 bytes per distinct key: ~0.5 GB at 100K articles).

    Frequent keys cost nothing after a while: each key holds at most its
    cap of documents (:func:`dedup.index.layout.key_cap`; 50, passage
    fingerprints 20), then becomes a stop key (the incremental stand-in for
    ``dedup scan``'s corpus-wide document-frequency caps and oversize
    buckets), so look-ups and candidate lists stay bounded as the index grows.
    """

    def __init__(self, location: str | os.PathLike[str], *, config: Config | None = None,
                 store_text: bool | None = None, loader: Callable[[str], str] | None = None,
                 text_root: str | os.PathLike[str] | None = None, batch_size: int = DEFAULT_BATCH,
                 workers: int | None = None) -> None:
        loc = os.fspath(location)
        self._pool: SketchPool | None = None
        if workers is None:
            workers = default_workers()
        if not isinstance(workers, int) or workers < 0:
            raise ValueError(f"workers must be an int >= 0, got {workers!r}")
        self.workers = workers
        self.location = loc
        self._config_given = config is not None
        self.config = config or Config()
        self.batch_size = max(1, int(batch_size))
        self._loader = loader
        self._text_root = Path(text_root) if text_root is not None else None
        if loc.startswith("redis://") or loc.startswith("rediss://") or loc.startswith("unix://"):
            from dedup.index.redis_backend import RedisBackend
            self._backend: Backend = RedisBackend(loc)
        else:
            from dedup.index.sqlite import SQLiteBackend
            self._backend = SQLiteBackend(loc)
        try:
            stored = self._backend.load_params()
            wanted = IndexParams.for_config(self.config.candidates) if self._config_given else None
            if stored is None:
                params = wanted or IndexParams.for_config(self.config.candidates)
                self._backend.init_params(params, True if store_text is None else bool(store_text))
                stored = self._backend.load_params()
                assert stored is not None
            check_params(stored, wanted, loc)
            self.params = stored
            self.cconfig: CandidateConfig = stored.candidates
            if not self._config_given:
                self.config = Config(reader=self.config.reader, candidates=stored.candidates,
                                     align=self.config.align, spin=self.config.spin, verdict=self.config.verdict)
            self._store_text = self._backend.store_text()
            if store_text is not None and bool(store_text) != self._store_text:
                raise DedupIndexError(
                    f"{loc}: index was created with store_text={self._store_text}; open it with "
                    f"store_text={self._store_text} (or None), or rebuild it in a new location")
        except BaseException:
            self._backend.close()
            raise

    # ----------------------------------------------------------- protocol ---
    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and stop the sketch workers (also done by the ``with`` block)."""
        try:
            self._close_pool()
        finally:
            self._backend.close()

    def __len__(self) -> int:
        return self._backend.count()

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._backend.iid_of(doc_id) is not None

    def __repr__(self) -> str:
        return f"Index({self.location!r})"

    # ------------------------------------------------------------ public ---
    def check(self, doc_id: str, text: str, *, reuse: bool = False) -> list[Match]:
        """Related earlier documents of ``text``, without adding it.

        Args:
            doc_id: Id of the document (an indexed document with this id is
                not matched against itself).
            text: The document's text.
            reuse: Also return earlier documents that are not related but
                share copied passages with ``text`` (what ``dedup scan``
                writes to ``reuse.jsonl``): their matches have
                :attr:`Match.reuse` set, and may have the verdict
                ``unrelated``. Off by default: without it, ``[]`` means new
                content, as it always has.

        Returns:
            Matches (every verdict but ``unrelated``, unless ``reuse``),
            strongest first; ``[]`` for new content.
        """
        entry = self._entries([(doc_id, text)])[0]
        post = self._backend.lookup(entry.all_keys, entry.caps)
        return self._judge(entry, text, post, self._backend.iid_of(doc_id), reuse)

    def candidates(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Verified candidates of ``text`` (``(doc_id, views)``), without alignment.

        The cheap half of :meth:`check`: what ``dedup scan --stage candidates``
        would pair ``text`` with.
        """
        entry = self._entries([("\0candidates", text)])[0]
        post = self._backend.lookup(entry.all_keys, entry.caps)
        return [(doc_id, views) for _, doc_id, views in self._verified(entry, post, None)]

    def add(self, doc_id: str, text: str, *, reuse: bool = False) -> list[Match]:
        """Look ``text`` up, then add it, atomically (see :meth:`check`,
        also for ``reuse``).

        Re-adding an existing id replaces its entry (the old version is not
        matched).
        """
        return self.add_many([(doc_id, text)], reuse=reuse)[0]

    def add_many(self, items: Iterable[tuple[str, str]], *, judge: bool = True,
                 reuse: bool = False) -> list[list[Match]]:
        """Add many documents; the fast path.

        Documents are sketched together (vectorised) and written
        ``batch_size`` per transaction. Each document is matched against
        everything indexed before it, including earlier documents of the same
        call. When the call returns, every document is stored durably (with
        respect to a crash of this process). With ``workers`` (see
        :class:`Index`) the next batches are sketched in worker processes
        while this one is looked up and written; the results are the same.

        Args:
            items: ``(doc_id, text)`` pairs.
            judge: Align and judge candidates (default). False skips the
                alignment and returns empty lists (bulk loading).
            reuse: Also return documents sharing copied passages (see
                :meth:`check`).

        Returns:
            One list of matches per item, in order.
        """
        batches = self._batches(items)
        out: list[list[Match]] = []
        first = next(batches, None)
        if first is None:
            return out
        second = next(batches, None) if len(first) >= self.batch_size else None
        if second is None or not self.workers:  # nothing to overlap
            for b in ([first] if second is None else [first, second]):
                out.extend(self._add_batch(b, judge, reuse))
            for b in batches:
                out.extend(self._add_batch(b, judge, reuse))
            return out
        pool = self._sketch_pool()
        pending: deque = deque()                # (batch, ticket, error), oldest first
        feed = itertools.chain([first, second], batches)
        more = True

        def fill() -> None:  # up to pool.depth batches in flight per worker
            nonlocal more
            while more and pool.has_room():
                b = next(feed, None)
                if b is None:
                    more = False
                    break
                try:
                    check_items(b)
                except (ValueError, TypeError) as e:  # raised when its turn comes, as serially
                    pending.append((b, None, e))
                    more = False
                    break
                pending.append((b, pool.submit(b, judge), None))

        try:
            fill()
            while pending:
                b, seq, err = pending.popleft()
                if err is not None:
                    raise err
                prep = pool.result(seq)
                fill()  # the next batches are sketched while this one is written
                out.extend(self._write_batch(b, prep, judge, reuse))
        except BaseException:
            if pool.in_flight():
                self._close_pool(kill=True)  # batches in flight are abandoned (not added)
            raise
        return out

    def _sketch_pool(self) -> SketchPool:
        if self._pool is None:
            self._pool = SketchPool(self.workers, self.cconfig)
        return self._pool

    def _close_pool(self, kill: bool = False) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close(kill=kill)

    def _batches(self, items: Iterable[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
        """``batch_size`` items at a time; a repeated id starts a new batch."""
        batch: list[tuple[str, str]] = []
        ids: set[str] = set()
        for item in items:
            doc_id, text = item
            if doc_id in ids or len(batch) >= self.batch_size:
                yield batch
                batch, ids = [], set()
            batch.append((doc_id, text))
            ids.add(doc_id)
        if batch:
            yield batch

    def remove(self, doc_id: str) -> bool:
        """Remove a document; returns False if it was not indexed."""
        return self._backend.remove(doc_id)

    def stats(self) -> dict[str, Any]:
        """Counts, sizes and the recorded parameters."""
        s = {"location": self.location, "documents": len(self), "store_text": self._store_text}
        s.update(self._backend.stats())
        s["params"] = self.params.to_dict()
        return s

    def integrity_check(self, full: bool = False) -> list[str]:
        """Check the index; returns the problems found (``[]``: healthy).

        Args:
            full: Also check that every document's posting keys of the
                signature views (shingle, anchor, sentence: recomputed from
                its stored signatures) are present (reads every document;
                slow on big indexes). Passage fingerprints are stored as
                postings only, so their keys cannot be recomputed.
        """
        return self._backend.integrity_check(full)

    # ----------------------------------------------------------- internal ---
    def _entries(self, items: Sequence[tuple[str, str]]) -> list[Entry]:
        check_items(items)
        sk = sketch([t for _, t in items], self.cconfig)
        sketches = split_sketches(sk)
        keys = batch_keys(sk, self.cconfig)
        return [Entry(d, t if self._store_text else None, s, *k) for (d, t), s, k in zip(items, sketches, keys)]

    def _add_batch(self, batch: list[tuple[str, str]], judge: bool, reuse: bool = False) -> list[list[Match]]:
        return self._write_batch(batch, prepare(batch, self.cconfig, judge), judge, reuse)

    def _write_batch(self, batch: list[tuple[str, str]], prep: Prepared, judge: bool,
                     reuse: bool = False) -> list[list[Match]]:
        prep.texts = [t for _, t in batch] if self._store_text else [None] * len(batch)
        results = self._backend.add_batch(prep, want_postings=judge)
        if not judge:
            return [[] for _ in batch]
        assert prep.entries is not None
        return [self._judge(e, text, post, iid, reuse)
                for e, (_, text), (iid, post) in zip(prep.entries, batch, results)]

    def _verified(self, entry: Entry, post: Postings, self_iid: int | None) -> list[tuple[int, str, tuple[str, ...]]]:
        coll, evidence = collisions(entry, post, self.cconfig, exclude=self_iid)
        if not coll:
            return []
        order = sorted(coll)
        stored = self._backend.sketches(order)
        live = [i for i in order if i in stored and stored[i][0] != entry.doc_id]  # removed/replaced since: skip
        if not live:
            return []
        # shingle/anchor estimated Jaccard of all candidates at once
        est: dict[str, dict[int, float]] = {}
        for v in ("shingle", "anchor"):
            mine = getattr(entry.sketch, v)
            ids = [i for i in live if v in coll[i] and len(getattr(stored[i][1], v)) == len(mine) > 0]
            if ids:
                m = np.stack([getattr(stored[i][1], v) for i in ids])
                est[v] = dict(zip(ids, (np.count_nonzero(m == mine[None, :], axis=1) / len(mine)).tolist()))
        ph = {i: coll[i]["passage"] for i in live if "passage" in coll[i]}
        passage_ok = passage_verified(entry.sketch, {i: stored[i][1] for i in ph}, ph, evidence, self.cconfig)
        out = []
        for iid in live:
            doc_id, sk = stored[iid]
            views = verify(entry.sketch, sk, coll[iid], self.cconfig, est=est, iid=iid, passage_ok=passage_ok)
            if views:
                out.append((iid, doc_id, views))
        return out

    def _judge(self, entry: Entry, text: str, post: Postings, self_iid: int | None,
               reuse: bool = False) -> list[Match]:
        from dedup.align import text_features
        from dedup.judge import JudgementCache, judge_features, reuse_of  # local: judging imports much of dedup

        cands = self._verified(entry, post, self_iid)
        if not cands:
            return []
        texts = self._backend.texts([iid for iid, _, _ in cands])
        matches = []
        new_doc = Document(entry.doc_id, text)
        with fewer_collections():  # see dedup.collect
            new_feats = text_features(text)  # once, not once per candidate
            judged = JudgementCache()  # indexed copies of one text: aligned with the new text once
            for iid, doc_id, views in cands:
                t = texts.get(iid)
                if t is None:
                    t = self._load(doc_id)
                old_doc, old_feats = Document(doc_id, t), text_features(t)
                pr = judge_features(old_doc, new_doc, old_feats, new_feats, self.config,
                                    drop_unrelated=True, judgements=judged)
                copied = (reuse_of(old_doc, new_doc, old_feats, new_feats, pr, judged, self.config)
                          if reuse else None)
                if copied is not None and (pr is None or pr.verdict == "unrelated"):
                    # not related: the comparison in the orientation of the copied passages
                    j, swapped = judged.get(t, text, old_feats, new_feats, self.config)
                    c = j.finished((copied.source == doc_id) != swapped)
                    matches.append(Match(doc_id, "unrelated", c.scores, copied.source, copied.suspect, views,
                                         c, copied))
                    continue
                if pr is None or pr.verdict == "unrelated":
                    continue
                matches.append(Match(doc_id, pr.verdict, pr.comparison.scores, pr.source, pr.suspect, views,
                                     pr.comparison, copied))
        rank = {"spun": 0, "near-duplicate": 1, "derivative": 2, "shared-quotes": 3, "unrelated": 4}
        matches.sort(key=lambda m: (rank.get(m.verdict, 9), -m.scores.coverage, m.doc_id))
        return matches

    def _load(self, doc_id: str) -> str:
        if self._loader is not None:
            return self._loader(doc_id)
        path = (self._text_root or Path.cwd()) / doc_id
        try:
            with open(path, encoding="utf-8", newline="") as f:
                return f.read()
        except OSError as e:
            raise DedupIndexError(f"index stores no texts and {path} cannot be read ({e.strerror or e}); "
                                  "pass loader= or text_root= to Index") from None
