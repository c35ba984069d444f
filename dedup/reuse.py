"""Reused passages below a derivative: the text a document copied from another
when the copy is too small a part of either text for a rewrite.

A news article that pastes four paragraphs of another into a much longer
story is not a derivative under the verdict rules (:mod:`dedup.verdict`: too
little of either text is reused), so ``scan`` drops the pair from
``pairs.jsonl``. The alignment has found the copied passages all the same, and
someone policing copied text wants them. This module picks the passages of
such a pair that are clearly copied text: long enough, close to verbatim,
and not just a shared quotation (quotations shared by independent reports are
what the ``shared-quotes`` verdict is for).

Measured with the defaults (stop 15):

* ``benchmarks/scale.py`` planted corpora, full scan: recall of the planted
  partial reuse (3-5 sentences inside a longer article) rises from 0.19 with
  the related verdicts alone to 0.92 with these pairs added at 10K documents
  (0.13 to 0.88 at 1K). The pairs listed that were not planted are, in every
  one read, paragraphs the PAN13 source books the articles are cut from print
  twice.
* PAN13 training pairs, both directions aligned: none of the 1,000
  no-plagiarism pairs; of the 1,000 no-obfuscation pairs, 473 are related
  and 476 more are listed here (their plagiarism is a passage inside a long
  document). Obfuscated cases mostly score below ``min_score``, by design
  (random 44, translation 104, summary 26 listed).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Sequence

from dedup.text.quotes import find_quotes

if TYPE_CHECKING:  # pragma: no cover
    from dedup.align import Passage, TextFeatures
    from dedup.text.quotes import Quote


@dataclass(frozen=True)
class ReuseConfig:
    """Which passages of an otherwise unrelated pair are reported as reused.

    Args:
        min_chars: Characters outside quotations a passage needs on each
            side. 200 characters is about two sentences of news.
        min_score: Passage score (mean similarity of its sentences) it needs:
            0.8 keeps copies with light edits and drops paraphrase, whose
            passages are evidence of a rewrite only where they add up to one.
        enabled: Report reused passages at all.
    """

    min_chars: int = 200
    min_score: float = 0.8
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.min_chars < 1:
            raise ValueError(f"ReuseConfig(min_chars={self.min_chars}): give a positive number of characters")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError(f"ReuseConfig(min_score={self.min_score}): give a score in [0, 1]")


def _unquoted(quotes: "Sequence[Quote]", start: int, end: int) -> int:
    """Characters of ``[start, end)`` outside ``quotes``."""
    inside = sum(max(0, min(end, q.end) - max(start, q.start)) for q in quotes)
    return max(0, end - start - inside)


def _unquoted_chars(p: "Passage", src_quotes: "Sequence[Quote]", sus_quotes: "Sequence[Quote]") -> int:
    return min(_unquoted(src_quotes, p.source_start, p.source_end),
               _unquoted(sus_quotes, p.suspect_start, p.suspect_end))


def unquoted_chars(passage: "Passage", src: "TextFeatures", sus: "TextFeatures") -> int:
    """Characters of ``passage`` outside quotations, on its shorter side.

    Args:
        passage: A passage of the alignment of ``sus`` against ``src``.
        src: Features of the source.
        sus: Features of the suspect.

    Returns:
        The smaller of the two sides' counts.
    """
    return _unquoted_chars(passage, src.quotes, sus.quotes)


def _copied(passages: "Sequence[Passage]", src_quotes: "Sequence[Quote]", sus_quotes: "Sequence[Quote]",
            config: ReuseConfig | None) -> tuple["Passage", ...]:
    """The rule of :func:`reused_passages`, given both sides' quotations."""
    cfg = config or ReuseConfig()
    if not cfg.enabled:
        return ()
    return tuple(p for p in passages
                 if p.score >= cfg.min_score and _unquoted_chars(p, src_quotes, sus_quotes) >= cfg.min_chars)


def reused_passages(passages: "tuple[Passage, ...]", src: "TextFeatures", sus: "TextFeatures",
                    config: ReuseConfig | None = None) -> tuple["Passage", ...]:
    """The passages that count as copied text under ``config``.

    Args:
        passages: Passages of the alignment of ``sus`` against ``src``.
        src: Features of the source.
        sus: Features of the suspect.
        config: Thresholds (default :class:`ReuseConfig`).

    Returns:
        Those passages with ``score >= min_score`` and at least ``min_chars``
        unquoted characters (:func:`unquoted_chars`), in suspect order;
        empty when ``enabled`` is off.
    """
    return _copied(passages, src.quotes, sus.quotes, config)


