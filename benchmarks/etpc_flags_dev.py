"""Measure spin flags on ETPC (MRPC pairs annotated with typed edits).

Usage: python benchmarks/etpc_flags_dev.py PATH/TO/train.jsonl [--show KIND]

Groups:
- NE/number changed: a "Same Polarity Substitution (named ent.)" that is not
  sense-preserving -> recall of number|entity flags.
- NE kept: pairs with NE substitutions, all sense-preserving -> specificity
  (no number|entity flag).
- polarity pairs: a non-sense-preserving "Opposite polarity substitution" or
  "Negation switching" -> recall of negation|antonym|polarity flags.
- other pairs: false polarity-type flag rate.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from dedup.spin import sentence_flags

_NE = "Same Polarity Substitution (named ent.)"
_POL = ("Opposite polarity substitution", "Negation switching")
_POL_KINDS = {"negation", "antonym", "polarity"}
_NE_KINDS = {"number", "entity"}


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print a summary.

    Args:
        argv: Command-line arguments.

    Returns:
        Exit status.
    """
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--show", default=None, help="print false positives/negatives of a group: ne, keep, pol, other")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in open(args.path, encoding="utf-8")]
    t0 = time.perf_counter()
    flags = [sentence_flags(r["s1"], r["s2"]) for r in rows]
    dt = time.perf_counter() - t0
    ne_changed = ne_kept = ne_hit = kept_clean = pol_pairs = pol_hit = other = other_fp = 0
    for r, fl in zip(rows, flags):
        kinds = {f.kind for f in fl}
        rels = r["relations"]
        ne = [x for x in rels if x["type"] == _NE]
        pol = [x for x in rels if x["type"].startswith(_POL) and not x["sense_preserving"]]
        if any(not x["sense_preserving"] for x in ne):
            ne_changed += 1
            hit = bool(kinds & _NE_KINDS)
            ne_hit += hit
            if args.show == "ne" and not hit:
                print("MISS", [(x["s1_text"], x["s2_text"]) for x in ne if not x["sense_preserving"]], "\n  ", r["s1"], "\n  ", r["s2"])
        elif ne:
            ne_kept += 1
            clean = not (kinds & _NE_KINDS)
            kept_clean += clean
            if args.show == "keep" and not clean:
                print("FP", [f.explanation for f in fl if f.kind in _NE_KINDS], "\n  ", r["s1"], "\n  ", r["s2"])
        if pol:
            pol_pairs += 1
            hit = bool(kinds & _POL_KINDS)
            pol_hit += hit
            if args.show == "pol" and not hit:
                print("MISS", [(x["s1_text"], x["s2_text"]) for x in pol], "\n  ", r["s1"], "\n  ", r["s2"])
        elif not any(x["type"].startswith(_POL) for x in rels):
            other += 1
            fp = bool(kinds & _POL_KINDS)
            other_fp += fp
            if args.show == "other" and fp:
                print("FP", [f.explanation for f in fl if f.kind in _POL_KINDS], "\n  ", r["s1"], "\n  ", r["s2"])
    print(f"pairs: {len(rows)}  speed: {len(rows) / dt:.0f} pairs/s")
    print(f"number/entity recall on NE-changed pairs: {ne_hit}/{ne_changed} = {ne_hit / max(1, ne_changed):.3f}")
    print(f"number/entity specificity on NE-kept pairs: {kept_clean}/{ne_kept} = {kept_clean / max(1, ne_kept):.3f}")
    print(f"negation/antonym/polarity recall: {pol_hit}/{pol_pairs} = {pol_hit / max(1, pol_pairs):.3f}")
    print(f"false polarity-type flags on other pairs: {other_fp}/{other} = {other_fp / max(1, other):.3f}")
    kinds_count: dict[str, int] = {}
    for fl in flags:
        for f in fl:
            kinds_count[f.kind] = kinds_count.get(f.kind, 0) + 1
    print("flags per kind:", kinds_count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
