"""Alignment of a candidate pair: which suspect sentences restate which source
sentences, and the passages (maximal reused regions) they form."""
from dedup.align.align import (AlignConfig, Passage, SentenceAlignment, align_sentences, align_texts,
                               build_passages)
from dedup.align.features import SentenceFeatures, TextFeatures, text_features
from dedup.align.scorer import LexicalScorer, ReusingScorer, ScoreMatrices, SentenceScorer

__all__ = ["AlignConfig", "Passage", "SentenceAlignment", "align_sentences", "align_texts", "build_passages",
           "SentenceFeatures", "TextFeatures", "text_features", "LexicalScorer", "ReusingScorer",
           "ScoreMatrices", "SentenceScorer"]
