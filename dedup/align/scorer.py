"""Sentence similarity scorers.

A scorer turns the sentences of a source and a suspect into similarity
matrices. Alignment only sees the :class:`SentenceScorer` interface, so a
semantic (embedding) scorer can be added later without touching it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import math
from collections import Counter
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter

import jellyfish
import numpy as np

try:  # scipy comes with datasketch; dense products are the fallback
    from scipy import sparse as _sparse
except ImportError:  # pragma: no cover
    _sparse = None

from dedup.align.features import SentenceFeatures

# incidence matrices up to this many cells are built dense: building scipy
# matrices (4 CSR constructions and 2 sparse products a scoring) costs more
# than the dense product for the sentences of a news article (24% less
# alignment time on the 1K planted corpus at 4,096 cells against 256); past
# it the dense product's n * v * m work loses (PAN13 book-length documents:
# same time at 4,096-8,192, 1.9x slower at 32,768)
_DENSE_CELLS = 4096


@dataclass(frozen=True)
class ScoreMatrices:
    """Pairwise scores, shape ``(n_source_sentences, n_suspect_sentences)``.

    Attributes:
        dice: Weighted Dice overlap of the content terms, in [0, 1].
        contained: Share of the suspect sentence's weight found in the source
            sentence, in [0, 1].
        free_dice: Weighted Dice of the terms outside quotation marks only.
        suspect_weight: Total term weight of each suspect sentence.
        free_suspect_weight: Weight of each suspect sentence's unquoted terms.
        source_weight: Total term weight of each source sentence.
    """

    dice: np.ndarray
    contained: np.ndarray
    free_dice: np.ndarray
    suspect_weight: np.ndarray
    free_suspect_weight: np.ndarray
    source_weight: np.ndarray


class SentenceScorer(Protocol):
    """Interface of a sentence scorer."""

    def score(self, source: Sequence[SentenceFeatures], suspect: Sequence[SentenceFeatures]) -> ScoreMatrices:
        """Score every (source sentence, suspect sentence) pair."""
        ...


def _merge_variants(source_terms: set[str], suspect_terms: set[str], names: set[str],
                    prefix: int, name_similarity: float) -> dict[str, str]:
    """Map spelling variants on the two sides to one key.

    Two terms are variants when both are at least ``prefix + 1`` letters long
    and share their first ``prefix`` letters ("negotiate"/"negotiation"), or
    when both are names with Jaro-Winkler similarity >= ``name_similarity``
    ("zelensky"/"zelenskyy").
    """
    mapping: dict[str, str] = {}
    # sorted: the result must not depend on set iteration order (hash seed)
    only_src = sorted(filter(str.isalpha, source_terms - suspect_terms))
    only_sus = sorted(filter(str.isalpha, suspect_terms - source_terms))
    if not only_src or not only_sus:
        return mapping
    by_prefix: dict[str, str] = {}
    for t in only_src:
        if len(t) > prefix:
            by_prefix.setdefault(t[:prefix], t)
    src_names = [t for t in only_src if t in names and len(t) >= 4]
    for t in only_sus:
        if len(t) > prefix and t[:prefix] in by_prefix:
            mapping[t] = by_prefix[t[:prefix]]
            continue
        if t in names and len(t) >= 4:
            best, best_sim = None, name_similarity
            for s in src_names:
                if s[0] != t[0]:
                    continue
                sim = jellyfish.jaro_winkler_similarity(s, t)
                if sim >= best_sim:
                    best, best_sim = s, sim
            if best is not None:
                mapping[t] = best
    return mapping


_FIRST = itemgetter(slice(0, 1))


class _Flat:
    """The terms of a sequence of term sets as one flat list (set iteration
    order) with the index of the set each comes from."""

    def __init__(self, sets: list[frozenset[str]]) -> None:
        self.n = len(sets)
        self.terms = list(chain.from_iterable(sets))
        self.rows = np.repeat(np.arange(self.n), np.fromiter(map(len, sets), dtype=np.int64, count=self.n))

    def sums(self, w: dict[str, float]) -> np.ndarray:
        """Total weight of every set (each set's weights added in order)."""
        vals = np.fromiter(map(w.__getitem__, self.terms), dtype=np.float64, count=len(self.terms))
        return np.bincount(self.rows, weights=vals, minlength=self.n).astype(np.float64)


@lru_cache(maxsize=4)
def _merged_variants(source_terms: frozenset[str], suspect_terms: frozenset[str], names: frozenset[str],
                     prefix: int, name_similarity: float) -> dict[str, str]:
    """:func:`_merge_variants` of the last few term sets (read-only result)."""
    return _merge_variants(set(source_terms), set(suspect_terms), set(names), prefix, name_similarity)


#: All terms and all name terms of a sequence of sentences.
_Vocabulary = tuple[frozenset[str], frozenset[str]]


def _vocabulary(sentences: Sequence[SentenceFeatures]) -> _Vocabulary:
    return (frozenset().union(*(f.terms for f in sentences)), frozenset().union(*(f.names for f in sentences)))


@dataclass(frozen=True)
class LexicalScorer:
    """Weighted overlap of stemmed content terms.

    Each term is weighted by its rarity within each text (an inverse sentence
    frequency normalised to 1 for a term of a single sentence, averaged over
    the texts it occurs in) times a prior favouring
    names and numbers, so the words every sentence of an article repeats count
    little and the rare words a rewriter keeps count much. Spelling variants
    are merged first (see :func:`_merge_variants`).

    Args:
        prefix: Shared prefix length that makes two long terms variants.
        name_similarity: Jaro-Winkler similarity that makes two names variants.
        name_boost: Weight multiplier of names and numbers.
    """

    prefix: int = 6
    name_similarity: float = 0.92
    name_boost: float = 1.5

    def score(self, source: Sequence[SentenceFeatures], suspect: Sequence[SentenceFeatures]) -> ScoreMatrices:
        return _matrices(self._parts(source, suspect))

    def variants(self, source: Sequence[SentenceFeatures], suspect: Sequence[SentenceFeatures],
                 vocab: tuple[_Vocabulary, _Vocabulary] | None = None) -> dict[str, str]:
        """The spelling-variant map of a scoring (suspect term -> source term;
        read-only; see :func:`_merge_variants`). ``vocab``: both sides'
        :func:`_vocabulary`, when already made."""
        (src_terms, src_names), (sus_terms, sus_names) = vocab or (_vocabulary(source), _vocabulary(suspect))
        # sentences, paragraphs and chunks of one pair hold the same terms: merged once
        return _merged_variants(src_terms, sus_terms, src_names | sus_names, self.prefix, self.name_similarity)

    def _parts(self, source: Sequence[SentenceFeatures], suspect: Sequence[SentenceFeatures],
               vocab: tuple[_Vocabulary, _Vocabulary] | None = None) -> "_Scoring":
        ns, nt = len(source), len(suspect)
        vocab = vocab or (_vocabulary(source), _vocabulary(suspect))
        variant = self.variants(source, suspect, vocab)
        names = vocab[0][1] | vocab[1][1]

        def keys(terms: frozenset[str]) -> frozenset[str]:
            if not variant or variant.keys().isdisjoint(terms):
                return terms
            return frozenset(variant.get(t, t) for t in terms)

        src_sets = [keys(f.terms) for f in source]
        sus_sets = [keys(f.terms) for f in suspect]
        src_free = [keys(f.free_terms) for f in source]
        sus_free = [keys(f.free_terms) for f in suspect]
        # every (sentence, term) incidence in one flat list per side: the
        # per-term work below runs in C (map, Counter, bincount)
        fs, ft = _Flat(src_sets), _Flat(sus_sets)
        fsf = fs if src_free == src_sets else _Flat(src_free)
        ftf = ft if sus_free == sus_sets else _Flat(sus_free)
        dfa: Counter[str] = Counter(fs.terms)
        dfb: Counter[str] = Counter(ft.terms)
        w = self._term_weights(dfa, dfb, ns, nt, names, variant)
        ws, wt = fs.sums(w), ft.sums(w)
        wsf = ws if fsf is fs else fsf.sums(w)
        wtf = wt if ftf is ft else ftf.sums(w)
        # only terms of both texts contribute to the overlaps: sparse products over them
        shared = {t: k for k, t in enumerate(t for t in dfa if t in dfb)}
        m, mf = self._overlaps(fs, ft, fsf, ftf, shared, w, ns, nt)
        return _Scoring(source, suspect, variant, m, mf, ws, wt, wsf, wtf)

    @staticmethod
    def _overlaps(fs: _Flat, ft: _Flat, fsf: _Flat, ftf: _Flat, shared: dict[str, int], w: dict[str, float],
                  ns: int, nt: int) -> tuple[np.ndarray, np.ndarray]:
        if not shared:
            z = np.zeros((ns, nt))
            return z, z.copy()
        v = len(shared)
        wv = np.zeros(v)
        for t, k in shared.items():
            wv[k] = w[t]

        def incidence(f: _Flat, n: int, weighted: bool) -> Any:
            # compressed rows built directly: sentence i holds the shared terms idx[ptr[i]:ptr[i + 1]]
            ids = np.fromiter(map(shared.get, f.terms, repeat(-1)), dtype=np.int64, count=len(f.terms))
            keep = ids >= 0
            idx = ids[keep].astype(np.int32)
            ptr = np.zeros(n + 1, dtype=np.int32)
            np.cumsum(np.bincount(f.rows[keep], minlength=n), out=ptr[1:])
            vals = wv[idx] if weighted else np.ones(len(idx))
            if _sparse is not None and n * v > _DENSE_CELLS:
                return _sparse.csr_matrix((vals, idx, ptr), shape=(n, v))
            x = np.zeros((n, v))
            x[f.rows[keep], idx] = vals
            return x

        def product(a: Any, b: Any) -> np.ndarray:
            r = a @ b.T
            return r.toarray() if hasattr(r, "toarray") else np.asarray(r)

        m = product(incidence(fs, ns, True), incidence(ft, nt, False))
        if fsf is fs and ftf is ft:  # no quotations
            return m, m
        mf = product(incidence(fsf, ns, True), incidence(ftf, nt, False))
        return m, mf

    def _term_weights(self, dfa: Counter[str], dfb: Counter[str], ns: int, nt: int, names: set[str],
                      variant: dict[str, str]) -> dict[str, float]:
        """Weight of every term: rarity within each text (normalised so a term
        of one sentence weighs 1 whatever the text length), averaged over the
        texts it occurs in, times the name/number or short-word prior."""
        la, lb = math.log1p(max(ns, 1)), math.log1p(max(nt, 1))
        inv_names = names | {variant.get(t, t) for t in names}
        every = dfa.keys() | dfb.keys()
        named = list(every & inv_names)
        rest = list(every - inv_names)
        terms = named + rest
        if not terms:
            return {}
        n = len(terms)
        a = np.fromiter(map(dfa.get, terms, repeat(0)), dtype=np.float64, count=n)
        b = np.fromiter(map(dfb.get, terms, repeat(0)), dtype=np.float64, count=n)
        with np.errstate(divide="ignore"):
            ra = np.where(a > 0, np.log1p(ns / a) / la, 0.0)
            rb = np.where(b > 0, np.log1p(nt / b) / lb, 0.0)
        present = (a > 0).astype(np.float64) + (b > 0)
        # names and numbers (digits first) get the boost, other short words 0.6
        first_digit = np.fromiter(map(str.isdigit, map(_FIRST, rest)), dtype=bool, count=len(rest))
        short = np.fromiter(map(len, rest), dtype=np.int64, count=len(rest)) <= 3
        prior = np.concatenate([np.full(len(named), self.name_boost),
                                np.where(first_digit, self.name_boost, np.where(short, 0.6, 1.0))])
        return dict(zip(terms, ((ra + rb) / present * prior).tolist()))


@dataclass(frozen=True)
class _Scoring:
    """The raw parts of a scoring: matched weight ``m`` (``mf``: unquoted
    terms only) of every sentence pair and each sentence's total weight."""

    source: Sequence[SentenceFeatures]
    suspect: Sequence[SentenceFeatures]
    variant: dict[str, str]
    m: np.ndarray
    mf: np.ndarray
    ws: np.ndarray
    wt: np.ndarray
    wsf: np.ndarray
    wtf: np.ndarray

    def reversed(self) -> "_Scoring":
        """The same scoring with source and suspect exchanged."""
        return _Scoring(self.suspect, self.source, self.variant, self.m.T, self.mf.T,
                        self.wt, self.ws, self.wtf, self.wsf)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with 0 where ``den`` is 0 (the numerator is 0 there too)."""
    den = np.broadcast_to(den, num.shape)
    return np.divide(num, den, out=np.zeros(num.shape), where=den > 0)


def _matrices(p: _Scoring) -> ScoreMatrices:
    dice = _ratio(2 * p.m, p.ws[:, None] + p.wt[None, :])
    contained = _ratio(p.m, p.wt[None, :])
    free = _ratio(2 * p.mf, p.wsf[:, None] + p.wtf[None, :])
    return ScoreMatrices(dice.astype(np.float32), contained.astype(np.float32), free.astype(np.float32),
                         p.wt.astype(np.float32), p.wtf.astype(np.float32), p.ws.astype(np.float32))


def _variant_classes(variant: dict[str, str]) -> frozenset[frozenset[str]]:
    """The groups of terms a variant map merges, whatever side names them."""
    groups: dict[str, set[str]] = {}
    for t, s in variant.items():
        groups.setdefault(s, {s}).add(t)
    return frozenset(frozenset(g) for g in groups.values())


class ReusingScorer:
    """:class:`LexicalScorer` for judging one pair of texts in both
    directions: a scoring of (suspect, source) whose reverse (source,
    suspect) it made before is that scoring transposed, not made again.

    The scores are symmetric in the two sides except for the containment's
    denominator, which the transposed parts give; the spelling-variant groups
    can depend on which side is the source (:func:`_merge_variants` maps the
    suspect's terms to the first source term of their prefix), so a scoring
    is only reused when both directions merge the same groups. The matched
    weights are then the same sums over the same terms (added in another
    order, so they can differ in the last bit of a float64; the matrices are
    float32). A fresh instance per pair: it keeps the last ``size`` scorings.

    Args:
        base: The scorer (default :class:`LexicalScorer`).
        size: Scorings remembered.
    """

    def __init__(self, base: LexicalScorer | None = None, size: int = 8) -> None:
        self.base = base or LexicalScorer()
        self._memory: list[_Scoring] = []
        self._size = size
        # each sequence's vocabulary, made once (the sequence is kept with it,
        # so its id cannot be reused while it is here)
        self._vocabularies: dict[int, tuple[Sequence[SentenceFeatures], _Vocabulary]] = {}

    def _vocabulary(self, seq: Sequence[SentenceFeatures]) -> _Vocabulary:
        kept = self._vocabularies.get(id(seq))
        if kept is None or kept[0] is not seq:
            kept = self._vocabularies[id(seq)] = (seq, _vocabulary(seq))
        return kept[1]

    def score(self, source: Sequence[SentenceFeatures], suspect: Sequence[SentenceFeatures]) -> ScoreMatrices:
        vocab = (self._vocabulary(source), self._vocabulary(suspect))
        for p in self._memory:
            if p.source is suspect and p.suspect is source:
                variant = self.base.variants(source, suspect, vocab)
                if variant == p.variant or _variant_classes(variant) == _variant_classes(p.variant):
                    return _matrices(p.reversed())
        p = self.base._parts(source, suspect, vocab)
        self._memory.append(p)
        del self._memory[:-self._size]
        return _matrices(p)
