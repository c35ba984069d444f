"""PAN text-alignment measures (Potthast et al. 2010, "An Evaluation Framework
for Plagiarism Detection", COLING).

A plagiarism *case* and a *detection* are both an :class:`Annotation`: a
character range ``[susp_start, susp_end)`` of the suspicious document and a
range ``[src_start, src_end)`` of the source document, read as a set of
characters (the union of both ranges, kept apart by side).

Definitions, as in the paper and the PAN evaluator (``pan09-plagiarism-
detection-performance-measures.py``):

- a detection *r detects* a case *s* when their ranges overlap on the
  suspicious side **and** on the source side (same document pair);
- ``s ⊓ r`` is ``s ∩ r`` when r detects s, else empty;
- recall    = 1/|S| · Σ_s |(∪_r s ⊓ r)| / |s|     (macro average over cases)
- precision = 1/|R| · Σ_r |(∪_s s ⊓ r)| / |r|     (macro average over detections)
- granularity = 1/|S_R| · Σ_{s ∈ S_R} |{r : r detects s}| where S_R is the set
  of detected cases;
- PlagDet = F1(precision, recall) / log2(1 + granularity).

Edge cases follow the PAN evaluator:

- no cases and no detections: recall = precision = 1;
- no cases but some detections, or cases but no detections: recall =
  precision = 0 (both, as the evaluator's ``macro_avg_prec`` returns 0 when
  either list is empty);
- granularity = 1 when there are no detections or no detected case;
- PlagDet = 0 when precision and recall are both 0.

Measures over a corpus pool all cases and all detections of all pairs (the
averages run over the corpus's cases and detections, not over pairs):
compute a :class:`PairCounts` per pair with :func:`score_pair` and add them
up (``sum(counts, PairCounts())``) before :meth:`PairCounts.scores`.

All character sets are handled as sorted interval lists, so the cost per pair
is O((|S|+|R|)² · log) in the number of annotations, independent of the text
length.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = ["Annotation", "PairCounts", "PanScores", "score_pair", "evaluate", "plagdet",
           "union_length"]


@dataclass(frozen=True)
class Annotation:
    """A case or detection: ``[susp_start, susp_end)`` of the suspicious text
    and ``[src_start, src_end)`` of the source text (end exclusive)."""

    susp_start: int
    susp_end: int
    src_start: int
    src_end: int

    @classmethod
    def from_offsets(cls, this_offset: int, this_length: int, source_offset: int,
                     source_length: int) -> "Annotation":
        """Build from PAN XML attributes (offset + length)."""
        return cls(this_offset, this_offset + this_length, source_offset, source_offset + source_length)

    @property
    def size(self) -> int:
        """|a|: characters on both sides."""
        return max(0, self.susp_end - self.susp_start) + max(0, self.src_end - self.src_start)

    def detects(self, other: "Annotation") -> bool:
        """Whether the two overlap on both sides (symmetric)."""
        return (self.susp_start < other.susp_end and other.susp_start < self.susp_end
                and self.src_start < other.src_end and other.src_start < self.src_end)


def union_length(intervals: Iterable[tuple[int, int]]) -> int:
    """Number of integers covered by the union of half-open intervals."""
    total = 0
    cur_s = cur_e = None
    for s, e in sorted(iv for iv in intervals if iv[1] > iv[0]):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        elif e > cur_e:
            cur_e = e
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def _covered(a: Annotation, others: Sequence[Annotation]) -> int:
    """|∪_o (a ⊓ o)| over the annotations ``others`` that overlap ``a``."""
    susp, src = [], []
    for o in others:
        if a.detects(o):
            susp.append((max(a.susp_start, o.susp_start), min(a.susp_end, o.susp_end)))
            src.append((max(a.src_start, o.src_start), min(a.src_end, o.src_end)))
    return union_length(susp) + union_length(src)


@dataclass(frozen=True)
class PanScores:
    """Corpus-level PAN measures."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "granularity": self.granularity,
                "plagdet": self.plagdet, "cases": self.cases, "detections": self.detections}


def plagdet(precision: float, recall: float, granularity: float) -> float:
    """F1 / log2(1 + granularity); 0 when precision and recall are both 0."""
    if (precision == 0 and recall == 0) or precision < 0 or recall < 0 or granularity < 1:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + granularity)


@dataclass(frozen=True)
class PairCounts:
    """Additive sufficient statistics of one pair (or, summed, of a corpus).

    Attributes:
        recall_sum: Σ over cases of the case's detected share.
        cases: Number of cases.
        precision_sum: Σ over detections of the detection's share inside cases.
        detections: Number of detections.
        detections_of_detected: Σ over detected cases of the number of
            detections detecting each.
        detected_cases: Number of cases detected by at least one detection.
    """

    recall_sum: float = 0.0
    cases: int = 0
    precision_sum: float = 0.0
    detections: int = 0
    detections_of_detected: int = 0
    detected_cases: int = 0

    def __add__(self, other: "PairCounts") -> "PairCounts":
        return PairCounts(self.recall_sum + other.recall_sum, self.cases + other.cases,
                          self.precision_sum + other.precision_sum, self.detections + other.detections,
                          self.detections_of_detected + other.detections_of_detected,
                          self.detected_cases + other.detected_cases)

    @property
    def recall(self) -> float:
        """Macro recall with the PAN empty-set conventions."""
        if self.cases == 0 and self.detections == 0:
            return 1.0
        if self.cases == 0 or self.detections == 0:
            return 0.0
        return self.recall_sum / self.cases

    @property
    def precision(self) -> float:
        """Macro precision with the PAN empty-set conventions."""
        if self.cases == 0 and self.detections == 0:
            return 1.0
        if self.cases == 0 or self.detections == 0:
            return 0.0
        return self.precision_sum / self.detections

    @property
    def granularity(self) -> float:
        """Mean detections per detected case (1 when nothing is detected)."""
        if self.detections == 0 or self.detected_cases == 0:
            return 1.0
        return self.detections_of_detected / self.detected_cases

    def scores(self) -> PanScores:
        """The PAN measures of the pooled cases and detections."""
        p, r, g = self.precision, self.recall, self.granularity
        return PanScores(p, r, g, plagdet(p, r, g), self.cases, self.detections)

    def to_dict(self) -> dict[str, float]:
        return {"recall_sum": self.recall_sum, "cases": self.cases, "precision_sum": self.precision_sum,
                "detections": self.detections, "detections_of_detected": self.detections_of_detected,
                "detected_cases": self.detected_cases}


def score_pair(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> PairCounts:
    """Sufficient statistics of one document pair.

    Args:
        cases: True plagiarism cases of the pair.
        detections: Detections reported for the pair.

    Returns:
        :class:`PairCounts`; add those of several pairs to pool a corpus.
    """
    rec = 0.0
    n_det_of_detected = 0
    n_detected = 0
    for s in cases:
        if s.size:
            rec += _covered(s, detections) / s.size
        k = sum(1 for r in detections if s.detects(r))
        if k:
            n_det_of_detected += k
            n_detected += 1
    prec = 0.0
    for r in detections:
        if r.size:
            prec += _covered(r, cases) / r.size
    return PairCounts(rec, len(cases), prec, len(detections), n_det_of_detected, n_detected)


def evaluate(pairs: Iterable[tuple[Sequence[Annotation], Sequence[Annotation]]]) -> PanScores:
    """PAN measures over a corpus of ``(cases, detections)`` pairs (pooled)."""
    total = PairCounts()
    for cases, detections in pairs:
        total = total + score_pair(cases, detections)
    return total.scores()
