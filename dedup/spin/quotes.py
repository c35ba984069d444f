"""Altered quotations: quoted words on both sides that are related but not the same."""
from __future__ import annotations

import re
from dataclasses import dataclass

import jellyfish

from dedup.text.quotes import Quote, find_quotes
from dedup.text.tokens import STOPWORDS, normalize_word, stem

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class QuoteChange:
    """A source quotation and its altered suspect version."""

    source: Quote
    suspect: Quote
    removed: tuple[str, ...]  # source words missing from the suspect quote
    added: tuple[str, ...]  # suspect words missing from the source quote


# words in brackets or parentheses inside a quotation are the writer's
# insertions ("the timing of [the miniseries]", "Putin (news - web sites)"), not the speaker's
_INSERTION = re.compile(r"\[[^\]]*\]|\([^)]*\)")


def _words(q: Quote) -> list[str]:
    return [normalize_word(w) for w in _WORD.findall(_INSERTION.sub(" ", q.text))]


def _contains(seq: list[str], sub: list[str]) -> bool:
    n, m = len(seq), len(sub)
    return any(seq[k:k + m] == sub for k in range(n - m + 1))


def quote_changes(source: str, suspect: str, *, min_overlap: float = 0.5) -> list[QuoteChange]:
    """Quotations present on both sides whose words were changed.

    Case, punctuation and whitespace are ignored; a suspect quote that is a
    contiguous excerpt of a source quote (or the reverse) is selective quoting,
    not alteration. A quote is altered when a content word was *replaced*:
    some content word of the source quote is missing from the suspect quote
    and some other one was put in (words only dropped, as with an ellipsis,
    or only function words changed, are not alterations; spelling variants,
    compounds written joined or split, apostrophes and inflections are the
    same word, and so are small numbers in digits or words; words in brackets
    or parentheses inside a quote are the writer's insertions and are left
    out). Two quotes are
    related when they share a content word and their shared words make up at
    least ``min_overlap`` of the shorter one; a quote that the other side
    reproduces (whole or as an excerpt) is paired with nothing else.

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
    words_a = [_words(a) for a in qa]
    words_b = [_words(b) for b in qb]
    # a quotation reproduced on the other side (whole or as an excerpt) is
    # accounted for: it is no candidate original of another, different quote
    # ("Re: Details" kept, "Re: That Movie" added beside it)
    same = {(i, j) for i, wa in enumerate(words_a) for j, wb in enumerate(words_b)
            if wa and wb and (wa == wb or _contains(wa, wb) or _contains(wb, wa))}
    reproduced_a = {i for i, _ in same}
    reproduced_b = {j for _, j in same}
    out: list[QuoteChange] = []
    for j, b in enumerate(qb):
        wb = words_b[j]
        if not wb or j in reproduced_b:
            continue
        cb = {w for w in wb if w not in STOPWORDS}
        best: tuple[float, Quote, list[str]] | None = None
        for i, a in enumerate(qa):
            wa = words_a[i]
            if not wa or i in reproduced_a:
                continue
            # related quotes share content words, not only "the", "this", "we"
            if not cb & {w for w in wa if w not in STOPWORDS}:
                continue
            shared = len(set(wa) & set(wb))
            score = shared / min(len(set(wa)), len(set(wb)))
            if score >= min_overlap and (best is None or score > best[0]):
                best = (score, a, wa)
        if best is not None:
            _, a, wa = best
            removed, added = _differences(wa, wb)
            if removed and added:
                out.append(QuoteChange(a, b, tuple(removed), tuple(added)))
    return out


# small numbers spelled out are the same word as their digits ("two years" / "2 years")
_NUMBER_WORDS = {w: str(k) for k, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}


def _key(w: str) -> str:
    w = _NUMBER_WORDS.get(w, w)
    return stem(w.replace("'", "").replace("’", ""))


def _differences(wa: list[str], wb: list[str]) -> tuple[list[str], list[str]]:
    """Content words of each quote missing from the other, after forgiving
    spelling variants ("travelers"/"travellers", "Qaeda"/"Qaida"),
    abbreviations ("Sept"/"September"), joined or split compounds
    ("multi-party"/"multiparty"), apostrophes ("isnt"/"isn't") and inflection."""
    ka, kb = [_key(w) for w in wa], [_key(w) for w in wb]
    sa, sb = set(ka), set(kb)
    joined_a = {ka[k] + ka[k + 1] for k in range(len(ka) - 1)} | {wa[k] + wa[k + 1] for k in range(len(wa) - 1)}
    joined_b = {kb[k] + kb[k + 1] for k in range(len(kb) - 1)} | {wb[k] + wb[k + 1] for k in range(len(wb) - 1)}

    def missing(words: list[str], keys: list[str], other: set[str], other_joined: set[str],
                own_joined_words: list[str]) -> list[str]:
        out = []
        for k, (w, key) in enumerate(zip(words, keys)):
            if key in other or w in STOPWORDS or key in STOPWORDS:
                continue
            if w in other_joined or key in other_joined:
                continue
            # a part of a compound the other side writes as one word
            if any(c in other for c in (
                    (own_joined_words[k - 1] + w) if k else "", (w + own_joined_words[k + 1]) if k + 1 < len(words) else "")):
                continue
            out.append(w)
        return out

    removed = missing(wa, ka, sb, joined_b, wa)
    added = missing(wb, kb, sa, joined_a, wb)
    # spelling variants pair off
    for r in list(removed):
        for a in added:
            if len(r) >= 3 and len(a) >= 3 and (r.startswith(a) or a.startswith(r)) or (
                    len(r) >= 5 and len(a) >= 5 and jellyfish.jaro_winkler_similarity(r, a) >= 0.88):
                removed.remove(r)
                added.remove(a)
                break
    return removed, added
