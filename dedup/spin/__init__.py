"""Spin detection: meaning-change flags and drift on aligned sentences."""
from dedup.spin.flags import FLAG_KINDS, Flag, SpinConfig, sentence_flags, sentence_drift

__all__ = ["FLAG_KINDS", "Flag", "SpinConfig", "sentence_flags", "sentence_drift"]
