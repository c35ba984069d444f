"""Per-sentence features shared by the similarity scorers: the sentence spans of
a text, which of their characters are quoted, and their content terms."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Hashable

from dedup.text.quotes import Quote, find_quotes
from dedup.text.sentences import Sentence, split_sentences
from dedup.text.tokens import _TOKEN_RE, STOPWORDS, Token, normalize_word, stem


@dataclass(frozen=True)
class SentenceFeatures:
    """A sentence with its content terms.

    Attributes:
        sentence: The sentence span.
        terms: Content-term keys (stems; canonical numbers) of the whole sentence.
        free_terms: Keys of the content terms outside quotation marks.
        tokens: Content tokens of the sentence, in order (left empty by
            :func:`text_features`, which only needs their terms).
        quoted_chars: Number of the sentence's characters inside quotations.
        names: Keys of the terms written with a capital (names, mostly).
    """

    sentence: Sentence
    terms: frozenset[str]
    free_terms: frozenset[str]
    tokens: tuple[Token, ...]
    quoted_chars: int
    names: frozenset[str]

    # computed on first use and then read as plain attributes (hot in alignment)
    @cached_property
    def length(self) -> int:
        return self.sentence.end - self.sentence.start

    @cached_property
    def quoted_share(self) -> float:
        return self.quoted_chars / self.length if self.length else 0.0


@dataclass(frozen=True)
class TextFeatures:
    """Sentences and quotations of one text.

    Values derived from the text alone that alignment needs for every pair
    (word n-gram hashes, ...) are kept in a private memo (see :meth:`memo`),
    so a text compared with several others computes them once.
    """

    text: str
    sentences: tuple[SentenceFeatures, ...]
    quotes: tuple[Quote, ...]
    paragraph_of: tuple[int, ...] = ()
    _memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value stored under ``key``, computed by ``compute()`` on first use.

        Args:
            key: Any hashable naming the value (and its parameters).
            compute: Computes the value from this text alone.

        Returns:
            The stored value (treat as read-only).
        """
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def paragraphs(self) -> list[SentenceFeatures]:
        """One pseudo-sentence per paragraph: the union of its sentences' terms
        (computed once per text; a new list each call)."""
        def compute() -> tuple[SentenceFeatures, ...]:
            groups: dict[int, list[SentenceFeatures]] = {}
            for p, s in zip(self.paragraph_of, self.sentences):
                groups.setdefault(p, []).append(s)
            return tuple(_merge_sentences(self.text, groups[p]) for p in sorted(groups))
        return list(self.memo("paragraphs", compute))


def _merge_sentences(text: str, g: list[SentenceFeatures]) -> SentenceFeatures:
    """One pseudo-sentence spanning the consecutive sentences ``g`` of ``text``
    with the union of their terms."""
    span = Sentence(g[0].sentence.start, g[-1].sentence.end, text[g[0].sentence.start:g[-1].sentence.end])
    return SentenceFeatures(
        span, frozenset().union(*(s.terms for s in g)), frozenset().union(*(s.free_terms for s in g)),
        tuple(t for s in g for t in s.tokens), sum(s.quoted_chars for s in g),
        frozenset().union(*(s.names for s in g)))


def _term_key(tok: Token) -> str:
    return tok.norm if tok.is_number else stem(tok.norm)


def _compute_word_info(word: str) -> tuple[str, bool, bool] | None:
    """(term key, is_number, is_capitalized) of a content word; None for a
    stopword or a single letter."""
    norm = normalize_word(word)
    is_number = word[0].isdigit()
    if norm in STOPWORDS or (len(norm) <= 1 and not is_number):
        return None
    return (norm if is_number else stem(norm)), is_number, word[0].isupper()


class _WordInfoCache(dict):  # type: ignore[type-arg]
    """word -> :func:`_compute_word_info`, filled on first use; a plain dict
    look-up (several times cheaper than an LRU cache hit), emptied when it
    grows past ``limit`` words."""

    limit = 300_000

    def __missing__(self, word: str) -> tuple[str, bool, bool] | None:
        if len(self) >= self.limit:
            self.clear()
        info = self[word] = _compute_word_info(word)
        return info


_WORD_INFO = _WordInfoCache()
_word_info = _WORD_INFO.__getitem__


def _inside(pos: int, quotes: list[Quote]) -> bool:
    for q in quotes:
        if q.start <= pos < q.end:
            return True
        if q.start > pos:
            break
    return False


_OPEN_END = frozenset(".!?…:;\"'”’»)]")


def _join_wrapped(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Join a sentence to the next when a single line break separates them,
    it ends without closing punctuation and the next starts with a
    lower-case letter: a hard-wrapped line, however short (the splitter
    ends short lines as headings)."""
    out: list[Sentence] = []
    for s in sentences:
        if out:
            prev = out[-1]
            gap = text[prev.end:s.start]
            if (prev.text and prev.text[-1] not in _OPEN_END and s.text[:1].islower()
                    and gap.count("\n") == 1 and not gap.strip()):
                out[-1] = Sentence(prev.start, s.end, text[prev.start:s.end])
                continue
        out.append(s)
    return out


@lru_cache(maxsize=8)
def text_features(text: str) -> TextFeatures:
    """Split ``text`` into sentences and compute each one's content terms.

    The last few results are cached (a suspect is often compared with
    several sources); the result is immutable.

    Args:
        text: Any string.

    Returns:
        The features; every offset indexes ``text``.
    """
    quotes = find_quotes(text)
    feats = []
    paragraph_of = []
    qi = 0
    paragraph, last_end = 0, 0
    for s in _join_wrapped(text, split_sentences(text)):
        if paragraph_of and "\n" in text[last_end:s.start]:
            paragraph += 1
        last_end = s.end
        paragraph_of.append(paragraph)
        # quotations overlapping this sentence
        while qi < len(quotes) and quotes[qi].end <= s.start:
            qi += 1
        local = [q for q in quotes[qi:] if q.start < s.end]
        quoted = sum(max(0, min(q.end, s.end) - max(q.start, s.start)) for q in local)
        if local:
            keys, free, names = set(), set(), set()
            for m in _TOKEN_RE.finditer(text, s.start, s.end):
                info = _word_info(m.group())
                if info is None:
                    continue
                key = info[0]
                keys.add(key)
                if not _inside(m.start(), local):
                    free.add(key)
                if info[2] and m.start() != s.start:
                    names.add(key)
            feats.append(SentenceFeatures(s, frozenset(keys), frozenset(free), (), quoted, frozenset(names)))
            continue
        # no quotation: the words alone (a word at the very start is no name)
        infos = list(map(_word_info, _TOKEN_RE.findall(text, s.start, s.end)))
        skip = 1 if infos and _TOKEN_RE.match(text, s.start, s.end) is not None else 0
        all_keys = frozenset([i[0] for i in infos if i is not None])
        names_ = frozenset([i[0] for i in infos[skip:] if i is not None and i[2]])
        feats.append(SentenceFeatures(s, all_keys, all_keys, (), quoted, names_))
    return TextFeatures(text, tuple(feats), tuple(quotes), tuple(paragraph_of))
