"""Evaluation polarity: the same matter judged positively on one side, negatively on the other.

Only words that differ between the sides are scored (shared words judge both
sides alike). Each differing word gets its VADER valence; a word inside the
scope of a negation cue is inverted (x -0.74, as VADER does); words in a
concessive clause ("despite the warm welcome, ...") are ignored, since the
clause concedes the opposite of the sentence's judgement; a negation cue whose
scope holds no sentiment word counts as a mildly negative judgement ("there were
no results" -> -1). A flag is raised when one side introduces a clearly valenced
word (|v| >= strong, outside negation scope) while the other side denies an outcome with a
negation of neutral scope (its differing words lean negative, net <= -lean, and
hold no clearly positive word). Plain sentiment differences between differently
worded sentences are not flagged: measured on ETPC they were mostly about
different facts, not reversed judgements.
"""
from __future__ import annotations

from dataclasses import dataclass

from dedup.spin.analysis import Side, only_in
from dedup.spin.lexicons import valence
from dedup.spin.negation import Cue, in_scope

_CONCESSIVE = frozenset({"despite", "although", "though", "notwithstanding", "albeit"})
_NEGATED_OUTCOME = -1.0
# A negation governs the evaluative words of its whole clause ("failed to deliver
# any steps forward to a peace agreement": "agreement" is negated too).
_CLAUSE_SCOPE = 12


@dataclass(frozen=True)
class Judgement:
    """Scored differing words of one side."""

    net: float
    strongest_pos: tuple[float, int] | None  # (valence, token index)
    strongest_neg: tuple[float, int] | None
    cue_span: tuple[int, int] | None  # a negation cue with neutral scope, if any


def _concessive(side: Side, i: int) -> bool:
    clause = side.breaks[i]
    for k in range(i, -1, -1):
        if side.breaks[k] != clause:
            return False
        if side.norms[k] in _CONCESSIVE:
            return True
    return False


def judge(side: Side, other: Side, cues: list[Cue], scope: int = 3) -> Judgement:
    """Score the words of ``side`` absent from ``other``.

    Args:
        side: The side to score.
        other: The other side.
        cues: Effective negation cues of ``side``.
        scope: Negation scope in words.

    Returns:
        The judgement.
    """
    net = 0.0
    pos: tuple[float, int] | None = None
    neg: tuple[float, int] | None = None
    for i in only_in(side, other):
        v = valence(side.norms[i])
        if v == 0.0 or _concessive(side, i):
            continue
        if in_scope(side, cues, i, _CLAUSE_SCOPE):
            v *= -0.74
        net += v
        if v > 0 and (pos is None or v > pos[0]):
            pos = (v, i)
        if v < 0 and (neg is None or v < neg[0]):
            neg = (v, i)
    cue_span = None
    for c in cues:
        if side.norms[c.start] in other.norm_set or _concessive(side, c.start):
            continue
        window = range(c.end, min(len(side.tokens), c.end + scope + 1))
        if not any(valence(side.norms[k]) for k in window):
            net += _NEGATED_OUTCOME
            cue_span = (c.start, c.head if c.head is not None else c.end - 1)
            if neg is None:
                neg = (_NEGATED_OUTCOME, c.start)
    return Judgement(net, pos, neg, cue_span)
