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
    """

    derivative_coverage: float = 0.3
    derivative_source_coverage: float = 0.5
    near_duplicate_coverage: float = 0.9
    near_duplicate_similarity: float = 0.75


def decide(coverage: float, source_coverage: float, mean_similarity: float, n_flags: int,
           n_shared_quotes: int, config: VerdictConfig | None = None) -> str:
    """Apply the verdict rules.

    * near-duplicate: both texts almost entirely in passages, sentences nearly
      identical;
    * derivative: enough of the suspect (or of the source) in passages;
    * spun: a near-duplicate or derivative with at least one meaning-changing flag;
    * shared-quotes: not a derivative, but quotations are shared;
    * unrelated: anything else.

    Args:
        coverage: Share of the suspect's unquoted text inside passages.
        source_coverage: Share of the source's unquoted text inside passages.
        mean_similarity: Length-weighted mean similarity of the reused sentences.
        n_flags: Meaning-change flags on aligned sentences.
        n_shared_quotes: Quotations found in both texts.
        config: Thresholds.

    Returns:
        One of :data:`VERDICTS`.
    """
    cfg = config or VerdictConfig()
    if (coverage >= cfg.near_duplicate_coverage and source_coverage >= cfg.near_duplicate_coverage
            and mean_similarity >= cfg.near_duplicate_similarity):
        base = "near-duplicate"
    elif coverage >= cfg.derivative_coverage or (
            source_coverage >= cfg.derivative_source_coverage and coverage >= cfg.derivative_coverage / 2):
        base = "derivative"
    elif n_shared_quotes:
        return "shared-quotes"
    else:
        return "unrelated"
    return "spun" if n_flags else base
