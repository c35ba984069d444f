"""Matches: candidate verification (same rules as ``dedup scan``) and judging.

A stored document becomes a candidate of a new one when they share a posting
key (an LSH bucket of one band of one view). It is kept when a view that
collided also verifies, with the thresholds of
:mod:`dedup.candidates` (estimated Jaccard floors for the shingle and anchor
views; for the sentence view, at least ``min_sentence_hits`` distinct
sentences on each side in colliding sentence pairs whose estimated Jaccard
reaches the floor). Kept candidates are judged like ``dedup scan`` does,
with :func:`dedup.scan.judge_pair` (``compare()`` in both directions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedup.candidates import CandidateConfig
from dedup.compare import Comparison, Scores
from dedup.index.layout import DocKeys, StoredSketch, view_band_keys
from dedup.verdict import RELATED_VERDICTS


@dataclass(frozen=True)
class Match:
    """An earlier, indexed document related to the one checked or added.

    Attributes:
        doc_id: Id of the earlier (indexed) document.
        verdict: ``near-duplicate``, ``derivative``, ``spun`` or
            ``shared-quotes`` (``unrelated`` pairs are never returned).
        scores: The :class:`~dedup.compare.Scores` of the comparison behind
            ``verdict``: ``compare(source, suspect)`` where ``source`` and
            ``suspect`` are given below (as ``dedup scan`` judges pairs).
        source: Id of the document judged the source (usually ``doc_id``).
        suspect: Id of the document judged derived from the other.
        views: Candidate views that found and verified the pair.
        comparison: The full :class:`~dedup.compare.Comparison`.
    """

    doc_id: str
    verdict: str
    scores: Scores
    source: str = ""
    suspect: str = ""
    views: tuple[str, ...] = ()
    comparison: Comparison | None = field(default=None, repr=False, compare=False)

    @property
    def related(self) -> bool:
        """True for near-duplicate, derivative and spun (not shared-quotes)."""
        return self.verdict in RELATED_VERDICTS

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "verdict": self.verdict, "scores": self.scores.to_dict(),
                "source": self.source, "suspect": self.suspect, "views": list(self.views),
                "flags": len(self.comparison.flags) if self.comparison else 0}


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def sentence_hits(q: np.ndarray, c: np.ndarray, config: CandidateConfig) -> int:
    """Matched sentences (min over both sides) between two per-sentence signature sets."""
    if len(q) == 0 or len(c) == 0:
        return 0
    kq = view_band_keys(q, "sentence", config)
    kc = view_band_keys(c, "sentence", config)
    hit = (kq[:, None, :] == kc[None, :, :]).any(axis=2)
    qi, ci = np.nonzero(hit)
    if not len(qi):
        return 0
    sim = np.count_nonzero(q[qi] == c[ci], axis=1) / q.shape[1]
    ok = sim >= config.sentence.verify_floor
    return min(len(np.unique(qi[ok])), len(np.unique(ci[ok])))


_ORDER = ("shingle", "anchor", "sentence", "passage")


def verify(q: StoredSketch, c: StoredSketch, collided: dict[str, int], config: CandidateConfig) -> tuple[str, ...]:
    """Views among ``collided`` (view -> shared keys) that verify for the pair."""
    out = []
    for v in _ORDER:
        if v not in collided:
            continue
        if v == "sentence":
            ok = sentence_hits(q.sentences, c.sentences, config) >= config.min_sentence_hits
        elif v == "passage":
            ok = collided[v] >= getattr(config, "passage_min_hits", 3)
        else:
            ok = _jaccard(getattr(q, v), getattr(c, v)) >= getattr(config, v).verify_floor
        if ok:
            out.append(v)
    return tuple(out)


def collisions(keys: DocKeys, found_keys: np.ndarray, found_iids: np.ndarray,
               config: CandidateConfig, exclude: int | None = None) -> dict[int, dict[str, int]]:
    """Candidate internal ids, with the views they collided in and how many keys they share.

    Buckets (keys) holding more than ``max_bucket`` documents are treated as
    ``dedup scan`` treats oversize buckets: for the document views only the
    bucket's first (oldest) member is kept; sentence keys are dropped.
    Passage fingerprints held by ``passage_max_df`` documents or more
    (counting the one looked up) are dropped, like scan's document-frequency
    cap.
    """
    out: dict[int, dict[str, int]] = {}
    if not len(found_keys):
        return out
    view_of: dict[int, str] = {}
    for v in _ORDER:
        for k in getattr(keys, v).tolist():
            view_of.setdefault(k, v)
    max_df = getattr(config, "passage_max_df", 20)
    order = np.lexsort((found_iids, found_keys))
    fk, fi = found_keys[order], found_iids[order]
    starts = np.flatnonzero(np.r_[True, fk[1:] != fk[:-1]])
    ends = np.r_[starts[1:], len(fk)]
    for s, e in zip(starts.tolist(), ends.tolist()):
        v = view_of.get(int(fk[s]))
        if v is None:
            continue
        members = np.unique(fi[s:e])
        if exclude is not None:
            members = members[members != exclude]
        if v == "passage":
            if len(members) + 1 > max_df:
                continue
        elif len(members) + 1 > config.max_bucket:
            if v == "sentence":
                continue
            members = members[:1]
        for i in members.tolist():
            d = out.setdefault(i, {})
            d[v] = d.get(v, 0) + 1
    return out
