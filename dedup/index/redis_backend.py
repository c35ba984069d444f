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
    P:next        STRING last internal id handed out (INCR; ids never reused)
    P:ids         HASH   doc_id (UTF-8) -> internal id
    P:d:<iid>     HASH   id    doc_id (UTF-8)
                         text  UTF-8 text (absent when store_text is "0")
                         sh    shingle signature, little-endian uint32 values
                         an    anchor signature, little-endian uint32 values
                         se    per-sentence signatures, little-endian uint32, row-major
                         pf    passage fingerprints, little-endian uint64 values
    P:p:<key>     STRING posting list of one posting key; <key> is the signed
                         64-bit posting key as 8 raw little-endian bytes; the
                         value is the internal ids filed under it, each 4 bytes
                         little-endian uint32, in insertion order (APPEND).
                         A list holding its key's cap of ids (``layout.key_cap``:
                         50, 20 for passage fingerprints) is a stop key: nothing
                         more is appended, and a look-up counts it as over its cap
                         (first id only for the shingle/anchor views, dropped for
                         passage/sentence).

Memory: every posting key is a Redis key (~80 bytes of server overhead each,
~500 per news article): about 40 KB per article with its text, so 1M articles
need ~40 GB of Redis memory. (Grouping posting keys into hashes of ~100
fields would cut this several times; not done yet.)

Consistency: adding a document is one Lua script (atomic on the server): it
retires an older document of the same id, takes a new internal id, appends
the new id to the posting list of each of the document's keys (one APPEND for
a new key; a list that was already full is cut back to its cap), returning
what the list held before (when the caller wants postings), and
writes ``P:d:<iid>`` and ``P:ids``. Concurrent writers are therefore
serialised per document, and each sees exactly the documents added before it.
A batch of :meth:`Index.add_many` is one pipeline of such scripts (one round
trip). Removing or replacing a document deletes ``P:d:<iid>`` and its
``P:ids`` entry; its id stays in posting lists and is skipped on read (a
posting whose ``P:d:<iid>`` is missing is dead).
"""
from __future__ import annotations

import json
from typing import Any, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import numpy as np

from dedup.index.base import Entry, Postings
from dedup.index.layout import (
    CorruptIndexError,
    DedupIndexError,
    IndexParams,
    StoredSketch,
    key_cap,
    keys_of_sketch,
)

MAGIC = b"dedup-index"

_ADD = """
local p = ARGV[1]
local old = redis.call('HGET', p .. ':ids', ARGV[2])
if old then redis.call('DEL', p .. ':d:' .. old) end
local iid = redis.call('INCR', p .. ':next')
local b = string.char(iid % 256, math.floor(iid / 256) % 256, math.floor(iid / 65536) % 256,
                      math.floor(iid / 16777216) % 256)
