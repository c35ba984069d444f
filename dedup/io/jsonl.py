"""JSONL reader (.jsonl, .ndjson): one JSON object per line."""
from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from dedup.document import Document, ReadError
from dedup.io.common import _NUL_RATIO, Rejected, check_size, looks_binary, os_reason, read_bytes
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
        lines = _lines(path, config)
        first = next(lines, (1, 0, b""))
    except Rejected as e:
        yield ReadError(display, str(e))
        return
    seen: dict[str, int] = {}
    content = False
    for number, start, raw in itertools.chain([first], lines):
        if not raw.strip():
            continue
        content = True
        record = f"line {number}"
        try:
            check_size(len(raw), config.max_bytes, "line")
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
    if not content:  # only reached when streaming (a small file is checked up front)
        yield ReadError(display, "file contains only whitespace")


#: Files larger than this are read line by line (a 3 GB crawl file is never
#: held whole, nor split into a list of lines); smaller ones are read at once.
STREAM_BYTES = 64 << 20


#: Bytes of a streamed file checked for binary content before reading it.
_HEAD_BYTES = 1 << 20


def _lines(path: Path, config: ReaderConfig) -> Iterator[tuple[int, int, bytes]]:
    """``(line number, byte offset, raw line without its newline)`` of a JSONL file.

    Raises:
        Rejected: (on the first ``next``) unreadable, too large, empty,
            whitespace only (small files) or binary.
    """
    try:
        size = path.stat().st_size
    except OSError as e:
        raise Rejected(os_reason(e, "file")) from None
    if size <= STREAM_BYTES:
        data = read_bytes(path, None)  # the size limit is per line (see ReaderConfig.max_bytes)
        if not data.strip():
            raise Rejected("file contains only whitespace")
        if looks_binary(data):
            raise Rejected("binary file (mostly non-text bytes)")
        return _split_lines(data)
    try:
        fh = path.open("rb")
        head = fh.read(_HEAD_BYTES)
    except OSError as e:
        raise Rejected(os_reason(e, "file")) from None
    if b"\x00" in head and head.count(b"\x00") >= len(head) * _NUL_RATIO:
        fh.close()
        raise Rejected("binary file (contains NUL bytes)")
    if looks_binary(head):
        fh.close()
        raise Rejected("binary file (mostly non-text bytes)")
    fh.seek(0)
    return _stream_lines(fh)


def _split_lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    offset = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        yield number, offset, raw
        offset += len(raw) + 1


def _stream_lines(fh: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    with fh:
        offset = 0
        for number, raw in enumerate(fh, start=1):
            yield number, offset, raw[:-1] if raw.endswith(b"\n") else raw
            offset += len(raw)
