"""Meaning benchmark: does ``compare()`` tell a kept meaning from a changed one?

Usage:
    python benchmarks/meaning.py PAWS_TSV MRPC_TSV ETPC_JSONL [--limit N] [--part all|even|odd]
                                 [--show paws-fn|paws-fp|mrpc-fn|mrpc-fp|ne|keep|pol|other]
                                 [--only paws,mrpc,etpc] [--align FIELD=VALUE] [--verdict FIELD=VALUE]

Inputs (paths are arguments, nothing is hard-coded):
- PAWS ``dev.tsv`` and MRPC ``train.tsv``: ``label<TAB>sentence1<TAB>sentence2``
  with a header; label 1 = paraphrase (meaning kept).
- ETPC ``train.jsonl``: MRPC pairs annotated with typed edits (``s1``, ``s2``,
  ``mrpc_label``, ``relations``).

Printed measures, per data set:
- accuracy of "meaning kept" = verdict ``near-duplicate`` or ``derivative``
  against the paraphrase label;
- ROC AUC of the document drift score for detecting non-paraphrases (drift
  should be high when the meaning changed);
- ETPC: recall of ``number``/``entity`` flags on pairs with a
  meaning-changing named-entity/number substitution, specificity (no such
  flag) on pairs whose NE substitutions all keep the meaning, recall of
  ``negation``/``antonym``/``polarity`` flags on pairs with a non
  sense-preserving opposite-polarity substitution or negation switch, and the
  rate of those flags on pairs with no polarity-type relation at all;
- pairs per second of ``compare()`` on one core: pairs over the CPU time of
  this process (``time.process_time``), so other load on the machine does not
  distort it.

``--part even|odd`` keeps every second pair, so that rules can be calibrated on
one half and checked on the other; the accuracy and AUC of both halves of the
selected rows are printed under each table in any case.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from collections import Counter
from typing import Any

from dedup import Config, compare
from dedup.spin import sentence_flags

KEPT = frozenset({"near-duplicate", "derivative"})
_CONFIG: Config | None = None  # set by --align / --verdict overrides
_NE = "Same Polarity Substitution (named ent.)"
_POL = ("Opposite polarity substitution", "Negation switching")
_POL_KINDS = frozenset({"negation", "antonym", "polarity"})
_NE_KINDS = frozenset({"number", "entity"})


def read_tsv(path: str) -> list[tuple[int, str, str]]:
    """Rows ``(label, sentence1, sentence2)`` of a PAWS/MRPC TSV with header."""
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        rd = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rd)
        cols = {c.lower(): k for k, c in enumerate(header)}
        li = cols.get("label", cols.get("quality", 0))
        a = cols.get("sentence1", cols.get("#1 string", 1))
        b = cols.get("sentence2", cols.get("#2 string", 2))
        for row in rd:
            if len(row) <= max(li, a, b):
                continue
            out.append((int(row[li]), row[a], row[b]))
    return out


def read_etpc(path: str) -> list[dict[str, Any]]:
    """ETPC records (one JSON object per line)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def roc_auc(scores: list[float], positive: list[bool]) -> float:
    """ROC AUC (ties count one half): P(score of a positive > score of a negative)."""
    pairs = sorted(zip(scores, positive))
    n_pos = sum(positive)
    n_neg = len(positive) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + j + 1) / 2.0  # ranks are 1-based
        rank_sum += avg_rank * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def _select(rows: list, limit: int | None, part: str) -> list:
    if part == "even":
        rows = rows[0::2]
    elif part == "odd":
        rows = rows[1::2]
    return rows[:limit] if limit else rows


