"""``dedup scan --stage candidates`` and the parallel candidate stage."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from click.testing import CliRunner

from dedup.candidates import KERNEL_MIN_DOCS, find_candidates, kernels_for
from dedup.cli import main
from dedup.scan import find_candidates_parallel, scan, scan_candidates


def test_stage_candidates_writes_candidates_jsonl(seed_dir, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(out), "--stage", "candidates",
                                    "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "candidate pairs:" in res.output
    assert "candidates.jsonl" in res.output
    assert (out / "errors.jsonl").exists()
    assert not (out / "pairs.jsonl").exists()
    rows = [json.loads(x) for x in (out / "candidates.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows
    ids = {p.name for p in seed_dir.iterdir()}
    for r in rows:
        assert set(r) == {"a", "b", "views", "score"}
        assert r["a"] in ids and r["b"] in ids and r["a"] != r["b"]
        assert r["views"] and set(r["views"]) <= {"shingle", "anchor", "sentence", "passage"}
        assert 0.0 <= r["score"] <= 1.0
    pairs = {(r["a"], r["b"]) for r in rows}
    assert ("000_0ec436393fa1423e.txt", "001_64c8e49a1d5cd0eb.txt") in pairs
    # the full scan aligns exactly these candidates
    assert scan(seed_dir, workers=1).candidates == len(rows)


def test_stage_full_is_default(seed_dir, tmp_path):
    res = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(tmp_path), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "pairs.jsonl").exists() and not (tmp_path / "candidates.jsonl").exists()


@pytest.mark.parametrize("kernel_min_docs", [0, 10**9])  # compiled kernels (when installed) / numpy
def test_parallel_candidate_stage_equals_in_process(seed_dir, kernel_min_docs):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())]
    texts = texts * 3  # copies across chunk boundaries
    one = find_candidates(texts)
    assert one
    for chunk in (1, 2, 4):
        timings: dict[str, float] = {}
        two = find_candidates_parallel(texts, workers=2, chunk_size=chunk, timings=timings,
                                       kernel_min_docs=kernel_min_docs)
        assert two == one
        assert set(timings) == {"sketch", "pairs", "sketch_warm_up", "sketch_workers", "sketch_merge"}
        parts = timings["sketch_warm_up"] + timings["sketch_workers"] + timings["sketch_merge"]
        assert 0 <= parts <= timings["sketch"] + 1e-6


def test_pair_stage_runners_give_the_same_candidates(seed_dir):
    from dedup.candidates import CandidateConfig, candidates_from_sketches, sketch_documents
    from dedup.scan import _ForkRunner, _ThreadRunner
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())] * 3
    cfg = CandidateConfig()
    sk = sketch_documents(texts, cfg)
    serial = candidates_from_sketches(sk, cfg)
    assert serial
    for runner in (_ThreadRunner(2), _ForkRunner(2)):
        assert candidates_from_sketches(sk, cfg, runner=runner, min_parts=4) == serial
        assert candidates_from_sketches(sk, cfg, runner=runner, min_parts=4, fast=False) == serial


def test_small_corpora_run_without_the_compiled_kernels():
    assert kernels_for(KERNEL_MIN_DOCS - 1) is False
    assert kernels_for(KERNEL_MIN_DOCS) is None
    assert kernels_for(10, min_docs=5) is None
    # a small scan never imports numba (starting it costs more than it saves)
    code = ("import sys\n"
            "from dedup.scan import find_candidates_parallel\n"
            "texts = ['Alpha beta gamma delta epsilon zeta eta theta iota kappa.'] * 4\n"
            "for w in (1, 2):\n"
            "    assert [(c.i, c.j) for c in find_candidates_parallel(texts, workers=w)] == "
            "[(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]\n"
            "print('numba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("kernel_min_docs", [0, 10**9])
def test_spilled_candidate_stage_equals_in_process(seed_dir, tmp_path, kernel_min_docs):
    # passage keys written to disk by the workers and merged range by range
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())] * 3
    one = find_candidates(texts)
    two = find_candidates_parallel(texts, workers=2, chunk_size=4, spill_min_docs=1, spill_root=str(tmp_path),
                                   kernel_min_docs=kernel_min_docs)
    assert two == one
    assert list(tmp_path.iterdir()) == []  # the temporary key files are gone


@pytest.mark.parametrize("root", ["tmp", "missing"])
def test_keys_handed_over_in_files_or_pipes_give_the_same_candidates(seed_dir, tmp_path, monkeypatch, root):
    # below spill_min_docs the workers write their keys into HANDOFF_ROOT (a
    # tmpfs in production) and the parent maps them; without it, pickles
    import importlib
    scan_mod = importlib.import_module("dedup.scan")  # (dedup.scan is also a function)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())] * 3
    where = tmp_path if root == "tmp" else tmp_path / "missing"
    monkeypatch.setattr(scan_mod, "HANDOFF_ROOT", str(where))
    assert (scan_mod._handoff_dir(texts) is not None) == (root == "tmp")
    for kernel_min_docs in (0, 10**9):
        got = find_candidates_parallel(texts, workers=2, chunk_size=4, kernel_min_docs=kernel_min_docs)
        assert got == find_candidates(texts)
    assert not where.exists() or list(where.iterdir()) == []  # the key files are gone


def test_a_full_handoff_falls_back_to_returned_keys(seed_dir, tmp_path, monkeypatch):
    # a worker that cannot write its keys into the handoff (tmpfs full) returns
    # them with its sketch; a disk spill that cannot be written fails loudly
    import importlib
    import numpy as np
    scan_mod = importlib.import_module("dedup.scan")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())] * 3
    monkeypatch.setattr(scan_mod, "HANDOFF_ROOT", str(tmp_path))
    real_save, calls = np.save, []

    def save(path, arr, **kw):
        calls.append(path)
        if len(calls) % 3 == 0:  # every third file: no room
            raise OSError(28, "No space left on device")
        return real_save(path, arr, **kw)

    monkeypatch.setattr(np, "save", save)
    got = find_candidates_parallel(texts, workers=2, chunk_size=4, kernel_min_docs=10**9)
    assert got == find_candidates(texts)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OSError):
        find_candidates_parallel(texts, workers=2, chunk_size=4, kernel_min_docs=10**9,
                                 spill_min_docs=1, spill_root=str(tmp_path))


def test_parallel_stage_reads_a_spilled_store(seed_dir):
    # texts in a memory-mapped temporary file, read by fork workers
    from dedup.document import Document
    from dedup.store import DocumentStore
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())] * 3
    store = DocumentStore(block_bytes=4096, spill_bytes=0)
    for k, t in enumerate(texts):
        store.append(Document(str(k), t))
    for kernel_min_docs in (0, 10**9):
        assert find_candidates_parallel(store.texts(), workers=2, chunk_size=4,
                                        kernel_min_docs=kernel_min_docs) == find_candidates(texts)


def test_scan_candidates_matches_find_candidates(seed_dir):
    cs = scan_candidates(seed_dir, workers=2)
    assert cs.candidates == find_candidates([d.text for d in cs.documents])
    assert "per document" in cs.summary()


def test_full_scan_restarts_from_candidates_jsonl(seed_dir, tmp_path):
    runner = CliRunner()
    cands, full, again = tmp_path / "cands", tmp_path / "full", tmp_path / "again"
    assert runner.invoke(main, ["scan", str(seed_dir), "--out", str(cands), "--stage", "candidates",
                                "--workers", "1"]).exit_code == 0
    assert runner.invoke(main, ["scan", str(seed_dir), "--out", str(full), "--workers", "1"]).exit_code == 0
    res = runner.invoke(main, ["scan", str(seed_dir), "--out", str(again), "--workers", "1",
                               "--candidates", str(cands / "candidates.jsonl")])
    assert res.exit_code == 0, res.output
    for name in ("pairs.jsonl", "clusters.jsonl", "reuse.jsonl", "errors.jsonl"):
        assert (again / name).read_text(encoding="utf-8") == (full / name).read_text(encoding="utf-8")


def test_candidates_file_chosen_by_hand(seed_dir, tmp_path):
    f = tmp_path / "pairs.jsonl"
    # one pair, given the other way round, twice, with a blank line
    f.write_text('{"a": "002_99cc00d0c840c8f9.txt", "b": "000_0ec436393fa1423e.txt"}\n\n'
                 '{"a": "000_0ec436393fa1423e.txt", "b": "002_99cc00d0c840c8f9.txt", "views": ["passage"]}\n',
                 encoding="utf-8")
    res = scan(seed_dir, workers=1, candidates=f)
    assert res.candidates == 1
    assert [(p.source, p.suspect, p.verdict) for p in res.pairs] == [
        ("000_0ec436393fa1423e.txt", "002_99cc00d0c840c8f9.txt", "spun")]


@pytest.mark.parametrize("line,message", [
    ('{"a": "000_0ec436393fa1423e.txt", "b": "elsewhere.txt"}', "line 1: no document 'elsewhere.txt' among the 5"),
    ('not json', 'line 1: expected a JSON object with the document ids "a" and "b"'),
    ('{"a": "000_0ec436393fa1423e.txt"}', 'line 1: expected a JSON object'),
])
def test_a_candidates_file_from_other_inputs_is_a_one_line_error(seed_dir, tmp_path, line, message):
    f = tmp_path / "candidates.jsonl"
    f.write_text(line + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(tmp_path / "o"), "--workers", "1",
                                    "--candidates", str(f)])
    assert res.exit_code == 1
    assert message in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    with pytest.raises(ValueError, match="line 1"):
        scan(seed_dir, workers=1, candidates=f)


def test_candidates_option_needs_the_full_stage(seed_dir, tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text("", encoding="utf-8")
    res = CliRunner().invoke(main, ["scan", str(seed_dir), "--out", str(tmp_path / "o"), "--stage", "candidates",
                                    "--candidates", str(f)])
    assert res.exit_code == 2 and "use it with --stage full" in res.output
