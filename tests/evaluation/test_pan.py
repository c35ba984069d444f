"""PAN measures on small hand-made cases with exact expected values."""
from __future__ import annotations

import math

import pytest

from dedup.evaluation.pan import Annotation as A
from dedup.evaluation.pan import PairCounts, evaluate, plagdet, score_pair, union_length

CASE = A(0, 100, 1000, 1100)


def _scores(cases, detections):
    return score_pair(cases, detections).scores()


def test_perfect_detection():
    s = _scores([CASE], [CASE])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_half_detected_case():
    # half of each side detected: 100 of 200 characters
    s = _scores([CASE], [A(0, 50, 1000, 1050)])
    assert s.recall == 0.5
    assert s.precision == 1.0
    assert s.granularity == 1.0
    assert s.plagdet == pytest.approx(2 / 3)


def test_split_case_granularity_two():
    s = _scores([CASE], [A(0, 50, 1000, 1050), A(50, 100, 1050, 1100)])
    assert s.recall == 1.0 and s.precision == 1.0
    assert s.granularity == 2.0
    assert s.plagdet == pytest.approx(1 / math.log2(3))


def test_false_detection_lowers_precision():
    s = _scores([CASE], [CASE, A(500, 600, 2000, 2100)])
    assert s.recall == 1.0
    assert s.precision == 0.5
    assert s.granularity == 1.0
    assert s.plagdet == pytest.approx(2 / 3)


def test_no_detections():
    s = _scores([CASE], [])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_no_cases_no_detections_is_perfect():
    s = _scores([], [])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_detection_without_case_scores_zero():
    s = _scores([], [CASE])
    assert (s.precision, s.recall, s.plagdet) == (0.0, 0.0, 0.0)


def test_overlap_on_one_side_only_does_not_detect():
    s = _scores([CASE], [A(0, 100, 5000, 5100)])
    assert s.recall == 0.0 and s.precision == 0.0
    assert s.granularity == 1.0


def test_overextended_detection():
    # suspicious side 50..150 vs case 0..100: 50 + 100 of 200 chars shared
    s = _scores([CASE], [A(50, 150, 1000, 1100)])
    assert s.recall == 0.75
    assert s.precision == 0.75


def test_overlapping_detections_are_not_double_counted():
    s = _scores([CASE], [A(0, 60, 1000, 1060), A(40, 100, 1040, 1100)])
    assert s.recall == 1.0
    assert s.precision == 1.0
    assert s.granularity == 2.0


def test_one_detection_spanning_two_cases():
    cases = [A(0, 100, 1000, 1100), A(100, 200, 1100, 1200)]
    s = _scores(cases, [A(0, 200, 1000, 1200)])
    assert s.recall == 1.0 and s.precision == 1.0 and s.granularity == 1.0


def test_corpus_pools_cases_and_detections():
    # pair 1: perfect; pair 2: case missed; pair 3: one false detection, no case
    s = evaluate([([CASE], [CASE]), ([CASE], []), ([], [CASE])])
    assert s.cases == 2 and s.detections == 2
    assert s.recall == 0.5  # (1 + 0) / 2 cases
    assert s.precision == 0.5  # (1 + 0) / 2 detections
    assert s.granularity == 1.0
    assert s.plagdet == pytest.approx(0.5)
    total = score_pair([CASE], [CASE]) + score_pair([CASE], []) + score_pair([], [CASE])
    assert total.scores() == s


def test_sum_of_counts():
    assert sum([score_pair([CASE], [CASE])] * 3, PairCounts()).cases == 3


def test_from_offsets():
    assert A.from_offsets(3593, 698, 1300, 698) == A(3593, 4291, 1300, 1998)


def test_union_length():
    assert union_length([]) == 0
    assert union_length([(0, 10), (5, 15), (20, 25), (25, 30), (3, 3)]) == 25


def test_plagdet_zero():
    assert plagdet(0.0, 0.0, 1.0) == 0.0
    assert plagdet(1.0, 1.0, 3.0) == pytest.approx(0.5)
