"""Write fixtures/bad/: one file per kind of bad input, plus good ones.

Run from anywhere: ``python tests/io/make_bad_fixtures.py``. The files are
committed; test_walk.py checks they still match what this script writes.
"""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bad"

FILES: dict[str, bytes] = {
    # CRLF and trailing spaces must survive untouched.
    "good.txt": b"A good document.\r\nIt keeps its CRLF and trailing spaces.  \n",
    # PNG signature: NUL bytes.
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    "empty.txt": b"",
    "blank.txt": b"  \n\t\r\n",
    # Latin-1 e-acute at byte 3.
    "latin1.txt": "Caf\u00e9 au lait.\n".encode("latin-1"),
    "data.csv": b"a,b\n1,2\n",
    "feed.jsonl": (
        b'{"id": "a1", "text": "First record.", "url": "https://example.com/a", "date": "2024-01-02"}\n'
        b"\n"
        b'{"text": "Second record has no id."}\n'
        b'{"id": "a3", "text": "truncated\n'
        b'{"id": 7, "text": "Fifth line, numeric id."}\n'
    ),
}


def main() -> None:
    """Write every fixture file."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, data in FILES.items():
        (FIXTURES / name).write_bytes(data)


if __name__ == "__main__":
    main()
