"""Negation cues and their scope.

A cue is a negative word ("not", "n't", "never", "no", "without", "nothing" ...)
or phrase ("failed to", "refused to", "unable to", "lack of", "denied").
Two cues in the same clause within a few words of each other, with no
content word between them, cancel out ("not without", "never failed to"):
that is the double negation. The
remaining cues are the *effective* negations of a side; each has a *head*, the
first content word after it in its clause, which is what is negated.
"""
from __future__ import annotations

from dataclasses import dataclass

from dedup.spin.analysis import Side
from dedup.spin.lexicons import NEGATION_PHRASES, NEGATION_WORDS, NON_NEGATING_NEXT

_NEG_SUFFIX = "n't"
_SKIP_AFTER = frozenset("""be been being is are was were do does did have has had to a an the
any anything anyone ever yet so too very really quite more much even also just all one
materially necessarily having""".split())


@dataclass(frozen=True)
class Cue:
    """An effective negation cue of a side."""

    start: int  # first token of the cue
    end: int  # token index one past the cue
    head: int | None  # index of the negated content word, if any

    def span(self, side: Side) -> str:
        """The cue and its head as text ("did not rise")."""
        last = self.head if self.head is not None else self.end - 1
        first = self.start
        if first > 0 and side.norms[first] in ("not", "n't", "never") and side.norms[first - 1] in (
                "did", "does", "do", "was", "were", "is", "are", "has", "have", "had", "will", "would",
                "could", "can", "should"):
            first -= 1
        return side.text[side.tokens[first].start:side.tokens[last].end]


# words that can open a cue: a side with none of them (nor an "n't") has no cue
_CUE_OPENERS = NEGATION_WORDS | frozenset(p[0] for p in NEGATION_PHRASES)


def _raw_cues(side: Side) -> list[tuple[int, int]]:
    if side.norm_set.isdisjoint(_CUE_OPENERS) and not any(w.endswith(_NEG_SUFFIX) for w in side.norm_set):
        return []  # fast path: most sentences negate nothing
    out: list[tuple[int, int]] = []
    norms = side.norms
    n = len(norms)
    i = 0
    while i < n:
        w = norms[i]
        nxt = norms[i + 1] if i + 1 < n else ""
        if (w, nxt) in NEGATION_PHRASES and side.breaks[i] == side.breaks[min(i + 1, n - 1)]:
            out.append((i, i + 2))
            i += 2
            continue
        if (w,) in NEGATION_PHRASES:
            out.append((i, i + 1))
        elif (w in NEGATION_WORDS or w.endswith(_NEG_SUFFIX)) and _inside_compound(side, i):
            pass  # "the do-not-call registry": a name, not a negation
        elif w in NEGATION_WORDS or w.endswith(_NEG_SUFFIX):
            if nxt in NON_NEGATING_NEXT or (w == "no" and nxt == "longer" and i + 2 < n
                                            and norms[i + 2] == "than"):
                i += 1
                continue
            if w == "not" and i > 0 and norms[i - 1] == "or":
                i += 1  # "whether or not"
                continue
            if w.endswith(_NEG_SUFFIX) and _in_question(side, i):
                i += 1  # "Didn't your mother die of it?" presupposes she did
                continue
            if w == "no" and i + 1 < n and side.tokens[i + 1].is_number:
                i += 1  # "No. 1"
                continue
            out.append((i, i + 1))
        i += 1
    return out


def _inside_compound(side: Side, i: int) -> bool:
    """Whether token ``i`` is joined by hyphens to both neighbours ("do-not-call")."""
    toks, text = side.tokens, side.text
    return 0 < i < len(toks) - 1 and text[toks[i - 1].end:toks[i].start] == "-" \
        and text[toks[i].end:toks[i + 1].start] == "-"


def _in_question(side: Side, i: int) -> bool:
    """Whether token ``i`` opens a question (a negative question asserts the positive)."""
    if not side.initial[i]:
        return False
    rest = side.text[side.tokens[i].end:]
    end = min((rest.find(c) for c in ".!?" if c in rest), default=-1)
    return end >= 0 and rest[end] == "?"


_NOMINAL_CUES = frozenset({"no", "none", "without", "lack", "lacks", "lacked", "lacking"})


def _head(side: Side, cue_end: int, window: int) -> int | None:
    clause = side.breaks[cue_end - 1]
    nominal = side.norms[cue_end - 1] in _NOMINAL_CUES or side.norms[cue_end - 1] == "of"
    for k in range(cue_end, min(len(side.tokens), cue_end + window + 3)):
        if side.breaks[k] != clause:
            return None
        if side.norms[k] in _SKIP_AFTER:
            continue
        if side.is_content(k):
            # a name or a number is what the clause is about, not what it denies
            if side.tokens[k].is_capitalized or side.tokens[k].is_number:
                return None
            if nominal:  # "no new deaths": the noun is negated, not the adjective
                while k + 1 < len(side.tokens) and side.breaks[k + 1] == clause and \
                        side.is_content(k + 1) and not side.tokens[k + 1].is_capitalized:
                    k += 1
            return k
    return None


def _continuations_dropped(side: Side, cues: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Effective cues without the "nor" that continues an earlier negation of
    its sentence: "neither I nor my film" and "have not turned up, nor has
    evidence" deny as much as "are not" and "have not found X or Y" (one
    negation spread over coordinated parts, not a second one, and not a
    double negation cancelling the first)."""
    out: list[tuple[int, int]] = []
    for s, e in cues:
        if side.norms[s] == "nor" and out and not any(side.initial[m] for m in range(out[-1][0] + 1, s + 1)):
            continue
        out.append((s, e))
    return out


def negation_cues(side: Side, scope: int = 3) -> list[Cue]:
    """Effective negation cues of a side, double negations cancelled.

    Args:
        side: The analysed text.
        scope: How many words after a cue can still be its head, and how
            close two cues must be to cancel.

    Returns:
        The cues left after cancelling pairs in the same clause.
    """
    raw = _raw_cues(side)
    keep: list[tuple[int, int]] = []
    k = 0
    while k < len(raw):
        if k + 1 < len(raw):
            a, b = raw[k], raw[k + 1]
            # the second cue negates the first only when it stands where the
            # first cue's head would ("not without", "never failed to"); a
            # content word between them is the first cue's own head ("did not
            # reveal and was not asked": two negations, not a double one)
            if b[0] - a[1] <= scope and side.breaks[a[0]] == side.breaks[b[0]] and not (
                    side.norms[a[0]] == "neither" and side.norms[b[0]] == "nor") and not any(
                    side.is_content(m) and side.norms[m] not in _SKIP_AFTER for m in range(a[1], b[0])):
                k += 2
                continue
        keep.append(raw[k])
        k += 1
    return [Cue(s, e, _head(side, e, scope)) for s, e in _continuations_dropped(side, keep)]


def in_scope(side: Side, cues: list[Cue], i: int, scope: int = 3) -> bool:
    """Whether token ``i`` is within ``scope`` words after an effective cue, same clause."""
    for c in cues:
        if c.end <= i <= c.end + scope + 1 and side.breaks[c.start] == side.breaks[i]:
            return True
    return False
