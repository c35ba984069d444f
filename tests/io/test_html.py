"""HTML main-text extraction."""
from __future__ import annotations

from pathlib import Path

from dedup.document import Document, ReadError
from dedup.io import ReaderConfig, extract_text
from dedup.io.html import NO_TEXT, read_html

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "html" / "article.html"

ARTICLE_TEXT = (
    "Harbour council approves new ferry route\n"
    "By Ana Ruiz\n"
    "The harbour council voted on Tuesday to approve a new ferry route between Port Ellis and the northern islands.\n"
    "Councillor James O'Neill said the service would \u201ctransform\u201d travel for islanders.\n"
    "Tickets go on sale in May.\n"
    "Timetable\n"
    "Weekdays: four crossings\n"
    "Weekends: two crossings"
)


def test_fixture_article_kept_boilerplate_gone() -> None:
    [doc] = list(read_html(FIXTURE, "article.html", "article.html", ReaderConfig()))
    assert isinstance(doc, Document)
    assert doc.text == ARTICLE_TEXT
    assert doc.meta == {
        "path": str(FIXTURE),
        "format": "html",
        "title": "Harbour Council Approves New Ferry Route \u2014 The Coastal Times",
    }
    for boilerplate in (
        "TRACKING", "font-family", "Home", "Sport", "cookies", "Accept", "Weather", "Share on",
        "JavaScript", "Tags:", "Related", "Bridge", "First!", "rights reserved", "Privacy", "Coastal Times",
    ):
        assert boilerplate not in doc.text


def test_blocks_become_lines_and_whitespace_collapses() -> None:
    html = "<div>one\n   two</div><p>three<br/>four</p><h2>five</h2><ul><li>six<li>seven</ul>x&amp;y&nbsp;z"
    assert extract_text(html).text == "one two\nthree\nfour\nfive\nsix\nseven\nx&y z"


def test_inline_elements_do_not_split_words() -> None:
    assert extract_text("<p>un<b>believ</b><i>able</i> <a href=x>link</a></p>").text == "unbelievable link"


def test_table_cells_are_separated() -> None:
    assert extract_text("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>").text == "a b\nc"


def test_pre_keeps_its_lines() -> None:
    assert extract_text("<pre>\nx = 1\n  y = 2\n</pre>").text == "x = 1\ny = 2"


def test_without_article_all_non_boilerplate_text_is_kept() -> None:
    html = (
        "<nav>Menu</nav><div class='content'><p>Body text.</p></div>"
        "<div class='post-comments'>c</div><div id='sidebar'>s</div><div class='ad'>buy</div>"
        "<div class='canvas'>Canvas is not nav.</div><div role='navigation'>r</div><div hidden>h</div>"
        "<form>f</form><footer>foot</footer>"
    )
    assert extract_text(html).text == "Body text.\nCanvas is not nav."


def test_article_preferred_over_page_text() -> None:
    html = "<body><div>Teaser elsewhere</div><article><p>The story.</p></article><p>After</p></body>"
    assert extract_text(html).text == "The story."
    html = "<div role='main'><p>Main role.</p></div><p>Outside</p>"
    assert extract_text(html).text == "Main role."


def test_layout_classes_on_containers_do_not_hide_content() -> None:
    html = "<body class='has-sidebar cookie-consent'><div class='no-comments'><p>Kept.</p></div></body>"
    assert extract_text(html).text == "Kept."


def test_unclosed_head_and_stray_tags() -> None:
    html = "<html><head><title>T</title><body><p>Text</div></span><p>More"
    result = extract_text(html)
    assert result.text == "Text\nMore"
    assert result.title == "T"


def test_script_with_markup_inside() -> None:
    assert extract_text("<p>a</p><script>if (x < 1) { s = '</p><p>bad'; }</script><p>b</p>").text == "a\nb"


def test_no_text_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "menu.html"
    f.write_text("<html><body><nav>Home</nav><script>x()</script></body></html>", encoding="utf-8")
    assert list(read_html(f, "menu.html", "menu.html", ReaderConfig())) == [ReadError("menu.html", NO_TEXT)]


def test_html_must_be_utf8(tmp_path: Path) -> None:
    f = tmp_path / "l.htm"
    f.write_bytes(b"<p>caf\xe9</p>")
    assert list(read_html(f, "l.htm", "l.htm", ReaderConfig())) == [ReadError("l.htm", "not valid UTF-8 at byte 6")]
