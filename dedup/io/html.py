"""HTML reader: main-text extraction with the standard library's html.parser."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from dedup.document import Document, ReadError
from dedup.io.common import Rejected, decode_utf8, read_bytes
from dedup.io.config import ReaderConfig

NO_TEXT = "no text found in HTML (after removing markup and boilerplate)"

# Elements whose content is never text.
_DROP = frozenset(
    "head script style noscript template svg math iframe object embed canvas video audio "
    "select option button textarea dialog".split()
)
# Navigation boilerplate. <header> is only boilerplate outside <article>/<main>,
# where it holds the site banner; inside, it holds the article's own title.
_BOILERPLATE = frozenset("nav footer aside form menu".split())
_MAIN = frozenset(("article", "main"))
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BLOCK = frozenset(
    """address article aside blockquote body br caption dd details div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p pre section
    summary table tbody tfoot thead tr ul""".split()
)
_CELL = frozenset(("td", "th"))
# class/id words that mark boilerplate (compared word by word, so "canvas" is not "nav").
_BOILER_WORDS = frozenset(
    """nav navbar navigation navlinks menu menubar submenu breadcrumb breadcrumbs footer
    cookie cookies consent gdpr share sharing social related comment comments sidebar
    advert adverts advertisement advertising ad ads sponsor sponsored promo newsletter
    subscribe popup modal skip""".split()
)
_BOILER_ROLES = frozenset("navigation banner contentinfo complementary search menu menubar dialog".split())
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SPACE = re.compile(r"\s+")
_BREAK = "\n"


@dataclass
class _Frame:
    tag: str
    skip: bool
    main: bool


# A class like "has-sidebar" or "no-comments" describes the layout, not the element.
_MODIFIERS = frozenset("has with without no show hide is enable disable layout page template".split())
# Never judged by class/id: dropping them would drop the whole page.
_CONTAINERS = frozenset(("html", "body", "article", "main"))


def _is_boilerplate_attr(tag: str, attrs: dict[str, str]) -> bool:
    if tag in _CONTAINERS:
        return False
    if attrs.get("role", "").strip().lower() in _BOILER_ROLES:
        return True
    if "hidden" in attrs or attrs.get("aria-hidden", "").strip().lower() == "true":
        return True
    for key in ("class", "id"):
        for name in attrs.get(key, "").split():
            words = [w.lower() for w in _WORD.findall(name)]
            if words and words[0] not in _MODIFIERS and not _BOILER_WORDS.isdisjoint(words):
                return True
    return False


class _Extractor(HTMLParser):
    """Collects text pieces tagged with whether they sit inside article/main."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Frame] = []
        self.pieces: list[tuple[str, bool]] = []
        self.title: list[str] = []
        self.pre = 0

    def _top(self) -> _Frame:
        return self.stack[-1] if self.stack else _Frame("", False, False)

    def _emit(self, piece: str) -> None:
        top = self._top()
        if not top.skip:
            self.pieces.append((piece, top.main))

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag == "body":  # an unclosed <head> ends here
            for i, frame in enumerate(self.stack):
                if frame.tag == "head":
                    del self.stack[i:]
                    break
        parent = self._top()
        if tag in _BLOCK:
            self._emit(_BREAK)
        elif tag in _CELL:
            self._emit(" ")
        if tag in _VOID:
            return
        is_main = tag in _MAIN or attrs.get("role", "").strip().lower() == "main"
        skip = (
            parent.skip
            or tag in _DROP
            or tag in _BOILERPLATE
            or (tag == "header" and not parent.main)
            or (not is_main and _is_boilerplate_attr(tag, attrs))
        )
        self.stack.append(_Frame(tag, skip, parent.main or is_main))
        if tag == "pre" and not skip:
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                for frame in self.stack[i:]:
                    if frame.tag == "pre" and not frame.skip:
                        self.pre -= 1
                del self.stack[i:]
                break
        else:
            return  # stray end tag
        if tag in _BLOCK:
            self._emit(_BREAK)
        elif tag in _CELL:
            self._emit(" ")

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1].tag == "title":
            self.title.append(data)
            return
        if self.pre:
            for i, line in enumerate(data.split("\n")):
                if i:
                    self._emit(_BREAK)
                self._emit(_SPACE.sub(" ", line))
        else:
            self._emit(_SPACE.sub(" ", data))


def _join(pieces: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "".join(pieces).split(_BREAK))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Extracted:
    """Result of :func:`extract_text`.

    Args:
        text: Main text, one line per block element.
        title: Content of ``<title>``, whitespace-collapsed ("" if none).
    """

    text: str
    title: str


def extract_text(html: str) -> Extracted:
    """Extract the main text of an HTML page.

    Tags are removed; script/style/noscript/template and navigation
    boilerplate (nav, page-level header, footer, aside, form, menu, and
    elements whose class/id/role marks them as nav, menu, footer, cookie,
    share, related, comment, sidebar or advert) are dropped. When the page has
    ``<article>`` or ``<main>`` text, only that is kept. Block elements become
    line breaks, runs of whitespace within a line collapse to one space,
    empty lines are dropped, and entities are unescaped.

    Args:
        html: The page source.

    Returns:
        The extracted text and title.
    """
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    has_main = any(main and piece.strip() for piece, main in parser.pieces)
    text = _join([piece for piece, main in parser.pieces if main or not has_main])
    title = " ".join("".join(parser.title).split())
    return Extracted(text, title)


def html_document(doc_id: str, html: str, meta: dict[str, object]) -> Document:
    """Build a Document from HTML source.

    Args:
        doc_id: Document id.
        html: Page source.
        meta: Metadata to include; ``title`` is added when the page has one.

    Returns:
        The Document, whose text is the extracted main text.

    Raises:
        Rejected: NO_TEXT when nothing remains after extraction.
    """
    extracted = extract_text(html)
    if not extracted.text:
        raise Rejected(NO_TEXT)
    if extracted.title:
        meta = {**meta, "title": extracted.title}
    return Document(doc_id, extracted.text, meta)


def read_html(path: Path, doc_id: str, display: str, config: ReaderConfig) -> Iterator[Document | ReadError]:
    """Read one HTML file as one document (strict UTF-8).

    Args:
        path: File to read.
        doc_id: Id for the document (path relative to the scanned root).
        display: Path used in a :class:`ReadError`.
        config: Reader settings (``max_bytes``).

    Returns:
        An iterator yielding exactly one Document or one ReadError. The
        Document's text is the extracted text; offsets index that text.
    """
    try:
        html = decode_utf8(read_bytes(path, config.max_bytes))
        if not html.strip():
            raise Rejected("file contains only whitespace")
        doc = html_document(doc_id, html, {"path": str(path), "format": "html"})
    except Rejected as e:
        yield ReadError(display, str(e))
        return
    yield doc
