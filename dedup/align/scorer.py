"""Sentence similarity scorers.

A scorer turns the sentences of a source and a suspect into similarity
matrices. Alignment only sees the :class:`SentenceScorer` interface, so a
semantic (embedding) scorer can be added later without touching it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import jellyfish
import numpy as np

from dedup.align.features import SentenceFeatures


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
    only_src = [t for t in source_terms - suspect_terms if t.isalpha()]
    only_sus = [t for t in suspect_terms - source_terms if t.isalpha()]
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
        ns, nt = len(source), len(suspect)
        src_terms = set().union(*(f.terms for f in source)) if source else set()
        sus_terms = set().union(*(f.terms for f in suspect)) if suspect else set()
        names = set().union(*(f.names for f in source), *(f.names for f in suspect)) if (source or suspect) else set()
        variant = _merge_variants(src_terms, sus_terms, names, self.prefix, self.name_similarity)

        def keys(terms: frozenset[str]) -> set[str]:
            return {variant.get(t, t) for t in terms}

        src_sets = [keys(f.terms) for f in source]
        sus_sets = [keys(f.terms) for f in suspect]
        src_free = [keys(f.free_terms) for f in source]
        sus_free = [keys(f.free_terms) for f in suspect]
        vocab: dict[str, int] = {}
        for s in (*src_sets, *sus_sets):
            for t in s:
                vocab.setdefault(t, len(vocab))
        v = len(vocab)
        a = np.zeros((ns, v), dtype=np.float32)
        b = np.zeros((nt, v), dtype=np.float32)
        af = np.zeros((ns, v), dtype=np.float32)
        bf = np.zeros((nt, v), dtype=np.float32)
        for i, s in enumerate(src_sets):
            a[i, [vocab[t] for t in s]] = 1.0
            af[i, [vocab[t] for t in src_free[i] if t in vocab]] = 1.0
        for j, s in enumerate(sus_sets):
            b[j, [vocab[t] for t in s]] = 1.0
            bf[j, [vocab[t] for t in sus_free[j] if t in vocab]] = 1.0
        w = self._weights(a, b, vocab, names, variant)
        m = (a * w) @ b.T
        mf = (af * w) @ bf.T
        ws, wt = a @ w, b @ w
        wsf, wtf = af @ w, bf @ w
        with np.errstate(divide="ignore", invalid="ignore"):
            dice = np.nan_to_num(2 * m / (ws[:, None] + wt[None, :]))
            contained = np.nan_to_num(m / wt[None, :])
            free = np.nan_to_num(2 * mf / (wsf[:, None] + wtf[None, :]))
        return ScoreMatrices(dice, contained, free, wt, wtf, ws)

    def _weights(self, a: np.ndarray, b: np.ndarray, vocab: dict[str, int], names: set[str],
                 variant: dict[str, str]) -> np.ndarray:
        ns, nt = a.shape[0], b.shape[0]
        dfa, dfb = a.sum(axis=0), b.sum(axis=0)
        # normalised so a term found in one sentence only weighs 1 whatever the text length
        idf_a = np.where(dfa > 0, np.log1p(ns / np.maximum(dfa, 1)) / np.log1p(max(ns, 1)), 0.0)
        idf_b = np.where(dfb > 0, np.log1p(nt / np.maximum(dfb, 1)) / np.log1p(max(nt, 1)), 0.0)
        present = (dfa > 0).astype(np.float32) + (dfb > 0).astype(np.float32)
        w = (idf_a + idf_b) / np.maximum(present, 1)
        prior = np.ones(len(vocab), dtype=np.float32)
        inv_names = names | {variant.get(t, t) for t in names}
        for t, k in vocab.items():
            if t in inv_names or t[:1].isdigit():
                prior[k] = self.name_boost
            elif len(t) <= 3:
                prior[k] = 0.6
        return (w * prior).astype(np.float32)

