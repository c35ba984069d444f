"""Sentence alignment and PAN-style passages."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from dedup.align.features import _TOKEN_RE, SentenceFeatures, TextFeatures, _merge_sentences, _word_info
from dedup.align.scorer import LexicalScorer, ScoreMatrices, SentenceScorer
from dedup.text.sentences import Sentence


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
        seed_similarity: Weighted Dice (or 0.8 x containment for a long
            suspect sentence) a sentence pair needs to seed a passage.
        seed_weight: Term weight a seed pair must share (a few shared words
            of a short sentence are chance).
        seed_dice: Weighted Dice a seed needs even when containment made its
            similarity (a short sentence is contained in a long one by chance).
        seed_terms: Distinct content terms a seed pair must share.
        extend_similarity: Similarity a sentence pair next to a passage needs
            to extend it (reworded sentences of a reused region score lower
            than the seeds that locate it).
        extend_weight: Term weight such a pair must share.
        extend_relative: ... and at least this share of the median
            similarity of the passage's seeds (a verbatim passage does not
            grow over loosely related neighbours).
        verbatim_ngrams: Share of a passage's word trigrams found in the
            source above which it is near-verbatim, and its edges are cut to
            the first and last shared trigram (reuse may start or end inside
            a sentence).
        gap_extend_similarity: Similarity a sentence needs to extend a
            passage past unaligned sentences (a weak match beyond a gap is
            the passage's topic, not more reuse); not in a whole-text
            rewrite, whose every aligned sentence extends its passages.
        extend_window: How many source sentences beyond a passage's source
            range an extension may reach.
        merge_chars: Passages at most this many suspect characters apart
            whose source ranges are near merge into one.
        min_passage_chars: Suspect characters a passage needs ...
        min_passage_weight: ... unless its sentences share this much term
            weight with near-verbatim similarity (``verbatim_similarity``).
        verbatim_similarity: Mean similarity of a near-verbatim passage.
        passage_score: Mean sentence similarity a passage needs, and
        passage_weight: term weight its sentences must share in all (one
            seed among loosely related neighbours is a same-topic text, not
            reuse), unless it is near-verbatim or covers half the suspect.
        rewrite_seed_similarity: When the two texts are related (vocabulary
            similarity at least ``related_vocabulary``) and at least
            ``rewrite_min_seeds`` suspect sentences, and ``rewrite_seed_share``
            of them, align at this similarity, the suspect is a rewrite of
            the whole source: those pairs seed passages too, every aligned
            sentence (relaxed pass included) extends them, and the source
            order is not required.
        rewrite_min_seeds: See ``rewrite_seed_similarity``.
        rewrite_seed_share: See ``rewrite_seed_similarity``.
        summary_ratio: A passage whose source range is this many times longer
            than its suspect side is a summary: its seeds may lie anywhere in
            the source, and the sentences between them are not required to
            follow the source order.
        verbatim_run_words: Words copied verbatim in a row that make a
            passage whatever the sentence alignment found (0: off).
        shared_source_share: A passage whose source range lies this much
            inside a stronger passage's is dropped (one reuse of a source
            text; the weaker restatement is a chance match).
        summary_extend_similarity: Similarity (with ``seed_weight`` shared)
            a sentence next to a summary needs to extend it from anywhere in
            the source.
        chunk_chars: Length of the chunks (runs of consecutive sentences)
            the chunk pass compares.
        chunk_similarity: Weighted Dice of two chunks that makes them a
            passage where no other passage is (0: no chunk pass).
        chunk_gate_similarity: The chunk pass runs only when a suspect
            sentence outside the passages has a source sentence this similar
            ...
        chunk_gate_weight: ... and one shares this much term weight with a
            source sentence (cost: the pass scores the texts again).
        edge_similarity: Similarity that extends a passage by the suspect
            sentence next to it when that sentence's best source sentence is
            the one next to (or at) the passage's source edge (0: off).
        max_expansion: A passage whose suspect side is more than this many
            times longer than its source side is dropped (outside whole-text
            rewrites).
        single_pair_min_similarity: ``min_similarity`` when both texts are a
            single sentence: the caller asked about exactly these two
            sentences, so a heavily reworded pair is still aligned (and its
            meaning changes flagged); the verdict still depends on the
            similarity.
        region_anchor_similarity: Region pass: a suspect sentence outside
            the passages whose best source sentence reaches this similarity
            (sharing ``extend_weight``) is an anchor; ...
        region_min_anchors: ... at least this many anchors close on both
            sides (as seeds are, ``max_gap`` / ``max_source_jump``) make a
            candidate region (from the first to the last anchor on each
            side), ...
        region_similarity: ... which becomes a passage when the two regions
            as wholes reach this weighted Dice ...
        region_weight: ... and share this much term weight ...
        source_edge_share: A reworded passage's source side grows over a
            neighbouring source sentence with this share of its terms among
            the terms of the passage's suspect side (0: off).
        source_edge_new_terms: ... or over one holding at least this many
            terms of the suspect side that its source side lacks (0: off) ...
        source_edge_new_share: ... with at least this share of its terms
            among the suspect side's (random obfuscation deletes words, so a
            reused source sentence keeps few of its terms in the suspect).
        edge_trim_chars: A reworded passage's edge sentence (on either side)
            that holds the other side's terms only in part is cut where they
            end, when that drops at least this many characters (0: off): the
            sentence splitter joins text around a reuse (lines without
            punctuation) into one long sentence.
        edge_trim_miss: Where to cut: the end (start) of the edge sentence's
            prefix (suffix) maximising +1 per word whose term the other side
            holds and -``edge_trim_miss`` per other content word.
        suspect_edge_share: ... and then its suspect side over a neighbouring
            suspect sentence with this share of its terms among the terms of
            the (grown) source side (0: off).
        summary_local_members: A group of this many members that restate one
            compact source region (not reading as a summary) is a local
            reuse: a far source sentence no longer joins it as a summary.
        reuse_source_once: A suspect sentence does not extend a passage
            (outside summaries) with a source sentence that a member other
            than its neighbours already restates.
        summary_copied_share: A passage read as a summary of the whole source
            whose word 5-grams are at least this share found in one source
            window (``summary_ratio`` times its word count) copies that
            window: the window is its source side (0: off).
        region_contained: ... which is at least this share of the suspect
            region's (a rewrite that moves words across sentence boundaries
            leaves each sentence pair weak but the region pair strong, and
            keeps most of the reused words; 0 similarity: no region pass).
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
    seed_similarity: float = 0.45
    seed_weight: float = 2.5
    seed_dice: float = 0.3
    seed_terms: int = 3
    extend_similarity: float = 0.2
    extend_weight: float = 1.0
    extend_window: int = 3
    extend_relative: float = 0.4
    verbatim_ngrams: float = 0.5
    merge_chars: int = 300
    min_passage_chars: int = 150
    min_passage_weight: float = 4.0
    verbatim_similarity: float = 0.8
    passage_score: float = 0.4
    passage_weight: float = 10.0
    rewrite_seed_similarity: float = 0.3
    rewrite_min_seeds: int = 3
    rewrite_seed_share: float = 0.15
    summary_ratio: float = 3.0
    summary_extend_similarity: float = 0.35
    shared_source_share: float = 0.5
    verbatim_run_words: int = 25
    chunk_chars: int = 300
    chunk_similarity: float = 0.4
    chunk_gate_similarity: float = 0.25
    chunk_gate_weight: float = 3.0
    max_expansion: float = 4.0
    edge_similarity: float = 0.2
    single_pair_min_similarity: float = 0.15
    region_anchor_similarity: float = 0.3
    region_min_anchors: int = 2
    region_similarity: float = 0.4
    region_weight: float = 5.0
    region_contained: float = 0.5
    source_edge_share: float = 0.6
    suspect_edge_share: float = 0.75
    summary_copied_share: float = 0.7
    summary_local_members: int = 3
    reuse_source_once: bool = True
    source_edge_new_terms: int = 2
    source_edge_new_share: float = 0.3
    edge_trim_chars: int = 100
    edge_trim_miss: float = 0.3
    gap_extend_similarity: float = 0.3


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
    matched_weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Passage:
    """A maximal reused region: ``[source_start, source_end)`` of the source
    became ``[suspect_start, suspect_end)`` of the suspect."""

    source_start: int
    source_end: int
    suspect_start: int
    suspect_end: int
    score: float
    suspect_indices: tuple[int, ...]

    def to_dict(self) -> dict[str, int | float]:
        """The JSON form of ``Comparison.to_dict()["passages"]`` and of ``reuse.jsonl``
        (offsets and score; the internal sentence indices are left out)."""
        return {"source_start": self.source_start, "source_end": self.source_end,
                "suspect_start": self.suspect_start, "suspect_end": self.suspect_end, "score": self.score}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Passage":
        """The passage :meth:`to_dict` gave (with no sentence indices)."""
        return cls(d["source_start"], d["source_end"], d["suspect_start"], d["suspect_end"], d["score"], ())


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
    return _align(source, suspect, config or AlignConfig(), scorer or LexicalScorer())[0]


def align_texts(source: TextFeatures, suspect: TextFeatures, config: AlignConfig | None = None,
                scorer: SentenceScorer | None = None) -> tuple[list[SentenceAlignment], list[Passage]]:
    """:func:`align_sentences` and :func:`build_passages` with one scoring.

    Returns:
        The sentence alignments and the passages.
    """
    cfg = config or AlignConfig()
    al, m = _align(source, suspect, cfg, scorer or LexicalScorer())
    return al, _passages(source, suspect, al, m, cfg, scorer or LexicalScorer())


def _align(source: TextFeatures, suspect: TextFeatures, cfg: AlignConfig,
           sc: SentenceScorer) -> tuple[list[SentenceAlignment], ScoreMatrices | None]:
    ns, nt = len(source.sentences), len(suspect.sentences)
    if ns == 0 or nt == 0:
        return [SentenceAlignment(j, (), 0.0, False) for j in range(nt)], None
    if ns == 1 and nt == 1 and cfg.single_pair_min_similarity < cfg.min_similarity:
        cfg = replace(cfg, min_similarity=cfg.single_pair_min_similarity)
    m = sc.score(source.sentences, suspect.sentences)
    # every suspect sentence's score column and best source sentence at once
    col = np.where((m.suspect_weight >= cfg.min_contained_weight)[None, :],
                   np.maximum(m.dice, 0.8 * m.contained), m.dice)
    best = col.argmax(axis=0)
    top = col[best, np.arange(nt)]
    # several sources share a best score above 0: the one a descending sort puts first
    for j in np.nonzero(((col == top[None, :]).sum(axis=0) > 1) & (top > 0))[0].tolist():
        best[j] = np.argsort(-col[:, j])[0]
    best = best.tolist()
    out = [_align_one(j, m, cfg, suspect.sentences[j].quoted_share, col, best[j]) for j in range(nt)]
    if vocabulary_similarity(source, suspect, cfg) >= cfg.related_vocabulary:
        p = sc.score(source.paragraphs(), suspect.paragraphs()).dice
        context = p[np.ix_(source.paragraph_of, suspect.paragraph_of)]
        context = context + cfg.substitution_bonus * _orphan_names(source, suspect)
        out = _relaxed_pass(out, m, context, suspect, cfg)
    return out, m


def _free_vocabulary(tf: TextFeatures, cfg: AlignConfig) -> frozenset[str]:
    """Unquoted content terms of the sentences that are not quotations (once per text)."""
    return tf.memo(("free-vocabulary", cfg.max_quoted_share), lambda: frozenset().union(
        *(s.free_terms for s in tf.sentences if s.quoted_share < cfg.max_quoted_share)))


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
            res[j] = SentenceAlignment(j, (i,), sim, True, float(m.contained[i, j] * m.suspect_weight[j]))
    return res


def _align_one(j: int, m: ScoreMatrices, cfg: AlignConfig, quoted_share: float,
               scores: np.ndarray, best: int) -> SentenceAlignment:
    """Alignment of suspect sentence ``j`` given ``scores`` (Dice, or 0.8 x
    containment where larger for a suspect sentence of enough weight) and
    its best source sentence ``best`` (first maximum of column ``j``)."""
    col = scores[:, j]
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
    # without quotations on either side the free scores are the scores: the
    # alignment itself (containment included) decides
    unquoted = (m.free_suspect_weight[j] == m.suspect_weight[j]
                and all(m.free_dice[i, j] == m.dice[i, j] for i in chosen))
    reused = bool((unquoted or max(m.free_dice[i, j] for i in chosen) >= cfg.min_free_similarity)
                  and m.free_suspect_weight[j] >= cfg.min_free_weight
                  and quoted_share < cfg.max_quoted_share)
    matched = float(sum(m.contained[i, j] for i in chosen) * m.suspect_weight[j])
    return SentenceAlignment(j, chosen, min(1.0, best_score), reused, matched)


def build_passages(source: TextFeatures, suspect: TextFeatures, alignments: list[SentenceAlignment],
                   config: AlignConfig | None = None, scorer: SentenceScorer | None = None) -> list[Passage]:
    """Passages (one per reused region) by seed and extend.

    Seeds are the reused sentence pairs of high similarity sharing enough
    term weight. Seeds close on both sides (at most ``max_gap`` suspect
    sentences apart, source within ``max_source_jump`` sentences of the
    passage's source range; anywhere in the source when the passage reads as
    a summary) form a passage. A passage then grows over its neighbouring
    suspect sentences whose best source sentence near the passage's source
    range reaches ``extend_similarity``, neighbouring passages merge, and
    passages too short and not near-verbatim are dropped.

    Args:
        source: Features of the source text.
        suspect: Features of the suspect text.
        alignments: Output of :func:`align_sentences`.
        config: Thresholds.
        scorer: Sentence scorer (default: :class:`LexicalScorer`).

    Returns:
        Passages in suspect order.
    """
    cfg = config or AlignConfig()
    if not source.sentences or not suspect.sentences:
        return []
    sc = scorer or LexicalScorer()
    m = sc.score(source.sentences, suspect.sentences)
    return _passages(source, suspect, alignments, m, cfg, sc)


@dataclass
class _Group:
    members: dict[int, tuple[tuple[int, ...], float, float]]  # suspect index -> (sources, similarity, weight)
    seed_similarity: float = 0.0

    @property
    def first(self) -> int:
        return min(self.members)

    @property
    def last(self) -> int:
        return max(self.members)

    def source_range(self) -> tuple[int, int]:
        idx = [i for src, _, _ in self.members.values() for i in src]
        return min(idx), max(idx)


def _is_seed(a: SentenceAlignment, cfg: AlignConfig, similarity: float | None = None) -> bool:
    return bool(a.reused and a.source_indices and a.similarity >= (similarity or cfg.seed_similarity)
                and a.matched_weight >= cfg.seed_weight)


def _is_rewrite(source: TextFeatures, suspect: TextFeatures, alignments: list[SentenceAlignment],
                cfg: AlignConfig) -> bool:
    """Whether the suspect rewrites the source as a whole (see ``rewrite_seed_similarity``)."""
    n = sum(1 for a in alignments if _is_seed(a, cfg, cfg.rewrite_seed_similarity))
    if n < cfg.rewrite_min_seeds or n < cfg.rewrite_seed_share * len(alignments):
        return False
    return vocabulary_similarity(source, suspect, cfg) >= cfg.related_vocabulary


def _passages(source: TextFeatures, suspect: TextFeatures, alignments: list[SentenceAlignment],
              m: ScoreMatrices | None, cfg: AlignConfig, scorer: SentenceScorer | None = None) -> list[Passage]:
    if m is None:
        return []
    sus_s = [f.sentence for f in suspect.sentences]
    src_s = [f.sentence for f in source.sentences]
    ns = len(src_s)
    quoted = [f.quoted_share >= cfg.max_quoted_share for f in suspect.sentences]

    def src_len(lo: int, hi: int) -> int:
        return src_s[hi].end - src_s[lo].start

    def sus_len(lo: int, hi: int) -> int:
        return sus_s[hi].end - sus_s[lo].start

    def summary_like(g: _Group, extra: tuple[int, ...] = (), j: int | None = None) -> bool:
        lo, hi = g.source_range()
        if extra:
            lo, hi = min(lo, *extra), max(hi, *extra)
        last = g.last if j is None else max(g.last, j)
        return src_len(lo, hi) >= cfg.summary_ratio * sus_len(g.first, last)

    def open_to_summary(g: _Group) -> bool:
        """Whether far source text may join ``g`` as a summary: not when
        ``summary_local_members`` or more members already restate one
        compact source region (a local reuse; the far match is chance)."""
        return len(g.members) < cfg.summary_local_members or summary_like(g)

    rewrite = _is_rewrite(source, suspect, alignments, cfg)
    seed_sim = cfg.rewrite_seed_similarity if rewrite else cfg.seed_similarity

    def strong(a: SentenceAlignment) -> bool:
        if not _is_seed(a, cfg, seed_sim):
            return False
        if rewrite:
            return True
        terms = suspect.sentences[a.suspect_index].terms
        src_terms = frozenset().union(*(source.sentences[i].terms for i in a.source_indices))
        j = a.suspect_index
        dice_ok = max(m.dice[i, j] for i in a.source_indices) >= cfg.seed_dice or (
            # a sentence wholly inside a long source sentence (lists, merged sentences)
            sum(m.contained[i, j] for i in a.source_indices) >= 0.9 and a.matched_weight >= 3 * cfg.seed_weight)
        return dice_ok and len(terms & src_terms) >= cfg.seed_terms

    col = np.maximum(m.dice, 0.8 * m.contained * (m.suspect_weight >= cfg.min_contained_weight)[None, :])
    matched = m.contained * m.suspect_weight[None, :]

    def nearby(a: SentenceAlignment, lo: int, hi: int) -> tuple[int, ...] | None:
        """The seed's source, or an almost as similar source sentence near
        [lo, hi] (a sentence the source repeats)."""
        if all(lo - cfg.max_source_jump <= i <= hi + cfg.max_source_jump for i in a.source_indices):
            return a.source_indices
        j = a.suspect_index
        a_, b_ = max(0, lo - cfg.max_source_jump), min(ns, hi + cfg.max_source_jump + 1)
        if a_ >= b_:
            return None
        i = a_ + int(np.argmax(col[a_:b_, j]))
        if col[i, j] >= 0.95 * max(col[k, j] for k in a.source_indices):
            return (i,)
        return None

    # 1. seeds, clustered in suspect order; a seed joins the latest compatible group
    groups: list[_Group] = []
    for a in alignments:
        if not strong(a):
            continue
        j = a.suspect_index
        placed = False
        recent = [g for g in reversed(groups[-3:]) if j - g.last - 1 <= cfg.max_gap]
        for g in recent:
            near = nearby(a, *g.source_range())
            if near is not None:
                g.members[j] = (near, a.similarity, a.matched_weight)
                placed = True
                break
        if not placed and recent and recent[0] is groups[-1] and len(groups[-1].members) == 1:
            # a lone previous seed may have matched a sentence the source repeats elsewhere
            k = groups[-1].first
            alt = nearby(alignments[k], min(a.source_indices), max(a.source_indices))
            if alt is not None:
                _, sim_k, w_k = groups[-1].members[k]
                groups[-1].members[k] = (alt, sim_k, w_k)
                groups[-1].members[j] = (a.source_indices, a.similarity, a.matched_weight)
                placed = True
        if not placed:
            for g in recent:
                if rewrite or (summary_like(g, a.source_indices, j) and open_to_summary(g)):
                    g.members[j] = (a.source_indices, a.similarity, a.matched_weight)
                    placed = True
                    break
        if not placed:
            groups.append(_Group({j: (a.source_indices, a.similarity, a.matched_weight)}))

    # 2. extension over neighbouring suspect sentences, near the source range

    def extension(g: _Group, j: int) -> tuple[tuple[int, ...], float, float] | None:
        # quoted sentences extend a passage too: inside a reused region they are reused
        own = alignments[j]
        if rewrite and own.reused and own.source_indices:
            return own.source_indices, own.similarity, own.matched_weight
        lo, hi = g.source_range()
        summary = summary_like(g)
        a, b = (0, ns) if summary else (max(0, lo - cfg.extend_window), min(ns, hi + cfg.extend_window + 1))
        c = col[a:b, j]
        if not len(c):
            return None
        i = a + int(np.argmax(c))
        if summary:  # anywhere in the source: chance matches abound, ask for more
            need, need_weight = cfg.summary_extend_similarity, cfg.seed_weight
        else:
            need = max(cfg.extend_similarity, cfg.extend_relative * g.seed_similarity)
            need_weight = cfg.extend_weight
        if (not summary and cfg.reuse_source_once
                and any(i in srcs for k, (srcs, _, _) in g.members.items() if abs(k - j) > 1)):
            # a source sentence a member away from j restates already: a
            # weak match to it is the passage's topic, not more reuse
            return None
        if c[i - a] >= need and matched[i, j] >= need_weight:
            return (i,), float(c[i - a]), float(matched[i, j])
        if not summary and cfg.edge_similarity > 0 and g.seed_similarity < cfg.verbatim_similarity:
            # the sentence just outside the passage whose best source sentence
            # is just outside (or at) the passage's source edge continues the
            # reuse in both texts: a lower similarity suffices (a near-verbatim
            # passage's edges are where the shared words end instead)
            if j == g.first - 1:
                s0 = min(g.members[g.first][0])
                edge: tuple[int, ...] = (s0 - 1, s0)
            elif j == g.last + 1:
                s1 = max(g.members[g.last][0])
                edge = (s1, s1 + 1)
            else:
                edge = ()
            if i in edge and c[i - a] >= cfg.edge_similarity and matched[i, j] >= cfg.extend_weight:
                return (i,), float(c[i - a]), float(matched[i, j])
        return None

    nt = len(sus_s)
    for g in groups:
        g.seed_similarity = float(np.median([sim for _, sim, _ in g.members.values()]))
        for step in (-1, 1):
            j = (g.first if step < 0 else g.last) + step
            misses = 0
            while 0 <= j < nt and misses <= cfg.max_gap:
                if j in g.members:
                    j += step
                    continue
                ext = extension(g, j)
                if ext is not None and misses and not rewrite and ext[1] < cfg.gap_extend_similarity:
                    ext = None  # past unaligned sentences, a weak match is the topic
                if ext is None:
                    misses += 1
                else:
                    g.members[j] = ext
                    misses = 0
                j += step
    # 3. merge overlapping or neighbouring groups whose source ranges are near
    groups.sort(key=lambda g: g.first)
    merged: list[_Group] = []
    for g in groups:
        if merged:
            h = merged[-1]
            gap = sus_s[g.first].start - sus_s[h.last].end
            hlo, hhi = h.source_range()
            glo, ghi = g.source_range()
            src_gap = max(glo - hhi, hlo - ghi, 0)
            if g.first <= h.last or (gap <= cfg.merge_chars and g.first - h.last - 1 <= cfg.max_gap and (
                    rewrite or src_gap <= cfg.max_source_jump
                    or (summary_like(h, (glo, ghi), g.last) and open_to_summary(h) and open_to_summary(g)))):
                for j, v in g.members.items():
                    h.members.setdefault(j, v)
                continue
        merged.append(g)
    # 4. trim members, passages, filter
    passages = []
    for g in merged:
        members = sorted(g.members.items())
        summary = summary_like(g)
        # drop source outliers: a member whose source lies far from every other member's
        if len(members) >= 3 and not rewrite and not summary:
            keep = []
            for k, (j, (srcs, sim, w)) in enumerate(members):
                others = [i for kk, (_, (ss, _, _)) in enumerate(members) if kk != k for i in ss]
                if min(abs(i - o) for i in srcs for o in others) <= cfg.max_source_jump // 2 + 1:
                    keep.append((j, (srcs, sim, w)))
            members = keep or members
        first, last = members[0][0], members[-1][0]
        s_idx = [i for _, (srcs, _, _) in members for i in srcs]
        whole_source = summary and src_len(min(s_idx), max(s_idx)) >= 0.3 * src_len(0, ns - 1)
        copy_of = None
        if whole_source and cfg.summary_copied_share > 0:
            copy_of = _copied_region(source, suspect, sus_s[first].start, sus_s[last].end,
                                     cfg.summary_ratio, cfg.summary_copied_share)
            # mostly copied word for word from one compact source region: a
            # copy of that region, not a summary of the whole source
            whole_source = copy_of is None
        lengths = np.array([sus_s[j].end - sus_s[j].start for j, _ in members], dtype=float)
        score = float(np.average([sim for _, (_, sim, _) in members], weights=lengths))
        weight = sum(w for _, (_, _, w) in members)
        shared = {t for j, (srcs, _, _) in members for i in srcs
                  for t in suspect.sentences[j].terms & source.sentences[i].terms if t.isalpha()}
        # a summary of much of the source summarises all of it
        src_start, src_end = ((0, len(source.text)) if whole_source else copy_of if copy_of is not None
                              else (src_s[min(s_idx)].start, src_s[max(s_idx)].end))
        p = Passage(src_start, src_end, sus_s[first].start, sus_s[last].end,
                    round(min(1.0, score), 4), tuple(j for j, _ in members))
        long_enough = (p.suspect_end - p.suspect_start >= cfg.min_passage_chars
                       and score >= cfg.passage_score and weight >= cfg.passage_weight)
        verbatim = (score >= cfg.verbatim_similarity and weight >= cfg.min_passage_weight
                    and len(shared) >= cfg.seed_terms + 1)
        whole = ((p.suspect_end - p.suspect_start) >= 0.5 * max(1, sus_s[-1].end - sus_s[0].start)
                 and (rewrite or score >= cfg.passage_score))
        if long_enough or verbatim or whole:
            sus_bounds = (sus_s[max(0, first - 1)].start, sus_s[min(len(sus_s) - 1, last + 1)].end)
            src_bounds = (src_s[max(0, min(s_idx) - 1)].start, src_s[min(ns - 1, max(s_idx) + 1)].end)
            passages.append(p if whole_source else  # a summary keeps the whole source
                            _trim_verbatim(p, source, suspect, cfg, sus_bounds, src_bounds))
    if rewrite:
        return [_trim_loose_edges(p, source, suspect, cfg) for p in passages]
    if cfg.verbatim_run_words > 0:
        passages = _add_verbatim_runs(passages, source, suspect, cfg)
    if cfg.chunk_similarity > 0 and _chunk_pass_due(passages, sus_s, m, cfg):
        passages = _add_chunk_passages(passages, source, suspect, scorer or LexicalScorer(), cfg)
    if cfg.region_similarity > 0:
        passages = _add_region_passages(passages, source, suspect, col, matched, quoted,
                                        scorer or LexicalScorer(), cfg)
    # a reuse does not grow its source text many times over: such a passage
    # is mostly unrelated suspect text around a few shared words
    passages = [p for p in passages
                if p.suspect_end - p.suspect_start <= cfg.max_expansion * (p.source_end - p.source_start)]
    if cfg.source_edge_share > 0:
        passages = [_grow_source_edges(p, source, suspect, cfg) for p in passages]
    passages = [_trim_loose_edges(p, source, suspect, cfg) for p in passages]
    return _one_use_of_source(passages, cfg)


def _span_terms(tf: TextFeatures, start: int, end: int) -> frozenset[str]:
    """Terms of the sentences of ``tf`` overlapping ``[start, end)``."""
    return frozenset().union(*(s.terms for s in tf.sentences if start < s.sentence.end and s.sentence.start < end))


def _cut_edges(tf: TextFeatures, start: int, end: int, held: frozenset[str], cfg: AlignConfig) -> tuple[int, int]:
    """``[start, end)`` with the edge sentences cut where the terms in
    ``held`` end (see ``AlignConfig.edge_trim_chars``)."""
    inside = [s.sentence for s in tf.sentences if start < s.sentence.end and s.sentence.start < end]
    if not inside:
        return start, end

    def content(a: int, b: int) -> list[tuple[int, int, bool]]:
        out = []
        for m in _TOKEN_RE.finditer(tf.text, a, b):
            info = _word_info(m.group())
            if info is not None:
                out.append((m.start(), m.end(), info[0] in held))
        return out

    def best_cut(words: list[tuple[int, int, bool]]) -> int:
        """Index of the word ending the best-scoring run from the first word (-1: none)."""
        best, at, run = 0.0, -1, 0.0
        for k, (_, _, hit) in enumerate(words):
            run += 1.0 if hit else -cfg.edge_trim_miss
            if run > best:
                best, at = run, k
        return at

    words = content(max(start, inside[-1].start), end)
    k = best_cut(words)
    if k >= 0 and end - words[k][1] >= cfg.edge_trim_chars:
        end = _widen_end(tf.text, words[k][1], end)
    words = content(start, min(end, inside[0].end))[::-1]
    k = best_cut(words)
    if k >= 0 and words[k][0] - start >= cfg.edge_trim_chars:
        start = _widen_start(tf.text, words[k][0], start)
    return start, end


def _trim_loose_edges(p: Passage, source: TextFeatures, suspect: TextFeatures, cfg: AlignConfig) -> Passage:
    """Cut a reworded passage's edge sentences, on both sides, where the
    other side's terms end (see ``AlignConfig.edge_trim_chars``); a
    near-verbatim passage's edges are cut by its shared trigrams instead, and
    a summary names a source region, not the words it reuses."""
    if (cfg.edge_trim_chars <= 0 or p.score >= cfg.verbatim_similarity
            or p.source_end - p.source_start >= cfg.summary_ratio * (p.suspect_end - p.suspect_start)):
        return p
    src_terms = _span_terms(source, p.source_start, p.source_end)
    sus_terms = _span_terms(suspect, p.suspect_start, p.suspect_end)
    sus_start, sus_end = _cut_edges(suspect, p.suspect_start, p.suspect_end, src_terms, cfg)
    src_start, src_end = _cut_edges(source, p.source_start, p.source_end, sus_terms, cfg)
    return replace(p, source_start=src_start, source_end=src_end, suspect_start=sus_start, suspect_end=sus_end)


def _grow_range(lo: int, hi: int, n: int, ok: Callable[[int], bool], steps: int,
                take: Callable[[int], object] | None = None) -> tuple[int, int]:
    """Grow the index range ``[lo, hi]`` (of ``n`` sentences) by up to
    ``steps`` sentences each way while ``ok`` accepts the next one: first
    leftwards, then rightwards; ``take`` is called on each sentence taken
    (before the next is tested)."""
    for _ in range(steps):
        if lo > 0 and ok(lo - 1):
            lo -= 1
            if take is not None:
                take(lo)
        else:
            break
    for _ in range(steps):
        if hi + 1 < n and ok(hi + 1):
            hi += 1
            if take is not None:
                take(hi)
        else:
            break
    return lo, hi


def _grow_source_edges(p: Passage, source: TextFeatures, suspect: TextFeatures, cfg: AlignConfig) -> Passage:
    """Grow a reworded passage's source side over the neighbouring source
    sentences (up to ``max_gap`` each way) whose terms are mostly
    (``source_edge_share``) among the terms of its suspect side, then its
    suspect side likewise (``suspect_edge_share``): a rewrite moves words
    across sentences, so a sentence no single sentence of the other side
    restates may still be reused."""
    if p.score >= cfg.verbatim_similarity:
        return p  # a near-verbatim passage's edges are where the copied words end
    vocab = frozenset().union(*(s.terms for s in suspect.sentences
                                if p.suspect_start <= s.sentence.start and s.sentence.end <= p.suspect_end))
    src = source.sentences
    inside = [k for k, s in enumerate(src) if p.source_start <= s.sentence.start and s.sentence.end <= p.source_end]
    if not inside or not vocab:
        return p
    lo, hi = inside[0], inside[-1]
    # suspect-side terms the source side does not hold yet
    unexplained = set(vocab - frozenset().union(*(src[k].terms for k in range(lo, hi + 1))))

    def shared(k: int) -> bool:
        t = src[k].terms
        if not t:
            return False
        held = len(t & vocab)
        if held >= cfg.source_edge_share * len(t):
            return True
        # a sentence shortened by deleted words: it holds several suspect
        # terms no source sentence of the passage holds
        return (cfg.source_edge_new_terms > 0 and held >= cfg.source_edge_new_share * len(t)
                and len(t & unexplained) >= cfg.source_edge_new_terms)

    lo, hi = _grow_range(lo, hi, len(src), shared, cfg.max_gap,
                         take=lambda k: unexplained.difference_update(src[k].terms))
    p = replace(p, source_start=min(p.source_start, src[lo].sentence.start),
                source_end=max(p.source_end, src[hi].sentence.end))
    if cfg.suspect_edge_share <= 0:
        return p
    vocab = frozenset().union(*(s.terms for s in src[lo:hi + 1]))
    sus = suspect.sentences
    inside = [k for k, s in enumerate(sus) if p.suspect_start <= s.sentence.start and s.sentence.end <= p.suspect_end]
    if not inside:
        return p
    lo, hi = inside[0], inside[-1]

    def held(k: int) -> bool:
        t = sus[k].terms
        return bool(t) and len(t & vocab) >= cfg.suspect_edge_share * len(t)

    lo, hi = _grow_range(lo, hi, len(sus), held, cfg.max_gap)
    return replace(p, suspect_start=min(p.suspect_start, sus[lo].sentence.start),
                   suspect_end=max(p.suspect_end, sus[hi].sentence.end))


def _add_region_passages(passages: list[Passage], source: TextFeatures, suspect: TextFeatures,
                         col: np.ndarray, matched: np.ndarray, quoted: list[bool],
                         scorer: SentenceScorer, cfg: AlignConfig) -> list[Passage]:
    """Region pass (see ``AlignConfig.region_similarity``): runs of weakly
    aligned suspect sentences outside the passages, close on both sides,
    become passages when their suspect and source regions as wholes are
    similar (terms moved across sentence boundaries, shuffled words)."""
    src_f, sus_f = source.sentences, suspect.sentences
    covered = [(p.suspect_start, p.suspect_end) for p in passages]
    best = col.argmax(axis=0)
    groups: list[list[tuple[int, int]]] = []
    for j in np.nonzero(col.max(axis=0) >= cfg.region_anchor_similarity)[0].tolist():
        i = int(best[j])
        x = sus_f[j].sentence
        if (quoted[j] or matched[i, j] < cfg.extend_weight
                or any(min(b, x.end) > max(a, x.start) for a, b in covered)):
            continue
        g = groups[-1] if groups else None
        if (g and j - g[-1][0] - 1 <= cfg.max_gap
                and min(abs(i - k) for _, k in g) <= cfg.max_source_jump):
            g.append((j, i))
        else:
            groups.append([(j, i)])
    groups = [g for g in groups if len(g) >= cfg.region_min_anchors]
    if not groups:
        return passages
    spans = [(g[0][0], g[-1][0], min(i for _, i in g), max(i for _, i in g)) for g in groups]
    regions_sus = [_merge_sentences(suspect.text, list(sus_f[a:b + 1])) for a, b, _, _ in spans]
    regions_src = [_merge_sentences(source.text, list(src_f[c:d + 1])) for _, _, c, d in spans]
    # scored among the sentences, so the terms weigh as they do for them
    ns, nt = len(src_f), len(sus_f)
    m = scorer.score(list(src_f) + regions_src, list(sus_f) + regions_sus)
    out = list(passages)
    for k, (a, b, c, d) in enumerate(spans):
        dice = float(m.dice[ns + k, nt + k])
        weight = float(m.contained[ns + k, nt + k] * m.suspect_weight[nt + k])
        if (dice < cfg.region_similarity or weight < cfg.region_weight
                or m.contained[ns + k, nt + k] < cfg.region_contained):
            continue
        r = Passage(src_f[c].sentence.start, src_f[d].sentence.end,
                    sus_f[a].sentence.start, sus_f[b].sentence.end, round(dice, 4), ())
        # next to a passage on both sides: the rest of that reuse
        near = [q for q in out if _gap(q.suspect_start, q.suspect_end, r.suspect_start, r.suspect_end)
                <= cfg.merge_chars and _gap(q.source_start, q.source_end, r.source_start, r.source_end)
                <= cfg.merge_chars]
        if near:
            q = near[0]
            out[out.index(q)] = Passage(min(q.source_start, r.source_start), max(q.source_end, r.source_end),
                                        min(q.suspect_start, r.suspect_start), max(q.suspect_end, r.suspect_end),
                                        q.score, q.suspect_indices)
            continue
        # source text another passage reuses is reused once
        if any(_gap(q.source_start, q.source_end, r.source_start, r.source_end) == 0 for q in out):
            continue
        out.append(r)
    out.sort(key=lambda p: p.suspect_start)
    return out


def _gap(a0: int, a1: int, b0: int, b1: int) -> int:
    """Characters between ``[a0, a1)`` and ``[b0, b1)`` (0 when they overlap or touch)."""
    return max(0, b0 - a1, a0 - b1)


def _chunks(tf: TextFeatures, size: int) -> tuple[SentenceFeatures, ...]:
    """Runs of consecutive sentences of at least ``size`` characters (the
    last may be shorter), as pseudo-sentences; computed once per text."""
    def compute() -> tuple[SentenceFeatures, ...]:
        groups: list[list[SentenceFeatures]] = []
        cur: list[SentenceFeatures] = []
        for s in tf.sentences:
            cur.append(s)
            if cur[-1].sentence.end - cur[0].sentence.start >= size:
                groups.append(cur)
                cur = []
        if cur:
            groups.append(cur)
        return tuple(_merge_sentences(tf.text, g) for g in groups)
    return tf.memo(("chunks", size), compute)


def _chunk_pass_due(passages: list[Passage], sus_s: list[Sentence], m: ScoreMatrices, cfg: AlignConfig) -> bool:
    """Whether the chunk pass may find anything: a chunk pair similar enough
    holds sentence pairs that are somewhat similar too, so it runs only when
    some suspect sentence outside the passages reaches ``chunk_gate_similarity``
    with a source sentence, and some shares ``chunk_gate_weight`` of term weight
    with one (it costs another scoring)."""
    covered = [(p.suspect_start, p.suspect_end) for p in passages]
    free = [j for j, x in enumerate(sus_s) if not any(min(b, x.end) > max(a, x.start) for a, b in covered)]
    if not free:
        return False
    matched = m.contained[:, free] * m.suspect_weight[free][None, :]
    return bool(m.dice[:, free].max() >= cfg.chunk_gate_similarity and matched.max() >= cfg.chunk_gate_weight)


def _add_chunk_passages(passages: list[Passage], source: TextFeatures, suspect: TextFeatures,
                        scorer: SentenceScorer, cfg: AlignConfig) -> list[Passage]:
    """Chunk pass: blocks of consecutive sentences (``chunk_chars`` long)
    whose terms overlap with ``chunk_similarity`` become passages where no
    passage is (list-like text, or an obfuscation that broke the sentences,
    leaves no sentence pair similar enough). Neighbouring hits form one
    passage, cut on both sides to the sentences sharing terms with the
    other side."""
    cs, ct = _chunks(source, cfg.chunk_chars), _chunks(suspect, cfg.chunk_chars)
    if not cs or not ct:
        return passages
    m = scorer.score(cs, ct)
    hits = np.argwhere(m.dice >= cfg.chunk_similarity)
    if not len(hits):
        return passages

    def free(lo: int, hi: int, taken: list[tuple[int, int]]) -> bool:
        return not any(min(hi, b) > max(lo, a) for a, b in taken)

    sus_taken = [(p.suspect_start, p.suspect_end) for p in passages]
    src_taken = [(p.source_start, p.source_end) for p in passages]
    # hits in suspect order, best source chunk first; neighbours group
    groups: list[list[tuple[int, int]]] = []
    for j, i in sorted(((int(j), int(i)) for i, j in hits), key=lambda h: (h[0], -m.dice[h[1], h[0]])):
        a, b = ct[j].sentence, cs[i].sentence
        if not free(a.start, a.end, sus_taken) or not free(b.start, b.end, src_taken):
            continue
        g = groups[-1] if groups else None
        if g and g[-1][0] == j:
            continue  # one source chunk per suspect chunk
        if g and j - g[-1][0] <= 1 and abs(i - g[-1][1]) <= 1:
            g.append((j, i))
        else:
            groups.append([(j, i)])
    out = list(passages)
    for g in groups:
        sus_lo, sus_hi = ct[g[0][0]].sentence.start, ct[g[-1][0]].sentence.end
        src_lo = min(cs[i].sentence.start for _, i in g)
        src_hi = max(cs[i].sentence.end for _, i in g)
        sus_span = _sharing_span(suspect, sus_lo, sus_hi, source, src_lo, src_hi)
        src_span = _sharing_span(source, src_lo, src_hi, suspect, sus_lo, sus_hi)
        if sus_span is None or src_span is None:
            continue
        score = float(np.mean([m.dice[i, j] for j, i in g]))
        out.append(Passage(src_span[0], src_span[1], sus_span[0], sus_span[1], round(score, 4), ()))
    out.sort(key=lambda p: p.suspect_start)
    return out


def _sharing_span(tf: TextFeatures, lo: int, hi: int, other: TextFeatures, olo: int, ohi: int,
                  min_share: float = 0.3) -> tuple[int, int] | None:
    """From the first to the last sentence of ``tf`` inside ``[lo, hi)`` with
    at least ``min_share`` of its terms among the terms of ``other``'s
    sentences inside ``[olo, ohi)``."""
    vocab = frozenset().union(*(s.terms for s in other.sentences if olo <= s.sentence.start and s.sentence.end <= ohi))
    keep = [s.sentence for s in tf.sentences if lo <= s.sentence.start and s.sentence.end <= hi
            and s.terms and len(s.terms & vocab) >= min_share * len(s.terms)]
    if not keep:
        return None
    return keep[0].start, keep[-1].end


def _add_verbatim_runs(passages: list[Passage], source: TextFeatures, suspect: TextFeatures,
                       cfg: AlignConfig) -> list[Passage]:
    """Boundary-free pass: runs of at least ``verbatim_run_words`` words copied
    verbatim (word n-grams in the same order on both sides, quotations
    excepted) become passages where no passage covers them, wherever the
    sentence boundaries of the two texts fall."""
    n = 5
    gs, gt = _text_grams(source, n), _text_grams(suspect, n)
    if not len(gs) or not len(gt):
        return passages
    hit = np.isin(gt, gs)
    if not hit.any():
        return passages
    # stretches of consecutive suspect n-grams found in the source
    edges = np.diff(np.concatenate(([0], hit.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    min_grams = cfg.verbatim_run_words - n + 1
    long_runs = [(int(a), int(b)) for a, b in zip(starts, ends) if b - a >= min_grams]
    if not long_runs:
        return passages
    src_spans, sus_spans = _word_spans(source), _word_spans(suspect)
    quotes = [(q.start, q.end) for q in suspect.quotes]
    covered = [(p.suspect_start, p.suspect_end) for p in passages]
    out = list(passages)
    for a, b in long_runs:
        # where the run starts in the source: the occurrence matching longest
        best_pos, best_len = -1, 0
        for pos in np.nonzero(gs == gt[a])[0][:8]:
            pos = int(pos)
            length = min(b - a, len(gs) - pos)
            same = gs[pos:pos + length] == gt[a:a + length]
            run = int(np.argmin(same)) if not same.all() else length
            if run > best_len:
                best_pos, best_len = pos, run
        if best_len < min_grams:
            continue
        s0, s1 = int(sus_spans[a, 0]), int(sus_spans[a + best_len + n - 2, 1])
        if any(q0 <= s0 and s1 <= q1 for q0, q1 in quotes):
            continue
        if any(min(s1, e) - max(s0, st) > 0.5 * (s1 - s0) for st, e in covered):
            continue
        r0, r1 = int(src_spans[best_pos, 0]), int(src_spans[best_pos + best_len + n - 2, 1])
        out.append(Passage(_widen_start(source.text, r0, 0), _widen_end(source.text, r1, len(source.text)),
                           _widen_start(suspect.text, s0, 0), _widen_end(suspect.text, s1, len(suspect.text)),
                           1.0, ()))
        covered.append((s0, s1))
    out.sort(key=lambda p: p.suspect_start)
    return out


def _copied_region(source: TextFeatures, suspect: TextFeatures, start: int, end: int, ratio: float,
                   share: float, n: int = 5) -> tuple[int, int] | None:
    """The source span (first to last word) of the largest set of the word
    ``n``-grams of ``suspect.text[start:end]`` that the source holds within
    ``ratio`` times the span's word count, when it is at least ``share`` of
    the span's ``n``-grams; else None."""
    spans = _word_spans(suspect)
    a = int(np.searchsorted(spans[:, 0], start))
    b = int(np.searchsorted(spans[:, 1], end, side="right"))
    grams = _text_grams(suspect, n)[a:max(a, b - n + 1)]
    if not len(grams):
        return None
    src_grams = _text_grams(source, n)
    hit = np.isin(src_grams, grams)
    pos = np.nonzero(hit)[0]
    if len(pos) < share * len(grams):
        return None
    width = int(ratio * (b - a))
    # most source hits inside any window of ``width`` words (two pointers)
    ends = np.searchsorted(pos, pos + width, side="right")
    counts = ends - np.arange(len(pos))
    k = int(np.argmax(counts))
    inside = pos[k:ends[k]]
    if len(np.unique(src_grams[inside])) < share * len(grams):
        return None
    src_spans = _word_spans(source)
    return (_widen_start(source.text, int(src_spans[inside[0], 0]), 0),
            _widen_end(source.text, int(src_spans[inside[-1] + n - 1, 1]), len(source.text)))


