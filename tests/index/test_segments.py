"""Sorted posting segments (format 3 and later), old-format refusal, scan's passage and anchor rules."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth import synthetic_texts  # noqa: E402
from dedup.candidates import CandidateConfig  # noqa: E402
from dedup.index import CorruptIndexError, Index, ParameterMismatchError  # noqa: E402
from dedup.index.layout import StoredSketch  # noqa: E402
from dedup.index.match import passage_verified, verify  # noqa: E402
from dedup.index import segments  # noqa: E402
from dedup.index.segments import FANOUT  # noqa: E402


def _rows(ix: Index, text: str) -> list[tuple[int, int, bool]]:
    entry = ix._entries([("probe", text)])[0]
    post = ix._backend.lookup(entry.all_keys, entry.caps)
    return sorted(zip(post.keys.tolist(), post.iids.tolist(), post.stop.tolist()))


def test_merged_segments_answer_like_one_segment(location, tmp_path):
    """10 batches of 10: 8 level-0 segments merge into one level-1 segment, 2
    stay; every look-up returns exactly the rows of an index built in one batch."""
    texts = synthetic_texts(100, seed=3)
    items = [(f"d{i}", t) for i, t in enumerate(texts)]
    with Index(location, batch_size=10) as ix, Index(tmp_path / "one.dedup", batch_size=1000) as one:
        ix.add_many(items, judge=False)
        one.add_many(items, judge=False)
        assert FANOUT == 8 and ix.stats()["segments"] == 3 and one.stats()["segments"] == 1
        assert ix.stats()["postings"] == one.stats()["postings"]
        for t in texts[::9] + synthetic_texts(3, seed=4):
            assert _rows(ix, t) == _rows(one, t)
        assert ix.integrity_check(full=True) == []


def test_merge_drops_postings_of_removed_documents(location):
    texts = synthetic_texts(8, seed=5)
    with Index(location, batch_size=1) as ix:
        for i in range(7):
            ix.add(f"d{i}", texts[i])
        assert ix.stats()["segments"] == 7
        ix.remove("d0")
        assert _rows(ix, texts[0]) == []          # retired at once ...
        ix.add("d7", texts[7])                     # ... and dropped by the merge this batch triggers
        st = ix.stats()
        assert st["segments"] == 1
        assert st["postings"] == sum(len(e.all_keys) for e in ix._entries([(f"x{i}", texts[i]) for i in range(1, 8)]))
        assert ix.integrity_check(full=True) == []


def test_a_reader_sees_what_another_writer_added(location):
    texts = synthetic_texts(30, seed=6)
    with Index(location, batch_size=5) as a, Index(location) as b:
        a.add_many([(f"a{i}", t) for i, t in enumerate(texts[:20])], judge=False)
        assert [d for d, _ in b.candidates(texts[3])] == ["a3"]
        a.add_many([(f"a{i}", t) for i, t in enumerate(texts[20:], 20)], judge=False)  # merges in a
        assert [d for d, _ in b.candidates(texts[25])] == ["a25"]
        assert [d for d, _ in b.candidates(texts[3])] == ["a3"]
        b.add("b0", texts[0])
        assert sorted(d for d, _ in a.candidates(texts[0])) == ["a0", "b0"]


def test_old_format_file_is_refused_with_a_rebuild_message(tmp_path):
    path = tmp_path / "v2.dedup"
    c = sqlite3.connect(path)
    c.executescript("CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
                    "CREATE TABLE docs(iid INTEGER PRIMARY KEY, doc_id TEXT);"
                    "CREATE TABLE postings(key INTEGER, iid INTEGER, PRIMARY KEY (key, iid)) WITHOUT ROWID;"
                    "CREATE TABLE stopkeys(key INTEGER PRIMARY KEY, first INTEGER);"
                    "INSERT INTO meta VALUES ('magic', 'dedup-index');")
    c.commit()
    c.close()
    with pytest.raises(ParameterMismatchError, match=r"older format .* format version 5: rebuild the index"):
        Index(path)


def test_damaged_segment_is_a_clear_error(tmp_path):
    path = tmp_path / "x.dedup"
    texts = synthetic_texts(20, seed=8)
    with Index(path) as ix:
        ix.add_many([(f"d{i}", t) for i, t in enumerate(texts)], judge=False)
    c = sqlite3.connect(path)
    data = bytearray(c.execute("SELECT data FROM segments").fetchone()[0])
    data[100] ^= 0xFF
    c.execute("UPDATE segments SET data = ?", (bytes(data),))
    c.commit()
    c.close()
    with Index(path) as ix:
        with pytest.raises(CorruptIndexError, match="damaged .*rebuild"):
            ix.check("probe", texts[0])
        problems = ix.integrity_check()
        assert len(problems) == 1 and "checksum mismatch" in problems[0]


# ---------------------------------------------------------- scan's rules ---

def _sk(n_passages: int, chains: list[int] = ()) -> StoredSketch:
    e = np.empty(0, np.uint32)
    return StoredSketch(e, e, np.empty((0, 24), np.uint32), np.empty(0, np.uint64), n_passages,
                        np.array(sorted(chains), dtype=np.uint64))


def test_passage_rules_of_scan():
    cfg = CandidateConfig()  # min_chains 3, strong 6.0, gate 0.06, top_k 5, min_containment 0.02
    q = _sk(400, chains=[1, 2, 3, 4])
    stored = {1: _sk(400, [1, 2, 3]),   # 3 chains: coherent
              2: _sk(400),              # weak, containment 10/400 = 0.025 < gate
              3: _sk(100),              # weak, containment 10/100 = 0.10 >= gate
              4: _sk(400),              # strong evidence
              5: _sk(400, [1, 2])}      # 2 chains only, weak, containment 0.025
    hits = {1: 10, 2: 10, 3: 10, 4: 30, 5: 10}
    evidence = {1: 3.0, 2: 3.0, 3: 3.0, 4: 6.0, 5: 3.0}
    assert passage_verified(q, stored, hits, evidence, cfg) == {1, 3, 4}
    # rank: containment x evidence / hits, x2 when a chain is shared; top_k keeps the best
    cfg2 = CandidateConfig(passage_top_k=2)
    # ranks: 1 -> 0.025 * 0.3 * 2 = 0.015; 3 -> 0.1 * 0.3 = 0.03; 4 -> 0.075 * 0.2 = 0.015 (tie: lower id)
    assert passage_verified(q, stored, hits, evidence, cfg2) == {1, 3}
    # containment floor applies after the ranking
    cfg3 = CandidateConfig(passage_min_containment=0.05)
    assert passage_verified(q, stored, hits, evidence, cfg3) == {3, 4}


def test_anchor_alone_is_dropped_unless_asked():
    sig = np.arange(256, dtype=np.uint32)
    e = np.empty(0, np.uint32)
    q = StoredSketch(e, sig, np.empty((0, 24), np.uint32), np.empty(0, np.uint64))
    c = StoredSketch(e, sig.copy(), np.empty((0, 24), np.uint32), np.empty(0, np.uint64))
    assert verify(q, c, {"anchor": 5}, CandidateConfig(views=("anchor",))) == ()
    assert verify(q, c, {"anchor": 5}, CandidateConfig(views=("anchor",), anchor_alone=True)) == ("anchor",)
    c.anchor[:200] = 0  # estimated Jaccard 56/256 < anchor_alone_floor 0.33 (and < verify floor)
    assert verify(q, c, {"anchor": 5}, CandidateConfig(views=("anchor",), anchor_alone=True)) == ()


def test_documents_without_keys(location):
    """An empty text has no posting keys: stored, never matched (a one-word
    text still has a shingle signature)."""
    with Index(location) as ix:
        assert ix.add("a", "") == []
        assert ix.add_many([("b", ""), ("c", "word")]) == [[], []]
        assert ix.check("z", "") == [] and ix.candidates("") == []
        assert ix.candidates("word") == [("c", ("shingle",))]
        assert len(ix) == 3 and "c" in ix
        assert ix.integrity_check(full=True) == []


def test_format_4_index_is_refused_with_a_rebuild_message(location):
    """Format 5 keeps passage fingerprints as postings only and packs segment
    ids in 2 bytes: an index recorded as format 4 (either backend) is
    refused, saying what to do."""
    import json
    with Index(location) as ix:
        ix.add("a", synthetic_texts(1, seed=9)[0])
        params = json.loads(ix.params.to_json())
    params["format_version"] = 4
    if location.startswith("redis://"):
        import redis
        url, prefix = location.split("?prefix=")
        redis.Redis.from_url(url).hset(f"{prefix}:meta", "params", json.dumps(params))
    else:
        c = sqlite3.connect(location)
        c.execute("UPDATE meta SET value = ? WHERE name = 'params'", (json.dumps(params),))
        c.commit()
        c.close()
    with pytest.raises(ParameterMismatchError, match=r"format version 4, this dedup reads version 5; rebuild"):
        Index(location)


def test_segment_parts_pack_batch_ids_in_two_bytes():
    keys = np.array([-9, -9, 4, 7, 2**62], dtype=np.int64)
    ids = np.array([70000, 135535, 70001, 70000, 70500], dtype=np.uint32)  # within 65,536 of the smallest
    raw = segments.encode_part(keys, ids)
    assert len(raw) == 16 + 10 * len(keys)
    k, i = segments.decode_part(raw, "t")
    assert k.tolist() == keys.tolist() and i.tolist() == ids.tolist() and i.dtype == np.uint32
    wide = np.array([1, 65537, 2, 3, 4], dtype=np.uint32)  # 65,536 apart: 4-byte ids
    raw = segments.encode_part(keys, wide)
    assert len(raw) == 16 + 12 * len(keys)
    k, i = segments.decode_part(raw, "t")
    assert k.tolist() == keys.tolist() and i.tolist() == wide.tolist()
    empty = segments.encode_part(keys[:0], ids[:0])
    assert len(empty) == 16 and [len(x) for x in segments.decode_part(empty, "t")] == [0, 0]
    bad = bytearray(segments.encode_part(keys, ids))
    bad[12] = 3  # width neither 2 nor 4
    with pytest.raises(CorruptIndexError, match="damaged"):
        segments.decode_part(bytes(bad), "t")


def test_document_records_hold_no_passage_fingerprints(location):
    """Passage fingerprints are stored as postings only; a document record
    keeps their count (verification needs no more)."""
    text = synthetic_texts(1, seed=4)[0]
    with Index(location) as ix:
        ix.add("a", text)
        entry = ix._entries([("a", text)])[0]
        npf = len(entry.sketch.passages)
        assert npf > 0
        iid = ix._backend.iid_of("a")
        stored = ix._backend.sketches([iid])[iid][1]
        assert stored.passage_count() == npf and len(stored.passages) == 0
        assert np.array_equal(stored.chains, entry.sketch.chains)
        assert ix.integrity_check(full=True) == []
    if location.startswith("redis://"):
        import redis
        from dedup.index.redis_backend import unpack_doc
        url, prefix = location.split("?prefix=")
        raw = redis.Redis.from_url(url).get(f"{prefix}:d:{iid}")
        doc_id, sh, an, se, cf, n = unpack_doc(raw, "t")
        assert (doc_id, n, len(cf)) == (b"a", npf, 8 * len(entry.sketch.chains))
        assert len(raw) == 24 + 1 + len(sh) + len(an) + len(se) + len(cf)
    else:
        c = sqlite3.connect(location)
        cols = [r[1] for r in c.execute("PRAGMA table_info(docs)")]
        c.close()
        assert cols == ["iid", "doc_id", "sh", "an", "se", "npf", "cf", "text"]


def test_sorted_distinct_keeps_sorted_keys_and_sorts_others():
    k = np.array([-3, 1, 8], dtype=np.int64)
    assert segments.sorted_distinct(k) is k
    assert segments.sorted_distinct(np.array([8, 1, 1, -3])).tolist() == [-3, 1, 8]
    assert segments.sorted_distinct(np.array([5, 5])).tolist() == [5]


def test_stop_records_join_the_sorted_arrays_first_record_wins():
    """Stop records are kept aside and merged when read: the arrays are those
    of inserting each record at once (a key stopped twice keeps its first
    document), and look-ups see records added after an earlier read."""
    cache = segments.PostingCache()
    cache.add_stops([(np.array([30, 10], dtype=np.int64), np.array([3, 1], dtype=np.int64))])
    assert cache.stop_keys.tolist() == [10, 30] and cache.stop_first.tolist() == [1, 3]
    before = cache.lookup(np.array([10, 20], dtype=np.int64))
    assert before.keys.tolist() == [10] and before.stop.tolist() == [True]
    cache.add_stops([(np.array([20, 10], dtype=np.int64), np.array([7, 9], dtype=np.int64)),
                     (np.array([20, 5], dtype=np.int64), np.array([8, 4], dtype=np.int64))])
    assert cache.stops_seen == 3
    post = cache.lookup(np.array([5, 10, 20], dtype=np.int64))
    assert sorted(zip(post.keys.tolist(), post.iids.tolist())) == [(5, 4), (10, 1), (20, 7)]
    assert cache.stop_keys.tolist() == [5, 10, 20, 30]
    assert cache.stop_first.tolist() == [4, 1, 7, 3]


def test_parallel_sketch_reads_equal_one_by_one_reads(tmp_path):
    """Many candidates' sketches are read by several connections in threads;
    the result is what reading each row alone gives, unknown ids left out."""
    from dedup.index import sqlite as backend
    with Index(tmp_path / "p.dedup", workers=0) as ix:
        ix.add_many([(f"d{i}", t) for i, t in enumerate(synthetic_texts(3 * backend.READERS, 9))], judge=False)
        b = ix._backend
        iids = [b.iid_of(f"d{i}") for i in range(3 * backend.READERS)]
        together = b.sketches(iids + [10 ** 9])
        assert b._readers is not None  # the parallel path ran
        assert sorted(together) == sorted(iids)
        for iid in iids:
            (doc_id, one), = b.sketches([iid]).values()
            doc_id2, many = together[iid]
            assert doc_id == doc_id2
            assert np.array_equal(one.shingle, many.shingle) and np.array_equal(one.chains, many.chains)
            assert np.array_equal(one.sentences, many.sentences) and one.passage_count() == many.passage_count()
    assert b._readers is None and b._thread_conns == []  # closed with the index
