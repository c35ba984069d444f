"""``scan()``: find related documents in a crawl."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from dedup import collect
from dedup.align import TextFeatures, text_features
from dedup.candidates import (
    Candidate,
    CandidateConfig,
    KERNEL_MIN_DOCS,
    DocSketches,
    PassagePairStage,
    SpilledKeys,
    anchor_signatures,
    candidates_from_sketches,
    concat_sketches,
    kernels_for,
    merge_runs,
    sketch_documents,
)
from dedup.cluster import Cluster, cluster, find_root
from dedup.config import Config
from dedup.document import Document, ReadError
from dedup.io import iter_inputs
from dedup.fast import have_numba, kernels
from dedup.judge import (  # noqa: F401  (PairResult, judge_pair, judge_features: public here too)
    JudgementCache,
    PairResult,
    Lru,
    judge_features,
    judge_pair,
    reuse_of,
    vocabulary_containment,
)
from dedup.reuse import ReusedPair
from dedup.store import DocumentStore, TextView
from dedup.verdict import RELATED_VERDICTS, VERDICTS
from dedup.workers import WorkerPool

@dataclass
class ScanResult:
    """Outcome of :func:`scan`.

    Attributes:
        pairs: Related pairs (every verdict but ``unrelated``), sorted.
        clusters: Groups of derived documents with their likely origin.
        errors: Inputs that could not be read.
        documents: Number of documents compared.
        candidates: Number of candidate pairs aligned.
        reuse: Pairs with no related verdict that share copied passages (a
            few paragraphs of one inside a longer other: too little of either
            for a derivative), sorted; see :mod:`dedup.reuse`.
    """

    pairs: list[PairResult]
    clusters: list[Cluster]
    errors: list[ReadError]
    documents: int = 0
    candidates: int = 0
    reuse: list[ReusedPair] = field(default_factory=list)

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``pairs.jsonl``, ``clusters.jsonl``, ``errors.jsonl`` and
        ``reuse.jsonl`` (the pairs of :attr:`reuse`).

        Args:
            out_dir: Directory (created if missing).

        Returns:
            The paths written, by name.
        """
        return _write_outputs(out_dir, {
            "pairs": (p.to_dict() for p in self.pairs),
            "clusters": (c.to_dict() for c in self.clusters),
            "errors": (e.to_dict() for e in self.errors),
            "reuse": (r.to_dict() for r in self.reuse),
        })

    def summary(self) -> str:
        """A few lines for a person."""
        counts = {v: sum(1 for p in self.pairs if p.verdict == v) for v in VERDICTS if v != "unrelated"}
        related = sum(counts[v] for v in RELATED_VERDICTS)
        lines = [
            f"inputs: {self.documents + len(self.errors)} = {self.documents} documents compared"
            f" + {len(self.errors)} errors",
            f"candidate pairs aligned: {self.candidates}",
            f"related pairs: {related} (" + ", ".join(f"{v} {counts[v]}" for v in
                                                 ("near-duplicate", "derivative", "spun")) + f"); "
            f"shared-quotes pairs: {counts['shared-quotes']}",
            f"clusters: {len(self.clusters)}",
            f"pairs sharing copied passages, not derivatives: {len(self.reuse)}",
        ]
        return "\n".join(lines)