def _text_grams(tf: TextFeatures, n: int) -> np.ndarray:
    """:func:`_ngram_hashes` of a text, computed once per text."""
    return tf.memo(("word-ngrams", n), lambda: _ngram_hashes(tf.text, n))


_WORD_SPLIT = re.compile(r"(\w+)")


def _word_spans(tf: TextFeatures) -> np.ndarray:
    """``(start, end)`` of every :data:`_WORD` match of a text, one row per
    word (computed once per text)."""
    def compute() -> np.ndarray:
        # split keeps the words (odd items) between the separators (even
        # items): the running length sum gives every boundary at once
        parts = _WORD_SPLIT.split(tf.text)
        bounds = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
        return np.stack([bounds[0:-1:2], bounds[1::2]], axis=1)
    return tf.memo("word-spans", compute)


def _ngram_hashes(text: str, n: int) -> np.ndarray:
    """Hashes of the lower-cased word n-grams of ``text``, one per position
    of :data:`_WORD` matches."""
    words = _WORD.findall(text)
    if len(words) < n:
        return np.zeros(0, dtype=np.uint64)
    # str hashes are consistent within a process, which is all matching needs
    h = np.fromiter(map(hash, map(str.lower, words)), dtype=np.int64, count=len(words)).view(np.uint64)
    out = np.zeros(len(words) - n + 1, dtype=np.uint64)
    mult = np.uint64(1099511628211)
    with np.errstate(over="ignore"):
        for k in range(n):
            out = out * mult ^ h[k:len(words) - n + 1 + k]
    return out


