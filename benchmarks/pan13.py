"""PAN13 text-alignment benchmark for ``dedup.compare``.

Usage::

    python benchmarks/pan13.py CORPUS_DIR [--workers N] [--limit K]
        [--subsets 02 03 ...] [--align-param name=value ...] [--json OUT]

CORPUS_DIR has the PAN13 text-alignment layout: ``src/``, ``susp/`` and one
folder per obfuscation (``01-no-plagiarism``, ``02-no-obfuscation``, ...), each
with a ``pairs`` file ("suspicious-documentXXXXX.txt source-documentYYYYY.txt"
per line) and one truth XML per pair
(``suspicious-documentXXXXX-source-documentYYYYY.xml``, ``<feature
name="plagiarism" this_offset= this_length= source_offset= source_length=/>``).

Texts are read as UTF-8 with ``newline=''`` (no newline translation), so str
offsets are the PAN character offsets. On pan13-train: no file has a BOM or a
``\\r``, and all 1,252 no-obfuscation cases line up (suspicious and source
spans equal after collapsing whitespace; PAN re-wrapped some lines).
In pan13-train's 05-summary-obfuscation only 238 of the 1,185 truth files hold
a plagiarism case (the source side of each is the whole source document); the
other 947 pairs have no case and act as negatives, so detections on them lower
that subset's precision.

Every pair is run through ``dedup.compare(source, suspicious)``; its passages
are the detections (spin flags and the word-order part of drift, which
passages do not depend on, are off unless ``--flags``; alignment settings
are the defaults unless ``--align-param``). The PAN measures (``dedup.evaluation.pan``) are pooled per
subset and overall (PAN convention: a subset without cases scores 1 only when
nothing is detected, else 0). For 01-no-plagiarism the table also gives the
share of pairs with no passage.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from dedup import compare
from dedup.align import AlignConfig
from dedup.config import Config
from dedup.spin import SpinConfig
from dedup.evaluation.pan import Annotation, PairCounts, score_pair

_CFG: Config | None = None
_ROOT: Path | None = None


def read_text(path: Path) -> str:
    """A PAN document as str, offsets preserved (UTF-8, no newline translation)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def read_cases(xml_path: Path) -> list[Annotation]:
    """Plagiarism cases of one truth XML (empty if the file is missing)."""
    if not xml_path.exists():
        return []
    out = []
    for f in ET.parse(xml_path).getroot().iter("feature"):
        if f.get("name") != "plagiarism":
            continue
        out.append(Annotation.from_offsets(int(f.get("this_offset")), int(f.get("this_length")),
                                           int(f.get("source_offset")), int(f.get("source_length"))))
    return out


def list_subsets(root: Path) -> list[Path]:
    """Obfuscation folders (those holding a ``pairs`` file), sorted."""
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "pairs").is_file())


def read_pairs(subset: Path) -> list[tuple[str, str]]:
    """(suspicious file, source file) of every line of ``subset/pairs``."""
    out = []
    for line in (subset / "pairs").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            out.append((parts[0], parts[1]))
    return out


def truth_path(subset: Path, susp: str, src: str) -> Path:
    return subset / f"{Path(susp).stem}-{Path(src).stem}.xml"


def _init(cfg: Config, root: Path) -> None:
    global _CFG, _ROOT
    _CFG, _ROOT = cfg, root


def _run(task: tuple[str, str, str, list[tuple[int, int, int, int]]]) -> dict[str, Any]:
    subset, susp, src, case_tuples = task
    assert _ROOT is not None
    source = read_text(_ROOT / "src" / src)
    suspect = read_text(_ROOT / "susp" / susp)
    t0, c0 = time.perf_counter(), time.process_time()
    err = None
    try:
        cmp = compare(source, suspect, config=_CFG)
        dets = [(p.suspect_start, p.suspect_end, p.source_start, p.source_end) for p in cmp.passages]
    except Exception as exc:  # noqa: BLE001 - a crash is a result to report, not a reason to stop
        dets, err = [], f"{type(exc).__name__}: {exc}"
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    cases = [Annotation(*c) for c in case_tuples]
    counts = score_pair(cases, [Annotation(*d) for d in dets])
    return {"subset": subset, "susp": susp, "src": src, "cases": case_tuples, "detections": dets,
            "counts": counts.to_dict(), "seconds": dt, "cpu_seconds": cpu, "error": err,
            "susp_len": len(suspect), "src_len": len(source)}


