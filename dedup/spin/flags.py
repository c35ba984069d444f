"""Placeholder spin stage: the real detectors land with the spin work."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FLAG_KINDS = ("negation", "antonym", "polarity", "number", "entity", "role-swap",
              "attribution", "hedge", "quote-altered")


@dataclass(frozen=True)
class Flag:
    """A meaning change between an aligned source span and suspect span."""

    kind: str
    source_text: str
    suspect_text: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source_text": self.source_text,
                "suspect_text": self.suspect_text, "explanation": self.explanation}


@dataclass(frozen=True)
class SpinConfig:
    """Spin-detection settings."""


def sentence_flags(source: str, suspect: str, *, config: SpinConfig | None = None) -> list[Flag]:
    """Meaning-change flags between an aligned source text and suspect text."""
    return []


def sentence_drift(similarity: float, flags: list[Flag]) -> float:
    """Drift in [0, 1] of an aligned sentence from its similarity and flags."""
    return max(0.0, min(1.0, 1.0 - similarity))
