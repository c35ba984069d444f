"""Number changes: a quantity of one side replaced by a different one on the other."""
from __future__ import annotations

import bisect

from dataclasses import dataclass

from dedup.spin.analysis import Side, context
from dedup.text.numbers import NumberMention, find_numbers, numbers_match, units_compatible


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


def number_changes(src: Side, sus: Side, *, approx_tolerance: float = 0.1,
                   window: int = 3) -> list[NumberChange]:
    """Quantities that differ between the sides.

    A source quantity matched (see :func:`dedup.text.numbers.numbers_match`)
    by any suspect quantity is kept; unmatched ones are paired with an
    unmatched suspect quantity of a compatible unit in a comparable position
    (same unit, a shared neighbouring word, or the only unmatched one on each
    side). Quantities that only one side has (additions) are not changes.

    Args:
        src: Source side.
        sus: Suspect side.
        approx_tolerance: Relative tolerance for approximate quantities.
        window: Context window in words.

    Returns:
        The changes.
    """
    a_nums = find_numbers(src.text)
    if not a_nums:
        return []
    b_nums = find_numbers(sus.text)
    if not b_nums:
        return []
    a_un = [a for a in a_nums if not any(numbers_match(a, b, approx_tolerance=approx_tolerance)
                                         for b in b_nums)]
    b_un = [b for b in b_nums if not any(numbers_match(a, b, approx_tolerance=approx_tolerance)
                                         for a in a_nums)]
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


def _weak(m: NumberMention) -> bool:
    return m.unit is None and not m.text[:1].isdigit() and m.value in (1.0, 0.5) and " " not in m.text
