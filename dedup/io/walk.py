"""Input discovery: walk directories, dispatch each file to its format's reader."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable, Iterable, Iterator

from dedup.document import Document, ReadError
from dedup.io.common import os_reason
from dedup.io.config import ReaderConfig
from dedup.io.html import read_html
from dedup.io.jsonl import read_jsonl
from dedup.io.txt import read_txt
from dedup.io.warc import read_warc

Reader = Callable[[Path, str, str, ReaderConfig], Iterator["Document | ReadError"]]

# Checked in order, so ".warc.gz" wins over any shorter suffix.
FORMATS: tuple[tuple[str, Reader], ...] = (
    (".txt", read_txt),
    (".text", read_txt),
    (".md", read_txt),
    (".html", read_html),
    (".htm", read_html),
    (".jsonl", read_jsonl),
    (".ndjson", read_jsonl),
    (".warc", read_warc),
    (".warc.gz", read_warc),
)
SUPPORTED = ", ".join(ext for ext, _ in FORMATS)


def reader_for(name: str) -> Reader | None:
    """The reader for a file name, by extension (case-insensitive).

    Args:
        name: File name or path.

    Returns:
        The reader function, or None for an unsupported extension.
    """
    lower = name.lower()
    for ext, reader in sorted(FORMATS, key=lambda f: -len(f[0])):
        if lower.endswith(ext):
            return reader
    return None


def unsupported_reason(name: str) -> str:
    """One-line reason for a file whose extension no reader handles.

    Args:
        name: File name or path.

    Returns:
        E.g. ``unsupported file type '.pdf' (supported: .txt, .text, ...)``.
    """
    suffix = Path(name).suffix
    kind = f"{suffix!r}" if suffix else "(no extension)"
    return f"unsupported file type {kind} (supported: {SUPPORTED})"


def walk_files(root: Path, skip_hidden: bool = True) -> Iterator[tuple[Path, str] | ReadError]:
    """List the files under a directory, recursively, in sorted order.

    Entries are visited depth first, sorted by name within each directory.
    Symbolic links are followed; a directory reached twice (a link loop) is
    reported instead of walked again.

    Args:
        root: Directory to walk.
        skip_hidden: Leave out entries whose name starts with ``.``.

    Returns:
        An iterator of ``(path, relative POSIX path)`` for regular files, and
        ReadErrors for unreadable directories, broken links, loops and special
        files (paths relative to ``root``).
    """
    visited: set[tuple[int, int]] = set()

    def walk(directory: Path, rel: str) -> Iterator[tuple[Path, str] | ReadError]:
        shown = rel or "."
        try:
            st = directory.stat()
            key = (st.st_dev, st.st_ino)
            if key in visited:
                yield ReadError(shown, "directory already visited (symbolic link loop)")
                return
            visited.add(key)
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield ReadError(shown, os_reason(e, "directory"))
            return
        for entry in entries:
            if skip_hidden and entry.name.startswith("."):
                continue
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            child = directory / entry.name
            try:
                mode = os.stat(child).st_mode
            except OSError as e:
                broken = entry.is_symlink() and not os.path.exists(child)
                yield ReadError(child_rel, "broken symbolic link" if broken else os_reason(e))
                continue
            if stat.S_ISDIR(mode):
                yield from walk(child, child_rel)
            elif stat.S_ISREG(mode):
                yield child, child_rel
            else:
                yield ReadError(child_rel, "not a regular file (device, socket or pipe)")

    yield from walk(root, "")


def iter_inputs(paths: Iterable[str | Path], config: ReaderConfig | None = None) -> Iterator[Document | ReadError]:
    """Yield a Document or ReadError for every input file or record.

    Each path may be a directory (walked recursively, sorted, hidden entries
    skipped) or a single file. Document ids are paths relative to the scanned
    directory (``sub/a.txt``), or the file name for a file argument; records
    inside JSONL/WARC files get a ``#`` suffix. When an id was already used by
    an earlier argument (two directories both holding ``a.txt``), the later
    file's id is prefixed with its argument as given (``other/a.txt``). A file
    met twice (same directory given twice, hard or symbolic links) is read
    once; later sightings are ReadErrors. A ReadError's path is relative to
    the scanned directory, or the path as given for a file argument.

    Args:
        paths: Files and directories to read. A single str or Path is accepted too.
        config: Reader settings; defaults to ``ReaderConfig()``.

    Returns:
        An iterator of Documents and ReadErrors, in input order. Nothing is
        raised for bad input: every problem becomes a ReadError.
    """
    config = config or ReaderConfig()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    used_ids: set[str] = set()
    seen_files: dict[tuple[int, int], str] = {}

    def read_one(file: Path, base_id: str, qualified_id: str, display: str | None) -> Iterator[Document | ReadError]:
        doc_id = base_id if base_id not in used_ids else qualified_id
        shown = display or doc_id
        reader = reader_for(file.name)
        if reader is None:
            yield ReadError(shown, unsupported_reason(file.name))
            return
        try:
            st = file.stat()
        except OSError as e:
            yield ReadError(shown, os_reason(e))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            yield ReadError(shown, f"same file as {seen_files[key]!r}, already read")
            return
        if doc_id in used_ids:
            yield ReadError(shown, f"duplicate document id {doc_id!r}")
            return
        seen_files[key] = doc_id
        used_ids.add(doc_id)
        yield from reader(file, doc_id, shown, config)

    for arg in paths:
        shown = os.fspath(arg)
        if not shown:
            yield ReadError(shown, "empty path")
            continue
        path = Path(shown)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            broken = path.is_symlink()
            yield ReadError(shown, "broken symbolic link" if broken else "no such file or directory")
            continue
        except OSError as e:
            yield ReadError(shown, os_reason(e, "path"))
            continue
        if stat.S_ISDIR(mode):
            prefix = path.as_posix().rstrip("/")
            for item in walk_files(path, config.skip_hidden):
                if isinstance(item, ReadError):
                    yield item
                    continue
                file, rel = item
                yield from read_one(file, rel, f"{prefix}/{rel}", None)
        elif stat.S_ISREG(mode):
            yield from read_one(path, path.name, path.as_posix(), shown)
        else:
            yield ReadError(shown, "not a regular file or directory")
