"""A scan's judged chunks saved on disk, and a stopped scan resumed from them."""
from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from dedup import scan
from dedup.cli import main
from dedup.compare import Comparison
from dedup.config import Config
from dedup.reuse import ReusedPair
from dedup.verdict import VerdictConfig

scan_module = sys.modules["dedup.scan"]  # the package exports a function named scan


def _outputs(result):
    return ([p.to_dict() for p in result.pairs], [c.to_dict() for c in result.clusters],
            [r.to_dict() for r in result.reuse])


@pytest.fixture
def small_chunks(monkeypatch):
    """Two candidate pairs per chunk: the seeds' ten pairs make five chunks."""
    monkeypatch.setattr(scan_module, "_JUDGE_CHUNK", 2)


@pytest.fixture
def judged(monkeypatch):
    """The chunks the scan judges (not taken from a checkpoint)."""
    calls = []
    real = scan_module._judge_chunk
    monkeypatch.setattr(scan_module, "_judge_chunk", lambda docs, pairs, *a: calls.append(list(pairs))
                        or real(docs, pairs, *a))
    return calls


def test_a_finished_checkpoint_is_resumed_without_judging(seed_dir, tmp_path, small_chunks, judged):
    first = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    assert len(judged) == 5
    lines = (tmp_path / "ck" / "judged.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["chunk"] for x in lines] == [0, 1, 2, 3, 4]
    again = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    assert len(judged) == 5  # nothing judged the second time
    assert _outputs(again) == _outputs(first) == _outputs(scan(seed_dir, workers=1))
    assert [p.comparison.to_dict() for p in again.pairs] == [p.comparison.to_dict() for p in first.pairs]


def test_a_stopped_scan_judges_only_what_is_missing(seed_dir, tmp_path, small_chunks, judged):
    full = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    path = tmp_path / "ck" / "judged.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # stopped while writing the third chunk: two whole lines and half of one
    path.write_text(lines[0] + lines[1] + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    judged.clear()
    resumed = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    assert len(judged) == 3
    assert _outputs(resumed) == _outputs(full)
    # the cut line was dropped and the file is whole again
    assert sorted(json.loads(x)["chunk"] for x in path.read_text(encoding="utf-8").splitlines()) == [0, 1, 2, 3, 4]


def test_other_settings_start_afresh(seed_dir, tmp_path, small_chunks, judged):
    scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    judged.clear()
    other = Config(verdict=VerdictConfig(derivative_coverage=0.35))
    res = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck", config=other)
    assert len(judged) == 5
    assert _outputs(res) == _outputs(scan(seed_dir, workers=1, config=other))


def test_parallel_scan_saves_and_resumes_the_same(seed_dir, tmp_path, small_chunks):
    one = scan(seed_dir, workers=1, checkpoint=tmp_path / "a")
    two = scan(seed_dir, workers=2, checkpoint=tmp_path / "b")
    assert (tmp_path / "a" / "judged.jsonl").read_text(encoding="utf-8") == \
        (tmp_path / "b" / "judged.jsonl").read_text(encoding="utf-8")
    assert _outputs(scan(seed_dir, workers=2, checkpoint=tmp_path / "a")) == _outputs(one) == _outputs(two)


def test_records_round_trip(seed_dir):
    from dedup import compare
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in seed_dir.iterdir()}
    c = compare(texts["000"], texts["002"])
    back = Comparison.from_dict(json.loads(json.dumps(c.to_dict())))
    assert back.to_dict() == c.to_dict() and back.verdict == "spun" and back.flags == c.flags
    row = {"source": "a", "suspect": "b", "verdict": "unrelated", "reused_chars": 357, "source_share": 0.1,
           "suspect_share": 0.05, "passages": [{"source_start": 1, "source_end": 358, "suspect_start": 9,
                                                "suspect_end": 366, "score": 1.0}]}
    assert ReusedPair.from_dict(row).to_dict() == row


def test_cli_resume_keeps_the_checkpoint_only_until_the_outputs_are_written(seed_dir, tmp_path):
    out = tmp_path / "report"
    res = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(out), "--workers", "1", "--resume"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["clusters.jsonl", "errors.jsonl", "pairs.jsonl", "reuse.jsonl"]
    plain = tmp_path / "plain"
    CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(plain), "--workers", "1"])
    assert (out / "pairs.jsonl").read_text(encoding="utf-8") == (plain / "pairs.jsonl").read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(out), "--stage", "candidates", "--resume"])
    assert bad.exit_code == 2 and "use it with --stage full" in bad.output


