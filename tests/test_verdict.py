"""Verdict rules."""
from __future__ import annotations

from dedup.verdict import VerdictConfig, decide


def test_near_duplicate():
    assert decide(0.98, 0.97, 0.95, 0, 0) == "near-duplicate"


def test_flags_make_a_near_duplicate_or_derivative_spun():
    assert decide(0.98, 0.97, 0.95, 1, 0) == "spun"
    assert decide(0.5, 0.4, 0.5, 2, 0) == "spun"


def test_derivative_by_coverage_or_by_source_coverage():
    assert decide(0.5, 0.2, 0.5, 0, 0) == "derivative"
    assert decide(0.2, 0.6, 0.5, 0, 0) == "derivative"


def test_quotes_only_and_unrelated():
    assert decide(0.05, 0.02, 0.4, 3, 2) == "shared-quotes"
    assert decide(0.05, 0.02, 0.4, 0, 0) == "unrelated"


def test_thresholds_are_configurable():
    assert decide(0.5, 0.2, 0.5, 0, 0, VerdictConfig(derivative_coverage=0.6)) == "unrelated"


def test_single_sentence_rewrite_is_derivative_even_when_quoted():
    assert decide(0.0, 0.0, 0.0, 0, 1, single_sentence_similarity=0.8) == "derivative"
    assert decide(0.0, 0.0, 0.0, 1, 1, single_sentence_similarity=0.8) == "spun"
    assert decide(0.0, 0.0, 0.0, 0, 1, single_sentence_similarity=0.3) == "shared-quotes"
    assert decide(0.0, 0.0, 0.0, 0, 0, single_sentence_similarity=None) == "unrelated"


def test_lone_sentence_verdict_rests_on_the_pair_similarity():
    # reused text, but a lone sentence too far from its source is no rewrite of it
    assert decide(1.0, 1.0, 0.5, 0, 0, single_sentence_similarity=0.5) == "unrelated"
    assert decide(1.0, 1.0, 0.9, 0, 0, single_sentence_similarity=0.9) == "near-duplicate"
    assert decide(0.0, 0.0, 0.0, 0, 0, single_sentence_similarity=0.7) == "derivative"
