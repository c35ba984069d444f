"""The key counter of bulk loads (``segments.KeyCounter``): the same answers as a search of the segments."""
from __future__ import annotations

import numpy as np
import pytest

from dedup.index import kernels, segments

pytestmark = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba not installed: bulk loads search the segments")


def _search(cache: segments.PostingCache, q: np.ndarray):
    return cache.counts(q, counter=False)


def test_counter_counts_postings_first_ids_and_stops():
    c = segments.KeyCounter()
    k = np.array([-5, 3, 9], dtype=np.int64)
    c.add(k, np.array([7, 7, 7], dtype=np.uint32))
    c.add(np.array([3, 9], dtype=np.int64), np.array([4, 8], dtype=np.uint32))
    c.stop(np.array([9, 11], dtype=np.int64), np.array([2, 6], dtype=np.uint32))
    c.stop(np.array([9], dtype=np.int64), np.array([1], dtype=np.uint32))  # stopped twice: the first record counts
    c.add(np.array([9, 11], dtype=np.int64), np.array([20, 21], dtype=np.uint32))  # postings of stop keys: ignored
    stopped, count, first = c.get(np.array([-5, 3, 4, 9, 11], dtype=np.int64))
    big = np.iinfo(np.int64).max
    assert stopped.tolist() == [False, False, False, True, True]
    assert count.tolist() == [1, 2, 0, 0, 0]
    assert first.tolist() == [7, 4, big, big, big]
    assert c.used == 4


def test_counter_keeps_its_answers_when_it_grows():
    rnd = np.random.default_rng(3)
    keys = rnd.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, 5000, dtype=np.int64)
    c = segments.KeyCounter()
    start = c.bits
    for s in range(0, 5000, 1000):
        c.add(np.sort(keys[s:s + 1000]), np.full(1000, s, dtype=np.uint32))
        c.add(np.sort(keys[s:s + 10]), np.full(10, s + 1, dtype=np.uint32))
    assert c.bits > start and c.used == 5000 and c.used <= c.LOAD * len(c.table)
    stopped, count, first = c.get(keys)
    expect = np.ones(5000, dtype=np.int64)
    expect[[s + j for s in range(0, 5000, 1000) for j in range(10)]] = 2
    assert not stopped.any()
    assert np.array_equal(count, expect)
    assert np.array_equal(first, (np.arange(5000) // 1000 * 1000).astype(np.int64))


def test_cache_counter_follows_batches_and_stops_like_a_search():
    """Counts of a cache whose counter was made early and then kept up to
    date (new segments, new stop records, in-memory merges) equal a search
    of its segments."""
    rnd = np.random.default_rng(11)
    universe = rnd.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, 4000, dtype=np.int64)
    cache = segments.PostingCache()
    q = np.unique(np.r_[rnd.choice(universe, 2500), rnd.integers(-2**63, 2**63 - 1, 300, dtype=np.int64)])
    cache.counts(q)  # makes the (empty) counter
    assert cache.counter is not None
    for batch in range(20):  # 20 segments: merged in memory (FANOUT 8)
        iid = batch + 1
        k = np.unique(rnd.choice(universe, 300))
        stop = np.unique(rnd.choice(k, 20)) if batch % 5 == 4 else segments._E
        plan = segments.Plan(np.array([iid]), None, stop, np.full(len(stop), iid, dtype=np.int64), segments._E)
        plan.new_segs = [(0, k, np.full(len(k), iid, dtype=np.uint32))]
        cache.apply(plan, [batch + 1])
    fast = cache.counts(q)
    slow = _search(cache, q)
    for a, b in zip(fast, slow):
        assert np.array_equal(a, b)
    assert fast[0].sum() > 0 and (fast[1] > 1).sum() > 0


def test_counts_search_the_segments_while_ids_are_retired():
    cache = segments.PostingCache()
    k = np.array([1, 2, 3], dtype=np.int64)
    cache._install(0, k, np.array([5, 5, 5], dtype=np.uint32), (1,))
    cache._install(0, k[:2], np.array([6, 6], dtype=np.uint32), (2,))
    cache.counts(k)
    cache.add_dead([np.array([5])])
    stopped, count, first = cache.counts(k)
    assert count.tolist() == [1, 1, 0] and first.tolist() == [6, 6, np.iinfo(np.int64).max]



def test_segment_directory_gives_the_first_position_of_each_key_prefix():
    rnd = np.random.default_rng(2)
    keys = np.sort(np.r_[rnd.integers(-2**63, 2**63 - 1, 3000, dtype=np.int64), [-2**63, 2**63 - 1] * 3])
    seg = segments.Segment(1, 0, keys, np.zeros(len(keys), np.uint32))
    dirx, dbits = seg.directory()
    assert dbits == 12 - kernels.DIR_SHIFT and len(dirx) == (1 << dbits) + 1
    prefix = ((keys.view(np.uint64) ^ np.uint64(1 << 63)) >> np.uint64(64 - dbits)).astype(np.int64)
    assert np.array_equal(dirx, np.searchsorted(prefix, np.arange((1 << dbits) + 1), "left"))
    q = np.unique(np.r_[keys[::7], rnd.integers(-2**63, 2**63 - 1, 500, dtype=np.int64)])
    lo, hi = seg.find(q)
    assert np.array_equal(lo, np.where(hi > lo, np.searchsorted(keys, q, "left"), 0))
    assert np.array_equal(hi, np.where(hi > lo, np.searchsorted(keys, q, "right"), 0))
    assert (hi - lo)[np.isin(q, [-2**63, 2**63 - 1])].tolist() == [3, 3]


def test_large_counter_tables_work_like_small_ones():
    """Tables from 32 MB on are mapped anonymous memory (huge pages where the kernel allows)."""
    big = segments.KeyCounter(2_000_000)
    assert big.table.nbytes >= 1 << 25 and not big.table.any()
    small = segments.KeyCounter()
    rnd = np.random.default_rng(8)
    keys = np.sort(rnd.integers(-2**63, 2**63 - 1, 20000, dtype=np.int64))
    for c in (big, small):
        c.add(keys, np.arange(20000, dtype=np.uint32))
        c.add(keys[::3], np.zeros(len(keys[::3]), dtype=np.uint32))
        c.stop(keys[::5], np.full(len(keys[::5]), 7, dtype=np.uint32))
    for a, b in zip(big.get(keys), small.get(keys)):
        assert np.array_equal(a, b)
