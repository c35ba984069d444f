"""Candidate pairs: multi-view MinHash LSH with cheap verification.

Views of every document (default: ``shingle`` and ``passage``; see
``CandidateConfig.views``):

``shingle``
    Word 5-shingles over normalised tokens, MinHash signatures (see
    :mod:`dedup.sketch`) banded with LSH. Finds copies and light edits.
``anchor`` (off by default: it only corroborates pairs other views verified)
    The words a rewriter rarely changes (DSpin's "immutables"): capitalised
    words that do not open a sentence (names), numbers (thousands separators
    removed), and long content words (``anchor_min_len`` letters or more) —
    all stemmed, as a *set*. Synonym swaps of short common words and sentence
    reordering leave it largely intact.
``passage`` (containment; on by default)
    Fingerprints of unordered pairs of content stems (and numbers) at most
    ``passage_window`` content words apart, a fixed 1/``passage_sample`` sample
    of them (chosen by a hash of the pair, so the same pairs are sampled in
    every document). Robust to word replacement, local shuffling and rewording
    that keeps some content words close together. Fingerprints in more than
    ``passage_max_df`` documents are dropped (corpus-wide); pairs of documents
    are counted from the inverted lists. *Chain* fingerprints (two sampled
    pairs of the same word distance following each other closely, in order)
    tell coherent reuse — many shared fingerprints in one place, in the same
    order — from scattered topical vocabulary, which otherwise dominates the
    false pairs. Verification: evidence (shared fingerprints weighted by
    ``1 / (df - 1)``) or many shared chains, then coherence, strength or
    containment, then rank among each document's partners (see
    ``_passage_view``). Finds rewrites and partial reuse in much longer
    documents.
``sentence`` (off by default; the passage view subsumes it)
    One small MinHash per sentence over its set of content stems. Two
    documents collide when sentences of one nearly equal sentences of the
    other, so a short document reusing a few sentences of a much longer one
    is found (containment) even though whole-document Jaccard is tiny.

Pipeline: :func:`sketch_documents` (pure, per partition of documents; run it in
worker processes and join the parts with :func:`concat_sketches`) then
:func:`candidates_from_sketches` (banding by sorting band hashes, pair
generation, verification). :func:`find_candidates` does both. For large
corpora the passage keys of the partitions are not joined: :func:`merge_runs`
builds the corpus-wide inverted lists one fingerprint range at a time (from
memory or from files), and the pair counting (:class:`PassagePairStage`)
runs in independent parts, e.g. in worker processes
(:func:`dedup.scan.find_candidates_parallel` does all of this).

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
* anchor: estimated Jaccard >= ``anchor.verify_floor``, and (unless
  ``anchor_alone``) some other view verified the pair too;
* sentence: at least ``min_sentence_hits`` distinct sentences on each side
  take part in sentence collisions whose estimated sentence Jaccard is >=
  ``sentence.verify_floor``.

Anchor document-frequency cap: anchors in more than ``anchor_cap(n)``
documents are dropped before the anchor signatures are made (a merge step
across partitions: :func:`sketch_documents` returns anchor keys,
:func:`anchor_signatures` caps and signs them).

Featurisation (:mod:`dedup.featurise`): fully vectorised, no per-token Python
work. Each sub-batch of documents (about ``_FEAT_BATCH_CHARS`` characters) is
encoded to UTF-8 once and processed as one byte array: lookup tables classify
and lower-case bytes, token boundaries come from the steps of the word mask,
word hashes from uint64 polynomial prefix sums, stems from suffix rules plus
prefix truncation (``stem_prefix`` bytes), stopwords from a direct-mapped hash
table. Shingles, anchors, sentence ids and passage fingerprints are numpy over
the token arrays of the whole batch.

Scale note (before the cap): the anchor view bands at a low threshold (default 75 bands x 2
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

import math
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Sequence

import numpy as np

from dedup.sketch import (
    SketchConfig,
    combine_shingles_flat,
    empty_rows,
    pairwise_jaccard_estimate,
    permutations,
    signatures_flat,
)
from dedup.featurise import CONTENT, LONG, NUMBER, WORD, Tokens, tokenise
from dedup.fast import EVIDENCE_EPS, have_numba as _have_numba, kernels as _kernels

__all__ = [
    "KERNEL_MIN_DOCS",
    "kernels_for",
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
    "anchor_cap",
    "capped_anchors",
    "anchor_signatures",
    "candidates_from_sketches",
    "find_candidates",
    "PassagePairStage",
    "partner_budget",
    "Runs",
    "merge_runs",
    "fingerprints_by_doc",
]

#: Names of the views, in the order they are reported.
VIEWS = ("shingle", "anchor", "sentence", "passage")

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
        views: Which views to run (subset of ``VIEWS``). Default: shingle
            and passage. The anchor view is off by default: it only
            corroborates pairs other views verified (see ``anchor_alone``),
            so it adds labels and time but no candidates.
        shingle: LSH of the shingle view (Jaccard of word k-shingles).
        anchor: LSH of the anchor view (Jaccard of anchor stems).
        sentence: LSH of each sentence's content-stem set; ``verify_floor`` is
            the minimum estimated Jaccard of a matched sentence pair.
        shingle_k: Words per shingle.
        anchor_min_len: Content words at least this long are anchors.
        anchor_alone: Keep pairs found by the anchor view alone (with an
            estimated anchor Jaccard of at least ``anchor_alone_floor``). Off
            by default: on the planted corpora every such pair was false
            (documents sharing numbers and names but no passage); the anchor
            view then only corroborates pairs other views verified.
        sentence_min_terms: Sentences with fewer distinct content stems are not
            sketched (too generic to be evidence).
        min_sentence_hits: Matched sentences needed (on each side) for the
            sentence view to fire.
        max_bucket: Buckets with more members are treated as boilerplate (see
            module docs).
        hash_seed: Seed of the feature hashes (see :mod:`dedup.featurise`).
        stem_prefix: Stems are cut to this many bytes (prefix-truncation stemmer).
        passage_window, passage_sample, passage_max_df, passage_min_hits,
        passage_min_score, passage_min_exclusive, passage_min_chains,
        passage_strong_evidence, passage_gate_containment, passage_chain_alone, passage_top_k,
        passage_min_containment, passage_chain_gap, passage_chain_sample:
            The passage view (see :func:`_passage_view` and the module docs).
        passage_top_k_scaled: Long documents keep more partners: ``passage_top_k``
            times the square root of their length in passage units (see
            :func:`partner_budget`); news-length documents keep
            ``passage_top_k``. On PAN13 train this raised candidate recall of
            random obfuscation 0.963 -> 0.968 and translation 0.980 -> 0.985
            (9.6 -> 11.8 candidates per document); the planted 10K news corpus
            of ``benchmarks/scale.py`` is unchanged (2.06 per document).
        passage_unit: Containment is measured against at most this many
            fingerprints of the smaller document -- a passage-sized unit (500
            sampled fingerprints are about 600-700 words of running text).
            Reuse of one passage inside two long documents is otherwise
            diluted by everything else they hold: on PAN13 train this cap
            raised candidate recall of random obfuscation 0.925 -> 0.952,
            translation 0.960 -> 0.972 and summary 0.954 -> 0.983, while
            news-length documents (about 500 fingerprints) are barely
            affected (planted 10K corpus: 1.88 -> 1.97 candidates per
            document). A huge value gives plain containment.
    """

    views: tuple[str, ...] = ("shingle", "passage")
    shingle: ViewConfig = field(default_factory=lambda: ViewConfig(
        threshold=0.4, num_perm=128, verify_floor=0.25))
    anchor: ViewConfig = field(default_factory=lambda: ViewConfig(
        threshold=0.2, num_perm=256, fp_weight=0.1, fn_weight=0.9, verify_floor=0.22, seed=2))
    sentence: ViewConfig = field(default_factory=lambda: ViewConfig(
        threshold=0.5, num_perm=24, verify_floor=0.45, seed=3))
    shingle_k: int = 5
    anchor_min_len: int = 8
    anchor_max_df: int = 50
    anchor_alone: bool = False
    anchor_alone_floor: float = 0.33
    anchor_max_df_frac: float = 0.001
    sentence_min_terms: int = 5
    min_sentence_hits: int = 2
    passage_window: int = 8
    passage_sample: int = 3
    passage_max_df: int = 20
    passage_min_hits: int = 3
    passage_min_score: float = 1.5
    passage_min_containment: float = 0.02
    passage_top_k: int = 10
    passage_top_k_scaled: bool = True
    passage_min_exclusive: float = 0.0
    passage_chain_gap: int = 12
    passage_min_chains: int = 3
    passage_strong_evidence: float = 6.0
    passage_gate_containment: float = 0.04
    passage_chain_alone: int = 5
    passage_chain_sample: int = 4
    passage_unit: int = 500
    stem_prefix: int = 6
    max_bucket: int = 1000
    hash_seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.views, str):
            raise ValueError(f"CandidateConfig.views must be a tuple of view names, e.g. ('anchor',), "
                             f"not the string {self.views!r}")
        bad = [v for v in self.views if v not in VIEWS]
        if bad or not self.views:
            raise ValueError(f"CandidateConfig.views must be a non-empty subset of {VIEWS}, got {self.views!r}")
        for name in ("shingle_k", "anchor_min_len", "anchor_max_df", "sentence_min_terms", "min_sentence_hits",
                     "passage_window", "passage_sample", "passage_max_df", "passage_min_hits", "passage_top_k", "max_bucket",
                     "stem_prefix", "passage_chain_gap", "passage_chain_sample", "passage_chain_alone",
                     "passage_unit"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"CandidateConfig.{name} must be a positive int, got {v!r}")
        if not isinstance(self.passage_min_chains, int) or self.passage_min_chains < 0:
            raise ValueError(f"CandidateConfig.passage_min_chains must be an int >= 0, got {self.passage_min_chains!r}")
        if not 0.0 <= self.passage_gate_containment <= 1.0:
            raise ValueError(f"CandidateConfig.passage_gate_containment must be in [0, 1], "
                             f"got {self.passage_gate_containment!r}")
        if self.passage_strong_evidence < 0:
            raise ValueError(f"CandidateConfig.passage_strong_evidence must be >= 0, "
                             f"got {self.passage_strong_evidence!r}")
        if not 0.0 <= self.anchor_alone_floor <= 1.0:
            raise ValueError(f"CandidateConfig.anchor_alone_floor must be in [0, 1], got {self.anchor_alone_floor!r}")
        if not 0.0 <= self.anchor_max_df_frac <= 1.0:
            raise ValueError(f"CandidateConfig.anchor_max_df_frac must be in [0, 1], got {self.anchor_max_df_frac!r}")
        if not 0.0 <= self.passage_min_exclusive <= 1.0:
            raise ValueError(f"CandidateConfig.passage_min_exclusive must be in [0, 1], "
                             f"got {self.passage_min_exclusive!r}")
        if self.passage_min_score < 0:
            raise ValueError(f"CandidateConfig.passage_min_score must be >= 0, got {self.passage_min_score!r}")
        if self.passage_max_df < 2:
            raise ValueError(f"CandidateConfig.passage_max_df must be >= 2 (a fingerprint in one document "
                             f"pairs nothing), got {self.passage_max_df}")
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

