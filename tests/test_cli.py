"""The dedup command line (click CliRunner)."""
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup import __version__, compare
from dedup.cli import main

ROOT = Path(__file__).parent.parent
SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
BAD = ROOT / "fixtures" / "bad"
SOURCE, SUSPECT = str(SEEDS[0]), str(SEEDS[2])   # 000 and 002: a spun rewrite


@pytest.fixture
def runner():
    return CliRunner()


def test_version(runner):
    r = runner.invoke(main, ["--version"])
    assert r.exit_code == 0
    assert r.output == f"dedup, version {__version__}\n"


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["compare", "--help"], ["scan", "--help"]])
def test_help_shows_examples(runner, args):
    r = runner.invoke(main, args)
    assert r.exit_code == 0
    assert "Examples:" in r.output
    assert "dedup " in r.output.split("Examples:", 1)[1]


def test_compare_json_matches_library(runner):
    r = runner.invoke(main, ["compare", SOURCE, SUSPECT, "--format", "json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    src = Path(SOURCE).read_text(encoding="utf-8")
    sus = Path(SUSPECT).read_text(encoding="utf-8")
    assert got == json.loads(json.dumps(compare(src, sus).to_dict()))
    assert set(got) == {"verdict", "scores", "passages", "sentences", "shared_quotes"}


def test_compare_text_shows_verdict_and_flags(runner):
    src = Path(SOURCE).read_text(encoding="utf-8")
    sus = Path(SUSPECT).read_text(encoding="utf-8")
    expected = compare(src, sus)
    r = runner.invoke(main, ["compare", SOURCE, SUSPECT])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == f"verdict: {expected.verdict}"
    assert lines[1].startswith("scores: resemblance ")
    assert expected.flags, "fixture pair should be flagged"
    flag_lines = [ln for ln in lines if re.search(r"\| ! [a-z-]+: ", ln)]
    assert len(flag_lines) == len(expected.flags)
    first = expected.flags[0]
    assert flag_lines[0].split("| ! ", 1)[1] == f"{first.kind}: {first.explanation}"


def test_compare_identical_text(runner, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    r = runner.invoke(main, ["compare", str(p), str(p), "--format", "json"])
    assert r.exit_code == 0
    assert json.loads(r.output)["verdict"] == "near-duplicate"


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scan_writes_its_four_files(runner, tmp_path):
    out = tmp_path / "report"
    r = runner.invoke(main, ["scan", str(ROOT / "fixtures" / "seeds"), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "documents compared" in r.output and "related pairs:" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["clusters.jsonl", "errors.jsonl", "pairs.jsonl", "reuse.jsonl"]
    assert "pairs sharing copied passages, not derivatives: 0" in r.output
    pairs = _jsonl(out / "pairs.jsonl")
    assert pairs
    ids = {p.name for p in SEEDS}
    for p in pairs:
        assert {"source", "suspect", "verdict", "scores", "flags"} <= set(p)
        assert p["source"] in ids and p["suspect"] in ids and p["source"] != p["suspect"]
        assert p["verdict"] in {"shared-quotes", "near-duplicate", "derivative", "spun"}
        assert set(p["scores"]) == {"resemblance", "containment", "coverage", "drift"}
        assert type(p["flags"]) is int
    assert _jsonl(out / "errors.jsonl") == []
    for c in _jsonl(out / "clusters.jsonl"):
        assert set(c["documents"]) <= ids


def test_scan_jsonl_keys(runner, tmp_path):
    text = SEEDS[0].read_text(encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"uuid": u, "body": text}) + "\n" for u in ("x1", "x2")), encoding="utf-8")
    out = tmp_path / "r"
    r = runner.invoke(main, ["scan", str(feed), "--text-key", "body", "--id-key", "uuid", "--out", str(out),
                             "--workers", "1"])
    assert r.exit_code == 0, r.output
    pairs = _jsonl(out / "pairs.jsonl")
    assert len(pairs) == 1
    assert pairs[0]["verdict"] == "near-duplicate"
    assert {pairs[0]["source"], pairs[0]["suspect"]} == {"feed.jsonl#x1", "feed.jsonl#x2"}


@pytest.mark.parametrize("strict,code", [(False, 0), (True, 1)])
def test_scan_bad_inputs_reported_strict_fails(runner, tmp_path, strict, code):
    out = tmp_path / "report"
    args = ["scan", str(BAD), str(SEEDS[0]), "--out", str(out), "--workers", "1"] + (["--strict"] if strict else [])
    r = runner.invoke(main, args)
    assert r.exit_code == code, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    errors = _jsonl(out / "errors.jsonl")
    assert errors
    assert all(set(e) == {"path", "reason", "record"} for e in errors)
    names = {e["path"] for e in errors}
    assert {"empty.txt", "binary.txt", "latin1.txt"} <= {Path(n).name for n in names}
    assert not any(Path(n).name == "good.txt" for n in names)


@pytest.mark.parametrize("args", [
    ["compare", "/nonexistent/a.txt", "/nonexistent/b.txt"],
    ["scan", "/nonexistent/dir", "--out", "OUT"],
])
def test_missing_path_is_a_one_line_error(runner, tmp_path, args):
    args = [str(tmp_path / "o") if a == "OUT" else a for a in args]
    r = runner.invoke(main, args)
    assert r.exit_code != 0
    assert r.exception is None or isinstance(r.exception, SystemExit)
    err_lines = [ln for ln in r.output.splitlines() if ln.startswith("Error:")]
    assert len(err_lines) == 1
    assert "/nonexistent/" in err_lines[0]
    assert "Traceback" not in r.output


def test_compare_non_utf8_is_a_one_line_error(runner):
    r = runner.invoke(main, ["compare", str(BAD / "latin1.txt"), SOURCE])
    assert r.exit_code == 1
    assert r.output.startswith("Error: ") and "not valid UTF-8" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_scan_max_bytes_limits_documents_not_jsonl_files(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in SEEDS]
    rows.append({"id": "huge", "text": "word " * 3000})  # 15,000 characters
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "report"
    r = runner.invoke(main, ["scan", str(feed), "--out", str(out), "--workers", "1", "--max-bytes", "12000"])
    assert r.exit_code == 0, r.output
    assert feed.stat().st_size > 12000  # the file is larger than the limit: its lines are read
    assert "inputs: 6 = 5 documents compared + 1 errors" in r.output
    huge = len(json.dumps(rows[-1]).encode("utf-8"))
    assert _jsonl(out / "errors.jsonl") == [{"path": str(feed), "reason": f"line too large: {huge} bytes "
                                             "(max_bytes=12000)", "record": "line 6"}]
    assert _jsonl(out / "pairs.jsonl")
    r0 = runner.invoke(main, ["scan", str(feed), "--out", str(tmp_path / "all"), "--workers", "1", "--max-bytes", "0"])
    assert "6 documents compared + 0 errors" in r0.output
