"""Matches: candidate verification (same rules as ``dedup scan``) and judging.

A stored document becomes a candidate of a new one when they share a posting
key (an LSH bucket of one band of one view). It is kept when a view that
collided also verifies, with the thresholds of
:mod:`dedup.candidates` (estimated Jaccard floors for the shingle and anchor
views; for the sentence view, at least ``min_sentence_hits`` distinct
sentences on each side in colliding sentence pairs whose estimated Jaccard
reaches the floor). Kept candidates are judged like ``dedup scan`` does,
with :func:`dedup.judge.judge_pair` (``compare()`` in both directions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedup.candidates import CandidateConfig
from dedup.compare import Comparison, Scores
from dedup.index.layout import StoredSketch, view_band_keys
from dedup.reuse import ReusedPair
from dedup.verdict import RELATED_VERDICTS


@dataclass(frozen=True)
class Match:
    """An earlier, indexed document related to the one checked or added.

    Attributes:
        doc_id: Id of the earlier (indexed) document.
        verdict: ``near-duplicate``, ``derivative``, ``spun`` or
            ``shared-quotes`` (``unrelated`` pairs are returned only when
            asked for copied passages, see ``reuse``).
        scores: The :class:`~dedup.compare.Scores` of the comparison behind
            ``verdict``: ``compare(source, suspect)`` where ``source`` and
            ``suspect`` are given below (as ``dedup scan`` judges pairs).
        source: Id of the document judged the source (usually ``doc_id``).
        suspect: Id of the document judged derived from the other.
        views: Candidate views that found and verified the pair.
        comparison: The full :class:`~dedup.compare.Comparison`.
        reuse: With ``reuse=True`` (:meth:`dedup.index.Index.check`): the
            passages copied between the two documents when the pair is not
            related (a :class:`~dedup.reuse.ReusedPair`, as in
            ``reuse.jsonl``); None otherwise.
    """

    doc_id: str
    verdict: str
    scores: Scores
    source: str = ""
    suspect: str = ""
    views: tuple[str, ...] = ()
    comparison: Comparison | None = field(default=None, repr=False, compare=False)
    reuse: ReusedPair | None = field(default=None, repr=False, compare=False)

    @property
    def related(self) -> bool:
        """True for near-duplicate, derivative and spun (not shared-quotes)."""
        return self.verdict in RELATED_VERDICTS

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-ready); ``reuse`` (the ``reuse.jsonl`` row)
        only when copied passages were asked for and found."""
        d = {"doc_id": self.doc_id, "verdict": self.verdict, "scores": self.scores.to_dict(),
             "source": self.source, "suspect": self.suspect, "views": list(self.views),
             "flags": len(self.comparison.flags) if self.comparison else 0}
        if self.reuse is not None:
            d["reuse"] = self.reuse.to_dict()
        return d


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


def verify(q: StoredSketch, c: StoredSketch, collided: dict[str, int], config: CandidateConfig,
           est: dict[str, dict[int, float]] | None = None, iid: int = -1,
           passage_ok: set[int] | None = None) -> tuple[str, ...]:
    """Views among ``collided`` (view -> shared keys) that verify for the pair.

    Args:
        q, c: Sketches of the looked-up and the stored document.
        collided: View -> posting keys shared (:func:`collisions`).
        config: Candidate parameters.
        est: Shingle/anchor Jaccard estimates computed for many candidates at
            once (view -> iid -> estimate).
        iid: Internal id of ``c``.
        passage_ok: Internal ids whose passage view verified
            (:func:`passage_verified`); ``None``: judged on containment alone.

    Returns:
        The verified views, in :data:`VIEWS` order. As in ``dedup scan``, a
        pair verified by the anchor view alone is dropped unless
        ``config.anchor_alone`` (then its estimated anchor Jaccard must reach
        ``anchor_alone_floor``).
    """
    out = []
    anchor_j = 0.0
    for v in _ORDER:
        if v not in collided:
            continue
        if v == "sentence":
            ok = sentence_hits(q.sentences, c.sentences, config) >= config.min_sentence_hits
        elif v == "passage":
            if passage_ok is not None:
                ok = iid in passage_ok
            else:
                ok = (collided[v] >= config.passage_min_hits
                      and _unit_containment(collided[v], q, c, config) >= config.passage_min_containment)
        else:
            j = est[v].get(iid) if est is not None and v in est else None
            if j is None:
                j = _jaccard(getattr(q, v), getattr(c, v))
            ok = j >= getattr(config, v).verify_floor
            if v == "anchor":
                anchor_j = j
        if ok:
            out.append(v)
    if out == ["anchor"] and not (config.anchor_alone and anchor_j >= config.anchor_alone_floor):
        return ()
    return tuple(out)


def _unit_containment(hits: int, q: StoredSketch, c: StoredSketch, config: CandidateConfig) -> float:
    """Shared passage fingerprints over the smaller document's, at most
    ``passage_unit`` of them (scan's unit containment)."""
    return min(1.0, hits / max(1, min(q.passage_count(), c.passage_count(), config.passage_unit)))


