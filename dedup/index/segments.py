"""Posting storage shared by both backends: sorted, immutable segments (LSM-like).

Every ``add_many`` batch writes its postings as **one segment**: the batch's
``(posting key, internal id)`` pairs sorted by key (ties by id), stored as
packed parts (:func:`encode_part`). Stored segments are never modified nor
merged on disk (format 3 merged them in the batch's transaction: every
posting was written again at each level, the disk traffic that capped the
add rate, and a level merge stalled its batch): each process merges the
segments it holds **in memory** (:meth:`PostingCache.compact`, after the
commit), :data:`FANOUT` of a level into one of the next level, dropping
postings of stop keys and of removed documents, so a million documents are
searched as a dozen segments. Stored segments written by a format 3 writer
(levels above 0) are read like any other.

Next to the segments:

* **stop keys**: each batch appends one record of the keys that reached their
  cap (:func:`dedup.index.layout.key_cap`) with their first (oldest)
  document. Postings of a stop key are ignored from then on (and dropped by
  the next merge in memory); a look-up returns the first document only, flagged.
* **dead ids**: internal ids of removed or replaced documents, appended;
  their postings are ignored (and dropped by merges in memory).

A process keeps the segments it has read in memory (:class:`PostingCache`,
12 bytes per posting plus a 1-byte look-up bitmap and a directory of
0.25-0.5 bytes; ~290-410 postings per
news article after stop keys, about 4-6 KB) and, before each
operation, reads only what other writers committed since (segment ids are
never reused, so a listing tells what is new); opening an index reads and
merges all its segments. A look-up of a whole batch is one merge-join of its
sorted distinct keys with each segment (:mod:`dedup.index.kernels`; numpy
searches without numba). A bulk load (``add_many(judge=False)``) needs only
each key's count of postings, first document and stop state: with the
compiled kernels a :class:`KeyCounter` (made at the first bulk batch, then
kept up to date with every segment and stop record the cache takes) answers
those in one probe per key, instead of a search of every segment.

Part encoding (format 5, little-endian): a header of four uint32 -- ``n``,
``crc32`` of the rest, ``base``, ``width`` --, then ``n`` int64 keys, then
``n`` ids of ``width`` bytes: ``width`` 2, the ids minus ``base`` as uint16
(a batch's segment: its ids are within 65,536 of each other; 10 bytes per
posting), or ``width`` 4 and ``base`` 0, uint32 ids. Stop records use the
same encoding (ids are the first documents); dead records are plain uint32
ids. (Format 4 parts had an 8-byte header, ``n`` and the crc, and uint32
ids only.)
"""
from __future__ import annotations

import mmap
import struct
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np

from dedup.index.base import _E, Postings, Prepared, expand_ranges, per_entry
from dedup.index.kernels import (
    COUNTER_MAX,
    DIR_SHIFT,
    HAVE_NUMBA,
    counter_add,
    counter_get,
    counter_grow,
    counter_stop,
    fill_bitmap,
    fill_directory,
    find_runs,
    member_sorted,
    merge_runs,
)
from dedup.index.layout import CorruptIndexError

#: Segments of one level merged into one of the next level.
FANOUT = 8
#: Postings per stored part of a segment (48 MB; below SQLite's and Redis's value limits).
PART = 1 << 22

_HEAD = struct.Struct("<IIII")


def encode_part(keys: np.ndarray, ids: np.ndarray) -> bytes:
    """Pack sorted int64 ``keys`` and their uint32 ``ids`` (see module docs):
    ids within 65,536 of the smallest (a batch's segment) as 2-byte offsets."""
    ids = np.asarray(ids)
    base = int(ids.min()) if len(ids) else 0
    if len(ids) and int(ids.max()) - base < 1 << 16:
        width, i_arr = 2, np.ascontiguousarray(ids - base, dtype="<u2")
    else:
        width, base, i_arr = 4, 0, np.ascontiguousarray(ids, dtype="<u4")
    k = memoryview(np.ascontiguousarray(keys, dtype="<i8")).cast("B")
    i = memoryview(i_arr).cast("B")
    return b"".join((_HEAD.pack(len(keys), zlib.crc32(i, zlib.crc32(k)), base, width), k, i))


def encode_parts(keys: np.ndarray, ids: np.ndarray) -> list[bytes]:
    """A segment's parts (:data:`PART` postings each; one empty part for no postings)."""
    if not len(keys):
        return [encode_part(keys, ids)]
    return [encode_part(keys[s:s + PART], ids[s:s + PART]) for s in range(0, len(keys), PART)]


