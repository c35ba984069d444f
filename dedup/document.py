"""Core records passed between pipeline stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Document:
    """One input document.

    Args:
        id: Stable identifier. For files found by a directory walk this is the
            path relative to the scanned root (``a/b.txt``); records inside a
            container file get a suffix (``feed.jsonl#12``, ``crawl.warc.gz#3``).
        text: The decoded text. Offsets reported anywhere in dedup index this
            exact string.
        meta: Free-form metadata (``url``, ``date``, ``path``, ``format``...).
    """

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadError:
    """A file or record that could not be turned into a :class:`Document`.

    Args:
        path: Path of the file, relative to the scanned root when there is one.
        reason: One line a user understands ("empty file", "not valid UTF-8 at
            byte 17", ...).
        record: For container formats, which record (``line 3``), else None.
    """

    path: str
    reason: str
    record: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason, "record": self.record}