def _write_outputs(out_dir: str | Path, files: dict[str, Iterable[dict[str, Any]]]) -> dict[str, Path]:
    """Write ``NAME.jsonl`` for every entry of ``files`` into ``out_dir`` (created if missing)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.jsonl" for name in files}
    for name, rows in files.items():
        _write_jsonl(paths[name], rows)
    return paths


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _ids(docs: Sequence[Document]) -> list[str]:
    """Ids of ``docs`` in order (a document store lists them without making Documents)."""
    return docs.ids() if isinstance(docs, DocumentStore) else [d.id for d in docs]


@dataclass
class CandidateScan:
    """Outcome of :func:`scan_candidates` (the candidate stage alone).

    Attributes:
        documents: The documents read, in input order (candidates index it); a
            compact :class:`~dedup.store.DocumentStore` (a ``Sequence[Document]``).
        candidates: Candidate pairs, sorted by ``(i, j)``.
        errors: Inputs that could not be read.
        timings: Seconds spent per step (``read``, ``sketch``, ``pairs``).
    """

    documents: Sequence[Document]
    candidates: list[Candidate]
    errors: list[ReadError]
    timings: dict[str, float] = field(default_factory=dict)

    def candidate_rows(self) -> Iterator[dict[str, Any]]:
        """One dict per candidate: ``a``, ``b`` (document ids), ``views``, ``score``."""
        ids = _ids(self.documents)
        for c in self.candidates:
            yield {"a": ids[c.i], "b": ids[c.j], "views": list(c.views), "score": c.score}

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``candidates.jsonl`` and ``errors.jsonl``.

        Args:
            out_dir: Directory (created if missing).

        Returns:
            The paths written, by name.
        """
        return _write_outputs(out_dir, {
            "candidates": self.candidate_rows(),
            "errors": (e.to_dict() for e in self.errors),
        })

    def summary(self) -> str:
        """A few lines for a person."""
        n = len(self.documents)
        by_view: dict[str, int] = {}
        for c in self.candidates:
            for v in c.views:
                by_view[v] = by_view.get(v, 0) + 1
        per_doc = 2 * len(self.candidates) / n if n else 0.0
        t = self.timings
        lines = [
            f"inputs: {n + len(self.errors)} = {n} documents + {len(self.errors)} errors",
            f"candidate pairs: {len(self.candidates)} ({per_doc:.2f} per document; by view: "
            + (", ".join(f"{v} {k}" for v, k in sorted(by_view.items())) or "none") + ")",
        ]
        if t:
            lines.append("time: " + ", ".join(f"{k} {v:.2f}s" for k, v in t.items()))
        return "\n".join(lines)


def _sketch_task(args: tuple[list[str], CandidateConfig, bool | None]) -> DocSketches:
    texts, cfg, fast = args
    return sketch_documents(texts, cfg, fast=fast)


#: What the current pool worker works on (texts, a pair stage, documents),
#: set once by :func:`_init_worker`. Under ``fork`` the worker inherits these
#: objects from the parent, so nothing is pickled; the parent never reads it.
_WORKER: dict[str, Any] = {}


def _init_worker(**payload: Any) -> None:
    """Pool initializer: tune malloc and keep ``payload`` for the tasks."""
    _tune_worker_malloc()
    _WORKER.clear()
    _WORKER.update(payload)


def _sketch_range_task(args: tuple[int, int, CandidateConfig, str | None, bool | None, bool]) -> DocSketches:
    s, e, cfg, spill, fast, handoff = args
    texts = _WORKER["texts"]
    # a document store hands out its UTF-8 bytes (the tokeniser works on bytes: no decoding)
    sk = sketch_documents(texts.utf8(s, e) if isinstance(texts, TextView) else list(texts[s:e]), cfg, fast=fast)
    if spill is None:
        return sk
    # large corpora: the passage and chain keys go to disk; the parent merges
    # them one fingerprint range at a time (dedup.candidates.merge_runs).
    # Smaller ones: handed over in shared memory, or (when that fills up)
    # returned with the sketch after all
    try:
        for name in ("pass_key", "reg_key"):
            np.save(f"{spill}.{name}.npy", getattr(sk, name), allow_pickle=False)
    except OSError:
        if not handoff:
            raise
        for name in ("pass_key", "reg_key"):
            with contextlib.suppress(OSError):
                os.unlink(f"{spill}.{name}.npy")
        return sk
    return dataclasses.replace(sk, pass_key=np.empty(0, np.uint64), reg_key=np.empty(0, np.uint64))


def _handed_keys(path: str, part: DocSketches, name: str) -> np.ndarray:
    """A partition's keys from the shared-memory handoff (mapped), or the
    ones it returned itself when the handoff had no room."""
    own = getattr(part, name)
    file = f"{path}.{name}.npy"
    return np.load(file, mmap_mode="r") if not len(own) and os.path.exists(file) else own


