"""Redis backend: a shared index several processes can write to.

Location: ``redis://host:port/db`` (also ``rediss://``, ``unix://``), with an
optional ``?prefix=NAME`` (default ``dedup``) so several indexes can live in
one database. Needs the ``redis`` package (``pip install 'dedup-spin[redis]'``).

Key layout (``P`` is the prefix; every value is plain bytes, nothing is ever
pickled or unpickled; integers are ASCII decimal unless said otherwise)::

    P:meta        HASH   magic      "dedup-index"
                         params     JSON of the index parameters (views, perms,
                                    bands/rows, seeds, scheme, format version,
                                    sketch fingerprint)
                         store_text "1" or "0"
    P:ver         STRING commits so far (every write bumps it; writers WATCH it)
    P:next        STRING next internal id (ids never reused)
    P:nseg        STRING next segment id (never reused)
    P:ids         HASH   doc_id (UTF-8) -> internal id
    P:d:<iid>     STRING the document's record (format 5; :func:`pack_doc`):
                         a header of six little-endian uint32 -- the byte
                         lengths of the five fields, then the number of
                         passage fingerprints (stored as postings only) --,
                         then the fields one after the other:
                         id    doc_id (UTF-8)
                         sh    shingle signature, little-endian uint32 values
                         an    anchor signature, little-endian uint32 values
                         se    per-sentence signatures, little-endian uint32, row-major
                         cf    chain fingerprints, little-endian uint64 values
    P:t:<iid>     STRING the document's text, UTF-8 (absent when store_text is "0")
    P:segs        HASH   segment id -> "<level> <parts>"
    P:s:<seg>:<part> STRING one part of a sorted posting segment
                         (:func:`dedup.index.segments.encode_part`: n, crc32,
                         id base and width, n int64 posting keys, n internal
                         ids as uint16 offsets from the base or uint32)
    P:stops       LIST   one record per batch that stopped keys (encode_part:
                         the keys and their first documents)
    P:dead        LIST   internal ids retired by a batch or a removal
                         (little-endian uint32 values)

Postings are segments as in the SQLite backend (:mod:`dedup.index.segments`):
each batch adds one (merged in each process's memory, never in Redis). Memory:
10 bytes per posting (~370 per news article), plus the document record
(sketches, ~3.3 KB for a 3,000-character article) and text: about 10 KB per
article (format 4: ~15 KB).

A batch writes all its records and texts with one ``MSET`` (format 3 had a
hash per document, one ``HSET`` each: most of the time of a batch went into
packing those commands).

Consistency: a batch is one optimistic transaction: ``WATCH P:ver``, read
what other writers committed since this process last looked, look the batch
up, then ``MULTI`` ... ``EXEC`` writes the documents, the segment, stop and
retired records and ``INCR P:ver``. When another writer committed in
between, ``EXEC`` fails and the batch is looked up again (no partial state is
ever visible: Redis applies a transaction all at once). Concurrent writers
are therefore serialised per batch, and each sees exactly the documents added
before it. Removing or replacing a document deletes ``P:d:<iid>`` (and its
``P:ids`` entry) and appends its id to ``P:dead``.
"""
from __future__ import annotations

import struct
import time
from typing import Any, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import numpy as np

from dedup.index.base import Postings, Prepared
from dedup.index.layout import (
    CorruptIndexError,
    DedupIndexError,
    IndexParams,
    StoredSketch,
    keys_of_sketch,
)
from dedup.index.segments import PostingCache, sorted_distinct, decode_ids, decode_part, decode_parts, encode_ids, encode_part, encode_parts

MAGIC = b"dedup-index"
_DOC_HEAD = struct.Struct("<6I")


def pack_doc(doc_id: bytes, sh: bytes, an: bytes, se: bytes, cf: bytes, npf: int) -> bytes:
    """The ``P:d:<iid>`` record: five uint32 lengths and the count of passage
    fingerprints, then the fields."""
    return b"".join((_DOC_HEAD.pack(len(doc_id), len(sh), len(an), len(se), len(cf), npf),
                     doc_id, sh, an, se, cf))


def unpack_doc(raw: bytes, what: str) -> tuple[bytes, bytes, bytes, bytes, bytes, int]:
    """``(doc_id, sh, an, se, cf, npf)`` of a record; :class:`CorruptIndexError` if damaged."""
    if len(raw) < _DOC_HEAD.size:
        raise CorruptIndexError(f"{what}: document record is damaged (short); rebuild the index")
    *lens, npf = _DOC_HEAD.unpack_from(raw)
    if _DOC_HEAD.size + sum(lens) != len(raw):
        raise CorruptIndexError(f"{what}: document record is damaged (lengths do not add up); rebuild the index")
    out: list = []
    at = _DOC_HEAD.size
    mv = memoryview(raw)
    for n in lens:
        out.append(bytes(mv[at:at + n]))
        at += n
    return (*out, npf)  # type: ignore[return-value]