def postprocess(dets: list[tuple[int, int, int, int]], min_chars: int = 0, merge_gap: int = -1,
                merge_source_gap: int | None = None) -> list[tuple[int, int, int, int]]:
    """Simulated passage post-processing (NOT part of ``compare()``), to
    measure what an alignment change would gain.

    Merges detections (in suspicious order) whose suspicious sides are at
    most ``merge_gap`` characters apart (and, if ``merge_source_gap`` is set,
    whose source sides are at most that far apart, overlapping counts as 0),
    then drops detections shorter than ``min_chars`` suspicious characters.
    """
    out: list[list[int]] = []
    for d in sorted(dets):
        if out and merge_gap >= 0:
            o = out[-1]
            gap = d[0] - o[1]
            src_gap = max(d[2] - o[3], o[2] - d[3], 0)
            if gap <= merge_gap and (merge_source_gap is None or src_gap <= merge_source_gap):
                o[1], o[2], o[3] = max(o[1], d[1]), min(o[2], d[2]), max(o[3], d[3])
                continue
        out.append(list(d))
    return [tuple(o) for o in out if o[1] - o[0] >= min_chars]  # type: ignore[misc]


def rescore(results: list[dict[str, Any]], **post: Any) -> list[dict[str, Any]]:
    """Results with post-processed detections and recomputed counts."""
    out = []
    for r in results:
        dets = postprocess([tuple(d) for d in r["detections"]], **post)
        counts = score_pair([Annotation(*c) for c in r["cases"]], [Annotation(*d) for d in dets])
        out.append({**r, "detections": dets, "counts": counts.to_dict()})
    return out


def parse_align_params(items: list[str]) -> AlignConfig:
    """``name=value`` settings of :class:`AlignConfig` (values cast to the field's type)."""
    types = {f.name: type(getattr(AlignConfig(), f.name)) for f in fields(AlignConfig)}
    kw: dict[str, Any] = {}
    for it in items:
        name, _, value = it.partition("=")
        if name not in types:
            raise SystemExit(f"unknown AlignConfig field {name!r}; known: {', '.join(types)}")
        kw[name] = types[name](value)
    return replace(AlignConfig(), **kw)


