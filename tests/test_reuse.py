"""Copied passages of pairs that are not derivatives (dedup.reuse, reuse.jsonl)."""
from __future__ import annotations

import json

import pytest

from dedup import scan
from dedup.align import text_features
from dedup.compare import align_features
from dedup.config import Config
from dedup.reuse import ReuseConfig, reused_pair, reused_passages, unquoted_chars
from dedup.text.sentences import split_sentences

# two sentences of seed 000 (no quotation marks): 357 characters
BLOCK = (653, 1010)


@pytest.fixture
def texts(seed_dir):
    by = {p.name[:3]: p.read_text(encoding="utf-8") for p in seed_dir.iterdir()}
    return by["000"], by["003"]


def _host(source: str, host: str, block: str) -> tuple[str, int]:
    """``host`` with ``block`` inserted after its 28th sentence, and where."""
    cut = split_sentences(host)[27].end
    return host[:cut] + " " + block + host[cut:], cut + 1


def _aligned(source: str, suspect: str):
    return align_features(text_features(source), text_features(suspect), Config())


def test_a_copied_block_in_a_longer_article_is_a_reused_passage(texts):
    source, host = texts
    block = source[BLOCK[0]:BLOCK[1]]
    suspect, at = _host(source, host, block)
    x = _aligned(source, suspect)
    assert x.base_verdict == "unrelated"  # far too little of either text for a derivative
    (p,) = reused_passages(x.passages, x.src, x.sus)
    assert (p.source_start, p.source_end) == BLOCK
    assert (p.suspect_start, p.suspect_end) == (at, at + len(block))
    assert suspect[p.suspect_start:p.suspect_end] == source[p.source_start:p.source_end]
    assert unquoted_chars(p, x.src, x.sus) == len(block)


def test_thresholds_and_switch(texts):
    source, host = texts
    suspect, _ = _host(source, host, source[BLOCK[0]:BLOCK[1]])
    x = _aligned(source, suspect)
    n = BLOCK[1] - BLOCK[0]
    assert len(reused_passages(x.passages, x.src, x.sus, ReuseConfig(min_chars=n))) == 1
    assert reused_passages(x.passages, x.src, x.sus, ReuseConfig(min_chars=n + 1)) == ()
    assert reused_passages(x.passages, x.src, x.sus, ReuseConfig(enabled=False)) == ()
    # one sentence of it is too short
    one = _aligned(source, _host(source, host, source[653:912])[0])
    assert len(reused_passages(one.passages, one.src, one.sus, ReuseConfig(min_chars=200))) == 1
    assert reused_passages(one.passages, one.src, one.sus, ReuseConfig(min_chars=300)) == ()


def test_a_shared_quotation_is_not_copied_text(texts):
    source, host = texts
    block = source[BLOCK[0]:BLOCK[1]]
    quoted_src = source[:BLOCK[0]] + "“" + block + "”" + source[BLOCK[1]:]
    suspect, _ = _host(quoted_src, host, "“" + block + "”")
    x = _aligned(quoted_src, suspect)
    assert x.passages  # the alignment still finds it
    assert unquoted_chars(x.passages[0], x.src, x.sus) < 0.1 * len(block)
    assert reused_passages(x.passages, x.src, x.sus) == ()


def test_reused_pair_shares_and_dict(texts):
    source, host = texts
    suspect, at = _host(source, host, source[BLOCK[0]:BLOCK[1]])
    x = _aligned(source, suspect)
    r = reused_pair("a", "b", "unrelated", x.passages, x.src, x.sus)
    n = BLOCK[1] - BLOCK[0]
    assert r.reused_chars == n
    assert r.source_share == round(n / len(source), 4)
    assert r.suspect_share == round(n / len(suspect), 4)
    assert r.to_dict() == {"source": "a", "suspect": "b", "verdict": "unrelated", "reused_chars": n,
                           "source_share": r.source_share, "suspect_share": r.suspect_share,
                           "passages": [{"source_start": BLOCK[0], "source_end": BLOCK[1], "suspect_start": at,
                                         "suspect_end": at + n, "score": 1.0}]}
    assert reused_pair("a", "b", "unrelated", x.passages, x.src, x.sus, ReuseConfig(min_chars=10_000)) is None


@pytest.mark.parametrize("kwargs,word", [({"min_chars": 0}, "min_chars"), ({"min_score": 1.5}, "min_score")])
def test_config_errors_say_what_to_give(kwargs, word):
    with pytest.raises(ValueError, match=word):
        ReuseConfig(**kwargs)


