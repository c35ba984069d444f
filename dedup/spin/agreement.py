"""Lexical agreement of an aligned pair: how much of the content both sides say.

The alignment similarity weighs a sentence's terms by their rarity inside its
own text; for one sentence against one sentence every term then weighs the
same and a long sentence that adds a clause to a short one can still score
high. The agreement looks at the pair itself:

* ``dice``: Dice overlap of the content lemmas, names and numbers weighing
  ``name_weight`` (a changed name or figure matters more than a changed
  adjective);
* ``length_ratio``: shorter over longer token count (a side that adds or drops
  a clause says something the other does not).

``agreement = dice * length_ratio ** length_power``, in [0, 1], 1 for the same
words; it only falls as words differ or lengths part. Used by
:func:`dedup.spin.sentence_drift` when the pair's texts are given.
"""
from __future__ import annotations

from functools import lru_cache

from dedup.spin.analysis import Side, analyse


def _bag(side: Side, name_weight: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for i, tok in enumerate(side.tokens):
        if not side.is_content(i):
            continue
        w = name_weight if tok.is_number or (tok.is_capitalized and not side.initial[i]) else 1.0
        key = side.lemmas[i]
        if w > out.get(key, 0.0):
            out[key] = w
    return out


@lru_cache(maxsize=4096)
def lexical_agreement(source: str, suspect: str, *, name_weight: float = 1.5,
                      length_power: float = 0.5) -> float:
    """Agreement in [0, 1] of an aligned source text and suspect sentence.

    Args:
        source: The source side of the pair.
        suspect: The suspect sentence.
        name_weight: Weight of names and numbers in the overlap (other content
            words weigh 1).
        length_power: Exponent of the length ratio (0 ignores lengths).

    Returns:
        ``dice * length_ratio ** length_power`` (1.0 for two texts without
        content words).
    """
    a, b = analyse(source), analyse(suspect)
    ba, bb = _bag(a, name_weight), _bag(b, name_weight)
    total = sum(ba.values()) + sum(bb.values())
    if not total:
        return 1.0
    shared = sum(min(ba[k], bb[k]) for k in ba.keys() & bb.keys())
    dice = 2.0 * shared / total
    la, lb = len(a.tokens), len(b.tokens)
    ratio = min(la, lb) / max(la, lb) if max(la, lb) else 1.0
    return max(0.0, min(1.0, dice * ratio ** length_power))