local keys = ARGV[9]
local caps = ARGV[10]
local want = ARGV[11] == '1'
local res = {iid}
for i = 0, #keys / 8 - 1 do
  local k = p .. ':p:' .. string.sub(keys, i * 8 + 1, i * 8 + 8)
  local cap4 = 4 * string.byte(caps, i + 1)
  local l = redis.call('APPEND', k, b)
  if l > 4 then
    local full = l > cap4
    if want then
      res[#res + 1] = i
      res[#res + 1] = redis.call('GETRANGE', k, 0, (full and cap4 or l - 4) - 1)
    end
    if full then redis.call('SET', k, redis.call('GETRANGE', k, 0, cap4 - 1)) end
  end
end
local d = p .. ':d:' .. iid
if ARGV[4] == '1' then
  redis.call('HSET', d, 'id', ARGV[2], 'text', ARGV[3], 'sh', ARGV[5], 'an', ARGV[6], 'se', ARGV[7], 'pf', ARGV[8])
else
  redis.call('HSET', d, 'id', ARGV[2], 'sh', ARGV[5], 'an', ARGV[6], 'se', ARGV[7], 'pf', ARGV[8])
end
redis.call('HSET', p .. ':ids', ARGV[2], iid)
return res
"""

_REMOVE = """
local p = ARGV[1]
local old = redis.call('HGET', p .. ':ids', ARGV[2])
if not old then return 0 end
redis.call('DEL', p .. ':d:' .. old)
redis.call('HDEL', p .. ':ids', ARGV[2])
return 1
"""


def _split_location(location: str) -> tuple[str, str]:
    parts = urlsplit(location)
    q = parse_qs(parts.query)
    prefix = q.pop("prefix", ["dedup"])[0]
    if not prefix or ":" in prefix:
        raise DedupIndexError(f"{location}: prefix must be non-empty and contain no ':'")
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(q, doseq=True), parts.fragment))
    return url, prefix


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
        self._add = self._r.register_script(_ADD)
        self._remove = self._r.register_script(_REMOVE)
        self._params: IndexParams | None = None
        p = self.prefix
        self.k_meta, self.k_ids, self.k_next = f"{p}:meta", f"{p}:ids", f"{p}:next"

    def _d(self, iid: int) -> str:
        return f"{self.prefix}:d:{iid}"

    def _pkey(self, key: int) -> bytes:
        return f"{self.prefix}:p:".encode() + int(key).to_bytes(8, "little", signed=True)

    def _call(self, fn, *a, **k):
        try:
            return fn(*a, **k)
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

    # ---------------------------------------------------------- lookup ---
    def lookup(self, keys: np.ndarray, caps: np.ndarray) -> Postings:
        kl = keys.tolist()
        if not kl:
            e = np.empty(0, np.int64)
            return Postings(e, e)
        vals = self._call(self._r.mget, [self._pkey(k) for k in kl])
        return _postings([(k, v, c) for k, v, c in zip(kl, vals, caps.tolist()) if v])

    def add_batch(self, entries: Sequence[Entry], want_postings: bool = True) -> list[tuple[int, Postings | None]]:
        pipe = self._r.pipeline(transaction=False)
        for e in entries:
            sh, an, se, pf = e.sketch.to_bytes()
            has_text = e.text is not None
            self._add(args=[self.prefix, e.doc_id.encode("utf-8"),
                            (e.text or "").encode("utf-8", "surrogatepass"), "1" if has_text else "0",
                            sh, an, se, pf, e.all_keys.astype("<i8").tobytes(),
                            np.minimum(e.caps, 255).astype(np.uint8).tobytes(),
                            "1" if want_postings else "0"], client=pipe)
        res = self._call(pipe.execute)
        out = []
        if not want_postings:
            return [(int(r[0]), None) for r in res]
        for e, r in zip(entries, res):
            iid = int(r[0])
            kl = e.all_keys.tolist()
            cl = e.caps.tolist()
            out.append((iid, _postings([(kl[int(r[i])], r[i + 1], cl[int(r[i])]) for i in range(1, len(r), 2)])))
        return out

    # ------------------------------------------------------------- reads ---
    def sketches(self, iids: Sequence[int]) -> dict[int, tuple[str, StoredSketch]]:
        params = self.load_params()
        assert params is not None
        pipe = self._r.pipeline(transaction=False)
        for i in iids:
            pipe.hmget(self._d(i), "id", "sh", "an", "se")
            pipe.hstrlen(self._d(i), "pf")
        out = {}
        res = self._call(pipe.execute)
        for i, (doc_id, sh, an, se), pf_len in zip(iids, res[0::2], res[1::2]):
            if doc_id is None:
                continue  # dead posting (removed or replaced)
            out[i] = (doc_id.decode("utf-8"), StoredSketch.from_bytes(sh or b"", an or b"", se or b"", None,
                                                                      params.candidates, int(pf_len) // 8))
        return out

    def texts(self, iids: Sequence[int]) -> dict[int, str | None]:
        pipe = self._r.pipeline(transaction=False)
        for i in iids:
            pipe.hget(self._d(i), "text")
        return {i: (t.decode("utf-8", "surrogatepass") if t is not None else None)
                for i, t in zip(iids, self._call(pipe.execute))}

    def iid_of(self, doc_id: str) -> int | None:
        v = self._call(self._r.hget, self.k_ids, doc_id.encode("utf-8"))
        return None if v is None else int(v)

    def remove(self, doc_id: str) -> bool:
        return bool(self._call(self._remove, args=[self.prefix, doc_id.encode("utf-8")]))

    def count(self) -> int:
        return int(self._call(self._r.hlen, self.k_ids))

    def stats(self) -> dict[str, Any]:
        info = self._call(self._r.info, "memory")
        return {"backend": "redis", "prefix": self.prefix, "redis_used_memory": info.get("used_memory"),
                "redis_keys": self._call(self._r.dbsize)}

    def integrity_check(self, full: bool) -> list[str]:
        problems: list[str] = []
        try:
            self._params = None
            params = self.load_params()
        except DedupIndexError as e:
            return [str(e)]
        if params is None:
            return ["no parameters recorded (not initialised)"]
        last = int(self._call(self._r.get, self.k_next) or 0)
        checked = 0
        for doc_id, iid_b in self._r.hscan_iter(self.k_ids, count=1000):
            iid = int(iid_b)
            name = doc_id.decode("utf-8", "replace")
            if iid > last:
                problems.append(f"document {name!r}: internal id {iid} above {self.k_next} ({last})")
            row = self._call(self._r.hmget, self._d(iid), "id", "sh", "an", "se", "pf")
            if row[0] != doc_id:
                problems.append(f"document {name!r}: {self._d(iid)} missing or holds another id")
                continue
            try:
                s = StoredSketch.from_bytes(row[1] or b"", row[2] or b"", row[3] or b"", row[4] or b"",
                                            params.candidates)
            except CorruptIndexError as e:
                problems.append(f"document {name!r}: {e}")
                continue
            if full:
                ka, ca = keys_of_sketch(s, params.candidates).with_caps(params.candidates)
                keys, caps = ka.tolist(), np.minimum(ca, 255).tolist()
                vals = self._call(self._r.mget, [self._pkey(k) for k in keys]) if keys else []
                me = np.uint32(iid)
                # a full list is a stop key: later documents are not filed under it
                missing = sum(1 for v, cap in zip(vals, caps)
                              if not v or (len(v) < 4 * cap and me not in np.frombuffer(v, dtype="<u4")))
                if missing:
                    problems.append(f"document {name!r}: {missing} of {len(keys)} posting keys missing")
            checked += 1
            if not full and checked >= 1000:
                break
            if len(problems) > 50:
                break
        return problems

    def close(self) -> None:
        if self._r is not None:
            try:
                self._r.close()
            finally:
                self._r = None


def _postings(triples: list[tuple[int, bytes, int]]) -> Postings:
    """Postings from ``(key, packed ids, cap)``; a list holding ``cap`` ids
    is a stop key: its first id only, flagged."""
    if not triples:
        e = np.empty(0, np.int64)
        return Postings(e, e, np.zeros(0, bool))
    ks, ii, st = [], [], []
    for k, v, cap in triples:
        if len(v) % 4:
            raise CorruptIndexError(f"posting list of key {k} has {len(v)} bytes, not a multiple of 4")
        ids = np.frombuffer(v, dtype="<u4").astype(np.int64)
        stop = len(ids) >= min(cap, 255)
        if stop:
            ids = ids[:1]
        ii.append(ids)
        ks.append(np.full(len(ids), k, dtype=np.int64))
        st.append(np.full(len(ids), stop, dtype=bool))
    return Postings(np.concatenate(ks), np.concatenate(ii), np.concatenate(st))
