"""The ``dedup`` command line."""
from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import click

from dedup import __version__
from dedup.compare import Comparison, compare
from dedup.config import Config
from dedup.io.config import DEFAULT_MAX_BYTES, ReaderConfig
from dedup.reuse import copied_in_texts
from dedup.scan import CandidateScan, ScanResult, scan, scan_candidates
from dedup.verdict import RELATED_VERDICTS

_EPILOG_COMPARE = """\b
Examples:
  dedup compare original.txt rewrite.txt
  dedup compare original.txt rewrite.txt --format json | jq .verdict
  dedup compare original.txt rewrite.txt --format html > pair.html
"""
_EPILOG_SCAN = """\b
Examples:
  dedup scan fixtures/seeds --out report/
  dedup scan crawl/ more.jsonl --out report/ --workers 2 --strict
  dedup scan feed.jsonl --text-key body --id-key uuid --out report/
  dedup scan crawl/ --out cands/ --stage candidates   # candidates.jsonl only
  dedup scan crawl/ --out report/ --candidates cands/candidates.jsonl   # judge those
  dedup scan big-crawl/ --out report/ --resume   # run it again after a stop: candidates and judged pairs are kept
"""


def _read(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise click.ClickException(f"{path}: not valid UTF-8 at byte {e.start}") from None
    except OSError as e:
        raise click.ClickException(f"{path}: cannot read: {e.strerror or e}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
def main() -> None:
    """Find copies, rewrites and spun rewrites of news articles, and show which
    sentence of a rewrite changed its meaning and how.

    \b
    Examples:
      dedup compare original.txt rewrite.txt
      dedup scan fixtures/seeds --out report/
    """


@main.command("compare", epilog=_EPILOG_COMPARE)
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("suspect", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="text: side-by-side aligned sentences with flags; json: the full result; html: a page "
                   "with the changed words and flagged words marked.")
def compare_cmd(source: str, suspect: str, fmt: str) -> None:
    """Compare SUSPECT against SOURCE (UTF-8 text files)."""
    src, sus = _read(source), _read(suspect)
    result = compare(src, sus)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "html":
        from dedup.report import compare_page
        click.echo(compare_page(result, src, sus, source_name=Path(source).name, suspect_name=Path(suspect).name),
                   nl=False)
    else:
        click.echo(render_text(result, src, sus))


def _one_line(s: str) -> str:
    return " ".join(s.split())


def render_text(result: Comparison, source: str, suspect: str, width: int | None = None) -> str:
    """Readable side-by-side rendering of a comparison.

    Args:
        result: The comparison.
        source: The source text it was computed on.
        suspect: The suspect text.
        width: Total line width (default: the terminal's, at most 160).

    Returns:
        The rendering, one string.
    """
    total = width or min(160, shutil.get_terminal_size((120, 40)).columns)
    col = max(30, (total - 3) // 2)
    sc = result.scores
    lines = [f"verdict: {result.verdict}",
             f"scores: resemblance {sc.resemblance:.2f}  containment {sc.containment:.2f}  "
             f"coverage {sc.coverage:.2f}  drift {sc.drift:.2f}",
             f"passages: {len(result.passages)}  shared quotes: {len(result.shared_quotes)}  "
             f"flags: {len(result.flags)}"]
    copied = () if result.verdict in RELATED_VERDICTS else copied_in_texts(result.passages, source, suspect)
    if copied:
        lines.append(f"copied: {len(copied)} passage(s), {sum(p.suspect_end - p.suspect_start for p in copied)} "
                     "characters of the suspect; too little of either text for a rewrite")
    lines.append("")
    lines.append(f"{'SOURCE':<{col}} | SUSPECT")
    lines.append("-" * col + "-+-" + "-" * col)
    for k, s in enumerate(result.sentences):
        right = _one_line(suspect[s.suspect_start:s.suspect_end])
        if s.source_start is None:
            left = "(no counterpart)"
        else:
            left = _one_line(source[s.source_start:s.source_end])
        tag = f"[{k + 1}] sim {s.similarity:.2f} drift {s.drift:.2f}" + (" quoted" if s.quoted else "")
        lw = textwrap.wrap(left, col) or [""]
        rw = textwrap.wrap(right, col) or [""]
        lines.append(f"{'':<{col}} | {tag}")
        for a, b in zip(lw + [""] * (len(rw) - len(lw)), rw + [""] * (len(lw) - len(rw))):
            lines.append(f"{a:<{col}} | {b}")
        for f in s.flags:
            lines.append(f"{'':<{col}} | ! {f.kind}: {f.explanation}")
        lines.append("")
    if result.shared_quotes:
        lines.append("shared quotes:")
        for q in result.shared_quotes:
            lines.append(f"  “{_one_line(q.text)}”")
    return "\n".join(lines).rstrip() + "\n"


@main.command("scan", epilog=_EPILOG_SCAN)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for pairs.jsonl, clusters.jsonl, errors.jsonl and reuse.jsonl "
                   "(pairs that share copied passages but are not derivatives; "
                   "with --stage candidates: candidates.jsonl and errors.jsonl).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to use (default: all cores).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any input could not be read.")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: on a terminal).")
@click.option("--text-key", default="text", show_default=True, help="JSONL field holding the text.")
@click.option("--id-key", default="id", show_default=True, help="JSONL field holding the document id.")
@click.option("--max-bytes", type=click.IntRange(min=0), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest document read, in bytes (a text or HTML file, a JSONL line, a WARC record; "
                   "JSONL and WARC files of any size are streamed); 0: no limit.")
@click.option("--stage", type=click.Choice(["candidates", "full"]), default="full", show_default=True,
              help="candidates: stop after candidate generation and write candidates.jsonl "
                   "(fields a, b, views, score) for benchmarking and debugging; full: align and judge.")
@click.option("--candidates", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Judge the pairs of this candidates.jsonl (from --stage candidates on the same inputs) "
                   "instead of generating candidates.")
@click.option("--resume", is_flag=True,
              help="Save the candidate pairs and the judged pairs in OUT/.checkpoint as they are made, and "
                   "resume from there when this "
                   "scan is run again after a stop (same inputs, options and dedup version); removed once "
                   "the outputs are written.")
def scan_cmd(paths: tuple[str, ...], out_dir: str, workers: int | None, strict: bool, progress: bool | None,
             text_key: str, id_key: str, stage: str = "full", candidates: str | None = None,
             resume: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Scan files and directories (txt, html, jsonl, warc) for related documents."""
    show = sys.stderr.isatty() if progress is None else progress
    cfg = Config(reader=ReaderConfig(text_key=text_key, id_key=id_key, max_bytes=max_bytes or None))
    result: ScanResult | CandidateScan
    if candidates is not None and stage == "candidates":
        raise click.UsageError("--candidates gives the pairs to judge: use it with --stage full")
    if resume and stage == "candidates":
        raise click.UsageError("--resume checkpoints a whole scan: use it with --stage full")
    checkpoint = Path(out_dir) / ".checkpoint" if resume else None
    try:
        if stage == "candidates":
            result = scan_candidates(list(paths), config=cfg, workers=workers, progress=show)
        else:
            result = scan(list(paths), config=cfg, workers=workers, progress=show, candidates=candidates,
                          checkpoint=checkpoint)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:  # the checkpoint directory (the inputs' own errors are recorded, never raised)
        raise click.ClickException(f"{e.filename or checkpoint}: {e.strerror or e}") from None
    written = result.write(out_dir)
    if checkpoint is not None:
        shutil.rmtree(checkpoint, ignore_errors=True)
    click.echo(result.summary())
    click.echo("wrote " + ", ".join(str(p) for p in written.values()))
    if strict and result.errors:
        click.echo(f"--strict: {len(result.errors)} input(s) could not be read (see {written['errors']})", err=True)
        sys.exit(1)


_EPILOG_REPORT = """\b
Examples:
  dedup scan crawl/ feed.jsonl --out out/
  dedup report out/ crawl/ feed.jsonl            # writes out/report.html
  dedup report out/ crawl/ --html spun.html --max-pairs 50
"""


@main.command("report", epilog=_EPILOG_REPORT)
@click.argument("scan_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="The page to write (default: SCAN_DIR/report.html).")
@click.option("--max-pairs", type=click.IntRange(min=0), default=200, show_default=True,
              help="Related pairs shown with their sentences (spun first, then by flags); the others get "
                   "one line each.")
@click.option("--text-key", default="text", show_default=True, help="JSONL field holding the text.")
@click.option("--id-key", default="id", show_default=True, help="JSONL field holding the document id.")
@click.option("--max-bytes", type=click.IntRange(min=0), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest document read, in bytes (as for dedup scan); 0: no limit.")
def report_cmd(scan_dir: str, paths: tuple[str, ...], html_path: str | None, max_pairs: int, text_key: str,
               id_key: str, max_bytes: int) -> None:
    """Write an HTML page of a scan's outputs in SCAN_DIR, reading the texts from PATHS.

    PATHS are the inputs the scan read (the same files, directories and
    --text-key/--id-key): pairs.jsonl keeps scores, so each pair shown with its
    sentences is compared again.
    """
    from dedup.io import iter_inputs
    from dedup.report import scan_page

    def rows(name: str) -> list[dict]:
        path = Path(scan_dir) / name
        if not path.exists():
            return []
        try:
            return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (ValueError, UnicodeDecodeError) as e:
            raise click.ClickException(f"{path}: not a dedup scan output ({e})") from None

    pairs, clusters, reuse = rows("pairs.jsonl"), rows("clusters.jsonl"), rows("reuse.jsonl")
    if not (Path(scan_dir) / "pairs.jsonl").exists():
        raise click.ClickException(f"{scan_dir}: no pairs.jsonl; give the --out directory of a dedup scan")
    wanted = {p[k] for p in pairs + reuse for k in ("source", "suspect")}
    texts: dict[str, str] = {}
    cfg = ReaderConfig(text_key=text_key, id_key=id_key, max_bytes=max_bytes or None)
    for item in iter_inputs(list(paths), cfg):
        if getattr(item, "id", None) in wanted and hasattr(item, "text"):
            texts[item.id] = item.text
    missing = wanted - texts.keys()
    if missing:
        click.echo(f"{len(missing)} of the {len(wanted)} documents named in {scan_dir} are not among the inputs "
                   f"given (e.g. {sorted(missing)[0]!r}); pass the inputs of the scan", err=True)
    page = scan_page(pairs, clusters, reuse, texts.get, compare, max_pairs=max_pairs,
                     title=f"dedup scan report: {scan_dir}")
    out = Path(html_path) if html_path else Path(scan_dir) / "report.html"
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"{out}: cannot write: {e.strerror or e}") from None
    click.echo(f"wrote {out} ({len(pairs)} related pairs, {min(len(pairs), max_pairs)} with sentences; "
               f"{len(reuse)} with copied passages)")


# ------------------------------------------------------------------ index ---
# ``dedup index``: the persistent, incremental index (dedup.index, issue 6).

_EPILOG_INDEX = """\b
Examples:
  dedup index add articles.dedup crawl/ feed.jsonl
  dedup index check articles.dedup new-article.txt --format json
  dedup index check articles.dedup new-article.txt --reuse   # also copied passages
  dedup index stats articles.dedup
  dedup index add redis://127.0.0.1:6379/0 crawl/
"""


def _open_index(location: str, must_exist: bool = False):
    from dedup.index import Index, IndexError as DedupIndexError
    if must_exist and "://" not in location and not os.path.exists(location):
        # checking against an index that is not there would call every document new
        raise click.ClickException(f"no index at {location}; create it with: dedup index add {location} PATH...")
    try:
        return Index(location)
    except DedupIndexError as e:
        raise click.ClickException(str(e)) from None


@main.group("index", epilog=_EPILOG_INDEX)
def index_group() -> None:
    """A persistent index: add documents over time, check new ones against it.

    INDEX is a file path (SQLite; `add` creates it, `check` and `stats` refuse
    a missing one) or redis://host:port/db.
    """


@index_group.command("add", epilog=_EPILOG_INDEX)
@click.argument("location", metavar="INDEX")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: on a terminal).")
@click.option("--text-key", default="text", show_default=True, help="JSONL field holding the text.")
@click.option("--id-key", default="id", show_default=True, help="JSONL field holding the document id.")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True,
              help="Documents per transaction.")
def index_add_cmd(location: str, paths: tuple[str, ...], progress: bool | None, text_key: str, id_key: str,
                  batch: int) -> None:
    """Add documents (files, directories) to INDEX; print the related ones found."""
    from dedup.document import Document
    from dedup.index import IndexError as DedupIndexError
    from dedup.io import iter_inputs
    show = sys.stderr.isatty() if progress is None else progress
    rc = ReaderConfig(text_key=text_key, id_key=id_key)
    added = errors = related = 0
    with _open_index(location) as ix:
        pending: list[Document] = []

        def flush() -> None:
            nonlocal added, related
            try:
                results = ix.add_many([(d.id, d.text) for d in pending])
            except DedupIndexError as e:
                raise click.ClickException(str(e)) from None
            for d, ms in zip(pending, results):
                for m in ms:
                    related += 1
                    click.echo(f"{d.id}\t{m.verdict}\t{m.doc_id}\tcoverage {m.scores.coverage:.2f}")
            added += len(pending)
            pending.clear()
            if show:
                click.echo(f"\radded {added} documents, {errors} errors", err=True, nl=False)

        for item in iter_inputs(list(paths), rc):
            if isinstance(item, Document):
                pending.append(item)
                if len(pending) >= batch:
                    flush()
            else:
                errors += 1
                click.echo(f"error: {item.path}{' ' + item.record if item.record else ''}: {item.reason}", err=True)
        if pending:
            flush()
        if show:
            click.echo("", err=True)
        click.echo(f"added {added} documents ({errors} errors, {related} matches); index holds {len(ix)}")


@index_group.command("check", epilog=_EPILOG_INDEX)
@click.argument("location", metavar="INDEX")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per match; json: one JSON object per document.")
@click.option("--reuse", is_flag=True,
              help="Also report indexed documents that are not related but share copied passages "
                   "(verdict unrelated or shared-quotes, with the passages, as in reuse.jsonl).")
def index_check_cmd(location: str, files: tuple[str, ...], fmt: str, reuse: bool = False) -> None:
    """Check FILES against INDEX without adding them."""
    from dedup.document import Document
    from dedup.index import IndexError as DedupIndexError
    from dedup.io import iter_inputs
    with _open_index(location, must_exist=True) as ix:
        for item in iter_inputs(list(files)):
            if not isinstance(item, Document):
                click.echo(f"error: {item.path}: {item.reason}", err=True)
                continue
            try:
                matches = ix.check(item.id, item.text, reuse=reuse)
            except DedupIndexError as e:
                raise click.ClickException(str(e)) from None
            if fmt == "json":
                click.echo(json.dumps({"id": item.id, "matches": [m.to_dict() for m in matches]},
                                      ensure_ascii=False))
            elif not matches:
                click.echo(f"{item.id}\tnew")
            else:
                for m in matches:
                    copied = f"\tcopied {m.reuse.reused_chars} characters" if m.reuse is not None else ""
                    click.echo(f"{item.id}\t{m.verdict}\t{m.doc_id}\tcoverage {m.scores.coverage:.2f}{copied}")


@index_group.command("stats", epilog=_EPILOG_INDEX)
@click.argument("location", metavar="INDEX")
@click.option("--check", "integrity", is_flag=True, help="Also run the integrity check (exit 1 on problems).")
def index_stats_cmd(location: str, integrity: bool) -> None:
    """Print the size and parameters of INDEX."""
    with _open_index(location, must_exist=True) as ix:
        click.echo(json.dumps(ix.stats(), indent=2))
        if integrity:
            problems = ix.integrity_check(full=True)
            for p in problems:
                click.echo(f"problem: {p}", err=True)
            click.echo("integrity: ok" if not problems else f"integrity: {len(problems)} problem(s)")
            if problems:
                sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