def test_scan_without_fork_matches(seed_dir, tmp_path, monkeypatch, small_chunks):
    """The platform-default pool path (no fork context) gives the same result and checkpoint."""
    ref = scan(seed_dir, workers=1)
    monkeypatch.setattr(scan_module, "_pool_context", lambda: None)
    res = scan(seed_dir, workers=2, checkpoint=tmp_path / "ck")
    assert _outputs(res) == _outputs(ref)
    assert len((tmp_path / "ck" / "judged.jsonl").read_text(encoding="utf-8").splitlines()) == 5


def test_the_key_is_the_same_in_every_process():
    """Sets in the settings (SpinConfig.kinds) print in hash-seed order: the key must not."""
    import os
    import subprocess
    code = ("from dedup.config import Config; from dedup.checkpoint import scan_key; "
            "print(scan_key('v', Config(), ['a', 'b'], [[(0, 1)]]))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(keys) == 1


def test_cli_resume_into_an_unwritable_place_is_a_one_line_error(seed_dir, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / ".checkpoint").write_text("a file, not a directory", encoding="utf-8")
    res = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(out), "--workers", "1", "--resume"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert ".checkpoint" in res.output and len(res.output.strip().splitlines()) == 1


@pytest.fixture
def generated(monkeypatch):
    """How many times the candidate stage generated candidates."""
    calls = []
    real = scan_module.find_candidates_parallel
    monkeypatch.setattr(scan_module, "find_candidates_parallel", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_the_candidates_are_saved_and_read_back_on_resume(seed_dir, tmp_path, generated):
    import shutil

    from dedup.candidates import CandidateConfig
    first = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    assert len(generated) == 1
    saved = [json.loads(x) for x in (tmp_path / "ck" / "candidates.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(saved) == first.candidates == 10
    again = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    assert len(generated) == 1  # read from the checkpoint
    assert _outputs(again) == _outputs(first)
    # another text under the same id, or other candidate settings: generated again
    docs = tmp_path / "docs"
    shutil.copytree(seed_dir, docs)
    one = sorted(docs.iterdir())[0]
    one.write_text(one.read_text(encoding="utf-8") + " One more sentence.", encoding="utf-8")
    scan(docs, workers=1, checkpoint=tmp_path / "ck2")
    scan(docs, workers=1, checkpoint=tmp_path / "ck2")
    assert len(generated) == 2
    shutil.copytree(tmp_path / "ck2", tmp_path / "ck3")
    one.write_text(one.read_text(encoding="utf-8") + " And another.", encoding="utf-8")
    scan(docs, workers=1, checkpoint=tmp_path / "ck3")
    assert len(generated) == 3
    scan(seed_dir, workers=1, checkpoint=tmp_path / "ck",
         config=Config(candidates=CandidateConfig(shingle_k=4)))
    assert len(generated) == 4


def test_a_candidate_save_cut_short_is_not_read(seed_dir, tmp_path, generated):
    scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    (tmp_path / "ck" / "candidates.key").unlink()  # stopped before the key was written
    (tmp_path / "ck" / "candidates.jsonl").write_text('{"a": "000.txt", "b"', encoding="utf-8")
    again = scan(seed_dir, workers=1, checkpoint=tmp_path / "ck")
    assert len(generated) == 2 and again.candidates == 10


def test_the_documents_key_reads_a_store_and_a_list_alike(seeds):
    from dedup.checkpoint import documents_key
    from dedup.candidates import CandidateConfig
    from dedup.document import Document
    from dedup.store import DocumentStore
    docs = [Document(k, t) for k, t in sorted(seeds.items())]
    store = DocumentStore()
    for d in docs:
        store.append(d)
    cfg = CandidateConfig()
    key = documents_key("1", cfg, store)
    assert key == documents_key("1", cfg, docs)
    # each of id, text, order, settings and version counts
    assert key != documents_key("2", cfg, docs)
    assert key != documents_key("1", CandidateConfig(shingle_k=4), docs)
    assert key != documents_key("1", cfg, docs[::-1])
    assert key != documents_key("1", cfg, [Document("x" + docs[0].id, docs[0].text)] + docs[1:])
    # an id and text boundary cannot be shifted: ("ab", "c") differs from ("a", "bc")
    assert documents_key("1", cfg, [Document("ab", "c")]) != documents_key("1", cfg, [Document("a", "bc")])
