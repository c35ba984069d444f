"""Reader configuration."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ReaderConfig:
    """How files are found and read.

    Args:
        text_key: JSONL field holding the text.
        id_key: JSONL field holding a document id (optional in the data).
        url_key: JSONL field holding the URL (optional).
        date_key: JSONL field holding the date (optional).
        max_bytes: Largest document accepted, in bytes; a bigger one becomes
            a :class:`~dedup.document.ReadError`. For a text or HTML file
            that is the file; in a JSONL file each line, in a WARC file each
            record payload (those containers are read as streams, so a
            crawl dump of any size is read record by record). ``None``
            disables the limit.
        skip_hidden: Skip files and directories whose name starts with ``.``
            (``.git``, ``.DS_Store``) during a directory walk. Paths given
            explicitly are always read.
    """

    text_key: str = "text"
    id_key: str = "id"
    url_key: str = "url"
    date_key: str = "date"
    max_bytes: int | None = DEFAULT_MAX_BYTES
    skip_hidden: bool = True
