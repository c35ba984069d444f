"""HTML pages that show a reader which sentences of a rewrite changed, and how.

Two pages, each one self-contained file (inline CSS, no script, no network):

- :func:`compare_page`: one comparison (``dedup compare --format html``):
  the scores, then the aligned sentences side by side with the changed words
  marked, each meaning-change flag under its sentence, and the source
  sentences the suspect left out.
- :func:`scan_page`: a scan's outputs (``dedup report``): the clusters, the
  related pairs (spun first) each opening onto its sentence table, and the
  pairs that share copied passages.

Every text from the documents is escaped; nothing in a document can add
markup to the page.
"""
from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from dedup.compare import Comparison, SentenceResult
from dedup.text.sentences import split_sentences

__all__ = ["comparison_html", "compare_page", "scan_page", "sentence_html"]

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{vertical-align:top;padding:.35em .5em;text-align:left}
table.align td.s,table.align td.t{width:44%}table.align tr.row{border-top:1px solid #ddd}
th{background:#f3f3f3}td.n,td.m{color:#666;font-size:.85em;white-space:nowrap}
.chg{background:#fff1b8}.flag{background:#ffc9c9;border-bottom:2px solid #d33}
tr.flags td{padding-top:0}ul.flags{margin:0;padding-left:1.2em;color:#a00}
tr.unaligned td.t{color:#555}td.none{color:#999;font-style:italic}
tr.quoted td.t{font-style:italic}
.v{display:inline-block;padding:0 .45em;border-radius:.3em;font-weight:600;font-size:.9em}
.v-spun{background:#d33;color:#fff}.v-derivative,.v-near-duplicate,.v-exact-duplicate{background:#3a7;color:#fff}
.v-shared-quotes,.v-unrelated{background:#999;color:#fff}
details{margin:.3em 0;border:1px solid #ddd;border-radius:.3em;padding:.3em .6em}
summary{cursor:pointer}code{font-size:.9em}.scores{color:#444}
.dropped li{color:#555;margin:.2em 0}
"""


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _verdict(v: str) -> str:
    return f'<span class="v v-{_e(v)}">{_e(v)}</span>'


def _spans_of(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Where each non-empty needle first occurs in ``text`` (case-insensitive)."""
    low = text.lower()
    out = []
    for n in needles:
        n = n.strip()
        if n:
            k = low.find(n.lower())
            if k >= 0:
                out.append((k, k + len(n)))
    return out


def _render(text: str, tokens: Sequence[re.Match], changed: set[int], marks: list[tuple[int, int]],
            why: str) -> str:
    """``text`` with its changed tokens and flagged words in spans; a run of
    tokens of one kind (and the spaces inside it) is one span."""
    kinds = []
    for k, m in enumerate(tokens):
        cls = ("chg",) if k in changed else ()
        if any(a < m.end() and m.start() < b for a, b in marks):
            cls += ("flag",)
        kinds.append(cls)
    out, pos, k = [], 0, 0
    while k < len(tokens):
        j = k
        while j + 1 < len(tokens) and kinds[j + 1] == kinds[k]:
            j += 1
        out.append(_e(text[pos:tokens[k].start()]))
        run = _e(text[tokens[k].start():tokens[j].end()])
        if kinds[k]:
            title = f' title="{_e(why)}"' if "flag" in kinds[k] and why else ""
            out.append(f'<span class="{" ".join(kinds[k])}"{title}>{run}</span>')
        else:
            out.append(run)
        pos, k = tokens[j].end(), j + 1
    out.append(_e(text[pos:]))
    return "".join(out)


#: Below this share of matching words a word diff marks nearly everything,
#: which helps nobody: only the flagged words are marked.
MIN_DIFF_SHARE = 0.3


def sentence_html(source: str | None, suspect: str, flags: Sequence[Any] = ()) -> tuple[str, str]:
    """Two aligned sentences as HTML, with the words that differ marked.

    Args:
        source: The source sentence (None: no counterpart).
        suspect: The suspect sentence.
        flags: Its :class:`~dedup.spin.flags.Flag` s: their words are marked
            on both sides, the explanation as a tooltip.

    Returns:
        ``(source_html, suspect_html)``; words present on one side only (by
        a word diff, ignoring case) have class ``chg`` unless the sentences
        share under :data:`MIN_DIFF_SHARE` of their words; flagged words
        have class ``flag``.
    """
    why = "; ".join(f"{f.kind}: {f.explanation}" for f in flags)
    st = list(_TOKEN.finditer(suspect))
    if source is None:
        return "", _render(suspect, st, set(), _spans_of(suspect, (f.suspect_text for f in flags)), why)
    ss = list(_TOKEN.finditer(source))
    sm = difflib.SequenceMatcher(None, [m.group().lower() for m in ss], [m.group().lower() for m in st],
                                 autojunk=False)
    src_chg, sus_chg = set(range(len(ss))), set(range(len(st)))
    for a, b, n in sm.get_matching_blocks():
        src_chg.difference_update(range(a, a + n))
        sus_chg.difference_update(range(b, b + n))
    if len(st) - len(sus_chg) < MIN_DIFF_SHARE * max(len(st), len(ss)):
        src_chg, sus_chg = set(), set()
    return (_render(source, ss, src_chg, _spans_of(source, (f.source_text for f in flags)), why),
            _render(suspect, st, sus_chg, _spans_of(suspect, (f.suspect_text for f in flags)), why))


def _row(k: int, s: SentenceResult, source: str, suspect: str) -> str:
    src = None if s.source_start is None else source[s.source_start:s.source_end]
    left, right = sentence_html(src, suspect[s.suspect_start:s.suspect_end], s.flags)
    cls = ["row"] + (["flagged"] if s.flags else []) + (["unaligned"] if src is None else []) \
        + (["quoted"] if s.quoted else [])
    left_td = '<td class="s none">(no counterpart)</td>' if src is None else f'<td class="s">{left}</td>'
    out = [f'<tr class="{" ".join(cls)}"><td class="n">{k}</td>{left_td}<td class="t">{right}</td>'
           f'<td class="m">sim {s.similarity:.2f}<br>drift {s.drift:.2f}{"<br>quoted" if s.quoted else ""}</td></tr>']
    if s.flags:
        items = "".join(f"<li><b>{_e(f.kind)}</b>: {_e(f.explanation)}</li>" for f in s.flags)
        out.append(f'<tr class="flags"><td></td><td colspan="3"><ul class="flags">{items}</ul></td></tr>')
    return "".join(out)


def _dropped(result: Comparison, source: str) -> list[str]:
    """Source sentences that no suspect sentence is aligned with."""
    used = sorted((s.source_start, s.source_end) for s in result.sentences if s.source_start is not None)
    out = []
    for sp in split_sentences(source):
        if not any(a < sp.end and sp.start < b for a, b in used):
            text = source[sp.start:sp.end].strip()
            if text:
                out.append(text)
    return out


def comparison_html(result: Comparison, source: str, suspect: str) -> str:
    """One comparison as an HTML fragment (no page around it).

    Args:
        result: The comparison (:func:`dedup.compare`).
        source: The source text it was computed on.
        suspect: The suspect text.

    Returns:
        The scores, the sentence table, the source sentences left out and
        the shared quotations.
    """
    sc = result.scores
    n_flags = len(result.flags)
    parts = [f'<p>{_verdict(result.verdict)} <span class="scores">resemblance {sc.resemblance:.2f} · '
             f'containment {sc.containment:.2f} · coverage {sc.coverage:.2f} · drift {sc.drift:.2f} · '
             f'{len(result.passages)} passage(s) · {len(result.shared_quotes)} shared quotation(s) · '
             f'{n_flags} flag(s)</span></p>',
             '<table class="align"><tr><th>#</th><th>Source</th><th>Suspect</th><th></th></tr>']
    parts.extend(_row(k + 1, s, source, suspect) for k, s in enumerate(result.sentences))
    parts.append("</table>")
    dropped = _dropped(result, source)
    if dropped:
        items = "".join(f"<li>{_e(' '.join(t.split()))}</li>" for t in dropped)
        parts.append(f'<details class="dropped"><summary>Source sentences with no counterpart in the suspect '
                     f'({len(dropped)})</summary><ul>{items}</ul></details>')
    if result.shared_quotes:
        items = "".join(f"<li>“{_e(' '.join(q.text.split()))}”</li>" for q in result.shared_quotes)
        parts.append(f"<details><summary>Quotations in both ({len(result.shared_quotes)})</summary>"
                     f"<ul>{items}</ul></details>")
    return "\n".join(parts)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n")


def compare_page(result: Comparison, source: str, suspect: str, *, source_name: str = "source",
                 suspect_name: str = "suspect") -> str:
    """A whole HTML page for one comparison.

    Args:
        result: The comparison.
        source: The source text.
        suspect: The suspect text.
        source_name: What to call the source (a file name).
        suspect_name: What to call the suspect.

    Returns:
        The page, one string.
    """
    title = f"{suspect_name} against {source_name}"
    return _page(f"dedup: {title}", f"<h1>{_e(title)}</h1>\n" + comparison_html(result, source, suspect))


_SEVERITY = {"spun": 0, "derivative": 1, "near-duplicate": 2, "exact-duplicate": 3}


def scan_page(pairs: Sequence[Mapping[str, Any]], clusters: Sequence[Mapping[str, Any]],
              reuse: Sequence[Mapping[str, Any]], text: Callable[[str], str | None],
              compare_fn: Callable[[str, str], Comparison], *, max_pairs: int = 200,
              title: str = "dedup scan report") -> str:
    """A whole HTML page for a scan's outputs.

    Args:
        pairs: ``pairs.jsonl`` rows.
        clusters: ``clusters.jsonl`` rows.
        reuse: ``reuse.jsonl`` rows.
        text: A document's text by id (None if it cannot be had: the pair is
            listed without its sentences).
        compare_fn: ``compare(source_text, suspect_text)``, to show a pair's
            sentences (pairs.jsonl keeps scores and flag counts only).
        max_pairs: Pairs shown with their sentences (spun first, then by
            flags); the others are listed in one line each.
        title: The page's title.

    Returns:
        The page, one string.
    """
    order = sorted(pairs, key=lambda p: (_SEVERITY.get(p["verdict"], 9), -int(p.get("flags", 0)),
                                         p["source"], p["suspect"]))
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p["verdict"]] = counts.get(p["verdict"], 0) + 1
    body = [f"<h1>{_e(title)}</h1>",
            f"<p>{len(pairs)} related pair(s): " + (", ".join(f"{_verdict(v)} {n}" for v, n in sorted(
                counts.items(), key=lambda kv: _SEVERITY.get(kv[0], 9))) or "none")
            + f" · {len(clusters)} cluster(s) · {len(reuse)} pair(s) sharing copied passages</p>"]
    if clusters:
        body.append("<h2>Clusters</h2><table><tr><th>#</th><th>likely origin</th><th>members (← their source)"
                    "</th></tr>")
        for c in clusters:
            members = "<br>".join(f"<code>{_e(m['id'])}</code>" + (f" ← <code>{_e(m['source'])}</code>"
                                                                   if m.get("source") else "")
                                  for m in c.get("members", []))
            body.append(f"<tr><td class=\"n\">{_e(str(c.get('cluster', '')))}</td>"
                        f"<td><code>{_e(str(c.get('origin') or ''))}</code></td><td>{members}</td></tr>")
        body.append("</table>")
    if order:
        body.append("<h2>Related pairs</h2>")
        for k, p in enumerate(order):
            sc = p.get("scores", {})
            kinds = ", ".join(p.get("flag_kinds", []))
            head = (f"{_verdict(p['verdict'])} <code>{_e(p['source'])}</code> → <code>{_e(p['suspect'])}</code>"
                    f' <span class="scores">coverage {sc.get("coverage", 0):.2f} · drift {sc.get("drift", 0):.2f}'
                    f' · {p.get("flags", 0)} flag(s){": " + _e(kinds) if kinds else ""}</span>')
            src, sus = (text(p["source"]), text(p["suspect"])) if k < max_pairs else (None, None)
            if src is None or sus is None:
                why = ("not shown: over the limit of pairs with sentences" if k >= max_pairs
                       else "texts not found among the inputs given")
                body.append(f"<p>{head} <small>({why})</small></p>")
                continue
            body.append(f"<details{' open' if k == 0 else ''}><summary>{head}</summary>"
                        f"{comparison_html(compare_fn(src, sus), src, sus)}</details>")
    if reuse:
        body.append("<h2>Copied passages in pairs that are not rewrites</h2>")
        for r in reuse:
            head = (f"<code>{_e(r['source'])}</code> → <code>{_e(r['suspect'])}</code>"
                    f' <span class="scores">{r.get("reused_chars", 0)} characters copied · '
                    f'{r.get("source_share", 0):.0%} of the source, {r.get("suspect_share", 0):.0%} of the '
                    f"suspect · {_e(r.get('verdict', ''))}</span>")
            src, sus = text(r["source"]), text(r["suspect"])
            if src is None or sus is None:
                body.append(f"<p>{head}</p>")
                continue
            rows = "".join(
                f'<tr class="row"><td class="s">{_e(src[q["source_start"]:q["source_end"]])}</td>'
                f'<td class="t">{_e(sus[q["suspect_start"]:q["suspect_end"]])}</td>'
                f'<td class="m">score {q.get("score", 0):.2f}</td></tr>' for q in r.get("passages", []))
            body.append(f"<details><summary>{head}</summary><table class=\"align\"><tr><th>Source</th>"
                        f"<th>Suspect</th><th></th></tr>{rows}</table></details>")
    return _page(title, "\n".join(body))
