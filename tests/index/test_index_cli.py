"""``dedup index add|check|stats``."""
from __future__ import annotations

import json

from click.testing import CliRunner

from dedup.cli import main


def test_index_cli_round_trip(tmp_path, seed_dir):
    loc = str(tmp_path / "x.dedup")
    r = CliRunner().invoke(main, ["index", "add", loc, str(seed_dir), "--no-progress"])
    assert r.exit_code == 0, r.output
    assert "added 5 documents (0 errors" in r.output and "index holds 5" in r.output
    copy = tmp_path / "copy.txt"
    copy.write_bytes(sorted(seed_dir.glob("003*.txt"))[0].read_bytes())
    r = CliRunner().invoke(main, ["index", "check", loc, str(copy), "--format", "json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output.splitlines()[0])
    assert row["id"] == "copy.txt" and row["matches"][0]["verdict"] == "near-duplicate"
    r = CliRunner().invoke(main, ["index", "stats", loc, "--check"])
    assert r.exit_code == 0 and '"documents": 5' in r.output and "integrity: ok" in r.output


def test_index_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.dedup"
    bad.write_bytes(b"\0" * 5000)
    for args in (["index", "stats", str(bad)], ["index", "stats", str(tmp_path / "no" / "x.dedup")],
                 ["index", "check", "redis://127.0.0.1:1/0", str(bad)]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 1
        assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_check_and_stats_refuse_a_missing_index_instead_of_making_an_empty_one(tmp_path, seed_dir):
    """A mistyped INDEX path must not make every checked document "new"."""
    loc = tmp_path / "typo.dedup"
    doc = str(sorted(seed_dir.glob("000*.txt"))[0])
    for args in (["index", "check", str(loc), doc], ["index", "stats", str(loc)]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 1 and f"no index at {loc}" in r.output and "dedup index add" in r.output
        assert not loc.exists()
