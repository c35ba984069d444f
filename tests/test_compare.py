"""compare_features split into align_features + finish_comparison."""
from __future__ import annotations

from dedup.align import text_features
from dedup.compare import align_features, compare_features, finish_comparison
from dedup.config import Config


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


def test_a_verbatim_sentence_has_no_flag_and_no_order_change(seed_dir):
    # compare() skips the flag mechanisms for a sentence copied verbatim; the
    # full path agrees on every seed sentence and on sentences that carry
    # every kind of cue
    from dedup.spin import sentence_flags, sentence_order
    from dedup.text.sentences import split_sentences

    sentences = [s.text for _, t in _seeds(seed_dir) for s in split_sentences(t)]
    sentences += [
        "The index did not rise, and profits fell 2.5% to $3 million on 4 May.",
        'Officials reportedly said the talks "may fail", the Kremlin denied.',
        "Mr. Turner met Putin in Helsinki; Putin never called Turner back.",
    ]
    for s in sentences:
        assert sentence_flags(s, s) == []
        assert sentence_order(s, s).evidence == 0
    text = _seeds(seed_dir)[0][1]
    same = compare_features(text_features(text), text_features(text), Config())
    assert same.verdict == "near-duplicate"
    assert all(not s.flags and s.drift == 0.0 for s in same.sentences if s.source_start is not None)
