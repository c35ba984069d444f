"""Top-level configuration: one frozen dataclass per stage, composed."""
from __future__ import annotations

from dataclasses import dataclass, field

from dedup.align.align import AlignConfig
from dedup.candidates import CandidateConfig
from dedup.io.config import ReaderConfig
from dedup.reuse import ReuseConfig
from dedup.spin import SpinConfig
from dedup.verdict import VerdictConfig


@dataclass(frozen=True)
class Config:
    """All settings of a dedup run; every field has a sensible default.

    Example:
        >>> from dedup import Config
        >>> from dedup.verdict import VerdictConfig
        >>> cfg = Config(verdict=VerdictConfig(derivative_coverage=0.4))
    """

    reader: ReaderConfig = field(default_factory=ReaderConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    spin: SpinConfig = field(default_factory=SpinConfig)
    verdict: VerdictConfig = field(default_factory=VerdictConfig)
    reuse: ReuseConfig = field(default_factory=ReuseConfig)
