"""Acceptance on the seed corpus (issue 2): the relations of the five seed
articles come out right through the public API."""
from __future__ import annotations

import pytest

from dedup import compare, scan

RELATED = {"near-duplicate", "derivative", "spun"}


def _sentence_with(result, suspect: str, needle: str):
    hits = [s for s in result.sentences if needle in suspect[s.suspect_start:s.suspect_end]]
    assert len(hits) == 1, f"expected one suspect sentence containing {needle!r}, found {len(hits)}"
    return hits[0]


def test_summary_rewrite_is_derivative(seeds):
    assert compare(seeds["000"], seeds["001"]).verdict in {"derivative", "spun"}


def test_spun_rewrite_is_spun_with_flags_on_the_spun_sentences(seeds):
    result = compare(seeds["000"], seeds["002"])
    assert result.verdict == "spun"
    need = _sentence_with(result, seeds["002"], "Fulfilling Ukraine’s need")
    assert need.source_start is not None and need.flags
    helsinki = _sentence_with(result, seeds["002"], "Helsinki")
    assert helsinki.flags
    assert "Alaska" in seeds["000"][helsinki.source_start:helsinki.source_end]


def test_spun_rewrite_flags_entity_and_attribution(seeds):
    result = compare(seeds["000"], seeds["002"])
    helsinki = _sentence_with(result, seeds["002"], "Helsinki")
    entity = [f for f in helsinki.flags if f.kind == "entity"]
    assert entity and "Alaska" in entity[0].source_text and "Helsinki" in entity[0].suspect_text
    pp = _sentence_with(result, seeds["002"], "positive and productive")
    assert "attribution" in {f.kind for f in pp.flags}


def test_restated_sentence_aligns_to_its_source(seeds):
    result = compare(seeds["000"], seeds["002"])
    s = _sentence_with(result, seeds["002"], "two and a half hours")
    assert "2.5-hour intervention by Vladimir Putin" in seeds["000"][s.source_start:s.source_end]


def test_shared_quotes_of_independent_reports(seeds):
    result = compare(seeds["003"], seeds["004"])
    assert result.verdict in {"shared-quotes", "unrelated"}
    texts = [q.text for q in result.shared_quotes]
    assert any("My phone conversation today with President Putin" in t for t in texts)
    for q in result.shared_quotes:
        assert seeds["004"][q.suspect_start:q.suspect_end] == q.text


@pytest.mark.parametrize("a,b", [("003", "004"), ("004", "003"), ("000", "003"), ("000", "004"),
                                 ("001", "004"), ("002", "004"), ("003", "000"), ("004", "000")])
def test_unrelated_pairs_are_never_derivative(seeds, a, b):
    assert compare(seeds[a], seeds[b]).verdict in {"unrelated", "shared-quotes"}


def test_scan_reports_the_two_rewrites_and_nothing_else(seed_dir, tmp_path):
    result = scan(seed_dir, workers=1)
    related = {(p.source[:3], p.suspect[:3]) for p in result.pairs if p.verdict in RELATED}
    assert ("000", "001") in related
    assert ("000", "002") in related
    assert not any({"003", "004"} & set(pair) for pair in related)
    assert result.errors == []
    origin = {c.origin[:3] for c in result.clusters}
    assert origin == {"000"}
    paths = result.write(tmp_path)
    assert sorted(p.name for p in paths.values()) == ["clusters.jsonl", "errors.jsonl", "pairs.jsonl", "reuse.jsonl"]
    # 003/004 share quotations, not copied text
    assert result.reuse == [] and (tmp_path / "reuse.jsonl").read_text(encoding="utf-8") == ""