@pytest.mark.parametrize("workers", [1, 2])
def test_scan_writes_reuse_jsonl(texts, tmp_path, workers):
    source, host = texts
    block = source[BLOCK[0]:BLOCK[1]]
    suspect, at = _host(source, host, block)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "original.txt").write_text(source, encoding="utf-8", newline="")
    (corpus / "longer.txt").write_text(suspect, encoding="utf-8", newline="")
    result = scan(corpus, workers=workers)
    assert result.pairs == []  # not a derivative either way
    (r,) = result.reuse
    # the longer article reuses the original's words, not the reverse
    assert (r.source, r.suspect, r.verdict) == ("original.txt", "longer.txt", "unrelated")
    out = tmp_path / "out"
    result.write(out)
    (row,) = [json.loads(x) for x in (out / "reuse.jsonl").read_text(encoding="utf-8").splitlines()]
    (p,) = row["passages"]
    assert suspect[p["suspect_start"]:p["suspect_end"]] == block == source[p["source_start"]:p["source_end"]]
    assert "pairs sharing copied passages, not derivatives: 1" in result.summary()


def test_scan_reuse_direction_follows_dates(texts, tmp_path):
    source, host = texts
    suspect, _ = _host(source, host, source[BLOCK[0]:BLOCK[1]])
    feed = tmp_path / "feed.jsonl"
    with open(feed, "w", encoding="utf-8") as f:  # the longer article is the earlier one here
        f.write(json.dumps({"id": "orig", "text": source, "date": "2025-02-01"}) + "\n")
        f.write(json.dumps({"id": "long", "text": suspect, "date": "2025-01-01"}) + "\n")
    (r,) = scan(feed, workers=1).reuse
    assert (r.source, r.suspect) == ("feed.jsonl#long", "feed.jsonl#orig")
    assert r.passages[0].suspect_start == BLOCK[0]


def test_scan_reuse_can_be_switched_off(texts, tmp_path):
    source, host = texts
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "original.txt").write_text(source, encoding="utf-8", newline="")
    (corpus / "longer.txt").write_text(_host(source, host, source[BLOCK[0]:BLOCK[1]])[0], encoding="utf-8",
                                       newline="")
    assert scan(corpus, workers=1, config=Config(reuse=ReuseConfig(enabled=False))).reuse == []


def test_the_direction_showing_more_copied_text_is_reported(texts):
    source, host = texts
    suspect, at = _host(source, host, source[BLOCK[0]:BLOCK[1]])
    x = _aligned(source, suspect)  # the longer text against the original
    n = BLOCK[1] - BLOCK[0]
    # seen from the original's side: it is the suspect, its passages come from the other direction
    r = reused_pair("longer", "original", "unrelated", (), x.sus, x.src, reverse=x.passages)
    (p,) = r.passages
    assert (p.source_start, p.source_end, p.suspect_start, p.suspect_end) == (at, at + n, *BLOCK)
    assert (r.source_share, r.suspect_share) == (round(n / len(suspect), 4), round(n / len(source), 4))


def test_copied_in_texts_equals_the_features_rule(texts):
    from dedup import compare
    from dedup.reuse import copied_in_texts
    source, host = texts
    block = source[BLOCK[0]:BLOCK[1]]
    for suspect in (_host(source, host, block)[0], _host(source, host, "“" + block + "”")[0], host):
        x = _aligned(source, suspect)
        assert copied_in_texts(x.passages, source, suspect) == reused_passages(x.passages, x.src, x.sus)
        assert compare(source, suspect).passages == x.passages


def test_compare_text_names_the_copied_passages(texts, tmp_path):
    from click.testing import CliRunner
    from dedup.cli import main
    source, host = texts
    (tmp_path / "a.txt").write_text(source, encoding="utf-8", newline="")
    (tmp_path / "b.txt").write_text(_host(source, host, source[BLOCK[0]:BLOCK[1]])[0], encoding="utf-8", newline="")
    (tmp_path / "c.txt").write_text(host, encoding="utf-8", newline="")
    out = CliRunner().invoke(main, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]).output
    assert out.splitlines()[0] == "verdict: unrelated"
    assert out.splitlines()[3] == ("copied: 1 passage(s), 357 characters of the suspect; "
                                   "too little of either text for a rewrite")
    plain = CliRunner().invoke(main, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "c.txt")]).output
    assert "copied:" not in plain
