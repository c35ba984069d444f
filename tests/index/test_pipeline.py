"""add_many pipelined (sketch worker processes) gives what the serial path
gives; compiled look-up and merge kernels agree with the numpy ones."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth import synthetic_texts  # noqa: E402
from dedup.index import Index  # noqa: E402
from dedup.index import kernels, segments  # noqa: E402
from dedup.index.base import prepare  # noqa: E402


def _corpus(n: int, seed: int) -> list[tuple[str, str]]:
    """Unrelated texts, copies, light edits and a repeated id (replaced)."""
    rnd = random.Random(seed)
    base = synthetic_texts(n, seed)
    items = []
    for i, t in enumerate(base):
        items.append((f"d{i}", t))
        if i % 7 == 3:  # a light edit of an earlier document
            w = base[rnd.randrange(i + 1)].split()
            for _ in range(3):
                j = rnd.randrange(len(w))
                w[j] = w[j].upper()
            items.append((f"e{i}", " ".join(w)))
        if i % 11 == 5:  # an exact copy of an earlier document
            items.append((f"c{i}", base[rnd.randrange(i + 1)]))
    items.append(("d3", base[4]))  # re-adding an id replaces it
    return items


def _summary(results) -> list[list[tuple[str, str, float, tuple[str, ...]]]]:
    return [[(m.doc_id, m.verdict, round(m.scores.coverage, 9), m.views) for m in ms] for ms in results]


def _rows(ix: Index, text: str) -> list[tuple[int, int, bool]]:
    entry = ix._entries([("probe", text)])[0]
    post = ix._backend.lookup(entry.all_keys, entry.caps)
    return sorted(zip(post.keys.tolist(), post.iids.tolist(), post.stop.tolist()))


@pytest.mark.parametrize("judge", [True, False])
def test_pipelined_add_many_matches_the_serial_path(location, tmp_path, judge):
    items = _corpus(160, seed=21)
    with Index(location, batch_size=16, workers=2) as piped, \
            Index(tmp_path / "serial.dedup", batch_size=16, workers=0) as serial:
        got = piped.add_many(items, judge=judge)
        assert piped._pool is not None and len(piped._pool) == 2  # really pipelined
        want = serial.add_many(items, judge=judge)
        assert _summary(got) == _summary(want)
        if judge:
            assert sum(map(len, want)) >= 20  # the corpus has matches to compare
        a, b = piped.stats(), serial.stats()
        assert (a["documents"], a["segments"], a["postings"], a["stop_keys"]) == \
               (b["documents"], b["segments"], b["postings"], b["stop_keys"])
        for _, t in items[::13]:
            assert _rows(piped, t) == _rows(serial, t)
        assert piped.integrity_check(full=True) == []
    assert piped._pool is None  # close() stopped the workers


def test_pipelined_error_is_raised_at_its_batch_like_the_serial_path(tmp_path):
    texts = synthetic_texts(100, seed=22)
    items = [(f"d{i}", t) for i, t in enumerate(texts)]
    items[55] = ("", texts[55])  # batch 5 of 10 is invalid
    for workers in (0, 2):
        with Index(tmp_path / f"w{workers}.dedup", batch_size=10, workers=workers) as ix:
            with pytest.raises(ValueError, match="doc_id"):
                ix.add_many(items)
            assert len(ix) == 50  # the batches before the bad one were added, none after
            assert ix.add_many(items[60:80], judge=False) == [[]] * 20  # the index still works
            assert len(ix) == 70


def test_one_worker_and_many_calls(tmp_path):
    texts = synthetic_texts(90, seed=23)
    with Index(tmp_path / "a.dedup", batch_size=10, workers=1) as ix:
        for s in range(0, 90, 30):
            ix.add_many([(f"d{i}", texts[i]) for i in range(s, s + 30)])
        assert len(ix) == 90
        assert [d for d, _ in ix.candidates(texts[42])] == ["d42"]


def test_workers_argument_is_checked(tmp_path):
    with pytest.raises(ValueError, match="workers"):
        Index(tmp_path / "a.dedup", workers=-1)


# ------------------------------------------------------------- kernels ---

def _segment(rnd: np.random.Generator, n: int, universe: np.ndarray, first_id: int) -> segments.Segment:
    k = np.sort(rnd.choice(universe, size=n))
    ids = np.arange(first_id, first_id + n, dtype=np.uint32)
    o = np.lexsort((ids, k))
    return segments.Segment(first_id, 0, k[o], ids[o])


@pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba not installed: only the numpy path exists")
def test_kernels_agree_with_numpy(monkeypatch):
    rnd = np.random.default_rng(5)
    universe = rnd.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, size=3000, dtype=np.int64)
    segs = [_segment(rnd, n, universe, 1 + 10000 * i) for i, n in enumerate((5000, 700, 1, 0, 40))]
    q = np.unique(np.r_[rnd.choice(universe, 1500),
                        rnd.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, 500, dtype=np.int64)])
    skip = rnd.random(len(q)) < 0.2
    stop = np.unique(rnd.choice(universe, 300))
    dead = np.unique(rnd.integers(1, 50000, 400)).astype(np.int64)

    def run():
        bitmaps = [segments.Segment(s.seg, 0, s.keys, s.ids).bitmap() for s in segs]
        member = (segments._member(stop, q, x_sorted=True), segments._member(q, stop, x_sorted=True))
        found = [s.find(q, skip) for s in segs]
        merged = segments.merge_segments([(s.keys, s.ids) for s in segs], stop, dead)
        merged_none = segments.merge_segments([(s.keys, s.ids) for s in segs], segments._E, segments._E)
        cache = segments.PostingCache()
        cache.segs = {s.seg: s for s in segs}
        cache.add_stops([(stop, stop.copy())])
        counts = cache.counts(q)
        post = cache.lookup(q)
        return found, merged, merged_none, counts, post, bitmaps, member

    fast = run()
    monkeypatch.setattr(segments, "HAVE_NUMBA", False)
    slow = run()
    for a, b in zip(fast[5] + list(fast[6]), slow[5] + list(slow[6])):
        assert np.array_equal(a, b)
    assert fast[6][0].any() and not fast[6][0].all()
    for (a_lo, a_hi), (b_lo, b_hi) in zip(fast[0], slow[0]):
        has = b_hi > b_lo
        assert np.array_equal(a_hi > a_lo, has)
        assert np.array_equal(a_lo[has], b_lo[has]) and np.array_equal(a_hi[has], b_hi[has])
    for i in (1, 2):
        assert np.array_equal(fast[i][0], slow[i][0]) and np.array_equal(fast[i][1], slow[i][1])
    for a, b in zip(fast[3], slow[3]):
        assert np.array_equal(a, b)
    assert np.array_equal(fast[4].keys, slow[4].keys) and np.array_equal(fast[4].iids, slow[4].iids)
    # counts() is what lookup() gives, without the rows
    stopped, count, first = fast[3]
    live = ~fast[4].stop
    assert np.array_equal(count, np.bincount(fast[4].at[live], minlength=len(q)))


def test_prepare_is_deterministic_across_batches():
    from dedup.candidates import CandidateConfig
    texts = synthetic_texts(30, seed=24)
    items = [(f"d{i}", t) for i, t in enumerate(texts)]
    a = prepare(items, CandidateConfig(), True)
    b = prepare(items, CandidateConfig(), False)
    assert np.array_equal(a.keys, b.keys) and np.array_equal(a.pos, b.pos) and a.rows == b.rows
    assert np.all(np.diff(a.keys) >= 0)
    assert sum(len(e.all_keys) for e in a.entries) == len(a.keys)


def test_argsort_i64_is_a_stable_argsort():
    rng = np.random.default_rng(6)
    big = np.iinfo(np.int64)
    for k in (rng.integers(big.min, big.max, 5000, dtype=np.int64), rng.integers(-3, 3, 500).astype(np.int64),
              rng.integers(-50, 50, kernels.RADIX_MIN + 3).astype(np.int64) << 40,  # radix-sorted (compiled)
              np.zeros(7, np.int64), np.array([big.min, -1, 0, 1, big.max] * 3, dtype=np.int64),
              np.empty(0, np.int64)):
        assert np.array_equal(kernels.argsort_i64(k), np.argsort(k, kind="stable"))
        if kernels.HAVE_NUMBA and len(k) > 1:  # the radix sort itself, on small inputs too
            assert np.array_equal(kernels._radix_argsort(k), np.argsort(k, kind="stable"))


def test_batch_keys_agree_with_the_keys_of_each_document():
    """batch_key_arrays (two stable sorts) gives each document the keys
    doc_keys gives it, with the first view of a key repeated across views."""
    from dedup.candidates import CandidateConfig
    from dedup.index.layout import batch_key_arrays, doc_keys, sketch
    texts = synthetic_texts(40, seed=25) + [""] + synthetic_texts(3, seed=26)
    for cfg in (CandidateConfig(), CandidateConfig(views=("shingle", "anchor", "sentence", "passage"))):
        sk = sketch(texts, cfg)
        k, d, caps, v = batch_key_arrays(sk, cfg)
        kk, dk, ck, vk = batch_key_arrays(sk, cfg, by_key=True)
        assert np.all(np.diff(kk) >= 0)
        o = np.lexsort((kk, dk))
        assert np.array_equal(k, kk[o]) and np.array_equal(d, dk[o]) and np.array_equal(v, vk[o])
        for i, dkeys in enumerate(doc_keys(sk, cfg)):
            assert np.array_equal(k[d == i], np.unique(dkeys.all()))


def _same_prepared(a, b) -> bool:
    return (a.doc_ids == b.doc_ids and a.rows == b.rows and np.array_equal(a.keys, b.keys)
            and np.array_equal(a.pos, b.pos) and np.array_equal(a.caps, b.caps))


def test_sketch_pool_queues_several_batches_per_worker():
    """One worker, eight batches queued at once (each 40 texts: more than a
    pipe buffer): no deadlock, and every result is the serial one."""
    from dedup.candidates import CandidateConfig
    from dedup.index.base import SketchPool
    cfg = CandidateConfig()
    texts = synthetic_texts(320, 11)
    batches = [[(f"b{k}-{i}", t) for i, t in enumerate(texts[40 * k:40 * (k + 1)])] for k in range(8)]
    pool = SketchPool(1, cfg, depth=8)
    try:
        tickets = []
        for b in batches:
            assert pool.has_room()
            tickets.append(pool.submit(b, False))
        assert not pool.has_room() and pool.in_flight() == 8
        for b, t in zip(batches, tickets):
            assert _same_prepared(pool.result(t), prepare(b, cfg, False))
        assert pool.in_flight() == 0
    finally:
        pool.close()
    assert len(pool) == 0


def test_sketch_pool_reports_a_killed_worker_instead_of_waiting():
    import os
    import signal
    from dedup.candidates import CandidateConfig
    from dedup.index import DedupIndexError
    from dedup.index.base import SketchPool
    pool = SketchPool(1, CandidateConfig(), depth=2)
    try:
        os.kill(pool.procs[0].pid, signal.SIGKILL)
        pool.procs[0].join(10)
        seq = pool.submit([("a", "some text here for a sketch")], False)
        with pytest.raises(DedupIndexError, match="sketch worker process died"):
            pool.result(seq)
    finally:
        pool.close(kill=True)


def test_checkpoint_thread_copies_the_wal_and_stops_on_close(tmp_path, monkeypatch):
    """With a tiny checkpoint size every batch wakes the checkpoint thread;
    the index stays whole and the thread ends with the index."""
    import sqlite3
    from dedup.index import sqlite as backend
    monkeypatch.setattr(backend, "CHECKPOINT_BYTES", 1)
    items = _corpus(60, 4)
    loc = tmp_path / "ck.dedup"
    with Index(loc, batch_size=16, workers=0) as ix:
        ix.add_many(items, judge=False)
        ck = ix._backend._checkpointer
        assert ck is not None and ck._thread.is_alive()
        page = ix._backend._conn.execute("PRAGMA page_size").fetchone()[0]
        auto = ix._backend._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert auto == backend.AUTOCHECKPOINT_BYTES // page
    assert not ck._thread.is_alive()
    with sqlite3.connect(loc) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Index(loc) as ix:
        assert len(ix) == len({d for d, _ in items}) and ix.integrity_check(full=True) == []


def test_sketch_workers_run_at_a_lower_priority_than_the_index():
    import os
    from dedup.candidates import CandidateConfig
    from dedup.index.base import WORKER_NICE, SketchPool
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    pool = SketchPool(1, CandidateConfig(), depth=1)
    try:
        seq = pool.submit([("a", "a text to sketch, so that the worker has started")], False)
        pool.result(seq)  # the worker lowered its priority before taking the batch
        assert os.getpriority(os.PRIO_PROCESS, pool.procs[0].pid) == min(19, mine + WORKER_NICE)
        assert os.getpriority(os.PRIO_PROCESS, 0) == mine
    finally:
        pool.close()
