"""Opposites: a word of one side whose antonym stands on the other side instead.

Two sources of opposites: the WordNet antonym lexicon (plus a short list of
news pairs such as profit/loss, accept/reject) and the *direction* of market and
count verbs: any "up" word (rose, gained, climbed, was up, added 5 points) is
opposite to any "down" word (fell, lost, dipped, was off, shed 3%). Ambiguous
direction words ("up", "off", "added", "eased", "lower") count only next to a
number or after a movement verb, so "set up" or "he added that" are not moves.
Moves are compared through the *primary* move of each side (the first one
outside "after/having/since ..." phrases), so background moves ("fell ... after
advancing on Wednesday") do not pair with the other side's main move.
"""
from __future__ import annotations

from dataclasses import dataclass

from dedup.spin.analysis import Side, context
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
    if w == "up" and i > 0 and side.norms[i - 1] in ("gave", "give", "gives", "giving", "given"):
        return -1  # "gave up 11 points"
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


_SUBORDINATE = frozenset({"after", "having", "since", "before", "while", "following", "despite",
                          "than", "when", "earlier", "from", "whereas", "although", "though"})


def primary_move(side: Side) -> int | None:
    """Index of the main move word of a side: the first move outside a subordinate phrase.

    "After losing 84 points earlier, the Dow closed up 22" -> "up": the move
    in the "after ..." phrase is background, the main clause reports the news.

    Args:
        side: The analysed text.

    Returns:
        The token index, or None if the side reports no move.
    """
    for k in range(len(side.tokens)):
        if direction(side, k) == 0:
            continue
        clause = side.breaks[k]
        sub = False
        for m in range(k - 1, max(-1, k - 4), -1):
            if side.breaks[m] != clause:
                break
            if side.norms[m] in _SUBORDINATE:
                sub = True
                break
        if not sub:
            return k
    return None


def _removed(a: Side, b: Side) -> list[int]:
    """Tokens of ``a`` whose word is absent from ``b`` (function words included)."""
    return [i for i in range(len(a.tokens))
            if a.norms[i] not in b.norm_set and a.lemmas[i] not in b.lemma_set and not a.tokens[i].is_number]


def find_opposites(src: Side, sus: Side) -> list[Opposite]:
    """Pairs of opposite words between the sides, each word used once.

    A word is paired only when it is absent from the other side (so "rose ...
    fell" on both sides is no reversal) and its antonym is present there
    instead. The primary moves of the sides pair when they go opposite ways
    and neither side uses the other's move word as a main-clause move (a
    background "having risen" or a noun "a string of gains" does not count;
    a contrast "while Chrysler rose" does).

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
            di, dj = direction(src, i), direction(sus, j)
            if (src.norms[i] in AMBIGUOUS_DIRECTION or sus.norms[j] in AMBIGUOUS_DIRECTION) and (
                    di == 0 or dj == 0):
                continue
            if di and dj:
                continue  # moves are compared through primary_move()
            if src.tokens[i].is_capitalized and not src.initial[i] or \
                    sus.tokens[j].is_capitalized and not sus.initial[j]:
                continue  # part of a name: "New Castle"
            if not (context(src, i, i + 1) & context(sus, j, j + 1)):
                continue  # not in comparable positions: different facts
            out.append(Opposite(i, j, False))
            used_a.add(i)
            used_b.add(j)
            break
    pi, pj = primary_move(src), primary_move(sus)
    if pi is not None and pj is not None and pi not in used_a and pj not in used_b \
            and direction(src, pi) == -direction(sus, pj) \
            and not _main_move_word(sus, src.lemmas[pi]) and not _main_move_word(src, sus.lemmas[pj]):
        out.append(Opposite(pi, pj, True))
    return out


_NOUN_BEFORE = frozenset({"of", "a", "an", "the", "its", "their", "his", "her", "our", "these", "those"})


def _main_move_word(side: Side, key: str) -> bool:
    """Whether ``side`` uses the word ``key`` as a move outside a subordinate
    phrase: then the other side's primary move is no reversal of it ("rose
    ... fell" on both sides). A background move ("having risen") or a noun
    that is no move ("a string of gains") does not count."""
    for k in range(len(side.tokens)):
        if side.lemmas[k] != key or direction(side, k) == 0:
            continue
        if k and side.norms[k - 1] in _NOUN_BEFORE:
            continue  # a noun: "a string of gains", "its losses"
        if not _background(side, k):
            return True
    return False


# phrases that report an earlier move as background ("having risen", "after falling");
# a contrast ("while Chrysler rose") states a fact of its own
_BACKGROUND = frozenset({"after", "having", "since", "before", "following", "earlier"})


def _background(side: Side, k: int) -> bool:
    clause = side.breaks[k]
    for m in range(k - 1, max(-1, k - 4), -1):
        if side.breaks[m] != clause:
            return False
        if side.norms[m] in _BACKGROUND:
            return True
    return False
