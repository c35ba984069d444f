import itertools
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dedup.candidates import (
    Candidate,
    CandidateConfig,
    ViewConfig,
    bucket_pairs,
    candidates_from_sketches,
    concat_sketches,
    find_candidates,
    lsh_probability,
    optimal_bands,
    partner_budget,
    sketch_documents,
    view_params,
)
from dedup.text.tokens import normalize_word, tokenize

SEEDS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_texts():
    assert len(SEEDS) == 5
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def test_seed_corpus_rewrites_are_candidates(seed_texts):
    cands = find_candidates(seed_texts)
    pairs = {(c.i, c.j): c for c in cands}
    # 001 summarises 000, 002 spins it: they share < 1% of 5-shingles, the
    # passage view must find them (and the anchor view, when on, corroborates)
    assert (0, 1) in pairs and "passage" in pairs[0, 1].views
    assert (0, 2) in pairs and "passage" in pairs[0, 2].views
    with_anchor = {(c.i, c.j): c for c in find_candidates(
        seed_texts, CandidateConfig(views=("shingle", "anchor", "passage")))}
    assert "anchor" in with_anchor[0, 1].views and "anchor" in with_anchor[0, 2].views
    # unrelated-but-same-topic articles: no resemblance view fires; the
    # passage view may propose them (shared topical phrases) with a low
    # containment score, far below the rewrite pairs'
    for unrelated in [(0, 3), (0, 4), (1, 3), (1, 4), (2, 3), (2, 4)]:
        if unrelated in pairs:
            assert pairs[unrelated].views == ("passage",) and pairs[unrelated].score < 0.15
    assert cands == sorted(cands, key=lambda c: (c.i, c.j))
    assert all(c.i < c.j and 0 < c.score <= 1 for c in cands)


def test_seed_quotations_found_by_sentence_view(seed_texts):
    cands = find_candidates(seed_texts, CandidateConfig(views=("sentence",)))
    pairs = {(c.i, c.j) for c in cands}
    # 003/004 share quotations; the only other sentence matches allowed are
    # between 000 and its derivatives 001/002
    assert (3, 4) in pairs and pairs <= {(3, 4), (0, 1), (0, 2), (1, 2)}


def test_partitioned_sketches_give_same_result(seed_texts):
    cfg = CandidateConfig()
    parts = [sketch_documents(seed_texts[:2], cfg), sketch_documents(seed_texts[2:], cfg)]
    parts = pickle.loads(pickle.dumps(parts))  # as if from worker processes
    joined = concat_sketches(parts)
    assert candidates_from_sketches(joined, cfg) == find_candidates(seed_texts, cfg)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), max_size=30), min_size=1, max_size=12),
       st.integers(1, 5), st.integers(2, 6))
def test_merge_runs_equals_runs_of_merged_keys(doc_feats, n_parts, max_df):
    # keys of consecutive partitions, merged range by range == runs of all keys at once
    from dedup.candidates import _DOC_BITS, _runs, merge_runs
    n = len(doc_feats)
    keys = [np.unique(np.array([(f * 0x9E3779B1 % (1 << 40)) << _DOC_BITS | d for f in fs], dtype=np.uint64))
            for d, fs in enumerate(doc_feats)]
    bounds = np.linspace(0, n, n_parts + 1).astype(int)
    parts, offsets = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        k = np.concatenate([keys[d] for d in range(lo, hi)] + [np.empty(0, np.uint64)]) - np.uint64(lo)
        parts.append(np.sort(k))
        offsets.append(int(lo))
    whole = _runs(np.sort(np.concatenate(keys)), n, max_df, fast=False)
    merged = merge_runs(parts, offsets, n, max_df, buckets=3, fast=False)
    # the compiled merge (ranges in threads) and compiled runs give the same groups
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:
        fast = merge_runs(parts, offsets, n, max_df, buckets=3, fast=True, map_fn=pool.map)
    for r in (fast, _runs(np.sort(np.concatenate(keys)), n, max_df, fast=True)):
        assert np.array_equal(merged.members, r.members) and np.array_equal(merged.sizes, r.sizes)
        assert np.array_equal(merged.common, r.common)
    assert all(np.array_equal(p, np.sort(p)) for p in parts)  # the partitions' keys are left as they were
    # the same groups (as sets of members per fingerprint), in the same order
    assert np.array_equal(whole.sizes, merged.sizes) and np.array_equal(whole.members, merged.members)
    assert all(2 <= z <= max_df for z in merged.sizes.tolist())


