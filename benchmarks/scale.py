"""Candidate-stage scale benchmark: dedup vs rensa vs datasketch on a planted corpus.

Usage::

    python benchmarks/scale.py TEXT_DIR [--sizes 1000 10000 100000] [--million]
                               [--workers 2] [--full-max 10000] [--seed 0]

``TEXT_DIR`` is a directory of real ``*.txt`` files (for example PAN13's
``src/`` folder). They are cut into news-length articles (300-600 words). For
each size ``N`` a deterministic corpus is generated:

* 80% originals (distinct articles); 20% derivatives, each of a *different*
  original, split evenly over five kinds:

  ``copy``      exact copy;
  ``light``     3-6 single-word edits (change / insert / delete);
  ``reorder``   sentences shuffled and 10-20% of them dropped;
  ``synonym``   25% of content words replaced (built-in synonym table first;
                otherwise a vocabulary word of similar length, standing in for
                a thesaurus); names and numbers kept, as spinners do;
  ``partial``   3-5 consecutive sentences of the original inserted in the
                middle of a longer (600-900 words) unrelated article that is
                not otherwise in the corpus.

* When ``N`` needs more articles than the text holds, further "epochs" of the
  article pool are made by a deterministic vocabulary permutation (each word
  type is renamed to another type of similar corpus frequency, case kept):
  same length and frequency statistics, unrelated shingles and anchors. An
  original and its derivative are always renamed with the same permutation.

Every pipeline runs in a fresh ``spawn`` subprocess reading the corpus from a
temporary JSONL file; its peak RSS is ``VmHWM`` of that process (plus, for
dedup, the largest worker, from ``RUSAGE_CHILDREN``). Timings exclude reading
the file. Pipelines:

``dedup-cand``   the documents read as :func:`dedup.scan.scan_candidates`
                 reads them, then :func:`dedup.scan.find_candidates_parallel`
                 (``--workers``), the candidate stage (featurise + sketch in
                 workers, merge, band + pair + verify).
``dedup-full``   :func:`dedup.scan.scan` (candidates + alignment + verdicts),
                 only for ``N <= --full-max``. Its row scores the pairs the
                 scan reports as related (near-duplicate, derivative, spun)
                 the way the candidate rows score candidates: the end-to-end
                 result a user gets. ``partial`` reuse (3-5 sentences inside a
                 longer article) covers too little of either text to be a
                 derivative under the verdict rules, so its recall there is
                 low by design; pairs of independent articles cut from the
                 same source book (same names, same formulaic phrasing) are
                 what lowers the precision. A second row adds the pairs of
                 ``reuse.jsonl`` (copied passages in a pair with no related
                 verdict, :mod:`dedup.reuse`), where partial reuse is reported.
``rensa``        ``RMinHash(128, seed)`` per document over word 5-shingles,
                 ``RMinHashLSH(threshold=0.5, num_perm=128, num_bands=16)``,
                 insert all, query all. One process.
``datasketch``   ``MinHash(128, hashfunc=xxh32)`` + ``update_batch`` over word
                 5-shingles, ``MinHashLSH(threshold=0.5, num_perm=128)``,
                 insert all, query all. One process.

Printed per N: docs/s, CPU seconds (user + system, the process and its
workers, over the timed section) and peak RSS per pipeline, ratios of dedup's
candidate stage to rensa and datasketch (wall-clock docs/s, and docs per
CPU-second, which is the fairer comparison on a machine shared with other
work), recall of planted pairs per kind and overall,
precision (share of candidate pairs that are planted pairs; per kind: among
candidate pairs touching a derivative of that kind), and candidates per
document (mean number of candidate partners a document gets, 2|pairs|/N).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

KINDS = ("copy", "light", "reorder", "synonym", "partial")
DERIV_SHARE = 0.20

# ----------------------------------------------------------------- corpus ---

_SENT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z]+")
_STOP = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being it its
this that these those he she they we you i his her their our your my me him them us not no so than then there here
which who whom what when where why how all any each some such can could will would shall should may might must do
does did has have had also into over under about after before up down out off more most very just only""".split())

