"""dedup.report.html and the commands that write its pages (compare --format
html, dedup report)."""
from __future__ import annotations

import html
import json
import re

from click.testing import CliRunner

from dedup import compare
from dedup.cli import main
from dedup.report import compare_page, sentence_html
from dedup.report.html import MIN_DIFF_SHARE
from dedup.text.sentences import split_sentences


def _text(fragment: str) -> str:
    """The page's text with the markup removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_the_words_that_differ_are_marked_as_runs():
    src, sus = sentence_html("The cat sat on the old mat.", "The black dog sat on the old mat.")
    assert src == 'The <span class="chg">cat</span> sat on the old mat.'
    assert sus == 'The <span class="chg">black dog</span> sat on the old mat.'
    # the markup only wraps: the texts come back whole
    assert _text(src) == "The cat sat on the old mat." and _text(sus) == "The black dog sat on the old mat."


def test_sentences_too_different_for_a_word_diff_mark_nothing():
    a, b = "Prices rose sharply in the city.", "Officials declined to comment on Tuesday evening."
    assert MIN_DIFF_SHARE > 0
    assert sentence_html(a, b) == (html.escape(a), html.escape(b))
    assert sentence_html(None, b) == ("", html.escape(b))


def test_flagged_words_carry_the_flag_and_its_explanation(seeds):
    result = compare(seeds["000"], seeds["002"])
    page = compare_page(result, seeds["000"], seeds["002"], source_name="000.txt", suspect_name="002.txt")
    flagged = re.findall(r'<span class="(?:chg )?flag" title="([^"]*)">([^<]*)</span>', page)
    words = {w for _, w in flagged}
    assert {"Alaska", "Helsinki"} <= words
    assert any("name changed" in html.unescape(t) for t, w in flagged if w == "Helsinki")
    assert '<span class="v v-spun">spun</span>' in page
    assert _text(page).count("(no counterpart)") == sum(s.source_start is None for s in result.sentences)
    # each flag's explanation is listed under its sentence
    for f in result.flags:
        assert html.escape(f.explanation) in page


def test_source_sentences_left_out_of_a_summary_are_listed(seeds):
    result = compare(seeds["000"], seeds["001"])
    page = compare_page(result, seeds["000"], seeds["001"])
    used = [(s.source_start, s.source_end) for s in result.sentences if s.source_start is not None]
    left_out = [sp for sp in split_sentences(seeds["000"])
                if not any(a < sp.end and sp.start < b for a, b in used)]
    assert left_out  # a summary leaves sentences out
    m = re.search(r"Source sentences with no counterpart in the suspect \((\d+)\)</summary><ul>(.*?)</ul>", page)
    assert int(m.group(1)) == len(left_out)
    assert _text(m.group(2)).startswith(" ".join(seeds["000"][left_out[0].start:left_out[0].end].split()))


def test_document_text_never_becomes_markup():
    evil = 'He wrote <script>alert("x")</script> and <b onclick="y">this</b> in the comments section today.'
    result = compare(evil, evil)
    page = compare_page(result, evil, evil, source_name="<i>a</i>", suspect_name="b")
    assert "<script>alert" not in page and "<b onclick" not in page and "<i>a</i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_compare_format_html(seed_dir):
    files = sorted(seed_dir.iterdir())
    r = CliRunner().invoke(main, ["compare", str(files[0]), str(files[2]), "--format", "html"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("<!DOCTYPE html>") and r.output.rstrip().endswith("</html>")
    assert f"<title>dedup: {files[2].name} against {files[0].name}</title>" in r.output


def _reuse_corpus(seeds, tmp_path):
    """Seed 000, and seed 003 with two sentences of 000 pasted at its end."""
    spans = split_sentences(seeds["000"])
    pasted = " ".join(seeds["000"][s.start:s.end] for s in spans[5:7])
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(seeds["000"], encoding="utf-8")
    (d / "b.txt").write_text(seeds["003"] + "\n\n" + pasted + "\n", encoding="utf-8")
    return d, pasted


def test_report_shows_the_pairs_spun_first_with_their_sentences(seed_dir, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["scan", str(seed_dir), "--out", str(out), "--workers", "1"]).exit_code == 0
    r = runner.invoke(main, ["report", str(out), str(seed_dir)])
    assert r.exit_code == 0, r.output
    pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    page = (out / "report.html").read_text(encoding="utf-8")
    heads = re.findall(r'<details(?: open)?><summary><span class="v v-([a-z-]+)">[^<]*</span> <code>([^<]*)</code> → '
                       r'<code>([^<]*)</code>', page)
    assert sorted((s, t) for _, s, t in heads) == sorted((p["source"], p["suspect"]) for p in pairs)
    verdicts = [v for v, _, _ in heads]
    assert verdicts[0] == "spun" and verdicts == sorted(verdicts, key=lambda v: v != "spun")
    assert page.count('<table class="align">') == len(pairs)
    assert f"wrote {out / 'report.html'} ({len(pairs)} related pairs, {len(pairs)} with sentences" in r.output
    # over the limit, a pair gets one line; a chosen file name
    r = runner.invoke(main, ["report", str(out), str(seed_dir), "--max-pairs", "1", "--html", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    small = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert small.count('<table class="align">') == 1
    assert small.count("over the limit of pairs with sentences") == len(pairs) - 1


def test_report_lists_copied_passages_from_both_texts(seeds, tmp_path):
    docs, pasted = _reuse_corpus(seeds, tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["scan", str(docs), "--out", str(out), "--workers", "1"]).exit_code == 0
    reuse = [json.loads(x) for x in (out / "reuse.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["source"], r["suspect"]) for r in reuse] == [("a.txt", "b.txt")]
    r = runner.invoke(main, ["report", str(out), str(docs)])
    assert r.exit_code == 0, r.output
    page = (out / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="[st]">([^<]*)</td>', page.split("Copied passages")[1])
    assert len(cells) == 2 * len(reuse[0]["passages"])
    assert " ".join(_text(cells[0]).split()) == " ".join(_text(cells[1]).split())  # the same words on both sides
    assert " ".join(_text(cells[0]).split()) in " ".join(pasted.split())


def test_report_without_the_inputs_or_on_another_directory(seed_dir, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["scan", str(seed_dir), "--out", str(out), "--workers", "1"]).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    r = runner.invoke(main, ["report", str(out), str(empty)])
    assert r.exit_code == 0
    assert "documents named in" in r.output and "pass the inputs of the scan" in r.output
    assert '<table class="align">' not in (out / "report.html").read_text(encoding="utf-8")
    r = runner.invoke(main, ["report", str(empty), str(seed_dir)])
    assert r.exit_code == 1 and "no pairs.jsonl" in r.output