def test_passage_pair_parts_do_not_change_the_result(seed_texts):
    from dedup.candidates import _passage_pairs
    sk = sketch_documents(seed_texts * 4)
    cfg = CandidateConfig()
    one = _passage_pairs(sk, cfg)
    assert len(one[0])
    for parts in (2, 3, 7):
        many = _passage_pairs(sk, cfg, min_parts=parts)
        for a, b in zip(one, many):
            assert np.array_equal(a, b)


def test_copy_and_containment():
    base = [
        "Officials in Springfield approved a 42 million dollar budget for the new bridge on Tuesday.",
        "The Riverside Bridge will replace a crossing built in 1931 that engineers called unsafe.",
        "Mayor Helen Alvarez said construction would begin next spring and last three years.",
        "Residents of the Eastfield district have complained about detours for almost a decade.",
        "Council member Jorge Petrov voted against the plan, citing rising steel prices.",
        "A federal grant from the Transportation Department covers roughly half the cost.",
        "The remaining money will come from municipal bonds issued later this year.",
        "Local businesses expect the closure of Harbor Street to hurt sales during the summer.",
    ]
    long_doc = " ".join(base)
    copy = long_doc.replace("Tuesday", "Wednesday")
    excerpt = "In other news. " + " ".join(base[1:4])  # reuses 3 of 8 sentences
    other = ("Scientists at the Marine Institute counted record numbers of humpback whales "
             "off the coast of Norway this winter, according to a survey published Monday.")
    cands = {(c.i, c.j): c for c in find_candidates([long_doc, copy, excerpt, other])}
    assert "shingle" in cands[0, 1].views and cands[0, 1].score > 0.8
    assert "passage" in cands[0, 2].views
    with_sentences = {(c.i, c.j): c for c in find_candidates(
        [long_doc, copy, excerpt, other], CandidateConfig(views=("shingle", "anchor", "sentence")))}
    assert "sentence" in with_sentences[0, 2].views
    assert not any(3 in k for k in cands)


def test_empty_and_tiny_documents():
    assert find_candidates([]) == []
    assert find_candidates(["", "", "   "]) == []
    cands = find_candidates(["Hello world.", "Hello world.", ""])
    assert [(c.i, c.j) for c in cands] == [(0, 1)]


def test_bad_config_messages():
    with pytest.raises(ValueError, match="subset"):
        CandidateConfig(views=("shingles",))
    with pytest.raises(ValueError, match="tuple"):
        CandidateConfig(views="anchor")
    with pytest.raises(ValueError, match="both bands and rows"):
        ViewConfig(threshold=0.5, bands=4)
    with pytest.raises(ValueError, match="threshold"):
        ViewConfig(threshold=1.5)
    with pytest.raises(ValueError, match="single string"):
        find_candidates("just one text")
    with pytest.raises(ValueError, match="expected str"):
        find_candidates([5])
    # UTF-8 bytes are texts too
    assert find_candidates([b"same words in a row here " * 9, "same words in a row here " * 9])


def test_optimal_bands():
    for t, P in [(0.2, 256), (0.4, 128), (0.5, 24), (0.8, 64)]:
        b, r = optimal_bands(t, P)
        assert b * r <= P
        # the S-curve is low well below the threshold and high well above it
        assert lsh_probability(max(t - 0.3, 0.0), b, r) < 0.5 < lsh_probability(min(t + 0.3, 1.0), b, r)
    # false negatives weighted up: more bands / fewer rows, higher recall
    b1, r1 = optimal_bands(0.3, 128, 0.5, 0.5)
    b2, r2 = optimal_bands(0.3, 128, 0.1, 0.9)
    assert lsh_probability(0.3, b2, r2) >= lsh_probability(0.3, b1, r1)
    assert view_params(CandidateConfig(views=("shingle",), shingle=ViewConfig(0.5, bands=8, rows=4))) == {
        "shingle": (8, 4)}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=0, max_size=40), st.integers(2, 5))
