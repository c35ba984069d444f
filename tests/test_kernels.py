"""The compiled kernels (dedup.kernels) against their numpy reference paths.

Without numba the kernels run as plain Python: the same checks hold.
"""
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dedup.candidates import CandidateConfig, PassagePairStage, Runs, _passage_pairs, sketch_documents


def _corpus(seed, n_docs=40, reuse=6):
    """Random Zipf-vocabulary documents, some reusing sentences of others."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
             for _ in range(300)]
    weights = [1 / (k + 1) for k in range(len(vocab))]
    docs = [[" ".join(rng.choices(vocab, weights, k=rng.randint(6, 14))).capitalize() + "."
             for _ in range(rng.randint(3, 25))] for _ in range(n_docs)]
    for _ in range(reuse):
        a, b = rng.randrange(n_docs), rng.randrange(n_docs)
        k = rng.randint(1, len(docs[a]))
        at = rng.randint(0, len(docs[b]))
        docs[b][at:at] = docs[a][:k]
    return [" ".join(d) for d in docs]


def _assert_same(a, b):
    (ca, ha, ea, xa), (cb, hb, eb, xb) = a, b
    assert np.array_equal(ca, cb)
    assert np.array_equal(ha, hb)
    assert np.array_equal(xa, xb)
    np.testing.assert_allclose(ea, eb, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("verify", [True, False])
def test_pair_kernel_equals_numpy_reference(seed, verify):
    cfg = CandidateConfig(passage_min_hits=2, passage_min_score=1.0, passage_max_df=8)
    sk = sketch_documents(_corpus(seed), cfg)
    for parts in (1, 3):
        stage = PassagePairStage.from_sketches(sk, cfg, verify, min_parts=parts)
        ref = [stage.run(p, fast=False) for p in range(stage.parts)]
        fast = [stage.run(p, fast=True) for p in range(stage.parts)]
        for a, b in zip(ref, fast):
            _assert_same(a, b)
        if not verify:
            assert sum(len(r[0]) for r in ref) > 0
    # the full passage view agrees too (parts joined and sorted)
    whole = _passage_pairs(sk, cfg, verify=verify)
    assert len(whole[0]) > 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=12, unique=True), min_size=1, max_size=40),
       st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=6, unique=True), max_size=10),
       st.integers(1, 4), st.booleans())
def test_pair_kernel_on_random_runs(p_runs, c_runs, parts, verify):
    # runs built directly: members ascending inside each run
    n = 31
    def runs(rs):
        rs = [sorted(r) for r in rs]
        members = np.array([d for r in rs for d in r], dtype=np.int32)
        return Runs(members, np.array([len(r) for r in rs], dtype=np.int64), np.zeros(n, np.int64))
    pc = np.bincount(np.array([d for r in p_runs for d in r], dtype=np.int64), minlength=n) + 1
    cfg = CandidateConfig(passage_min_hits=2, passage_min_score=0.5, passage_chain_alone=2,
                          passage_min_chains=1, passage_strong_evidence=1.5, passage_gate_containment=0.3)
    stage = PassagePairStage(runs(p_runs), runs(c_runs), pc, cfg, verify, min_parts=parts)
    for p in range(stage.parts):
        _assert_same(stage.run(p, fast=False), stage.run(p, fast=True))


def test_pair_part_out_of_range_is_an_error():
    cfg = CandidateConfig()
    sk = sketch_documents(_corpus(0, n_docs=5), cfg)
    stage = PassagePairStage.from_sketches(sk, cfg, True)
    with pytest.raises(ValueError, match="part must be in"):
        stage.run(stage.parts)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("window,chain_gap", [(8, 12), (3, 2), (1, 1)])
def test_passage_key_kernel_equals_numpy_reference(seed, window, chain_gap):
    cfg = CandidateConfig(passage_window=window, passage_chain_gap=chain_gap, passage_sample=2,
                          passage_chain_sample=2)
    texts = _corpus(seed, n_docs=25) + ["", "one", "Two words."]
    ref = sketch_documents(texts, cfg, fast=False)
    fast = sketch_documents(texts, cfg, fast=True)
    assert len(ref.pass_key) > 0 and len(ref.reg_key) > 0
    for f in ("pass_key", "reg_key", "pass_count"):
        assert np.array_equal(getattr(ref, f), getattr(fast, f)), f


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, (1 << 40) - 1)), max_size=300))
def test_radix_sort_equals_unique(pairs):
    from dedup.kernels import sort_distinct_by_high_bits
    # keys in document order (low 24 bits ascending), fingerprints random, repeats allowed
    pairs = sorted(pairs, key=lambda p: p[0])
    keys = np.array([(f << 24) | d for d, f in pairs], dtype=np.uint64)
    want = np.unique(keys)
    assert np.array_equal(sort_distinct_by_high_bits(keys.copy(), 24), want)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=8), st.integers(1, 6), st.integers(0, 2 ** 32 - 1))
def test_shingle_minhash_equals_combine_then_sign(lengths, k, seed):
    from dedup.kernels import shingle_minhash
    from dedup.sketch import SketchConfig, combine_shingles_flat, permutations, signatures_flat
    rng = np.random.default_rng(seed)
    wh = rng.integers(0, 2 ** 63, sum(lengths), dtype=np.uint64)
    lens = np.array(lengths, dtype=np.int64)
    cfg = SketchConfig(num_perm=16, seed=seed % 1000)
    sh, sn = combine_shingles_flat(wh, lens, k)
    a, b = permutations(cfg)
    assert np.array_equal(shingle_minhash(wh, lens, k, a, b), signatures_flat(sh, sn, cfg))


@pytest.mark.parametrize("seed", range(2))
def test_sketches_equal_with_and_without_kernels(seed):
    texts = _corpus(seed, n_docs=20) + ["", "Short one.", "x"]
    cfg = CandidateConfig()
    ref, fast = sketch_documents(texts, cfg, fast=False), sketch_documents(texts, cfg, fast=True)
    for f in ("shingle_sig", "pass_key", "reg_key", "pass_count", "anchor_keys", "sent_sig"):
        assert np.array_equal(getattr(ref, f), getattr(fast, f)), f


@pytest.mark.parametrize("verify", [True, False])
def test_pair_kernel_counts_past_one_byte(verify):
    # documents 0 and 1 share 300 fingerprints, 0 and 2 share 2, 1 and 2 share 260
    n = 3
    groups = [[0, 1]] * 40 + [[0, 1, 2]] * 2 + [[0, 1]] * 258 + [[1, 2]] * 258
    members = np.array([d for g in groups for d in g], dtype=np.int32)
    runs = Runs(members, np.array([len(g) for g in groups], dtype=np.int64), np.zeros(n, np.int64))
    chains = Runs(np.array([0, 1], np.int32), np.array([2], np.int64), np.zeros(n, np.int64))
    cfg = CandidateConfig(passage_min_hits=3)
    stage = PassagePairStage(runs, chains, np.array([302, 560, 262], np.int64), cfg, verify)
    ref, fast = stage.run(0, fast=False), stage.run(0, fast=True)
    _assert_same(ref, fast)
    got = dict(zip((fast[0] // n * 10 + fast[0] % n).tolist(), fast[1].tolist()))
    assert got[1] == 300 and got[12] == 260
    assert (2 in got) == (not verify)  # 0-2 share 2 < passage_min_hits


@pytest.mark.parametrize("budget", [0, 1000])
def test_merge_runs_from_spilled_files(monkeypatch, budget, tmp_path):
    # keys spilled to .npy files, read slice by slice (file kept open or not), ranges in threads
    from concurrent.futures import ThreadPoolExecutor

    import dedup.candidates as C
    monkeypatch.setattr(C, "_open_file_budget", lambda: budget)
    texts = _corpus(4, n_docs=30)
    cfg = CandidateConfig()
    parts = [sketch_documents(texts[s:s + 7], cfg) for s in range(0, 30, 7)]
    offsets = [0, 7, 14, 21, 28]
    files = []
    for k, p in enumerate(parts):
        path = str(tmp_path / f"p{k}.npy")
        np.save(path, p.pass_key, allow_pickle=False)
        files.append(C.SpilledKeys(path))
    ref = C.merge_runs([p.pass_key for p in parts], offsets, 30, cfg.passage_max_df, buckets=4)
    with ThreadPoolExecutor(2) as pool:
        got = C.merge_runs(files, offsets, 30, cfg.passage_max_df, buckets=4, map_fn=pool.map)
    assert np.array_equal(ref.members, got.members) and np.array_equal(ref.sizes, got.sizes)
    assert np.array_equal(ref.common, got.common) and len(ref.sizes) > 0
    assert all(f._fd is None for f in files)  # closed after the merge
    np.save(str(tmp_path / "bad.npy"), np.zeros((2, 2)), allow_pickle=False)
    with pytest.raises(ValueError, match="1-D uint64"):
        C.SpilledKeys(str(tmp_path / "bad.npy"))


def test_merge_runs_from_loaders():
    # keys handed as loaders (callables), called when their keys are needed
    import dedup.candidates as C
    texts = _corpus(3, n_docs=30)
    cfg = CandidateConfig()
    parts = [sketch_documents(texts[s:s + 7], cfg) for s in range(0, 30, 7)]
    offsets = [0, 7, 14, 21, 28]
    calls = []

    def loader(k):
        def load():
            calls.append(1)
            return parts[k].pass_key
        return load

    ref = C.merge_runs([p.pass_key for p in parts], offsets, 30, cfg.passage_max_df, buckets=3)
    got = C.merge_runs([loader(k) for k in range(len(parts))], offsets, 30, cfg.passage_max_df, buckets=3)
    assert np.array_equal(ref.members, got.members) and np.array_equal(ref.sizes, got.sizes)
    assert np.array_equal(ref.common, got.common) and len(ref.sizes) > 0
    assert len(calls) >= len(parts)


def test_kernels_are_imported_on_first_use_only():
    """``import dedup`` and compare() load neither the candidate kernels nor
    numba; the candidate stage loads the kernels from ``KERNEL_MIN_DOCS``
    documents on (not for a smaller corpus), ``dedup.Index`` the index."""
    import subprocess
    import sys
    code = ("import sys, dedup\n"
            "dedup.compare('One two three.', 'One two three.')\n"
            "print('dedup.kernels' in sys.modules, 'numba' in sys.modules, 'dedup.index' in sys.modules)\n"
            "from dedup.candidates import KERNEL_MIN_DOCS, find_candidates\n"
            "find_candidates(['a b c d e f', 'a b c d e f'])\n"
            "print('dedup.kernels' in sys.modules)\n"
            "find_candidates(['a b c d e f'] * KERNEL_MIN_DOCS)\n"
            "print('dedup.kernels' in sys.modules)\n"
            "print(dedup.Index.__name__, 'dedup.index' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False", "True", "Index", "True"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2 ** 32 - 1)), max_size=200), st.integers(0, 4))
def test_content_words_and_doc_counts_equal_numpy(tokens, min_kind):
    from dedup.kernels import content_words, doc_counts
    kind = np.array([t[0] for t in tokens], dtype=np.int8)
    key = np.array([t[1] for t in tokens], dtype=np.uint32)
    doc = np.arange(len(tokens), dtype=np.int64) // 3
    ck, cd = content_words(key, doc, kind, min_kind)
    keep = kind >= min_kind
    assert np.array_equal(ck, key[keep]) and np.array_equal(cd, doc[keep])
    assert ck.dtype == np.uint32 and cd.dtype == np.int64
    keys = (key.astype(np.uint64) << np.uint64(24)) | doc.astype(np.uint64)
    n = int(doc[-1]) + 2 if len(doc) else 1
    want = np.bincount((keys & np.uint64(0xFFFFFF)).view(np.int64), minlength=n)
    assert np.array_equal(doc_counts(keys, np.uint64(0xFFFFFF), n), want)
