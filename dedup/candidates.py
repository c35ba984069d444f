"""Candidate pairs: multi-view MinHash LSH with cheap verification.

Three views of every document, each with its own MinHash signatures and LSH
bands (see :mod:`dedup.sketch` for the signatures):

``shingle``
    Word 5-shingles over normalised tokens. Finds copies and light edits.
``anchor``
    The words a rewriter rarely changes (DSpin's "immutables"): capitalised
    words that do not open a sentence (names), numbers (thousands separators
    removed), and long content words (``anchor_min_len`` letters or more) —
    all stemmed, as a *set*. Synonym swaps of short common words and sentence
    reordering leave it largely intact.
``sentence``
    One small MinHash per sentence over its set of content stems. Two
    documents collide when sentences of one nearly equal sentences of the
    other, so a short document reusing a few sentences of a much longer one
    is found (containment) even though whole-document Jaccard is tiny.

Pipeline: :func:`sketch_documents` (pure, per partition of documents; run it in
worker processes and join the parts with :func:`concat_sketches`) then
:func:`candidates_from_sketches` (banding by sorting band hashes, pair
generation, verification). :func:`find_candidates` does both.

Banding: for each band the ``rows`` signature values are mixed into one
uint64 key; keys are sorted (``argsort``) and runs of equal keys are buckets.
Documents (or sentences) in one bucket become pairs. Empty sets are never
bucketed. Buckets larger than ``max_bucket`` are boilerplate-like: for the
document views only each member's link to the bucket's first member is kept
(enough for clustering, bounded output); for the sentence view they are
dropped.

Verification (after banding, from the signatures only): a pair that collided
in a view is kept for that view when

* shingle: estimated Jaccard >= ``shingle.verify_floor``;
* anchor: estimated Jaccard >= ``anchor.verify_floor``;
* sentence: at least ``min_sentence_hits`` distinct sentences on each side
  take part in sentence collisions whose estimated sentence Jaccard is >=
  ``sentence.verify_floor``.

Scale note: the anchor view bands at a low threshold (default 75 bands x 2
rows of 256 permutations, so pairs with anchor Jaccard 0.24 collide with
probability ~0.99). On corpora where many documents share frequent long words
it generates many raw pairs before verification (a synthetic Zipf corpus of
5,000 docs: ~8 s in banding). A corpus-level document-frequency cap on anchor
features is the planned fix; it needs a merge step across partitions.

``Candidate.views`` lists the views that both collided and verified; pairs
with no such view are dropped. ``Candidate.score`` is the largest of the
verified views' similarities (shingle/anchor: estimated Jaccard; sentence:
matched sentences / sentences of the shorter document).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np

from dedup.sketch import (
    SketchConfig,
    empty_rows,
    hash_strings,
    pairwise_jaccard_estimate,
    shingle_hashes,
    signatures,
)
from dedup.text.sentences import split_sentences
from dedup.text.tokens import _TOKEN_RE, STOPWORDS, normalize_word, stem

__all__ = [
    "ViewConfig",
    "CandidateConfig",
    "Candidate",
    "DocSketches",
    "VIEWS",
    "optimal_bands",
    "lsh_probability",
    "band_keys",
    "bucket_pairs",
    "view_params",
    "sketch_documents",
    "concat_sketches",
    "candidates_from_sketches",
    "find_candidates",
]

#: Names of the views, in the order they are reported.
VIEWS = ("shingle", "anchor", "sentence")

_U64 = np.uint64
_MIX1 = _U64(0x9E3779B97F4A7C15)
_MIX2 = _U64(0xBF58476D1CE4E5B9)
_MIX3 = _U64(0x94D049BB133111EB)


# ---------------------------------------------------------------- config ---

@dataclass(frozen=True)
class ViewConfig:
    """LSH parameters of one view.

    Args:
        threshold: Target similarity (Jaccard of the view's sets) of the
            banding S-curve.
        num_perm: Signature length.
        fp_weight: Weight of the false-positive probability mass when choosing
            bands/rows.
        fn_weight: Weight of the false-negative probability mass.
        verify_floor: Minimum estimated Jaccard for a collision to be kept.
        bands: Force the number of bands (with ``rows``) instead of choosing.
        rows: Force the rows per band (with ``bands``).
        seed: Permutation seed of the view's MinHash.
    """

    threshold: float
    num_perm: int = 128
    fp_weight: float = 0.5
    fn_weight: float = 0.5
    verify_floor: float = 0.0
    bands: int | None = None
    rows: int | None = None
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"ViewConfig.threshold must be in (0, 1), got {self.threshold!r}")
        if not isinstance(self.num_perm, int) or self.num_perm < 1:
            raise ValueError(f"ViewConfig.num_perm must be a positive int, got {self.num_perm!r}")
        if self.fp_weight < 0 or self.fn_weight < 0 or self.fp_weight + self.fn_weight <= 0:
            raise ValueError("ViewConfig.fp_weight and fn_weight must be >= 0 and not both 0, "
                             f"got {self.fp_weight!r}, {self.fn_weight!r}")
        if not 0.0 <= self.verify_floor <= 1.0:
            raise ValueError(f"ViewConfig.verify_floor must be in [0, 1], got {self.verify_floor!r}")
        if (self.bands is None) != (self.rows is None):
            raise ValueError("ViewConfig: give both bands and rows, or neither (to choose them from threshold)")
        if self.bands is not None and (self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm):
            raise ValueError(f"ViewConfig: need bands >= 1, rows >= 1 and bands * rows <= num_perm "
                             f"({self.num_perm}), got bands={self.bands}, rows={self.rows}")

    def params(self) -> tuple[int, int]:
        """``(bands, rows)``: forced, or chosen by :func:`optimal_bands`."""
        if self.bands is not None:
            return self.bands, self.rows  # type: ignore[return-value]
        return optimal_bands(self.threshold, self.num_perm, self.fp_weight, self.fn_weight)

    def sketch(self) -> SketchConfig:
        return SketchConfig(num_perm=self.num_perm, seed=self.seed)


@dataclass(frozen=True)
class CandidateConfig:
    """Parameters of :func:`find_candidates`.

    Args:
        views: Which views to run (subset of ``VIEWS``).
        shingle: LSH of the shingle view (Jaccard of word k-shingles).
        anchor: LSH of the anchor view (Jaccard of anchor stems).
        sentence: LSH of each sentence's content-stem set; ``verify_floor`` is
            the minimum estimated Jaccard of a matched sentence pair.
        shingle_k: Words per shingle.
        anchor_min_len: Content words at least this long are anchors.
        sentence_min_terms: Sentences with fewer distinct content stems are not
            sketched (too generic to be evidence).
        min_sentence_hits: Matched sentences needed (on each side) for the
            sentence view to fire.
        max_bucket: Buckets with more members are treated as boilerplate (see
            module docs).
        hash_seed: xxhash seed for features.
    """

    views: tuple[str, ...] = VIEWS
    shingle: ViewConfig = field(default_factory=lambda: ViewConfig(
        threshold=0.4, num_perm=128, verify_floor=0.25))
    anchor: ViewConfig = field(default_factory=lambda: ViewConfig(
        threshold=0.2, num_perm=256, fp_weight=0.1, fn_weight=0.9, verify_floor=0.22, seed=2))
    sentence: ViewConfig = field(default_factory=lambda: ViewConfig(
        threshold=0.5, num_perm=24, verify_floor=0.45, seed=3))
    shingle_k: int = 5
    anchor_min_len: int = 8
    sentence_min_terms: int = 5
    min_sentence_hits: int = 2
    max_bucket: int = 1000
    hash_seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.views, str):
            raise ValueError(f"CandidateConfig.views must be a tuple of view names, e.g. ('anchor',), "
                             f"not the string {self.views!r}")
        bad = [v for v in self.views if v not in VIEWS]
        if bad or not self.views:
            raise ValueError(f"CandidateConfig.views must be a non-empty subset of {VIEWS}, got {self.views!r}")
        for name in ("shingle_k", "anchor_min_len", "sentence_min_terms", "min_sentence_hits", "max_bucket"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"CandidateConfig.{name} must be a positive int, got {v!r}")
        if self.max_bucket < 2:
            raise ValueError(f"CandidateConfig.max_bucket must be >= 2, got {self.max_bucket}")


@dataclass(frozen=True)
class Candidate:
    """A pair of documents worth aligning.

    Args:
        i: Index of the first document (``i < j``).
        j: Index of the second document.
        views: Views that found and verified the pair, in ``VIEWS`` order.
        score: Largest verified similarity among ``views`` (see module docs).
    """

    i: int
    j: int
    views: tuple[str, ...]
    score: float


# -------------------------------------------------------- banding params ---

def lsh_probability(s: np.ndarray | float, bands: int, rows: int) -> np.ndarray:
    """Probability that two sets of Jaccard ``s`` share at least one band.

    Args:
        s: Jaccard similarity (scalar or array).
        bands: Number of bands.
        rows: Rows per band.

    Returns:
        ``1 - (1 - s**rows)**bands``.
    """
    s = np.asarray(s, dtype=np.float64)
    return 1.0 - (1.0 - s ** rows) ** bands


@lru_cache(maxsize=256)
def optimal_bands(threshold: float, num_perm: int, fp_weight: float = 0.5,
                  fn_weight: float = 0.5, grid: int = 1000) -> tuple[int, int]:
    """Bands and rows minimising weighted false-positive + false-negative mass.

    With ``P(s) = 1 - (1 - s**r)**b``, the false-positive mass is
    ``integral_0^t P(s) ds`` and the false-negative mass
    ``integral_t^1 (1 - P(s)) ds``; every ``(b, r)`` with ``b * r <= num_perm``
    is scored (trapezoid rule on ``grid`` steps, vectorised per ``r``).

    Args:
        threshold: Target similarity ``t`` in (0, 1).
        num_perm: Signature length.
        fp_weight: Weight of the false-positive mass.
        fn_weight: Weight of the false-negative mass.
        grid: Integration steps on [0, 1].

    Returns:
        ``(bands, rows)``; ties go to fewer bands (cheaper).
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, got {num_perm!r}")
    s = np.linspace(0.0, 1.0, grid + 1)
    ds = s[1] - s[0]
    w = np.full_like(s, ds)
    w[0] = w[-1] = ds / 2  # trapezoid weights
    below = s <= threshold
    best = (np.inf, 1, 1)
    for r in range(1, num_perm + 1):
        bmax = num_perm // r
        b = np.arange(1, bmax + 1)[:, None]
        p = 1.0 - (1.0 - s[None, :] ** r) ** b  # (bmax, grid+1)
        fp = (p * (w * below)).sum(axis=1)
        fn = ((1.0 - p) * (w * ~below)).sum(axis=1)
        err = fp_weight * fp + fn_weight * fn
        k = int(np.argmin(err))
        if err[k] < best[0] - 1e-12:
            best = (float(err[k]), k + 1, r)
    return best[1], best[2]


# --------------------------------------------------------------- banding ---

def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Mix each band of each signature into one uint64 key.

    Args:
        sigs: ``(n, num_perm)`` uint32 signatures.
        bands: Number of bands.
        rows: Rows per band (``bands * rows <= num_perm``; extra columns unused).

    Returns:
        ``(n, bands)`` uint64 keys; equal band contents give equal keys.
    """
    if sigs.ndim != 2 or bands * rows > sigs.shape[1]:
        raise ValueError(f"need a (n, num_perm) signature array with num_perm >= bands * rows "
                         f"({bands} * {rows}), got shape {sigs.shape}")
    x = sigs[:, : bands * rows].reshape(sigs.shape[0], bands, rows).astype(np.uint64)
    acc = np.full((sigs.shape[0], bands), _U64(rows), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in range(rows):
            acc = (acc ^ x[:, :, c]) * _MIX1
            acc ^= acc >> _U64(32)
        acc *= _MIX3
        acc ^= acc >> _U64(29)
    return acc


def bucket_pairs(keys: np.ndarray, members: np.ndarray, max_bucket: int,
                 oversize: str = "star") -> tuple[np.ndarray, np.ndarray]:
    """Pairs of members sharing a key (one band), by sorting the keys.

    Args:
        keys: ``(m,)`` uint64 band keys.
        members: ``(m,)`` int64 ids of the key owners (same length).
        max_bucket: Buckets with more members are oversize.
        oversize: ``"star"``: link every member of an oversize bucket to its
            first member only; ``"drop"``: ignore oversize buckets.

    Returns:
        ``(left, right)`` int64 arrays of member ids, one entry per pair of
        positions in a bucket (ids may repeat or be equal if ``members`` has
        repeats; callers filter).
    """
    if oversize not in ("star", "drop"):
        raise ValueError(f"oversize must be 'star' or 'drop', got {oversize!r}")
    m = len(keys)
    if m < 2:
        e = np.empty(0, dtype=np.int64)
        return e, e
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    mem = members[order]
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(k[1:], k[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, m))
    multi = sizes >= 2
    starts, sizes = starts[multi], sizes[multi]
    if len(starts) == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e
    lefts, rights = [], []
    big = sizes > max_bucket
    if oversize == "star" and big.any():
        bs, bz = starts[big], sizes[big]
        nz = bz - 1
        pos = np.repeat(bs, nz) + (np.arange(int(nz.sum())) - np.repeat(np.cumsum(nz) - nz, nz)) + 1
        lefts.append(mem[np.repeat(bs, nz)])
        rights.append(mem[pos])
    starts, sizes = starts[~big], sizes[~big]
    # all pairs inside small buckets: offset d = 1 .. max size - 1, only over
    # buckets still large enough (total work ~ number of pairs).
    if len(starts):
        idx = np.repeat(starts, sizes) + (np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes))
        end = np.repeat(starts + sizes, sizes)
        d = 1
        while len(idx):
            ok = idx + d < end
            idx, end = idx[ok], end[ok]
            if not len(idx):
                break
            lefts.append(mem[idx])
            rights.append(mem[idx + d])
            d += 1
    if not lefts:
        e = np.empty(0, dtype=np.int64)
        return e, e
    return np.concatenate(lefts).astype(np.int64), np.concatenate(rights).astype(np.int64)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values of a 1-D array (sort-based; faster than
    ``np.unique``'s hash path on large int64 arrays)."""
    if len(a) == 0:
        return a
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]]


