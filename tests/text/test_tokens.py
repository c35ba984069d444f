"""dedup.text.tokens: tokens with offsets, normalisation, stopwords, stemmer."""
import pytest

from dedup.text.tokens import Token, content_tokens, is_stopword, normalize_word, stem, tokenize


def spans(text, **kw):
    return [(t.text, t.start, t.end) for t in tokenize(text, **kw)]


def test_tokens_with_offsets_into_original():
    text = "Putin’s U.S. deal rose 2.5% to 1,000 at 8 p.m."
    toks = tokenize(text)
    assert [(t.text, t.start, t.end) for t in toks] == [
        ("Putin’s", 0, 7), ("U.S.", 8, 12), ("deal", 13, 17), ("rose", 18, 22),
        ("2.5", 23, 26), ("to", 28, 30), ("1,000", 31, 36), ("at", 37, 39), ("8", 40, 41),
        ("p.m.", 42, 46),
    ]
    for t in toks:
        assert text[t.start:t.end] == t.text


def test_token_fields():
    a, b, c = tokenize("Putin’s 2.5 café")
    assert a == Token("Putin’s", 0, 7, "putin", False, True)
    assert b == Token("2.5", 8, 11, "2.5", True, False)
    assert c == Token("café", 12, 16, "cafe", False, False)


def test_token_is_immutable_and_keeps_its_stem():
    tok = tokenize("talking")[0]
    with pytest.raises(AttributeError):
        tok.norm = "other"
    assert (tok.norm, tok.stem, tok._fields) == (
        "talking", "talk", ("text", "start", "end", "norm", "is_number", "is_capitalized"))
    assert len({tok, Token("talking", 0, 7, "talking", False, False)}) == 1


def test_apostrophes_inside_words():
    assert spans("don't can’t rock 'n' roll") == [
        ("don't", 0, 5), ("can’t", 6, 11), ("rock", 12, 16), ("n", 18, 19), ("roll", 21, 25)]


def test_start_end_window_keeps_absolute_offsets():
    text = "alpha beta gamma delta"
    assert spans(text, start=6, end=16) == [("beta", 6, 10), ("gamma", 11, 16)]
    assert spans(text, start=8) == [("ta", 8, 10), ("gamma", 11, 16), ("delta", 17, 22)]


def test_punctuation_underscores_and_empty():
    assert tokenize("") == []
    assert tokenize(" — … ,;!? ") == []
    assert spans("snake_case") == [("snake", 0, 5), ("case", 6, 10)]


def test_non_ascii_letters():
    text = "Zelensky/Зеленський Café"
    assert spans(text) == [("Zelensky", 0, 8), ("Зеленський", 9, 19), ("Café", 20, 24)]
    assert tokenize(text)[-1].norm == "cafe"


def test_decomposed_accents_stay_in_the_word():
    text = "Z\u030ci\u030cek Cafe\u0301"   # "Žižek Café" in NFD
    assert spans(text) == [("Z\u030ci\u030cek", 0, 6), ("Cafe\u0301", 7, 12)]
    assert [t.norm for t in tokenize(text)] == ["ziek", "cafe"]


@pytest.mark.parametrize("word,norm", [
    ("Putin’s", "putin"), ("Putin's", "putin"), ("James'", "james"), ("U.S.", "us"),
    ("Café", "cafe"), ("2.5", "2.5"), ("1,000", "1,000"), ("DON’T", "don't"),
])
def test_normalize_word(word, norm):
    assert normalize_word(word) == norm


def test_stopwords_keep_negation_and_direction():
    for w in ("the", "said", "mr", "and", "of"):
        assert is_stopword(w)
    for w in ("not", "no", "never", "without", "up", "down", "more", "before", "after", "under"):
        assert not is_stopword(w)


def test_content_tokens():
    toks = tokenize("The price did not rise a 5 percent, Mr. X said.")
    assert [t.text for t in content_tokens(toks)] == ["price", "not", "rise", "5", "percent"]


@pytest.mark.parametrize("forms", [
    ("talk", "talks", "talked", "talking"),
    ("run", "runs", "running"),
    ("agree", "agrees", "agreed"),
    ("pony", "ponies"),
    ("organize", "organizes", "organized", "organizing", "organization"),
])
def test_stem_merges_inflections(forms):
    assert len({stem(f) for f in forms}) == 1, {f: stem(f) for f in forms}


@pytest.mark.parametrize("word,expected", [
    ("talking", "talk"), ("talked", "talk"), ("running", "run"), ("ponies", "poni"),
    ("caresses", "caress"), ("happily", "happi"), ("cat", "cat"), ("is", "is"),
    ("2.5", "2.5"), ("don't", "don't"), ("news", "new"), ("bus", "bus"), ("crisis", "crisis"),
])
def test_stem_exact(word, expected):
    assert stem(word) == expected


def test_token_stem_property():
    assert tokenize("Talking")[0].stem == "talk"
