"""JSONL reader."""
from __future__ import annotations

from pathlib import Path

import pytest

from dedup.document import Document, ReadError
from dedup.io import ReaderConfig
from dedup.io.jsonl import read_jsonl


def _read(tmp_path: Path, data: bytes, config: ReaderConfig | None = None) -> list[Document | ReadError]:
    f = tmp_path / "feed.jsonl"
    f.write_bytes(data)
    return list(read_jsonl(f, "sub/feed.jsonl", "sub/feed.jsonl", config or ReaderConfig()))


def test_good_records_ids_and_meta(tmp_path: Path) -> None:
    data = (
        b'{"id": "x", "text": "  Keep  exact\\r\\ntext ", "url": "https://e.org/x", "date": "2024-05-01"}\n'
        b"\n"
        b"   \n"
        b'{"text": "No id.", "url": null, "extra": [1]}\r\n'
        b'{"id": 12, "text": "Numeric id."}'  # no final newline
    )
    f = tmp_path / "feed.jsonl"
    assert _read(tmp_path, data) == [
        Document("sub/feed.jsonl#x", "  Keep  exact\r\ntext ",
                 {"path": str(f), "format": "jsonl", "line": 1, "url": "https://e.org/x", "date": "2024-05-01"}),
        Document("sub/feed.jsonl#4", "No id.", {"path": str(f), "format": "jsonl", "line": 4}),
        Document("sub/feed.jsonl#12", "Numeric id.", {"path": str(f), "format": "jsonl", "line": 5}),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"text": "unterminated', "invalid JSON at column 10: unterminated string"),
        (b"{'text': 'single quotes'}", "invalid JSON at column 2: expecting property name enclosed in double quotes"),
        (b"[1, 2]", "not a JSON object (got array)"),
        (b'"just a string"', "not a JSON object (got string)"),
        (b"42", "not a JSON object (got number)"),
        (b'{"id": "a"}', "missing 'text' field"),
        (b'{"text": 5}', "'text' field is not a string (got number)"),
        (b'{"text": null}', "'text' field is not a string (got null)"),
        (b'{"text": "  \\n "}', "empty 'text' field"),
        (b'{"text": "caf\xe9"}', "not valid UTF-8 at byte 34"),  # 21 bytes of line 1 + 13
    ],
)
def test_malformed_line_is_an_error_and_others_survive(tmp_path: Path, line: bytes, reason: str) -> None:
    data = b'{"text": "good one"}\n' + line + b'\n{"text": "good two"}\n'
    out = _read(tmp_path, data)
    assert [d.id for d in out if isinstance(d, Document)] == ["sub/feed.jsonl#1", "sub/feed.jsonl#3"]
    assert [e for e in out if isinstance(e, ReadError)] == [ReadError("sub/feed.jsonl", reason, "line 2")]


def test_duplicate_ids(tmp_path: Path) -> None:
    data = b'{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n{"id": "2", "text": "three"}\n'
    out = _read(tmp_path, data)
    assert [x.id if isinstance(x, Document) else x for x in out] == [
        "sub/feed.jsonl#a",
        ReadError("sub/feed.jsonl", "duplicate id 'a' (first on line 1)", "line 2"),
        "sub/feed.jsonl#2",
    ]


def test_configurable_keys(tmp_path: Path) -> None:
    config = ReaderConfig(text_key="body", id_key="doc_id", url_key="link", date_key="published")
    data = b'{"doc_id": "d", "body": "B", "link": "L", "published": "P", "text": "ignored"}\n{"text": "T"}\n'
    f = tmp_path / "feed.jsonl"
    assert _read(tmp_path, data, config) == [
        Document("sub/feed.jsonl#d", "B", {"path": str(f), "format": "jsonl", "line": 1, "url": "L", "date": "P"}),
        ReadError("sub/feed.jsonl", "missing 'body' field", "line 2"),
    ]


def test_bom_on_first_line(tmp_path: Path) -> None:
    [doc] = _read(tmp_path, "\ufeff".encode() + b'{"text": "t"}\n')
    assert isinstance(doc, Document) and doc.text == "t"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "file contains only whitespace"),
        (b'{"text": "a\x00"}\n', "binary file (contains NUL bytes)"),
        (bytes(range(128, 256)) * 2, "binary file (mostly non-text bytes)"),
    ],
)
def test_file_level_errors(tmp_path: Path, data: bytes, reason: str) -> None:
    assert _read(tmp_path, data) == [ReadError("sub/feed.jsonl", reason)]


def test_max_bytes_limits_each_line_not_the_file(tmp_path: Path) -> None:
    data = b'{"text": "short"}\n{"text": "0123456789 0123456789"}\n{"text": "also short"}\n'
    out = _read(tmp_path, data, ReaderConfig(max_bytes=25))
    assert [getattr(d, "text", None) for d in out] == ["short", None, "also short"]
    assert out[1] == ReadError("sub/feed.jsonl", "line too large: 33 bytes (max_bytes=25)", "line 2")


def test_a_large_file_streams_with_the_default_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crawl dump over the default limit is read (streamed), line by line."""
    import dedup.io.jsonl as jsonl
    monkeypatch.setattr(jsonl, "STREAM_BYTES", 100)  # stream even this small file
    rows = b"".join(b'{"id": "%d", "text": "article %d"}\n' % (k, k) for k in range(50))
    out = _read(tmp_path, rows, ReaderConfig(max_bytes=40))
    assert len(rows) > 40 and [d.text for d in out] == [f"article {k}" for k in range(50)]


def test_large_files_are_streamed_with_the_same_result(tmp_path, monkeypatch):
    import dedup.io.jsonl as jsonl_mod
    from dedup.io.config import ReaderConfig
    p = tmp_path / "f.jsonl"
    p.write_bytes(b'{"id": "a", "text": "hello"}\n\n{"text": "x"}\nnot json\n{"id": "a", "text": "dup"}\r\n'
                  b'{"text": "\xff"}\n{"text": "last"}')
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n   \n\n")
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(bytes(range(256)) * 4)
    cfg = ReaderConfig()

    def read(path):
        return list(jsonl_mod.read_jsonl(path, path.name, path.name, cfg))

    whole = [read(x) for x in (p, blank, binary)]
    monkeypatch.setattr(jsonl_mod, "STREAM_BYTES", 4)  # every file is "large"
    assert [read(x) for x in (p, blank, binary)] == whole
    assert [type(d).__name__ for d in whole[0]] == ["Document", "Document", "ReadError", "ReadError",
                                                   "ReadError", "Document"]
    assert whole[1][0].reason == "file contains only whitespace"
    assert "binary" in whole[2][0].reason