def _fmt_row(name: str, rows: list[dict[str, Any]]) -> str:
    total = sum((PairCounts(**r["counts"]) for r in rows), PairCounts())
    s = total.scores()
    none = sum(1 for r in rows if not r["detections"]) / len(rows) if rows else 0.0
    errs = sum(1 for r in rows if r["error"])
    return (f"{name:<28} {len(rows):>6} {s.cases:>6} {s.detections:>6} {s.precision:>7.4f} {s.recall:>7.4f} "
            f"{s.granularity:>7.4f} {s.plagdet:>8.4f} {none:>8.3f} {errs:>4}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments.

    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus_dir", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="first K pairs of each subset")
    ap.add_argument("--subsets", nargs="*", default=None,
                    help="subset folder names or prefixes (e.g. 02 03-random-obfuscation)")
    ap.add_argument("--align-param", action="append", default=[], metavar="NAME=VALUE",
                    help="AlignConfig setting, repeatable (e.g. --align-param max_gap=3)")
    ap.add_argument("--flags", action="store_true",
                    help="also compute spin flags and the word-order part of drift (passages depend on "
                         "neither; off by default for speed)")
    ap.add_argument("--json", type=Path, default=None, help="write per-pair results (JSON lines)")
    ap.add_argument("--rescore", type=Path, default=None,
                    help="re-evaluate a --json dump (with --post-* options) instead of running compare()")
    ap.add_argument("--post-min-chars", type=int, default=0,
                    help="simulation: drop detections shorter than this (suspicious chars)")
    ap.add_argument("--post-merge-gap", type=int, default=-1,
                    help="simulation: merge detections at most this many suspicious chars apart")
    ap.add_argument("--post-merge-source-gap", type=int, default=None,
                    help="simulation: ... and at most this many source chars apart")
    args = ap.parse_args(argv)

    post = {"min_chars": args.post_min_chars, "merge_gap": args.post_merge_gap,
            "merge_source_gap": args.post_merge_source_gap}
    root: Path = args.corpus_dir
    if not (root / "src").is_dir() or not (root / "susp").is_dir():
        print(f"{root}: expected src/ and susp/ folders", file=sys.stderr)
        return 2
    subsets = list_subsets(root)
    if args.subsets:
        subsets = [s for s in subsets if any(s.name == w or s.name.startswith(w) for w in args.subsets)]
    cfg = Config(align=parse_align_params(args.align_param))
    if not args.flags:  # passages depend on neither flags nor the word-order part of drift
        cfg = replace(cfg, spin=SpinConfig(kinds=frozenset(), order_weight=0.0))
    tasks = []
    for sub in subsets:
        pairs = read_pairs(sub)
        if args.limit is not None:
            pairs = pairs[:args.limit]
        for susp, src in pairs:
            cases = [(c.susp_start, c.susp_end, c.src_start, c.src_end)
                     for c in read_cases(truth_path(sub, susp, src))]
            tasks.append((sub.name, susp, src, cases))
    if not tasks:
        print("no pairs found", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    if args.rescore:
        wanted = {(t[0], t[1], t[2]) for t in tasks}
        with open(args.rescore, encoding="utf-8") as fh:
            results = [r for r in map(json.loads, fh) if (r["subset"], r["susp"], r["src"]) in wanted]
    elif args.workers > 1:
        with mp.get_context("fork").Pool(args.workers, initializer=_init, initargs=(cfg, root)) as pool:
            results = list(pool.imap_unordered(_run, tasks, chunksize=8))
    else:
        _init(cfg, root)
        results = [_run(t) for t in tasks]
    wall = time.perf_counter() - t0
    if args.post_min_chars or args.post_merge_gap >= 0:
        results = rescore(results, **post)
        print("simulated post-processing:", post)

    if args.align_param:
        print("align params:", " ".join(args.align_param))
    head = (f"{'subset':<28} {'pairs':>6} {'cases':>6} {'dets':>6} {'prec':>7} {'rec':>7} "
            f"{'gran':>7} {'plagdet':>8} {'no-pass':>8} {'err':>4}")
    print(head)
    print("-" * len(head))
    for sub in subsets:
        rows = [r for r in results if r["subset"] == sub.name]
        if rows:
            print(_fmt_row(sub.name, rows))
    print("-" * len(head))
    print(_fmt_row("overall", results))
    plag = [r for r in results if not r["subset"].startswith("01")]
    if len(plag) != len(results) and plag:
        print(_fmt_row("overall w/o 01-no-plagiarism", plag))
    busy = sum(r["seconds"] for r in results)
    cpu = sum(r.get("cpu_seconds", 0.0) for r in results)
    if not args.rescore:
        # CPU time does not grow with other processes' load the way wall time does
        print(f"\n{len(results)} pairs in {wall:.1f}s with {args.workers} worker(s): "
              f"{len(results) / wall:.1f} pairs/s (compare() alone: {busy / len(results) * 1000:.1f} ms/pair "
              f"wall, {cpu / len(results) * 1000:.1f} ms/pair CPU)")
    if args.json and not args.rescore:
        with open(args.json, "w", encoding="utf-8") as fh:
            for r in sorted(results, key=lambda r: (r["subset"], r["susp"], r["src"])):
                fh.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
