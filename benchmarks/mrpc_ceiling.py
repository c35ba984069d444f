"""How far can the signals ``compare()`` computes go on MRPC? A learned ceiling.

Usage::

    python benchmarks/mrpc_ceiling.py MRPC_TSV [--limit N]

``benchmarks/meaning.py`` scores dedup's rule-based decision ("meaning kept" =
verdict near-duplicate or derivative). This script asks a different question:
with the same inputs, what would the *best* linear decision reach? It fits an
L2-regularised logistic regression (Newton's method, numpy only) on features
of every pair and reports accuracy with two-fold cross-validation (fit on the
even rows, test on the odd rows, and the other way round), so the numbers are
out of sample. Feature sets:

``similarity``  the aligned sentence pair's similarity alone (the signal the
                single-sentence verdict thresholds; best threshold printed too)
``compare``     similarity, resemblance, containment, coverage, drift and the
                count of each flag kind
``+lexical``    plus bag-of-words overlaps (token and content-token Jaccard,
                overlap over the shorter / longer side, content overlap of each
                side, bigram Jaccard, length ratio and difference, digit-token
                mismatch)
``+lexical, flags as override``  the same model, but a pair with any
                meaning-changing flag is never "kept" (what the verdict
                contract does: a flagged derivative is ``spun``)

The difference between the last two rows is what the flags cost on MRPC, whose
annotators accepted many real changes of numbers, dates and quotations.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from meaning import read_tsv  # noqa: E402  (the benchmark's own reader)

from dedup import compare  # noqa: E402
from dedup.text.tokens import STOPWORDS  # noqa: E402

KINDS = ("negation", "antonym", "polarity", "number", "entity", "role-swap", "attribution", "hedge",
         "quote-altered")
_WORD = re.compile(r"[A-Za-z0-9]+")


def compare_features(a: str, b: str) -> list[float]:
    """Similarity, the four scores, and flag counts per kind."""
    c = compare(a, b)
    sims = [s.similarity for s in c.sentences]
    kinds = [f.kind for f in c.flags]
    s = c.scores
    return ([max(sims) if sims else 0.0, s.resemblance, s.containment, s.coverage, s.drift]
            + [float(kinds.count(k)) for k in KINDS])


def lexical_features(a: str, b: str) -> list[float]:
    """Bag-of-words overlaps of the two sentences."""
    ta = [w.lower() for w in _WORD.findall(a)]
    tb = [w.lower() for w in _WORD.findall(b)]
    sa, sb = set(ta), set(tb)
    ca, cb = sa - STOPWORDS, sb - STOPWORDS
    inter, cinter = len(sa & sb), len(ca & cb)
    ba, bb = set(zip(ta, ta[1:])), set(zip(tb, tb[1:]))
    na = {w for w in sa if w.isdigit()}
    nb = {w for w in sb if w.isdigit()}
    return [inter / max(1, len(sa | sb)), inter / max(1, min(len(sa), len(sb))),
            inter / max(1, max(len(sa), len(sb))), cinter / max(1, len(ca)), cinter / max(1, len(cb)),
            cinter / max(1, len(ca | cb)), len(ba & bb) / max(1, len(ba | bb)),
            min(len(ta), len(tb)) / max(1, len(ta), len(tb)), float(abs(len(ta) - len(tb))),
            float(na != nb), float(len(na ^ nb))]


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> tuple[np.ndarray, np.ndarray,
                                                                                          np.ndarray]:
    """Standardise ``x`` and fit weights (with intercept) by Newton's method.

    Returns:
        ``(mean, scale, weights)``; predict with :func:`predict`.
    """
    mu, sd = x.mean(0), x.std(0)
    sd[sd == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mu) / sd])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], l2)
    reg[0] = 0.0  # no penalty on the intercept
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mu, sd, w


def predict(model: tuple[np.ndarray, np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    mu, sd, w = model
    return (np.hstack([np.ones((len(x), 1)), (x - mu) / sd]) @ w) > 0


def two_fold(x: np.ndarray, y: np.ndarray, veto: np.ndarray | None = None) -> tuple[float, float]:
    """Accuracy on the odd rows (fit on even) and on the even rows (fit on odd)."""
    even = np.arange(len(y)) % 2 == 0
    out = []
    for train in (even, ~even):
        test = ~train
        kept = predict(fit_logistic(x[train], y[train]), x[test])
        if veto is not None:
            kept &= ~veto[test]
        out.append(float((kept == y[test].astype(bool)).mean()))
    return out[0], out[1]


def best_threshold(v: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The threshold t maximising accuracy of ``v >= t`` (in sample)."""
    best = (0.0, 0.0)
    for t in np.unique(np.round(v, 3)):
        best = max(best, (float(((v >= t) == y.astype(bool)).mean()), float(t)))
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mrpc", type=Path, help="MRPC train.tsv (label, sentence1, sentence2 with a header)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    args = ap.parse_args(argv)
    rows = read_tsv(str(args.mrpc))[:args.limit]
    y = np.array([label for label, _, _ in rows], dtype=np.float64)
    comp = np.array([compare_features(a, b) for _, a, b in rows])
    lex = np.array([lexical_features(a, b) for _, a, b in rows])
    flagged = comp[:, 5:].sum(1) > 0
    majority = max(y.mean(), 1 - y.mean())
    acc, thr = best_threshold(comp[:, 0], y)
    print(f"MRPC pairs {len(rows)}, majority class {majority:.3f}")
    print(f"best single threshold on the similarity (in sample): {acc:.3f} at {thr:.3f}")
    print("\n| features | acc odd (fit even) | acc even (fit odd) |\n|---|---|---|")
    for name, x, veto in (("similarity", comp[:, :1], None), ("compare", comp, None),
                          ("+lexical", np.hstack([comp, lex]), None),
                          ("+lexical, flags as override", np.hstack([comp[:, :5], lex]), flagged)):
        a, b = two_fold(x, y, veto)
        print(f"| {name} | {a:.3f} | {b:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