SYNONYMS = {
    "big": "large", "large": "big", "small": "little", "little": "small", "begin": "start", "start": "begin",
    "said": "stated", "says": "states", "important": "significant", "significant": "important",
    "help": "assist", "buy": "purchase", "purchase": "buy", "show": "demonstrate", "shows": "demonstrates",
    "use": "utilize", "used": "utilized", "make": "create", "made": "created", "get": "obtain", "got": "obtained",
    "many": "numerous", "often": "frequently", "quickly": "rapidly", "fast": "quick", "quick": "fast",
    "people": "individuals", "world": "globe", "country": "nation", "city": "town", "town": "city",
    "house": "home", "home": "house", "car": "vehicle", "job": "position", "work": "labor", "children": "kids",
    "new": "novel", "old": "aged", "good": "fine", "great": "excellent", "bad": "poor", "poor": "needy",
    "hard": "difficult", "difficult": "hard", "easy": "simple", "simple": "easy", "place": "location",
    "area": "region", "part": "portion", "end": "finish", "idea": "notion", "problem": "issue", "issue": "matter",
    "way": "manner", "time": "period", "year": "twelvemonth", "years": "decades", "day": "date", "man": "fellow",
    "woman": "lady", "know": "understand", "think": "believe", "believe": "think", "see": "observe",
    "look": "glance", "want": "desire", "need": "require", "give": "provide", "take": "grab", "find": "discover",
    "found": "discovered", "tell": "inform", "told": "informed", "ask": "inquire", "asked": "inquired",
    "try": "attempt", "keep": "retain", "leave": "depart", "call": "phone", "called": "named", "move": "shift",
    "live": "reside", "lived": "resided", "happen": "occur", "large": "huge", "build": "construct",
    "built": "constructed", "money": "cash", "price": "cost", "cost": "expense", "story": "tale", "book": "volume",
    "water": "liquid", "food": "nourishment", "fight": "battle", "war": "conflict", "law": "statute",
    "company": "firm", "business": "enterprise", "market": "marketplace", "government": "administration",
    "also": "additionally", "however": "nevertheless", "about": "regarding", "around": "roughly",
    "almost": "nearly", "enough": "sufficient", "whole": "entire", "each": "every", "answer": "reply",
    "road": "street", "street": "avenue", "small": "tiny", "early": "premature", "late": "tardy",
    "happy": "glad", "sad": "unhappy", "strong": "powerful", "weak": "feeble", "rich": "wealthy",
    "famous": "renowned", "angry": "furious", "beautiful": "lovely", "pretty": "attractive",
    "story's": "tale's", "team": "squad", "game": "match", "win": "triumph", "lose": "forfeit",
}


def _articles_from_dir(text_dir: Path, seed: int) -> tuple[list[list[str]], list[str]]:
    """Cut every ``*.txt`` under ``text_dir`` into articles (lists of sentences).

    Returns the articles and a pool of spare sentences (for hosts).
    """
    files = sorted(text_dir.rglob("*.txt"))
    if not files:
        raise SystemExit(f"no *.txt files under {text_dir}")
    rng = random.Random(seed)
    articles: list[list[str]] = []
    for f in files:
        text = " ".join(f.read_text(encoding="utf-8", errors="replace").split())
        sents = [s for s in _SENT.split(text) if 4 <= len(s.split()) <= 80]
        cur: list[str] = []
        words, target = 0, rng.randint(300, 600)
        for s in sents:
            cur.append(s)
            words += len(s.split())
            if words >= target:
                articles.append(cur)
                cur, words, target = [], 0, rng.randint(300, 600)
    return articles, []