def run_pairs(rows: list[tuple[int, str, str]], show: str | None, name: str) -> dict[str, Any]:
    """compare() every pair; accuracy, AUC, verdict counts, time."""
    verdicts, drifts, labels = [], [], []
    t0 = time.process_time()
    results = [compare(a, b, config=_CONFIG) for _, a, b in rows]
    dt = time.process_time() - t0
    for (label, a, b), r in zip(rows, results):
        verdicts.append(r.verdict)
        drifts.append(r.scores.drift)
        labels.append(label)
        kept = r.verdict in KEPT
        if show in (f"{name}-fn", f"{name}-fp") and kept != bool(label):
            if (show.endswith("fn") and label) or (show.endswith("fp") and not label):
                print(f"{show.upper()} {r.verdict} drift={r.scores.drift} "
                      f"{[f.explanation for f in r.flags]}\n   {a}\n   {b}")
    acc = sum((v in KEPT) == bool(y) for v, y in zip(verdicts, labels)) / max(1, len(rows))
    auc = roc_auc(drifts, [not y for y in labels])
    by_label = {y: Counter(v for v, l in zip(verdicts, labels) if l == y) for y in (0, 1)}
    halves = {}
    for half, start in (("even", 0), ("odd", 1)):
        v, d, y = verdicts[start::2], drifts[start::2], labels[start::2]
        halves[half] = (sum((x in KEPT) == bool(l) for x, l in zip(v, y)) / max(1, len(v)),
                        roc_auc(d, [not l for l in y]))
    return {"n": len(rows), "acc": acc, "auc": auc, "seconds": dt, "by_label": by_label, "halves": halves,
            "majority": max(sum(labels), len(labels) - sum(labels)) / max(1, len(labels))}


def _flag_counts(rows: list[dict[str, Any]], flag_lists: list[list[Any]], show: str | None,
                 verdicts: list[str]) -> Counter:
    c: Counter = Counter()
    for r, fl, verdict in zip(rows, flag_lists, verdicts):
        kinds = {f.kind for f in fl}
        rels = r["relations"]
        ne = [x for x in rels if x["type"] == _NE]
        pol = [x for x in rels if x["type"].startswith(_POL) and not x["sense_preserving"]]
        if any(not x["sense_preserving"] for x in ne):
            c["ne_changed"] += 1
            hit = bool(kinds & _NE_KINDS)
            c["ne_hit"] += hit
            if show == "ne" and not hit:
                print("MISS", [(x["s1_text"], x["s2_text"]) for x in ne if not x["sense_preserving"]],
                      verdict, "\n  ", r["s1"], "\n  ", r["s2"])
        elif ne:
            c["ne_kept"] += 1
            clean = not (kinds & _NE_KINDS)
            c["kept_clean"] += clean
            if show == "keep" and not clean:
                print("FP", [f.explanation for f in fl if f.kind in _NE_KINDS], "\n  ", r["s1"], "\n  ", r["s2"])
        if pol:
            c["pol_pairs"] += 1
            hit = bool(kinds & _POL_KINDS)
            c["pol_hit"] += hit
            if show == "pol" and not hit:
                print("MISS", [(x["s1_text"], x["s2_text"]) for x in pol], verdict,
                      "\n  ", r["s1"], "\n  ", r["s2"])
        elif not any(x["type"].startswith(_POL) for x in rels):
            c["other"] += 1
            fp = bool(kinds & _POL_KINDS)
            c["other_fp"] += fp
            if show == "other" and fp:
                print("FP", [f.explanation for f in fl if f.kind in _POL_KINDS], "\n  ", r["s1"], "\n  ", r["s2"])
    return c


