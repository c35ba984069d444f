"""A scan's candidate pairs and judged pairs on disk, so a stopped scan resumes.

Judging is the long stage of ``dedup scan`` (an hour for a million news
articles on two cores). With a checkpoint directory, every chunk of judged
candidate pairs is appended to ``judged.jsonl`` as it finishes (one JSON
line per chunk, flushed at once, so a killed scan loses nothing written;
synced to disk at most every :data:`SYNC_EVERY` seconds and on close, so a
machine that goes down loses at most those seconds); a scan run again with the same inputs,
candidates, settings and dedup version skips the chunks found there. The
directory's ``manifest.json`` holds a digest of those four things: anything
else starts the checkpoint afresh. JSON only (no pickles): the lines are
``PairResult`` and ``ReusedPair`` dicts.

The candidate pairs are saved there too, once made (``candidates.jsonl``, as
``dedup scan --stage candidates`` writes it, and ``candidates.key``): a rerun
on the same documents with the same candidate settings and dedup version
reads them instead of sketching the corpus again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import xxhash

from dedup.compare import Comparison
from dedup.judge import PairResult
from dedup.reuse import ReusedPair

_MANIFEST = "manifest.json"
_JUDGED = "judged.jsonl"
_CANDIDATES = "candidates.jsonl"
#: Seconds between syncs of ``judged.jsonl`` to disk.
SYNC_EVERY = 1.0
_CANDIDATES_KEY = "candidates.key"

Chunk = tuple[list[PairResult], list[ReusedPair]]


def _canonical(x: Any) -> Any:
    """``x`` as JSON-ready values that do not depend on the process: sets
    sorted (their order, and so their ``repr``, follows the string hash
    seed), dataclasses as their fields."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return [type(x).__name__, {f.name: _canonical(getattr(x, f.name)) for f in dataclasses.fields(x)}]
    if isinstance(x, (set, frozenset)):
        return sorted((_canonical(v) for v in x), key=repr)
    if isinstance(x, (list, tuple)):
        return [_canonical(v) for v in x]
    if isinstance(x, dict):
        return sorted(([_canonical(k), _canonical(v)] for k, v in x.items()), key=repr)
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    return repr(x)


def scan_key(version: str, config: Any, ids: Sequence[str], pairs: Iterable[Sequence[tuple[int, int]]]) -> str:
    """Digest of what a scan's judging depends on.

    Args:
        version: dedup's version.
        config: The scan's :class:`~dedup.config.Config`.
        ids: Document ids, in order.
        pairs: The chunks of index pairs to judge, in order.

    Returns:
        A hex digest, the same in every process for the same arguments.
    """
    h = hashlib.sha256()
    h.update(json.dumps([version, _canonical(config)]).encode("utf-8"))
    for d in ids:
        h.update(d.encode("utf-8", "surrogatepass") + b"\0")
    for chunk in pairs:
        h.update(json.dumps(chunk).encode("ascii") + b"\n")
    return h.hexdigest()


def documents_key(version: str, config: Any, docs: Sequence[Any]) -> str:
    """Digest of what a scan's candidate stage depends on.

    Args:
        version: dedup's version.
        config: The scan's candidate settings
            (:class:`~dedup.config.CandidateConfig`).
        docs: The documents read (ids and texts), in order; a
            :class:`~dedup.store.DocumentStore` is hashed from its UTF-8
            bytes without decoding.

    Returns:
        A hex digest, the same in every process for the same arguments.
    """
    h = xxhash.xxh3_128()
    h.update(json.dumps([version, _canonical(config)]).encode("utf-8"))
    utf8 = getattr(docs, "utf8", None)
    for k, d in enumerate(docs.ids() if hasattr(docs, "ids") else [d.id for d in docs]):
        body = utf8(k) if utf8 is not None else docs[k].text.encode("utf-8", "surrogatepass")
        h.update(d.encode("utf-8", "surrogatepass") + b"\0" + len(body).to_bytes(8, "little"))
        h.update(body)
    return h.hexdigest()