class Vocab:
    """Frequency-ranked vocabulary and per-epoch renaming permutations."""

    def __init__(self, articles: list[list[str]], block: int = 32) -> None:
        counts: Counter[str] = Counter()
        for a in articles:
            for s in a:
                counts.update(w.lower() for w in _WORD.findall(s))
        self.words = [w for w, _ in counts.most_common()]
        self.block = block
        self._maps: dict[int, dict[str, str]] = {}
        by_len: dict[int, list[str]] = {}
        for w in self.words[:20000]:
            if w not in _STOP and len(w) >= 3:
                by_len.setdefault(len(w), []).append(w)
        self.by_len = by_len

    def mapping(self, epoch: int) -> dict[str, str]:
        if epoch not in self._maps:
            rng = random.Random(1_000_003 * epoch + 17)
            m: dict[str, str] = {}
            ws = self.words
            for s in range(0, len(ws), self.block):
                blk = ws[s:s + self.block]
                perm = blk[:]
                rng.shuffle(perm)
                m.update(zip(blk, perm))
            self._maps = {epoch: m}  # keep one epoch at a time
        return self._maps[epoch]

    def rename(self, text: str, epoch: int) -> str:
        if epoch == 0:
            return text
        m = self.mapping(epoch)

        def sub(mo: re.Match[str]) -> str:
            w = mo.group(0)
            r = m.get(w.lower(), w)
            if w.isupper() and len(w) > 1:
                return r.upper()
            if w[0].isupper():
                return r[:1].upper() + r[1:]
            return r
        return _WORD.sub(sub, text)


def _light(sents: list[str], rng: random.Random, vocab: Vocab) -> list[str]:
    words = " ".join(sents).split()
    for _ in range(rng.randint(3, 6)):
        op = rng.choice("cid")
        k = rng.randrange(len(words))
        filler = rng.choice(vocab.words[50:3000])
        if op == "c":
            words[k] = filler
        elif op == "i":
            words.insert(k, filler)
        elif len(words) > 10:
            del words[k]
    return [" ".join(words)]


def _reorder(sents: list[str], rng: random.Random) -> list[str]:
    s = sents[:]
    rng.shuffle(s)
    drop = max(1, round(len(s) * rng.uniform(0.10, 0.20)))
    for _ in range(min(drop, len(s) - 2)):
        del s[rng.randrange(len(s))]
    return s


def _synonym(sents: list[str], rng: random.Random, vocab: Vocab) -> list[str]:
    out = []
    for s in sents:
        toks = s.split(" ")
        for k, t in enumerate(toks):
            mo = _WORD.fullmatch(t.strip(".,;:!?\"'()"))
            if not mo:
                continue
            w = mo.group(0)
            lw = w.lower()
            if lw in _STOP or len(lw) < 3 or (w[0].isupper() and k > 0) or rng.random() >= 0.25:
                continue
            rep = SYNONYMS.get(lw)
            if rep is None:
                pool = vocab.by_len.get(len(lw)) or vocab.by_len.get(5, ["thing"])
                rep = rng.choice(pool)
            if w[0].isupper():
                rep = rep[:1].upper() + rep[1:]
            toks[k] = t.replace(w, rep, 1)
        out.append(" ".join(toks))
    return out


