"""Plain-text reader and the shared byte/decoding checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from dedup.document import Document, ReadError
from dedup.io import ReaderConfig
from dedup.io.common import Rejected, decode_utf8, looks_binary
from dedup.io.txt import read_txt


def _read(path: Path, config: ReaderConfig | None = None) -> list[Document | ReadError]:
    return list(read_txt(path, path.name, path.name, config or ReaderConfig()))


def test_text_is_exact_bytes_decoded(tmp_path: Path) -> None:
    raw = "\ufeffLine one\r\nLine two\rthree\n\n  indented  \n".encode("utf-8")
    f = tmp_path / "a.txt"
    f.write_bytes(raw)
    [doc] = _read(f)
    assert doc == Document("a.txt", raw.decode("utf-8"), {"path": str(f), "format": "txt"})
    assert doc.text.encode("utf-8") == raw


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "file contains only whitespace"),
        (b"abc\x00def", "binary file (contains NUL bytes)"),
        (bytes(range(128, 256)) * 4, "binary file (mostly non-text bytes)"),
        (b"\x01\x02\x03\x04 some text here " * 4, "binary file (mostly non-text bytes)"),
        (b"ok caf\xe9", "not valid UTF-8 at byte 6"),
        ("\u00e9\u00e9".encode() + b"\xff", "not valid UTF-8 at byte 4"),
    ],
)
def test_bad_text(tmp_path: Path, data: bytes, reason: str) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(data)
    assert _read(f) == [ReadError("x.txt", reason)]


def test_max_bytes(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 20)
    assert _read(f, ReaderConfig(max_bytes=10)) == [ReadError("big.txt", "file too large: 20 bytes (max_bytes=10)")]
    assert _read(f, ReaderConfig(max_bytes=20))[0].text == "x" * 20  # type: ignore[union-attr]
    assert _read(f, ReaderConfig(max_bytes=None))[0].text == "x" * 20  # type: ignore[union-attr]


def test_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "dir.txt"
    f.mkdir()  # opening a directory fails with an OSError, even as root
    [err] = _read(f)
    assert isinstance(err, ReadError)
    assert err.reason == "cannot read file: Is a directory"


def test_decode_reports_file_offset() -> None:
    with pytest.raises(Rejected, match="^not valid UTF-8 at byte 102$"):
        decode_utf8(b"ab\xff", offset=100)


def test_latin1_prose_is_not_binary() -> None:
    assert not looks_binary("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade.".encode("latin-1"))


def test_a_few_stray_nul_bytes_in_long_text_are_kept(tmp_path: Path) -> None:
    body = ("A line of ordinary prose that goes on for a while. " * 200).encode()
    raw = body[:4000] + b"\x00" + body[4000:]
    f = tmp_path / "damaged.txt"
    f.write_bytes(raw)
    [doc] = _read(f)
    assert doc.text == raw.decode("utf-8")
