"""Directory walk, dispatch by extension, and the fixtures/bad directory."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from dedup.document import Document, ReadError
from dedup.io import SUPPORTED, ReaderConfig, iter_inputs

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "fixtures" / "bad"
UNSUPPORTED_CSV = (
    "unsupported file type '.csv' (supported: .txt, .text, .md, .html, .htm, .jsonl, .ndjson, .warc, .warc.gz)"
)


def _brief(items: list[Document | ReadError]) -> list[object]:
    return [(x.id, x.text) if isinstance(x, Document) else x for x in items]


def test_fixtures_match_generator() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from make_bad_fixtures import FILES
    finally:
        sys.path.pop(0)
    assert sorted(p.name for p in BAD.iterdir()) == sorted(FILES)
    for name, data in FILES.items():
        assert (BAD / name).read_bytes() == data, name


def test_bad_fixture_directory() -> None:
    out = list(iter_inputs([BAD]))
    assert _brief(out) == [
        ReadError("binary.txt", "binary file (contains NUL bytes)"),
        ReadError("blank.txt", "file contains only whitespace"),
        ReadError("data.csv", UNSUPPORTED_CSV),
        ReadError("empty.txt", "empty file"),
        ("feed.jsonl#a1", "First record."),
        ("feed.jsonl#3", "Second record has no id."),
        ReadError("feed.jsonl", "invalid JSON at column 22: unterminated string", "line 4"),
        ("feed.jsonl#7", "Fifth line, numeric id."),
        ("good.txt", "A good document.\r\nIt keeps its CRLF and trailing spaces.  \n"),
        ReadError("latin1.txt", "not valid UTF-8 at byte 3"),
    ]
    docs = {x.id: x for x in out if isinstance(x, Document)}
    assert docs["good.txt"].meta == {"path": str(BAD / "good.txt"), "format": "txt"}
    assert docs["feed.jsonl#a1"].meta == {
        "path": str(BAD / "feed.jsonl"), "format": "jsonl", "line": 1,
        "url": "https://example.com/a", "date": "2024-01-02",
    }


def _tree(root: Path) -> None:
    files = {
        "b.txt": "b",
        "a.md": "a",
        "sub/z.text": "z",
        "sub/deeper/y.txt": "y",
        "sub/page.HTML": "<p>page</p>",
        "sub-x.txt": "dash",
        ".git/config.txt": "hidden dir",
        ".hidden.txt": "hidden file",
        "sub/.cache/c.txt": "hidden",
        "feed.ndjson": '{"text": "n"}\n',
        "site/index.htm": "<main>m</main>",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    _tree(tmp_path)
    expected = [
        ("a.md", "a"),
        ("b.txt", "b"),
        ("feed.ndjson#1", "n"),
        ("site/index.htm", "m"),
        ("sub/deeper/y.txt", "y"),
        ("sub/page.HTML", "page"),
        ("sub/z.text", "z"),
        ("sub-x.txt", "dash"),
    ]
    assert _brief(list(iter_inputs([tmp_path]))) == expected
    assert _brief(list(iter_inputs(str(tmp_path)))) == expected  # a lone str is one path, not characters
    formats = {x.id: x.meta["format"] for x in iter_inputs([tmp_path]) if isinstance(x, Document)}
    assert formats["sub/page.HTML"] == "html" and formats["feed.ndjson#1"] == "jsonl"


def test_hidden_entries_can_be_included(tmp_path: Path) -> None:
    _tree(tmp_path)
    ids = [x.id for x in iter_inputs([tmp_path], ReaderConfig(skip_hidden=False)) if isinstance(x, Document)]
    assert {".git/config.txt", ".hidden.txt", "sub/.cache/c.txt"} <= set(ids)


def test_file_arguments_use_file_name(tmp_path: Path) -> None:
    _tree(tmp_path)
    out = list(iter_inputs([tmp_path / "sub" / "z.text", tmp_path / "feed.ndjson", tmp_path / ".hidden.txt"]))
    assert _brief(out) == [("z.text", "z"), ("feed.ndjson#1", "n"), (".hidden.txt", "hidden file")]
    assert out[0].meta["path"] == str(tmp_path / "sub" / "z.text")  # type: ignore[union-attr]


def test_missing_path_and_errors_keep_going(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "README").write_text("x", encoding="utf-8")
    missing = str(tmp_path / "nope")
    out = list(iter_inputs([missing, tmp_path, ""]))
    assert _brief(out) == [
        ReadError(missing, "no such file or directory"),
        ReadError("README", f"unsupported file type (no extension) (supported: {SUPPORTED})"),
        ReadError("notes.pdf", f"unsupported file type '.pdf' (supported: {SUPPORTED})"),
        ("ok.txt", "fine"),
        ReadError("", "empty path"),
    ]


def test_error_path_for_file_argument_is_as_given(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert list(iter_inputs([f])) == [ReadError(str(f), "empty file")]


def test_same_names_under_two_roots_get_distinct_ids(tmp_path: Path) -> None:
    for root in ("one", "two"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "a.txt").write_text(root, encoding="utf-8")
    out = list(iter_inputs([tmp_path / "one", tmp_path / "two"]))
    assert _brief(out) == [("a.txt", "one"), (f"{(tmp_path / 'two').as_posix()}/a.txt", "two")]


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    out = list(iter_inputs([tmp_path, tmp_path / "a.txt"]))
    assert _brief(out) == [("a.txt", "a"), ReadError(str(tmp_path / "a.txt"), "same file as 'a.txt', already read")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    (tmp_path / "d" / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    out = list(iter_inputs([tmp_path / "d"]))
    assert _brief(out) == [
        ReadError("dangling.txt", "broken symbolic link"),
        ReadError("loop", "directory already visited (symbolic link loop)"),
        ("x.txt", "x"),
    ]
    assert list(iter_inputs([tmp_path / "d" / "dangling.txt"])) == [
        ReadError(str(tmp_path / "d" / "dangling.txt"), "broken symbolic link")
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert list(iter_inputs([tmp_path])) == [ReadError("pipe.txt", "not a regular file (device, socket or pipe)")]
    assert list(iter_inputs([tmp_path / "pipe.txt"])) == [
        ReadError(str(tmp_path / "pipe.txt"), "not a regular file or directory")
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_permission_denied(tmp_path: Path) -> None:
    (tmp_path / "locked.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "locked.txt").chmod(0)
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed").chmod(0)
    try:
        assert list(iter_inputs([tmp_path])) == [
            ReadError("closed", "cannot read directory: Permission denied"),
            ReadError("locked.txt", "cannot read file: Permission denied"),
        ]
    finally:
        (tmp_path / "closed").chmod(0o755)
        (tmp_path / "locked.txt").chmod(0o644)


def test_max_bytes_applies_to_walk(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 100, encoding="utf-8")
    (tmp_path / "small.txt").write_text("x", encoding="utf-8")
    out = list(iter_inputs([tmp_path], ReaderConfig(max_bytes=50)))
    assert _brief(out) == [ReadError("big.txt", "file too large: 100 bytes (max_bytes=50)"), ("small.txt", "x")]