def _doc_view_pairs(sigs: np.ndarray, bands: int, rows: int, max_bucket: int) -> np.ndarray:
    """Unique pair codes ``i * n + j`` (i < j) of documents sharing a band."""
    n = sigs.shape[0]
    live = np.flatnonzero(~empty_rows(sigs))
    if len(live) < 2:
        return np.empty(0, dtype=np.int64)
    keys = band_keys(sigs[live], bands, rows)
    codes = []
    for b in range(bands):
        left, right = bucket_pairs(keys[:, b], live, max_bucket, "star")
        if len(left):
            lo = np.minimum(left, right)
            hi = np.maximum(left, right)
            keep = lo != hi
            codes.append(lo[keep] * n + hi[keep])
    if not codes:
        return np.empty(0, dtype=np.int64)
    return _sorted_unique(np.concatenate(codes))


# -------------------------------------------------------------- features ---

def _number_key(norm: str) -> str:
    return norm.replace(",", "")


@lru_cache(maxsize=1 << 18)
def _token_info(t: str, min_len: int) -> tuple[str, int, str]:
    """``(norm, kind, key)`` of a raw token, memoised (the hot path of featurising).

    ``kind``: 0 no normalised form (skipped), 1 word only (stopword or one
    letter), 2 number (``key`` = number key), 3 content word (``key`` = stem),
    4 content word long enough to be an anchor.
    """
    norm = normalize_word(t)
    if not norm:
        return norm, 0, ""
    if t[0].isdigit():
        return norm, 2, _number_key(norm)
    if norm in STOPWORDS or len(norm) < 2:
        return norm, 1, ""
    return norm, 4 if len(norm) >= min_len else 3, stem(norm)