# token kinds (see dedup.featurise)
_WORD, _NUMBER, _CONTENT, _LONG = WORD, NUMBER, CONTENT, LONG

#: Featurisation works on sub-batches of about this many characters (keeps the
#: per-byte work arrays cache- and memory-friendly).
_FEAT_BATCH_CHARS = 1 << 20


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (a bijection on uint64), element-wise."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _MIX2
        x ^= x >> _U64(27)
        x *= _MIX3
        x ^= x >> _U64(31)
    return x


def _group_unique(doc: np.ndarray, val: np.ndarray, val_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(doc, val)`` pairs, sorted by doc then value (``val < 2**val_bits``)."""
    key = (doc.astype(np.uint64) << _U64(val_bits)) | val.astype(np.uint64)
    key = np.sort(key)
    if len(key):
        key = key[np.r_[True, key[1:] != key[:-1]]]
    return (key >> _U64(val_bits)).astype(np.int64), key & _U64((1 << val_bits) - 1)


def _tokenise(texts: Sequence[str], config: "CandidateConfig", fast: bool | None = None) -> Tokens:
    """:func:`dedup.featurise.tokenise` over sub-batches of ``texts``, joined
    (one batch with the compiled tokeniser: its work arrays are per token,
    not per byte)."""
    if _have_numba() if fast is None else fast:
        return tokenise(texts, config.anchor_min_len, config.hash_seed, config.stem_prefix, fast=True)
    parts: list[Tokens] = []
    lo, size = 0, 0
    n = len(texts)
    for d in range(n + 1):
        if d == n or (size >= _FEAT_BATCH_CHARS and d > lo):
            if d > lo or not parts:
                parts.append(tokenise(texts[lo:d], config.anchor_min_len, config.hash_seed, config.stem_prefix,
                                      fast=fast))
            lo, size = d, 0
        if d < n:
            t = texts[d]
            size += len(t) if isinstance(t, str) else 0
    if len(parts) == 1:
        return parts[0]
    offs = np.cumsum([0] + [p.n_docs for p in parts])
    return Tokens(n, *(np.concatenate([getattr(p, f) for p in parts])
                       for f in ("kind", "h64", "key", "cap", "sent_start")),
                  np.concatenate([p.doc + o for p, o in zip(parts, offs)]))


@dataclass(frozen=True)
class DocSketches:
    """Sketches of a partition of documents (all numpy; compact to pickle).

    Args:
        n_docs: Documents in the partition.
        shingle_sig: ``(n_docs, P)`` shingle-view signatures (``P = 0`` if the
            view is off).
        anchor_keys: uint32 anchor keys, distinct per document, documents in
            order (the anchor signatures are made after the corpus-wide
            document-frequency cap, see :func:`anchor_signatures`).
        anchor_count: ``(n_docs,)`` anchor keys per document.
        sent_doc: ``(m,)`` int64 document index (within the partition) of each
            sketched sentence.
        sent_sig: ``(m, P)`` per-sentence signatures.
        sent_count: ``(n_docs,)`` sketched sentences per document.
        pass_key: ``(f,)`` uint64 passage keys ``fingerprint << 24 | doc``
            (fingerprints ``< 2**40``), distinct and sorted ascending, so
            the documents holding one fingerprint are adjacent (the inverted
            lists of :func:`_passage_pairs` need no further sort; sorted key
            arrays of consecutive partitions merge in linear time, see
            :func:`concat_sketches`).
        pass_count: ``(n_docs,)`` passage fingerprints per document.
        reg_key: ``(r,)`` uint64 chain keys, same layout as ``pass_key``.
            Chain fingerprints hash two sampled passage fingerprints of the
            same word distance that follow each other (or the next but one)
            within ``passage_chain_gap`` content words, in order; a
            ``1/passage_chain_sample`` hash sample. Shared chains show that
            the passage fingerprints two documents share are local and in the
            same order (coherent reuse), not scattered topical vocabulary.
    """

    n_docs: int
    shingle_sig: np.ndarray
    anchor_keys: np.ndarray
    anchor_count: np.ndarray
    sent_doc: np.ndarray
    sent_sig: np.ndarray
    sent_count: np.ndarray
    pass_key: np.ndarray
    pass_count: np.ndarray
    reg_key: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))

    @cached_property
    def _passage_by_doc(self) -> tuple[np.ndarray, np.ndarray]:
        return _by_doc(self.pass_key)

    @property
    def pass_doc(self) -> np.ndarray:
        """int64 document of each passage fingerprint, documents in order (see
        :attr:`pass_feat`; computed once per object)."""
        return self._passage_by_doc[0]

    @property
    def pass_feat(self) -> np.ndarray:
        """uint64 passage fingerprints grouped by document (documents in
        order, ascending inside a document; ``pass_count`` per document;
        computed once per object)."""
        return self._passage_by_doc[1]


def fingerprints_by_doc(key: np.ndarray, n: int) -> list[np.ndarray]:
    """Passage or chain fingerprints of each document.

    Args:
        key: Sorted ``fingerprint << 24 | doc`` keys
            (:attr:`DocSketches.pass_key` or :attr:`DocSketches.reg_key`).
        n: Documents.

    Returns:
        ``n`` uint64 arrays, each document's fingerprints ascending.
    """
    doc, feat = _by_doc(np.asarray(key, dtype=np.uint64))
    bounds = np.searchsorted(doc, np.arange(n + 1))
    return [feat[bounds[d]:bounds[d + 1]] for d in range(n)]


def _by_doc(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(doc, feat)`` of sorted fingerprint keys, sorted by document then
    fingerprint (a stable sort by document keeps the fingerprints ascending)."""
    doc = (key & _U64(_DOC_MASK)).astype(np.int64)
    small = doc.astype(np.uint16) if len(doc) and int(doc.max()) < 1 << 16 else doc
    o = np.argsort(small, kind="stable")  # radix sort for 16-bit ids
    return doc[o], key[o] >> _U64(_DOC_BITS)


def _sorted_distinct(key: np.ndarray) -> np.ndarray:
    """``key`` sorted in place, without repeats."""
    key.sort()
    if len(key) > 1:
        key = key[np.r_[True, key[1:] != key[:-1]]]
    return key


_FEAT_BITS = 40  # passage fingerprints keep 40 bits; doc ids use the other 24
_DOC_BITS = 64 - _FEAT_BITS
_DOC_MASK = (1 << _DOC_BITS) - 1


def _passage_keys_numpy(ck: np.ndarray, cd: np.ndarray, config: CandidateConfig, below: np.uint32,
                        chain_below: np.uint64, high: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct passage and chain keys of content-word keys ``ck`` of
    documents ``cd`` (the numpy reference of :func:`dedup.kernels.passage_keys`
    plus :func:`dedup.kernels.sort_distinct_by_high_bits`)."""
    cdu = cd.astype(np.uint64)
    fk: list[np.ndarray] = []  # passage keys
    xk: list[np.ndarray] = []  # chain keys
    with np.errstate(over="ignore"):
        for dist in range(1, config.passage_window + 1):
            if len(ck) <= dist:
                break
            a, b = ck[:-dist], ck[dist:]
            ab = a + b
            sel = ab * np.uint32(0x9E3779B1) < below
            sel &= cd[:-dist] == cd[dist:]
            sel &= a != b
            i = np.flatnonzero(sel)
            a, b = a[i].astype(np.uint64), b[i].astype(np.uint64)
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            fp = _mix64((lo << _U64(32)) | hi)
            di = cdu[i]
            fk.append((fp & high) | di)
            # chains: consecutive (and next-but-one) sampled pairs of this
            # distance, close together in the same document, in order
            for step in (1, 2):
                if len(i) <= step:
                    break
                ok = (di[:-step] == di[step:]) & (i[step:] - i[:-step] <= step * config.passage_chain_gap)
                ch = _mix64((fp[:-step] * _MIX1) ^ fp[step:] ^ _U64(step))
                ok &= ch < chain_below
                ok = np.flatnonzero(ok)
                xk.append((ch[ok] & high) | di[ok])
    empty = np.empty(0, np.uint64)
    return (_sorted_distinct(np.concatenate(fk)) if fk else empty,
            _sorted_distinct(np.concatenate(xk)) if xk else empty)


def sketch_documents(texts: Sequence[str], config: CandidateConfig | None = None, *,
                     fast: bool | None = None) -> DocSketches:
    """Featurise and sketch documents (pure; safe to run per partition).

    Featurisation is vectorised over sub-batches of documents
    (:func:`dedup.featurise.tokenise`); everything after that is numpy over
    the token arrays of the whole batch.

    Args:
        texts: Document texts (``str``, or their UTF-8 as bytes-like objects).
        config: Candidate parameters.
        fast: Use the compiled kernels of :mod:`dedup.kernels` where there
            are some; default: when numba is installed. The sketches are the
            same either way.

    Returns:
        :class:`DocSketches` for ``texts`` (indexes local to ``texts``).
    """
    config = config or CandidateConfig()
    if isinstance(texts, str):
        raise ValueError("texts must be a sequence of strings, not a single string; wrap it: [text]")
    n = len(texts)
    use_kernels = _have_numba() if fast is None else bool(fast)
    tk = _tokenise(texts, config, use_kernels)
    kind, doc = tk.kind, tk.doc
    views = config.views
    counts = lambda d: np.bincount(d, minlength=n).astype(np.int64, copy=False)  # noqa: E731
    # shingles over all words
    if "shingle" in views:
        if use_kernels:
            a, b = permutations(config.shingle.sketch())
            shingle_sig = _kernels().shingle_minhash(tk.h64, counts(doc), int(config.shingle_k), a, b)
        else:
            sh, sh_n = combine_shingles_flat(tk.h64, counts(doc), config.shingle_k)
            shingle_sig = signatures_flat(sh, sh_n, config.shingle.sketch())
    else:
        shingle_sig = np.empty((n, 0), dtype=np.uint32)
    # sentence ids: a new sentence at each document start and after a sentence end
    new_sent = tk.sent_start
    sid = np.cumsum(new_sent) - 1 if "sentence" in views else None
    # anchors: numbers, long content words, capitalised content words not opening a sentence
    if "anchor" in views:
        is_anchor = (kind == _NUMBER) | (kind == _LONG) | ((kind == _CONTENT) & tk.cap & ~new_sent)
        ap = np.flatnonzero(is_anchor)
        a_doc, a_key = _group_unique(doc[ap], tk.key[ap], 32)
        anchor_keys = a_key.astype(np.uint32)
        anchor_count = counts(a_doc)
    else:
        anchor_keys, anchor_count = np.empty(0, np.uint32), np.zeros(n, np.int64)
    # content words: numbers and content words (not stopwords)
    cpos = np.flatnonzero(kind >= _NUMBER) if ("sentence" in views or not use_kernels) else None
    # sentences: distinct content keys per sentence, enough of them
    if "sentence" in views:
        s_id, s_key = _group_unique(sid[cpos], tk.key[cpos], 32)
        per = np.bincount(s_id, minlength=int(sid[-1]) + 1 if len(sid) else 0)
        keep_s = per[s_id] >= config.sentence_min_terms
        s_id, s_key = s_id[keep_s], s_key[keep_s]
        kept_ids, s_len = np.unique(s_id, return_counts=True)
        sent_sig = signatures_flat(s_key.astype(np.uint32), s_len, config.sentence.sketch())
        sent_doc = doc[new_sent][kept_ids] if len(kept_ids) else np.empty(0, np.int64)
        sent_count = counts(sent_doc)
    else:
        sent_sig = np.empty((0, 0), dtype=np.uint32)
        sent_doc, sent_count = np.empty(0, np.int64), np.zeros(n, np.int64)
    # passages: unordered pairs of content keys at most ``passage_window`` apart, sampled
    if "passage" in views:
        if n > _DOC_MASK + 1:
            raise ValueError(f"sketch_documents handles at most {_DOC_MASK + 1} documents per call "
                             f"with the passage view, got {n}; sketch the corpus in partitions")
        # keys ``fingerprint << 24 | doc`` are built directly: the top 40 bits
        # of a 64-bit fingerprint with the document in the low 24
        high = _U64(((1 << 64) - 1) ^ _DOC_MASK)
        # sample: a cheap hash of the (commutative) key sum, so the same unordered
        # pairs are kept in every document; only sampled pairs are fingerprinted
        below = np.uint32((1 << 32) // config.passage_sample)
        chain_below = _U64(((1 << 64) - 1) // config.passage_chain_sample)
        if use_kernels:
            k = _kernels()
            ck, cd = k.content_words(tk.key, doc.astype(np.int64, copy=False), kind, _NUMBER)
            fk, xk = k.passage_keys(ck, cd, int(config.passage_window), below,
                                    chain_below, int(config.passage_chain_gap), high)
            del ck, cd
            pass_key = k.sort_distinct_by_high_bits(fk, _DOC_BITS)
            reg_key = k.sort_distinct_by_high_bits(xk, _DOC_BITS)
            del fk, xk
            pass_count = k.doc_counts(pass_key, _U64(_DOC_MASK), n)
        else:
            pass_key, reg_key = _passage_keys_numpy(tk.key[cpos], doc[cpos], config, below, chain_below, high)
            pass_count = counts((pass_key & _U64(_DOC_MASK)).view(np.int64))
    else:
        pass_key, pass_count = np.empty(0, np.uint64), np.zeros(n, np.int64)
        reg_key = np.empty(0, np.uint64)
    return DocSketches(n, shingle_sig, anchor_keys, anchor_count, sent_doc, sent_sig, sent_count,
                       pass_key, pass_count, reg_key)


def concat_sketches(parts: Sequence[DocSketches], keys: bool = True) -> DocSketches:
    """Join sketches of consecutive partitions into one (document indexes
    are renumbered in order).

    Args:
        parts: Sketches made with the same config.
        keys: Also merge the passage and chain keys; without them the result
            has empty key arrays (build the runs with :func:`merge_runs`,
            which needs less memory, and pass them to
            :func:`candidates_from_sketches`).

    Returns:
        One :class:`DocSketches`.
    """
    if not parts:
        raise ValueError("concat_sketches needs at least one DocSketches")
    offsets = np.cumsum([0] + [p.n_docs for p in parts])
    return DocSketches(
        n_docs=int(offsets[-1]),
        shingle_sig=np.concatenate([p.shingle_sig for p in parts]),
        anchor_keys=np.concatenate([p.anchor_keys for p in parts]),
        anchor_count=np.concatenate([p.anchor_count for p in parts]),
        sent_doc=np.concatenate([p.sent_doc + o for p, o in zip(parts, offsets)]),
        sent_sig=np.concatenate([p.sent_sig for p in parts]),
        sent_count=np.concatenate([p.sent_count for p in parts]),
        pass_key=_merge_keys([p.pass_key for p in parts], offsets) if keys else np.empty(0, np.uint64),
        pass_count=np.concatenate([p.pass_count for p in parts]),
        reg_key=_merge_keys([p.reg_key for p in parts], offsets) if keys else np.empty(0, np.uint64),
    )


def _merge_keys(keys: Sequence[np.ndarray], offsets: np.ndarray) -> np.ndarray:
    """Fingerprint keys of consecutive partitions, renumbered and merged into one sorted array.

    Each part is sorted; renumbering adds the part's document offset to the
    low bits (order kept), and a stable sort of the concatenation (timsort)
    merges the sorted runs in near-linear time.
    """
    if int(offsets[-1]) > _DOC_MASK + 1:
        raise ValueError(f"the passage view handles at most {_DOC_MASK + 1} documents per scan, "
                         f"got {int(offsets[-1])}; scan the corpus in parts")
    joined = np.concatenate([k + _U64(o) for k, o in zip(keys, offsets[:-1].tolist())])
    if len(keys) > 1:
        joined.sort(kind="stable")
    return joined


def anchor_cap(n_docs: int, config: CandidateConfig | None = None) -> int:
    """Largest document frequency an anchor may have in a corpus of ``n_docs``.

    Args:
        n_docs: Corpus size.
        config: Candidate parameters (``anchor_max_df``, ``anchor_max_df_frac``).

    Returns:
        ``max(anchor_max_df, ceil(anchor_max_df_frac * n_docs))``.
    """
    config = config or CandidateConfig()
    return max(config.anchor_max_df, int(np.ceil(config.anchor_max_df_frac * n_docs)))


def capped_anchors(sk: DocSketches, config: CandidateConfig | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Anchor keys with corpus-wide frequent ones removed.

    Args:
        sk: Sketches of the whole corpus.
        config: Candidate parameters.

    Returns:
        ``(keys, counts)``: the kept uint32 keys (documents in order) and
        the number kept per document.
    """
    config = config or CandidateConfig()
    keys = sk.anchor_keys
    if not len(keys):
        return keys, np.zeros(sk.n_docs, dtype=np.int64)
    uniq, inv, df = np.unique(keys, return_inverse=True, return_counts=True)
    keep = df[inv] <= anchor_cap(sk.n_docs, config)
    doc = np.repeat(np.arange(sk.n_docs), sk.anchor_count)
    return keys[keep], np.bincount(doc[keep], minlength=sk.n_docs).astype(np.int64)


def anchor_signatures(sk: DocSketches, config: CandidateConfig | None = None,
                      map_fn: Callable | None = None, chunk_docs: int = 20000) -> np.ndarray:
    """Anchor-view signatures after the document-frequency cap.

    Args:
        sk: Sketches of the whole corpus.
        config: Candidate parameters.
        map_fn: ``map``-like callable used to spread the work over chunks of
            documents (e.g. ``ProcessPoolExecutor.map``); default built-in
            ``map``. Each task gets ``(keys, counts, SketchConfig)`` arrays.
        chunk_docs: Documents per task.

    Returns:
        ``(n_docs, anchor.num_perm)`` uint32 signatures.
    """
    config = config or CandidateConfig()
    keys, cnt = capped_anchors(sk, config)
    ends = np.cumsum(cnt)
    starts = ends - cnt
    scfg = config.anchor.sketch()
    tasks = []
    for s in range(0, sk.n_docs, chunk_docs):
        e = min(sk.n_docs, s + chunk_docs)
        lo = int(starts[s]) if s < sk.n_docs else 0
        hi = int(ends[e - 1]) if e > s else lo
        tasks.append((keys[lo:hi], cnt[s:e], scfg))
    if not tasks:
        return np.empty((0, scfg.num_perm), dtype=np.uint32)
    parts = list((map_fn or map)(_signatures_task, tasks))
    return np.concatenate(parts)


def _signatures_task(args: tuple[np.ndarray, np.ndarray, SketchConfig]) -> np.ndarray:
    return signatures_flat(*args)


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


def _top_k_either(codes: np.ndarray, score: np.ndarray, n: int, k: int | np.ndarray) -> np.ndarray:
    """Mask of pairs among the ``k`` best-scored partners of either document
    (``k``: one number, or one per document)."""
    if not len(codes):
        return np.zeros(0, dtype=bool)
    d = np.concatenate([codes // n, codes % n])
    s = np.concatenate([score, score])
    p = np.concatenate([np.arange(len(codes))] * 2)
    o = np.lexsort((-s, d))
    d, p = d[o], p[o]
    st = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    rank = np.arange(len(d)) - np.repeat(st, np.diff(np.append(st, len(d))))
    keep = np.zeros(len(codes), dtype=bool)
    keep[p[rank < (k[d] if isinstance(k, np.ndarray) else k)]] = True
    return keep


def partner_budget(pass_count: np.ndarray, config: "CandidateConfig") -> np.ndarray:
    """Best-ranked partners each document keeps in the passage view:
    ``floor(passage_top_k * sqrt(u))`` for a document of ``u`` passage units
    (its shareable fingerprints over ``passage_unit``, at least 1), so
    ``passage_top_k`` for a news article; exactly ``passage_top_k`` for every
    document with ``passage_top_k_scaled`` off.

    A long document (a report, a compilation, a book chapter) can reuse
    passages of more sources than a news article, and every reused passage
    is measured against a passage-sized unit (see ``passage_unit``), so its
    budget grows with its length -- sublinearly, since the long documents'
    budget is what their extra candidates cost (a budget linear in the units
    gave 15.3 candidates per document on PAN13 train for the same recall).

    Args:
        pass_count: Shareable passage fingerprints per document.
        config: Candidate parameters.

    Returns:
        int64 budget per document.
    """
    count = np.asarray(pass_count, dtype=np.float64)
    if not config.passage_top_k_scaled:
        return np.full(len(count), config.passage_top_k, dtype=np.int64)
    units = np.maximum(1.0, count / config.passage_unit)
    return np.floor(config.passage_top_k * np.sqrt(units)).astype(np.int64)


#: Pair occurrences handled at once by one part of :func:`_passage_pairs` (memory bound).
_PAIR_BLOCK = 1 << 23

#: int32 words of pair records per part of the compiled pair counting (its memory bound, 256 MB).
_KERNEL_PART_WORDS = 1 << 26

#: Words of pair records per block of documents in the compiled pair counting (cache-sized).
_KERNEL_BLOCK_WORDS = 1 << 19


@dataclass(frozen=True)
class Runs:
    """Inverted lists of the fingerprints held by ``2 .. max_df`` documents.

    Attributes:
        members: int32 document ids, grouped by fingerprint (ascending inside
            a group); only the kept groups, back to back.
        sizes: Size of each kept group, in order (at most 63: uint8 from the
            compiled merge, int64 from the numpy one).
        common: ``(n,)`` int64 per document: its fingerprints held by more
            than ``max_df`` documents (too common to count either way;
            containment is estimated among the others).
    """

    members: np.ndarray
    sizes: np.ndarray
    common: np.ndarray

    @staticmethod
    def concat(parts: Sequence["Runs"], n: int) -> "Runs":
        common = np.zeros(n, np.int64)
        for r in parts:
            common += r.common
        if not parts:
            return Runs(np.empty(0, np.int32), np.empty(0, np.int64), common)
        return Runs(np.concatenate([r.members for r in parts]), np.concatenate([r.sizes for r in parts]), common)


def _runs(key: np.ndarray, n: int, max_df: int, fast: bool | None = None) -> Runs:
    """The :class:`Runs` of sorted distinct fingerprint keys ``feat << 24 | doc``
    (:attr:`DocSketches.pass_key`); ``max_df`` is at most 63. ``fast``: use
    :func:`dedup.kernels.runs_of_sorted` (default: when numba is installed)."""
    if n > _DOC_MASK + 1:
        raise ValueError(f"the passage view handles at most {_DOC_MASK + 1} documents per scan, "
                         f"got {n}; scan the corpus in parts or drop 'passage' from CandidateConfig.views")
    if len(key) < 2:
        return Runs.concat([], n)
    if _have_numba() if fast is None else fast:
        return Runs(*_kernels().runs_of_sorted(key, n, min(max_df, 63), _DOC_BITS))
    feat = key >> _U64(_DOC_BITS)
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(feat[1:], feat[:-1], out=new[1:])
    del feat
    starts = np.flatnonzero(new)
    del new
    sizes = np.diff(np.append(starts, len(key)))
    cap = min(max_df, 63)
    big = np.flatnonzero(sizes > cap)
    common = np.bincount(_members(key, starts[big], sizes[big]), minlength=n).astype(np.int64)
    ok = np.flatnonzero((sizes >= 2) & (sizes <= cap))
    return Runs(_members(key, starts[ok], sizes[ok]), sizes[ok], common)


def _members(key: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """int32 documents of the key groups ``[start, start + size)``, back to back."""
    pos = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))
    return (key[pos] & _U64(_DOC_MASK)).astype(np.int32)


#: Feature buckets :func:`merge_runs` works through one at a time (bounds the
#: memory of the merge to about 1/_RUN_BUCKETS of the keys).
_RUN_BUCKETS = 16


#: Keys merged at once by :func:`merge_runs` (more ranges when there are more keys).
_BUCKET_KEYS = 1 << 22


class SpilledKeys:
    """Sorted passage keys of one partition in a ``.npy`` file, read slice by
    slice with ``pread`` (no memory map: the pages read are not kept in the
    process, so merging many partitions does not grow its resident memory).

    Args:
        path: A file written by ``numpy.save`` of a 1-D uint64 array.
    """

    def __init__(self, path: str) -> None:
        fmt = np.lib.format
        with open(path, "rb") as f:
            version = fmt.read_magic(f)
            read_header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
            shape, fortran, dtype = read_header(f)
            self._offset = f.tell()
        if len(shape) != 1 or dtype != np.dtype(np.uint64) or fortran:
            raise ValueError(f"{path}: expected a 1-D uint64 key array, got shape {shape} dtype {dtype}")
        self.path, self._n, self._fd = path, int(shape[0]), None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._n

    def cuts(self, bounds: np.ndarray) -> np.ndarray:
        """Positions of ``bounds`` in the keys (``searchsorted``), then the length."""
        keys = np.load(self.path, mmap_mode="r")
        out = np.append(np.searchsorted(keys, bounds), self._n)
        del keys
        return out

    def read_into(self, lo: int, hi: int, out: np.ndarray, add: int, keep_open: bool = True) -> None:
        """``out[:] = keys[lo:hi] + add`` (thread-safe). ``keep_open``: keep
        the file open for later reads (until :meth:`close`)."""
        if keep_open:
            with self._lock:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDONLY)
                fd = self._fd
            raw = os.pread(fd, (hi - lo) * 8, self._offset + lo * 8)
        else:
            fd = os.open(self.path, os.O_RDONLY)
            try:
                raw = os.pread(fd, (hi - lo) * 8, self._offset + lo * 8)
            finally:
                os.close(fd)
        if len(raw) != (hi - lo) * 8:
            raise OSError(f"{self.path}: short read ({len(raw)} of {(hi - lo) * 8} bytes); the file was truncated")
        np.add(np.frombuffer(raw, dtype=np.uint64), np.uint64(add), out=out)

    def close(self) -> None:
        """Close the file if :meth:`read_into` left it open."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def merge_runs(parts: Sequence[np.ndarray], offsets: Sequence[int], n: int, max_df: int,
               buckets: int = _RUN_BUCKETS, *, fast: bool | None = None,
               map_fn: Callable | None = None) -> Runs:
    """:class:`Runs` of the fingerprint keys of consecutive partitions.

    Equal to ``_runs(concat_sketches(...).pass_key, ...)`` but never holds
    the merged key array: the fingerprint space is cut into ``buckets``
    ranges (keys are fingerprint-major, so each part's slice of a range is a
    contiguous, sorted piece), and each range is merged (stable sort of sorted
    runs) and reduced to its runs on its own.

    Args:
        parts: Sorted distinct keys of each partition (local document ids):
            arrays, :class:`SpilledKeys` (files, read slice by slice) or
            callables returning arrays; in order.
        offsets: First document of each partition.
        n: Documents in all partitions.
        max_df: Largest document frequency kept.
        buckets: Fingerprint ranges merged one at a time (at least; more
            when the keys number more than ``buckets`` x 4M).
        fast: Merge each range with the compiled kernel
            (:func:`dedup.kernels.runs_of_keys`); default: when numba is
            installed. The runs are the same.
        map_fn: ``map``-like function the ranges are handed to (e.g. a
            thread pool's ``map``: the kernel releases the GIL); default:
            the built-in ``map``.

    Returns:
        The corpus-wide :class:`Runs`.
    """
    if n > _DOC_MASK + 1:
        raise ValueError(f"the passage view handles at most {_DOC_MASK + 1} documents per scan, "
                         f"got {n}; scan the corpus in parts")
    # partitions on disk (SpilledKeys) are read slice by slice and keep their
    # file open for the whole merge while the open-file limit allows it;
    # callables are called when their keys are needed
    def part_keys(p: int) -> np.ndarray:
        k = parts[p]
        return k() if callable(k) else k

    def length(p: int) -> int:
        return len(parts[p]) if isinstance(parts[p], SpilledKeys) else len(part_keys(p))

    keep_open = sum(isinstance(k, SpilledKeys) for k in parts) <= _open_file_budget()
    # about _BUCKET_KEYS keys per range at most: the merge's work arrays stay
    # a few hundred MB whatever the corpus size
    total = sum(length(p) for p in range(len(parts)))
    buckets = max(int(buckets), -(-total // _BUCKET_KEYS))
    bounds = np.array([((b << _FEAT_BITS) // buckets) << _DOC_BITS for b in range(buckets)], dtype=np.uint64)
    # each part's slice of every range, found once
    cuts = [k.cuts(bounds) if isinstance(k, SpilledKeys) else np.append(np.searchsorted(part_keys(p), bounds),
                                                                        length(p))
            for p, k in enumerate(parts)]
    use_kernel = _have_numba() if fast is None else bool(fast)
    cap = min(max_df, 63)

    def bucket(b: int) -> Runs | None:
        size = sum(int(c[b + 1] - c[b]) for c in cuts)
        if not size:
            return None
        joined = np.empty(size, np.uint64)
        at = 0
        for p, o in enumerate(offsets):  # each part's piece, renumbered, in place
            lo, hi = int(cuts[p][b]), int(cuts[p][b + 1])
            if hi > lo:
                k = parts[p]
                if isinstance(k, SpilledKeys):
                    k.read_into(lo, hi, joined[at:at + hi - lo], o, keep_open)
                else:
                    np.add(part_keys(p)[lo:hi], _U64(o), out=joined[at:at + hi - lo])
                at += hi - lo
        if use_kernel:  # radix sort of the pieces (stable) and the runs in one pass
            return Runs(*_kernels().runs_of_keys(joined, n, cap, _DOC_BITS))
        if len(parts) > 1:
            joined.sort(kind="stable")
        return _runs(joined, n, max_df, fast=False)

    try:
        out = [r for r in (map_fn or map)(bucket, range(buckets)) if r is not None]
    finally:
        for k in parts:
            if isinstance(k, SpilledKeys):
                k.close()
    return Runs.concat(out, n)


def _open_file_budget() -> int:
    """How many spilled key files :func:`merge_runs` may keep open at
    once (a quarter of the process's open-file limit)."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return 64
    return 1 << 20 if soft == resource.RLIM_INFINITY else max(soft // 4, 16)


def _pair_occurrences(sizes: np.ndarray) -> int:
    """Pairs inside runs of these sizes (sum of ``size * (size - 1) / 2``)."""
    if not len(sizes):
        return 0
    c = np.bincount(sizes).astype(np.int64)
    k = np.arange(len(c), dtype=np.int64)
    return int((c * (k * (k - 1) // 2)).sum())


class _RunPairs:
    """Pair occurrences of :class:`Runs`, generated part by part.

    The pairs ``i < j`` of documents sharing a fingerprint are split by their
    first document ``i`` modulo ``parts``; :meth:`part` returns one part's
    occurrences packed as ``(i * n + j) << 6 | df`` (unsorted). Besides the
    runs, one byte per member (its part, or "none" for the last member of a
    run, which starts no pair) is kept.
    """

    def __init__(self, runs: Runs, n: int, parts: int, fast: bool) -> None:
        self.members, self.sizes, self.n, self.parts, self.fast = runs.members, runs.sizes, n, parts, fast

    @cached_property
    def starts(self) -> np.ndarray:
        """int64 first member of each run (the numpy path only: 8 bytes per run)."""
        return np.cumsum(self.sizes, dtype=np.int64) - self.sizes

    @cached_property
    def pid(self) -> np.ndarray:
        """Part of each member (the last member of a run, which starts no
        pair: "none"), made on first use."""
        dt = np.uint8 if self.parts < 255 else np.uint16
        none = np.iinfo(dt).max
        if self.fast:
            pid = np.empty(len(self.members), dt)
            _kernels().member_parts(self.members, self.sizes, self.parts, none, pid)
            return pid
        pid = (self.members % self.parts).astype(dt)
        if len(self.starts):
            pid[self.starts + self.sizes - 1] = none
        return pid

    def part(self, p: int) -> np.ndarray:
        idx = np.flatnonzero(self.pid == p)
        if not len(idx):
            return np.empty(0, np.int64)
        run = np.searchsorted(self.starts, idx, side="right") - 1
        end = self.starts[run] + self.sizes[run]
        dfv = self.sizes[run]
        del run
        members, n = self.members, self.n
        packed = []
        d = 1
        while len(idx):
            if d > 1:
                okd = np.flatnonzero(idx + d < end)
                if len(okd) < len(idx):
                    idx, end, dfv = idx[okd], end[okd], dfv[okd]
                if not len(idx):
                    break
            packed.append(((members[idx].astype(np.int64) * n + members[idx + d]) << 6) | dfv)
            d += 1
        return np.concatenate(packed) if packed else np.empty(0, np.int64)


class PassagePairStage:
    """The pair-counting step of the passage view, split into independent parts.

    Built once from the corpus-wide :class:`Runs` of the passage and chain
    fingerprints; :meth:`run` handles one part (the pairs whose first
    document is ``part`` modulo ``parts``) and may run in any process that
    holds the stage (a ``fork`` worker inherits it without copying). Results
    of all parts, concatenated and sorted by pair code, are the same for any
    number of parts.

    Args:
        pass_runs: Runs of the passage fingerprints.
        reg_runs: Runs of the chain fingerprints.
        pass_count: Passage fingerprints per document.
        config: Candidate parameters.
        verify: Keep only the pairs passing the evidence tests.
        min_parts: At least this many parts.
        fast: Count with the compiled kernel
            (:func:`dedup.kernels.passage_pair_part`); default: when numba
            is installed. The parts (and so the pairs) are the same.

    Attributes:
        parts: Number of parts.
        fast: Whether :meth:`run` uses the compiled kernel by default.
    """

    def __init__(self, pass_runs: Runs, reg_runs: Runs, pass_count: np.ndarray, config: CandidateConfig,
                 verify: bool, min_parts: int = 1, fast: bool | None = None) -> None:
        n = len(pass_count)
        if n * n >= 1 << 57:
            raise ValueError(f"the passage view handles at most {1 << 28} documents per scan, got {n}")
        self.n, self.config, self.verify = n, config, verify
        self.fast = _have_numba() if fast is None else bool(fast)
        #: fingerprints per document that could be shared (not too common)
        self.pass_count = np.maximum(pass_count - pass_runs.common, 0)
        #: the same, at most ``passage_unit``: the denominator of the
        #: containment the gates and the partner rank use
        self.unit_count = np.minimum(self.pass_count, config.passage_unit)
        total = _pair_occurrences(pass_runs.sizes) + _pair_occurrences(reg_runs.sizes)
        # the kernel keeps its part's occurrences as int32 records (dedup.kernels._part_streams)
        words = total + 2 * (len(pass_runs.members) + len(reg_runs.members))
        if self.fast:
            self.parts = max(int(min_parts), 1, -(-words // _KERNEL_PART_WORDS))
        else:
            self.parts = max(int(min_parts), 1, -(-total // _PAIR_BLOCK))
        # the kernel handles blocks of documents whose records (about
        # _KERNEL_BLOCK_WORDS) stay in cache
        blocks = max(1, words // self.parts // _KERNEL_BLOCK_WORDS)
        self.block_bits = max(4, int(math.ceil(math.log2(max(n / self.parts / blocks, 1)))))
        self.pruns = _RunPairs(pass_runs, n, self.parts, self.fast)
        self.cruns = _RunPairs(reg_runs, n, self.parts, self.fast)
        self._boff: tuple[np.ndarray, np.ndarray] | None = None
        self._boff_lock = threading.Lock()
        if self.fast:  # made now, not by concurrent runs
            self._block_offsets()

    def _block_offsets(self) -> tuple[np.ndarray, np.ndarray]:
        """The kernel's per-part block offsets of the passage and chain runs
        (:func:`dedup.kernels.block_offsets`), made once."""
        with self._boff_lock:
            if self._boff is None:
                self._boff = tuple(_kernels().block_offsets(r.members, r.pid, r.sizes, self.n, self.parts,
                                                 self.block_bits) for r in (self.pruns, self.cruns))
            return self._boff

    @classmethod
    def from_sketches(cls, sk: DocSketches, config: CandidateConfig, verify: bool,
                      min_parts: int = 1, fast: bool | None = None) -> "PassagePairStage":
        """The stage of merged sketches (:func:`concat_sketches`)."""
        return cls(_runs(sk.pass_key, sk.n_docs, config.passage_max_df, fast),
                   _runs(sk.reg_key, sk.n_docs, config.passage_max_df, fast),
                   sk.pass_count, config, verify, min_parts, fast)

    def run(self, part: int, fast: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(codes, hits, evidence, chains)`` of one part, codes sorted.

        Args:
            part: Part number, ``0 <= part < parts``.
            fast: Use the compiled kernel (:func:`dedup.kernels.passage_pair_part`);
                default: the stage's :attr:`fast`. Both give the same pairs.
        """
        if not 0 <= part < self.parts:
            raise ValueError(f"part must be in [0, {self.parts}), got {part}")
        if self.fast if fast is None else fast:
            return self._run_kernel(part)
        return self._run_numpy(part)

    def _run_kernel(self, part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        c = self.config
        p, r = self.pruns, self.cruns
        pb, rb = self._block_offsets()
        return _kernels().passage_pair_part(
            p.members, p.pid, p.sizes, pb, r.members, r.pid, r.sizes, rb, self.unit_count,
            self.n, self.parts, part, self.verify, c.passage_min_hits, float(c.passage_min_score),
            c.passage_chain_alone, float(c.passage_min_exclusive), c.passage_min_chains,
            float(c.passage_strong_evidence), float(c.passage_gate_containment), self.block_bits)

    def _run_numpy(self, part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        config = self.config
        weight = 1.0 / np.maximum(np.arange(64) - 1, 1)
        e = np.empty(0, np.int64)
        c = self.pruns.part(part)
        if not len(c):
            return e, e, np.empty(0), e
        c.sort()
        code = c >> 6
        st = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        hits = np.diff(np.append(st, len(c)))
        evidence = np.add.reduceat(np.take(weight, c & 63), st)
        code = code[st]
        del c
        chains = np.zeros(len(code), dtype=np.int64)
        rc = self.cruns.part(part) >> 6
        if len(rc):
            rc.sort()
            cst = np.flatnonzero(np.r_[True, rc[1:] != rc[:-1]])
            rn = np.diff(np.append(cst, len(rc)))
            rc = rc[cst]
            pos = np.searchsorted(code, rc)
            ok = pos < len(code)
            ok[ok] = code[pos[ok]] == rc[ok]
            chains[pos[ok]] = rn[ok]
        if self.verify:
            # enough (rarity-weighted) evidence, or many shared chains: reuse of a
            # passage whose fingerprints are each common (a story told in many
            # documents) still shares its ordered chains with its source
            # evidence sums are compared with a tolerance: the compiled kernel
            # adds the same weights in another order
            eps = EVIDENCE_EPS
            keep = ((hits >= config.passage_min_hits)
                    & ((evidence >= config.passage_min_score - eps) | (chains >= config.passage_chain_alone))
                    & (evidence >= config.passage_min_exclusive * hits - eps))
            weak = keep & (chains < config.passage_min_chains) & (evidence < config.passage_strong_evidence - eps)
            if weak.any():  # no coherent chain, little evidence: enough of the smaller document reused?
                w = np.flatnonzero(weak)
                keep[w] = _containment(code[w], hits[w], self.unit_count, self.n) >= config.passage_gate_containment
            code, hits, evidence, chains = code[keep], hits[keep], evidence[keep], chains[keep]
        return code, hits, evidence, chains


def _containment(code: np.ndarray, hits: np.ndarray, count: np.ndarray, n: int) -> np.ndarray:
    """Shared fingerprints over the smaller document's fingerprints (at most 1)."""
    smaller = np.minimum(count[code // n], count[code % n]).astype(np.float64)
    return np.minimum(1.0, hits / np.maximum(smaller, 1.0))


#: ``runner(stage) -> list of stage.run(part) results for part in range(stage.parts)``.
PartRunner = Callable[[PassagePairStage], list]


def _serial_runner(stage: PassagePairStage) -> list:
    return [stage.run(p) for p in range(stage.parts)]


def _passage_pairs(sk: DocSketches, config: CandidateConfig, verify: bool = False,
                   runner: PartRunner | None = None, min_parts: int = 1,
                   runs: tuple[Runs, Runs] | None = None, fast: bool | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Document pairs sharing passage fingerprints (of document frequency
    ``2 .. passage_max_df``): ``(codes, hits, evidence, chains)``, codes sorted.

    Pair occurrences are packed (:class:`_RunPairs`) and sorted (no
    argsort); ``evidence`` sums ``1 / (df - 1)`` over the shared fingerprints;
    ``chains`` counts the shared chain fingerprints of each pair. The pairs
    are processed in parts (by first document; :class:`PassagePairStage`) of
    at most about ``_PAIR_BLOCK`` occurrences, so memory stays bounded, and
    ``runner`` may spread the parts over processes; with ``verify`` only the
    pairs passing the evidence and chain tests of :func:`_passage_view` are
    kept from each part. ``runs``: the passage and chain :class:`Runs` if
    already made (:func:`merge_runs`); made from ``sk``'s keys otherwise.
    ``fast``: see :class:`PassagePairStage`.
    """
    return _stage_pairs(_make_stage(sk, config, verify, min_parts, runs, fast), runner)


def _make_stage(sk: DocSketches, config: CandidateConfig, verify: bool, min_parts: int,
                runs: tuple[Runs, Runs] | None, fast: bool | None = None) -> PassagePairStage:
    if runs is None:
        return PassagePairStage.from_sketches(sk, config, verify, min_parts, fast)
    return PassagePairStage(runs[0], runs[1], sk.pass_count, config, verify, min_parts, fast)


def _stage_pairs(stage: PassagePairStage, runner: PartRunner | None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All parts of ``stage`` run and joined, codes sorted (see :func:`_passage_pairs`)."""
    out = [r for r in (runner or _serial_runner)(stage) if len(r[0])]
    e = np.empty(0, np.int64)
    if not out:
        return e, e, np.empty(0), e
    code, hits, evidence, chains = (np.concatenate(x) for x in zip(*out))
    if len(out) > 1:
        o = np.argsort(code)
        code, hits, evidence, chains = code[o], hits[o], evidence[o], chains[o]
    return code, hits, evidence, chains


def _passage_view(sk: DocSketches, config: CandidateConfig, runner: PartRunner | None = None,
                  min_parts: int = 1, runs: tuple[Runs, Runs] | None = None,
                  fast: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Doc pair codes with enough shared passage fingerprints, and their scores.

    Fingerprints in more than ``passage_max_df`` documents are dropped; each
    shared fingerprint of document frequency ``df`` adds ``1 / (df - 1)`` to a
    pair's evidence (a fingerprint shared by two documents only counts 1).
    A pair is kept when it shares ``passage_min_hits`` fingerprints, its
    evidence is at least ``passage_min_score`` or it shares
    ``passage_chain_alone`` chains (and its evidence is at least
    ``passage_min_exclusive`` times its hits), it is coherent
    (``passage_min_chains`` shared chains), strong (``passage_strong_evidence``)
    or covers enough of the smaller document (estimated containment of
    ``passage_gate_containment``; reordered or reworded reuse breaks chains
    but keeps containment), and it
    is among the best-ranked partners of one of its documents
    (``passage_top_k`` of them for a news-length document, more for a long
    one: :func:`partner_budget`). Rank: containment times the mean rarity of the shared
    fingerprints (evidence / hits), doubled for chained (coherent) pairs --
    a document's best partners are those reusing much of it with rare
    fingerprints, not long documents sharing many topical ones. The unit
    containment must reach ``passage_min_containment``; the reported score
    is the plain containment.

    Containment: shared fingerprints over the smaller document's
    fingerprints, counting in both only fingerprints held by at most
    ``passage_max_df`` documents (the others can never be shared evidence,
    so they would only dilute the estimate of a document made of common
    material). The gate, the rank and the ``passage_min_containment`` test
    use the *unit* containment: the smaller document's count is capped at
    ``passage_unit``, so one reused passage inside two long documents is
    measured against a passage-sized unit, not diluted by the rest of them.
    """
    n = sk.n_docs
    stage = _make_stage(sk, config, True, min_parts, runs, fast)
    pc, hits, evidence, chains = _stage_pairs(stage, runner)
    unit = _containment(pc, hits, stage.unit_count, n)
    rank = unit * (evidence / np.maximum(hits, 1)) * np.where(chains > 0, 2.0, 1.0)
    keep = _top_k_either(pc, rank, n, partner_budget(stage.pass_count, config)) & (
        unit >= config.passage_min_containment)
    return pc[keep], _containment(pc[keep], hits[keep], stage.pass_count, n)


def candidates_from_sketches(sk: DocSketches, config: CandidateConfig | None = None,
                             anchor_sig: np.ndarray | None = None, runner: PartRunner | None = None,
                             min_parts: int = 1, passage_runs: tuple[Runs, Runs] | None = None,
                             fast: bool | None = None) -> list[Candidate]:
    """Band, pair and verify documents from their sketches.

    Args:
        sk: Sketches of all documents (see :func:`concat_sketches`).
        config: The config the sketches were made with.
        anchor_sig: Anchor-view signatures if already made (e.g. in worker
            processes with :func:`anchor_signatures`); computed here otherwise.
        runner: Runs the parts of the passage view's pair counting
            (:class:`PassagePairStage`), e.g. in worker processes; default:
            one after the other in this process. The result does not depend on it.
        min_parts: Split the passage pair counting into at least this many parts.
        passage_runs: The corpus-wide passage and chain :class:`Runs`
            (:func:`merge_runs`) when ``sk`` was joined without its keys
            (``concat_sketches(parts, keys=False)``).
        fast: Use the compiled kernels; default: when numba is installed
            (see :func:`kernels_for`). The candidates are the same.

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
        elif view == "passage":
            codes, score = _passage_view(sk, config, runner, min_parts, passage_runs, fast)
        else:
            vc: ViewConfig = getattr(config, view)
            if view == "shingle":
                sigs = sk.shingle_sig
            else:
                sigs = anchor_sig if anchor_sig is not None else anchor_signatures(sk, config)
            bands, rows = vc.params()
            codes = _doc_view_pairs(sigs, bands, rows, config.max_bucket)
            score = pairwise_jaccard_estimate(sigs, codes // n, codes % n, chunk=1 << 14)
            keep = score >= vc.verify_floor
            codes, score = codes[keep], score[keep]
            del sigs
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
    # the anchor view corroborates: a pair found by it alone is dropped unless
    # ``anchor_alone`` (then it needs ``anchor_alone_floor``)
    alone = (ubits == 1 << VIEWS.index("anchor")) & (
        (uscore < config.anchor_alone_floor) if config.anchor_alone else True)
    if alone.any():
        ucodes, ubits, uscore = ucodes[~alone], ubits[~alone], uscore[~alone]
    names = {b: tuple(v for k, v in enumerate(VIEWS) if b >> k & 1) for b in np.unique(ubits).tolist()}
    return [
        Candidate(int(c // n), int(c % n), names[int(b)], round(float(s), 4))
        for c, b, s in zip(ucodes.tolist(), ubits.tolist(), uscore.tolist())
    ]


#: Corpora with fewer documents run the numpy reference instead of the compiled
#: kernels: importing and starting numba (its registries, and the kernels from
#: the on-disk cache) costs about 0.3 s per process before any work, more
#: than the kernels save on a small corpus (they featurise about 2.5x
#: faster). Measured on the planted news corpus of ``benchmarks/scale.py``
#: with 2 workers, numpy against compiled: 1,500 documents 0.30 s against
#: 0.56 s; 2,500 0.48 s against 0.62 s; 4,000 0.98 s against 0.80 s; 10,000
#: 2.3 s against 1.2 s. ``dedup scan fixtures/seeds --stage candidates``
#: takes 0.4 s instead of 0.85 s. The candidates are the same either way.
KERNEL_MIN_DOCS = 3_000


def kernels_for(n_docs: int, min_docs: int = KERNEL_MIN_DOCS) -> bool | None:
    """The ``fast`` argument the candidate stage uses for a corpus of ``n_docs``.

    Args:
        n_docs: Documents in the corpus.
        min_docs: Smallest corpus worth starting the compiled kernels for.

    Returns:
        ``False`` (the numpy reference) below ``min_docs``, else ``None``
        (the compiled kernels when numba is installed). Checking this does
        not import numba.
    """
    return None if n_docs >= min_docs else False


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
    fast = kernels_for(len(texts))
    return candidates_from_sketches(sketch_documents(texts, config, fast=fast), config, fast=fast)
