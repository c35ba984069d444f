"""Number changes: a quantity of one side replaced by a different one on the other."""
from __future__ import annotations

import bisect

from dataclasses import dataclass
from functools import lru_cache

from dedup.spin.analysis import Side, context
from dedup.text.numbers import NumberMention, find_numbers, numbers_match, units_compatible, written_value


@dataclass(frozen=True)
class NumberChange:
    """An unmatched source quantity paired with an unmatched suspect quantity."""

    source: NumberMention
    suspect: NumberMention


def _token_range(side: Side, m: NumberMention) -> tuple[int, int]:
    """Tokens ``[first, last)`` overlapping the mention (``(0, 0)``: none).
    Tokens are in order and do not overlap, so both ends are binary searches
    (a linear scan per pair of mentions made long list-like sentences slow)."""
    toks = side.tokens
    first = bisect.bisect_right(toks, m.start, key=lambda t: t.end)   # first token ending after the start
    last = bisect.bisect_left(toks, m.end, key=lambda t: t.start)     # first token starting at/after the end
    return (first, last) if first < last else (0, 0)


def _comparable(src: Side, sus: Side, a: NumberMention, b: NumberMention, only_pair: bool,
                window: int) -> bool:
    if not units_compatible(a.unit, b.unit):
        return False
    if (a.unit == "ordinal") != (b.unit == "ordinal"):
        return False
    if (a.unit in ("year", "date", "time")) != (b.unit in ("year", "date", "time")):
        return False
    if a.unit == b.unit == "year" and _calendar_year(a) != _calendar_year(b):
        return False  # "five years earlier" / "2002": a span of years is not a date
    if a.unit is not None and a.unit == b.unit:
        return True
    if a.unit is None and b.unit is None:
        only_pair = False  # bare numbers pair only by a shared neighbour
    elif a.unit is None or b.unit is None:
        bare = a if a.unit is None else b
        if not bare.text[:1].isdigit() and bare.value >= 1 and float(bare.value).is_integer():
            return False  # "six" / "1.5 percent", "two" / "$33.4 billion": different things counted
        only_pair = False  # "1,121" / "0.26 point": only by a shared neighbour
    ca = context(src, *_token_range(src, a), window=window)
    cb = context(sus, *_token_range(sus, b), window=window)
    return bool(ca & cb) or only_pair


@lru_cache(maxsize=4096)
def _numbers(text: str) -> tuple[NumberMention, ...]:
    """:func:`~dedup.text.numbers.find_numbers`, cached (an aligned sentence
    is compared in both directions and with several partners)."""
    return tuple(find_numbers(text))


def number_changes(src: Side, sus: Side, *, approx_tolerance: float = 0.1,
                   window: int = 3) -> list[NumberChange]:
    """Quantities that differ between the sides.

    A source quantity matched (see :func:`dedup.text.numbers.numbers_match`)
    or consistent (see :func:`consistent`) with any suspect quantity is kept;
    unmatched ones are paired with an
    unmatched suspect quantity of a compatible unit in a comparable position
    (same unit, a shared neighbouring word, or the only unmatched one on each
    side; a calendar year and a number of years are never comparable).
    Quantities that only one side has (additions) are not changes.

    Args:
        src: Source side.
        sus: Suspect side.
        approx_tolerance: Relative tolerance for approximate quantities.
        window: Context window in words.

    Returns:
        The changes.
    """
    a_nums = _numbers(src.text)
    if not a_nums:
        return []
    b_nums = _numbers(sus.text)
    if not b_nums:
        return []
    # which mentions match or are consistent, every (source, suspect) pair once
    same = [[numbers_match(a, b, approx_tolerance=approx_tolerance)
             or consistent(a, b, approx_tolerance=approx_tolerance) for b in b_nums] for a in a_nums]
    a_un = [a for a, row in zip(a_nums, same) if not any(row)]
    b_un = [b for k, b in enumerate(b_nums) if not any(row[k] for row in same)]
    # bare small cardinals like "one" are mostly pronouns or articles
    a_un = [a for a in a_un if not _weak(a)]
    b_un = [b for b in b_un if not _weak(b)]
    out: list[NumberChange] = []
    used: set[int] = set()
    only_pair = len(a_un) == 1 and len(b_un) == 1
    for a in a_un:
        for k, b in enumerate(b_un):
            if k in used:
                continue
            if _comparable(src, sus, a, b, only_pair, window):
                out.append(NumberChange(a, b))
                used.add(k)
                break
    return out


def consistent(a: NumberMention, b: NumberMention, *, approx_tolerance: float = 0.1) -> bool:
    """Whether two mentions that :func:`~dedup.text.numbers.numbers_match`
    may not call equal still state no different quantity.

    * A bound and a value strictly on its side of it, within
      ``approx_tolerance`` of it: "more than 6 percent" / "6.4 percent",
      "at least 767" / "770", "less than $1 billion" / "$952 million" (the
      value makes the bound precise). The bound's own value ("more than 2
      percent" / "2 percent"; ETPC annotates these as changes), two bounds
      of the same direction, opposite bounds ("below 50" / "above 50") and a
      value on the wrong side ("more than 12,400" / "11,400") stay different.
    * The same written digits with a scale word on one side only: "$54.9
      million" / "$54.9", "11M" / "11" (a unit or scale left out, as in a
      list whose unit is written once); "$5 million" / "$5 billion" (a scale
      on both sides) stays a change.

    General rules, not tuned to examples: on MRPC train they remove number
    flags from 8 paraphrase pairs and 1 non-paraphrase pair; ETPC
    number/entity recall 0.867 -> 0.864 (one annotated change, "more than
    60" / "255", had been found only because "more than 60" was paired with
    the wrong figure: the suspect's "sixty-five" now agrees with it),
    specificity unchanged (``benchmarks/meaning.py``).

    Args:
        a: A mention.
        b: Another mention.
        approx_tolerance: Relative distance a value may lie from a bound.

    Returns:
        True when neither contradicts the other.
    """
    if not units_compatible(a.unit, b.unit) or (a.unit == "ordinal") != (b.unit == "ordinal"):
        return False
    if bool(a.bound) != bool(b.bound):
        bound, exact = (a, b) if a.bound else (b, a)
        if bound.span or exact.span:
            return False
        x, y = bound.value, exact.value
        if (y - x) * bound.bound <= 0:
            return False  # the bound's own value, or on the wrong side of it
        return abs(y - x) <= approx_tolerance * max(abs(x), abs(y))
    if a.bound == b.bound and a.unit not in ("year", "date", "time") and b.unit not in ("year", "date", "time"):
        wa, wb = written_value(a), written_value(b)
        if wa is None or wb is None or wa != wb or a.value == b.value:
            return False
        plain = [m for m, w in ((a, wa), (b, wb)) if m.value == w]
        return len(plain) == 1 and max(a.value, b.value) / min(a.value, b.value) in (1e3, 1e6, 1e9, 1e12)
    return False


def _calendar_year(m: NumberMention) -> bool:
    """Whether a ``year`` mention is a calendar year or decade ("2002", "the
    1980s"), not a number of years ("five years", "a one-year term")."""
    return bool(m.span) or m.text.isdigit() and len(m.text) == 4


def _weak(m: NumberMention) -> bool:
    return m.unit is None and not m.text[:1].isdigit() and m.value in (1.0, 0.5) and " " not in m.text
