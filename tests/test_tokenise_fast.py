"""The vectorised featuriser (dedup.featurise.tokenise), numpy and compiled
(dedup.kernels.tokenise_bytes), against its plain-Python reference."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dedup.featurise import LONG, NUMBER, WORD, tokenise, tokenise_reference


def _fast(texts, **kw):  # per document: (kind, h64, key, cap, sent_start) per token
    tk = tokenise(texts, **kw)
    out = [[] for _ in texts]
    for k, h, key, c, s, d in zip(tk.kind.tolist(), tk.h64.tolist(), tk.key.tolist(), tk.cap.tolist(),
                                  tk.sent_start.tolist(), tk.doc.tolist()):
        out[d].append((k, h, key, c, s))
    return out


# text built from pieces that exercise every rule, plus arbitrary unicode
_PIECES = st.sampled_from([
    " ", "  ", "\n", "\n\n", "\n ", "\t", ".", ". ", "! ", "?", "'", "’", "'s", "’s", "s", "S", ",", "1,000",
    "2.5", "U.S.", "don't", "Obama's", "talking", "talked", "makes", "taxes", "uses", "goes", "class",
    "quickly", "government", "Governments", "the", "The", "and", "It's", "é", "É", "ß", "×", "—", "“", "”",
    "…", "\u00a0", "Café", "naïve", "日本語", "Ωμέγα", "a", "I", "x1", "9am", "(", ")", '"', "e", "ee", "ing",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40).map("".join)


@pytest.mark.parametrize("fast", [False, True])
@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=0, max_size=5), st.integers(0, 3), st.integers(3, 9), st.integers(4, 10))
def test_fast_tokeniser_equals_reference(fast, texts, seed, min_len, prefix):
    kw = dict(seed=seed, min_len=min_len, stem_prefix=prefix)
    assert _fast(texts, fast=fast, **kw) == tokenise_reference(texts, **kw)


@pytest.mark.parametrize("fast", [False, True])
@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), max_size=4))
def test_fast_tokeniser_equals_reference_any_unicode(fast, texts):
    assert _fast(texts, fast=fast) == tokenise_reference(texts)


def test_rules():
    (toks,) = tokenise_reference(["The U.S. talks’ 1,000 Obama's talking. Governments!"])
    kinds = [t[0] for t in toks]
    assert len(toks) == 7 and kinds[0] == WORD and kinds[3] == NUMBER and kinds[6] == LONG
    # stems: talks / talking share a key; Obama's == obama
    assert toks[2][2] == toks[5][2]
    (ob,) = tokenise_reference(["obama"])
    assert ob[0][1] == toks[4][1]
    # sentence starts: "The", after "U.S." (a dot before a space ends a sentence) and "Governments"; capitalised: The, U.S., Obama's, Governments
    assert [t[4] for t in toks] == [True, False, True, False, False, False, True]
    assert [t[3] for t in toks] == [True, True, False, False, True, False, True]


@pytest.mark.parametrize("fast", [False, True])
def test_batches_are_independent(fast):
    a, b = "Alpha beta. Gamma", "delta’s epsilon 2,5"
    joined = tokenise([a, b], fast=fast)
    one = tokenise([a], fast=fast)
    assert np.array_equal(joined.h64[joined.doc == 0], one.h64)
    assert tokenise([], fast=fast).kind.shape == (0,)


def test_fast_and_numpy_give_identical_arrays():
    texts = ["The U.S. talks’ 1,000 Obama's talking. Governments!\n\n  Café “naïve” — 2.5-hour", "", "x"]
    a, b = tokenise(texts, fast=False), tokenise(texts, fast=True)
    for f in ("kind", "h64", "key", "cap", "sent_start", "doc"):
        x, y = getattr(a, f), getattr(b, f)
        assert x.dtype == y.dtype and np.array_equal(x, y), f
