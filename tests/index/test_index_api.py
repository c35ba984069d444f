"""Index API on both backends: add/check/remove/replace, agreement with scan, parameters."""
from __future__ import annotations

from pathlib import Path

import sys

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth import synthetic_texts  # noqa: E402
from dedup import Config, scan
from dedup.candidates import CandidateConfig, ViewConfig
from dedup.index import FORMAT_VERSION, Index, IndexError as DedupIndexError, Match, ParameterMismatchError


def test_new_content_gets_empty_list_and_membership(location):
    texts = synthetic_texts(3, seed=7)
    with Index(location) as ix:
        assert len(ix) == 0
        assert ix.add("a", texts[0]) == []
        assert ix.add("b", texts[1]) == []
        assert ix.check("c", texts[2]) == []
        assert len(ix) == 2 and "a" in ix and "c" not in ix
        assert ix.integrity_check(full=True) == []


def test_copy_is_found_and_replace_and_remove(location, seeds):
    with Index(location) as ix:
        ix.add("orig", seeds["000"])
        [m] = ix.check("copy", seeds["000"])
        assert isinstance(m, Match) and m.doc_id == "orig" and m.verdict == "near-duplicate"
        assert m.related and m.scores.coverage > 0.9
        # checking an indexed document never matches itself
        assert ix.check("orig", seeds["000"]) == []
        # re-adding an id replaces its entry
        assert ix.add("orig", seeds["003"]) == []
        assert len(ix) == 1
        assert ix.check("copy", seeds["000"]) == []
        assert [m.doc_id for m in ix.check("copy", seeds["003"])] == ["orig"]
        assert ix.remove("orig") is True and ix.remove("orig") is False
        assert len(ix) == 0 and ix.check("copy", seeds["003"]) == []
        assert ix.integrity_check(full=True) == []


def test_reopen_keeps_documents(location, seeds):
    with Index(location) as ix:
        ix.add_many([("000", seeds["000"]), ("003", seeds["003"])])
    with Index(location) as ix:
        assert len(ix) == 2
        assert [m.doc_id for m in ix.check("x", seeds["000"])] == ["000"]


def _scan_pairs(seed_dir: Path) -> set[tuple[frozenset, str]]:
    res = scan(seed_dir, workers=1)
    return {(frozenset((p.source, p.suspect)), p.verdict) for p in res.pairs}


def test_incremental_run_finds_the_pairs_of_scan(location, seed_dir):
    """Adding the seed articles one by one yields the related pairs ``dedup scan`` reports."""
    docs = sorted(seed_dir.glob("*.txt"))
    with Index(location) as ix:
        found = set()
        for p in docs:
            for m in ix.add(p.name, p.read_bytes().decode("utf-8")):
                found.add((frozenset((m.source, m.suspect)), m.verdict))
                assert m.doc_id in (m.source, m.suspect) and p.name in (m.source, m.suspect)
    assert found == _scan_pairs(seed_dir)


def test_add_many_equals_add_one_by_one(tmp_path, seeds):
    items = sorted(seeds.items())
    with Index(tmp_path / "a.dedup") as a, Index(tmp_path / "b.dedup", batch_size=2) as b:
        one = [[(m.doc_id, m.verdict) for m in a.add(k, t)] for k, t in items]
        many = [[(m.doc_id, m.verdict) for m in ms] for ms in b.add_many(items)]
    assert one == many
    assert any(one)


def test_store_text_false_uses_loader(tmp_path, seed_dir):
    files = {p.name: p.read_bytes().decode("utf-8") for p in sorted(seed_dir.glob("*.txt"))}
    calls = []

    def loader(doc_id: str) -> str:
        calls.append(doc_id)
        return files[doc_id]

    name0 = sorted(files)[0]
    with Index(tmp_path / "x.dedup", store_text=False, loader=loader) as ix:
        ix.add(name0, files[name0])
        [m] = ix.check("copy", files[name0])
        assert m.doc_id == name0 and calls == [name0]
        assert ix.stats()["store_text"] is False
    # default loader: ids are paths under text_root
    with Index(tmp_path / "x.dedup", text_root=seed_dir) as ix:
        assert [m.doc_id for m in ix.check("copy", files[name0])] == [name0]
    with pytest.raises(DedupIndexError, match="store_text=False"):
        Index(tmp_path / "x.dedup", store_text=True)


