"""SQLite backend: one file, WAL mode, one transaction per batch.

Schema (format version 5; new files with 64 KB pages)::

    meta(name TEXT PRIMARY KEY, value TEXT)
        magic       'dedup-index'
        params      JSON of IndexParams (views, perms, bands/rows, seeds, scheme, version, fingerprint)
        store_text  '1' or '0'
        next_iid    next internal id (never reused)
        next_seg    next segment id (never reused)
    docs(iid INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, sh BLOB, an BLOB, se BLOB,
         npf INTEGER, cf BLOB, text TEXT NULL)
                                             -- signatures as '<u4' bytes, the number
                                             -- of passage fingerprints (npf; they are
                                             -- stored as postings only), chain
                                             -- fingerprints (cf) as '<u8' bytes;
                                             -- what verification reads comes first in
                                             -- the row (no walk through the text's
                                             -- overflow pages)
    segments(id INTEGER PRIMARY KEY, seg INTEGER, part INTEGER, level INTEGER, data BLOB)
                                             -- sorted posting segments, one or more parts
                                             -- each (dedup.index.segments.encode_part)
    stops(seq INTEGER PRIMARY KEY, data BLOB)  -- keys stopped by one batch, with their
                                             -- first documents (encode_part)
    dead(seq INTEGER PRIMARY KEY, data BLOB)   -- internal ids retired by one batch or
                                             -- removal ('<u4' bytes)

Postings are segments (see :mod:`dedup.index.segments`): each batch adds
one (level 0); segments are merged in each process's memory, never on disk.
The file holds 10 bytes per posting of a batch's segment (~370 per news
article once frequent keys are stopped: 32 shingle bands + one per passage
fingerprint), plus the article's sketches (~3.3 KB: shingle signature
512 bytes, chain fingerprints ~2.8 KB) and text: about 10.6 KB per
3,000-character article (format 4, which also stored the passage
fingerprints in the row and 12 bytes per posting: ~16.5 KB). Format
versions 2 (one SQL row per posting), 3 and 4 are refused with a message
saying to rebuild.

Writers take the database lock with ``BEGIN IMMEDIATE`` (read what others
committed, look up and write a batch under one lock, so concurrent writers
see each other in a serial order) and wait up to ``busy_timeout`` for each
other. WAL with ``synchronous=NORMAL``: a committed batch survives a crash of
the process (SIGKILL); after a power loss the last batches may be lost but
the file stays consistent. A writer copies the WAL into the main file
(checkpoint, the only step that syncs) from a thread of its own, with a
second connection, so its batches go on meanwhile (SQLite releases the GIL
while it writes and syncs).
"""
from __future__ import annotations

import functools
import itertools
import os
import sqlite3
import struct
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from dedup.index.base import Postings, Prepared
from dedup.index.layout import (
    FORMAT_VERSION,
    CorruptIndexError,
    DedupIndexError,
    IndexParams,
    ParameterMismatchError,
    StoredSketch,
    keys_of_sketch,
)
from dedup.index.segments import PostingCache, sorted_distinct, decode_ids, decode_part, decode_parts, encode_ids, encode_part, encode_parts

MAGIC = "dedup-index"
_CHUNK = 30000  # bound parameters per IN (...) query (SQLite >= 3.32 allows 32766)
_HEADER = b"SQLite format 3\x00"
#: Page size of new index files: a news article's row (text and sketches,
#: ~10 KB) fits one page, so no row spills into a chain of overflow pages.
PAGE_SIZE = 65536
#: WAL size at which a writer asks its checkpoint thread (:class:`_Checkpointer`)
#: to copy the WAL into the main file (and sync it).
CHECKPOINT_BYTES = 64 << 20
#: WAL size at which the writing connection checkpoints by itself (SQLite's
#: autocheckpoint, the fallback when the checkpoint thread falls behind).
AUTOCHECKPOINT_BYTES = 4 * CHECKPOINT_BYTES
#: Memory-mapped reads of every connection: through the OS page cache (capped by the SQLite build).
MMAP_BYTES = 16 << 30
#: Connections that read candidates' sketches in parallel (see ``SQLiteBackend.sketches``).
READERS = 4

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(iid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE,
                                sh BLOB NOT NULL, an BLOB NOT NULL, se BLOB NOT NULL,
                                npf INTEGER NOT NULL, cf BLOB NOT NULL, text TEXT);
