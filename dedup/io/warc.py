"""WARC reader (.warc, .warc.gz): HTML response records, via the optional warcio."""
from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Any, Iterator

from dedup.document import Document, ReadError
from dedup.io.common import Rejected, os_reason
from dedup.io.config import ReaderConfig
from dedup.io.html import html_document

NEEDS_WARCIO = "reading WARC files needs warcio: pip install 'dedup-spin[warc]'"
_HTML_TYPES = frozenset(("text/html", "application/xhtml+xml"))
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def _charset(content_type: str, payload: bytes) -> str:
    """Charset from the HTTP header, else a <meta> in the first 4 KiB, else utf-8."""
    match = _CHARSET.search(content_type)
    if match:
        return match.group(1)
    meta = _META_CHARSET.search(payload[:4096])
    return meta.group(1).decode("ascii") if meta else "utf-8"


def decode_payload(payload: bytes, content_type: str) -> str:
    """Decode an HTML payload strictly with its declared charset.

    Args:
        payload: The HTTP body (transfer and content encodings already removed).
        content_type: The HTTP Content-Type header value.

    Returns:
        The decoded HTML.

    Raises:
        Rejected: unknown charset, or bytes invalid in the charset.
    """
    charset = _charset(content_type, payload)
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        raise Rejected(f"unknown charset {charset!r}") from None
    try:
        return payload.decode(codec.name)
    except UnicodeDecodeError as e:
        name = "UTF-8" if codec.name == "utf-8" else charset
        raise Rejected(f"not valid {name} at byte {e.start} of the HTTP body") from None


def _structure_problem(record: Any) -> str | None:
    """Why a parsed record is not a sound WARC record, else None.

    warcio parses any line of five words as an ARC header, and a WARC header
    block without fields as a record, so garbage can come back as "records".
    """
    if getattr(record, "format", "warc") != "warc":
        return "not a WARC record (unrecognised header)"
    if not record.rec_type:
        return "record has no WARC-Type header"
    return None


def _html_response(record: Any) -> tuple[str, str] | None:
    """(status, content type) of a 2xx HTML response record, else None."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    content_type = record.http_headers.get_header("Content-Type") or ""
    if not status.startswith("2") or content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    return status, content_type


def read_warc(path: Path, doc_id: str, display: str, config: ReaderConfig) -> Iterator[Document | ReadError]:
    """Read the HTML pages of a WARC file.

    Every 2xx ``response`` record whose Content-Type is HTML becomes a Document
    with id ``<doc_id>#<record number>`` (1-based, counting every record in the
    file, warcinfo and requests included) and the page's extracted main text.
    Other records (requests, metadata, images, redirects) are not documents
    and are passed over.

    Args:
        path: File to read.
        doc_id: Id of the file (path relative to the scanned root).
        display: Path used in a :class:`ReadError`.
        config: Reader settings (``max_bytes`` limits each record payload; the file is streamed).

    Returns:
        An iterator of Documents and ReadErrors (``record="record N"`` for a bad
        record). Without warcio installed, a single ReadError saying how to
        install it.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield ReadError(display, NEEDS_WARCIO)
        return
    try:
        fh = path.open("rb")
    except OSError as e:
        yield ReadError(display, os_reason(e))
        return
    with fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                raise Rejected("empty file")  # no size limit: records are read one by one, each limited
        except Rejected as e:
            yield ReadError(display, str(e))
            return
        number = 0
        records = ArchiveIterator(fh)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as e:  # warcio raises many types on corrupt input
                reason = " ".join(str(e).split()) or type(e).__name__
                yield ReadError(display, f"corrupt WARC: {reason}", f"record {number + 1}")
                return
            number += 1
            problem = _structure_problem(record)
            if problem:
                yield ReadError(display, f"corrupt WARC: {problem}", f"record {number}")
                return
            kind = _html_response(record)
            if kind is None:
                continue
            status, content_type = kind
            rec = record.rec_headers
            meta = {"path": str(path), "format": "warc", "record": number}
            for name, header in (("url", "WARC-Target-URI"), ("date", "WARC-Date")):
                value = rec.get_header(header)
                if value:
                    meta[name] = value
            meta["status"] = int(status[:3]) if status[:3].isdigit() else status
            try:
                try:
                    stream = record.content_stream()
                    # warcio's read(-1) returns nothing: no argument reads it all
                    payload = stream.read() if config.max_bytes is None else stream.read(config.max_bytes + 1)
                except Exception as e:
                    raise Rejected(f"cannot read record payload: {' '.join(str(e).split())}") from None
                if config.max_bytes is not None and len(payload) > config.max_bytes:
                    raise Rejected(f"record too large: over {config.max_bytes} bytes (max_bytes={config.max_bytes})")
                if getattr(record.raw_stream, "limit", 0) > 0:  # stream ended before Content-Length
                    raise Rejected("corrupt WARC: record truncated")
                if not payload.strip():
                    raise Rejected("empty HTTP body")
                doc = html_document(f"{doc_id}#{number}", decode_payload(payload, content_type), meta)
            except Rejected as e:
                yield ReadError(display, str(e), f"record {number}")
                continue
            yield doc
