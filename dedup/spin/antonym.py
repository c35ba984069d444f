"""Opposites: a word of one side whose antonym stands on the other side instead.

Two sources of opposites: the WordNet antonym lexicon (plus a short list of
news pairs such as profit/loss, accept/reject) and the *direction* of market and
count verbs: any "up" word (rose, gained, climbed, was up, added 5 points) is
opposite to any "down" word (fell, lost, dipped, was off, shed 3%). Ambiguous
direction words ("up", "off", "added", "eased", "lower") count only next to a
number or after a movement verb, so "set up" or "he added that" are not moves.
"""
from __future__ import annotations

from dataclasses import dataclass

from dedup.spin.analysis import Side
from dedup.spin.lexicons import AMBIGUOUS_DIRECTION, DOWN_WORDS, MOVEMENT_CONTEXT, UP_WORDS, antonyms

_NUMBERISH = frozenset({"percent", "%", "cents", "points", "point", "pct"})


@dataclass(frozen=True)
class Opposite:
    """An aligned pair of opposite words: token indices on each side."""

    source: int
    suspect: int
    directional: bool


def direction(side: Side, i: int) -> int:
    """+1 for an upward move word, -1 for a downward one, 0 otherwise.

    Args:
        side: The analysed text.
        i: Token index.

    Returns:
        The direction of the word in its context.
    """
    w = side.norms[i]
    d = 1 if w in UP_WORDS else -1 if w in DOWN_WORDS else 0
    if d == 0 or w not in AMBIGUOUS_DIRECTION:
        return d
    n = len(side.tokens)
    for k in range(i + 1, min(n, i + 3)):
        if side.tokens[k].is_number or side.norms[k] in _NUMBERISH:
            return d
        if side.norms[k] not in ("a", "an", "about", "nearly", "almost", "some", "by", "slightly",
                                 "more", "than"):
            break
    if i > 0 and side.norms[i - 1] in MOVEMENT_CONTEXT and w not in ("add", "added", "adding", "adds"):
        return d
    if i > 0 and side.norms[i - 1] in ("edged", "inched", "crept", "moved", "went", "ticked", "closed",
                                       "ended", "finished", "opened", "traded"):
        return d
    return 0


def _removed(a: Side, b: Side) -> list[int]:
    """Tokens of ``a`` whose word is absent from ``b`` (function words included)."""
    return [i for i in range(len(a.tokens))
            if a.norms[i] not in b.norm_set and a.lemmas[i] not in b.lemma_set and not a.tokens[i].is_number]


def find_opposites(src: Side, sus: Side) -> list[Opposite]:
    """Pairs of opposite words between the sides, each word used once.

    A word is paired only when it is absent from the other side (so "rose ...
    fell" on both sides is no reversal) and its antonym is present there
    instead.

    Args:
        src: The source side.
        sus: The suspect side.

    Returns:
        The pairs, lexicon pairs first, then direction pairs.
    """
    lex = antonyms()
    a_only = _removed(src, sus)
    b_only = _removed(sus, src)
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[Opposite] = []
    for i in a_only:
        opp = lex.get(src.lemmas[i])
        if not opp or not src.is_content(i) and direction(src, i) == 0:
            continue
        for j in b_only:
            if j in used_b or sus.lemmas[j] not in opp:
                continue
            if (src.norms[i] in AMBIGUOUS_DIRECTION or sus.norms[j] in AMBIGUOUS_DIRECTION) and (
                    direction(src, i) == 0 or direction(sus, j) == 0):
                continue
            out.append(Opposite(i, j, False))
            used_a.add(i)
            used_b.add(j)
            break
    dir_a = [(i, direction(src, i)) for i in a_only if i not in used_a]
    dir_b = [(j, direction(sus, j)) for j in b_only if j not in used_b]
    for i, da in dir_a:
        if da == 0:
            continue
        for j, db in dir_b:
            if db == -da and j not in used_b:
                out.append(Opposite(i, j, True))
                used_b.add(j)
                break
    return out
