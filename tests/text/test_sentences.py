"""dedup.text.sentences: sentence splitting with offsets into the original text."""
import pytest

from dedup.text.sentences import Sentence, split_sentences


def split(text):
    out = split_sentences(text)
    for s in out:
        assert text[s.start:s.end] == s.text
    return [(s.start, s.end, s.text) for s in out]


def test_basic_split_with_offsets():
    assert split("It rose. Then it fell! Did it? Yes.") == [
        (0, 8, "It rose."), (9, 22, "Then it fell!"), (23, 30, "Did it?"), (31, 35, "Yes.")]


def test_returns_sentence_objects():
    assert split_sentences("One two.") == [Sentence(0, 8, "One two.")]


@pytest.mark.parametrize("text,expected", [
    ("The U.S. economy grew. Mr. Smith said so.",
     [(0, 22, "The U.S. economy grew."), (23, 41, "Mr. Smith said so.")]),
    ("Meet at 8 p.m. Friday. Ok.", [(0, 22, "Meet at 8 p.m. Friday."), (23, 26, "Ok.")]),
    ("Dr. Jones and Gen. Lee met on Jan. 5 in the U.K. capital.",
     [(0, 57, "Dr. Jones and Gen. Lee met on Jan. 5 in the U.K. capital.")]),
    ("J. Smith spoke. He left.", [(0, 15, "J. Smith spoke."), (16, 24, "He left.")]),
    ("It rose 5.5 percent. 2024 was good.", [(0, 20, "It rose 5.5 percent."), (21, 35, "2024 was good.")]),
])
def test_abbreviations_do_not_split(text, expected):
    assert split(text) == expected


def test_multiple_initials_do_not_split():
    assert split("J.D. Vance spoke. He left!") == [(0, 17, "J.D. Vance spoke."), (18, 26, "He left!")]


def test_lower_case_after_period_does_not_split():
    assert split("Yes. no split here. Maybe") == [(0, 19, "Yes. no split here."), (20, 25, "Maybe")]


def test_newlines_always_split():
    assert split("Headline here\nBody text starts. Second one.") == [
        (0, 13, "Headline here"), (14, 31, "Body text starts."), (32, 43, "Second one.")]
    assert split("The U.S.\nNew line.") == [(0, 8, "The U.S."), (9, 18, "New line.")]
    assert split("no period\nstill splits") == [(0, 9, "no period"), (10, 22, "still splits")]


def test_crlf_and_blank_lines():
    assert split("One.\r\n\r\nTwo.\r\n") == [(0, 4, "One."), (8, 12, "Two.")]


def test_bullets_and_dashes_stripped():
    assert split("• First bullet\n• Second bullet") == [(2, 14, "First bullet"), (17, 30, "Second bullet")]
    assert split("– dash item\n- another\n* star") == [(2, 11, "dash item"), (14, 21, "another"), (24, 28, "star")]


def test_closing_quotes_stay_with_their_sentence():
    assert split('He said "Stop." Then he left.') == [(0, 15, 'He said "Stop."'), (16, 29, "Then he left.")]
    assert split("He said “Stop.” Then he left.") == [(0, 15, "He said “Stop.”"), (16, 29, "Then he left.")]


def test_opening_quote_starts_a_sentence():
    assert split("He left. “We won,” she said.") == [(0, 8, "He left."), (9, 28, "“We won,” she said.")]


def test_ellipsis_and_surrounding_whitespace():
    assert split("  Wow… Really.  ") == [(2, 6, "Wow…"), (7, 14, "Really.")]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " ... ", "• \n—", "?!"])
def test_no_sentence_without_letters_or_digits(text):
    assert split_sentences(text) == []


def test_sentences_are_ordered_and_disjoint():
    text = "A. B c. D e f!\n\n• G h? “I j.” K l\nM"
    out = split_sentences(text)
    for a, b in zip(out, out[1:]):
        assert a.end <= b.start


def test_hard_wrapped_lines_join_into_one_sentence():
    text = ("The committee met on Monday to discuss the budget and the\n"
            "proposals of the three ministries, which had been delayed,\n"
            "according to officials. A new paragraph starts here.\n"
            "Short heading\n"
            "Body text of the article follows the heading line.")
    out = [s.text for s in split_sentences(text)]
    assert out[0].startswith("The committee") and out[0].endswith("according to officials.")
    assert out[1] == "A new paragraph starts here."
    assert out[2] == "Short heading"
    assert out[3] == "Body text of the article follows the heading line."


def test_line_ending_with_terminal_punctuation_or_before_capital_splits():
    text = "This line is long enough to be wrapped text\nBut the next one starts with a capital."
    assert len(split_sentences(text)) == 2
