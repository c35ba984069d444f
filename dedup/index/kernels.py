"""Compiled loops of the index's write path (optional, like :mod:`dedup.kernels`).

When numba is installed (``pip install dedup-spin[fast]``) these plain loops
are compiled (``HAVE_NUMBA``) and :mod:`dedup.index.segments` uses them for
the costs that grow with the index: searching every segment for a batch's
keys, counting the postings of a bulk load's keys, and merging segments.
Without numba the numpy implementations in :mod:`dedup.index.segments` are
used (and bulk loads count by searching the segments);
``tests/index/test_pipeline.py`` checks that both give the same answers.

* :func:`find_runs` -- for sorted distinct query keys, the run ``[lo, hi)``
  of each key in one sorted segment: keys whose prefix bit is absent from
  the segment's bitmap are skipped without touching its keys; the others
  are found through the segment's directory (:func:`fill_directory`: the
  first position of each key prefix, ~16 keys a slot), a scan of one slot.
  (Format 4's search galloped through a fence array and binary-searched a
  block: ~15 dependent cache misses a key in a large segment, against 3.)
* :func:`argsort_i64` -- stable argsort of posting keys (LSD radix sort).
* :func:`fill_bitmap`, :func:`member_sorted` -- a segment's look-up bitmap;
  membership of sorted keys in a sorted set (stop keys) by galloping.
* :func:`counter_add`, :func:`counter_stop`, :func:`counter_get`,
  :func:`counter_grow` -- the key counter of bulk loads
  (:class:`dedup.index.segments.KeyCounter`): an open-addressing table of
  key -> (postings, first id, stopped), one probe per key instead of a
  search of every segment.
* :func:`merge_runs` -- merge sorted segments (oldest first) into one, ties in
  segment order (so by ascending id), dropping postings of stop keys (a
  merge-join with the sorted stop keys) and of retired ids.
"""
from __future__ import annotations

import numpy as np

try:  # optional dependency: the ``fast`` extra
    import numba as _numba
except ImportError:  # pragma: no cover - depends on the environment
    _numba = None

#: True when numba is importable: the compiled kernels are used.
HAVE_NUMBA = _numba is not None


def _jit(fn):
    if _numba is None:
        return fn
    return _numba.njit(cache=True, nogil=True)(fn)


#: A segment's directory has one slot per key prefix of ``log2(keys) - DIR_SHIFT``
#: bits: about 2**DIR_SHIFT keys per slot.
DIR_SHIFT = 4


@_jit
def fill_directory(keys, dbits, dirx):  # pragma: no cover - compiled
    """``dirx[p]``: the first position of sorted ``keys`` whose top ``dbits``
    bits (sign flipped) are ``>= p``, for ``p`` in ``0 .. 2**dbits`` (the last
    entry is ``len(keys)``)."""
    n = keys.shape[0]
    shift = np.uint64(64 - dbits)
    sign = np.uint64(1) << np.uint64(63)
    p = 0
    for i in range(n):
        h = np.int64((np.uint64(keys[i]) ^ sign) >> shift)
        while p <= h:
            dirx[p] = i
            p += 1
    while p < dirx.shape[0]:
        dirx[p] = n
        p += 1


@_jit
def _first_ge(keys, dirx, dbits, x):  # pragma: no cover - compiled
    """First position in sorted ``keys`` whose key is ``>= x``: the keys of
    ``x``'s prefix are ``keys[dirx[p]:dirx[p + 1]]`` (about 2**DIR_SHIFT,
    two cache lines), scanned in order. Keys are uniform hashes, so a
    look-up costs a few cache misses however large the segment."""
    h = np.int64((np.uint64(x) ^ (np.uint64(1) << np.uint64(63))) >> np.uint64(64 - dbits))
    lo = np.int64(dirx[h])
    hi = np.int64(dirx[h + 1])
    while lo < hi and keys[lo] < x:
        lo += 1
    return lo


