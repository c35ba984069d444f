"""WARC reader, on small WARC files written with warcio in each test."""
from __future__ import annotations

import gzip
import sys
from io import BytesIO
from pathlib import Path

import pytest

from dedup.document import Document, ReadError
from dedup.io import ReaderConfig, iter_inputs
from dedup.io.html import NO_TEXT
from dedup.io.warc import NEEDS_WARCIO, read_warc

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PAGE = b"<html><head><title>P</title></head><body><nav>Menu</nav><article><p>Hello %s.</p></article></body></html>"


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
              status: str = "200 OK", date: str = "2024-03-04T05:06:07Z") -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def _write_warc(path: Path, gzip_records: bool = True) -> None:
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gzip_records)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "dedup-tests"}))  # 1
        req = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "e.org")], is_http_request=True)
        w.write_record(w.create_warc_record("https://e.org/a", "request", payload=BytesIO(b""), http_headers=req))  # 2
        _response(w, "https://e.org/a", PAGE % b"A")  # 3
        _response(w, "https://e.org/logo.png", b"\x89PNG\r\n\x1a\n\x00", "image/png")  # 4: not HTML
        _response(w, "https://e.org/gone", PAGE % b"404", status="404 Not Found")  # 5: not 2xx
        _response(w, "https://e.org/fr", PAGE % "caf\u00e9".encode("latin-1"), "text/html; charset=ISO-8859-1")  # 6
        _response(w, "https://e.org/bad", PAGE % b"\xff", "text/html")  # 7: invalid UTF-8
        _response(w, "https://e.org/menu", b"<nav>Only a menu</nav>")  # 8: no text
        _response(w, "https://e.org/empty", b"")  # 9
        _response(w, "https://e.org/meta", PAGE.replace(b"<head>", b"<head><meta charset='windows-1252'>") % b"\x93q\x94",
                  "text/html")  # 10: charset from <meta>


def test_warc_records(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc.gz"
    _write_warc(f)
    out = list(read_warc(f, "c/crawl.warc.gz", "c/crawl.warc.gz", ReaderConfig()))

    def meta(n: int, url: str) -> dict[str, object]:
        return {"path": str(f), "format": "warc", "record": n, "url": url, "date": "2024-03-04T05:06:07Z",
                "status": 200, "title": "P"}

    assert out == [
        Document("c/crawl.warc.gz#3", "Hello A.", meta(3, "https://e.org/a")),
        Document("c/crawl.warc.gz#6", "Hello caf\u00e9.", meta(6, "https://e.org/fr")),
        ReadError("c/crawl.warc.gz", f"not valid UTF-8 at byte {PAGE.index(b'%s')} of the HTTP body", "record 7"),
        ReadError("c/crawl.warc.gz", NO_TEXT, "record 8"),
        ReadError("c/crawl.warc.gz", "empty HTTP body", "record 9"),
        Document("c/crawl.warc.gz#10", "Hello \u201cq\u201d.", meta(10, "https://e.org/meta")),
    ]


def test_uncompressed_warc_via_iter_inputs(tmp_path: Path) -> None:
    _write_warc(tmp_path / "plain.warc", gzip_records=False)
    ids = [x.id if isinstance(x, Document) else x.record for x in iter_inputs([tmp_path])]
    assert ids == ["plain.warc#3", "plain.warc#6", "record 7", "record 8", "record 9", "plain.warc#10"]


def test_record_too_large(tmp_path: Path) -> None:
    f = tmp_path / "c.warc.gz"
    with f.open("wb") as fh:
        _response(WARCWriter(fh, gzip=True), "https://e.org/", b"<p>" + b"x" * 5000 + b"</p>")
    out = list(read_warc(f, "c.warc.gz", "c.warc.gz", ReaderConfig(max_bytes=4000)))
    assert out == [ReadError("c.warc.gz", "record too large: over 4000 bytes (max_bytes=4000)", "record 1")]


def test_the_limit_is_per_record_not_per_file(tmp_path: Path) -> None:
    f = tmp_path / "c.warc.gz"
    _write_warc(f)
    limit = 1000  # above every record's payload, below the file's size
    assert f.stat().st_size > limit
    whole = list(read_warc(f, "c.warc.gz", "c.warc.gz", ReaderConfig(max_bytes=None)))
    assert list(read_warc(f, "c.warc.gz", "c.warc.gz", ReaderConfig(max_bytes=limit))) == whole
    # no limit reads every payload whole (warcio's read(-1) returns nothing)
    assert [getattr(d, "text", None) for d in whole][:1] == ["Hello A."]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a WARC file\n", "corrupt WARC: not a WARC record (unrecognised header)"),
        (b"WARC/1.0\r\nbroken", "corrupt WARC: record has no WARC-Type header"),
        (b"garbage\n" * 3, "corrupt WARC: Unknown archive format, first line: ['garbage']"),
    ],
)
def test_corrupt_warc(tmp_path: Path, data: bytes, reason: str) -> None:
    f = tmp_path / "junk.warc"
    f.write_bytes(data)
    assert list(read_warc(f, "junk.warc", "junk.warc", ReaderConfig())) == [ReadError("junk.warc", reason, "record 1")]


def test_truncated_warc_keeps_earlier_records(tmp_path: Path) -> None:
    f = tmp_path / "t.warc.gz"
    _write_warc(f)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) - 40])
    out = list(read_warc(f, "t.warc.gz", "t.warc.gz", ReaderConfig()))
    assert [x.id for x in out if isinstance(x, Document)][:2] == ["t.warc.gz#3", "t.warc.gz#6"]
    assert out[-1] == ReadError("t.warc.gz", "corrupt WARC: record truncated", "record 10")


def test_empty_warc(tmp_path: Path) -> None:
    f = tmp_path / "e.warc.gz"
    f.write_bytes(b"")
    assert list(read_warc(f, "e.warc.gz", "e.warc.gz", ReaderConfig())) == [ReadError("e.warc.gz", "empty file")]


def test_gzip_of_garbage(tmp_path: Path) -> None:
    f = tmp_path / "g.warc.gz"
    f.write_bytes(gzip.compress(b"garbage\n" * 10))
    [err] = read_warc(f, "g.warc.gz", "g.warc.gz", ReaderConfig())
    assert isinstance(err, ReadError) and err.reason.startswith("corrupt WARC: ")


def test_missing_warcio_says_how_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.warc", "b.warc.gz"):
        (tmp_path / name).write_bytes(b"anything")
    monkeypatch.setitem(sys.modules, "warcio", None)
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    assert list(iter_inputs([tmp_path])) == [
        ReadError("a.warc", NEEDS_WARCIO),
        ReadError("b.warc.gz", NEEDS_WARCIO),
    ]
    assert NEEDS_WARCIO == "reading WARC files needs warcio: pip install 'dedup-spin[warc]'"