def _one_use_of_source(passages: list[Passage], cfg: AlignConfig) -> list[Passage]:
    """Drop a passage whose source text is mostly inside a stronger passage's:
    the same source text restated twice is one reuse and a chance match. A
    summary (source side ``summary_ratio`` times its suspect side or more)
    names a source region, not the text it reuses, and drops nothing."""
    def strength(p: Passage) -> float:
        return p.score * (p.suspect_end - p.suspect_start)

    def summary(p: Passage) -> bool:
        return p.source_end - p.source_start >= cfg.summary_ratio * (p.suspect_end - p.suspect_start)

    out = []
    for p in passages:
        length = max(1, p.source_end - p.source_start)
        beaten = any(q is not p and strength(q) > strength(p) and not summary(q)
                     and min(p.source_end, q.source_end) - max(p.source_start, q.source_start)
                     >= cfg.shared_source_share * length
                     for q in passages)
        if not beaten:
            out.append(p)
    return out


_WORD = re.compile(r"\w+")


_Trigram = tuple[tuple[str, str, str], int, int]


def _words_and_trigrams(text: str, start: int, end: int) -> tuple[list[tuple[str, int, int]], list[_Trigram]]:
    """The lower-cased words of ``text[start:end]`` with their offsets, and
    their trigrams with the start of their first and the end of their last word."""
    words = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    return words, [((words[k][0], words[k + 1][0], words[k + 2][0]), words[k][1], words[k + 2][2])
                   for k in range(len(words) - 2)]