@_jit
def find_runs(keys, dirx, dbits, present, bits, q, skip, lo, hi):  # pragma: no cover - compiled
    """Fill ``lo[i], hi[i]`` with the run of ``q[i]`` in sorted ``keys``
    (``lo == hi``: absent). ``q`` sorted distinct; ``lo``/``hi`` preset to 0;
    keys where ``skip`` is True are not searched. ``dirx``/``dbits``: the
    segment's directory (:func:`fill_directory`)."""
    n = keys.shape[0]
    shift = np.uint64(64 - bits)
    sign = np.uint64(1) << np.uint64(63)
    for i in range(q.shape[0]):
        if skip[i]:
            continue
        x = q[i]
        h = (np.uint64(x) ^ sign) >> shift
        if (present[h >> np.uint64(3)] >> (h & np.uint64(7))) & np.uint8(1) == 0:
            continue
        j = _first_ge(keys, dirx, dbits, x)
        if j < n and keys[j] == x:
            e = j + 1
            while e < n and keys[e] == x:
                e += 1
            lo[i] = j
            hi[i] = e


@_jit
def _radix_argsort(keys):  # pragma: no cover - compiled
    n = keys.shape[0]
    u = np.empty(n, np.uint64)
    sign = np.uint64(1) << np.uint64(63)
    for i in range(n):
        u[i] = np.uint64(keys[i]) ^ sign
    order = np.arange(n)
    tmp = np.empty(n, np.int64)
    count = np.empty(65537, np.int64)
    for shift in range(0, 64, 16):
        sh = np.uint64(shift)
        count[:] = 0
        for i in range(n):
            count[((u[order[i]] >> sh) & np.uint64(0xFFFF)) + np.uint64(1)] += 1
        if count[1:].max() == n:  # every key has the same digit: nothing moves
            continue
        for b in range(65536):
            count[b + 1] += count[b]
        for i in range(n):
            o = order[i]
            dgt = (u[o] >> sh) & np.uint64(0xFFFF)
            tmp[count[dgt]] = o
            count[dgt] += 1
        order, tmp = tmp, order
    return order


#: Keys from which :func:`argsort_i64` radix sorts (below, the radix sort's
#: four passes over a 65,536-entry count array cost more than numpy's sort:
#: a one-document look-up sorts ~600 keys).
RADIX_MIN = 1 << 14


def argsort_i64(keys: np.ndarray) -> np.ndarray:
    """Stable argsort of int64 ``keys`` (compiled: an LSD radix sort, a few
    times faster than numpy's stable sort of 64-bit keys, from
    :data:`RADIX_MIN` keys on)."""
    keys = np.ascontiguousarray(keys, dtype=np.int64)
    if HAVE_NUMBA and len(keys) >= RADIX_MIN:
        return _radix_argsort(keys)
    return np.argsort(keys, kind="stable")


@_jit
def fill_bitmap(keys, bits, present):  # pragma: no cover - compiled
    """Set the bit of each key's top ``bits`` bits (sign flipped) in ``present``."""
    shift = np.uint64(64 - bits)
    sign = np.uint64(1) << np.uint64(63)
    for i in range(keys.shape[0]):
        h = (np.uint64(keys[i]) ^ sign) >> shift
        present[h >> np.uint64(3)] |= np.uint8(1) << np.uint8(h & np.uint64(7))


@_jit
def member_sorted(a, q, out):  # pragma: no cover - compiled
    """``out[i] = q[i] in a`` for sorted ``a`` and sorted ``q`` (galloping)."""
    n = a.shape[0]
    j = 0
    for i in range(q.shape[0]):
        x = q[i]
        if j >= n:
            break
        if a[j] < x:
            lo = j
            step = 1
            hi = j + 1
            while hi < n and a[hi] < x:
                lo = hi
                step *= 2
                hi = lo + step
            if hi > n:
                hi = n
            while hi - lo > 1:
                m = (lo + hi) >> 1
                if a[m] < x:
                    lo = m
                else:
                    hi = m
            j = hi
        out[i] = j < n and a[j] == x


