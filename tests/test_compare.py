"""compare_features split into align_features + finish_comparison, and the
scan's early exit for pairs unrelated in both directions."""
from __future__ import annotations

from dedup.align import text_features
from dedup.compare import align_features, compare_features, finish_comparison
from dedup.config import Config
from dedup.document import Document
from dedup.scan import _judge_chunk, judge_features, judge_pair


def _seeds(seed_dir):
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(seed_dir.glob("*.txt"))]


def test_split_comparison_equals_compare_features(seed_dir):
    cfg = Config()
    feats = [text_features(t) for _, t in _seeds(seed_dir)]
    verdicts = set()
    for a in feats:
        for b in feats:
            if a is b:
                continue
            x = align_features(a, b, cfg)
            full = compare_features(a, b, cfg)
            assert finish_comparison(x, cfg) == full
            # flags only turn near-duplicate/derivative into spun
            if x.base_verdict in ("unrelated", "shared-quotes"):
                assert full.verdict == x.base_verdict
            else:
                assert full.verdict in (x.base_verdict, "spun")
            verdicts.add(full.verdict)
    assert {"derivative", "spun", "shared-quotes"} <= verdicts


def test_scan_judge_drops_pairs_unrelated_both_ways(seed_dir):
    cfg = Config()
    seeds = _seeds(seed_dir)
    docs = [Document(name, text, {}) for name, text in seeds]
    unrelated = Document("weather.txt", "Rain is expected across the region on Friday. "
                         "Temperatures will fall to five degrees overnight, forecasters said.", {})
    docs.append(unrelated)
    pairs = [(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))]
    kept = _judge_chunk(docs, pairs, cfg)
    full = [judge_pair(docs[i], docs[j], cfg) for i, j in pairs]
    # the chunk keeps exactly the pairs that are not unrelated, with the same results
    assert kept == [r for r in full if r.verdict != "unrelated"]
    assert any(r.verdict == "unrelated" for r in full)
    fa, fb = text_features(docs[0].text), text_features(unrelated.text)
    assert judge_features(docs[0], unrelated, fa, fb, cfg, drop_unrelated=True) is None
    assert judge_features(docs[0], unrelated, fa, fb, cfg).verdict == "unrelated"