def test_bucket_pairs_brute_force(keys, max_bucket):
    keys_a = np.array(keys, dtype=np.uint64)
    ids = np.arange(len(keys), dtype=np.int64)
    left, right = bucket_pairs(keys_a, ids, max_bucket, "drop")
    got = {(min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist())}
    want = set()
    for k in set(keys):
        members = [i for i, x in enumerate(keys) if x == k]
        if len(members) <= max_bucket:
            want |= set(itertools.combinations(members, 2))
    assert got == want and len(left) == len(want)
    # star mode: oversize buckets stay connected with size-1 links
    left, right = bucket_pairs(keys_a, ids, max_bucket, "star")
    got = {(min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist())}
    for k in set(keys):
        members = [i for i, x in enumerate(keys) if x == k]
        if len(members) > max_bucket:
            assert {(members[0], m) for m in members[1:]} <= got


VOCAB = [f"w{i}" for i in range(400)]


def _shingles(text, k=5):
    w = [normalize_word(t.text) for t in tokenize(text)]
    return {tuple(w[i:i + k]) for i in range(max(1, len(w) - k + 1))} if w else set()


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000))
def test_lsh_finds_pairs_well_above_threshold(seed):
    """Shingle-view LSH vs brute-force Jaccard on a small random corpus.

    Tolerance: with the default (bands, rows) = (32, 4) a pair of true
    Jaccard >= 0.7 collides with probability >= 0.9998 and its 128-perm
    estimate clears the 0.25 verification floor with overwhelming
    probability, so every such pair must be found. Pairs far below the
    threshold (J < 0.1) must not be reported.
    """
    rng = np.random.default_rng(seed)
    docs = []
    for _ in range(12):
        words = list(rng.choice(VOCAB, 80))
        docs.append(words)
        if rng.random() < 0.6:  # a near-copy with some substitutions
            mutated = list(words)
            for p in rng.choice(80, int(rng.integers(0, 6)), replace=False):
                mutated[p] = str(rng.choice(VOCAB))
            docs.append(mutated)
    texts = [" ".join(d) + "." for d in docs]
    cfg = CandidateConfig(views=("shingle",))
    found = {(c.i, c.j) for c in find_candidates(texts, cfg)}
    sets = [_shingles(t) for t in texts]
    for i, j in itertools.combinations(range(len(texts)), 2):
        jac = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        if jac >= 0.7:
            assert (i, j) in found, (i, j, jac)
        if jac < 0.1:
            assert (i, j) not in found, (i, j, jac)


def test_candidate_is_frozen():
    c = Candidate(0, 1, ("anchor",), 0.3)
    with pytest.raises(Exception):
        c.i = 2  # type: ignore[misc]


def _zipf_corpus_with_reuse():
    """80 documents of random sentences over one Zipf vocabulary (heavy topical
    overlap, no reuse) and a host document with 5 sentences of document 0."""
    import random
    rng = random.Random(7)
    vocab = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
             for _ in range(600)]
    weights = [1 / (k + 1) for k in range(len(vocab))]

    def sentence():
        return " ".join(rng.choices(vocab, weights, k=rng.randint(8, 16))).capitalize() + "."

    docs = [" ".join(sentence() for _ in range(30)) for _ in range(80)]
    src = docs[0].split(". ")
    host = (" ".join(sentence() for _ in range(25)) + " " + ". ".join(src[5:10]) + ". "
            + " ".join(sentence() for _ in range(25)))
    return docs + [host]