@_jit
def merge_runs(keys, ids, starts, stop, dead, out_keys, out_ids):  # pragma: no cover - compiled
    """Merge the sorted runs ``keys[starts[r]:starts[r + 1]]`` (oldest run
    first; ties keep run order) into ``out_keys``/``out_ids``, dropping keys
    in sorted ``stop`` and ids in sorted ``dead``; returns the count written."""
    k = starts.shape[0] - 1
    pos = starts[:-1].copy()
    end = starts[1:].copy()
    ns = stop.shape[0]
    nd = dead.shape[0]
    sp = 0
    o = 0
    while True:
        best = -1
        bk = np.int64(0)
        for r in range(k):
            if pos[r] < end[r]:
                v = keys[pos[r]]
                if best < 0 or v < bk:
                    best = r
                    bk = v
        if best < 0:
            break
        p = pos[best]
        pos[best] = p + 1
        while sp < ns and stop[sp] < bk:
            sp += 1
        if sp < ns and stop[sp] == bk:
            continue
        if nd:
            d = np.int64(ids[p])
            a = 0
            b = nd
            while a < b:
                m = (a + b) >> 1
                if dead[m] < d:
                    a = m + 1
                else:
                    b = m
            if a < nd and dead[a] == d:
                continue
        out_keys[o] = bk
        out_ids[o] = ids[p]
        o += 1
    return o


#: Count of a stopped key in the counter table (live counts are below it).
COUNTER_STOP = 0xFFFFFFFF
#: Largest live count the counter table holds (caps above it: no counter).
COUNTER_MAX = 0xFFFFFFFE


@_jit
def _counter_slot(table, bits, x):  # pragma: no cover - compiled
    """Slot of key ``x`` in ``table`` (``(size, 2)`` uint64 records: the key,
    then ``count << 32 | first id``; 0: empty), or the empty slot where it
    goes. The home slot is the key's top ``bits`` bits (sign flipped), so
    sorted keys sweep the table in order (linear probing; keys are uniform
    hashes); one record is one cache access."""
    mask = table.shape[0] - 1
    ux = np.uint64(x)
    h = np.int64((ux ^ (np.uint64(1) << np.uint64(63))) >> np.uint64(64 - bits))
    while table[h, 1] != 0 and table[h, 0] != ux:
        h = (h + 1) & mask
    return h


@_jit
def counter_add(table, bits, x, ids):  # pragma: no cover - compiled
    """Count postings ``(x[i], ids[i])`` (the record keeps the smallest id of
    a live key); postings of stopped keys are ignored. Returns the number
    of slots newly used."""
    used = 0
    for i in range(x.shape[0]):
        h = _counter_slot(table, bits, x[i])
        v = table[h, 1]
        d = np.uint64(ids[i])
        if v == 0:
            table[h, 0] = np.uint64(x[i])
            table[h, 1] = (np.uint64(1) << np.uint64(32)) | d
            used += 1
        else:
            c = v >> np.uint64(32)
            if c != np.uint64(COUNTER_STOP):
                f = v & np.uint64(0xFFFFFFFF)
                if d < f:
                    f = d
                if c < np.uint64(COUNTER_MAX):
                    c += np.uint64(1)
                table[h, 1] = (c << np.uint64(32)) | f
    return used


@_jit
def counter_stop(table, bits, x, f):  # pragma: no cover - compiled
    """Mark keys ``x`` stopped with first documents ``f`` (a key already
    stopped keeps its first). Returns the number of slots newly used."""
    used = 0
    for i in range(x.shape[0]):
        h = _counter_slot(table, bits, x[i])
        v = table[h, 1]
        if v == 0:
            table[h, 0] = np.uint64(x[i])
            used += 1
        if (v >> np.uint64(32)) != np.uint64(COUNTER_STOP):
            table[h, 1] = (np.uint64(COUNTER_STOP) << np.uint64(32)) | np.uint64(f[i])
    return used


@_jit
def counter_get(table, bits, q, stopped, count, first):  # pragma: no cover - compiled
    """For keys ``q``: stopped, live postings and first id (left as preset
    -- False, 0, the caller's "none" value -- for keys not in the table)."""
    for i in range(q.shape[0]):
        v = table[_counter_slot(table, bits, q[i]), 1]
        c = v >> np.uint64(32)
        if c == np.uint64(COUNTER_STOP):
            stopped[i] = True
        elif v != 0:
            count[i] = np.int64(c)
            first[i] = np.int64(v & np.uint64(0xFFFFFFFF))


@_jit
def counter_grow(table, bits, new):  # pragma: no cover - compiled
    """Move every used record of ``table`` into ``new`` (empty, ``bits`` bits)."""
    for h in range(table.shape[0]):
        if table[h, 1] != 0:
            j = _counter_slot(new, bits, np.int64(table[h, 0]))
            new[j, 0] = table[h, 0]
            new[j, 1] = table[h, 1]
