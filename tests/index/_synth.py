"""Synthetic short texts for the index tests (importable by worker processes)."""
from __future__ import annotations

import random

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_VOCAB: list[str] = []


def _vocab() -> list[str]:
    if not _VOCAB:
        rnd = random.Random(12345)
        _VOCAB.extend({"".join(rnd.choice(_LETTERS) for _ in range(rnd.randint(4, 7))) for _ in range(30000)})
        _VOCAB.sort()
    return _VOCAB


def synthetic_texts(n: int, seed: int, words: int = 40) -> list[str]:
    """``n`` short, mutually unrelated texts (random words of a 30,000-word vocabulary).

    Words have 4-7 letters, below ``anchor_min_len``: the anchor view stays
    empty, so unrelated texts rarely collide and the tests stay fast."""
    rnd = random.Random(seed)
    vocab = _vocab()
    out = []
    for _ in range(n):
        toks = rnd.choices(vocab, k=words)
        sents = [toks[i:i + 10] for i in range(0, words, 10)]
        out.append(" ".join(" ".join([s[0].capitalize(), *s[1:]]) + "." for s in sents))
    return out