def _doc_features(text: str, config: CandidateConfig) -> tuple[list[str], set[str], list[set[str]]]:
    """Normalised words, anchor stems and per-sentence content-stem sets.

    Same tokens as :func:`dedup.text.tokens.tokenize` (same regex over each
    sentence span), without building ``Token`` objects.
    """
    words: list[str] = []
    anchors: set[str] = set()
    sents: list[set[str]] = []
    min_len = config.anchor_min_len
    info = _token_info
    findall = _TOKEN_RE.findall
    for s in split_sentences(text):
        content: set[str] = set()
        for n, tk in enumerate(findall(text, s.start, s.end)):
            norm, kind, key = info(tk, min_len)
            if not kind:
                continue
            words.append(norm)
            if kind == 1:
                continue
            content.add(key)
            if kind != 3 or (n > 0 and tk[0].isupper()):
                anchors.add(key)
        if len(content) >= config.sentence_min_terms:
            sents.append(content)
    return words, anchors, sents


@dataclass(frozen=True)
class DocSketches:
    """Sketches of a partition of documents (all numpy; picklable).

    Args:
        n_docs: Documents in the partition.
        shingle_sig: ``(n_docs, P)`` shingle-view signatures (``P = 0`` if the
            view is off).
        anchor_sig: ``(n_docs, P)`` anchor-view signatures.
        sent_doc: ``(m,)`` int64 document index (within the partition) of each
            sketched sentence.
        sent_sig: ``(m, P)`` per-sentence signatures.
        sent_count: ``(n_docs,)`` sketched sentences per document.
    """

    n_docs: int
    shingle_sig: np.ndarray
    anchor_sig: np.ndarray
    sent_doc: np.ndarray
    sent_sig: np.ndarray
    sent_count: np.ndarray


