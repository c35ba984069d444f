"""SQLite backend: one file, WAL mode, one transaction per batch.

Schema (format version 1)::

    meta(name TEXT PRIMARY KEY, value TEXT)
        magic       'dedup-index'
        params      JSON of IndexParams (views, perms, bands/rows, seeds, scheme, version, fingerprint)
        store_text  '1' or '0'
        next_iid    next internal id (never reused)
    docs(iid INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, text TEXT NULL,
         sh BLOB, an BLOB, se BLOB, pf BLOB) -- signatures as '<u4' bytes, passage
                                             -- fingerprints as '<u8' bytes
    postings(key INTEGER, iid INTEGER, PRIMARY KEY (key, iid)) WITHOUT ROWID
                                             -- one row per LSH band key of a document

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
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from dedup.index.base import Entry, Postings
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
CREATE TABLE IF NOT EXISTS docs(iid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, text TEXT,
                                sh BLOB NOT NULL, an BLOB NOT NULL, se BLOB NOT NULL,
                                pf BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS postings(key INTEGER NOT NULL, iid INTEGER NOT NULL,
                                    PRIMARY KEY (key, iid)) WITHOUT ROWID;
"""


def _guard(fn: Callable[..., T]) -> Callable[..., T]:
    """Turn SQLite corruption errors into :class:`CorruptIndexError`."""
    @functools.wraps(fn)
    def wrapper(self: "SQLiteBackend", *a: Any, **k: Any) -> T:
        try:
            return fn(self, *a, **k)
        except sqlite3.DatabaseError as e:
            msg = str(e)
            if isinstance(e, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg):
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
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise CorruptIndexError(f"{self.location}: an SQLite database but not a dedup index "
                                    f"(tables: {', '.join(sorted(tables))})")
        if tables and not {"docs", "postings"} <= tables:
            raise CorruptIndexError(f"{self.location}: dedup index is missing tables "
                                    f"{sorted({'docs', 'postings'} - tables)}; rebuild it")

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
    def _select_postings(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self._conn is not None
        ks, ii = [], []
        kl = keys.tolist()
        for s in range(0, len(kl), _CHUNK):
            part = kl[s:s + _CHUNK]
            q = f"SELECT key, iid FROM postings WHERE key IN ({','.join('?' * len(part))})"
            rows = self._conn.execute(q, part).fetchall()
            if rows:
                arr = np.array(rows, dtype=np.int64)
                ks.append(arr[:, 0])
                ii.append(arr[:, 1])
        if not ks:
            e = np.empty(0, dtype=np.int64)
            return e, e
        return np.concatenate(ks), np.concatenate(ii)

    @_guard
    def lookup(self, keys: np.ndarray) -> Postings:
        return Postings(*self._select_postings(keys))

    # -------------------------------------------------------------- add ---
    def _delete_doc(self, iid: int, sh: bytes, an: bytes, se: bytes, pf: bytes, params: IndexParams) -> None:
        assert self._conn is not None
        s = StoredSketch.from_bytes(sh, an, se, pf, params.candidates)
        keys = np.unique(keys_of_sketch(s, params.candidates).all()).tolist()
        self._conn.executemany("DELETE FROM postings WHERE key = ? AND iid = ?", [(k, iid) for k in keys])
        self._conn.execute("DELETE FROM docs WHERE iid = ?", (iid,))

    @_guard
    def add_batch(self, entries: Sequence[Entry]) -> list[tuple[int, Postings]]:
        c = self._conn
        assert c is not None
        params = self.load_params()
        assert params is not None
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
            allk = np.concatenate([e.all_keys for e in entries]) if entries else np.empty(0, np.int64)
            sk, si = self._select_postings(np.unique(allk))
            next_iid = int(c.execute("SELECT value FROM meta WHERE name='next_iid'").fetchone()[0])
            iids = list(range(next_iid, next_iid + len(entries)))
            c.executemany("INSERT INTO docs(iid, doc_id, text, sh, an, se, pf) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          [(i, e.doc_id, e.text, *e.sketch.to_bytes()) for i, e in zip(iids, entries)])
            pos = np.repeat(np.arange(len(entries), dtype=np.int64), [len(e.all_keys) for e in entries])
            piid = np.asarray(iids, dtype=np.int64)[pos] if len(entries) else pos
            c.executemany("INSERT OR IGNORE INTO postings(key, iid) VALUES (?, ?)",
                          zip(allk.tolist(), piid.tolist()))
            c.execute("UPDATE meta SET value = ? WHERE name = 'next_iid'", (str(next_iid + len(entries)),))
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.rollback()
            raise
        return _per_entry(entries, iids, sk, si, allk, pos, piid)

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
            for iid, doc_id, sh, an, se, pf in self._conn.execute(
                    f"SELECT iid, doc_id, sh, an, se, pf FROM docs WHERE iid IN ({','.join('?' * len(part))})", part):
                out[iid] = (doc_id, StoredSketch.from_bytes(sh, an, se, pf, params.candidates))
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
        return {"backend": "sqlite", "file_bytes": os.path.getsize(self.location),
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
            have = c.execute("SELECT COUNT(*) FROM postings WHERE iid = ? AND key IN "
                             f"({','.join('?' * len(keys))})", [iid, *keys]).fetchone()[0] if keys else 0
            if have != len(keys):
                problems.append(f"document {doc_id!r}: {len(keys) - have} of {len(keys)} posting keys missing")
        return problems

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def _per_entry(entries: Sequence[Entry], iids: list[int], sk: np.ndarray, si: np.ndarray,
               allk: np.ndarray, pos: np.ndarray, piid: np.ndarray) -> list[tuple[int, Postings]]:
    """Split a batch look-up into each entry's postings: stored documents plus
    the earlier documents of the same batch sharing a key."""
    n = len(entries)
    # rows: stored postings (order -1) and the batch's own keys (order = position)
    rk = np.concatenate([sk, allk])
    ri = np.concatenate([si, piid])
    ro = np.concatenate([np.full(len(sk), -1, dtype=np.int64), pos])
    if len(rk):
        u, inv, cnt = np.unique(rk, return_inverse=True, return_counts=True)
        shared = cnt[inv] >= 2
        rk, ri, ro = rk[shared], ri[shared], ro[shared]
    out = []
    e0 = np.empty(0, dtype=np.int64)
    for k in range(n):
        if not len(rk):
            out.append((iids[k], Postings(e0, e0)))
            continue
        m = (ro < k) & np.isin(rk, entries[k].all_keys)
        out.append((iids[k], Postings(rk[m], ri[m])))
    return out