def saved_candidates(directory: str | Path, key: str) -> Path | None:
    """The ``candidates.jsonl`` saved in ``directory`` under ``key``, or None.

    Args:
        directory: The checkpoint directory.
        key: :func:`documents_key` of the scan.
    """
    d = Path(directory)
    try:
        if (d / _CANDIDATES_KEY).read_text(encoding="ascii").strip() == key and (d / _CANDIDATES).is_file():
            return d / _CANDIDATES
    except (OSError, ValueError):
        pass
    return None


def save_candidates(directory: str | Path, key: str, rows: Iterable[dict[str, Any]]) -> Path:
    """Save a scan's candidate pairs (rows as ``candidates.jsonl`` has them).

    The key is written last: a save cut short leaves no key, so it is not read.

    Args:
        directory: The checkpoint directory (created if missing).
        key: :func:`documents_key` of the scan.
        rows: One dict per pair (``a``, ``b``, ``views``, ``score``).

    Returns:
        The file written.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    (d / _CANDIDATES_KEY).unlink(missing_ok=True)
    tmp = d / (_CANDIDATES + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, d / _CANDIDATES)
    tmp = d / (_CANDIDATES_KEY + ".tmp")
    tmp.write_text(key + "\n", encoding="ascii")
    os.replace(tmp, d / _CANDIDATES_KEY)
    return d / _CANDIDATES


def _pair_record(p: PairResult) -> dict[str, Any]:
    return {"source": p.source, "suspect": p.suspect, "verdict": p.verdict, "comparison": p.comparison.to_dict()}


def _pair_from_record(d: dict[str, Any]) -> PairResult:
    return PairResult(d["source"], d["suspect"], d["verdict"], Comparison.from_dict(d["comparison"]))


class Checkpoint:
    """The judged chunks of one scan in a directory.

    Args:
        directory: Where to keep them (created if missing).
        key: :func:`scan_key` of the scan. A directory holding another key is
            emptied of its checkpoint files.
    """

    def __init__(self, directory: str | Path, key: str) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.key = key
        self.done: dict[int, Chunk] = {}
        manifest = self.dir / _MANIFEST
        try:
            same = json.loads(manifest.read_text(encoding="utf-8")).get("key") == key
        except (OSError, ValueError, AttributeError):
            same = False
        if same:
            self.done = self._read()
        else:
            (self.dir / _JUDGED).unlink(missing_ok=True)
            tmp = manifest.with_suffix(".tmp")
            tmp.write_text(json.dumps({"key": key}) + "\n", encoding="utf-8")
            os.replace(tmp, manifest)
        self._out = open(self.dir / _JUDGED, "a", encoding="utf-8")
        self._synced = time.monotonic()

    def _read(self) -> dict[int, Chunk]:
        """The chunks saved so far; a line cut short when the scan stopped
        (and anything after it) is dropped from the file and judged again."""
        done: dict[int, Chunk] = {}
        path = self.dir / _JUDGED
        good = 0
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            return done
        with f:
            for line in f:
                try:
                    if not line.endswith(b"\n"):
                        raise ValueError("unfinished line")
                    row = json.loads(line)
                    done[int(row["chunk"])] = ([_pair_from_record(p) for p in row["pairs"]],
                                               [ReusedPair.from_dict(r) for r in row["reuse"]])
                except (ValueError, KeyError, TypeError):
                    break
                good += len(line)
        os.truncate(path, good)
        return done

    def save(self, chunk: int, result: Chunk) -> None:
        """Append one judged chunk (see the module's note on syncing).

        Args:
            chunk: Its index.
            result: Its related pairs and reused-passage pairs.
        """
        pairs, reuse = result
        self._out.write(json.dumps({"chunk": chunk, "pairs": [_pair_record(p) for p in pairs],
                                    "reuse": [r.to_dict() for r in reuse]}) + "\n")
        self._out.flush()
        now = time.monotonic()
        if now - self._synced >= SYNC_EVERY:
            os.fsync(self._out.fileno())
            self._synced = now

    def close(self) -> None:
        """Sync and close the file (the checkpoint stays on disk)."""
        if not self._out.closed:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
