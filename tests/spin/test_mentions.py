"""The word search behind the entity flags' document filter, against the regex it replaces."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.spin.flags import _has_word, _mentions

_ALPHABET = st.sampled_from(list("abAB_1 .-'’éÉß٣\u0301\n"))


@settings(max_examples=500, deadline=None)
@given(text=st.text(_ALPHABET, max_size=40), word=st.text(_ALPHABET, min_size=1, max_size=4))
def test_has_word_equals_the_regex(text, word):
    expected = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None
    assert _has_word(text, word) == expected


def test_mentions_whole_name_or_surname_as_a_word():
    text = "Vladimir Putin met Mr. Trump's envoy in Helsinki_2 and Alaskan officials."
    assert _mentions(text, "Vladimir Putin")
    assert _mentions(text, "President Putin")      # the surname alone
    assert _mentions(text, "Donald Trump")         # "Trump's": the apostrophe ends the word
    assert not _mentions(text, "Alaska")           # inside "Alaskan"
    assert not _mentions(text, "Helsinki")         # "_" is a word character
    assert not _mentions(text, "the president")    # no capitalised word to look for
