"""Sentence splitting with character offsets into the original text."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st sr jr gen sen rep gov lt col capt sgt maj adm rev hon pres
    jan feb mar apr jun jul aug sep sept oct nov dec no vs etc inc ltd corp co dept est
    approx fig al e.g i.e u.s u.k u.n u.s.a a.m p.m""".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|\n")
_LEADING = " \t\r\n•·*▪◦‣–—-"  # bullets and dashes that open list items
_OPENERS = "\"'“‘«([•*–—-"


@dataclass(frozen=True)
class Sentence:
    """A sentence: ``text[start:end]`` of the document it came from."""

    start: int
    end: int
    text: str


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # initials: "J." in "J. Smith", "J.D." in "J.D. Vance"
    return text[j].isupper() and all(len(part) == 1 for part in word.split("."))


def _next_starts_sentence(text: str, pos: int) -> bool:
    n = len(text)
    while pos < n and text[pos] in " \t":
        pos += 1
    if pos >= n:
        return True
    c = text[pos]
    return c.isupper() or c.isdigit() or c in _OPENERS or c == "\n"


# Words after which a line cannot end a sentence.
_CONTINUES = frozenset(
    """a an the of to in on at by for from with and or but nor as that which who whose whom
    than its their his her our your my is are was were be been has have had will would
    can could should into onto over under about between among""".split()
)
_MIN_WRAPPED_LINE = 25  # shorter lines are headings or list items, never wrapped text


def _newline_ends(text: str, pos: int) -> bool:
    """Whether the line break at ``pos`` ends a sentence (see :func:`split_sentences`)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos].rstrip(" \t\r")
    if len(line.strip()) < _MIN_WRAPPED_LINE:
        return True
    j, n = pos + 1, len(text)
    while j < n and text[j] in " \t\r\xa0":
        j += 1
    if j >= n or text[j] == "\n":
        return True  # blank line: a paragraph break
    nxt = text[j]
    last = line[-1]
    if last in ".!?…:;\"'”’»)]":
        return True
    if nxt.islower():
        return False
    if last == ",":
        return not (nxt.isalnum())
    if last.isalpha():
        k = len(line)
        while k > 0 and line[k - 1].isalpha():
            k -= 1
        return line[k:] not in _CONTINUES or not (nxt.isalnum())
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences.

    A line break ends a sentence (news text puts paragraphs, headlines and
    list items on lines of their own) unless the text is visibly hard-wrapped
    there: the next line starts with a lower-case letter, or the line ends
    with a comma or a function word ("of", "the", ...), and the line is not a
    short heading-like line (see :func:`_newline_ends`). Inside a line, ``.``, ``!``, ``?``
    (with any closing quotes) end a sentence when followed by white space and a
    capital, digit or opening quote, unless they close a known abbreviation.

    Args:
        text: Any string.

    Returns:
        Sentences in order; offsets index ``text``. Spans without a letter or
        digit are dropped, so the sentences need not cover the whole text.
    """
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group() == "\n":
            if not _newline_ends(text, m.start()):
                continue
        else:
            first_dot = m.start()
            if text[first_dot] == "." and _ends_with_abbreviation(text, first_dot):
                if not (m.end() < len(text) and text[m.end():m.end() + 2].strip() == "" and "\n" in text[m.end():m.end() + 2]):
                    continue
            if not _next_starts_sentence(text, m.end()):
                continue
        _emit(text, start, m.end() if m.group() != "\n" else m.start(), out)
        start = m.end()
    _emit(text, start, len(text), out)
    return out


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    s, e = _trim(text, start, end)
    if e > s and any(ch.isalnum() for ch in text[s:e]):
        out.append(Sentence(s, e, text[s:e]))
