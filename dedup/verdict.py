"""Verdict rules: from alignment scores and flags to one of five verdicts."""
from __future__ import annotations

from dataclasses import dataclass

VERDICTS = ("unrelated", "shared-quotes", "near-duplicate", "derivative", "spun")
#: Verdicts that mean "the suspect was made from the source".
RELATED_VERDICTS = frozenset({"near-duplicate", "derivative", "spun"})


@dataclass(frozen=True)
class VerdictConfig:
    """Thresholds of the verdict rules.

    Args:
        derivative_coverage: Share of the suspect's unquoted text that must lie
            in passages for a derivative.
        derivative_source_coverage: Alternatively, share of the source's
            unquoted text reused (a summary covers little of itself with
            reused text but much of its source).
        near_duplicate_coverage: Share of both texts in passages for a
            near-duplicate.
        near_duplicate_similarity: Mean sentence similarity for a near-duplicate.
        single_sentence_similarity: When the suspect is one sentence aligned
            to the whole source (one sentence, or two it merges), the verdict
            rests on that pair alone: a derivative (or spun) when its
            similarity reaches this value, even if the shared words are mostly
            quoted or too few to count as reused text (judgement call: a lone
            sentence has no surrounding text that could show it was written
            independently around the same quotation, and a paraphrase of one
            sentence is a derivative of it); below it, not a derivative
            (calibrated on even rows of MRPC train, checked on odd rows;
            0.56-0.60 score the same on both halves). Containment does not
            rescue a pair below it: of the MRPC pairs below the threshold
            whose shorter side has 70% or more of its content terms in the
            other (one sentence is the other plus extra material), about as
            many are non-paraphrases as paraphrases, on either half.
    """

    derivative_coverage: float = 0.3
    derivative_source_coverage: float = 0.5
    near_duplicate_coverage: float = 0.9
    near_duplicate_similarity: float = 0.75
    single_sentence_similarity: float = 0.6


def decide(coverage: float, source_coverage: float, mean_similarity: float, n_flags: int,
           n_shared_quotes: int, config: VerdictConfig | None = None, *,
           single_sentence_similarity: float | None = None) -> str:
    """Apply the verdict rules.

    * near-duplicate: both texts almost entirely in passages, sentences nearly
      identical;
    * derivative: enough of the suspect (or of the source) in passages;
    * spun: a near-duplicate or derivative with at least one meaning-changing flag;
    * single sentences: when the suspect is one sentence aligned to the whole
      source, a derivative (or spun) exactly when the pair's similarity is
      >= ``single_sentence_similarity``;
    * shared-quotes: not a derivative, but quotations are shared;
    * unrelated: anything else.

    Args:
        coverage: Share of the suspect's unquoted text inside passages.
        source_coverage: Share of the source's unquoted text inside passages.
        mean_similarity: Length-weighted mean similarity of the reused sentences.
        n_flags: Meaning-change flags on aligned sentences.
        n_shared_quotes: Quotations found in both texts.
        config: Thresholds.
        single_sentence_similarity: Similarity of the aligned pair when the
            suspect is a single sentence aligned to the whole source; None
            otherwise.

    Returns:
        One of :data:`VERDICTS`.
    """
    cfg = config or VerdictConfig()
    if single_sentence_similarity is not None and single_sentence_similarity < cfg.single_sentence_similarity:
        return "shared-quotes" if n_shared_quotes else "unrelated"
    if (coverage >= cfg.near_duplicate_coverage and source_coverage >= cfg.near_duplicate_coverage
            and mean_similarity >= cfg.near_duplicate_similarity):
        base = "near-duplicate"
    elif coverage >= cfg.derivative_coverage or (
            source_coverage >= cfg.derivative_source_coverage and coverage >= cfg.derivative_coverage / 2):
        base = "derivative"
    elif single_sentence_similarity is not None:
        base = "derivative"
    elif n_shared_quotes:
        return "shared-quotes"
    else:
        return "unrelated"
    return "spun" if n_flags else base
