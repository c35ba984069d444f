"""Plain-text reader (.txt, .text, .md)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from dedup.document import Document, ReadError
from dedup.io.common import Rejected, read_text
from dedup.io.config import ReaderConfig


def read_txt(path: Path, doc_id: str, display: str, config: ReaderConfig) -> Iterator[Document | ReadError]:
    """Read one plain-text file as one document.

    The text is the file decoded as strict UTF-8, with no newline translation
    and no stripping, so offsets index the file's decoded text exactly.

    Args:
        path: File to read.
        doc_id: Id for the document (path relative to the scanned root).
        display: Path used in a :class:`ReadError`.
        config: Reader settings (``max_bytes``).

    Returns:
        An iterator yielding exactly one Document or one ReadError.
    """
    try:
        text = read_text(path, config.max_bytes)
    except Rejected as e:
        yield ReadError(display, str(e))
        return
    yield Document(doc_id, text, {"path": str(path), "format": "txt"})