def test_parameters_are_recorded_and_checked(location):
    other = Config(candidates=CandidateConfig(shingle=ViewConfig(threshold=0.4, num_perm=64, verify_floor=0.25)))
    with Index(location) as ix:
        ix.add("a", synthetic_texts(1, 1)[0])
        params = ix.stats()["params"]
        assert params["scheme"] == "affine32" and params["format_version"] == FORMAT_VERSION == 5
        assert params["shingle"]["bands"] * params["shingle"]["rows"] <= params["shingle"]["num_perm"]
    with pytest.raises(ParameterMismatchError) as e:
        Index(location, config=other)
    msg = str(e.value)
    assert "shingle.num_perm: index has 128, config has 64" in msg and "rebuild" in msg and "config=" in msg
    with Index(location, config=Config()) as ix:   # the same parameters open fine
        assert len(ix) == 1


def test_bad_arguments(tmp_path):
    with Index(tmp_path / "x.dedup") as ix:
        with pytest.raises(TypeError):
            ix.add("a", b"bytes")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            ix.add("", "text")
    with pytest.raises(DedupIndexError, match="does not exist"):
        Index(tmp_path / "missing" / "x.dedup")


def test_redis_unreachable_is_a_clear_error():
    with pytest.raises(DedupIndexError, match="cannot reach the Redis server"):
        Index("redis://127.0.0.1:1/0")


def test_frequent_keys_are_capped_and_the_first_copy_stays_findable(location):
    """60 copies of one text: every key passes its cap (50; passage 20) and
    becomes a stop key; look-ups stay bounded and still find the first copy
    (scan's star rule for oversize buckets)."""
    from dedup.index.layout import key_cap
    text = synthetic_texts(1, seed=99, words=80)[0]
    cfg = CandidateConfig()
    with Index(location) as ix:
        ix.add_many([(f"c{i}", text) for i in range(60)], judge=False)
        entry = ix._entries([("probe", text)])[0]
        post = ix._backend.lookup(entry.all_keys, entry.caps)
        # at most one row per stop key, and every key is stopped
        assert len(post.keys) == len(entry.all_keys) and post.stop.all()
        assert [d for d, _ in ix.candidates(text)] == ["c0"]
        # a later copy is matched against the first one only
        assert [m.doc_id for m in ix.add("c60", text)] == ["c0"]
        assert key_cap("shingle", cfg) == 50 and key_cap("passage", cfg) == 20
        assert ix.integrity_check(full=True) == []


def test_passage_unit_as_in_scan(tmp_path):
    """One shared passage inside two long documents: the index's candidates
    are scan's, with the passage-sized containment unit and without it."""
    import random
    from dedup.candidates import CandidateConfig, find_candidates

    rng = random.Random(7)

    def words(k):
        return ["".join(rng.choice("bcdfghjklmnpqrstvwz") + rng.choice("aeiou") for _ in range(4))
                for _ in range(k)]

    def text(ws):
        return " ".join(" ".join(ws[s:s + 12]).capitalize() + "." for s in range(0, len(ws), 12))

    passage = words(120)
    a = text(words(6000) + passage + words(6000))
    b = text(words(3000) + passage + words(9000))
    for k, (cc, found) in enumerate(((CandidateConfig(), True), (CandidateConfig(passage_unit=10 ** 9), False))):
        assert bool(find_candidates([a, b], cc)) is found
        with Index(tmp_path / f"unit{k}.dedup", config=Config(candidates=cc), workers=0) as ix:
            ix.add("a", a)
            assert [d for d, _ in ix.candidates(b)] == (["a"] if found else [])


def test_indexed_copies_are_aligned_with_a_new_text_once(location, seeds, monkeypatch):
    """Checking a text against several indexed copies of one story aligns the
    pair of texts once; every copy is still a match, with the same result."""
    judge_module = sys.modules["dedup.judge"]
    with Index(location) as ix:
        for k in range(4):
            ix.add(f"copy{k}", seeds["000"])
        calls = []
        real = judge_module.align_features
        monkeypatch.setattr(judge_module, "align_features", lambda *a: calls.append(1) or real(*a))
        matches = ix.check("rewrite", seeds["001"])
        assert sorted(m.doc_id for m in matches) == ["copy0", "copy1", "copy2", "copy3"]
        assert len({(m.verdict, m.scores) for m in matches}) == 1 and matches[0].verdict == "derivative"
        assert len(calls) == 2  # one text pair, two directions
