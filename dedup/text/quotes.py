"""Quotations: spans of text inside quotation marks."""
from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’"}
_OPEN_RE = re.compile("[“«„‘\"']")
_CLOSE_RE = {c: re.compile(re.escape(c) + "|\n") for c in ("”", "»", "“", "’", '"', "'")}
#: after a single quote mark: an English clitic ("'s", "'re", "'ll", ...) as a
#: word of its own, which no quotation starts with. Text whose names were cut
#: out (anonymised corpora, scraped pages that drop links) leaves possessives
#: like "the 's librarian", which would otherwise open a quotation running to
#: the next plural possessive, paragraphs away.
_CLITIC_RE = re.compile(r"(?:s|t|d|m|ll|re|ve)(?![^\W_])", re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    """The words inside one pair of quotation marks.

    ``start``/``end`` delimit the quoted words (marks excluded) in the text.
    """

    start: int
    end: int
    text: str


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def find_quotes(text: str, min_words: int = 1) -> list[Quote]:
    """Find quotations in ``text``.

    Handles typographic pairs (“…”, «…», „…“, ‘…’), straight double quotes and
    a quotation left open until the end of its paragraph (the usual style of
    multi-paragraph quotes). A ‘ or ' is an opening mark only at a word start
    and not before a clitic standing alone ("the 's librarian", left where a
    name was cut out), and ’ is a closing mark only when not followed by a
    letter, so apostrophes ("Putin’s") are not mistaken for quotes. A
    straight double mark between a space and a word opens a quotation, so it
    never closes one: a stray unclosed mark in a text without line breaks
    (a JSONL field, a flattened page) would otherwise pair with the next
    quotation's opening mark and quote everything between.

    Args:
        text: Any string.
        min_words: Ignore quotations with fewer words.

    Returns:
        Quotations in order of their start; nested ones are not reported.
    """
    quotes: list[Quote] = []
    i, n = 0, len(text)
    while i < n:
        found = _OPEN_RE.search(text, i)
        if found is None:
            break
        i = found.start()
        c = text[i]
        close: str | None = None
        if c in _PAIRS:
            if c == "‘" and (i > 0 and _is_word_char(text[i - 1]) or _CLITIC_RE.match(text, i + 1)):
                i += 1
                continue
            close = _PAIRS[c]
        elif c == '"':
            close = '"'
        elif (c == "'" and (i == 0 or not _is_word_char(text[i - 1])) and i + 1 < n and _is_word_char(text[i + 1])
              and not _CLITIC_RE.match(text, i + 1)):
            close = "'"
        if close is None:
            i += 1
            continue
        j = n
        end = -1
        for mm in _CLOSE_RE[close].finditer(text, i + 1):
            j = mm.start()
            d = text[j]
            if (d == '"' and j + 1 < n and _is_word_char(text[j + 1]) and text[j - 1].isspace()):
                break  # a straight mark between a space and a word opens a quotation: this one is unclosed
            if d == close and not (close in "’'" and j + 1 < n and text[j + 1].isalpha()):
                end = j
                break
            if d == "\n" and close not in "\"'":
                end = j  # open quote runs to the end of its paragraph
                break
            if d == "\n":
                break
        else:
            j = n
        if end < 0 and close not in "\"'" and j >= n:
            end = n
        if end < 0:
            i += 1
            continue
        s, e = i + 1, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
            e -= 1
        if len(text[s:e].split()) >= min_words and any(ch.isalnum() for ch in text[s:e]):
            quotes.append(Quote(s, e, text[s:e]))
        i = end + 1
    return quotes
