"""``compare()``: align a suspect text to a source text and judge the relation."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedup.align import (AlignConfig, LexicalScorer, Passage, SentenceAlignment, SentenceScorer, TextFeatures,
                         align_texts, text_features)
from dedup.collect import fewer_collections
from dedup.config import Config
from dedup.spin import Flag, sentence_drift, sentence_flags
from dedup.text.quotes import Quote
from dedup.verdict import decide


@dataclass(frozen=True)
class Scores:
    """Document-level scores, each in [0, 1].

    Attributes:
        resemblance: Content terms matched between aligned sentences over the
            union of both texts' content terms (Jaccard-like, 1 for copies).
        containment: Share of the suspect's unquoted content terms found in the
            source sentences they are aligned to.
        coverage: Share of the suspect's unquoted characters inside passages.
        drift: Length-weighted mean drift of the aligned suspect sentences
            (1 when nothing aligns).
    """

    resemblance: float
    containment: float
    coverage: float
    drift: float

    def to_dict(self) -> dict[str, float]:
        return {"resemblance": self.resemblance, "containment": self.containment,
                "coverage": self.coverage, "drift": self.drift}


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """One suspect sentence and, if aligned, its source span and flags."""

    suspect_start: int
    suspect_end: int
    source_start: int | None
    source_end: int | None
    similarity: float
    drift: float
    quoted: bool
    flags: tuple[Flag, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"suspect_start": self.suspect_start, "suspect_end": self.suspect_end,
                "source_start": self.source_start, "source_end": self.source_end,
                "similarity": self.similarity, "drift": self.drift, "quoted": self.quoted,
                "flags": [f.to_dict() for f in self.flags]}


@dataclass(frozen=True)
class SharedQuote:
    """A quotation present in both texts."""

    text: str
    source_start: int
    source_end: int
    suspect_start: int
    suspect_end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source_start": self.source_start, "source_end": self.source_end,
                "suspect_start": self.suspect_start, "suspect_end": self.suspect_end}


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`. ``to_dict()`` gives the documented JSON shape."""

    verdict: str
    scores: Scores
    passages: tuple[Passage, ...]
    sentences: tuple[SentenceResult, ...]
    shared_quotes: tuple[SharedQuote, ...] = field(default=())

    @property
    def flags(self) -> list[Flag]:
        """All flags, in suspect order."""
        return [f for s in self.sentences for f in s.flags]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Comparison":
        """The comparison :meth:`to_dict` gave (passages lose their internal
        sentence indices, which ``to_dict`` does not carry).

        Args:
            d: A ``to_dict()`` result, e.g. read back from JSON.

        Returns:
            An equal comparison: ``Comparison.from_dict(c.to_dict()).to_dict() == c.to_dict()``.
        """
        return cls(
            d["verdict"],
            Scores(**d["scores"]),
            tuple(map(Passage.from_dict, d["passages"])),
            tuple(SentenceResult(s["suspect_start"], s["suspect_end"], s["source_start"], s["source_end"],
                                 s["similarity"], s["drift"], s["quoted"], tuple(Flag(**f) for f in s["flags"]))
                  for s in d["sentences"]),
            tuple(SharedQuote(**q) for q in d["shared_quotes"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "scores": self.scores.to_dict(),
            "passages": [p.to_dict() for p in self.passages],
            "sentences": [s.to_dict() for s in self.sentences],
            "shared_quotes": [q.to_dict() for q in self.shared_quotes],
        }


def compare(source: str, suspect: str, *, config: Config | None = None) -> Comparison:
    """Compare a suspect text with a possible source.

    Args:
        source: The earlier / original text.
        suspect: The text that may copy, rewrite or spin ``source``.
        config: Settings (default: :class:`~dedup.config.Config`).

    Returns:
        A :class:`Comparison`; every offset is a ``str`` index into ``source``
        or ``suspect`` exactly as passed.

    Raises:
        TypeError: If either text is not a ``str``.
    """
    if not isinstance(source, str) or not isinstance(suspect, str):
        raise TypeError("compare(source, suspect) takes two str; read files first "
                        "(open(path, encoding='utf-8', newline='').read())")
    cfg = config or Config()
    with fewer_collections():  # see dedup.collect: the collector's defaults cost 18% on long texts
        src, sus = text_features(source), text_features(suspect)
        return compare_features(src, sus, cfg)


def compare_features(src: TextFeatures, sus: TextFeatures, cfg: Config) -> Comparison:
    """:func:`compare` on precomputed :func:`~dedup.align.text_features`."""
    with fewer_collections():
        return finish_comparison(align_features(src, sus, cfg), cfg)


@dataclass(frozen=True)
class AlignedPair:
    """The flag-free part of a comparison: alignment, passages, coverage.

    Made by :func:`align_features`; :func:`finish_comparison` adds the
    sentence flags, drift and verdict. ``base_verdict`` is the verdict
    without flags: flags only turn a near-duplicate or derivative into
    ``spun``, so when it is ``unrelated`` or ``shared-quotes`` the final
    verdict is the same, whatever the flags.

    Attributes:
        src, sus: Features of the source and the suspect.
        alignments: Sentence alignments of the suspect.
        passages: Reused passages.
        shared: Quotations found in both texts.
        coverage: Share of the suspect's unquoted text inside passages.
        source_coverage: The same for the source.
        mean_similarity: Length-weighted mean similarity of the reused sentences.
        single: Similarity of a lone suspect sentence aligned to the whole
            source, else None (see :func:`~dedup.verdict.decide`).
        base_verdict: The verdict with no flags.
    """

    src: TextFeatures
    sus: TextFeatures
    alignments: tuple[SentenceAlignment, ...]
    passages: tuple[Passage, ...]
    shared: tuple[SharedQuote, ...]
    coverage: float
    source_coverage: float
    mean_similarity: float
    single: float | None
    base_verdict: str


def align_features(src: TextFeatures, sus: TextFeatures, cfg: Config,
                   scorer: SentenceScorer | None = None) -> AlignedPair:
    """The flag-free part of :func:`compare_features` (see :class:`AlignedPair`).

    Args:
        src: Features of the source.
        sus: Features of the suspect.
        cfg: Settings.
        scorer: Sentence scorer (default: a new
            :class:`~dedup.align.LexicalScorer`); judging a pair in both
            directions, pass one :class:`~dedup.align.ReusingScorer` to both
            calls.

    Returns:
        An :class:`AlignedPair`; ``finish_comparison(align_features(...))``
        equals ``compare_features(...)``.
    """
    acfg: AlignConfig = cfg.align
    alignments, passages = align_texts(src, sus, acfg, scorer or LexicalScorer())
    shared = _shared_quotes(src, sus)
    coverage = _covered_share(sus, [(p.suspect_start, p.suspect_end) for p in passages], acfg)
    source_coverage = _covered_share(src, [(p.source_start, p.source_end) for p in passages], acfg)
    reused = [a for a in alignments if a.reused]
    lengths = [sus.sentences[a.suspect_index].length for a in reused]
    mean_sim = float(np.average([a.similarity for a in reused], weights=lengths)) if reused else 0.0
    # a lone suspect sentence aligned to the whole source (one sentence, or two it merges)
    single = None
    first = next((a for a in alignments if a.source_indices), None)
    if len(sus.sentences) == 1 and first is not None:
        if _source_span(src, first.source_indices) == (src.sentences[0].sentence.start,
                                                       src.sentences[-1].sentence.end):
            single = float(round(float(first.similarity), 4))
    base = decide(coverage, source_coverage, mean_sim, 0, len(shared), cfg.verdict,
                  single_sentence_similarity=single)
    return AlignedPair(src, sus, tuple(alignments), tuple(passages), tuple(shared), coverage,
                       source_coverage, mean_sim, single, base)


def finish_comparison(pair: AlignedPair, cfg: Config) -> Comparison:
    """Add sentence flags, drift and the final verdict to an :class:`AlignedPair`.

    Args:
        pair: From :func:`align_features`.
        cfg: The same settings.

    Returns:
        The :class:`Comparison`.
    """
    src, sus, alignments = pair.src, pair.sus, list(pair.alignments)
    sentences = _sentence_results(src, sus, alignments, cfg)
    containment, resemblance = _term_scores(src, sus, alignments, cfg.align)
    aligned = [s for s in sentences if s.source_start is not None]
    drift = (float(np.average([s.drift for s in aligned], weights=[s.suspect_end - s.suspect_start for s in aligned]))
             if aligned else 1.0)
    n_flags = sum(len(s.flags) for s in sentences)
    verdict = decide(pair.coverage, pair.source_coverage, pair.mean_similarity, n_flags, len(pair.shared),
                     cfg.verdict, single_sentence_similarity=pair.single)
    scores = Scores(round(resemblance, 4), round(containment, 4), round(pair.coverage, 4), round(drift, 4))
    return Comparison(verdict, scores, pair.passages, tuple(sentences), pair.shared)


def _sentence_results(src: TextFeatures, sus: TextFeatures, alignments: list[SentenceAlignment],
                      cfg: Config) -> list[SentenceResult]:
    from dedup.spin import document_filter, sentence_order  # local: keeps this edit inside the function
    out = []
    for a in alignments:
        sf = sus.sentences[a.suspect_index]
        quoted = sf.quoted_share >= cfg.align.max_quoted_share
        sim = round(float(a.similarity), 4)
        if not a.source_indices:
            out.append(SentenceResult(sf.sentence.start, sf.sentence.end, None, None, sim, 1.0, quoted))
            continue
        s0, s1 = _source_span(src, a.source_indices)
        source_text = " ".join(src.sentences[i].sentence.text for i in a.source_indices)
        if source_text == sf.sentence.text:
            # a sentence copied verbatim: no flag and no order change (every
            # mechanism compares what differs; tests/test_compare.py checks
            # the full path gives the same on sentences of all dev sets' kinds)
            flags, order = (), 0.0
        else:
            flags = tuple(document_filter(sentence_flags(source_text, sf.sentence.text, config=cfg.spin),
                                          src.text, sus.text)) if cfg.spin.kinds else ()
            # the word-order evidence only matters to drift through its weight
            order = sentence_order(source_text, sf.sentence.text).evidence if cfg.spin.order_weight else 0.0
        drift = round(float(sentence_drift(sim, list(flags), config=cfg.spin, order=order,
                                           source=source_text, suspect=sf.sentence.text)), 4)
        out.append(SentenceResult(sf.sentence.start, sf.sentence.end, s0, s1, sim, drift, quoted, flags))
    return out


def _source_span(src: TextFeatures, indices: tuple[int, ...]) -> tuple[int, int]:
    """Start and end offsets of the source sentences ``indices`` together."""
    return (min(src.sentences[i].sentence.start for i in indices),
            max(src.sentences[i].sentence.end for i in indices))


def _covered_share(tf: TextFeatures, ranges: list[tuple[int, int]], acfg: AlignConfig) -> float:
    """Share of the unquoted characters of ``tf``'s sentences inside ``ranges``."""
    total = covered = 0
    for s in tf.sentences:
        free = s.length - s.quoted_chars
        if s.quoted_share >= acfg.max_quoted_share:
            continue
        total += free
        if any(a <= s.sentence.start and s.sentence.end <= b for a, b in ranges):
            covered += free
    return covered / total if total else 0.0


def _term_scores(src: TextFeatures, sus: TextFeatures, alignments: list[SentenceAlignment],
                 acfg: AlignConfig) -> tuple[float, float]:
    """Containment and resemblance of the unquoted content terms.

    containment = share of the suspect's unquoted sentence terms (counted per
    sentence) found in the source sentences they are aligned to; resemblance
    = distinct terms matched through reused alignments over the union of both
    texts' unquoted vocabularies.
    """
    matched = 0
    suspect_terms = 0
    matched_vocab: set[str] = set()
    for a in alignments:
        sf = sus.sentences[a.suspect_index]
        if sf.quoted_share >= acfg.max_quoted_share:
            continue
        suspect_terms += len(sf.free_terms)
        if a.reused:
            source_terms = frozenset().union(*(src.sentences[i].free_terms for i in a.source_indices))
            common = sf.free_terms & source_terms
            matched += len(common)
            matched_vocab |= common
    def vocab(tf: TextFeatures) -> set[str]:
        return set().union(*(s.free_terms for s in tf.sentences if s.quoted_share < acfg.max_quoted_share))
    union = vocab(src) | vocab(sus)
    containment = matched / suspect_terms if suspect_terms else 0.0
    resemblance = len(matched_vocab) / len(union) if union else 0.0
    return containment, resemblance


_WORD = re.compile(r"\w+")


def _quote_words(q: Quote) -> list[str]:
    return [w.lower() for w in _WORD.findall(q.text.replace("’", "'"))]


def _shared_quotes(src: TextFeatures, sus: TextFeatures, min_words: int = 3,
                   min_overlap: float = 0.6) -> list[SharedQuote]:
    """Quotations of the suspect whose words largely recur in a source quotation."""
    src_q = [(q, set(_quote_words(q))) for q in src.quotes]
    out = []
    for q in sus.quotes:
        words = _quote_words(q)
        if len(words) < min_words:
            continue
        ws = set(words)
        best, best_score = None, 0.0
        for sq, sw in src_q:
            if len(sw) < min_words:
                continue
            inter = len(ws & sw)
            score = max(inter / len(ws | sw), inter / min(len(ws), len(sw)) * (0.9 if min(len(ws), len(sw)) >= 5 else 0))
            if score > best_score:
                best, best_score = sq, score
        if best is not None and best_score >= min_overlap:
            out.append(SharedQuote(q.text, best.start, best.end, q.start, q.end))
    return out