def make_corpus(articles: list[list[str]], vocab: Vocab, n: int, seed: int
                ) -> tuple[list[str], list[tuple[int, int, str]]]:
    """``n`` texts and the planted ``(original, derivative, kind)`` index pairs."""
    rng = random.Random(seed * 7919 + n)
    n_der = int(round(n * DERIV_SHARE))
    n_der -= n_der % len(KINDS)
    n_orig = n - n_der
    per_kind = n_der // len(KINDS)
    # article slots (article, epoch): originals, then two per partial-reuse host
    A = len(articles)
    order = list(range(A))
    rng.shuffle(order)
    slots = [(order[s % A], s // A) for s in range(n_orig + 2 * per_kind)]
    host_slots = slots[n_orig:]
    # segments (doc, position, text, epoch): renamed grouped by epoch, then joined
    segs: list[tuple[int, int, str, int]] = [(i, 0, " ".join(articles[a]), e)
                                             for i, (a, e) in enumerate(slots[:n_orig])]
    chosen = rng.sample(range(n_orig), n_der)
    planted: list[tuple[int, int, str]] = []
    for d, oi in enumerate(chosen):
        kind = KINDS[d // per_kind]
        a, ep = slots[oi]
        src = articles[a]
        doc = n_orig + d
        planted.append((oi, doc, kind))
        if kind == "copy":
            segs.append((doc, 0, " ".join(src), ep))
        elif kind == "light":
            segs.append((doc, 0, " ".join(_light(src, rng, vocab)), ep))
        elif kind == "reorder":
            segs.append((doc, 0, " ".join(_reorder(src, rng)), ep))
        elif kind == "synonym":
            segs.append((doc, 0, " ".join(_synonym(src, rng, vocab)), ep))
        else:
            h = d - 4 * per_kind
            (a1, e1), (a2, _) = host_slots[2 * h], host_slots[2 * h + 1]
            host, words, target = [], 0, rng.randint(600, 900)
            for s in articles[a1] + articles[a2]:
                if words >= target:
                    break
                host.append(s)
                words += len(s.split())
            k = rng.randint(3, 5)
            start = rng.randrange(max(1, len(src) - k + 1))
            at = len(host) // 2
            segs.append((doc, 0, " ".join(host[:at]), e1))
            segs.append((doc, 1, " ".join(src[start:start + k]), ep))
            segs.append((doc, 2, " ".join(host[at:]), e1))
    segs.sort(key=lambda x: (x[3], x[0], x[1]))
    parts: dict[int, list[tuple[int, str]]] = {}
    for doc, pos, text, ep in segs:
        parts.setdefault(doc, []).append((pos, vocab.rename(text, ep)))
    texts = [" ".join(t for _, t in sorted(parts[i])) for i in range(n)]
    # shuffle document order (deterministic) so derivatives are not next to originals
    perm = list(range(n))
    rng.shuffle(perm)
    inv = {old: new for new, old in enumerate(perm)}
    texts = [texts[old] for old in perm]
    planted = [(inv[a], inv[b], k) for a, b, k in planted]
    return texts, planted


# -------------------------------------------------------------- pipelines ---

def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


_TOK = re.compile(r"\w+")


def _shingles(text: str, k: int = 5) -> list[str]:
    w = _TOK.findall(text.lower())
    if len(w) < k:
        return [" ".join(w)] if w else []
    return [" ".join(w[i:i + k]) for i in range(len(w) - k + 1)]


def _pairs_to_codes(pairs: set[tuple[int, int]], n: int) -> np.ndarray:
    return np.array(sorted(a * n + b for a, b in pairs), dtype=np.int64)


def _run_dedup(path: str, workers: int, full: bool) -> dict:
    from dedup.config import Config
    from dedup.io.config import ReaderConfig
    from dedup.scan import scan, scan_candidates
    cfg = Config(reader=ReaderConfig(max_bytes=None))  # the corpus is one big JSONL file
    if full:
        from dedup.verdict import RELATED_VERDICTS
        c0 = _cpu_seconds()
        t0 = time.perf_counter()
        res = scan(path, config=cfg, workers=workers)
        secs, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
        n = res.documents
        # ids are "<file>#<jsonl id>" and the corpus ids are "d<index>"
        def codes(rows) -> np.ndarray:
            index = [(int(p.source.rsplit("#", 1)[1][1:]), int(p.suspect.rsplit("#", 1)[1][1:])) for p in rows]
            return _pairs_to_codes({(min(a, b), max(a, b)) for a, b in index}, n)

        related = [p for p in res.pairs if p.verdict in RELATED_VERDICTS]
        return {"seconds": secs, "cpu": cpu, "codes": codes(related),
                "reuse_codes": codes(related + res.reuse), "reuse": len(res.reuse),
                "candidates": res.candidates, "verdicts": dict(Counter(p.verdict for p in res.pairs)),
                "related": sorted(RELATED_VERDICTS)}
    from dedup.io import iter_inputs
    from dedup.scan import find_candidates_parallel
    import dedup.kernels  # noqa: F401  (imports numba: imports are untimed for every pipeline; loading the kernels is timed)
    t0 = time.perf_counter()
    from dedup.document import Document
    from dedup.store import DocumentStore
    store, errors = DocumentStore(), 0  # as scan_candidates keeps them
    for d in iter_inputs([path], cfg.reader):
        if isinstance(d, Document):
            store.append(d)
        else:
            errors += 1
    texts = store.texts()
    n = len(texts)
    if errors or not n:
        raise RuntimeError(f"dedup read {n} documents, {errors} errors")
    timings = {"read": time.perf_counter() - t0}
    c0 = _cpu_seconds()
    cands = find_candidates_parallel(texts, cfg.candidates, workers, timings=timings)
    cpu = _cpu_seconds() - c0
    codes = np.array(sorted(c.i * n + c.j for c in cands), dtype=np.int64)
    secs = timings["sketch"] + timings["pairs"]
    return {"seconds": secs, "codes": codes, "timings": timings, "cpu": cpu}


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _run_rensa(path: str) -> dict:
    from rensa import RMinHash, RMinHashLSH
    texts = _load(path)
    n = len(texts)
    c0 = _cpu_seconds()
    t0 = time.perf_counter()
    lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=16)
    mhs = []
    for i, t in enumerate(texts):
        m = RMinHash(num_perm=128, seed=42)
        m.update(_shingles(t))
        lsh.insert(i, m)
        mhs.append(m)
    pairs: set[tuple[int, int]] = set()
    for i, m in enumerate(mhs):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    secs = time.perf_counter() - t0
    return {"seconds": secs, "codes": _pairs_to_codes(pairs, n), "cpu": _cpu_seconds() - c0}


def _run_datasketch(path: str) -> dict:
    import xxhash
    from datasketch import MinHash, MinHashLSH
    texts = _load(path)
    n = len(texts)
    c0 = _cpu_seconds()
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    mhs = []
    for i, t in enumerate(texts):
        m = MinHash(num_perm=128, hashfunc=xxhash.xxh32_intdigest)
        m.update_batch([s.encode("utf-8") for s in _shingles(t)])
        lsh.insert(i, m)
        mhs.append(m)
    pairs: set[tuple[int, int]] = set()
    for i, m in enumerate(mhs):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    secs = time.perf_counter() - t0
    return {"seconds": secs, "codes": _pairs_to_codes(pairs, n), "cpu": _cpu_seconds() - c0}


def _child(name: str, args: tuple, q: "mp.Queue") -> None:
    try:
        fn = {"dedup": _run_dedup, "rensa": _run_rensa, "datasketch": _run_datasketch}[name]
        out = fn(*args)
        out["rss_mb"] = _peak_rss_mb()
        out["child_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        q.put(out)
    except BaseException as e:  # report, don't hang the parent
        q.put({"error": f"{type(e).__name__}: {e}"})


def run_isolated(name: str, *args) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(name, args, q))
    p.start()
    out = q.get()
    p.join()
    return out


# ---------------------------------------------------------------- scoring ---

def score(codes: np.ndarray, planted: list[tuple[int, int, str]], n: int) -> dict:
    cand = set(codes.tolist())
    kind_of_doc: dict[int, str] = {}
    res: dict = {"per_doc": 2 * len(cand) / n, "pairs": len(cand)}
    planted_codes = set()
    found_all = 0
    for k in KINDS:
        ps = [(min(a, b), max(a, b)) for a, b, kk in planted if kk == k]
        found = sum(1 for a, b in ps if a * n + b in cand)
        found_all += found
        res[f"recall_{k}"] = found / len(ps) if ps else float("nan")
        planted_codes.update(a * n + b for a, b in ps)
        for a, b, kk in planted:
            if kk == k:
                kind_of_doc[b] = k
    res["recall"] = found_all / len(planted) if planted else float("nan")
    tp = len(cand & planted_codes)
    res["precision"] = tp / len(cand) if cand else float("nan")
    # per kind: among candidate pairs touching a derivative of that kind
    touch = Counter()
    hit = Counter()
    for c in cand:
        a, b = divmod(c, n)
        for d in (a, b):
            k = kind_of_doc.get(d)
            if k:
                touch[k] += 1
                hit[k] += c in planted_codes
    for k in KINDS:
        res[f"precision_{k}"] = hit[k] / touch[k] if touch[k] else float("nan")
    return res


# ------------------------------------------------------------------- main ---

def _fmt(x: float, nd: int = 3) -> str:
    return "n/a" if x != x else f"{x:.{nd}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("text_dir", type=Path, help="directory of real *.txt files to cut into articles")
    ap.add_argument("--sizes", nargs="+", default=["1000,10000,100000"],
                    help="corpus sizes, comma- or space-separated (--sizes 1000 10000 or --sizes 1000,10000)")
    ap.add_argument("--million", action="store_true", help="also run N = 1,000,000")
    ap.add_argument("--workers", type=int, default=2, help="dedup worker processes")
    ap.add_argument("--full-max", type=int, default=10000, help="run the full dedup scan only up to this N")
    ap.add_argument("--skip", default="", help="comma-separated pipelines to skip (rensa,datasketch,dedup-full)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tmp", default=None, help="directory for the temporary corpus file")
    ap.add_argument("--corpus-dir", default=None,
                    help="keep the generated corpus files here and reuse them on the next run "
                         "(the planted pairs are regenerated; generation is deterministic)")
    args = ap.parse_args(argv)
    sizes = [int(s) for item in args.sizes for s in item.split(",") if s.strip()]
    if args.million and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    t0 = time.perf_counter()
    articles, _ = _articles_from_dir(args.text_dir, args.seed)
    vocab = Vocab(articles)
    print(f"# {len(articles)} base articles from {args.text_dir} ({time.perf_counter() - t0:.1f}s); "
          f"workers={args.workers}; cpu={os.cpu_count()}", flush=True)
    if args.corpus_dir:
        os.makedirs(args.corpus_dir, exist_ok=True)
    for n in sizes:
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=args.tmp) as td:
            path = os.path.join(args.corpus_dir or td, f"corpus-{n}-{args.seed}.jsonl")
            side = path[:-len(".jsonl")] + ".planted.json"
            if args.corpus_dir and os.path.exists(path) and os.path.exists(side):
                with open(side, encoding="utf-8") as f:
                    saved = json.load(f)
                planted, words = [tuple(p) for p in saved["planted"]], saved["words"]
            else:
                texts, planted = make_corpus(articles, vocab, n, args.seed)
                with open(path + ".part", "w", encoding="utf-8") as f:
                    for i, t in enumerate(texts):
                        f.write(json.dumps({"id": f"d{i}", "text": t}) + "\n")
                os.replace(path + ".part", path)
                words = sum(len(t.split()) for t in texts) / n
                del texts
                if args.corpus_dir:
                    with open(side, "w", encoding="utf-8") as f:
                        json.dump({"planted": planted, "words": words}, f)
            print(f"\n## N = {n:,}  (mean {words:.0f} words/doc; planted {len(planted)} pairs, "
                  f"{len(planted) // len(KINDS)} per kind; generated in {time.perf_counter() - t1:.1f}s)",
                  flush=True)
            rows = []
            runs = [("dedup-cand", "dedup", (path, args.workers, False))]
            if "dedup-full" not in skip and n <= args.full_max:
                runs.append(("dedup-full", "dedup", (path, args.workers, True)))
            for name in ("rensa", "datasketch"):
                if name not in skip:
                    runs.append((name, name, (path,)))
            results = {}
            for label, fn, a in runs:
                out = run_isolated(fn, *a)
                if "error" in out:
                    print(f"{label}: FAILED {out['error']}", flush=True)
                    continue
                results[label] = out
                print(f"  {label}: {out['seconds']:.1f}s", flush=True)
            print("\n| pipeline | docs/s | seconds | CPU s | peak RSS MB (main / largest child) | cand/doc | precision "
                  "| recall | " + " | ".join(f"R {k}" for k in KINDS) + " |")
            print("|---" * (8 + len(KINDS)) + "|")
            for label, out in results.items():
                rate = n / out["seconds"] if out["seconds"] else float("inf")
                rss = f"{out['rss_mb']:.0f} / {out['child_rss_mb']:.0f}"
                sc = score(out["codes"], planted, n)
                if label == "dedup-full":  # the related verdicts, scored like candidates
                    print(f"| {label} | {rate:,.0f} | {out['seconds']:.1f} | {out['cpu']:.1f} | {rss} | "
                          f"{2 * out['candidates'] / n:.2f} aligned, {sc['per_doc']:.2f} related | "
                          f"{_fmt(sc['precision'])} | {_fmt(sc['recall'])} | "
                          + " | ".join(_fmt(sc[f'recall_{k}']) for k in KINDS) + " |")
                    ru = score(out["reuse_codes"], planted, n)
                    print(f"| {label} + reuse | | | | | {ru['per_doc']:.2f} reported | "
                          f"{_fmt(ru['precision'])} | {_fmt(ru['recall'])} | "
                          + " | ".join(_fmt(ru[f'recall_{k}']) for k in KINDS) + " |")
                    full_note = (f"dedup-full verdicts: {out['verdicts']}; precision and recall of its row are "
                                 f"those of the related verdicts ({', '.join(out['related'])}) against the "
                                 f"planted pairs; its '+ reuse' row adds the {out['reuse']} pairs of reuse.jsonl "
                                 f"(copied passages, no related verdict: partial reuse belongs there; the pairs "
                                 f"it reports that were not planted are, where read, text the source books repeat)")
                    continue
                out["score"] = sc
                rows.append(label)
                print(f"| {label} | {rate:,.0f} | {out['seconds']:.1f} | {out.get('cpu', float('nan')):.1f} | {rss} | "
                      f"{sc['per_doc']:.2f} | "
                      f"{_fmt(sc['precision'])} | {_fmt(sc['recall'])} | "
                      + " | ".join(_fmt(sc[f'recall_{k}']) for k in KINDS) + " |")
            if "dedup-full" in results:
                print("\n" + full_note)
            print("\nprecision per kind (among candidate pairs touching a derivative of that kind):")
            for label in rows:
                sc = results[label]["score"]
                print(f"  {label}: " + ", ".join(f"{k} {_fmt(sc[f'precision_{k}'])}" for k in KINDS))
            ours = results.get("dedup-cand")
            if ours:
                parts = []
                for other in ("rensa", "datasketch"):
                    if other in results:
                        parts.append(f"ours/{other} docs/s = {results[other]['seconds'] / ours['seconds']:.2f}x")
                        if results[other].get("cpu") and ours.get("cpu"):
                            parts.append(f"ours/{other} docs per CPU-second = "
                                         f"{results[other]['cpu'] / ours['cpu']:.2f}x")
                if "dedup-full" in results and "rensa" in results:
                    parts.append(f"full scan time / rensa candidate time = "
                                 f"{results['dedup-full']['seconds'] / results['rensa']['seconds']:.2f}")
                t = ours.get("timings", {})
                print("ratios: " + "; ".join(parts))
                print("dedup-cand steps: " + ", ".join(f"{k} {v:.2f}s" for k, v in t.items()))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
