"""Judging a pair both ways (dedup.judge), as a scan and the index do, and the
scan's early exit for pairs unrelated in both directions."""
from __future__ import annotations

from dedup.align import text_features
from dedup.compare import compare_features
from dedup.config import Config
from dedup.document import Document
from dedup.judge import judge_features, judge_pair
from dedup.scan import _judge_chunk


def _seeds(seed_dir):
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(seed_dir.glob("*.txt"))]


def test_scan_judge_drops_pairs_unrelated_both_ways(seed_dir):
    cfg = Config()
    seeds = _seeds(seed_dir)
    docs = [Document(name, text, {}) for name, text in seeds]
    unrelated = Document("weather.txt", "Rain is expected across the region on Friday. "
                         "Temperatures will fall to five degrees overnight, forecasters said.", {})
    docs.append(unrelated)
    pairs = [(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))]
    kept, _ = _judge_chunk(docs, pairs, cfg)
    full = [judge_pair(docs[i], docs[j], cfg) for i, j in pairs]
    # the chunk keeps exactly the pairs that are not unrelated, with the same results
    assert kept == [r for r in full if r.verdict != "unrelated"]
    assert any(r.verdict == "unrelated" for r in full)
    fa, fb = text_features(docs[0].text), text_features(unrelated.text)
    assert judge_features(docs[0], unrelated, fa, fb, cfg, drop_unrelated=True) is None
    assert judge_features(docs[0], unrelated, fa, fb, cfg).verdict == "unrelated"


def _eager_judge(a, b, cfg):
    """judge_pair as first written: both directions finished, then chosen."""
    from dedup.judge import PairResult, _RANK, vocabulary_containment
    fa, fb = text_features(a.text), text_features(b.text)
    ab = compare_features(fa, fb, cfg)
    ba = compare_features(fb, fa, cfg)
    da, db = a.meta.get("date"), b.meta.get("date")
    if da and db and da != db and _RANK[ab.verdict] > 1 and _RANK[ba.verdict] > 1:
        forward = str(da) < str(db)
    elif _RANK[ab.verdict] != _RANK[ba.verdict]:
        forward = _RANK[ab.verdict] > _RANK[ba.verdict]
    else:
        ca, cb = vocabulary_containment(fa, fb), vocabulary_containment(fb, fa)
        if cb >= 0.98 and ca < 0.95:  # b is cut from a
            forward = True
        elif ca >= 0.98 and cb < 0.95:
            forward = False
        else:
            forward = (ca, b.id) >= (cb, a.id)
    return PairResult(a.id, b.id, ab.verdict, ab) if forward else PairResult(b.id, a.id, ba.verdict, ba)


def test_judge_finishes_only_the_directions_it_needs(seed_dir):
    # an unrelated or shared-quotes direction is finished only when chosen;
    # the result equals finishing both directions first
    cfg = Config()
    seeds = _seeds(seed_dir)
    docs = [Document(name, text, {}) for name, text in seeds]
    docs += [Document(f"dated-{name}", text, {"date": f"2024-01-0{k + 1}"}) for k, (name, text) in enumerate(seeds)]
    docs.append(Document("weather.txt", "Rain is expected across the region on Friday. "
                         "Temperatures will fall to five degrees overnight, forecasters said.", {}))
    verdicts = set()
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            got = judge_pair(docs[i], docs[j], cfg)
            assert got == _eager_judge(docs[i], docs[j], cfg)
            verdicts.add(got.verdict)
    assert {"near-duplicate", "derivative", "spun", "shared-quotes", "unrelated"} <= verdicts


def test_judging_reuses_the_alignment_of_a_text_pair_seen_before(seed_dir, monkeypatch):
    """Exact copies pair with the same partners and with each other: a text
    pair is aligned once however many document pairs carry it (either way
    round; a text paired with itself is aligned in one direction), with the
    same results as judging each pair afresh."""
    import sys
    judge_module = sys.modules["dedup.judge"]
    cfg = Config()
    seeds = _seeds(seed_dir)
    docs = []
    for k in range(3):  # three copies of every seed, the later ones dated
        docs += [Document(f"{k}-{name}", text, {"date": f"2024-0{k + 1}-01"} if k else {}) for name, text in seeds]
    pairs = [(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))]
    pairs += [(j, i) for i, j in pairs[:40]]  # the other way round too
    fresh = [judge_pair(docs[i], docs[j], cfg) for i, j in pairs]
    calls = []
    real = judge_module.align_features
    monkeypatch.setattr(judge_module, "align_features", lambda *a: calls.append(1) or real(*a))
    kept, _ = _judge_chunk(docs, pairs, cfg)
    assert kept == [r for r in fresh if r.verdict != "unrelated"]
    texts = {frozenset((docs[i].text, docs[j].text)) for i, j in pairs}
    # two directions per distinct text pair; one when both texts are the same
    assert len(calls) == sum(len(t) for t in texts) < 2 * len(pairs)


def test_orientation_by_vocabulary():
    from dedup.judge import orientation_by_vocabulary
    # b adds words of its own (a rewrite): a is the source
    assert orientation_by_vocabulary(0.9, 0.8) is True
    assert orientation_by_vocabulary(0.8, 0.9) is False
    assert orientation_by_vocabulary(0.9, 0.9) is None
    # b adds (almost) nothing and leaves a tenth of a out: b is cut from a, whatever the raw order says
    assert orientation_by_vocabulary(0.90, 1.0) is True
    assert orientation_by_vocabulary(0.90, 0.985) is True
    assert orientation_by_vocabulary(1.0, 0.90) is False
    # too little left out to call it a cut: the rewrite rule
    assert orientation_by_vocabulary(0.96, 1.0) is False


def test_a_trimmed_copy_is_the_derivative_in_either_order(seeds):
    from dedup.text.sentences import split_sentences
    full = seeds["000"]
    spans = split_sentences(full)
    trimmed = full[:spans[-5].start].rstrip() + "\n"  # the last five sentences cut, as an editor trims copy
    cfg = Config()
    for a, b in ((Document("full", full), Document("trimmed", trimmed)),
                 (Document("trimmed", trimmed), Document("full", full))):
        r = judge_pair(a, b, cfg)
        assert (r.source, r.suspect) == ("full", "trimmed"), r.verdict
