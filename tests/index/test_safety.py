"""Safety, really done: SIGKILL during add_many, two writer processes, damaged files."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth import synthetic_texts  # noqa: E402
from dedup.index import CorruptIndexError, Index, IndexError as DedupIndexError  # noqa: E402

WORKER = Path(__file__).resolve().parent / "_worker.py"


def _spawn(location: str, report: Path, seed: int, n: int, batch: int, per_call: int = 0) -> subprocess.Popen:
    extra = ["", str(per_call)] if per_call else []
    return subprocess.Popen([sys.executable, str(WORKER), location, str(report), str(seed), str(n), str(batch)]
                            + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _reported(report: Path) -> list[str]:
    if not report.exists():
        return []
    return [line for line in report.read_text(encoding="utf-8").splitlines() if line]


def test_sigkill_during_add_many_loses_no_returned_document(location, tmp_path):
    report = tmp_path / "returned.txt"
    n = 20000
    proc = _spawn(location, report, seed=11, n=n, batch=100)
    deadline = time.monotonic() + 60
    while len(_reported(report)) < 600 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    time.sleep(0.13)  # land somewhere inside a later batch
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    returned = _reported(report)
    assert 600 <= len(returned) < n
    texts = synthetic_texts(n, 11)
    with Index(location) as ix:
        assert ix.integrity_check(full=False) == []
        assert len(ix) >= len(returned)
        missing = [d for d in returned if d not in ix]
        assert missing == []
        for d in returned[::97]:  # findable, not only present
            i = int(d.split("-")[1])
            assert d in [m.doc_id for m in ix.check("probe", texts[i])]
        assert ix.integrity_check(full=True) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_sigkill_during_pipelined_add_many(location, tmp_path):
    """Killed while its sketch workers are busy: the index holds every returned
    document, and the orphaned workers exit by themselves."""
    report = tmp_path / "returned.txt"
    n = 20000
    proc = _spawn(location, report, seed=12, n=n, batch=50, per_call=500)
    deadline = time.monotonic() + 90
    while len(_reported(report)) < 1000 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) >= 1  # the pipeline is running
    time.sleep(0.13)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    returned = _reported(report)
    assert 1000 <= len(returned) < n
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "sketch workers outlived their killed parent"
    texts = synthetic_texts(n, 12)
    with Index(location) as ix:
        assert ix.integrity_check(full=False) == []
        assert [d for d in returned if d not in ix] == []
        for d in returned[::211]:
            assert d in [m.doc_id for m in ix.check("probe", texts[int(d.split("-")[1])])]
        assert ix.integrity_check(full=True) == []


def test_two_processes_add_5000_each(location, tmp_path):
    n = 5000
    procs = [_spawn(location, tmp_path / f"r{s}.txt", seed=s, n=n, batch=250) for s in (101, 202)]
    for p in procs:
        try:
            _, err = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
            pytest.fail(f"writer {p.args[-3]} did not finish in 240 s; stderr:\n{err.decode(errors='replace')}")
        assert p.returncode == 0, f"writer exited with {p.returncode}; stderr:\n{err.decode(errors='replace')}"
    with Index(location) as ix:
        assert len(ix) == 2 * n
        for s in (101, 202):
            ids = [f"w{s}-{i}" for i in range(n)]
            assert all(d in ix for d in ids)
            texts = synthetic_texts(n, s)
            for i in range(0, n, 250):  # findable: a verified candidate (check() would also align it)
                assert f"w{s}-{i}" in [d for d, _ in ix.candidates(texts[i])]
        assert ix.integrity_check() == []


# ------------------------------------------------------------ damaged files ---

def _make(path: Path, n: int = 300) -> None:
    with Index(path) as ix:
        ix.add_many((f"d{i}", t) for i, t in enumerate(synthetic_texts(n, 5)))
    # fold the WAL into the main file, as after a clean shutdown
    c = sqlite3.connect(path)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def test_truncated_file_is_a_clear_error(tmp_path):
    path = tmp_path / "x.dedup"
    _make(path)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    with pytest.raises(CorruptIndexError, match="truncated"):
        Index(path)


def test_empty_and_foreign_files_are_clear_errors(tmp_path):
    empty = tmp_path / "empty.dedup"
    empty.write_bytes(b"")
    with pytest.raises(CorruptIndexError, match="empty"):
        Index(empty)
    junk = tmp_path / "junk.dedup"
    junk.write_bytes(os.urandom(8192))
    with pytest.raises(CorruptIndexError, match="not a dedup index"):
        Index(junk)
    other = tmp_path / "other.db"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    with pytest.raises(CorruptIndexError, match="not a dedup index"):
        Index(other)


def test_overwritten_pages_are_a_clear_error(tmp_path):
    path = tmp_path / "x.dedup"
    _make(path, 600)
    size = path.stat().st_size
    with open(path, "r+b") as f:   # clobber the middle of the file, keep the header
        f.seek(4096 * 3)
        f.write(os.urandom(size - 4096 * 6))
    texts = synthetic_texts(600, 5)
    try:
        ix = Index(path)
    except CorruptIndexError:
        return  # refused at open: fine
    with ix:
        problems = ix.integrity_check()
        assert problems and problems[0].startswith("sqlite quick_check")
        # every operation either works or raises CorruptIndexError; nothing else escapes
        raised = 0
        for op in ([lambda: len(ix)] + [lambda t=t: ix.check("probe", t) for t in texts[:30]]
                   + [lambda: ix.add_many((f"n{i}", t) for i, t in enumerate(texts[:30]))]):
            try:
                op()
            except CorruptIndexError as e:
                assert "damaged" in str(e) and "rebuild" in str(e)
                raised += 1
        assert raised


def test_corrupt_params_are_a_clear_error(tmp_path):
    path = tmp_path / "x.dedup"
    _make(path, 5)
    c = sqlite3.connect(path)
    c.execute("UPDATE meta SET value = '{broken' WHERE name = 'params'")
    c.commit()
    c.close()
    with pytest.raises(CorruptIndexError, match="parameters are unreadable"):
        Index(path)


def test_redis_foreign_data_is_a_clear_error(redis_url):
    import redis
    base, prefix = redis_url.split("?prefix=")
    r = redis.Redis.from_url(base)
    r.set(f"{prefix}:meta", b"not a hash")
    try:
        with pytest.raises(DedupIndexError, match="unexpected data"):
            Index(redis_url)
    finally:
        r.close()