def _trigrams(text: str, start: int, end: int) -> list[_Trigram]:
    """Word trigrams of ``text[start:end]`` (see :func:`_words_and_trigrams`)."""
    return _words_and_trigrams(text, start, end)[1]


def _text_trigrams(tf: TextFeatures, start: int, end: int) -> list[_Trigram]:
    """:func:`_trigrams` of ``tf.text[start:end]``, sliced from the whole
    text's trigrams (made once per text) unless a word straddles a bound."""
    def compute() -> tuple[list[_Trigram], list[int], list[int]]:
        words, grams = _words_and_trigrams(tf.text, 0, len(tf.text))
        return grams, [w[1] for w in words], [w[2] for w in words]
    grams, starts, ends = tf.memo("word-trigrams", compute)
    lo = bisect_left(starts, start)      # first word starting at or after start
    hi = bisect_right(ends, end)         # words before hi end at or before end
    if (lo > 0 and ends[lo - 1] > start) or (hi < len(starts) and starts[hi] < end):
        return _trigrams(tf.text, start, end)  # a word cut by a bound
    return grams[lo:max(lo, hi - 2)]


def _trim_verbatim(p: Passage, source_tf: TextFeatures, suspect_tf: TextFeatures, cfg: AlignConfig,
                   sus_bounds: tuple[int, int], src_bounds: tuple[int, int]) -> Passage:
    """Fit a near-verbatim passage's edges to the text it shares with the
    other side (see ``AlignConfig.verbatim_ngrams``): cut them to the first
    and last shared word trigram, or grow them into the neighbouring
    sentences (``*_bounds``) while consecutive trigrams stay shared."""
    source, suspect = source_tf.text, suspect_tf.text
    sus = _text_trigrams(suspect_tf, *sus_bounds)
    src = _text_trigrams(source_tf, *src_bounds)
    inside = [g for g, a, b in sus if a >= p.suspect_start and b <= p.suspect_end]
    if not inside or not src:
        return p
    src_set = {g for g, _, _ in src}
    if sum(1 for g in inside if g in src_set) < cfg.verbatim_ngrams * len(inside):
        return p
    sus_span = _fit(sus, src_set, p.suspect_start, p.suspect_end)
    if sus_span is None:
        return p
    sus_set = {g for g, a, b in sus if a >= sus_span[0] and b <= sus_span[1]}
    src_span = _fit(src, sus_set, p.source_start, p.source_end)
    if src_span is None:
        return p
    return replace(p, source_start=_widen_start(source, src_span[0], src_bounds[0]),
                   source_end=_widen_end(source, src_span[1], src_bounds[1]),
                   suspect_start=_widen_start(suspect, sus_span[0], sus_bounds[0]),
                   suspect_end=_widen_end(suspect, sus_span[1], sus_bounds[1]))


def _fit(grams: list[_Trigram], other: set[tuple[str, str, str]],
         start: int, end: int) -> tuple[int, int] | None:
    """From the first to the last trigram of ``[start, end)`` found in
    ``other``, grown outwards over consecutive found trigrams."""
    hits = [k for k, (g, a, b) in enumerate(grams) if a >= start and b <= end and g in other]
    if not hits:
        return None
    f, l = hits[0], hits[-1]
    while f > 0 and grams[f - 1][0] in other:
        f -= 1
    while l + 1 < len(grams) and grams[l + 1][0] in other:
        l += 1
    return grams[f][1], grams[l][2]


def _widen_start(text: str, start: int, limit: int) -> int:
    """Move ``start`` back over opening punctuation attached to its word."""
    while start > limit and not text[start - 1].isspace() and not text[start - 1].isalnum():
        start -= 1
    return start


def _widen_end(text: str, end: int, limit: int) -> int:
    """Move ``end`` on over closing punctuation attached to its word."""
    while end < limit and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return end