@dataclass(frozen=True)
class ReusedPair:
    """Two documents sharing copied passages, with no related verdict.

    Attributes:
        source: Id of the document the passages are taken to come from (the
            earlier one when both are dated, otherwise the one whose
            vocabulary the other reuses more, as for related pairs).
        suspect: Id of the other document.
        verdict: The pair's verdict, ``unrelated`` or ``shared-quotes``.
        passages: The reused passages, offsets into the two documents' texts.
        source_share: Share of the source's characters inside them.
        suspect_share: Share of the suspect's characters inside them.
    """

    source: str
    suspect: str
    verdict: str
    passages: tuple["Passage", ...]
    source_share: float
    suspect_share: float

    @property
    def reused_chars(self) -> int:
        """Characters of the suspect inside the passages."""
        return sum(p.suspect_end - p.suspect_start for p in self.passages)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ReusedPair":
        """The pair :meth:`to_dict` gave (a ``reuse.jsonl`` row)."""
        from dedup.align import Passage  # local: dedup.align imports much of dedup
        return cls(d["source"], d["suspect"], d["verdict"], tuple(map(Passage.from_dict, d["passages"])),
                   d["source_share"], d["suspect_share"])

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "suspect": self.suspect, "verdict": self.verdict,
                "reused_chars": self.reused_chars, "source_share": self.source_share,
                "suspect_share": self.suspect_share,
                "passages": [p.to_dict() for p in self.passages]}


def copied_in_texts(passages: "Sequence[Passage]", source: str, suspect: str,
                    config: ReuseConfig | None = None) -> tuple["Passage", ...]:
    """:func:`reused_passages` of a comparison, from the two texts it was made
    on (their quotations found again) rather than their features: what
    ``dedup compare`` reports as copied in a pair that is not a rewrite.

    Args:
        passages: ``compare(source, suspect).passages``.
        source: The source text.
        suspect: The suspect text.
        config: Thresholds.

    Returns:
        The passages that count as copied text.
    """
    if config is not None and not config.enabled:
        return ()
    return _copied(passages, find_quotes(source), find_quotes(suspect), config)


def _transposed(p: "Passage") -> "Passage":
    """``p`` seen from the other direction (its sentence indices dropped)."""
    return replace(p, source_start=p.suspect_start, source_end=p.suspect_end, suspect_start=p.source_start,
                   suspect_end=p.source_end, suspect_indices=())


def reused_pair(source: str, suspect: str, verdict: str, passages: "tuple[Passage, ...]",
                src: "TextFeatures", sus: "TextFeatures", config: ReuseConfig | None = None,
                reverse: "tuple[Passage, ...]" = ()) -> ReusedPair | None:
    """A :class:`ReusedPair` when some passages count as copied text, else None.

    Alignment is not symmetric: aligning the longer text against the shorter
    one can cut a copied block where the other direction keeps it whole. So
    the passages of both directions are picked, and those of the direction
    with more copied characters are reported, in this pair's orientation.

    Args:
        source: Id of the source document.
        suspect: Id of the suspect document.
        verdict: The pair's verdict (not a related one).
        passages: Passages of the alignment of ``sus`` against ``src``.
        src: Features of the source.
        sus: Features of the suspect.
        config: Thresholds.
        reverse: Passages of the alignment of ``src`` against ``sus``.

    Returns:
        The pair, or None.
    """
    kept = reused_passages(passages, src, sus, config)
    back = reused_passages(reverse, sus, src, config)

    def chars(ps: "tuple[Passage, ...]") -> int:
        return sum(min(p.source_end - p.source_start, p.suspect_end - p.suspect_start) for p in ps)

    if chars(back) > chars(kept):
        kept = tuple(sorted(map(_transposed, back), key=lambda p: (p.suspect_start, p.source_start)))
    if not kept:
        return None

    def share(spans: list[tuple[int, int]], text: str) -> float:
        return round(min(1.0, sum(e - s for s, e in spans) / len(text)), 4) if text else 0.0

    return ReusedPair(source, suspect, verdict, kept,
                      share([(p.source_start, p.source_end) for p in kept], src.text),
                      share([(p.suspect_start, p.suspect_end) for p in kept], sus.text))
