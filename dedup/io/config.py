"""Reader configuration."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReaderConfig:
    """How files are found and read.

    Args:
        text_key: JSONL field holding the text.
        id_key: JSONL field holding a document id (optional in the data).
        url_key: JSONL field holding the URL (optional).
        date_key: JSONL field holding the date (optional).
    """

    text_key: str = "text"
    id_key: str = "id"
    url_key: str = "url"
    date_key: str = "date"