def sketch_documents(texts: Sequence[str], config: CandidateConfig | None = None) -> DocSketches:
    """Featurise and sketch documents (pure; safe to run per partition).

    Args:
        texts: Document texts.
        config: Candidate parameters.

    Returns:
        :class:`DocSketches` for ``texts`` (indexes local to ``texts``).
    """
    config = config or CandidateConfig()
    if isinstance(texts, str):
        raise ValueError("texts must be a sequence of strings, not a single string; wrap it: [text]")
    n = len(texts)
    hs = config.hash_seed
    sh_sets: list[np.ndarray] = []
    an_sets: list[np.ndarray] = []
    se_sets: list[np.ndarray] = []
    sent_count = np.zeros(n, dtype=np.int64)
    want_sh = "shingle" in config.views
    want_an = "anchor" in config.views
    want_se = "sentence" in config.views
    for d, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"texts[{d}] is {type(text).__name__}, expected str (decode bytes first)")
        words, anchors, sents = _doc_features(text, config)
        if want_sh:
            sh_sets.append(shingle_hashes(words, config.shingle_k, hs))
        if want_an:
            an_sets.append(hash_strings(sorted(anchors), hs))
        if want_se:
            sent_count[d] = len(sents)
            se_sets.extend(hash_strings(s, hs) for s in sents)
    def sig(sets, view: ViewConfig, on: bool, rows: int) -> np.ndarray:
        if not on:
            return np.empty((rows, 0), dtype=np.uint32)
        return signatures(sets, view.sketch())
    return DocSketches(
        n_docs=n,
        shingle_sig=sig(sh_sets, config.shingle, want_sh, n),
        anchor_sig=sig(an_sets, config.anchor, want_an, n),
        sent_doc=np.repeat(np.arange(n, dtype=np.int64), sent_count),
        sent_sig=sig(se_sets, config.sentence, want_se, 0),
        sent_count=sent_count,
    )


