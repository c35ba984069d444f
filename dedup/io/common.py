"""Shared checks for every reader: size, readability, binary data, decoding."""
from __future__ import annotations

import os
from pathlib import Path

# Control characters that do not occur in text (tab, LF, VT, FF, CR, ESC, BS are allowed).
_TEXT_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1b\x08")
_SAMPLE = 8192
_BINARY_RATIO = 0.3
_CONTROL_RATIO = 0.1
_MIN_SAMPLE = 32  # below this, ratios mean little: report the decoding error instead
# Text files damaged by a few stray NUL bytes (seen in PAN corpora) stay text:
# NULs mark a file as binary when they are 1% of its bytes or more, or when the
# file is too short for a ratio to mean anything.
_NUL_RATIO = 0.01


class Rejected(Exception):
    """An input that cannot become a document; ``str(exc)`` is the one-line reason."""


def read_bytes(path: Path, max_bytes: int | None) -> bytes:
    """Read a whole file, enforcing the size limit.

    Args:
        path: File to read.
        max_bytes: Largest accepted size in bytes, or None for no limit.

    Returns:
        The file's bytes (never empty).

    Raises:
        Rejected: unreadable, too large, empty, or binary (NUL bytes, more
            than 1% of the bytes; a few stray NULs in a text file are kept).
    """
    try:
        with path.open("rb") as fh:
            check_size(os.fstat(fh.fileno()).st_size, max_bytes)
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except OSError as e:
        raise Rejected(os_reason(e, "file")) from None
    check_size(len(data), max_bytes)
    if not data:
        raise Rejected("empty file")
    if b"\x00" in data and (len(data) < _MIN_SAMPLE or data.count(b"\x00") >= len(data) * _NUL_RATIO):
        raise Rejected("binary file (contains NUL bytes)")
    return data


def check_size(size: int, max_bytes: int | None, what: str = "file") -> None:
    """Raise :class:`Rejected` when ``size`` exceeds ``max_bytes``.

    Args:
        size: Size in bytes.
        max_bytes: Limit, or None for no limit.
        what: Noun used in the reason ("file", "record").
    """
    if max_bytes is not None and size > max_bytes:
        raise Rejected(f"{what} too large: {size} bytes (max_bytes={max_bytes})")


def os_reason(err: OSError, what: str = "file") -> str:
    """One-line reason for an OS error ("cannot read file: Permission denied")."""
    detail = err.strerror or err.__class__.__name__
    return f"cannot read {what}: {detail}"


def looks_binary(data: bytes) -> bool:
    """Whether undecodable bytes are binary data rather than mis-encoded text.

    Args:
        data: Raw bytes (only the first 8 KiB are inspected).

    Returns:
        True when at least 30% of the sample is invalid UTF-8 or control bytes
        (never for samples under 32 characters).
    """
    sample = data[:_SAMPLE].decode("utf-8", "replace")
    if len(sample) < _MIN_SAMPLE:
        return False
    bad = sum(1 for c in sample if c == "\ufffd" or _is_control(c))
    return bad / len(sample) >= _BINARY_RATIO


def _is_control(c: str) -> bool:
    return (c < " " and c not in _TEXT_CONTROLS) or c == "\x7f"


def decode_utf8(data: bytes, offset: int = 0) -> str:
    """Decode strict UTF-8 without newline translation.

    Args:
        data: Raw bytes.
        offset: Byte offset of ``data`` in its file, added to reported positions.

    Returns:
        The decoded text, character for character (a BOM is kept as U+FEFF).

    Raises:
        Rejected: "binary file (mostly non-text bytes)" or
            "not valid UTF-8 at byte N" (N is 0-based, counted in the file).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if looks_binary(data):
            raise Rejected("binary file (mostly non-text bytes)") from None
        raise Rejected(f"not valid UTF-8 at byte {offset + e.start}") from None
    sample = text[:_SAMPLE]
    if len(sample) >= _MIN_SAMPLE and sum(map(_is_control, sample)) / len(sample) >= _CONTROL_RATIO:
        raise Rejected("binary file (mostly non-text bytes)")
    return text


def read_text(path: Path, max_bytes: int | None) -> str:
    """Read a text file: :func:`read_bytes`, then :func:`decode_utf8`.

    Args:
        path: File to read.
        max_bytes: Size limit, or None.

    Returns:
        The decoded text, unaltered.

    Raises:
        Rejected: any reason from the two steps, or "file contains only whitespace".
    """
    text = decode_utf8(read_bytes(path, max_bytes))
    if not text.strip():
        raise Rejected("file contains only whitespace")
    return text
