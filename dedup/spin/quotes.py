"""Altered quotations: quoted words on both sides that are related but not the same."""
from __future__ import annotations

import re
from dataclasses import dataclass

from dedup.text.quotes import Quote, find_quotes
from dedup.text.tokens import normalize_word

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class QuoteChange:
    """A source quotation and its altered suspect version."""

    source: Quote
    suspect: Quote
    removed: tuple[str, ...]  # source words missing from the suspect quote
    added: tuple[str, ...]  # suspect words missing from the source quote


def _words(q: Quote) -> list[str]:
    return [normalize_word(w) for w in _WORD.findall(q.text)]


def _contains(seq: list[str], sub: list[str]) -> bool:
    n, m = len(seq), len(sub)
    return any(seq[k:k + m] == sub for k in range(n - m + 1))


def quote_changes(source: str, suspect: str, *, min_overlap: float = 0.5) -> list[QuoteChange]:
    """Quotations present on both sides whose words were changed.

    Case, punctuation and whitespace are ignored; a suspect quote that is a
    contiguous excerpt of a source quote (or the reverse) is selective quoting,
    not alteration. Two quotes are related when their shared words make up at
    least ``min_overlap`` of the shorter one.

    Args:
        source: Source text.
        suspect: Suspect text.
        min_overlap: Share of shared words that makes two quotes related.

    Returns:
        The altered quotations.
    """
    qa, qb = find_quotes(source), find_quotes(suspect)
    if not qa or not qb:
        return []
    out: list[QuoteChange] = []
    for b in qb:
        wb = _words(b)
        if not wb:
            continue
        best: tuple[float, Quote, list[str]] | None = None
        for a in qa:
            wa = _words(a)
            if not wa:
                continue
            if wa == wb or _contains(wa, wb) or _contains(wb, wa):
                best = None
                break
            shared = len(set(wa) & set(wb))
            score = shared / min(len(set(wa)), len(set(wb)))
            if score >= min_overlap and (best is None or score > best[0]):
                best = (score, a, wa)
        if best is not None:
            _, a, wa = best
            sa, sb = set(wa), set(wb)
            out.append(QuoteChange(a, b, tuple(w for w in wa if w not in sb),
                                   tuple(w for w in wb if w not in sa)))
    return out
