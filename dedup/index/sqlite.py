"""SQLite backend: one file, WAL mode, one transaction per batch.

Schema (format version 1)::

    meta(name TEXT PRIMARY KEY, value TEXT)
        magic       'dedup-index'
        params      JSON of IndexParams (views, perms, bands/rows, seeds, scheme, version, fingerprint)
        store_text  '1' or '0'
        next_iid    next internal id (never reused)
    docs(iid INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, sh BLOB, an BLOB, se BLOB,
         npf INTEGER, pf BLOB, text TEXT NULL)
                                             -- signatures as '<u4' bytes, passage
                                             -- fingerprints as '<u8' bytes (npf of them);
                                             -- what verification reads comes first in
                                             -- the row (no walk through the text's
                                             -- overflow pages)
    postings(key INTEGER, iid INTEGER, PRIMARY KEY (key, iid)) WITHOUT ROWID
                                             -- one row per posting key of a document
    stopkeys(key INTEGER PRIMARY KEY, first INTEGER)
                                             -- keys that reached their cap (layout.key_cap):
                                             -- their postings are deleted, later documents are
                                             -- not filed under them; ``first`` is the oldest
                                             -- document that had the key

Posting keys per news article: 32 shingle + 75 anchor bands + one per passage
fingerprint (~400 for 3,000 characters). A batch is written with one
``executemany`` of its postings sorted by key, looked up with ``IN (...)``
over its distinct keys (chunks of 30,000), under one transaction.

Writers take the database lock with ``BEGIN IMMEDIATE`` (look-up and insert
of a batch happen under one lock, so concurrent writers see each other in a
serial order) and wait up to ``busy_timeout`` for each other. WAL with
``synchronous=NORMAL``: a committed batch survives a crash of the process
(SIGKILL); after a power loss the last batches may be lost but the file stays
consistent.
"""
from __future__ import annotations

import functools
import os
import sqlite3
import struct
import time
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from dedup.index.base import _E, Entry, Postings, per_entry
from dedup.index.layout import (
    CorruptIndexError,
    DedupIndexError,
    IndexParams,
    StoredSketch,
    keys_of_sketch,
)

MAGIC = "dedup-index"
_CHUNK = 30000  # bound parameters per IN (...) query (SQLite >= 3.32 allows 32766)
_HEADER = b"SQLite format 3\x00"

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(iid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE,
                                sh BLOB NOT NULL, an BLOB NOT NULL, se BLOB NOT NULL,
                                npf INTEGER NOT NULL, pf BLOB NOT NULL, text TEXT);
