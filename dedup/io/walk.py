"""Directory walk (placeholder until the io stage lands)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from dedup.document import Document, ReadError
from dedup.io.config import ReaderConfig


def iter_inputs(paths: Iterable[str | Path], config: ReaderConfig | None = None) -> Iterator[Document | ReadError]:
    """Yield a Document or ReadError for every input file (txt only for now)."""
    for p in paths:
        root = Path(p)
        files = sorted(f for f in root.rglob("*") if f.is_file()) if root.is_dir() else [root]
        for f in files:
            rel = f.relative_to(root).as_posix() if root.is_dir() else f.name
            try:
                text = f.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as e:
                yield ReadError(rel, str(e))
                continue
            yield Document(rel, text, {"path": str(f)})