CREATE TABLE IF NOT EXISTS segments(id INTEGER PRIMARY KEY, seg INTEGER NOT NULL, part INTEGER NOT NULL,
                                    level INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS segments_seg ON segments(seg, part);
CREATE TABLE IF NOT EXISTS stops(seq INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS dead(seq INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""
_TABLES = {"meta", "docs", "segments", "stops", "dead"}


def _busy(e: BaseException) -> bool:
    msg = str(e)
    return isinstance(e, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg)


def _guard(fn: Callable[..., T]) -> Callable[..., T]:
    """Retry on SQLITE_BUSY (a whole operation is one transaction, rolled
    back before a retry) until ``busy_timeout``; turn SQLite corruption
    errors into :class:`CorruptIndexError`."""
    @functools.wraps(fn)
    def wrapper(self: "SQLiteBackend", *a: Any, **k: Any) -> T:
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.01
        while True:
            try:
                return fn(self, *a, **k)
            except sqlite3.DatabaseError as e:
                if not _busy(e):
                    error = e
                    break
                if self._conn is not None and self._conn.in_transaction:
                    try:
                        self._conn.rollback()
                    except sqlite3.Error:
                        pass
                if time.monotonic() + delay > deadline:
                    error = e
                    break
                time.sleep(delay)  # some busy cases (WAL recovery, snapshot) bypass the busy handler
                delay = min(0.5, delay * 2)
            except CorruptIndexError:
                self._rollback()
                raise
        e = error
        msg = str(e)
        if _busy(e):
            raise DedupIndexError(f"{self.location}: index is locked by another process for too long "
                                  f"({msg})") from None
        self._rollback()
        raise CorruptIndexError(f"{self.location}: damaged or not a dedup index ({msg}); "
                                "restore it from a backup or rebuild it") from None
    return wrapper


def check_file(path: Path) -> None:
    """Cheap structural checks of an existing file before SQLite opens it."""
    size = path.stat().st_size
    deadline = time.monotonic() + 2.0
    while size == 0 and time.time() - path.stat().st_mtime < 5 and time.monotonic() < deadline:
        time.sleep(0.05)  # just created by another process opening the same new index: give it time
        size = path.stat().st_size
    if size == 0:
        raise CorruptIndexError(f"{path}: file is empty (0 bytes), not a dedup index; "
                                "delete it to start a new index")
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(_HEADER):
        raise CorruptIndexError(f"{path}: not a dedup index (not an SQLite database file)")
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    n_pages = struct.unpack(">I", head[28:32])[0]
    change, valid_for = struct.unpack(">I", head[24:28])[0], struct.unpack(">I", head[92:96])[0]
    wal = path.with_name(path.name + "-wal")
    wal_live = wal.exists() and wal.stat().st_size > 0
    if n_pages and change == valid_for and not wal_live and size < n_pages * page_size:
        raise CorruptIndexError(f"{path}: index file is truncated ({size} bytes, its header says "
                                f"{n_pages * page_size}); restore it from a backup or rebuild it")


class _Checkpointer:
    """A thread with its own connection that runs ``PRAGMA
    wal_checkpoint(PASSIVE)`` when :meth:`poke` d: a passive checkpoint
    waits for no reader or writer, and copies and syncs while the writer
    goes on. Started by the first batch a backend writes, stopped by its
    :meth:`close`."""

    def __init__(self, location: str) -> None:
        self._conn = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout=0")  # never wait: the next poke retries
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="dedup-index-checkpoint")
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stop:
                return
            try:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:  # busy (another checkpoint) or closing: the next poke retries
                pass

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join()
        self._conn.close()


class SQLiteBackend:
    """Embedded single-file backend."""

    def __init__(self, location: str, busy_timeout: float = 120.0) -> None:
        self.location = location
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = None
        self._params: IndexParams | None = None
        self._cache = PostingCache()
        self._checkpointer: _Checkpointer | None = None
        self._unchecked = 0  # bytes committed since the checkpoint thread was last woken
        self._readers: Any = None  # thread pool of parallel sketch reads (see sketches())
        self._local = threading.local()
        self._lock = threading.Lock()
        self._thread_conns: list[sqlite3.Connection] = []
        path = Path(location)
        if path.is_dir():
            raise DedupIndexError(f"{location}: is a directory; give a file path for the index")
        if path.exists():
            check_file(path)
        elif not path.parent.exists():
            raise DedupIndexError(f"{location}: directory {path.parent} does not exist")
        self._open(busy_timeout)

    def _rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            try:
                self._conn.rollback()
            except sqlite3.Error:
                pass

    @_guard
    def _open(self, busy_timeout: float) -> None:
        if self._conn is not None:  # a retry after SQLITE_BUSY
            self._conn.close()
            self._conn = None
        self._conn = sqlite3.connect(self.location, timeout=busy_timeout, isolation_level=None,
                                     check_same_thread=False)
        c = self._conn
        c.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        c.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file only (no effect on an existing one)
        mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DedupIndexError(f"{self.location}: cannot switch the index to WAL mode (got {mode})")
        c.execute("PRAGMA synchronous=NORMAL")
        page = int(c.execute("PRAGMA page_size").fetchone()[0])
        c.execute(f"PRAGMA wal_autocheckpoint={max(64, AUTOCHECKPOINT_BYTES // page)}")  # see _after_commit
        c.execute("PRAGMA cache_size=-65536")
        c.execute("PRAGMA temp_store=MEMORY")
        c.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise CorruptIndexError(f"{self.location}: an SQLite database but not a dedup index "
                                    f"(tables: {', '.join(sorted(tables))})")
        if tables and ("postings" in tables or "stopkeys" in tables):
            raise ParameterMismatchError(
                f"{self.location}: index of an older format (one SQL row per posting, format version 2 "
                f"or earlier); this dedup reads format version {FORMAT_VERSION}: rebuild the index with "
                "this version of dedup (dedup index add NEW_INDEX PATH...)")
        if tables and not _TABLES <= tables:
            raise CorruptIndexError(f"{self.location}: dedup index is missing tables "
                                    f"{sorted(_TABLES - tables)}; rebuild it")

    # ------------------------------------------------------------- meta ---
    def _meta(self) -> dict[str, str]:
        assert self._conn is not None
        try:
            return dict(self._conn.execute("SELECT name, value FROM meta"))
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return {}
            raise

    @_guard
    def load_params(self) -> IndexParams | None:
        if self._params is not None:
            return self._params
        m = self._meta()
        if not m:
            return None
        if m.get("magic") != MAGIC or "params" not in m:
            raise CorruptIndexError(f"{self.location}: not a dedup index (meta table without magic/params)")
        try:
            self._params = IndexParams.from_json(m["params"])
            return self._params
        except (ValueError, KeyError, TypeError) as e:
            raise CorruptIndexError(f"{self.location}: recorded parameters are unreadable ({e}); rebuild the index")

    @_guard
    def init_params(self, params: IndexParams, store_text: bool) -> None:
        c = self._conn
        assert c is not None
        c.execute("BEGIN IMMEDIATE")
        for stmt in _SCHEMA.strip().split(";"):
            if stmt.strip():
                c.execute(stmt)
        c.executemany("INSERT OR IGNORE INTO meta(name, value) VALUES (?, ?)",
                      [("magic", MAGIC), ("params", params.to_json()), ("store_text", "1" if store_text else "0"),
                       ("next_iid", "1"), ("next_seg", "1")])
        c.execute("COMMIT")

    @_guard
    def store_text(self) -> bool:
        return self._meta().get("store_text", "1") == "1"

    # ------------------------------------------------------------ cache ---
    def _sync(self) -> None:
        """Bring the posting cache up to what is committed (call inside a transaction)."""
        c = self._conn
        assert c is not None
        cache = self._cache
        # segments are never deleted and their ids grow: read only those newer than the newest held
        # (and the whole listing again when the count says one went away, which no writer does)
        last = max(cache.loaded, default=-1)
        rows = c.execute("SELECT seg, level FROM segments WHERE part = 0 AND seg > ?", (last,)).fetchall()
        stored = c.execute("SELECT COUNT(*) FROM segments WHERE part = 0").fetchone()[0]
        complete = stored != len(cache.loaded) + len(rows)
        if complete:
            rows = c.execute("SELECT seg, level FROM segments WHERE part = 0").fetchall()
        listing = {int(sg): int(lv) for sg, lv in rows}

        def load(seg: int) -> tuple[np.ndarray, np.ndarray]:
            raws = [r[0] for r in c.execute("SELECT data FROM segments WHERE seg = ? ORDER BY part", (seg,))]
            return decode_parts(raws, f"{self.location}: segment {seg}")

        cache.sync_segments(listing, load, complete=complete)
        rows = c.execute("SELECT seq, data FROM stops WHERE seq > ? ORDER BY seq", (cache.stops_seen,)).fetchall()
        if rows:
            self._check_seq(rows, cache.stops_seen, "stops")
            cache.add_stops(decode_part(d, f"{self.location}: stop record {q}") for q, d in rows)
        rows = c.execute("SELECT seq, data FROM dead WHERE seq > ? ORDER BY seq", (cache.dead_seen,)).fetchall()
        if rows:
            self._check_seq(rows, cache.dead_seen, "dead")
            cache.add_dead(decode_ids(d, f"{self.location}: record {q}") for q, d in rows)

    def _check_seq(self, rows: list, seen: int, table: str) -> None:
        if [r[0] for r in rows] != list(range(seen + 1, seen + 1 + len(rows))):
            raise CorruptIndexError(f"{self.location}: table {table} has gaps (damaged); rebuild the index")

    def _read_sync(self) -> None:
        """Sync the cache in a read transaction, unless nobody else wrote since."""
        c = self._conn
        assert c is not None
        version = c.execute("PRAGMA data_version").fetchone()[0]
        if version == self._cache.version:
            return
        c.execute("BEGIN")
        try:
            self._sync()
        finally:
            self._rollback()
        self._cache.version = version

    # ----------------------------------------------------------- lookup ---
    @_guard
    def lookup(self, keys: np.ndarray, caps: np.ndarray) -> Postings:
        self._read_sync()
        return self._cache.lookup(sorted_distinct(keys))

    # -------------------------------------------------------------- add ---
    @_guard
    def add_batch(self, prep: Prepared, want_postings: bool = True) -> list[tuple[int, Postings | None]]:
        c = self._conn
        assert c is not None
        texts = prep.texts if prep.texts is not None else [None] * len(prep.doc_ids)
        c.execute("BEGIN IMMEDIATE")
        try:
            self._sync()
            ids = prep.doc_ids
            old: list[int] = []
            for s in range(0, len(ids), _CHUNK):
                part = ids[s:s + _CHUNK]
                old += [r[0] for r in c.execute(
                    f"SELECT iid FROM docs WHERE doc_id IN ({','.join('?' * len(part))})", part)]
            meta = self._meta()
            next_iid, next_seg = int(meta["next_iid"]), int(meta["next_seg"])
            plan = self._cache.plan(prep, next_iid, np.array(old, dtype=np.int64), want_postings)
            if old:
                c.executemany("DELETE FROM docs WHERE iid = ?", [(i,) for i in old])
                c.execute("INSERT INTO dead(seq, data) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM dead), ?)",
                          (encode_ids(plan.dead),))
            c.executemany("INSERT INTO docs(iid, doc_id, sh, an, se, npf, cf, text) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          [(i, d, *r, t) for i, d, r, t in zip(plan.iids.tolist(), ids, prep.rows, texts)])
            if len(plan.stop_keys):
                c.execute("INSERT INTO stops(seq, data) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM stops), ?)",
                          (encode_part(plan.stop_keys, plan.stop_first),))
            if plan.gone:
                c.executemany("DELETE FROM segments WHERE seg = ?", [(g,) for g in plan.gone])
            seg_ids = list(range(next_seg, next_seg + len(plan.new_segs)))
            for sid, (level, k, i) in zip(seg_ids, plan.new_segs):
                c.executemany("INSERT INTO segments(seg, part, level, data) VALUES (?, ?, ?, ?)",
                              [(sid, p, level, raw) for p, raw in enumerate(encode_parts(k, i))])
            c.executemany("UPDATE meta SET value = ? WHERE name = ?",
                          [(str(next_iid + len(ids)), "next_iid"), (str(next_seg + len(seg_ids)), "next_seg")])
            c.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        self._after_commit(sum(len(t) for t in texts if t) + sum(map(len, itertools.chain.from_iterable(
            (r[0], r[1], r[2], r[4]) for r in prep.rows))) + sum(10 * len(k) for _, k, _ in plan.new_segs))
        self._cache.apply(plan, seg_ids)
        iids = plan.iids.tolist()
        if plan.posts is None:
            return [(i, None) for i in iids]
        return list(zip(iids, plan.posts))

    # ------------------------------------------------------------ reads ---
    @_guard
    def sketches(self, iids: Sequence[int]) -> dict[int, tuple[str, StoredSketch]]:
        """Stored sketches of ``iids`` (missing ones are left out). Several
        rows are read by :data:`READERS` threads, each with a connection of
        its own: rows not in the page cache are read from disk in parallel
        (SQLite releases the GIL while it reads), so a cold look-up with
        many candidates waits for a few reads, not for one after another."""
        assert self._conn is not None
        params = self.load_params()
        assert params is not None
        il = sorted(set(iids))
        cfg = params.candidates

        def read(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple]:
            return [r for s in range(0, len(ids), _CHUNK) for r in conn.execute(
                "SELECT iid, doc_id, sh, an, se, npf, cf FROM docs WHERE iid IN "
                f"({','.join('?' * len(ids[s:s + _CHUNK]))})", ids[s:s + _CHUNK])]

        if len(il) < 2 * READERS:
            rows = read(self._conn, il)
        else:
            pool = self._reader_pool()
            parts = [il[k::READERS] for k in range(READERS)]
            futures = [pool.submit(self._read_in_thread, read, part) for part in parts[1:]]
            rows = read(self._conn, parts[0])  # this thread's share, while the others read theirs
            for f in futures:
                rows.extend(f.result())
        return {iid: (doc_id, StoredSketch.from_bytes(sh, an, se, None, cfg, npf, cf))
                for iid, doc_id, sh, an, se, npf, cf in rows}

    def _reader_pool(self) -> Any:
        if self._readers is None:
            from concurrent.futures import ThreadPoolExecutor
            self._readers = ThreadPoolExecutor(READERS - 1, thread_name_prefix="dedup-index-read")
        return self._readers

    def _read_in_thread(self, fn: Callable[[sqlite3.Connection, Sequence[int]], list], part: Sequence[int]) -> list:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.location, isolation_level=None, check_same_thread=False,
                                   timeout=self.busy_timeout)
            conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self._local.conn = conn
            with self._lock:
                self._thread_conns.append(conn)
        return fn(conn, part)

    @_guard
    def texts(self, iids: Sequence[int]) -> dict[int, str | None]:
        assert self._conn is not None
        il = list(iids)
        out: dict[int, str | None] = {}
        for s in range(0, len(il), _CHUNK):
            part = il[s:s + _CHUNK]
            out.update(self._conn.execute(
                f"SELECT iid, text FROM docs WHERE iid IN ({','.join('?' * len(part))})", part).fetchall())
        return out

    @_guard
    def iid_of(self, doc_id: str) -> int | None:
        assert self._conn is not None
        r = self._conn.execute("SELECT iid FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if r is None else int(r[0])

    @_guard
    def remove(self, doc_id: str) -> bool:
        c = self._conn
        assert c is not None
        c.execute("BEGIN IMMEDIATE")
        try:
            self._sync()  # the cache then holds every record before the one written here
            r = c.execute("SELECT iid FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
            if r is not None:
                c.execute("DELETE FROM docs WHERE iid = ?", (r[0],))
                c.execute("INSERT INTO dead(seq, data) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM dead), ?)",
                          (encode_ids(np.array([r[0]])),))
            c.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        if r is not None:
            self._cache.add_dead([np.array([r[0]], dtype=np.int64)])
        return r is not None

    @_guard
    def count(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    @_guard
    def stats(self) -> dict[str, Any]:
        assert self._conn is not None
        self._read_sync()
        page_size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        wal = Path(self.location + "-wal")
        return {"backend": "sqlite", "segments": len(self._cache.segs), "stored_segments": len(self._cache.loaded),
                "postings": self._cache.postings(),
                "stop_keys": len(self._cache.stop_keys), "file_bytes": os.path.getsize(self.location),
                "wal_bytes": wal.stat().st_size if wal.exists() else 0, "db_bytes": page_size * pages}

    @_guard
    def integrity_check(self, full: bool) -> list[str]:
        c = self._conn
        assert c is not None
        problems = []
        pragma = "integrity_check" if full else "quick_check"
        rows = [r[0] for r in c.execute(f"PRAGMA {pragma}").fetchall()]
        if rows != ["ok"]:
            problems += [f"sqlite {pragma}: {r}" for r in rows[:20]]
            return problems
        try:
            self._params = None
            params = self.load_params()
        except CorruptIndexError as e:
            return problems + [str(e)]
        if params is None:
            return problems + ["no parameters recorded (not initialised)"]
        cache = self._cache = PostingCache()  # re-read everything, checksums included
        c.execute("BEGIN")
        try:
            try:
                self._sync()
            except CorruptIndexError as e:
                return problems + [str(e)]
            problems += cache.check()
            meta = self._meta()
            next_iid = int(meta.get("next_iid", "0"))
            max_iid = c.execute("SELECT COALESCE(MAX(iid), 0) FROM docs").fetchone()[0]
            if max_iid >= next_iid:
                problems.append(f"meta next_iid {next_iid} <= largest document iid {max_iid}")
            segs = {r[0] for r in c.execute("SELECT seg FROM segments")}
            if segs and max(segs) >= int(meta.get("next_seg", "0")):
                problems.append(f"meta next_seg {meta.get('next_seg')} <= largest segment id {max(segs)}")
            if full:
                ids = cache.all_ids()
                live = np.array([r[0] for r in c.execute("SELECT iid FROM docs")], dtype=np.int64)
                known = np.union1d(live, cache.dead)
                dangling = np.setdiff1d(ids, known)
                if len(dangling):
                    problems.append(f"{len(dangling)} internal ids in postings without a document")
                for iid, doc_id, sh, an, se, npf, cf in c.execute("SELECT iid, doc_id, sh, an, se, npf, cf FROM docs"):
                    try:
                        s = StoredSketch.from_bytes(sh, an, se, None, params.candidates, npf, cf=cf)
                    except CorruptIndexError as e:
                        problems.append(f"document {doc_id!r}: {e}")
                        continue
                    keys = np.unique(keys_of_sketch(s, params.candidates).all())
                    missing = int(np.count_nonzero(~cache.has(keys, iid)))
                    if missing:
                        problems.append(f"document {doc_id!r}: {missing} of {len(keys)} posting keys missing")
                    if len(problems) > 50:
                        break
        finally:
            self._rollback()
        cache.version = None
        return problems

    def _after_commit(self, written: int) -> None:
        """Have the checkpoint thread copy the WAL once about ``CHECKPOINT_BYTES``
        were committed since it last did (``written``: this commit's payload)."""
        self._unchecked += written
        if self._unchecked >= CHECKPOINT_BYTES:
            self._unchecked = 0
            if self._checkpointer is None:
                self._checkpointer = _Checkpointer(self.location)
            self._checkpointer.poke()

    def close(self) -> None:
        try:
            if self._readers is not None:
                self._readers.shutdown(wait=True)
                for conn in self._thread_conns:
                    conn.close()
            if self._checkpointer is not None:
                self._checkpointer.close()
        finally:
            self._readers, self._thread_conns = None, []
            self._checkpointer = None
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None
