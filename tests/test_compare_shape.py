"""compare() on arbitrary text always returns the documented to_dict() shape."""
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import compare

VERDICTS = {"unrelated", "shared-quotes", "near-duplicate", "derivative", "spun"}
FLAG_KINDS = {"negation", "antonym", "polarity", "number", "entity", "role-swap",
              "attribution", "hedge", "quote-altered"}
TOP_KEYS = {"verdict", "scores", "passages", "sentences", "shared_quotes"}
SCORE_KEYS = {"resemblance", "containment", "coverage", "drift"}
PASSAGE_KEYS = {"source_start", "source_end", "suspect_start", "suspect_end", "score"}
SENTENCE_KEYS = {"suspect_start", "suspect_end", "source_start", "source_end", "similarity", "drift",
                 "quoted", "flags"}
FLAG_KEYS = {"kind", "source_text", "suspect_text", "explanation"}
QUOTE_KEYS = {"text", "source_start", "source_end", "suspect_start", "suspect_end"}

SEEDS = sorted((Path(__file__).parent.parent / "fixtures" / "seeds").glob("*.txt"))


def _is_int(x):
    return type(x) is int


def _unit(x):
    return type(x) is float and math.isfinite(x) and 0.0 <= x <= 1.0


def _span(start, end, text):
    assert _is_int(start) and _is_int(end), (start, end)
    assert 0 <= start <= end <= len(text), (start, end, len(text))


def check_shape(d, source, suspect):
    assert set(d) == TOP_KEYS
    assert d["verdict"] in VERDICTS
    assert set(d["scores"]) == SCORE_KEYS
    assert all(_unit(v) for v in d["scores"].values()), d["scores"]
    assert type(d["passages"]) is list and type(d["sentences"]) is list and type(d["shared_quotes"]) is list
    for p in d["passages"]:
        assert set(p) == PASSAGE_KEYS
        _span(p["source_start"], p["source_end"], source)
        _span(p["suspect_start"], p["suspect_end"], suspect)
        assert type(p["score"]) is float and math.isfinite(p["score"])
    prev_end = 0
    for s in d["sentences"]:
        assert set(s) == SENTENCE_KEYS
        _span(s["suspect_start"], s["suspect_end"], suspect)
        assert s["suspect_start"] >= prev_end, "sentences out of suspect order or overlapping"
        prev_end = s["suspect_end"]
        assert (s["source_start"] is None) == (s["source_end"] is None)
        if s["source_start"] is not None:
            _span(s["source_start"], s["source_end"], source)
        else:
            assert s["flags"] == []
        assert _unit(s["similarity"]) and _unit(s["drift"]), s
        assert type(s["quoted"]) is bool
        assert type(s["flags"]) is list
        for f in s["flags"]:
            assert set(f) == FLAG_KEYS
            assert f["kind"] in FLAG_KINDS
            assert all(type(f[k]) is str for k in ("source_text", "suspect_text", "explanation"))
            assert f["explanation"]
    for q in d["shared_quotes"]:
        assert set(q) == QUOTE_KEYS
        assert type(q["text"]) is str and q["text"]
        _span(q["source_start"], q["source_end"], source)
        _span(q["suspect_start"], q["suspect_end"], suspect)
        assert suspect[q["suspect_start"]:q["suspect_end"]] == q["text"]
    assert json.loads(json.dumps(d)) == d
    json.dumps(d, ensure_ascii=False)


WORDS = ["the", "Putin", "Trump", "said", "not", "never", "rose", "fell", "10%", "2.5", "U.S.", "Mr.",
         "J.D.", "Kyiv", "Moscow", "talks", "peace", "failed", "succeeded", "may", "will", "claimed",
         "positive", "negative", "Putin’s", "three", "3", "million", "café", "Cafe\u0301", "🙂", "🇺🇦",
         "e\u0301\u0301", "—", "…", "’", "‘", "“", "”", '"', "«", "»", "•", "\u200b", "\ufeff", ""]
word = st.sampled_from(WORDS) | st.text(min_size=1, max_size=8)
sentence = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(word, min_size=0, max_size=12),
                     st.sampled_from([".", "!", "?", "", "…", ".”", '."', "\n", "\n\n", "\r\n"]))
quoted = st.builds(lambda s, o, c: o + s + c, sentence, st.sampled_from(["“", '"', "‘", "«", ""]),
                   st.sampled_from(["”", '"', "’", "»", ""]))
built = st.builds(lambda parts, sep: sep.join(parts), st.lists(sentence | quoted, max_size=10),
                  st.sampled_from([" ", "\n", "\n\n", "", " • "]))
any_text = st.one_of(st.just(""), st.text(max_size=200), built)


@st.composite
def text_pair(draw):
    source = draw(any_text)
    how = draw(st.sampled_from(["independent", "copy", "edit", "seed"]))
    if how == "independent":
        return source, draw(any_text)
    if how == "copy":
        return source, source
    if how == "seed":
        seed = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_text(encoding="utf-8")
        k = draw(st.integers(0, len(seed)))
        return seed[:k + 400], seed[k:k + 600] + draw(any_text)
    # edit: splice random text into a copy of the source
    i = draw(st.integers(0, len(source)))
    j = draw(st.integers(i, len(source)))
    return source, source[:i] + draw(any_text) + source[j:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_pair())
def test_compare_shape_on_arbitrary_text(pair):
    source, suspect = pair
    check_shape(compare(source, suspect).to_dict(), source, suspect)


@pytest.mark.parametrize("k", range(len(SEEDS)))
def test_compare_shape_on_seed_pairs(k):
    source = SEEDS[k].read_text(encoding="utf-8")
    suspect = SEEDS[(k + 1) % len(SEEDS)].read_text(encoding="utf-8")
    check_shape(compare(source, suspect).to_dict(), source, suspect)
    check_shape(compare(source, source).to_dict(), source, source)


def test_copy_is_near_duplicate():
    text = SEEDS[0].read_text(encoding="utf-8")
    d = compare(text, text).to_dict()
    assert d["verdict"] == "near-duplicate"
    assert d["scores"]["coverage"] == 1.0


def test_rejects_non_str():
    with pytest.raises(TypeError):
        compare(b"bytes", "str")


# regression: a source sentence reused twice counted its matched terms twice (resemblance 1.53)
def test_resemblance_at_most_1_when_suspect_repeats_a_sentence():
    a = ("Putin wanted no Tomahawks for Ukraine, a Budapest summit was agreed upon.\n"
         "A composite image showing a portrait of Russian President Vladimir Putin on the left.")
    b = a + " A composite image showing a portrait of Russian President Vladimir Putin on the left."
    d = compare(a, b).to_dict()
    assert 0.0 <= d["scores"]["resemblance"] <= 1.0, d["scores"]


# regression: paragraph numbering when a text starts with a newline (IndexError in align)
@pytest.mark.parametrize("source,suspect", [("\n0", "\n0"), ("0", "\n0")])
def test_leading_newline_does_not_crash(source, suspect):
    check_shape(compare(source, suspect).to_dict(), source, suspect)