#: From this many documents on, the parallel candidate stage keeps the passage
#: keys on disk (temporary files) instead of in memory.
SPILL_MIN_DOCS = 200_000


def _tune_worker_malloc() -> None:
    """In a worker process: let glibc keep freed memory for reuse instead of
    returning every large numpy temporary to the kernel (each fresh page then
    costs a fault; about 10-15% of the featurisation time). No-op elsewhere."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        libc.mallopt(M_MMAP_THRESHOLD, 1 << 30)
        libc.mallopt(M_TRIM_THRESHOLD, 1 << 31)
    except (OSError, AttributeError):
        pass


#: Below this many documents the candidate stage runs in-process (starting
#: worker processes costs more than it saves).
PARALLEL_MIN_DOCS = 256

#: Without the compiled kernels the passage pair counting runs its parts in
#: freshly forked processes only from this many documents on (threads do not
#: help the numpy reference). Measured on the planted corpus: 1,000
#: documents 0.027-0.033 s in-process against 0.042-0.057 s forked; 2,500
#: documents 0.12 s against 0.095 s.
FORK_PAIRS_MIN_DOCS = 2_000


#: Where workers hand their passage keys to the parent below ``spill_min_docs``
#: (a tmpfs: the parent maps the files instead of receiving pickles through a
#: pipe).
HANDOFF_ROOT = "/dev/shm"


def _handoff_dir(texts: Sequence[str]) -> tempfile.TemporaryDirectory | None:
    """A temporary directory in :data:`HANDOFF_ROOT` for the workers' keys,
    or None (no such tmpfs, or less free space than 8x the texts' size)."""
    try:
        st = os.statvfs(HANDOFF_ROOT)
    except OSError:
        return None
    need = 8 * (texts.nbytes() if isinstance(texts, TextView) else sum(map(len, texts)))
    if st.f_bavail * st.f_frsize < need:
        return None
    try:
        return tempfile.TemporaryDirectory(prefix="dedup-keys-", dir=HANDOFF_ROOT)
    except OSError:
        return None


def _pool_context():
    """``fork`` where available: workers start without re-importing dedup
    (about 2 s per worker under ``spawn``, which a process started by
    ``spawn`` otherwise inherits); the platform default elsewhere."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def find_candidates_parallel(texts: Sequence[str], config: CandidateConfig | None = None,
                             workers: int | None = None, chunk_size: int | None = None,
                             timings: dict[str, float] | None = None, spill_min_docs: int = SPILL_MIN_DOCS,
                             spill_root: str | None = None, kernel_min_docs: int = KERNEL_MIN_DOCS
                             ) -> list[Candidate]:
    """:func:`dedup.candidates.find_candidates`, with sketching spread over processes.

    Documents are cut into consecutive chunks, each featurised and sketched in a
    worker with :func:`~dedup.candidates.sketch_documents`; the parent joins the
    parts (:func:`~dedup.candidates.concat_sketches`), applies the corpus-wide
    anchor document-frequency cap and has the workers sign the capped anchor
    sets (:func:`~dedup.candidates.anchor_signatures`, compact arrays in and
    out), then bands, pairs and verifies
    (:func:`~dedup.candidates.candidates_from_sketches`). The result equals the
    in-process one.

    Args:
        texts: Document texts; candidates index this sequence.
        config: Candidate parameters.
        workers: Processes (default: all cores; 1 = in-process).
        chunk_size: Documents per task (default: about 4 tasks per worker, at
            most 2,000 documents each).
        timings: If given, ``sketch`` and ``pairs`` seconds are added to it.
        spill_min_docs: From this many documents on (and with ``fork``
            workers), the passage keys are written to temporary files and
            merged from there one fingerprint range at a time, so the parent
            never holds them all.
        spill_root: Directory for those files (default: the system's temp dir).
            Below ``spill_min_docs`` (``fork`` workers) the workers write
            their keys into a temporary directory in :data:`HANDOFF_ROOT`
            (``/dev/shm``) when it has room, and the parent maps them instead
            of receiving them pickled through a pipe (100,000 planted
            documents: worker time 5.1-5.6 s -> 4.5-4.6 s).
        kernel_min_docs: Smaller corpora run the numpy reference, not the
            compiled kernels (see :func:`dedup.candidates.kernels_for`; the
            candidates are the same).

    Returns:
        Candidates sorted by ``(i, j)``.
    """
    cfg = config or CandidateConfig()
    n_workers = workers or os.cpu_count() or 1
    n = len(texts)
    fast = kernels_for(n, kernel_min_docs)
    compiled = have_numba() if fast is None else False  # numba is not even imported for small corpora
    t0 = time.perf_counter()
    passage_runs = None
    if n_workers > 1 and n > 1:
        size = chunk_size or max(1, min(2000, math.ceil(n / (4 * n_workers))))
        ctx = _pool_context()
        forked = ctx is not None and ctx.get_start_method() == "fork"
        if forked and compiled:
            # the sketching kernels: loaded once here, inherited by the workers
            kernels().warm_up(pairs=False)
        t_warm = time.perf_counter()
        n_chunks = -(-n // size)
        with WorkerPool(min(n_workers, n_chunks), context=ctx, initializer=functools.partial(
                _init_worker, **({"texts": texts} if forked else {}))) as pool:
            spill_dir = (tempfile.TemporaryDirectory(prefix="dedup-keys-", dir=spill_root)
                         if forked and n >= spill_min_docs and "passage" in cfg.views else None)
            handoff = (_handoff_dir(texts) if forked and spill_dir is None and "passage" in cfg.views
                       else None)
            key_dir = spill_dir or handoff
            if forked:  # workers inherit ``texts``: send document ranges only
                tasks = [(s, min(n, s + size), cfg, None if key_dir is None else
                          os.path.join(key_dir.name, f"part{s // size:06d}"), fast, handoff is not None)
                         for s in range(0, n, size)]
                sketched = pool.map(_sketch_range_task, tasks)
                if compiled:  # the parent's own kernels, while the workers sketch
                    kernels().warm_up()
                parts = list(sketched)
            else:
                tasks = [(list(texts[s:s + size]), cfg, fast) for s in range(0, n, size)]
                parts = list(pool.map(_sketch_task, tasks))
            t_sk = time.perf_counter()
            offsets = np.cumsum([0] + [p.n_docs for p in parts])[:-1].tolist()
            if "passage" in cfg.views:
                if handoff is not None:  # mapped from shared memory, never copied through a pipe
                    keys = tuple([_handed_keys(t[3], p, name) for t, p in zip(tasks, parts)]
                                 for name in ("pass_key", "reg_key"))
                elif spill_dir is None:
                    keys = ([p.pass_key for p in parts], [p.reg_key for p in parts])
                else:
                    keys = tuple([SpilledKeys(f"{t[3]}.{name}.npy") for t in tasks]
                                 for name in ("pass_key", "reg_key"))
                if compiled:  # the merge kernel releases the GIL: fingerprint ranges in threads
                    with ThreadPoolExecutor(n_workers) as threads:
                        passage_runs = tuple(merge_runs(k, offsets, n, cfg.passage_max_df, map_fn=threads.map)
                                             for k in keys)
                else:
                    passage_runs = tuple(merge_runs(k, offsets, n, cfg.passage_max_df, fast=False) for k in keys)
                del keys
            if key_dir is not None:
                key_dir.cleanup()
            sk = concat_sketches(parts, keys=False)
            del parts, tasks
            # anchor signatures need the corpus-wide document-frequency cap:
            # the parent caps, workers sign chunks of compact key arrays
            anchor_sig = (anchor_signatures(sk, cfg, pool.map, chunk_docs=max(size, 1000))
                          if "anchor" in cfg.views else None)
    else:
        sk = sketch_documents(list(texts), cfg, fast=fast)
        anchor_sig = None
    t1 = time.perf_counter()
    if compiled:
        parallel = n_workers > 1 and n >= PARALLEL_MIN_DOCS
        runner = _ThreadRunner(n_workers)
    else:
        parallel = n_workers > 1 and n >= FORK_PAIRS_MIN_DOCS and "fork" in multiprocessing.get_all_start_methods()
        runner = _ForkRunner(n_workers)
    cands = candidates_from_sketches(sk, cfg, anchor_sig=anchor_sig,
                                     runner=runner if parallel else None,
                                     min_parts=2 * n_workers if parallel else 1, passage_runs=passage_runs,
                                     fast=fast)
    if timings is not None:
        if n_workers > 1 and n > 1:  # where the sketch time went
            timings["sketch_warm_up"] = t_warm - t0
            timings["sketch_workers"] = t_sk - t_warm
            timings["sketch_merge"] = t1 - t_sk
        timings["sketch"] = timings.get("sketch", 0.0) + t1 - t0
        timings["pairs"] = timings.get("pairs", 0.0) + time.perf_counter() - t1
    return cands


class _Meter:
    """Progress of a long step on stderr: done/total, rate and time left,
    at most every ``every`` seconds (one updating line on a terminal).

    Args:
        total: Units of work.
        verb: What is done to them ("aligned").
        unit: What they are ("candidate pairs").
        every: Seconds between lines.
    """

    def __init__(self, total: int, verb: str, unit: str, every: float = 2.0) -> None:
        self.total, self.verb, self.unit, self.every = total, verb, unit, every
        self.done_units = 0
        self.skipped = 0  # done before this run (resumed): not part of the rate
        self.t0 = self.last = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def line(self) -> str:
        """The current progress line."""
        elapsed = time.perf_counter() - self.t0
        rate = (self.done_units - self.skipped) / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done_units) / rate if rate > 0 else float("nan")
        eta = f", {left:.0f} s left" if self.done_units < self.total and rate > 0 else ""
        return f"{self.verb} {self.done_units}/{self.total} {self.unit} ({rate:.0f}/s{eta})"

    def skip(self, k: int) -> None:
        """Count ``k`` units done before (a resumed run): they are not in the rate."""
        self.done_units += k
        self.skipped += k

    def advance(self, k: int) -> None:
        """Count ``k`` more units; print when ``every`` seconds have passed."""
        self.done_units += k
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            print(("\r" if self.tty else "") + self.line(), end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def done(self) -> None:
        """Print the final line."""
        print(("\r" if self.tty else "") + self.line() + f" in {time.perf_counter() - self.t0:.1f} s",
              file=sys.stderr, flush=True)


class _ForkRunner:
    """Runs the parts of a :class:`~dedup.candidates.PassagePairStage` in
    ``fork`` worker processes: each worker inherits the stage (the inverted
    lists, tens of MB at 10,000 documents) without pickling; only the
    verified pairs of each part travel back."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __call__(self, stage: PassagePairStage) -> list:
        ctx = multiprocessing.get_context("fork")
        with WorkerPool(min(self.workers, stage.parts), context=ctx,
                        initializer=functools.partial(_init_worker, stage=stage)) as pool:
            return list(pool.map(_run_stage_part, range(stage.parts)))


class _ThreadRunner:
    """Runs the parts of a :class:`~dedup.candidates.PassagePairStage` in
    threads: the compiled kernel (:func:`dedup.kernels.passage_pair_part`)
    releases the GIL, so the parts run in parallel without starting
    processes (used when numba is installed)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __call__(self, stage: PassagePairStage) -> list:
        with ThreadPoolExecutor(min(self.workers, stage.parts)) as pool:
            return list(pool.map(stage.run, range(stage.parts)))


def _run_stage_part(part: int) -> tuple:
    return _WORKER["stage"].run(part)


def _resolve_workers(workers: int | None) -> int:
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be >= 1 (or None for all cores), got {workers}")
    return workers or os.cpu_count() or 1


def read_candidates(path: str | Path, ids: Sequence[str]) -> list[Candidate]:
    """Candidate pairs from a ``candidates.jsonl`` (``dedup scan --stage
    candidates``), as indices into the documents whose ids are ``ids``.

    Args:
        path: The file: one JSON object per line with the two document ids
            ``a`` and ``b`` (``views`` and ``score`` are kept when present).
        ids: Ids of the documents read, in order.

    Returns:
        Candidates sorted by ``(i, j)``, each pair once.

    Raises:
        ValueError: A line is not such an object, or names a document that is
            not among ``ids`` (the file was made from other inputs).
    """
    index = {d: k for k, d in enumerate(ids)}
    kept: dict[tuple[int, int], Candidate] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                a, b = row["a"], row["b"]
            except (ValueError, TypeError, KeyError):
                raise ValueError(f"{path}, line {n}: expected a JSON object with the document ids \"a\" and "
                                 f"\"b\", as dedup scan --stage candidates writes") from None
            missing = [x for x in (a, b) if x not in index]
            if missing:
                raise ValueError(f"{path}, line {n}: no document {missing[0]!r} among the {len(index)} read; "
                                 "scan the same inputs (and --text-key/--id-key) as the run that wrote it")
            i, j = sorted((index[a], index[b]))
            if i != j:
                kept.setdefault((i, j), Candidate(i, j, tuple(row.get("views") or ()), float(row.get("score") or 0.0)))
    return [kept[k] for k in sorted(kept)]


def scan_candidates(paths: str | Path | Sequence[str | Path], *, config: Config | None = None,
                    workers: int | None = None, progress: bool = False,
                    candidates: str | Path | None = None,
                    checkpoint: str | Path | None = None) -> CandidateScan:
    """Read the documents under ``paths`` and run the candidate stage only.

    Args:
        paths: Files or directories (txt, html, jsonl, warc).
        config: Settings (default :class:`~dedup.config.Config`).
        workers: Processes for sketching (default: all cores; 1 = in-process).
            Corpora under ``PARALLEL_MIN_DOCS`` documents are sketched in-process.
        progress: Print progress to stderr.
        candidates: A ``candidates.jsonl`` from an earlier run on the same
            inputs: its pairs are taken instead of generating them
            (:func:`read_candidates`).
        checkpoint: A directory where the candidate pairs are saved once
            made (:mod:`dedup.checkpoint`); the same documents scanned again
            with the same candidate settings and dedup version read them
            from there instead of generating them.

    Returns:
        A :class:`CandidateScan`.

    Raises:
        ValueError: ``candidates`` cannot be read as such a file.
    """
    cfg = config or Config()
    if isinstance(paths, (str, Path)):
        paths = [paths]
    n_workers = _resolve_workers(workers)
    t0 = time.perf_counter()
    docs = DocumentStore()  # compact: texts as UTF-8 blocks, shared with fork workers
    errors: list[ReadError] = []
    for item in iter_inputs(paths, cfg.reader):
        if isinstance(item, Document):
            docs.append(item)
        else:
            errors.append(item)
    timings = {"read": time.perf_counter() - t0}
    if progress:
        print(f"read {len(docs)} documents, {len(errors)} errors", file=sys.stderr)
    key = None
    if candidates is None and checkpoint is not None:
        from dedup import __version__
        from dedup.checkpoint import documents_key, saved_candidates
        key = documents_key(__version__, cfg.candidates, docs)
        candidates = saved_candidates(checkpoint, key)
    if candidates is not None:
        t1 = time.perf_counter()
        cands = read_candidates(candidates, docs.ids())
        timings["candidates_read"] = time.perf_counter() - t1
    else:
        use = n_workers if len(docs) >= PARALLEL_MIN_DOCS else 1
        cands = find_candidates_parallel(docs.texts(), cfg.candidates, use, timings=timings)
        if key is not None:
            from dedup.checkpoint import save_candidates
            save_candidates(checkpoint, key, CandidateScan(docs, cands, errors).candidate_rows())
    if progress:
        print(f"{len(cands)} candidate pairs" + (f" (from {candidates})" if candidates is not None else ""),
              file=sys.stderr)
    return CandidateScan(docs, cands, errors, timings)


def _component_order(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs`` grouped by connected component of the candidate graph (then
    by index), so that the pairs of a document mostly fall in one chunk of
    :data:`_JUDGE_CHUNK` and its features are made once."""
    parent: dict[int, int] = {}
    for i, j in pairs:
        parent.setdefault(i, i)
        parent.setdefault(j, j)
        a, b = find_root(parent, i), find_root(parent, j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return sorted(pairs, key=lambda p: (find_root(parent, p[0]), p))


def _judge_task(args: tuple[Document, Document, Config]) -> tuple[list[PairResult], list[ReusedPair]]:
    a, b, config = args
    return _judge_chunk([a, b], [(0, 1)], config)


#: Candidate pairs judged per task.
_JUDGE_CHUNK = 32
#: Features of this many documents are kept from chunk to chunk (pairs come
#: grouped by component, see :func:`_component_order`, so a document's pairs
#: are close together; about 50-100 KB each for a news article).
_FEATURES_KEPT = 256


class _FeatureCache:
    """The text features of the documents judged last (a bounded LRU by index)."""

    def __init__(self, docs: Sequence[Document], size: int = _FEATURES_KEPT) -> None:
        self.docs = docs
        self._kept = Lru(size)

    def __call__(self, k: int) -> TextFeatures:
        f = self._kept.hit(k)
        return f if f is not None else self._kept.keep(k, text_features(self.docs[k].text))


def _judge_chunk(docs: Sequence[Document], pairs: Sequence[tuple[int, int]], config: Config,
                 features: _FeatureCache | None = None,
                 judgements: JudgementCache | None = None) -> tuple[list[PairResult], list[ReusedPair]]:
    """:func:`judge_pair` of index pairs of ``docs``, each document featurised
    once while it stays in ``features`` and each pair of texts aligned once
    while it stays in ``judgements`` (default: caches for this chunk); pairs
    unrelated in both directions are left out. Also the pairs with no
    related verdict that share copied passages (:func:`reuse_of`)."""
    f = features if features is not None else _FeatureCache(docs)
    judged = judgements if judgements is not None else JudgementCache()
    out, reuse = [], []
    for i, j in pairs:
        a, b, fa, fb = docs[i], docs[j], f(i), f(j)
        r = judge_features(a, b, fa, fb, config, drop_unrelated=True, judgements=judged)
        if r is not None:
            out.append(r)
        u = reuse_of(a, b, fa, fb, r, judged, config)
        if u is not None:
            reuse.append(u)
    return out, reuse


def _judge_chunk_task(pairs: list[tuple[int, int]]) -> tuple[list[PairResult], list[ReusedPair]]:
    if "features" not in _WORKER:
        _WORKER["features"] = _FeatureCache(_WORKER["docs"])
        _WORKER["judgements"] = JudgementCache()
        # this process only judges from now on (a pool of scan's own): fewer
        # collections for good (see dedup.collect)
        gc.set_threshold(*collect.raised(gc.get_threshold()))
    return _judge_chunk(_WORKER["docs"], pairs, _WORKER["config"], _WORKER["features"], _WORKER["judgements"])


def scan(paths: str | Path | Sequence[str | Path], *, config: Config | None = None, workers: int | None = None,
         progress: bool = False, candidates: str | Path | None = None,
         checkpoint: str | Path | None = None) -> ScanResult:
    """Find copies, rewrites and spun rewrites among the documents under ``paths``.

    Args:
        paths: Files or directories (txt, html, jsonl, warc). Document ids are
            paths relative to the scanned directory.
        config: Settings (default :class:`~dedup.config.Config`).
        workers: Processes for sketching and alignment (default: all cores;
            1 = in-process).
        progress: Print progress to stderr.
        candidates: Judge the pairs of this ``candidates.jsonl`` (written by
            :meth:`CandidateScan.write` from the same inputs) instead of
            generating candidates: the alignment stage restarts from the
            candidate stage's output (to judge again with other settings, or
            to judge pairs chosen by hand).
        checkpoint: A directory where the candidate pairs and the judged
            pairs are saved as they are made (:mod:`dedup.checkpoint`); the
            same scan run again (same inputs, candidates, settings and dedup
            version) resumes from it instead of generating the candidates and
            judging those pairs again. Remove it when done.

    Returns:
        A :class:`ScanResult`.

    Raises:
        ValueError: ``candidates`` cannot be read, or names documents that
            are not among those read.
    """
    cfg = config or Config()
    n_workers = _resolve_workers(workers)
    cs = scan_candidates(paths, config=cfg, workers=n_workers, progress=progress, candidates=candidates,
                         checkpoint=checkpoint)
    docs, cands, errors = cs.documents, cs.candidates, cs.errors
    codes = _component_order([(c.i, c.j) for c in cands])
    chunks = [codes[k:k + _JUDGE_CHUNK] for k in range(0, len(codes), _JUDGE_CHUNK)]
    saved = None
    if checkpoint is not None:
        from dedup import __version__
        from dedup.checkpoint import Checkpoint, scan_key
        saved = Checkpoint(checkpoint, scan_key(__version__, cfg, _ids(docs), chunks))
    done = saved.done if saved is not None else {}
    todo = [k for k in range(len(chunks)) if k not in done]
    meter = _Meter(len(codes), "aligned", "candidate pairs") if progress else None
    ctx = _pool_context()
    results_list: list[PairResult] = []
    reuse: list[ReusedPair] = []

    def keep(part: tuple[list[PairResult], list[ReusedPair]], k: int | None, n: int) -> None:
        results_list.extend(part[0])
        reuse.extend(part[1])
        if saved is not None and k is not None:
            saved.save(k, part)
        if meter and k is None:
            meter.skip(n)
        elif meter:
            meter.advance(n)

    for k in sorted(done):
        keep(done[k], None, len(chunks[k]))
    if progress and done:
        print(f"resumed from {checkpoint}: {sum(len(chunks[k]) for k in done)} candidate pairs judged before",
              file=sys.stderr)
    try:
        if n_workers > 1 and len(todo) > 0 and len(cands) > 1 and ctx is not None \
                and ctx.get_start_method() == "fork":
            # workers inherit the documents; tasks are index pairs, in candidate
            # order, so a document's features are made once per chunk
            with WorkerPool(n_workers, context=ctx, initializer=functools.partial(
                    _init_worker, docs=docs, config=cfg)) as pool:
                for k, part in zip(todo, pool.map(_judge_chunk_task, [chunks[k] for k in todo])):
                    keep(part, k, len(chunks[k]))
        elif n_workers > 1 and len(todo) > 0 and len(cands) > 1:
            with WorkerPool(n_workers, initializer=_init_worker) as pool:
                for k in todo:
                    parts = list(pool.map(_judge_task, [(docs[i], docs[j], cfg) for i, j in chunks[k]]))
                    keep(([r for p in parts for r in p[0]], [u for p in parts for u in p[1]]), k, len(chunks[k]))
        else:
            features, judgements = _FeatureCache(docs), JudgementCache()
            with collect.fewer_collections():
                for k in todo:
                    keep(_judge_chunk(docs, chunks[k], cfg, features, judgements), k, len(chunks[k]))
    finally:
        if saved is not None:
            saved.close()
    if meter:
        meter.done()
    pairs = sorted((r for r in results_list if r.verdict != "unrelated"), key=lambda p: (p.source, p.suspect))
    clusters = cluster(pairs, tuple(RELATED_VERDICTS))
    reuse.sort(key=lambda r: (r.source, r.suspect))
    return ScanResult(pairs, clusters, errors, documents=len(docs), candidates=len(cands), reuse=reuse)
