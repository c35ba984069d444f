"""Evaluation measures for dedup (PAN text alignment)."""
from dedup.evaluation.pan import Annotation, PairCounts, PanScores, evaluate, plagdet, score_pair

__all__ = ["Annotation", "PairCounts", "PanScores", "evaluate", "plagdet", "score_pair"]
