"""Word tokens with character offsets, a light English stemmer and stopwords.

The stemmer is a small suffix stripper in the spirit of Porter's: it only has to
map inflected forms of one word to one key ("talks"/"talked"/"talking" ->
"talk"), the same way on both sides of a comparison.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# A word: letters/digits joined by inner apostrophes, dots in numbers (2.5,
# 1,000) or dotted abbreviations (U.S.).
_MARK = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining marks
_LETTERS = rf"[^\W_](?:[^\W_]|[{_MARK}])*"
_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)*"                      # numbers: 2.5, 1,000
    r"|(?:[^\W\d_]\.){2,}"                  # dotted abbreviations: U.S., p.m.
    rf"|{_LETTERS}(?:['’]{_LETTERS})*",      # words (decomposed accents too), inner apostrophes
    re.UNICODE,
)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself nor of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves also s t said says say told tell one ve ll d re m
    mr mrs ms dr may might must shall upon via per whether yet however
    another among amid around across toward towards within without onto""".split()
)
# Negation and direction words are meaning-bearing: never treat them as stopwords.
STOPWORDS = STOPWORDS - {"not", "no", "never", "without", "up", "down", "against", "over", "under",
                         "more", "most", "few", "before", "after"}


class Token(NamedTuple):
    """A token of a text (an immutable named tuple: built for every word, so
    it is kept cheap to create).

    Attributes:
        text: The token exactly as in the text.
        start: Offset of its first character.
        end: Offset one past its last character.
        norm: Lower-cased, accent-folded form with a trailing possessive removed.
        is_number: Whether the token is written in digits.
        is_capitalized: Whether it starts with an upper-case letter.
    """

    text: str
    start: int
    end: int
    norm: str
    is_number: bool
    is_capitalized: bool

    @property
    def stem(self) -> str:
        return stem(self.norm)


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Lower-case, fold accents and typographic apostrophes, drop possessive 's."""
    w = word.replace("’", "'").lower()
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    w = unicodedata.normalize("NFKD", w)
    w = "".join(c for c in w if not unicodedata.combining(c))
    w = w.replace(".", "") if not w[:1].isdigit() else w
    return w


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[start:end]`` into word tokens.

    Args:
        text: The full text; offsets of the tokens index this string.
        start: Where to begin.
        end: Where to stop (default: end of text).

    Returns:
        Tokens in order of appearance.
    """
    out: list[Token] = []
    append = out.append
    new = tuple.__new__
    for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        t = m.group()
        append(new(Token, (t, m.start(), m.end(), normalize_word(t), t[0].isdigit(), t[0].isupper())))
    return out


def is_stopword(norm: str) -> bool:
    return norm in STOPWORDS


def content_tokens(tokens: list[Token]) -> list[Token]:
    """Tokens that carry content: not stopwords, not single letters."""
    return [t for t in tokens if not is_stopword(t.norm) and (len(t.norm) > 1 or t.is_number)]


_VOWEL = re.compile(r"[aeiouy]")


def _has_vowel(s: str) -> bool:
    return bool(_VOWEL.search(s))


def _undouble(s: str) -> str:
    if len(s) > 2 and s[-1] == s[-2] and s[-1] not in "lsz":
        return s[:-1]
    return s


_SUFFIXES = (
    ("ational", "ate"), ("ization", "ize"), ("isation", "ize"), ("fulness", "ful"),
    ("iveness", "ive"), ("ousness", "ous"), ("ations", "ate"), ("ation", "ate"), ("ments", ""),
    ("ment", ""), ("ness", ""), ("ities", ""), ("ity", ""), ("ically", "ic"), ("ally", "al"),
    ("ingly", ""), ("edly", ""), ("ly", ""), ("izing", "ize"), ("ised", "ize"), ("ized", "ize"),
    ("ises", "ize"), ("izes", "ize"), ("ise", "ize"),
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Reduce a normalised word to a crude stem.

    Args:
        word: A normalised token (see :func:`normalize_word`).

    Returns:
        The stem; words of four letters or fewer and numbers are returned as is.
    """
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    if w.endswith("eed"):
        w = w[:-1]
    elif w.endswith("ing") and len(w) > 5 and _has_vowel(w[:-3]):
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4 and _has_vowel(w[:-2]):
        w = _undouble(w[:-2])
    for suf, rep in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)] + rep
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    if w.endswith("y") and len(w) > 3 and w[-2] not in "aeiou":
        w = w[:-1] + "i"
    return w
