"""JSONL reader (.jsonl, .ndjson): one JSON object per line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from dedup.document import Document, ReadError
from dedup.io.common import Rejected, looks_binary, read_bytes
from dedup.io.config import ReaderConfig

_BOM = "\ufeff"


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _scalar(value: Any) -> str | None:
    """A metadata or id value as a non-empty string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def parse_record(line: str, config: ReaderConfig) -> tuple[str, dict[str, Any]]:
    """Parse one JSONL line.

    Args:
        line: The decoded line (without its newline).
        config: Field names (``text_key``, ``id_key``, ``url_key``, ``date_key``).

    Returns:
        ``(text, fields)`` where fields holds ``id``, ``url``, ``date`` when present.

    Raises:
        Rejected: invalid JSON, not an object, or a missing, non-string or empty text field.
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        msg = e.msg.removesuffix(" at").removesuffix(" starting")
        raise Rejected(f"invalid JSON at column {e.colno}: {msg[:1].lower()}{msg[1:]}") from None
    except RecursionError:
        raise Rejected("invalid JSON: nested too deeply") from None
    if not isinstance(obj, dict):
        raise Rejected(f"not a JSON object (got {_type_name(obj)})")
    key = config.text_key
    if key not in obj:
        raise Rejected(f"missing {key!r} field")
    text = obj[key]
    if not isinstance(text, str):
        raise Rejected(f"{key!r} field is not a string (got {_type_name(text)})")
    if not text.strip():
        raise Rejected(f"empty {key!r} field")
    fields: dict[str, Any] = {}
    for name, field_key in (("id", config.id_key), ("url", config.url_key), ("date", config.date_key)):
        value = _scalar(obj.get(field_key))
        if value is not None:
            fields[name] = value
    return text, fields


def read_jsonl(path: Path, doc_id: str, display: str, config: ReaderConfig) -> Iterator[Document | ReadError]:
    """Read a JSONL file: one Document per good line, one ReadError per bad line.

    Blank lines are skipped. A record's id is ``<doc_id>#<id field>`` when the
    record has an id, else ``<doc_id>#<line number>`` (1-based). A repeated id
    id within the file is an error for the later line, so ids stay unique.
    The record's text is the text field exactly as stored.

    Args:
        path: File to read.
        doc_id: Id of the file (path relative to the scanned root).
        display: Path used in a :class:`ReadError`.
        config: Field names and ``max_bytes``.

    Returns:
        An iterator of Documents and ReadErrors (``record="line N"`` for bad
        lines; ``record=None`` when the whole file is unusable).
    """
    try:
        data = read_bytes(path, config.max_bytes)
        if not data.strip():
            raise Rejected("file contains only whitespace")
        if looks_binary(data):
            raise Rejected("binary file (mostly non-text bytes)")
    except Rejected as e:
        yield ReadError(display, str(e))
        return
    seen: dict[str, int] = {}
    offset = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        start, offset = offset, offset + len(raw) + 1
        if not raw.strip():
            continue
        record = f"line {number}"
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Rejected(f"not valid UTF-8 at byte {start + e.start}") from None
            if number == 1 and line.startswith(_BOM):
                line = line[1:]
            text, fields = parse_record(line, config)
            suffix = fields.pop("id", None) or str(number)
            if suffix in seen:
                raise Rejected(f"duplicate id {suffix!r} (first on line {seen[suffix]})")
            seen[suffix] = number
        except Rejected as e:
            yield ReadError(display, str(e), record)
            continue
        meta = {"path": str(path), "format": "jsonl", "line": number, **fields}
        yield Document(f"{doc_id}#{suffix}", text, meta)
