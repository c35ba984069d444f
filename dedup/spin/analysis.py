"""Per-text analysis shared by the detectors: tokens, lemmas, clause marks, names."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dedup.spin.lexicons import NEGATION_WORDS, TITLES, lemma
from dedup.text.tokens import STOPWORDS, Token, tokenize

_CLAUSE_BREAK = frozenset(",;:()—–\n")
# capitalised only because they open the sentence: "Though Dean said" names Dean
_OPENERS = frozenset("""though although after before since until unless whether once meanwhile still
thus hence instead despite during today yesterday tonight now later earlier already currently
last next overall indeed separately elsewhere first finally""".split())
_SENTENCE_END = frozenset(".!?")
_ABBREVIATIONS = frozenset(("mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov"))


@dataclass(frozen=True)
class Name:
    """A run of capitalised tokens (a proper name or a part of one)."""

    first: int  # index of the first token
    last: int  # index one past the last token
    text: str
    keys: tuple[str, ...]  # normalised tokens without titles

    @property
    def head(self) -> str:
        return self.keys[-1] if self.keys else ""


@dataclass(frozen=True)
class Side:
    """One side of an aligned pair, analysed once.

    Attributes:
        text: The text.
        tokens: Word tokens.
        norms: Normalised forms.
        lemmas: Lemma keys (see :func:`dedup.spin.lexicons.lemma`).
        breaks: For each token, the number of clause breaks (commas, semicolons,
            sentence ends) before it; two tokens share a clause when equal.
        initial: Whether the token opens a sentence.
        lemma_set: All lemma keys.
        norm_set: All normalised forms.
        names: Capitalised runs that are names.
    """

    text: str
    tokens: tuple[Token, ...]
    norms: tuple[str, ...]
    lemmas: tuple[str, ...]
    breaks: tuple[int, ...]
    initial: tuple[bool, ...]
    lemma_set: frozenset[str]
    norm_set: frozenset[str]
    names: tuple[Name, ...]

    def is_content(self, i: int) -> bool:
        """Whether token ``i`` is a content word."""
        n = self.norms[i]
        return n not in STOPWORDS and (len(n) > 1 or self.tokens[i].is_number)

    def has(self, norm: str) -> bool:
        """Whether the side contains the word (by form or lemma)."""
        return norm in self.norm_set or lemma(norm) in self.lemma_set


def _is_name_token(tok: Token, norm: str) -> bool:
    t = tok.text
    if not t[:1].isupper():
        return False
    if norm in NEGATION_WORDS:
        return False
    if t.isupper() and len(t) > 1 and not t.isalpha() and not t.replace(".", "").isalpha():
        return False
    return True


def _names(text: str, tokens: tuple[Token, ...], norms: tuple[str, ...],
           initial: tuple[bool, ...]) -> tuple[Name, ...]:
    out: list[Name] = []
    n = len(tokens)
    i = 0
    while i < n:
        if not _is_name_token(tokens[i], norms[i]):
            i += 1
            continue
        j = i + 1
        while j < n and _is_name_token(tokens[j], norms[j]) and \
                text[tokens[j - 1].end:tokens[j].start] in (" ", "-", ". ", "."):
            j += 1
        first = i
        # a sentence-initial capitalised word is a name only when the run goes on
        # ("Donald Trump said") and it is not a function word ("The", "In").
        if initial[i]:
            if j - i == 1 or norms[i] in STOPWORDS or norms[i] in _OPENERS:
                first = i + 1
        while first < j and norms[first] in STOPWORDS and norms[first] not in TITLES:
            first += 1
        if first < j:
            keys = tuple(norms[k] for k in range(first, j) if norms[k] not in TITLES)
            if keys:
                out.append(Name(first, j, text[tokens[first].start:tokens[j - 1].end], keys))
        i = j
    return tuple(out)


@lru_cache(maxsize=4096)
def analyse(text: str) -> Side:
    """Analyse a text once (cached: the same sentence is compared many times).

    Args:
        text: A sentence or a couple of sentences.

    Returns:
        The immutable analysis.
    """
    toks = tuple(tokenize(text))
    norms = tuple(t.norm for t in toks)
    lemmas = tuple(map(lemma, norms))
    breaks: list[int] = []
    initial: list[bool] = []
    b = 0
    prev_end = 0
    for k, t in enumerate(toks):
        start = t.start
        if k and (start == prev_end or start == prev_end + 1 and text[prev_end] == " "):
            breaks.append(b)  # fast path: plain word boundary
            initial.append(False)
            prev_end = t.end
            continue
        gap = text[prev_end:start]
        ends = k > 0 and any(c in _SENTENCE_END for c in gap) and not (
            toks[k - 1].text.endswith(".") or len(toks[k - 1].text) == 1 and toks[k - 1].text.isupper()
            or toks[k - 1].norm in _ABBREVIATIONS)
        if ends or any(c in _CLAUSE_BREAK for c in gap):
            b += 1
        breaks.append(b)
        initial.append(k == 0 or ends or any(c in "“\"‘:" for c in gap) and gap.strip() != "")
        prev_end = t.end
    init_t = tuple(initial)
    return Side(text, toks, norms, lemmas, tuple(breaks), init_t, frozenset(lemmas),
                frozenset(norms), _names(text, toks, norms, init_t))


def only_in(a: Side, b: Side) -> list[int]:
    """Indices of content tokens of ``a`` whose word is absent from ``b``."""
    return [i for i in range(len(a.tokens))
            if a.is_content(i) and a.norms[i] not in b.norm_set and a.lemmas[i] not in b.lemma_set]


def context(side: Side, first: int, last: int, window: int = 3) -> frozenset[str]:
    """Lemmas of the content words within ``window`` tokens around a span."""
    out = set()
    for k in range(max(0, first - window), min(len(side.tokens), last + window)):
        if first <= k < last:
            continue
        if side.is_content(k) and not side.tokens[k].is_capitalized:
            out.add(side.lemmas[k])
    return frozenset(out)