def concat_sketches(parts: Sequence[DocSketches]) -> DocSketches:
    """Join sketches of consecutive partitions into one (document indexes
    are renumbered in order).

    Args:
        parts: Sketches made with the same config.

    Returns:
        One :class:`DocSketches`.
    """
    if not parts:
        raise ValueError("concat_sketches needs at least one DocSketches")
    offsets = np.cumsum([0] + [p.n_docs for p in parts])
    return DocSketches(
        n_docs=int(offsets[-1]),
        shingle_sig=np.concatenate([p.shingle_sig for p in parts]),
        anchor_sig=np.concatenate([p.anchor_sig for p in parts]),
        sent_doc=np.concatenate([p.sent_doc + o for p, o in zip(parts, offsets)]),
        sent_sig=np.concatenate([p.sent_sig for p in parts]),
        sent_count=np.concatenate([p.sent_count for p in parts]),
    )


# ------------------------------------------------------------ candidates ---

def view_params(config: CandidateConfig | None = None) -> dict[str, tuple[int, int]]:
    """``{view: (bands, rows)}`` for the enabled views."""
    config = config or CandidateConfig()
    return {v: getattr(config, v).params() for v in config.views}


def _sentence_view(sk: DocSketches, config: CandidateConfig) -> tuple[np.ndarray, np.ndarray]:
    """Doc pair codes fired by the sentence view and their match fractions."""
    n = sk.n_docs
    bands, rows = config.sentence.params()
    if len(sk.sent_sig) < 2:
        return np.empty(0, np.int64), np.empty(0)
    keys = band_keys(sk.sent_sig, bands, rows)
    sid = np.arange(len(sk.sent_sig), dtype=np.int64)
    m = len(sid)
    codes = []
    for b in range(bands):
        left, right = bucket_pairs(keys[:, b], sid, config.max_bucket, "drop")
        if len(left):
            da, db = sk.sent_doc[left], sk.sent_doc[right]
            keep = da != db
            lo = np.where(da < db, left, right)[keep]
            hi = np.where(da < db, right, left)[keep]
            codes.append(lo * m + hi)
    if not codes:
        return np.empty(0, np.int64), np.empty(0)
    sp = _sorted_unique(np.concatenate(codes))
    sa, sb = sp // m, sp % m
    ok = pairwise_jaccard_estimate(sk.sent_sig, sa, sb, chunk=1 << 14) >= config.sentence.verify_floor
    sa, sb = sa[ok], sb[ok]
    if not len(sa):
        return np.empty(0, np.int64), np.empty(0)
    pair = sk.sent_doc[sa] * n + sk.sent_doc[sb]
    # distinct sentences of each side per document pair
    ua = np.unique(np.stack([pair, sa], axis=1), axis=0)[:, 0]
    ub = np.unique(np.stack([pair, sb], axis=1), axis=0)[:, 0]
    pa, ca = np.unique(ua, return_counts=True)
    pb, cb = np.unique(ub, return_counts=True)
    # pa == pb (every pair has >= 1 sentence on both sides)
    hits = np.minimum(ca, cb)
    keep = hits >= config.min_sentence_hits
    pa, hits = pa[keep], hits[keep]
    i, j = pa // n, pa % n
    shorter = np.minimum(sk.sent_count[i], sk.sent_count[j]).astype(np.float64)
    return pa, np.minimum(1.0, hits / np.maximum(shorter, 1.0))