def decode_part(raw: bytes, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``(keys int64, ids uint32)`` of an encoded part; :class:`CorruptIndexError` if damaged."""
    if raw is None or len(raw) < _HEAD.size:
        raise CorruptIndexError(f"{what}: stored postings are damaged (missing or short record); "
                                "restore the index from a backup or rebuild it")
    n, crc, base, width = _HEAD.unpack_from(raw)
    if (width not in (2, 4) or len(raw) != _HEAD.size + (8 + width) * n
            or zlib.crc32(memoryview(raw)[_HEAD.size:]) != crc):
        raise CorruptIndexError(f"{what}: stored postings are damaged (length or checksum mismatch); "
                                "restore the index from a backup or rebuild it")
    keys = np.frombuffer(raw, dtype="<i8", count=n, offset=_HEAD.size).astype(np.int64, copy=False)
    if width == 4:
        return keys, np.frombuffer(raw, dtype="<u4", count=n, offset=_HEAD.size + 8 * n).astype(np.uint32, copy=False)
    ids = np.frombuffer(raw, dtype="<u2", count=n, offset=_HEAD.size + 8 * n).astype(np.uint32)
    ids += np.uint32(base)
    return keys, ids


def decode_parts(raws: Sequence[bytes], what: str) -> tuple[np.ndarray, np.ndarray]:
    parts = [decode_part(r, f"{what} part {i}") for i, r in enumerate(raws)]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return _E, np.empty(0, np.uint32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def encode_ids(ids: np.ndarray) -> bytes:
    return np.ascontiguousarray(ids, dtype="<u4").tobytes()


def decode_ids(raw: bytes, what: str) -> np.ndarray:
    if len(raw) % 4:
        raise CorruptIndexError(f"{what}: record of removed documents is damaged; rebuild the index")
    return np.frombuffer(raw, dtype="<u4").astype(np.int64)


_SIGN = np.uint64(1 << 63)


def _prefix(keys: np.ndarray, bits: int) -> np.ndarray:
    """Top ``bits`` bits of int64 keys in sort order (sign bit flipped)."""
    return (keys.view(np.uint64) ^ _SIGN) >> np.uint64(64 - bits)


@dataclass(eq=False)
class Segment:
    """One immutable segment: int64 ``keys`` sorted, uint32 ``ids`` (ties by id).

    ``present`` (built on first use) is a bitmap of the key prefixes that
    occur, 8 bits per posting: a look-up searches the segment only for the
    keys whose prefix is present (~12% of absent keys pass), since keys are
    uniform hashes and most looked-up keys are in no segment.
    """

    seg: int
    level: int
    keys: np.ndarray
    ids: np.ndarray
    present: np.ndarray | None = None
    bits: int = 0
    members: tuple[int, ...] = ()  # stored segments merged into this one (in memory)
    dirx: np.ndarray | None = None  # first position of each key prefix (compiled look-ups)
    dbits: int = 0

    def directory(self) -> tuple[np.ndarray, int]:
        """The segment's directory (built once): ``dirx[p]`` is the first
        position whose key has the ``dbits``-bit prefix ``p`` or a larger one
        (:func:`dedup.index.kernels.fill_directory`; 0.25-0.5 bytes per posting)."""
        if self.dirx is None:
            n = len(self.keys)
            self.dbits = max(1, int(np.ceil(np.log2(max(n, 1)))) - DIR_SHIFT)
            dirx = np.empty((1 << self.dbits) + 1, dtype=np.uint32 if n < 1 << 32 else np.int64)
            fill_directory(self.keys, self.dbits, dirx)
            self.dirx = dirx
        return self.dirx, self.dbits

    def bitmap(self) -> np.ndarray:
        """The look-up bitmap (built once; :meth:`PostingCache.apply` builds it
        when the segment is written, so no latency-bound look-up pays for it)."""
        if self.present is None:
            self.bits = max(3, int(np.ceil(np.log2(max(len(self.keys), 1)))) + 3)
            if HAVE_NUMBA:
                self.present = np.zeros((1 << self.bits) // 8, dtype=np.uint8)
                fill_bitmap(self.keys, self.bits, self.present)
                return self.present
            h = _prefix(self.keys, self.bits)
            h = h[np.r_[True, h[1:] != h[:-1]]] if len(h) else h  # sorted: distinct by neighbours
            present = np.zeros((1 << self.bits) // 8, dtype=np.uint8)
            if len(h):
                byte = h >> np.uint64(3)
                start = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
                present[byte[start]] = np.bitwise_or.reduceat(
                    (np.uint8(1) << (h & np.uint64(7)).astype(np.uint8)), start)
            self.present = present
        return self.present

    def candidates(self, q: np.ndarray) -> np.ndarray:
        """Positions in ``q`` (sorted int64) whose key may be in the segment."""
        present = self.bitmap()
        h = _prefix(q, self.bits)
        return np.flatnonzero(present[h >> np.uint64(3)] & (np.uint8(1) << (h & np.uint64(7)).astype(np.uint8)))

    def find(self, q: np.ndarray, skip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Run ``[lo[i], hi[i])`` of each key of ``q`` (sorted distinct int64)
        in this segment (``lo == hi``: absent); keys where ``skip`` is True are
        not searched (empty runs)."""
        n = len(self.keys)
        lo = np.zeros(len(q), dtype=np.int64)
        hi = np.zeros(len(q), dtype=np.int64)
        if not n or not len(q):
            return lo, hi
        if HAVE_NUMBA:
            dirx, dbits = self.directory()
            find_runs(self.keys, dirx, dbits, self.bitmap(), self.bits, q,
                      np.zeros(len(q), dtype=bool) if skip is None else skip, lo, hi)
            return lo, hi
        qi = np.arange(len(q)) if skip is None else np.flatnonzero(~skip)
        sub = q[qi]
        c = self.candidates(sub)
        cq = sub[c]
        s_lo = np.searchsorted(self.keys, cq, "left")
        hit = np.flatnonzero(self.keys[np.minimum(s_lo, n - 1)] == cq)
        if not len(hit):
            return lo, hi
        hq, s_lo = cq[hit], s_lo[hit]
        s_hi = s_lo + 1  # run ends: most runs are short, so step instead of a second search
        act = np.arange(len(hq))
        while len(act):
            nxt = s_hi[act]
            ok = nxt < n
            ok[ok] = self.keys[nxt[ok]] == hq[act[ok]]
            act = act[ok]
            s_hi[act] += 1
        at = qi[c[hit]]
        lo[at], hi[at] = s_lo, s_hi
        return lo, hi


def _zeros_table(slots: int) -> np.ndarray:
    """A zeroed ``(slots, 2)`` uint64 table; from 32 MB on in anonymous memory
    the kernel may back with huge pages (first-touch page faults of a fresh
    1 GB table cost seconds on a machine short of free memory)."""
    size = slots * 16
    if size < 1 << 25 or not hasattr(mmap, "MADV_HUGEPAGE"):
        return np.zeros((slots, 2), dtype=np.uint64)
    m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        m.madvise(mmap.MADV_HUGEPAGE)
    except OSError:  # pragma: no cover - kernel without transparent huge pages
        pass
    return np.frombuffer(m, dtype=np.uint64).reshape(slots, 2)  # the array keeps the map alive


class KeyCounter:
    """Live stored postings, first document and stop state of every key the
    cache holds, in one open-addressing table (compiled kernels only): what
    a bulk load (:meth:`PostingCache.counts`) asks of each of its keys, in
    one probe instead of a search of every segment.

    16 bytes per slot (the key; ``count << 32 | first id``, count
    ``COUNTER_STOP`` for a stop key), at most :data:`LOAD` of the slots used
    (21-43 bytes per distinct key). Counts include postings of retired
    ids: :meth:`PostingCache.counts` does not use the counter while the
    cache has any.
    """

    #: Largest share of used slots before the table doubles.
    LOAD = 0.75

    def __init__(self, expect: int = 0) -> None:
        self.bits = max(10, int(np.ceil(np.log2(max(expect, 1) / self.LOAD + 1))))
        self.table = _zeros_table(1 << self.bits)
        self.used = 0

    def _room(self, more: int) -> None:
        while self.used + more > self.LOAD * len(self.table):
            old = self.table
            self.bits += 1
            self.table = _zeros_table(1 << self.bits)
            counter_grow(old, self.bits, self.table)
            del old

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Count postings (``keys`` int64, ``ids`` uint32; postings of stop keys are ignored)."""
        self._room(len(keys))
        self.used += counter_add(self.table, self.bits, np.ascontiguousarray(keys, dtype=np.int64),
                                 np.ascontiguousarray(ids, dtype=np.uint32))

    def stop(self, keys: np.ndarray, first: np.ndarray) -> None:
        """Mark ``keys`` stopped, with their first documents (a key stopped twice keeps its first)."""
        self._room(len(keys))
        self.used += counter_stop(self.table, self.bits, np.ascontiguousarray(keys, dtype=np.int64),
                                  np.ascontiguousarray(first, dtype=np.uint32))

    def get(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(stopped, live postings, first id or int64 max)`` of each key of ``q``."""
        q = np.ascontiguousarray(q, dtype=np.int64)
        stopped = np.zeros(len(q), dtype=bool)
        count = np.zeros(len(q), dtype=np.int64)
        first = np.full(len(q), np.iinfo(np.int64).max, dtype=np.int64)
        counter_get(self.table, self.bits, q, stopped, count, first)
        return stopped, count, first

    def nbytes(self) -> int:
        return int(self.table.nbytes)


@dataclass
class Plan:
    """What one batch writes (computed from the cache; applied after commit)."""

    iids: np.ndarray                 # internal ids of the batch's documents
    posts: list[Postings] | None     # each entry's postings (look-up result)
    stop_keys: np.ndarray            # keys stopped by this batch (sorted) ...
    stop_first: np.ndarray           # ... and their first documents
    dead: np.ndarray                 # internal ids retired by this batch (replaced documents)
    #: segments to write, ``(level, keys, ids)``: the batch's own (level 0;
    #: the backend assigns its id)
    new_segs: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)  # stored segments to delete (none: merges are in memory)


