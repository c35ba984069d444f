"""Role swaps: the same participants with their roles exchanged.

Two patterns. (1) Two names present on both sides appear in one clause in
opposite orders with a shared relation word between them ("Trump called
Putin" / "Putin called Trump"); if exactly one side marks a passive ("was
called by") the order change is a voice change, not a swap. (2) "from X to Y"
on one side and "from Y to X" on the other.
"""
from __future__ import annotations

from dataclasses import dataclass

from dedup.spin.analysis import Side
from dedup.text.tokens import STOPWORDS

_PASSIVE_MARK = frozenset({"by"})


@dataclass(frozen=True)
class RoleSwap:
    """Two participants whose order/roles are exchanged."""

    first: str
    second: str
    source_span: str
    suspect_span: str


def _positions(side: Side) -> dict[str, int]:
    """First index of each capitalised non-function word (sentence-initial included)."""
    out: dict[str, int] = {}
    for k, t in enumerate(side.tokens):
        if t.is_capitalized and side.norms[k] not in STOPWORDS and len(side.norms[k]) > 1:
            out.setdefault(side.norms[k], k)
    return out


def _between(side: Side, i: int, j: int) -> tuple[frozenset[str], bool]:
    lo, hi = min(i, j), max(i, j)
    words = frozenset(side.lemmas[k] for k in range(lo + 1, hi) if side.is_content(k)
                      and not side.tokens[k].is_capitalized)
    passive = any(side.norms[k] in _PASSIVE_MARK for k in range(lo + 1, hi))
    return words, passive


def _span(side: Side, i: int, j: int) -> str:
    lo, hi = min(i, j), max(i, j)
    return side.text[side.tokens[lo].start:side.tokens[hi].end]


def _from_to(side: Side) -> list[tuple[str, str, int, int]]:
    out = []
    n = len(side.tokens)
    for i, w in enumerate(side.norms):
        if w != "from" or i + 1 >= n:
            continue
        for j in range(i + 2, min(n - 1, i + 6)):
            if side.norms[j] == "to" and side.breaks[j] == side.breaks[i]:
                a = next((side.lemmas[k] for k in range(j - 1, i, -1) if side.is_content(k)), None)
                b = next((side.lemmas[k] for k in range(j + 1, min(n, j + 4)) if side.is_content(k)), None)
                if a and b and a != b:
                    out.append((a, b, i, min(n - 1, j + 3)))
                break
    return out


def role_swaps(src: Side, sus: Side) -> list[RoleSwap]:
    """Role swaps between the sides.

    Args:
        src: Source side.
        sus: Suspect side.

    Returns:
        The swaps found.
    """
    out: list[RoleSwap] = []
    pa, pb = _positions(src), _positions(sus)
    shared = [k for k in pa if k in pb]
    for x in range(len(shared)):
        for y in range(x + 1, len(shared)):
            a, b = shared[x], shared[y]
            ia, ja, ib, jb = pa[a], pa[b], pb[a], pb[b]
            if src.breaks[ia] != src.breaks[ja] or sus.breaks[ib] != sus.breaks[jb]:
                continue
            if (ia < ja) == (ib < jb):
                continue
            wa, passive_a = _between(src, ia, ja)
            wb, passive_b = _between(sus, ib, jb)
            if not (wa & wb) or passive_a != passive_b:
                continue
            out.append(RoleSwap(a, b, _span(src, ia, ja), _span(sus, ib, jb)))
    fa, fb = _from_to(src), _from_to(sus)
    for a1, b1, s1, e1 in fa:
        for a2, b2, s2, e2 in fb:
            if a1 == b2 and b1 == a2:
                out.append(RoleSwap(a1, b1, _span(src, s1, e1), _span(sus, s2, e2)))
    return out
