"""Sentence alignment and PAN-style passages."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedup.align.features import TextFeatures
from dedup.align.scorer import LexicalScorer, ScoreMatrices, SentenceScorer


@dataclass(frozen=True)
class AlignConfig:
    """Alignment thresholds.

    Args:
        min_similarity: Weighted Dice a sentence pair needs to align.
        min_contained: Alternatively, the share of the suspect sentence found
            in the source sentence (summaries keep little of a long sentence).
        min_contained_weight: Term weight a suspect sentence needs before
            ``min_contained`` alone may align it (short sentences are
            contained by chance).
        min_free_similarity: Dice of the unquoted words a pair needs to count
            as reused text rather than a shared quotation.
        min_free_weight: Unquoted term weight a suspect sentence needs to count
            as reused text (an attribution tail around a quote does not).
        max_gap: Unaligned suspect sentences that may sit inside one passage.
        max_source_jump: How many sentences apart the source sides of two
            neighbouring aligned sentences may be and still form one passage.
        max_quoted_share: A suspect sentence with more of its characters inside
            quotation marks is a quotation, not reused text.
        related_vocabulary: Jaccard similarity of the two texts' unquoted
            content terms above which the texts are treated as related, and a
            second, relaxed pass aligns the remaining sentences (a rewrite
            rewords many sentences beyond what a strict threshold accepts).
        relaxed_similarity: Sentence similarity the relaxed pass needs.
        relaxed_score: Sentence similarity plus weighted paragraph similarity
            the relaxed pass needs.
        context_weight: In the relaxed pass, weight of the similarity of the
            two sentences' paragraphs (a sentence reworded beyond recognition
            is still placed by the paragraph around it).
        substitution_bonus: In the relaxed pass, bonus of a source sentence
            holding a name the suspect never uses when the suspect sentence
            holds a name the source never uses (a likely entity swap).
        relaxed_matched_weight: Term weight the two sentences must share for
            the relaxed pass (one shared rare word is chance).
    """

    min_similarity: float = 0.34
    min_contained: float = 0.6
    min_contained_weight: float = 4.0
    min_free_similarity: float = 0.3
    min_free_weight: float = 2.0
    max_gap: int = 2
    max_source_jump: int = 4
    max_quoted_share: float = 0.5
    related_vocabulary: float = 0.19
    relaxed_similarity: float = 0.1
    relaxed_score: float = 0.25
    context_weight: float = 1.0
    substitution_bonus: float = 0.15
    relaxed_matched_weight: float = 1.6


@dataclass(frozen=True)
class SentenceAlignment:
    """The source side of one suspect sentence.

    Attributes:
        suspect_index: Index of the suspect sentence.
        source_indices: Indices of the aligned source sentences (empty: none).
        similarity: Similarity of the pair in [0, 1] (best score when unaligned).
        reused: Whether the pair counts as reused text (not only a shared quote).
    """

    suspect_index: int
    source_indices: tuple[int, ...]
    similarity: float
    reused: bool


@dataclass(frozen=True)
class Passage:
    """A maximal reused region: ``[source_start, source_end)`` of the source
    became ``[suspect_start, suspect_end)`` of the suspect."""

    source_start: int
    source_end: int
    suspect_start: int
    suspect_end: int
    score: float
    suspect_indices: tuple[int, ...]


def align_sentences(source: TextFeatures, suspect: TextFeatures, config: AlignConfig | None = None,
                    scorer: SentenceScorer | None = None) -> list[SentenceAlignment]:
    """Align every suspect sentence to zero, one or two adjacent source sentences.

    Args:
        source: Features of the source text.
        suspect: Features of the suspect text.
        config: Thresholds (defaults: :class:`AlignConfig`).
        scorer: Sentence scorer (default: :class:`LexicalScorer`).

    Returns:
        One alignment per suspect sentence, in suspect order.
    """
    cfg = config or AlignConfig()
    sc = scorer or LexicalScorer()
    ns, nt = len(source.sentences), len(suspect.sentences)
    if ns == 0 or nt == 0:
        return [SentenceAlignment(j, (), 0.0, False) for j in range(nt)]
    m = sc.score(source.sentences, suspect.sentences)
    out = [_align_one(j, m, cfg, suspect.sentences[j].quoted_share) for j in range(nt)]
    if vocabulary_similarity(source, suspect, cfg) >= cfg.related_vocabulary:
        p = sc.score(source.paragraphs(), suspect.paragraphs()).dice
        context = p[np.ix_(source.paragraph_of, suspect.paragraph_of)]
        context = context + cfg.substitution_bonus * _orphan_names(source, suspect)
        out = _relaxed_pass(out, m, context, suspect, cfg)
    return out


def _free_vocabulary(tf: TextFeatures, cfg: AlignConfig) -> set[str]:
    return set().union(*(s.free_terms for s in tf.sentences if s.quoted_share < cfg.max_quoted_share))


def vocabulary_similarity(source: TextFeatures, suspect: TextFeatures, config: AlignConfig | None = None) -> float:
    """Jaccard similarity of the unquoted content terms of two texts.

    Args:
        source: Features of the source text.
        suspect: Features of the suspect text.
        config: Thresholds (for ``max_quoted_share``).

    Returns:
        The similarity in [0, 1]; 0 when either text has no content terms.
    """
    cfg = config or AlignConfig()
    a, b = _free_vocabulary(source, cfg), _free_vocabulary(suspect, cfg)
    return len(a & b) / len(a | b) if a and b else 0.0


def _orphan_names(source: TextFeatures, suspect: TextFeatures) -> np.ndarray:
    """1 where source sentence i and suspect sentence j both hold names the
    other text never mentions, else 0."""
    src_names = set().union(*(s.names for s in source.sentences))
    sus_names = set().union(*(s.names for s in suspect.sentences))
    src_vocab = set().union(*(s.terms for s in source.sentences))
    sus_vocab = set().union(*(s.terms for s in suspect.sentences))
    a = np.array([bool(s.names & (src_names - sus_vocab)) for s in source.sentences], dtype=np.float32)
    b = np.array([bool(s.names & (sus_names - src_vocab)) for s in suspect.sentences], dtype=np.float32)
    return np.outer(a, b)


def _relaxed_pass(out: list[SentenceAlignment], m: ScoreMatrices, context: np.ndarray,
                  suspect: TextFeatures, cfg: AlignConfig) -> list[SentenceAlignment]:
    """Align the sentences the strict pass left out, placing each by its own
    similarity plus the similarity of the paragraphs around it."""
    res = list(out)
    for j in range(len(out)):
        if out[j].source_indices or suspect.sentences[j].quoted_share >= cfg.max_quoted_share:
            continue
        score = m.free_dice[:, j] + cfg.context_weight * context[:, j]
        i = int(np.argmax(score))
        sim = float(m.free_dice[i, j])
        if (sim >= cfg.relaxed_similarity and score[i] >= cfg.relaxed_score
                and m.free_suspect_weight[j] >= cfg.min_free_weight
                and m.contained[i, j] * m.suspect_weight[j] >= cfg.relaxed_matched_weight):
            res[j] = SentenceAlignment(j, (i,), sim, True)
    return res


def _align_one(j: int, m: ScoreMatrices, cfg: AlignConfig, quoted_share: float) -> SentenceAlignment:
    col = m.dice[:, j].copy()
    if m.suspect_weight[j] >= cfg.min_contained_weight:
        col = np.maximum(col, 0.8 * m.contained[:, j])
    order = np.argsort(-col)
    best = int(order[0])
    best_score = float(col[best])
    chosen: tuple[int, ...] = (best,)
    # a suspect sentence merged from two adjacent source sentences
    for k in (best - 1, best + 1):
        if 0 <= k < len(col) and m.contained[k, j] > 0.2 and m.contained[best, j] < 0.85:
            merged = float(m.contained[k, j] + m.contained[best, j])
            if merged > m.contained[best, j] + 0.2 and col[k] >= cfg.min_similarity * 0.5:
                chosen = tuple(sorted((best, k)))
                best_score = max(best_score, min(1.0, 0.5 * (col[best] + col[k]) + 0.1))
                break
    aligned = best_score >= cfg.min_similarity or (
        m.suspect_weight[j] >= cfg.min_contained_weight and m.contained[best, j] >= cfg.min_contained)
    if not aligned:
        return SentenceAlignment(j, (), best_score, False)
    reused = bool(max(m.free_dice[i, j] for i in chosen) >= cfg.min_free_similarity
                  and m.free_suspect_weight[j] >= cfg.min_free_weight
                  and quoted_share < cfg.max_quoted_share)
    return SentenceAlignment(j, chosen, min(1.0, best_score), reused)


def build_passages(source: TextFeatures, suspect: TextFeatures, alignments: list[SentenceAlignment],
                   config: AlignConfig | None = None) -> list[Passage]:
    """Merge neighbouring reused sentences into passages (one per reused region).

    Two aligned suspect sentences join the same passage when at most
    ``max_gap`` unaligned suspect sentences separate them and their source
    sentences lie within ``max_source_jump`` sentences of the passage's source
    range (small reorderings stay in one passage).

    Args:
        source: Features of the source text.
        suspect: Features of the suspect text.
        alignments: Output of :func:`align_sentences`.
        config: Thresholds.

    Returns:
        Passages in suspect order.
    """
    cfg = config or AlignConfig()
    groups: list[list[SentenceAlignment]] = []
    for a in alignments:
        if not a.reused:
            continue
        if groups:
            g = groups[-1]
            lo = min(i for x in g for i in x.source_indices)
            hi = max(i for x in g for i in x.source_indices)
            near = all(lo - cfg.max_source_jump <= i <= hi + cfg.max_source_jump for i in a.source_indices)
            if a.suspect_index - g[-1].suspect_index - 1 <= cfg.max_gap and near:
                g.append(a)
                continue
        groups.append([a])
    passages = []
    for g in groups:
        ss = [suspect.sentences[a.suspect_index].sentence for a in g]
        src = [source.sentences[i].sentence for a in g for i in a.source_indices]
        lengths = np.array([s.end - s.start for s in ss], dtype=float)
        score = float(np.average([a.similarity for a in g], weights=lengths))
        passages.append(Passage(min(s.start for s in src), max(s.end for s in src),
                                ss[0].start, ss[-1].end, round(score, 4),
                                tuple(a.suspect_index for a in g)))
    return passages
