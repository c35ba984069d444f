"""dedup.text.quotes: quotations with offsets of the quoted words."""
import pytest

from dedup.text.quotes import Quote, find_quotes


def quotes(text, **kw):
    out = find_quotes(text, **kw)
    for q in out:
        assert text[q.start:q.end] == q.text
    return [(q.start, q.end, q.text) for q in out]


@pytest.mark.parametrize("text,expected", [
    ("He said “we will win” today.", [(9, 20, "we will win")]),
    ('He said "we will win" today.', [(9, 20, "we will win")]),
    ("Aides said ‘no deal’ was reached.", [(12, 19, "no deal")]),
    ("«Bonjour tout le monde», dit-il.", [(1, 22, "Bonjour tout le monde")]),
    ("„Guten Tag“ sagte er.", [(1, 10, "Guten Tag")]),
])
def test_curly_straight_and_foreign_marks(text, expected):
    assert quotes(text) == expected


def test_returns_quote_objects_marks_excluded():
    assert find_quotes("“Yes”") == [Quote(1, 4, "Yes")]


def test_apostrophes_are_not_quotes():
    assert quotes("Putin’s envoy and Trump’s aide met.") == []
    assert quotes("Putin’s aides said ‘no deal’ was reached.") == [(20, 27, "no deal")]
    assert quotes("it’s ‘quoted’ here") == [(6, 12, "quoted")]
    assert quotes("rock ’n’ roll") == []


@pytest.mark.parametrize("text", [
    "During the 's librarian tried to move the United States' national library.",
    "In 1861 the ‘s appointment ended the Library of Congress’ growth.",
    "They 're late and we 'll wait for the players' bus.",
])
def test_a_lone_clitic_opens_no_quotation(text):
    # what is left where a name was cut out: a possessive, not an opening mark
    assert find_quotes(text) == []


def test_a_stray_straight_mark_does_not_pair_with_the_next_opening():
    # no line break to stop it: the stray mark would quote everything up to the next quotation
    text = 'He titled it "The Jade Clock. It was fine. She funds two "Diabetes Today" events.'
    assert [q.text for q in find_quotes(text)] == ["Diabetes Today"]
    assert [q.text for q in find_quotes('He said "yes" and "no".')] == ["yes", "no"]


def test_a_quotation_starting_like_a_clitic_is_still_found():
    assert [q.text for q in find_quotes("He called it a 'sample' and a ‘dream’.")] == ["sample", "dream"]


def test_apostrophe_inside_double_quote():
    text = "He said: “The boys’ toys are here,” she said."
    assert quotes(text) == [(10, 33, "The boys’ toys are here")]


def test_trailing_punctuation_and_spaces_trimmed():
    assert quotes("He said “ yes, ” and left.") == [(10, 13, "yes")]
    assert quotes("“Well; ” ok") == [(1, 5, "Well")]


def test_open_quote_runs_to_paragraph_end():
    assert quotes("“This runs on\nNext para.") == [(1, 13, "This runs on")]
    assert quotes("She said: “Open to the end") == [(11, 26, "Open to the end")]
    assert quotes("He said “one” and\n“two three") == [(9, 12, "one"), (19, 28, "two three")]


def test_unclosed_straight_quote_is_ignored():
    assert quotes('He said "unterminated\nnext') == []
    assert quotes('5" screen') == []


def test_several_quotes_in_order_and_min_words():
    text = "“a” and “b c” and \"d e f\""
    assert quotes(text) == [(1, 2, "a"), (9, 12, "b c"), (19, 24, "d e f")]
    assert quotes(text, min_words=2) == [(9, 12, "b c"), (19, 24, "d e f")]
    assert quotes(text, min_words=3) == [(19, 24, "d e f")]


@pytest.mark.parametrize("text", ["", "no quotes here", "“ … ”", '""', "“”"])
def test_no_quote_without_words(text):
    assert find_quotes(text) == []


def test_nested_quote_not_reported():
    text = "He said “they called it ‘a farce’ twice” loudly."
    assert quotes(text) == [(9, 39, "they called it ‘a farce’ twice")]


def test_straight_single_quotes():
    assert quotes("He said 'no deal' today.") == [(9, 16, "no deal")]
