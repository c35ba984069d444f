"""Judging a pair of documents: both directions aligned, the stronger relation kept.

``dedup scan`` judges its candidate pairs with :func:`judge_features`, and so
does the persistent index (:mod:`dedup.index`) for a new document against the
stored ones it finds: one module, so both give the same verdict for the same
pair. :func:`reuse_of` picks the copied passages of a pair that is not
related (``reuse.jsonl``, :mod:`dedup.reuse`).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from dedup.align import ReusingScorer, TextFeatures, text_features
from dedup.compare import Comparison, align_features, finish_comparison
from dedup.config import Config
from dedup.document import Document
from dedup.reuse import ReusedPair, reused_pair
from dedup.verdict import RELATED_VERDICTS, VERDICTS

_RANK = {v: k for k, v in enumerate(VERDICTS)}


@dataclass(frozen=True)
class PairResult:
    """A related pair: ``suspect`` is judged against ``source``."""

    source: str
    suspect: str
    verdict: str
    comparison: Comparison

    @property
    def coverage(self) -> float:
        return self.comparison.scores.coverage

    def to_dict(self) -> dict[str, Any]:
        flags = self.comparison.flags
        return {"source": self.source, "suspect": self.suspect, "verdict": self.verdict,
                "scores": self.comparison.scores.to_dict(), "flags": len(flags),
                "flag_kinds": sorted({f.kind for f in flags})}


def judge_pair(a: Document, b: Document, config: Config) -> PairResult:
    """Compare two documents in both directions and keep the stronger relation.

    The source is the earlier document when both carry a ``date`` in
    ``meta``. Otherwise it is the one with the more related verdict, and
    between equal verdicts the one whose vocabulary the other reuses more (a
    rewrite keeps much of its source's words and adds its own).

    Args:
        a: A document.
        b: Another document.
        config: Settings.

    Returns:
        The pair with its source, suspect and comparison.
    """
    return judge_features(a, b, text_features(a.text), text_features(b.text), config)


class Lru(OrderedDict):
    """A mapping that forgets its least recently used entry past ``size``."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def hit(self, key: Any) -> Any:
        """The value of ``key`` (now the most recent), or None."""
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def keep(self, key: Any, value: Any) -> Any:
        """Store ``value`` as the most recent entry and return it."""
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class _TextPairJudgement:
    """Both directions of one pair of texts: aligned at once, finished
    (flagged) on demand, once each. Everything here depends on the two texts
    and the settings only, not on the documents' ids or dates."""

    def __init__(self, fa: TextFeatures, fb: TextFeatures, config: Config) -> None:
        scorer = ReusingScorer()  # the second direction reuses the first one's scorings
        self.fa, self.fb, self.config = fa, fb, config
        #: the same text twice (exact copies): one direction is the other
        self.same = fa.text == fb.text
        self.xab = align_features(fa, fb, config, scorer)   # b judged against a
        self.xba = self.xab if self.same else align_features(fb, fa, config, scorer)   # a judged against b
        self._finished: dict[bool, Comparison] = {}
        self._containment: tuple[float, float] | None = None

    def unrelated(self) -> bool:
        return self.xab.base_verdict == "unrelated" and self.xba.base_verdict == "unrelated"

    def finished(self, forward: bool) -> Comparison:
        """The comparison of b against a (``forward``) or of a against b."""
        forward = forward or self.same
        c = self._finished.get(forward)
        if c is None:
            c = self._finished[forward] = finish_comparison(self.xab if forward else self.xba, self.config)
        return c

    def containment(self) -> tuple[float, float]:
        if self._containment is None:
            self._containment = (vocabulary_containment(self.fa, self.fb), vocabulary_containment(self.fb, self.fa))
        return self._containment


class JudgementCache:
    """The :class:`_TextPairJudgement` of the text pairs judged last (a
    bounded LRU keyed by the two texts). A crawl holds many exact copies
    (syndicated stories, mirrors): every copy pairs with the same partners,
    and copies pair with each other, so one text pair stands for many
    document pairs and is aligned once."""

    def __init__(self, size: int = 256) -> None:
        self._kept = Lru(size)

    def get(self, a: str, b: str, fa: TextFeatures, fb: TextFeatures,
            config: Config) -> tuple[_TextPairJudgement, bool]:
        """The judgement of texts ``a`` and ``b`` and whether it is stored
        the other way round (then its a is ``b``)."""
        for key, swapped in (((a, b), False), ((b, a), True)):
            j = self._kept.hit(key)
            if j is not None and j.config is config:
                return j, swapped
        return self._kept.keep((a, b), _TextPairJudgement(fa, fb, config)), False


def judge_features(a: Document, b: Document, fa: TextFeatures, fb: TextFeatures, config: Config,
                   drop_unrelated: bool = False, judgements: JudgementCache | None = None) -> PairResult | None:
    """:func:`judge_pair` with both texts' features already made
    (:func:`~dedup.align.text_features`; make a document's once when it is
    judged against several others).

    Args:
        a, b: The documents.
        fa, fb: Their features.
        config: Settings.
        drop_unrelated: Return None for a pair whose verdict is
            ``unrelated`` in both directions, before any sentence flags are
            made (flags never change an ``unrelated`` verdict, see
            :class:`~dedup.compare.AlignedPair`). A scan or an index drops
            such pairs anyway, and they are most of their candidates.
        judgements: Alignments of text pairs judged before, reused for
            another pair of documents with the same two texts (a scan's
            workers keep one).

    Returns:
        The pair, as :func:`judge_pair` gives it (or None, see above).
    """
    if judgements is None:
        j, swapped = _TextPairJudgement(fa, fb, config), False
    else:
        j, swapped = judgements.get(a.text, b.text, fa, fb, config)
    if drop_unrelated and j.unrelated():
        return None
    # j's own orientation: b judged against a is j's forward direction unless swapped
    xab, xba = (j.xba, j.xab) if swapped else (j.xab, j.xba)

    def finished(forward: bool) -> Comparison:  # forward: b judged against a
        return j.finished(forward != swapped)

    # Flags only turn a related base verdict into "spun", so a direction is
    # finished (flagged) only when its final verdict can decide the choice:
    # an unrelated or shared-quotes direction keeps its verdict; between two
    # related directions of dated documents the date decides; a spun
    # direction can only be tied, so the other is not needed when the tie
    # would go its way anyway.
    rab, rba = xab.base_verdict in RELATED_VERDICTS, xba.base_verdict in RELATED_VERDICTS
    da, db = a.meta.get("date"), b.meta.get("date")

    def tie_forward() -> bool:
        return _vocabulary_forward(a, b, j, swapped)

    if da and db and da != db and rab and rba:
        forward = str(da) < str(db)
    else:
        vab = finished(True).verdict if rab else xab.base_verdict
        if vab == "spun" and tie_forward():
            forward = True
        else:
            vba = finished(False).verdict if rba else xba.base_verdict
            ra, rb = _RANK[vab], _RANK[vba]
            forward = ra > rb if ra != rb else tie_forward()
    comparison = finished(forward)
    src, sus = (a, b) if forward else (b, a)
    return PairResult(src.id, sus.id, comparison.verdict, comparison)


#: A text is cut from the other (a trimmed or excerpted copy) when at least
#: this share of its content words occur in the other ...
CUT_INSIDE = 0.98
#: ... while more than this share of the other's do not occur in it.
CUT_OUTSIDE = 0.05


def orientation_by_vocabulary(ca: float, cb: float) -> bool | None:
    """Which of two related texts is the source, from their vocabularies alone.

    Args:
        ca: Share of text a's content words that occur in text b
            (:func:`vocabulary_containment`).
        cb: The same for b in a.

    Returns:
        True when a is the source, False when b is, None when the two shares
        are equal. A text that adds (almost) no word of its own and leaves
        part of the other's out is cut from it: the derivative (a trimmed
        copy, an excerpt). Otherwise the text that adds more words of its
        own is the derivative: a rewrite keeps much of its source's words
        and brings its own (synonyms, additions).
    """
    if cb >= CUT_INSIDE and ca < 1.0 - CUT_OUTSIDE:
        return True
    if ca >= CUT_INSIDE and cb < 1.0 - CUT_OUTSIDE:
        return False
    return None if ca == cb else ca > cb


def _vocabulary_forward(a: Document, b: Document, j: _TextPairJudgement, swapped: bool) -> bool:
    """Whether ``b`` is judged against ``a`` when nothing else decides
    (:func:`orientation_by_vocabulary`, then by id)."""
    ca, cb = j.containment()
    if swapped:
        ca, cb = cb, ca
    by_words = orientation_by_vocabulary(ca, cb)
    return b.id >= a.id if by_words is None else by_words


def reuse_of(a: Document, b: Document, fa: TextFeatures, fb: TextFeatures, result: PairResult | None,
             judgements: JudgementCache, config: Config) -> ReusedPair | None:
    """The copied passages of a pair that :func:`judge_features` judged
    (``result``: None when unrelated both ways) with no related verdict.

    Args:
        a, b: The documents, as passed to :func:`judge_features`.
        fa, fb: Their features.
        result: What it returned.
        judgements: The cache it used (it holds the pair's alignments, which
            are made again only if they were dropped since).
        config: Settings (``config.reuse`` picks the passages).

    Returns:
        A :class:`~dedup.reuse.ReusedPair`, or None for a related pair or one
        without copied passages.
    """
    if result is not None and result.verdict in RELATED_VERDICTS or not config.reuse.enabled:
        return None
    j, swapped = judgements.get(a.text, b.text, fa, fb, config)
    xab, xba = (j.xba, j.xab) if swapped else (j.xab, j.xba)
    if result is not None:
        forward = result.source == a.id
    else:
        da, db = a.meta.get("date"), b.meta.get("date")
        forward = str(da) < str(db) if da and db and da != db else _vocabulary_forward(a, b, j, swapped)
    (x, y), (src, sus) = ((xab, xba), (a, b)) if forward else ((xba, xab), (b, a))
    verdict = result.verdict if result is not None else "unrelated"
    return reused_pair(src.id, sus.id, verdict, x.passages, x.src, x.sus, config.reuse, reverse=y.passages)


def vocabulary_containment(a: TextFeatures, b: TextFeatures) -> float:
    """Share of ``a``'s unquoted content terms that also occur in ``b``."""
    va = set().union(*(s.free_terms for s in a.sentences))
    vb = set().union(*(s.free_terms for s in b.sentences))
    return len(va & vb) / len(va) if va else 0.0