CREATE TABLE IF NOT EXISTS postings(key INTEGER NOT NULL, iid INTEGER NOT NULL,
                                    PRIMARY KEY (key, iid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stopkeys(key INTEGER PRIMARY KEY, first INTEGER NOT NULL);
"""


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
        e = error
        msg = str(e)
        if _busy(e):
            raise DedupIndexError(f"{self.location}: index is locked by another process for too long "
                                  f"({msg})") from None
        if self._conn is not None and self._conn.in_transaction:
            try:
                self._conn.rollback()
            except sqlite3.Error:
                pass
        raise CorruptIndexError(f"{self.location}: damaged or not a dedup index ({msg}); "
                                "restore it from a backup or rebuild it") from None
    return wrapper


def check_file(path: Path) -> None:
    """Cheap structural checks of an existing file before SQLite opens it."""
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


class SQLiteBackend:
    """Embedded single-file backend."""

    def __init__(self, location: str, busy_timeout: float = 120.0) -> None:
        self.location = location
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = None
        self._params: IndexParams | None = None
        path = Path(location)
        if path.is_dir():
            raise DedupIndexError(f"{location}: is a directory; give a file path for the index")
        if path.exists():
            check_file(path)
        elif not path.parent.exists():
            raise DedupIndexError(f"{location}: directory {path.parent} does not exist")
        self._open(busy_timeout)

    @_guard
    def _open(self, busy_timeout: float) -> None:
        if self._conn is not None:  # a retry after SQLITE_BUSY
            self._conn.close()
            self._conn = None
        self._conn = sqlite3.connect(self.location, timeout=busy_timeout, isolation_level=None,
                                     check_same_thread=False)
        c = self._conn
        c.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DedupIndexError(f"{self.location}: cannot switch the index to WAL mode (got {mode})")
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA cache_size=-262144")
        c.execute("PRAGMA temp_store=MEMORY")
        c.execute("PRAGMA mmap_size=17179869184")  # reads through the OS page cache (capped by the build)
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise CorruptIndexError(f"{self.location}: an SQLite database but not a dedup index "
                                    f"(tables: {', '.join(sorted(tables))})")
        need = {"docs", "postings", "stopkeys"}
        if tables and not need <= tables:
            if "meta" in tables and "stopkeys" not in tables and {"docs", "postings"} <= tables:
                raise DedupIndexError(f"{self.location}: index of an older format (no stop keys); rebuild it with "
                                      "this version of dedup (dedup index add NEW_INDEX PATH...)")
            raise CorruptIndexError(f"{self.location}: dedup index is missing tables "
                                    f"{sorted(need - tables)}; rebuild it")

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
                       ("next_iid", "1")])
        c.execute("COMMIT")

    @_guard
    def store_text(self) -> bool:
        return self._meta().get("store_text", "1") == "1"

    # ----------------------------------------------------------- lookup ---
    def _select(self, keys: np.ndarray) -> Postings:
        """Stored rows of ``keys``: postings, plus (key, first) of stop keys (``stop`` True)."""
        assert self._conn is not None
        ks, ii, st = [], [], []
        kl = keys.tolist()
        for s in range(0, len(kl), _CHUNK // 2):
            part = kl[s:s + _CHUNK // 2]
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(f"SELECT key, iid, 0 FROM postings WHERE key IN ({marks}) UNION ALL "
                                      f"SELECT key, first, 1 FROM stopkeys WHERE key IN ({marks})",
                                      part + part).fetchall()
            if rows:
                arr = np.array(rows, dtype=np.int64)
                ks.append(arr[:, 0])
                ii.append(arr[:, 1])
                st.append(arr[:, 2].astype(bool))
        if not ks:
            return Postings(_E, _E, np.zeros(0, bool))
        return Postings(np.concatenate(ks), np.concatenate(ii), np.concatenate(st))

    @_guard
    def lookup(self, keys: np.ndarray, caps: np.ndarray) -> Postings:
        return self._select(keys)

    # -------------------------------------------------------------- add ---
    def _delete_doc(self, iid: int, sh: bytes, an: bytes, se: bytes, pf: bytes, params: IndexParams) -> None:
        assert self._conn is not None
        s = StoredSketch.from_bytes(sh, an, se, pf, params.candidates)
        keys = np.unique(keys_of_sketch(s, params.candidates).all()).tolist()
        self._conn.executemany("DELETE FROM postings WHERE key = ? AND iid = ?", [(k, iid) for k in keys])
        self._conn.execute("DELETE FROM docs WHERE iid = ?", (iid,))

    @_guard
    def add_batch(self, entries: Sequence[Entry], want_postings: bool = True) -> list[tuple[int, Postings | None]]:
        c = self._conn
        assert c is not None
        params = self.load_params()
        assert params is not None
        n = len(entries)
        allk = np.concatenate([e.all_keys for e in entries]) if entries else _E
        caps = np.concatenate([e.caps for e in entries]) if entries else _E
        pos = np.repeat(np.arange(n, dtype=np.int64), [len(e.all_keys) for e in entries])
        ukeys, ufirst, uinv = np.unique(allk, return_index=True, return_inverse=True)
        ucap = caps[ufirst]
        bcount = np.bincount(uinv, minlength=len(ukeys))
        blobs = [e.sketch.to_bytes() for e in entries]
        c.execute("BEGIN IMMEDIATE")
        try:
            ids = [e.doc_id for e in entries]
            old = []
            for s in range(0, len(ids), _CHUNK):
                part = ids[s:s + _CHUNK]
                old += c.execute(f"SELECT iid, sh, an, se, pf FROM docs WHERE doc_id IN ({','.join('?' * len(part))})",
                                 part).fetchall()
            for iid, sh, an, se, pf in old:
                self._delete_doc(iid, sh, an, se, pf, params)
            if want_postings:
                stored = self._select(ukeys)
                live = ~stored.stop
                stop_keys = np.unique(stored.keys[stored.stop])
                lk, li = stored.keys[live], stored.iids[live]
                o = np.argsort(lk, kind="stable")
                lk, li = lk[o], li[o]
                lo, hi = np.searchsorted(lk, ukeys, "left"), np.searchsorted(lk, ukeys, "right")
                scount = hi - lo
                smin = np.full(len(ukeys), np.iinfo(np.int64).max, dtype=np.int64)
                if len(li):
                    has = scount > 0
                    smin[has] = np.minimum.reduceat(li, lo[has]) if has.any() else smin[has]
            else:
                stop_keys, scount, smin = self._counts(ukeys)
            next_iid = int(c.execute("SELECT value FROM meta WHERE name='next_iid'").fetchone()[0])
            iids = np.arange(next_iid, next_iid + n, dtype=np.int64)
            piid = iids[pos]
            # documents per key after this batch -> keys reaching their cap become stop keys
            stopped = np.isin(ukeys, stop_keys, assume_unique=True)
            newly = ~stopped & (scount + bcount >= ucap)
            rows_ok = ~(stopped | newly)[uinv]
            if newly.any():
                nk = ukeys[newly]
                # first document of each newly stopped key: oldest stored one, else the batch's first
                first = smin[newly].copy()
                m = newly[uinv]
                np.minimum.at(first, np.searchsorted(nk, allk[m]), piid[m])
                gone = nk[scount[newly] > 0].tolist()
                c.executemany("DELETE FROM postings WHERE key = ?", zip(gone))
                c.executemany("INSERT OR REPLACE INTO stopkeys(key, first) VALUES (?, ?)",
                              zip(nk.tolist(), first.tolist()))
            c.executemany("INSERT INTO docs(iid, doc_id, sh, an, se, npf, pf, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          [(i, e.doc_id, b[0], b[1], b[2], len(e.sketch.passages), b[3], e.text)
                           for i, e, b in zip(iids.tolist(), entries, blobs)])
            wk, wi = allk[rows_ok], piid[rows_ok]
            o = np.argsort(wk, kind="stable")
            c.executemany("INSERT OR IGNORE INTO postings(key, iid) VALUES (?, ?)",
                          zip(wk[o].tolist(), wi[o].tolist()))
            c.execute("UPDATE meta SET value = ? WHERE name = 'next_iid'", (str(next_iid + n),))
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.rollback()
            raise
        if not want_postings:
            return [(i, None) for i in iids.tolist()]
        posts = per_entry(n, stored, allk, pos, piid, stop_keys)
        return list(zip(iids.tolist(), posts))

    def _counts(self, ukeys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For sorted distinct ``ukeys``: the stop keys among them, and each
        key's number of postings and smallest internal id (counted in SQLite,
        one row per key)."""
        assert self._conn is not None
        kl = ukeys.tolist()
        rows, stops = [], []
        for s in range(0, len(kl), _CHUNK):
            part = kl[s:s + _CHUNK]
            marks = ",".join("?" * len(part))
            rows += self._conn.execute(f"SELECT key, COUNT(*), MIN(iid) FROM postings WHERE key IN ({marks}) "
                                       "GROUP BY key", part).fetchall()
            stops += self._conn.execute(f"SELECT key FROM stopkeys WHERE key IN ({marks})", part).fetchall()
        scount = np.zeros(len(ukeys), dtype=np.int64)
        smin = np.full(len(ukeys), np.iinfo(np.int64).max, dtype=np.int64)
        if rows:
            arr = np.array(rows, dtype=np.int64)
            at = np.searchsorted(ukeys, arr[:, 0])
            scount[at] = arr[:, 1]
            smin[at] = arr[:, 2]
        stop_keys = np.sort(np.array([r[0] for r in stops], dtype=np.int64))
        return stop_keys, scount, smin

    # ------------------------------------------------------------ reads ---
    @_guard
    def sketches(self, iids: Sequence[int]) -> dict[int, tuple[str, StoredSketch]]:
        assert self._conn is not None
        params = self.load_params()
        assert params is not None
        out = {}
        il = list(iids)
        for s in range(0, len(il), _CHUNK):
            part = il[s:s + _CHUNK]
            for iid, doc_id, sh, an, se, npf in self._conn.execute(
                    f"SELECT iid, doc_id, sh, an, se, npf FROM docs WHERE iid IN ({','.join('?' * len(part))})", part):
                out[iid] = (doc_id, StoredSketch.from_bytes(sh, an, se, None, params.candidates, npf))
        return out

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
        params = self.load_params()
        assert params is not None
        c.execute("BEGIN IMMEDIATE")
        try:
            r = c.execute("SELECT iid, sh, an, se, pf FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
            if r is not None:
                self._delete_doc(*r, params)
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.rollback()
            raise
        return r is not None

    @_guard
    def count(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    @_guard
    def stats(self) -> dict[str, Any]:
        assert self._conn is not None
        page_size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        wal = Path(self.location + "-wal")
        stop = self._conn.execute("SELECT COUNT(*) FROM stopkeys").fetchone()[0]
        return {"backend": "sqlite", "stop_keys": stop, "file_bytes": os.path.getsize(self.location),
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
        next_iid = int(self._meta().get("next_iid", "0"))
        max_iid = c.execute("SELECT COALESCE(MAX(iid), 0) FROM docs").fetchone()[0]
        if max_iid >= next_iid:
            problems.append(f"meta next_iid {next_iid} <= largest document iid {max_iid}")
        dangling = c.execute("SELECT COUNT(*) FROM (SELECT DISTINCT iid FROM postings) p "
                             "WHERE p.iid NOT IN (SELECT iid FROM docs)").fetchone()[0] if full else 0
        if dangling:
            problems.append(f"{dangling} internal ids in postings without a document")
        for iid, doc_id, sh, an, se, pf in (c.execute("SELECT iid, doc_id, sh, an, se, pf FROM docs") if full else []):
            try:
                s = StoredSketch.from_bytes(sh, an, se, pf, params.candidates)
            except CorruptIndexError as e:
                problems.append(f"document {doc_id!r}: {e}")
                continue
            keys = np.unique(keys_of_sketch(s, params.candidates).all()).tolist()
            marks = ",".join("?" * len(keys))
            have = c.execute(f"SELECT (SELECT COUNT(*) FROM postings WHERE iid = ? AND key IN ({marks})) + "
                             f"(SELECT COUNT(*) FROM stopkeys WHERE key IN ({marks}))",
                             [iid, *keys, *keys]).fetchone()[0] if keys else 0
            if have != len(keys):
                problems.append(f"document {doc_id!r}: {len(keys) - have} of {len(keys)} posting keys missing")
        return problems

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


