"""scan(): bad input is recorded, never fatal, and the counts reconcile."""
from __future__ import annotations

import json
import shutil

from dedup import scan


def test_scan_records_bad_inputs_and_goes_on(fixtures_dir, seed_dir, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "bad", corpus / "bad")
    shutil.copytree(seed_dir, corpus / "seeds")
    result = scan(corpus, workers=1)
    reasons = {e.path: e.reason for e in result.errors}
    assert reasons["bad/binary.txt"] == "binary file (contains NUL bytes)"
    assert reasons["bad/empty.txt"] == "empty file"
    assert reasons["bad/latin1.txt"].startswith("not valid UTF-8 at byte")
    jsonl = [e for e in result.errors if e.path == "bad/feed.jsonl"]
    assert jsonl and jsonl[0].record and jsonl[0].record.startswith("line ")
    # the seeds are still found, with ids relative to the scanned root
    related = {(p.source, p.suspect) for p in result.pairs if p.verdict in {"derivative", "spun"}}
    assert ("seeds/000_0ec436393fa1423e.txt", "seeds/001_64c8e49a1d5cd0eb.txt") in related
    out = tmp_path / "out"
    result.write(out)
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == len(result.errors)
    assert all(set(e) == {"path", "reason", "record"} for e in errors)
    summary = result.summary()
    assert f"= {result.documents} documents compared + {len(result.errors)} errors" in summary


def test_pairs_jsonl_fields(seed_dir, tmp_path):
    result = scan(seed_dir, workers=1)
    result.write(tmp_path)
    rows = [json.loads(x) for x in (tmp_path / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows
    for r in rows:
        assert {"source", "suspect", "verdict", "scores", "flags"} <= set(r)
        assert set(r["scores"]) == {"resemblance", "containment", "coverage", "drift"}
        assert isinstance(r["flags"], int)
    clusters = [json.loads(x) for x in (tmp_path / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert clusters[0]["origin"] == "000_0ec436393fa1423e.txt"


def test_scan_in_parallel_matches_in_process(seed_dir):
    one = scan(seed_dir, workers=1)
    two = scan(seed_dir, workers=2)
    assert [p.to_dict() for p in one.pairs] == [p.to_dict() for p in two.pairs]


def test_scan_progress_reports_alignment(seed_dir, capsys):
    import re
    res = scan(seed_dir, workers=1, progress=True)
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == ["read 5 documents, 0 errors", f"{res.candidates} candidate pairs"]
    assert re.fullmatch(rf"aligned {res.candidates}/{res.candidates} candidate pairs \(\d+/s\) in \d+\.\d s", err[-1])


def test_meter_lines(capsys):
    from dedup.scan import _Meter
    m = _Meter(10, "aligned", "pairs", every=0.0)
    m.advance(4)
    m.advance(6)
    lines = capsys.readouterr().err.splitlines()
    assert re_match(r"aligned 4/10 pairs \(\d+/s, \d+ s left\)", lines[0])
    assert re_match(r"aligned 10/10 pairs \(\d+/s\)", lines[1])


def re_match(pattern, text):
    import re
    return re.fullmatch(pattern, text) is not None


def test_component_order_groups_the_pairs_of_a_component():
    from dedup.scan import _component_order

    pairs = [(0, 5), (1, 2), (3, 4), (2, 7), (5, 6), (4, 9), (1, 8)]
    got = _component_order(pairs)
    assert sorted(got) == sorted(pairs)
    # components {0,5,6}, {1,2,7,8}, {3,4,9}: each one's pairs are adjacent
    assert got == [(0, 5), (5, 6), (1, 2), (1, 8), (2, 7), (3, 4), (4, 9)]
    assert _component_order([]) == []



def test_ctrl_c_stops_the_scan_and_its_workers(seed_dir, tmp_path):
    """SIGINT while the workers judge: the scan exits at once and leaves no
    worker behind. (With ``ProcessPoolExecutor`` a worker interrupted inside
    the queue lock, or killed while writing its result, hung the scan for
    ever; dedup.workers has its own tests of both.)"""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time
    from dedup.text.sentences import split_sentences
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.iterdir())]
    sentences = [t[s.start:s.end] for t in texts for s in split_sentences(t)]
    rng = random.Random(0)
    corpus = tmp_path / "mixed.jsonl"  # 300 articles from the seeds' sentences: over 1,000 pairs to judge
    corpus.write_text("".join(json.dumps({"id": str(k), "text": " ".join(rng.sample(sentences, 25))}) + "\n"
                              for k in range(300)), encoding="utf-8")
    out = tmp_path / "report"
    proc = subprocess.Popen([sys.executable, "-m", "dedup.cli", "scan", str(corpus), "--out", str(out),
                             "--workers", "2", "--progress", "--resume"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # Ctrl-C as in a terminal, even where the tests run with SIGINT ignored
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for line in proc.stderr:  # judging has started
        if line.endswith("candidate pairs\n"):
            break
    time.sleep(1.0)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=20)  # reads the pipes: a full pipe must not stop the process
    finally:
        proc.kill()
    assert proc.returncode != 0
    time.sleep(0.5)
    marker = str(out).encode()
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker in f.read():
                    left.append(pid)
        except OSError:
            pass
    assert left == []
    # what was judged before the stop is kept for the next run
    assert (out / ".checkpoint" / "manifest.json").exists()


def test_meter_rate_leaves_out_resumed_work(capsys, monkeypatch):
    import sys
    from dedup.scan import _Meter
    clock = iter([0.0, 10.0, 10.0])
    monkeypatch.setattr(sys.modules["dedup.scan"].time, "perf_counter", lambda: next(clock))
    m = _Meter(1000, "aligned", "pairs", every=0.0)
    m.skip(500)  # judged before the stop
    m.advance(100)  # 100 in 10 s: 10/s, 400 left
    assert capsys.readouterr().err == "aligned 600/1000 pairs (10/s, 40 s left)\n"