def sorted_distinct(keys: np.ndarray) -> np.ndarray:
    """``keys`` as sorted distinct int64 (no copy when they already are:
    a document's keys from :func:`dedup.index.layout.batch_keys`)."""
    k = np.asarray(keys, dtype=np.int64)
    if len(k) < 2 or bool(np.all(k[1:] > k[:-1])):
        return k
    return np.unique(k)


def _sorted_union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct union of sorted distinct ``a`` and any ``b`` (linear in ``a``)."""
    if not len(b):
        return a
    b = np.unique(b)
    b = b[~_member(a, b)]
    return np.insert(a, np.searchsorted(a, b), b) if len(b) else a


def _member(sorted_arr: np.ndarray, x: np.ndarray, x_sorted: bool = False) -> np.ndarray:
    """``x in sorted_arr`` elementwise (``x_sorted``: ``x`` is sorted and
    distinct, so the smaller array may be searched in the larger)."""
    if not len(sorted_arr) or not len(x):
        return np.zeros(len(x), dtype=bool)
    if x_sorted and HAVE_NUMBA:
        out = np.zeros(len(x), dtype=bool)
        member_sorted(sorted_arr, x, out)
        return out
    if x_sorted and len(sorted_arr) < len(x):
        out = np.zeros(len(x), dtype=bool)
        j = np.minimum(np.searchsorted(x, sorted_arr), len(x) - 1)
        out[j[x[j] == sorted_arr]] = True
        return out
    i = np.minimum(np.searchsorted(sorted_arr, x), len(sorted_arr) - 1)
    return sorted_arr[i] == x


def _not_in(keys: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """``keys`` (sorted, repeats allowed) not in ``drop`` (sorted distinct)."""
    if len(drop) >= len(keys):
        return ~_member(drop, keys)
    lo, hi = np.searchsorted(keys, drop, "left"), np.searchsorted(keys, drop, "right")
    has = hi > lo
    d = np.zeros(len(keys) + 1, dtype=np.int32)
    d[lo[has]] += 1  # distinct keys: disjoint, distinct ranges
    d[hi[has]] -= 1
    return np.cumsum(d[:-1]) == 0


def merge_segments(runs: Sequence[tuple[np.ndarray, np.ndarray]], stop: np.ndarray,
                   dead: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One sorted segment from sorted ``(keys, ids)`` runs, oldest first (ties
    stay in run order, so by ascending id), without the postings of ``stop``
    keys and ``dead`` ids (both sorted distinct)."""
    total = sum(len(k) for k, _ in runs)
    if HAVE_NUMBA:
        keys = np.concatenate([k for k, _ in runs]) if runs else _E
        ids = np.concatenate([i for _, i in runs]) if runs else np.empty(0, np.uint32)
        starts = np.r_[0, np.cumsum([len(k) for k, _ in runs])].astype(np.int64)
        ok, oi = np.empty(total, np.int64), np.empty(total, np.uint32)
        m = merge_runs(keys, ids, starts, np.asarray(stop, np.int64), np.asarray(dead, np.int64), ok, oi)
        if m < total:  # postings dropped: give the slack back (in place: no copy)
            ok.resize(m, refcheck=False)
            oi.resize(m, refcheck=False)
        return ok, oi
    ks, ii = [], []
    for k, i in runs:  # drop postings of stop keys and of retired documents
        keep = _not_in(k, stop)
        if len(dead):
            keep &= ~_member(dead, i.astype(np.int64))
        ks.append(k[keep])
        ii.append(i[keep])
    k, i = np.concatenate(ks), np.concatenate(ii)
    o = np.argsort(k, kind="stable")  # sorted runs, oldest first: ties stay by ascending id
    return k[o], i[o]


