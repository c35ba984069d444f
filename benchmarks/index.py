"""Benchmark of the persistent index (dedup.index): add throughput, check latency, peak RSS.

usage:
  python benchmarks/index.py TEXTS [--sizes 10000,100000] [--million] [--backends sqlite,redis]
                             [--redis redis://127.0.0.1:6379/0] [--chunk 3000] [--workdir DIR]

TEXTS is a directory of .txt files (e.g. the PAN13 source documents), cut into
news-length chunks (``--chunk`` characters, cut at whitespace). When the
corpus is smaller than the size asked, more documents are made from its
chunks by a frequency-preserving word remapping (see ``_remapper``): new
content with the corpus's statistics, not copies (copies would make every
extra document, and every "new" check text, a near-duplicate).
Each (backend, size) runs in its own process (peak RSS is per run):

* add: ``add_many`` of SIZE documents in batches of 500 (sketching, look-up,
  storing; with ``--judge`` also verification and alignment of the
  candidates found): docs/s of wall time, and of CPU time (the machine may
  be shared): ``add_cpu_s`` of the index's process (look-up, writes, merges),
  ``add_worker_cpu_s`` of its sketch worker processes (sketching), and
  ``add_cpu_docs_per_s`` documents per CPU second of both;
* check (new): ``Index.candidates`` of 500 held-out chunks, p50/p99 ms —
  candidate look-up and verification, no alignment;
* check (derivative): 200 lightly edited indexed chunks through ``candidates``
  (look-up + verification, the part the p99 target is about), and the first
  20 of them through ``check`` (also aligning and judging every verified
  candidate: tens of ms each), p50/p99 ms;
* sketch: documents/s of the vectorised sketching alone (the ceiling of add);
* base_rss_mb / peak_rss_mb: peak RSS before the index is opened (with
  ``--corpus-cache`` the documents are read from the cache file as they are
  added, not held in memory) and at the end (the difference is the index's: posting
  segments cached in memory, merges, SQLite page cache).

Each run works in a fresh temporary directory (or Redis prefix) and removes it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


class CachedTexts:
    """The documents of a cache file (JSON lines), read from disk when used
    rather than held in memory: the 1M runs then measure the index, not a
    3.5 GB list of texts (and leave room for a Redis server holding them)."""

    def __init__(self, path: Path, n: int) -> None:
        self.path, self.n = path, n
        self.offsets = np.empty(n + 1, dtype=np.int64)
        with open(path, "rb") as f:
            pos = 0
            for i in range(n + 1):
                self.offsets[i] = pos
                line = f.readline()
                if not line and i < n:
                    raise ValueError(f"{path}: fewer than {n} documents")
                pos += len(line)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> str:
        if not 0 <= i < self.n:
            raise IndexError(i)
        with open(self.path, "rb") as f:
            f.seek(int(self.offsets[i]))
            return json.loads(f.readline())

    def range(self, lo: int, hi: int):
        """Documents ``lo`` to ``hi - 1``, read in one pass."""
        with open(self.path, "rb") as f:
            f.seek(int(self.offsets[lo]))
            for _ in range(lo, min(hi, self.n)):
                yield json.loads(f.readline())


def chunks(root: Path, size: int, want: int, cache_dir: str | None = None, lazy: bool = False):
    """``want`` news-length chunks of the corpus (more made by :func:`_remapper`
    when it is too small). With ``cache_dir`` the chunks are kept there as
    JSON lines (``chunks-v2-<size>-<want>-<corpus hash>.jsonl``) and read back by
    later runs instead of being made again (making 1M takes minutes)."""
    files = sorted(root.rglob("*.txt"))
    if not files:
        sys.exit(f"{root}: no .txt files")
    cache = None
    if cache_dir:
        import hashlib
        h = hashlib.sha256("\n".join(f"{f.relative_to(root)}:{f.stat().st_size}" for f in files).encode()).hexdigest()
        cache = Path(cache_dir) / f"chunks-v2-{size}-{want}-{h[:12]}.jsonl"
        if cache.exists():
            if lazy:
                return CachedTexts(cache, want)
            with open(cache, encoding="utf-8") as f:
                return [json.loads(line) for line in f]
    out: list[str] = []
    for f in files:
        t = f.read_text(encoding="utf-8", errors="replace")
        i = 0
        while i < len(t) and len(out) < want:
            j = t.find(" ", i + size)
            j = len(t) if j < 0 else j
            c = t[i:j].strip()
            if len(c) > size // 2:
                out.append(c)
            i = j
        if len(out) >= want:
            break
    base = len(out)
    if len(out) < want:  # corpus too small: more documents, same statistics, new content
        remap = _remapper(out)
        if want - base > 20000:  # in forked processes (the same texts, in the same order)
            out.extend(_remap_parallel(remap, out[:base], want - base))
        else:
            out.extend(remap(out[k % base], k // base + 1) for k in range(want - base))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(c) + "\n" for c in out)
        os.replace(tmp, cache)
        if lazy:
            del out
            return CachedTexts(cache, want)
    return out


def _remap_range(remap, texts: list[str], lo: int, hi: int, conn) -> None:  # k in [lo, hi)
    base = len(texts)
    conn.send([remap(texts[k % base], k // base + 1) for k in range(lo, hi)])
    conn.close()


def _remap_parallel(remap, texts: list[str], n: int, start: int = 0) -> list[str]:
    """``remap(texts[k % base], k // base + 1)`` for ``start <= k < n`` in forked processes (same order)."""
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    parts = os.cpu_count() or 1
    bounds = [start + (n - start) * i // parts for i in range(parts + 1)]
    procs = []
    for lo, hi in zip(bounds, bounds[1:]):
        mine, theirs = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_remap_range, args=(remap, texts, lo, hi, theirs))
        p.start()
        theirs.close()
        procs.append((p, mine))
    out: list[str] = []
    for p, conn in procs:
        out.extend(conn.recv())
        p.join()
    return out


_WORD = re.compile(r"[^\W\d_]+")


def _remapper(texts: list[str]):
    """``remap(text, r)``: the text with every word replaced by the word of the
    corpus vocabulary whose frequency rank is a round-``r`` permutation of its
    own rank within blocks of 64 ranks. Frequencies, lengths, sentences,
    numbers and capitalisation are kept; the content is new (documents of
    different rounds are unrelated unless their sources were). Used instead
    of plain copies, which would make every extra document a near-duplicate."""
    freq: dict[str, int] = {}
    for t in texts:
        for w in _WORD.findall(t.lower()):
            freq[w] = freq.get(w, 0) + 1
    vocab = sorted(freq, key=lambda w: (-freq[w], w))
    rank = {w: i for i, w in enumerate(vocab)}
    nv = len(vocab)

    def remap(text: str, r: int) -> str:
        # rounds r and r + 64 made the same permutation (documents repeated
        # from round 64 on, ~450K documents of PAN13): r // 64 tells them apart
        a, b = 2 * r + 1, 17 * r + r // 64

        def sub(m: re.Match) -> str:
            w = m.group(0)
            i = rank.get(w.lower())
            if i is None:
                return w
            blk, off = divmod(i, 64)
            j = blk * 64 + (off * a + b) % 64
            if j >= nv:
                return w
            n = vocab[j]
            return n.capitalize() if w[0].isupper() else n
        return _WORD.sub(sub, text)
    return remap


def edit(text: str, rnd: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 20)):
        i = rnd.randrange(len(words))
        words[i] = words[i].upper() if rnd.random() < 0.5 else words[i] + "s"
    return " ".join(words)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_one(args: argparse.Namespace) -> dict:
    from dedup.index import Index
    n = args.size
    texts = chunks(Path(args.texts), args.chunk, n + 500, args.corpus_cache, lazy=True)
    if isinstance(texts, CachedTexts):  # read from the cache file as needed
        held = list(texts.range(n, n + 500))
        texts.n = n
        batch_texts = texts.range
    else:
        held, texts = texts[n:], texts[:n]
        batch_texts = lambda lo, hi: texts[lo:hi]  # noqa: E731
    workdir = tempfile.mkdtemp(prefix=f"dedup-bench-{n}-", dir=args.workdir)  # never a stale index
    loc = (str(Path(workdir) / "bench.dedup") if args.backend == "sqlite"
           else f"{args.redis}?prefix=bench{n}x{os.getpid()}")
    res: dict = {"backend": args.backend, "docs": n}
    from dedup.index.layout import sketch
    from dedup.candidates import CandidateConfig
    probe = list(batch_texts(0, 2000))
    a = time.perf_counter()
    sketch(probe, CandidateConfig())
    res["sketch_docs_per_s"] = round(len(probe) / (time.perf_counter() - a), 1)
    # the index's compiled kernels (counter, merges, look-ups) are loaded, or compiled once after an
    # install, by a small throwaway index before timing, as the sketch kernels are by the probe above
    with Index(str(Path(workdir) / "warm-up.dedup"), batch_size=50, workers=0) as warm:
        warm.add_many([(f"w{i}", t) for i, t in enumerate(probe[:600])], judge=False)
        warm.candidates(probe[0])
    for suffix in ("", "-wal", "-shm"):
        Path(workdir, "warm-up.dedup" + suffix).unlink(missing_ok=True)
    res["base_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # texts loaded
    with Index(loc, batch_size=500) as ix:
        mem0 = ix.stats().get("redis_used_memory") or 0
        dt = cpu = 0.0
        k0 = _children_cpu()
        matches = 0
        for s in range(0, n, 5000):
            # reading and parsing the documents is not timed (nor was it when they were held in memory);
            # the sketch workers are idle meanwhile (each add_many call drains them)
            items = [(f"d{i}", t) for i, t in enumerate(batch_texts(s, min(n, s + 5000)), s)]
            t0 = time.perf_counter()
            c0 = time.process_time()
            out = ix.add_many(items, judge=args.judge)
            dt += time.perf_counter() - t0
            cpu += time.process_time() - c0
            matches += sum(map(len, out))
        ix._close_pool()  # reap the sketch workers: their CPU time is then counted
        wcpu = _children_cpu() - k0
        res.update(add_docs_per_s=round(n / dt, 1), add_cpu_s=round(cpu, 1), add_worker_cpu_s=round(wcpu, 1),
                   add_cpu_docs_per_s=round(n / (cpu + wcpu), 1), add_s=round(dt, 1), add_matches=matches)
        lat = []
        for t in held:
            a = time.perf_counter()
            ix.candidates(t)  # look-up + verification, no alignment
            lat.append(time.perf_counter() - a)
        res.update(check_new_p50_ms=round(1000 * float(np.percentile(lat, 50)), 2),
                   check_new_p99_ms=round(1000 * float(np.percentile(lat, 99)), 2))
        rnd = random.Random(1)
        ix.check("warm-up", edit(texts[0], random.Random(0)))  # first alignment imports and loads (~seconds)
        lat, lat_lookup = [], []
        found = 0
        for k, i in enumerate(rnd.sample(range(n), 200)):
            derived = edit(texts[i], rnd)
            a = time.perf_counter()
            ix.candidates(derived)  # look-up + verification only
            lat_lookup.append(time.perf_counter() - a)
            if k < 20:  # alignment takes tens of ms: 20 of them
                a = time.perf_counter()
                found += any(m.doc_id == f"d{i}" for m in ix.check("probe", derived))
                lat.append(time.perf_counter() - a)
        res.update(check_deriv_lookup_p50_ms=round(1000 * float(np.percentile(lat_lookup, 50)), 2),
                   check_deriv_lookup_p99_ms=round(1000 * float(np.percentile(lat_lookup, 99)), 2))
        res.update(check_derivative_p50_ms=round(1000 * float(np.percentile(lat, 50)), 2),
                   check_derivative_p99_ms=round(1000 * float(np.percentile(lat, 99)), 2),
                   derivatives_found=f"{found}/20")
        st = ix.stats()
        res["segments"] = st.get("segments")
        res["postings_per_doc"] = round((st.get("postings") or 0) / n, 1)
        res["index_bytes"] = st.get("db_bytes", (st.get("redis_used_memory") or 0) - mem0)
        if args.backend == "redis":  # clean up the benchmark's keys
            import redis
            r = redis.Redis.from_url(args.redis)
            batch = []
            for k in r.scan_iter(match=f"{loc.split('prefix=')[1]}:*", count=50000):
                batch.append(k)
                if len(batch) >= 20000:
                    r.unlink(*batch)
                    batch = []
            if batch:
                r.unlink(*batch)
    if args.backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(loc + suffix).unlink(missing_ok=True)
    os.rmdir(workdir)
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("texts", help="directory of .txt files")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--million", action="store_true", help="also run 1,000,000 documents")
    ap.add_argument("--backends", default="sqlite,redis")
    ap.add_argument("--redis", default=os.environ.get("DEDUP_TEST_REDIS", "redis://127.0.0.1:6379/0"))
    ap.add_argument("--chunk", type=int, default=3000, help="characters per document")
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    ap.add_argument("--corpus-cache", default=None, metavar="DIR",
                    help="keep the generated documents in DIR and reuse them in later runs")
    ap.add_argument("--judge", action="store_true",
                    help="align and judge the candidates found while adding (default: add_many(judge=False))")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--backend", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args)))
        return
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.million else [])
    cols = ["backend", "docs", "sketch_docs_per_s", "add_docs_per_s", "add_cpu_docs_per_s", "add_cpu_s", "add_worker_cpu_s", "add_s", "add_matches", "check_new_p50_ms",
            "check_new_p99_ms", "check_deriv_lookup_p50_ms", "check_deriv_lookup_p99_ms", "check_derivative_p50_ms",
            "check_derivative_p99_ms", "derivatives_found", "segments", "postings_per_doc", "index_bytes",
            "base_rss_mb", "peak_rss_mb"]
    print("\t".join(cols), flush=True)
    for size in sizes:
        for backend in args.backends.split(","):
            cmd = [sys.executable, __file__, args.texts, "--one", "--size", str(size), "--backend", backend,
                   "--redis", args.redis, "--chunk", str(args.chunk), "--workdir", args.workdir] + (["--judge"] if args.judge else []) \
                + (["--corpus-cache", args.corpus_cache] if args.corpus_cache else [])
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode:
                print(f"{backend}\t{size}\tFAILED: {p.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            print("\t".join(str(r.get(c, "")) for c in cols), flush=True)


if __name__ == "__main__":
    main()
