"""Spin detection: meaning-change flags and drift on aligned sentences."""
from dedup.spin.flags import (FLAG_KINDS, Flag, SpinConfig, document_filter, sentence_drift, sentence_flags,
                              sentence_order)

__all__ = ["FLAG_KINDS", "Flag", "SpinConfig", "sentence_flags", "sentence_drift", "sentence_order",
           "document_filter"]