class PostingCache:
    """The postings of an index as this process last read them (see module docs)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything (the next sync reads the whole index)."""
        self.segs: dict[int, Segment] = {}   # in-memory segments by a local number
        self.loaded: set[int] = set()         # stored segments they hold
        self._local = 0
        self._stop_keys = _E
        self._stop_first = _E
        self._stop_pending: list[tuple[np.ndarray, np.ndarray]] = []  # records not yet in the arrays
        self.stops_seen = 0     # stop records read
        self.dead = _E          # sorted
        self.dead_seen = 0      # dead records read
        self.version: object = None
        self.counter: KeyCounter | None = None  # made by the first counts() (bulk loads)
        self._stop_seg: Segment | None = None   # the stop keys as a searchable segment (look-ups)

    # ------------------------------------------------------------ sync ---
    def sync_segments(self, listing: dict[int, int], load: Callable[[int], tuple[np.ndarray, np.ndarray]],
                      complete: bool = True) -> None:
        """Make the cache hold the stored segments of ``listing`` (segment id
        -> level), reading the new ones with ``load(seg)``. With ``complete``
        (``listing`` names every stored segment), a stored segment gone from
        the listing (merged on disk by a format 3 writer) makes the cache
        start over; otherwise ``listing`` holds only segments not held yet."""
        if complete and self.loaded - listing.keys():
            self.reset()
        for s in sorted(listing):
            if s not in self.loaded:
                k, i = load(s)
                self._install(listing[s], k, i, (s,))
                if self.counter is not None:
                    self.counter.add(k, i)
                self.compact()

    def _install(self, level: int, keys: np.ndarray, ids: np.ndarray, members: tuple[int, ...]) -> None:
        self._local += 1
        seg = Segment(self._local, level, keys, ids, members=members)
        seg.bitmap()  # built now, not in the next (maybe latency-bound) look-up
        if HAVE_NUMBA:
            seg.directory()
        self.segs[self._local] = seg
        self.loaded.update(members)

    def compact(self) -> None:
        """Merge, in memory, each level holding :data:`FANOUT` segments into
        one segment of the next level (oldest first), dropping postings of
        stop keys and retired ids. Stored segments are never rewritten."""
        while True:
            levels: dict[int, list[Segment]] = {}
            for s in self.segs.values():
                levels.setdefault(s.level, []).append(s)
            full = sorted(lv for lv, g in levels.items() if len(g) >= FANOUT)
            if not full:
                return
            group = sorted(levels[full[0]], key=lambda s: min(s.members, default=0))[:FANOUT]
            k, i = merge_segments([(s.keys, s.ids) for s in group], self.stop_keys, self.dead)
            for s in group:
                del self.segs[s.seg]
            self._install(full[0] + 1, k, i, tuple(sorted(m for s in group for m in s.members)))

    def add_stops(self, records: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        """Record stop records (keys, first documents), oldest first. They
        join the sorted stop arrays when those are next read (one insertion
        for many records: a bulk load reads them only when it merges)."""
        for k, f in records:
            self.stops_seen += 1
            k = np.asarray(k, dtype=np.int64)
            f = np.asarray(f, dtype=np.int64)
            if len(k):
                self._stop_pending.append((k, f))
                if self.counter is not None:
                    self.counter.stop(k, f)  # a key stopped twice keeps its first

    def _flush_stops(self) -> None:
        if not self._stop_pending:
            return
        k = np.concatenate([r[0] for r in self._stop_pending])
        f = np.concatenate([r[1] for r in self._stop_pending])
        self._stop_pending = []
        k, first = np.unique(k, return_index=True)  # a key stopped twice: its first record counts
        f = f[first]
        new = ~_member(self._stop_keys, k, x_sorted=True)
        k, f = k[new], f[new]
        if len(k):  # insert into the sorted arrays: linear, no re-sort of what is there
            at = np.searchsorted(self._stop_keys, k)
            self._stop_keys, self._stop_first = np.insert(self._stop_keys, at, k), np.insert(self._stop_first, at, f)
            self._stop_seg = None

    @property
    def stop_keys(self) -> np.ndarray:
        """Sorted stop keys."""
        self._flush_stops()
        return self._stop_keys

    @property
    def stop_first(self) -> np.ndarray:
        """The first document of each stop key (parallel to :attr:`stop_keys`)."""
        self._flush_stops()
        return self._stop_first

    def add_dead(self, records: Iterable[np.ndarray]) -> None:
        for d in records:
            self.dead_seen += 1
            self.dead = _sorted_union(self.dead, np.asarray(d, dtype=np.int64))

    # ---------------------------------------------------------- lookup ---
    def lookup(self, ukeys: np.ndarray, extra_dead: np.ndarray = _E) -> Postings:
        """Postings of sorted distinct ``ukeys``: live rows of keys that are
        not stopped, plus one flagged ``(key, first)`` row per stop key."""
        ukeys = np.asarray(ukeys, dtype=np.int64)
        dead = _sorted_union(self.dead, np.asarray(extra_dead, dtype=np.int64))
        self._flush_stops()
        if self._stop_seg is None:  # searched like a segment (bitmap, directory)
            self._stop_seg = Segment(0, 0, self._stop_keys, self._stop_first)
        s_lo, s_hi = self._stop_seg.find(ukeys)
        stopped = s_hi > s_lo
        ks, ii, ats = [], [], []
        for s in self.segs.values():
            lo, hi = s.find(ukeys, stopped)
            if not (hi > lo).any():
                continue
            own, at = expand_ranges(lo, hi)
            ks.append(ukeys[own])
            ii.append(s.ids[at].astype(np.int64))
            ats.append(own)
        si = np.flatnonzero(stopped)
        sk = ukeys[si]
        sf = self.stop_first[s_lo[si]]
        k = np.concatenate(ks + [sk]) if ks else sk
        i = np.concatenate(ii + [sf]) if ii else sf
        a = np.concatenate(ats + [si]) if ats else si
        st = np.zeros(len(k), dtype=bool)
        st[len(k) - len(sk):] = True
        if len(dead) and len(k):
            live = ~_member(dead, i) | st
            k, i, st, a = k[live], i[live], st[live], a[live]
        return Postings(k, i, st, a)

    def counts(self, ukeys: np.ndarray, extra_dead: np.ndarray = _E,
               counter: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For sorted distinct ``ukeys``: stopped (bool), live stored postings
        and the oldest live stored document (int64 max when none) of each key
        (what :meth:`lookup` gives, without materialising the rows).

        With the compiled kernels, no retired ids and ``counter`` (caps the
        counter can hold), the answers come from the :class:`KeyCounter`
        (made at the first such call from the segments held, then kept up
        to date); otherwise every segment is searched.
        """
        ukeys = np.asarray(ukeys, dtype=np.int64)
        big = np.iinfo(np.int64).max
        dead = _sorted_union(self.dead, np.asarray(extra_dead, dtype=np.int64))
        if counter and HAVE_NUMBA and not len(dead):
            return self._counter().get(ukeys)
        stopped = _member(self.stop_keys, ukeys, x_sorted=True)
        count = np.zeros(len(ukeys), dtype=np.int64)
        first = np.full(len(ukeys), big, dtype=np.int64)
        if len(dead):  # retired ids among the rows: count from the rows themselves
            post = self.lookup(ukeys, extra_dead)
            live = ~post.stop
            at = post.at[live]
            count = np.bincount(at, minlength=len(ukeys)).astype(np.int64)
            np.minimum.at(first, at, post.iids[live])
            return stopped, count, first
        for s in self.segs.values():
            lo, hi = s.find(ukeys, stopped)
            has = hi > lo
            count += hi - lo
            # ties in a segment are by ascending id: a run's first row is its oldest
            first[has] = np.minimum(first[has], s.ids[lo[has]].astype(np.int64))
        return stopped, count, first

    def _counter(self) -> KeyCounter:
        if self.counter is None:
            c = KeyCounter(self.postings() + len(self.stop_keys))
            for s in self.segs.values():
                c.add(s.keys, s.ids)
            c.stop(self.stop_keys, self.stop_first)  # after the postings: stopped wins
            self.counter = c
        return self.counter

    # ------------------------------------------------------------ plan ---
    def plan(self, prep: "Prepared", next_iid: int, old_iids: np.ndarray, want_postings: bool) -> Plan:
        """Everything a batch writes: ids, postings per entry, its segment, new
        stop keys, retired ids and merges (the cache is not changed)."""
        n = len(prep.doc_ids)
        old_iids = np.unique(np.asarray(old_iids, dtype=np.int64))
        sk, spos, scap = prep.keys, prep.pos, prep.caps  # sorted by key, ties by position
        new = np.r_[True, sk[1:] != sk[:-1]] if len(sk) else np.zeros(0, bool)
        start = np.flatnonzero(new)
        ukeys, ucap = sk[start], scap[start]
        bcount = np.diff(np.r_[start, len(sk)])
        grp = np.cumsum(new) - 1
        stored = None
        if want_postings:
            stored = self.lookup(ukeys, old_iids)
            live = ~stored.stop
            stop_keys = np.unique(stored.keys[stored.stop])
            stopped = _member(stop_keys, ukeys, x_sorted=True)
            at = stored.at[live]
            scount = np.bincount(at, minlength=len(ukeys))
            smin = np.full(len(ukeys), np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(smin, at, stored.iids[live])
        else:
            stopped, scount, smin = self.counts(ukeys, old_iids,
                                                counter=not len(ucap) or int(ucap.max()) <= COUNTER_MAX)
            stop_keys = ukeys[stopped]
        iids = np.arange(next_iid, next_iid + n, dtype=np.int64)
        piid = spos + next_iid
        newly = ~stopped & (scount + bcount >= ucap)
        rows_ok = ~(stopped | newly)[grp]
        nk = ukeys[newly]
        first = np.minimum(smin[newly], piid[start[newly]])  # the batch's first holder: its lowest position
        posts = per_entry(n, stored, sk, spos, piid, stop_keys) if stored is not None else None
        plan = Plan(iids, posts, nk, first, old_iids)
        plan.new_segs = [(0, sk[rows_ok], piid[rows_ok].astype(np.uint32))]
        return plan

    def apply(self, plan: Plan, seg_ids: Sequence[int]) -> None:
        """Record a committed plan whose ``new_segs`` were stored as ``seg_ids``
        (after the commit: merging in memory holds no lock)."""
        for sid, (level, k, i) in zip(seg_ids, plan.new_segs):
            self._install(level, k, i, (sid,))
            if self.counter is not None:
                self.counter.add(k, i)
        if len(plan.stop_keys):
            self.add_stops([(plan.stop_keys, plan.stop_first)])
        if len(plan.dead):
            self.add_dead([plan.dead])
        self.compact()

    # ----------------------------------------------------------- stats ---
    def postings(self) -> int:
        return int(sum(len(s.keys) for s in self.segs.values()))

    def check(self) -> list[str]:
        """Structural problems of the cached segments (order, stop records)."""
        problems = []
        for s in self.segs.values():
            k = s.keys
            if len(k) > 1 and not np.all(k[1:] >= k[:-1]):
                problems.append(f"segment {s.seg}: keys not sorted")
        return problems

    def has(self, keys: np.ndarray, iid: int) -> np.ndarray:
        """For each key of ``keys``: a stop key, or filed with document ``iid``."""
        keys = np.asarray(keys, dtype=np.int64)
        ok = _member(self.stop_keys, keys)
        for s in self.segs.values():
            if ok.all():
                break
            lo = np.searchsorted(s.keys, keys, "left")
            hi = np.searchsorted(s.keys, keys, "right")
            own, at = expand_ranges(lo, hi)
            m = s.ids[at].astype(np.int64) == iid
            ok[own[m]] = True
        return ok

    def all_ids(self) -> np.ndarray:
        if not self.segs:
            return _E
        return np.unique(np.concatenate([np.unique(s.ids) for s in self.segs.values()]).astype(np.int64))