def passage_verified(q: StoredSketch, stored: dict[int, StoredSketch], hits: dict[int, int],
                     evidence: dict[int, float], config: CandidateConfig) -> set[int]:
    """Candidates whose passage view verifies, by the rules of ``dedup scan``
    (:func:`dedup.candidates._passage_view`, ``PassagePairStage.run``).

    A pair sharing ``hits`` passage fingerprints with ``evidence`` (both
    already past ``passage_min_hits``/``passage_min_score``/
    ``passage_min_exclusive``, see :func:`collisions`) verifies when it is
    coherent (at least ``passage_min_chains`` shared chain fingerprints),
    strong (``passage_strong_evidence``) or covers ``passage_gate_containment``
    of the smaller document (unit containment, as in a scan: shared over the
    smaller document's fingerprints, at most ``passage_unit`` of them); of
    those, the ``passage_top_k`` best ranked (containment x mean rarity
    ``evidence / hits``, doubled when a chain is shared; ties by internal id)
    are kept when their containment reaches
    ``passage_min_containment``.

    Differences from a scan: the index ranks from the new document's side
    only (scan keeps a pair in the top of either document), document
    frequencies are those at look-up time, and shared chain fingerprints
    are counted without scan's document-frequency cap.

    Args:
        q: Sketch of the looked-up document (with its chain fingerprints).
        stored: Internal id -> stored sketch of each candidate.
        hits, evidence: Internal id -> shared passage fingerprints and their evidence.
        config: Candidate parameters.

    Returns:
        The internal ids that verify.
    """
    rows = []
    for iid, h in hits.items():
        c = stored.get(iid)
        if c is None:
            continue
        ev = evidence[iid]
        chains = len(np.intersect1d(q.chains, c.chains, assume_unique=True)) if len(q.chains) else 0
        cont = _unit_containment(h, q, c, config)
        if not (chains >= config.passage_min_chains or ev >= config.passage_strong_evidence
                or cont >= config.passage_gate_containment):
            continue
        rank = cont * (ev / max(h, 1)) * (2.0 if chains > 0 else 1.0)
        rows.append((-rank, iid, cont))
    rows.sort()
    return {iid for _, iid, cont in rows[:config.passage_top_k] if cont >= config.passage_min_containment}


def collisions(entry: Any, post: Any, config: CandidateConfig,
               exclude: int | None = None) -> tuple[dict[int, dict[str, int]], dict[int, float]]:
    """Candidate internal ids, with the views they collided in and how many keys they share.

    Args:
        entry: The looked-up document (``.all_keys``: its sorted distinct
            posting keys, ``.views``: the view of each).
        post: Its postings (``.keys``, ``.iids``, ``.stop``).
        config: Candidate parameters.
        exclude: Internal id never returned (the document itself).

    Keys over their cap (:func:`~dedup.index.layout.key_cap`; stop keys, or
    keys whose members plus the looked-up document exceed the cap) count
    as ``dedup scan`` counts oversize buckets and too frequent fingerprints:
    for the shingle and anchor views only the key's first (oldest) member
    is kept; sentence and passage keys are dropped. Passage candidates must
    share ``passage_min_hits`` fingerprints with an evidence (sum of
    ``1 / (df - 1)`` over the shared fingerprints, ``df`` counting the
    looked-up document) of at least ``passage_min_score`` (and
    ``passage_min_exclusive`` times the hits); the rest of the passage
    rules need the candidates' sketches (:func:`passage_verified`).

    Returns:
        ``(views, evidence)``: iid -> view -> shared keys, and iid -> passage
        evidence (for the passage candidates).
    """
    out: dict[int, dict[str, int]] = {}
    evid: dict[int, float] = {}
    fk, fi = np.asarray(post.keys, dtype=np.int64), np.asarray(post.iids, dtype=np.int64)
    fs = np.asarray(post.stop, dtype=bool) if post.stop is not None else np.zeros(len(fk), bool)
    if exclude is not None:
        m = fi != exclude
        fk, fi, fs = fk[m], fi[m], fs[m]
    if not len(fk):
        return out, evid
    uk, uv = entry.all_keys, entry.views
    if not len(uk):
        return out, evid
    at = np.minimum(np.searchsorted(uk, fk), len(uk) - 1)
    m = uk[at] == fk
    fk, fi, fs, view = fk[m], fi[m], fs[m], uv[at[m]]
    if not len(fk):
        return out, evid
    o = np.lexsort((fi, fk))
    fk, fi, fs, view = fk[o], fi[o], fs[o], view[o]
    keep = np.r_[True, (fk[1:] != fk[:-1]) | (fi[1:] != fi[:-1])]
    fk, fi, fs, view = fk[keep], fi[keep], fs[keep], view[keep]
    start = np.flatnonzero(np.r_[True, fk[1:] != fk[:-1]])
    size = np.diff(np.r_[start, len(fk)])
    gsize = np.repeat(size, size)
    gstop = np.repeat(np.logical_or.reduceat(fs, start), size)
    from dedup.index.layout import key_cap
    caps = np.array([key_cap(v, config) for v in _ORDER], dtype=np.int64)
    over = gstop | (gsize + 1 > caps[view])
    first = np.zeros(len(fk), dtype=bool)
    first[start] = True
    doc_view = view <= 1  # shingle, anchor: star (first member); sentence, passage: drop
    keep = ~over | (doc_view & first)
    fi, view, df = fi[keep], view[keep], gsize[keep] + 1
    if not len(fi):
        return out, evid
    # hits (and passage evidence) per (iid, view)
    code = fi * 4 + view
    uc, inv, hits = np.unique(code, return_inverse=True, return_counts=True)
    ev = np.bincount(inv, weights=1.0 / np.maximum(df - 1, 1), minlength=len(uc))
    ci, cv = uc // 4, uc % 4
    ok = np.ones(len(uc), dtype=bool)
    ps = cv == 3
    if ps.any():
        ok[ps] = ((hits[ps] >= config.passage_min_hits) & (ev[ps] >= config.passage_min_score)
                  & (ev[ps] >= config.passage_min_exclusive * hits[ps]))
    for i, v, h, e in zip(ci[ok].tolist(), cv[ok].tolist(), hits[ok].tolist(), ev[ok].tolist()):
        out.setdefault(i, {})[_ORDER[v]] = h
        if v == 3:
            evid[i] = e
    return out, evid