#: Seconds a writer keeps retrying a batch that other writers' commits invalidated.
RETRY_SECONDS = 300.0


def _split_location(location: str) -> tuple[str, str]:
    parts = urlsplit(location)
    q = parse_qs(parts.query)
    prefix = q.pop("prefix", ["dedup"])[0]
    if not prefix or ":" in prefix:
        raise DedupIndexError(f"{location}: prefix must be non-empty and contain no ':'")
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(q, doseq=True), parts.fragment))
    return url, prefix


class _Stale(Exception):
    """Another writer committed while this one was reading."""


class RedisBackend:
    """Shared backend on a Redis server."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._r = None
        try:
            import redis
        except ImportError:
            raise DedupIndexError("the Redis backend needs the redis package: "
                                  "pip install 'dedup-spin[redis]'") from None
        self._redis = redis
        url, self.prefix = _split_location(location)
        try:
            self._r = redis.Redis.from_url(url, decode_responses=False, socket_connect_timeout=5)
            self._r.ping()
        except (redis.RedisError, ValueError, OSError) as e:
            self._r = None
            raise DedupIndexError(f"{location}: cannot reach the Redis server ({e})") from None
        self._params: IndexParams | None = None
        self._cache = PostingCache()
        p = self.prefix
        self.k_meta, self.k_ids, self.k_next = f"{p}:meta", f"{p}:ids", f"{p}:next"
        self.k_ver, self.k_nseg, self.k_segs = f"{p}:ver", f"{p}:nseg", f"{p}:segs"
        self.k_stops, self.k_dead = f"{p}:stops", f"{p}:dead"

    def _d(self, iid: int) -> str:
        return f"{self.prefix}:d:{iid}"

    def _t(self, iid: int) -> str:
        return f"{self.prefix}:t:{iid}"

    def _part(self, seg: int, part: int) -> str:
        return f"{self.prefix}:s:{seg}:{part}"

    def _call(self, fn, *a, **k):
        try:
            return fn(*a, **k)
        except self._redis.WatchError:
            raise
        except self._redis.ResponseError as e:
            raise CorruptIndexError(f"{self.location}: unexpected data under prefix {self.prefix!r} ({e}); "
                                    "is another program using these keys? Use another ?prefix= or rebuild") from None
        except self._redis.RedisError as e:
            raise DedupIndexError(f"{self.location}: Redis error: {e}") from None

    # ------------------------------------------------------------- meta ---
    def load_params(self) -> IndexParams | None:
        if self._params is not None:
            return self._params
        m = self._call(self._r.hgetall, self.k_meta)
        if not m:
            if self._call(self._r.exists, self.k_ids, self.k_next):
                raise CorruptIndexError(f"{self.location}: index data under prefix {self.prefix!r} but no "
                                        f"{self.k_meta}; rebuild the index")
            return None
        if m.get(b"magic") != MAGIC or b"params" not in m:
            raise CorruptIndexError(f"{self.location}: {self.k_meta} is not dedup index metadata")
        try:
            self._params = IndexParams.from_json(m[b"params"])
        except (ValueError, KeyError, TypeError) as e:
            raise CorruptIndexError(f"{self.location}: recorded parameters are unreadable ({e}); rebuild the index")
        return self._params

    def init_params(self, params: IndexParams, store_text: bool) -> None:
        pipe = self._r.pipeline(transaction=True)
        pipe.hsetnx(self.k_meta, "params", params.to_json())
        pipe.hsetnx(self.k_meta, "store_text", "1" if store_text else "0")
        pipe.hsetnx(self.k_meta, "magic", MAGIC)
        self._call(pipe.execute)

    def store_text(self) -> bool:
        return self._call(self._r.hget, self.k_meta, "store_text") != b"0"

    # ------------------------------------------------------------ cache ---
    def _sync(self, conn: Any, version: int) -> None:
        """Bring the posting cache up to commit ``version`` (read through ``conn``,
        a client or a watching pipeline); :class:`_Stale` if another writer
        committed meanwhile."""
        cache = self._cache
        listing_raw = self._call(conn.hgetall, self.k_segs)
        listing, parts = {}, {}
        for k, v in listing_raw.items():
            try:
                level, n = (int(x) for x in v.split())
                listing[int(k)], parts[int(k)] = level, n
            except ValueError:
                raise CorruptIndexError(f"{self.location}: {self.k_segs} holds a damaged entry; "
                                        "rebuild the index") from None

        def load(seg: int) -> tuple[np.ndarray, np.ndarray]:
            raws = [self._call(conn.get, self._part(seg, p)) for p in range(parts[seg])]
            if any(r is None for r in raws):
                self._stale(conn, version)
            return decode_parts(raws, f"{self.location}: segment {seg}")

        cache.sync_segments(listing, load)
        stops = self._call(conn.lrange, self.k_stops, cache.stops_seen, -1)
        if stops:
            cache.add_stops(decode_part(r, f"{self.location}: stop record") for r in stops)
        dead = self._call(conn.lrange, self.k_dead, cache.dead_seen, -1)
        if dead:
            cache.add_dead(decode_ids(r, f"{self.location}: retired ids") for r in dead)
        cache.version = version

    def _stale(self, conn: Any, version: int) -> None:
        if int(self._call(conn.get, self.k_ver) or 0) != version:
            raise _Stale()
        raise CorruptIndexError(f"{self.location}: a posting segment listed in {self.k_segs} is missing "
                                "(damaged); rebuild the index")

    def _read_sync(self) -> None:
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            version = int(self._call(self._r.get, self.k_ver) or 0)
            if version == self._cache.version:
                return
            try:
                self._sync(self._r, version)
                return
            except _Stale:
                if time.monotonic() > deadline:
                    raise DedupIndexError(f"{self.location}: other writers keep changing the index; "
                                          "try again later") from None

    # ---------------------------------------------------------- lookup ---
    def lookup(self, keys: np.ndarray, caps: np.ndarray) -> Postings:
        self._read_sync()
        return self._cache.lookup(sorted_distinct(keys))

    def add_batch(self, prep: Prepared, want_postings: bool = True) -> list[tuple[int, Postings | None]]:
        texts = prep.texts if prep.texts is not None else [None] * len(prep.doc_ids)
        ids = [d.encode("utf-8") for d in prep.doc_ids]
        records = [pack_doc(i, sh, an, se, cf, npf) for i, (sh, an, se, npf, cf) in zip(ids, prep.rows)]
        texts_b = [None if t is None else t.encode("utf-8", "surrogatepass") for t in texts]
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            with self._r.pipeline(transaction=True) as pipe:
                try:
                    self._call(pipe.watch, self.k_ver)
                    version = int(self._call(pipe.get, self.k_ver) or 0)
                    if version != self._cache.version:
                        self._sync(pipe, version)
                    old = [int(v) for v in self._call(pipe.hmget, self.k_ids, ids) if v is not None]
                    next_iid = int(self._call(pipe.get, self.k_next) or 1)
                    next_seg = int(self._call(pipe.get, self.k_nseg) or 1)
                    parts = {int(k): int(v.split()[1]) for k, v in self._call(pipe.hgetall, self.k_segs).items()}
                    plan = self._cache.plan(prep, next_iid, np.array(old, dtype=np.int64), want_postings)
                    pipe.multi()
                    if old:
                        pipe.delete(*[k for i in old for k in (self._d(i), self._t(i))])
                    if len(plan.dead):
                        pipe.rpush(self.k_dead, encode_ids(plan.dead))
                    batch_kv: dict[str, bytes] = {}
                    for iid, rec, t in zip(plan.iids.tolist(), records, texts_b):
                        batch_kv[self._d(iid)] = rec
                        if t is not None:
                            batch_kv[self._t(iid)] = t
                    pipe.mset(batch_kv)
                    pipe.hset(self.k_ids, mapping={k: str(i) for k, i in zip(ids, plan.iids.tolist())})
                    if len(plan.stop_keys):
                        pipe.rpush(self.k_stops, encode_part(plan.stop_keys, plan.stop_first))
                    for g in plan.gone:
                        pipe.delete(*[self._part(g, p) for p in range(parts.get(g, 1))])
                        pipe.hdel(self.k_segs, str(g))
                    seg_ids = list(range(next_seg, next_seg + len(plan.new_segs)))
                    for sid, (level, k, i) in zip(seg_ids, plan.new_segs):
                        raws = encode_parts(k, i)
                        for p, raw in enumerate(raws):
                            pipe.set(self._part(sid, p), raw)
                        pipe.hset(self.k_segs, str(sid), f"{level} {len(raws)}")
                    pipe.set(self.k_next, str(next_iid + len(ids)))
                    pipe.set(self.k_nseg, str(next_seg + len(seg_ids)))
                    pipe.incr(self.k_ver)
                    res = self._call(pipe.execute)
                except (self._redis.WatchError, _Stale):
                    if time.monotonic() > deadline:
                        raise DedupIndexError(f"{self.location}: other writers kept changing the index for "
                                              f"{RETRY_SECONDS:.0f} s; this batch was not added") from None
                    continue
            self._cache.apply(plan, seg_ids)
            self._cache.version = int(res[-1])
            iids = plan.iids.tolist()
            if plan.posts is None:
                return [(i, None) for i in iids]
            return list(zip(iids, plan.posts))

    # ------------------------------------------------------------- reads ---
    def sketches(self, iids: Sequence[int]) -> dict[int, tuple[str, StoredSketch]]:
        params = self.load_params()
        assert params is not None
        iids = list(iids)
        out = {}
        if not iids:
            return out
        res = self._call(self._r.mget, [self._d(i) for i in iids])
        for i, raw in zip(iids, res):
            if raw is None:
                continue  # dead posting (removed or replaced)
            doc_id, sh, an, se, cf, npf = unpack_doc(raw, f"{self.location}: {self._d(i)}")
            out[i] = (doc_id.decode("utf-8"), StoredSketch.from_bytes(sh, an, se, None, params.candidates, npf, cf))
        return out

    def texts(self, iids: Sequence[int]) -> dict[int, str | None]:
        iids = list(iids)
        if not iids:
            return {}
        return {i: (t.decode("utf-8", "surrogatepass") if t is not None else None)
                for i, t in zip(iids, self._call(self._r.mget, [self._t(i) for i in iids]))}

    def iid_of(self, doc_id: str) -> int | None:
        v = self._call(self._r.hget, self.k_ids, doc_id.encode("utf-8"))
        return None if v is None else int(v)

    def remove(self, doc_id: str) -> bool:
        key = doc_id.encode("utf-8")
        while True:
            with self._r.pipeline(transaction=True) as pipe:
                try:
                    self._call(pipe.watch, self.k_ver, self.k_ids)
                    old = self._call(pipe.hget, self.k_ids, key)
                    if old is None:
                        return False
                    pipe.multi()
                    pipe.delete(self._d(int(old)), self._t(int(old)))
                    pipe.hdel(self.k_ids, key)
                    pipe.rpush(self.k_dead, encode_ids(np.array([int(old)])))
                    pipe.incr(self.k_ver)
                    self._call(pipe.execute)
                    return True
                except self._redis.WatchError:
                    continue

    def count(self) -> int:
        return int(self._call(self._r.hlen, self.k_ids))

    def stats(self) -> dict[str, Any]:
        self._read_sync()
        info = self._call(self._r.info, "memory")
        return {"backend": "redis", "prefix": self.prefix, "segments": len(self._cache.segs),
                "stored_segments": len(self._cache.loaded),
                "postings": self._cache.postings(), "stop_keys": len(self._cache.stop_keys),
                "redis_used_memory": info.get("used_memory"), "redis_keys": self._call(self._r.dbsize)}

    def integrity_check(self, full: bool) -> list[str]:
        problems: list[str] = []
        try:
            self._params = None
            params = self.load_params()
        except DedupIndexError as e:
            return [str(e)]
        if params is None:
            return ["no parameters recorded (not initialised)"]
        self._cache = PostingCache()  # re-read everything, checksums included
        try:
            self._read_sync()
        except CorruptIndexError as e:
            return [str(e)]
        cache = self._cache
        problems += cache.check()
        nxt = int(self._call(self._r.get, self.k_next) or 1)
        checked = 0
        seen = []
        for doc_id, iid_b in self._r.hscan_iter(self.k_ids, count=1000):
            iid = int(iid_b)
            seen.append(iid)
            name = doc_id.decode("utf-8", "replace")
            if iid >= nxt:
                problems.append(f"document {name!r}: internal id {iid} not below {self.k_next} ({nxt})")
            raw = self._call(self._r.get, self._d(iid))
            try:
                if raw is None:
                    raise CorruptIndexError(f"{self._d(iid)} missing")
                rid, sh, an, se, cf, npf = unpack_doc(raw, self._d(iid))
                if rid != doc_id:
                    raise CorruptIndexError(f"{self._d(iid)} holds another id")
                s = StoredSketch.from_bytes(sh, an, se, None, params.candidates, npf, cf=cf)
            except CorruptIndexError as e:
                problems.append(f"document {name!r}: {e}")
                continue
            if full:
                keys = np.unique(keys_of_sketch(s, params.candidates).all())
                missing = int(np.count_nonzero(~cache.has(keys, iid)))
                if missing:
                    problems.append(f"document {name!r}: {missing} of {len(keys)} posting keys missing")
            checked += 1
            if not full and checked >= 1000:
                break
            if len(problems) > 50:
                break
        if full and len(problems) <= 50:
            dangling = np.setdiff1d(cache.all_ids(), np.union1d(np.array(seen, dtype=np.int64), cache.dead))
            if len(dangling):
                problems.append(f"{len(dangling)} internal ids in postings without a document")
        return problems

    def close(self) -> None:
        if self._r is not None:
            try:
                self._r.close()
            finally:
                self._r = None

