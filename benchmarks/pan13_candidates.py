"""Candidate recall on the PAN13 text-alignment training corpus.

Usage::

    python benchmarks/pan13_candidates.py CORPUS_DIR [--workers 2] [--out DIR]

``CORPUS_DIR`` holds ``src/*.txt``, ``susp/*.txt`` and one folder per
obfuscation subset (``NN-name/pairs``, lines ``suspicious-documentX.txt
source-documentY.txt``). All src and susp documents are scanned as one corpus
through dedup's candidate stage (:func:`dedup.scan.scan_candidates`). Printed:
per subset, the number of true (source, suspicious) pairs and the share found
among the candidates (recall, with the views that found them); overall, the
candidate pairs, mean candidates per document (2|pairs|/N), the share of
candidate pairs that are src-susp pairs listed in any subset, and timings.
``01-no-plagiarism`` lists pairs with no reuse: the share of those among the
candidates is a false-positive rate, not a recall.

A listed pair counts as a true pair only when its truth XML
(``suspicious-documentX-source-documentY.xml`` next to ``pairs``) holds a
``plagiarism`` feature. In pan13-train's ``05-summary-obfuscation`` only 238 of
the 1,185 listed pairs hold a case; the other 947 carry no reuse and are
reported in their own row (share among candidates), like the no-plagiarism
pairs. Without truth XMLs every listed pair counts as true.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus_dir", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="also write candidates.jsonl here")
    args = ap.parse_args(argv)
    root: Path = args.corpus_dir
    if not (root / "src").is_dir() or not (root / "susp").is_dir():
        raise SystemExit(f"{root}: expected src/ and susp/ folders")
    subsets = sorted(p.parent for p in root.glob("*/pairs"))
    if not subsets:
        raise SystemExit(f"{root}: no */pairs files")

    from dedup.scan import scan_candidates

    t0 = time.perf_counter()
    cs = scan_candidates([root / "src", root / "susp"], workers=args.workers)
    wall = time.perf_counter() - t0
    n = len(cs.documents)
    name = [Path(d.id).name for d in cs.documents]
    views: dict[frozenset[str], tuple[str, ...]] = {}
    for c in cs.candidates:
        views[frozenset((name[c.i], name[c.j]))] = c.views
    if args.out:
        cs.write(args.out)

    print(f"# PAN13 candidates: {n} documents ({len(list((root / 'src').glob('*.txt')))} src + "
          f"{len(list((root / 'susp').glob('*.txt')))} susp), {len(cs.errors)} errors, workers={args.workers}")
    print(f"# candidate pairs {len(cs.candidates)}, candidates per document {2 * len(cs.candidates) / n:.2f}; "
          f"wall {wall:.1f}s (" + ", ".join(f"{k} {v:.1f}s" for k, v in cs.timings.items()) + ")\n")
    unread = {Path(e.path).name for e in cs.errors}
    print("| subset | true pairs | found | recall | pairs with an unreadable file | recall among readable "
          "| found by view (shingle / anchor / sentence / passage) |")
    print("|---|---|---|---|---|---|---|")
    rows: list[tuple[str, list[frozenset[str]]]] = []
    for sub in subsets:
        cased, uncased = _split_by_truth(sub)
        if "no-plagiarism" in sub.name:
            rows.append((sub.name + " (false-positive rate)", cased + uncased))
            continue
        rows.append((sub.name, cased))
        if uncased:
            rows.append((sub.name + " listed without a case (false-positive rate)", uncased))
    for label, pairs in rows:
        found = [views[p] for p in pairs if p in views]
        by_view = Counter(v for vs in found for v in vs)
        rate = len(found) / len(pairs) if pairs else float("nan")
        lost = sum(1 for p in pairs if p & unread)
        readable = len(pairs) - lost
        print(f"| {label} | {len(pairs)} | {len(found)} | {rate:.3f} | {lost} | "
              f"{len(found) / readable if readable else float('nan'):.3f} | "
              f"{by_view['shingle']} / {by_view['anchor']} / {by_view['sentence']} / {by_view['passage']} |")
    src_susp = [k for k in views if len({x.split('-')[0] for x in k}) == 2]
    reuse = {p for sub in subsets if "no-plagiarism" not in sub.name
             for p in (frozenset(line.split()) for line in (sub / "pairs").read_text().splitlines() if line.strip())}
    print(f"\ncandidate pairs: {len(views)} total; src-susp {len(src_susp)}, of which listed as reuse "
          f"{sum(1 for k in src_susp if k in reuse)}; src-src {sum(1 for k in views if all(x.startswith('source') for x in k))}; "
          f"susp-susp {sum(1 for k in views if all(x.startswith('suspicious') for x in k))}")
    return 0


def _split_by_truth(sub: Path) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """Split a subset's listed pairs by whether their truth XML holds a case.

    Args:
        sub: a subset folder with a ``pairs`` file and, optionally, one truth
            XML per pair.

    Returns:
        (pairs whose truth XML has a ``plagiarism`` feature, or every pair
        when the XML is missing; pairs whose truth XML has none).
    """
    cased: list[frozenset[str]] = []
    uncased: list[frozenset[str]] = []
    for line in (sub / "pairs").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        xml = sub / f"{Path(parts[0]).stem}-{Path(parts[1]).stem}.xml"
        has_case = not xml.is_file() or 'name="plagiarism"' in xml.read_text(encoding="utf-8")
        (cased if has_case else uncased).append(frozenset(parts))
    return cased, uncased


if __name__ == "__main__":
    sys.exit(main())
