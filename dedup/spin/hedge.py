"""Certainty changes: a hedged claim stated as fact, or a firm claim hedged.

Hedges are words such as "reportedly", "allegedly", "may", "could",
"considering", "discussed", and "plans/expected to" before a verb; a negated
"could" ("could not be reached", like "couldn't") states an inability, not a
possibility, and is no hedge. A flag is
raised when one side hedges a claim and the other side has no hedge at all
while still making the claim: the hedged word (the next content word after the
hedge) is present on the other side too, so the difference is the certainty,
not an added or dropped clause. A claim the other side attributes to
someone ("according to X", "X said") is reported, not stated as fact, so a
hedge against it is no change of certainty. Deliberation words ("discussed",
"considering", "proposed") hedge only against a decision on the other side
("agreed", "will", "decided"). A modal hedge against another non-factual
modal ("could" / "should", "may" / "would"), or against a claim the other
side makes under a condition ("could face ... if convicted" / "faces ... if
convicted"), is no change of certainty. Nor is a hedge whose word the other
side uses too in another form or place ("planned Monday to announce" / "plans
to announce": the other side's "planned" is not right before "to"), or a
hedged word the other side also states only as an infinitive ("filed a motion
seeking to have ... thrown out" / "filed a motion to have ... thrown out":
neither states it as fact; after "to", a light verb such as "have" or "get"
is the hedged word even though it is a function word).
"""
from __future__ import annotations

from dataclasses import dataclass

from dedup.spin.analysis import Side
from dedup.spin.lexicons import (ATTRIBUTION_VERBS, CERTAINTY_WORDS, DELIBERATION_WORDS, HEDGE_NEEDS_TO,
                                  HEDGE_WORDS)


@dataclass(frozen=True)
class Hedge:
    """A hedge word of a side and the content word it hedges."""

    index: int
    head: int | None


# verbs that are stopwords but head the claim after "to" ("seeking to have it thrown out")
_LIGHT_VERBS = frozenset({"have", "get", "make", "take", "keep"})


def hedges(side: Side) -> list[Hedge]:
    """Hedges of a side.

    Args:
        side: Analysed text.

    Returns:
        The hedges with their heads.
    """
    out: list[Hedge] = []
    n = len(side.tokens)
    for i, w in enumerate(side.norms):
        if w not in HEDGE_WORDS:
            continue
        if w in HEDGE_NEEDS_TO and not (i + 1 < n and side.norms[i + 1] == "to"):
            continue
        if w == "may" and side.tokens[i].is_capitalized and not side.initial[i]:
            continue  # the month
        if w == "could" and i + 1 < n and side.norms[i + 1] in ("not", "n't", "never"):
            continue  # "could not be reached": an inability that happened, not a possibility
        head = None
        if i + 2 < n and side.norms[i + 1] == "to" and side.breaks[i + 2] == side.breaks[i] \
                and side.norms[i + 2] in _LIGHT_VERBS:
            head = i + 2  # "seeking to have X thrown out": the verb after "to" is the hedged claim
        for k in range(i + 1, min(n, i + 5)) if head is None else ():
            if side.breaks[k] != side.breaks[i]:
                break
            if side.is_content(k) and side.norms[k] not in HEDGE_WORDS:
                head = k
                break
        if head is None:
            for k in range(i - 1, max(-1, i - 3), -1):
                if side.breaks[k] == side.breaks[i] and side.is_content(k) and not side.tokens[k].is_capitalized:
                    head = k
                    break
        out.append(Hedge(i, head))
    return out


def _attributed(side: Side, claim: str) -> bool:
    """Whether a side reports the claim as someone's ("according to X", "X said
    that ..."), other than through the claim's own verb ``claim`` (a lemma)."""
    n = side.norms
    return any(w in ATTRIBUTION_VERBS and side.lemmas[k] != claim for k, w in enumerate(n)) or any(
        n[k] == "according" and n[k + 1] == "to" for k in range(len(n) - 1))


_NON_FACTUAL = frozenset({"should", "would", "can", "must", "might", "may", "could", "shall", "ought"})


def _modal_before(side: Side, head: str) -> bool:
    """Whether the word ``head`` (a lemma) follows a non-factual modal (not "will")."""
    for k, w in enumerate(side.lemmas):
        if w == head and any(side.norms[m] in _NON_FACTUAL for m in range(max(0, k - 3), k)):
            return True
    return False


def _infinitive(side: Side, head: str) -> bool:
    """Whether every use of the word ``head`` (a lemma) directly follows "to"."""
    uses = [k for k, w in enumerate(side.lemmas) if w == head]
    return bool(uses) and all(k > 0 and side.norms[k - 1] == "to" for k in uses)


def _conditional(side: Side) -> bool:
    """Whether a side states its claim under a condition ("if", "unless")."""
    return "if" in side.norm_set or "unless" in side.norm_set


def hedge_change(src: Side, sus: Side) -> tuple[Side, Hedge] | None:
    """The hedge that one side has and the other drops, if any.

    Args:
        src: Source side.
        sus: Suspect side.

    Returns:
        (side holding the hedge, the hedge) or None.
    """
    hs, ht = hedges(src), hedges(sus)
    if bool(hs) == bool(ht):
        return None
    side, other, hh = (src, sus, hs) if hs else (sus, src, ht)
    decided = any(w in CERTAINTY_WORDS for w in other.norms)
    for h in hh:
        if side.norms[h.index] in DELIBERATION_WORDS and not decided:
            continue  # "discussed the attacks" / "acknowledged the attacks": no decision stated
        if other.has(side.norms[h.index]):
            continue  # the other side uses the hedge word too ("planned Monday to" / "plans to")
        if h.head is not None and other.has(side.norms[h.head]):
            if _infinitive(other, side.lemmas[h.head]):
                continue  # "seeking to have" / "a motion to have": neither states it as fact
            if _attributed(other, side.lemmas[h.head]):
                return None  # "according to X, ... praised" / "reportedly praised": both reported
            if _modal_before(other, side.lemmas[h.head]):
                continue  # "could be declassified" / "should be declassified": both non-factual
            if side.norms[h.index] in _NON_FACTUAL and _conditional(other):
                continue  # "could face 17 years if convicted" / "faces 17 years if convicted"
            return side, h
    return None