def candidates_from_sketches(sk: DocSketches, config: CandidateConfig | None = None) -> list[Candidate]:
    """Band, pair and verify documents from their sketches.

    Args:
        sk: Sketches of all documents (see :func:`concat_sketches`).
        config: The config the sketches were made with.

    Returns:
        Candidates sorted by ``(i, j)``.
    """
    config = config or CandidateConfig()
    n = sk.n_docs
    fired_codes: list[np.ndarray] = []
    fired_bits: list[np.ndarray] = []
    fired_score: list[np.ndarray] = []
    for bit, view in enumerate(VIEWS):
        if view not in config.views:
            continue
        if view == "sentence":
            codes, score = _sentence_view(sk, config)
        else:
            vc: ViewConfig = getattr(config, view)
            sigs = sk.shingle_sig if view == "shingle" else sk.anchor_sig
            bands, rows = vc.params()
            codes = _doc_view_pairs(sigs, bands, rows, config.max_bucket)
            score = pairwise_jaccard_estimate(sigs, codes // n, codes % n, chunk=1 << 14)
            keep = score >= vc.verify_floor
            codes, score = codes[keep], score[keep]
        fired_codes.append(codes)
        fired_bits.append(np.full(len(codes), 1 << bit, dtype=np.int64))
        fired_score.append(score)
    codes = np.concatenate(fired_codes)
    if not len(codes):
        return []
    bits = np.concatenate(fired_bits)
    score = np.concatenate(fired_score)
    order = np.argsort(codes, kind="stable")
    codes, bits, score = codes[order], bits[order], score[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ucodes = codes[starts]
    ubits = np.bitwise_or.reduceat(bits, starts)
    uscore = np.maximum.reduceat(score, starts)
    names = {b: tuple(v for k, v in enumerate(VIEWS) if b >> k & 1) for b in np.unique(ubits).tolist()}
    return [
        Candidate(int(c // n), int(c % n), names[int(b)], round(float(s), 4))
        for c, b, s in zip(ucodes.tolist(), ubits.tolist(), uscore.tolist())
    ]


def find_candidates(texts: Sequence[str], config: CandidateConfig | None = None) -> list[Candidate]:
    """Pairs of documents that may be copies, rewrites or spins of each other.

    Args:
        texts: Document texts; candidates index this sequence.
        config: Parameters (default :class:`CandidateConfig()`).

    Returns:
        :class:`Candidate` list sorted by ``(i, j)``, ``i < j``, each with the
        views that found it and a similarity score.
    """
    config = config or CandidateConfig()
    return candidates_from_sketches(sketch_documents(texts, config), config)