def run_etpc(rows: list[dict[str, Any]], show: str | None) -> dict[str, Any]:
    """compare() every ETPC pair; accuracy, AUC and the flag measures, both for
    the flags ``compare()`` reports (only on aligned sentences) and for the
    detectors run directly on the raw pair (``sentence_flags``)."""
    t0 = time.process_time()
    results = [compare(r["s1"], r["s2"], config=_CONFIG) for r in rows]
    dt = time.process_time() - t0
    verdicts = [res.verdict for res in results]
    c = _flag_counts(rows, [res.flags for res in results], show, verdicts)
    d = _flag_counts(rows, [sentence_flags(r["s1"], r["s2"]) for r in rows], None, verdicts)
    labels = [int(r["mrpc_label"]) for r in rows]
    acc = sum((res.verdict in KEPT) == bool(y) for res, y in zip(results, labels)) / max(1, len(rows))
    auc = roc_auc([res.scores.drift for res in results], [not y for y in labels])
    return {"n": len(rows), "acc": acc, "auc": auc, "seconds": dt, "counts": c, "direct": d}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments.

    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paws")
    ap.add_argument("mrpc")
    ap.add_argument("etpc")
    ap.add_argument("--limit", type=int, default=None, help="first N pairs of each set (after --part)")
    ap.add_argument("--part", choices=("all", "even", "odd"), default="all")
    ap.add_argument("--show", default=None)
    ap.add_argument("--only", default=None, help="comma list of sets to run: paws,mrpc,etpc")
    ap.add_argument("--align", action="append", default=[], metavar="FIELD=VALUE",
                    help="override an AlignConfig field (repeatable), e.g. --align min_similarity=0.3")
    ap.add_argument("--verdict", action="append", default=[], metavar="FIELD=VALUE",
                    help="override a VerdictConfig field (repeatable)")
    args = ap.parse_args(argv)
    global _CONFIG
    if args.align or args.verdict:
        base = Config()

        def override(obj: Any, items: list[str]) -> Any:
            changes = {}
            for item in items:
                key, _, value = item.partition("=")
                changes[key] = type(getattr(obj, key))(value)
            return dataclasses.replace(obj, **changes)
        _CONFIG = dataclasses.replace(base, align=override(base.align, args.align),
                                      verdict=override(base.verdict, args.verdict))
    only = set(args.only.split(",")) if args.only else {"paws", "mrpc", "etpc"}
    total_pairs = 0
    total_time = 0.0
    lines = []
    lines.append(f"{'set':<10} {'pairs':>6} {'acc(kept)':>10} {'majority':>9} {'drift AUC':>10} {'pairs/s':>8}")
    extra = []
    for name, path in (("paws", args.paws), ("mrpc", args.mrpc)):
        if name not in only:
            continue
        rows = _select(read_tsv(path), args.limit, args.part)
        res = run_pairs(rows, args.show, name)
        total_pairs += res["n"]
        total_time += res["seconds"]
        lines.append(f"{name:<10} {res['n']:>6} {res['acc']:>10.3f} {res['majority']:>9.3f} "
                     f"{res['auc']:>10.3f} {res['n'] / res['seconds']:>8.0f}")
        for y in (1, 0):
            extra.append(f"  {name} label={y}: " + ", ".join(f"{k} {v}" for k, v in
                                                             sorted(res["by_label"][y].items())))
        (ae, ue), (ao, uo) = res["halves"]["even"], res["halves"]["odd"]
        extra.append(f"  {name} halves (rules calibrated on even rows): acc even {ae:.3f} odd {ao:.3f}, "
                     f"drift AUC even {ue:.3f} odd {uo:.3f}")
    if "etpc" in only:
        rows = _select(read_etpc(args.etpc), args.limit, args.part)
        res = run_etpc(rows, args.show)
        total_pairs += res["n"]
        total_time += res["seconds"]
        c = res["counts"]
        n1 = sum(int(r["mrpc_label"]) for r in rows)
        auc = f"{res['auc']:>10.3f}" if res["auc"] == res["auc"] else f"{'n/a':>10}"
        lines.append(f"{'etpc':<10} {res['n']:>6} {res['acc']:>10.3f} "
                     f"{max(n1, res['n'] - n1) / max(1, res['n']):>9.3f} {auc} "
                     f"{res['n'] / res['seconds']:>8.0f}")
        d = res["direct"]
        extra.append(f"  etpc flags{'':<37} {'compare()':<18} {'detectors on raw pair':<18}")
        for label, hit, tot in (("number/entity recall (NE changed)", "ne_hit", "ne_changed"),
                                ("number/entity specificity (NE kept)", "kept_clean", "ne_kept"),
                                ("negation/antonym/polarity recall", "pol_hit", "pol_pairs"),
                                ("polarity-type flags on other pairs", "other_fp", "other")):
            extra.append(f"  etpc {label:<42} {_ratio(c[hit], c[tot]):<18} {_ratio(d[hit], d[tot]):<18}")
    lines.append(f"{'all':<10} {total_pairs:>6} {'':>10} {'':>9} {'':>10} "
                 f"{total_pairs / total_time if total_time else 0:>8.0f}")
    print("\n".join(lines + extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