def test_passage_chains_mark_coherent_reuse():
    from dedup.candidates import _passage_pairs
    texts = _zipf_corpus_with_reuse()
    n = len(texts)
    cfg = CandidateConfig()
    sk = sketch_documents(texts, cfg)
    codes, hits, evidence, chains = _passage_pairs(sk, cfg)
    reuse = codes == n - 1  # pair (0, host)
    assert reuse.sum() == 1
    # the reused passage shares many ordered chains; topical overlap hardly any
    assert chains[reuse][0] >= 20
    assert chains[reuse][0] >= 4 * chains[~reuse].max()
    cands = {(c.i, c.j): c for c in find_candidates(texts, cfg)}
    assert (0, n - 1) in cands and "passage" in cands[0, n - 1].views


def _random_words(rng, k):
    return [''.join(rng.choice("bcdfghjklmnpqrstvwz") + rng.choice("aeiou") for _ in range(4)) for _ in range(k)]


def _sentences(words):
    return " ".join(" ".join(words[s:s + 12]).capitalize() + "." for s in range(0, len(words), 12))


def test_passage_unit_finds_one_passage_inside_two_long_documents():
    import dataclasses
    import random
    rng = random.Random(7)
    passage = _random_words(rng, 120)
    a = _sentences(_random_words(rng, 6000) + passage + _random_words(rng, 6000))
    b = _sentences(_random_words(rng, 3000) + passage + _random_words(rng, 9000))
    texts = [a, b, _sentences(_random_words(rng, 800))]
    cfg = CandidateConfig()
    sk = sketch_documents(texts, cfg)
    shareable = int(sk.pass_count[:2].min())
    assert shareable > 20 * cfg.passage_unit  # the passage is a tiny share of both
    cands = {(c.i, c.j): c for c in find_candidates(texts, cfg)}
    # the unit containment (shared over passage_unit fingerprints) passes
    # passage_min_containment; the reported score is the plain containment
    assert list(cands) == [(0, 1)] and cands[0, 1].views == ("passage",)
    assert cands[0, 1].score < cfg.passage_min_containment
    # measured against the whole documents, the passage is diluted away
    plain = dataclasses.replace(cfg, passage_unit=10 ** 9)
    assert find_candidates(texts, plain) == []


def test_passage_unit_must_be_positive():
    with pytest.raises(ValueError, match="passage_unit"):
        CandidateConfig(passage_unit=0)


def test_partner_budget_grows_with_the_square_root_of_length():
    import dataclasses
    cfg = CandidateConfig()
    unit, k = cfg.passage_unit, cfg.passage_top_k
    counts = np.array([0, unit // 2, unit, 2 * unit, 4 * unit, 9 * unit + unit // 2])
    assert partner_budget(counts, cfg).tolist() == [k, k, k, int(k * 2 ** 0.5), 2 * k, int(k * 9.5 ** 0.5)]
    fixed = dataclasses.replace(cfg, passage_top_k_scaled=False)
    assert partner_budget(counts, fixed).tolist() == [k] * len(counts)


def test_top_k_either_takes_a_budget_per_document():
    from dedup.candidates import _top_k_either
    n = 6
    # document 0 pairs with 1..5 (scores 5..1); documents 1..5 also pair with
    # each other, with low scores growing with i + j
    clique = [(i, j) for i in range(1, 6) for j in range(i + 1, 6)]
    pairs = [(0, j) for j in range(1, 6)] + clique
    codes = np.array([i * n + j for i, j in pairs])
    score = np.array([6.0 - j for j in range(1, 6)] + [0.01 * (i + j) for i, j in clique])
    # one partner each: 0 keeps its best (1); each of 1..5 keeps its best, which is 0
    one = _top_k_either(codes, score, n, 1)
    assert {pairs[k] for k in np.flatnonzero(one)} == {(0, j) for j in range(1, 6)}
    # budget per document: the same for 1..5, none more for 0
    per_doc = _top_k_either(codes, score, n, np.array([1, 1, 1, 1, 1, 1]))
    assert per_doc.tolist() == one.tolist()
    # document 3 may keep 3 partners: 0, then its two best among 1..5 (5 and 4)
    three = _top_k_either(codes, score, n, np.array([1, 1, 1, 3, 1, 1]))
    assert {pairs[k] for k in np.flatnonzero(three)} - {pairs[k] for k in np.flatnonzero(one)} == {(3, 4), (3, 5)}
