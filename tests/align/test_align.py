"""Alignment: sentences, passages and the lexical scorer."""
from __future__ import annotations

from dedup.align import AlignConfig, LexicalScorer, align_sentences, build_passages, text_features

SOURCE = ("The central bank raised interest rates by half a point on Tuesday. "
          "Officials cited persistent inflation in housing and energy. "
          "Markets in Tokyo fell sharply after the announcement.\n"
          "Analysts expect another increase before the end of the year.")


def test_copy_aligns_every_sentence_in_one_passage():
    src = text_features(SOURCE)
    al = align_sentences(src, src)
    assert [a.source_indices for a in al] == [(0,), (1,), (2,), (3,)]
    assert all(a.reused and a.similarity == 1.0 for a in al)
    passages = build_passages(src, src, al)
    assert len(passages) == 1
    p = passages[0]
    assert (p.source_start, p.source_end) == (0, len(SOURCE))
    assert (p.suspect_start, p.suspect_end) == (0, len(SOURCE))


def test_reordered_sentences_align_to_their_sources():
    suspect = ("Analysts expect another increase before the end of the year. "
               "The central bank raised interest rates by half a point on Tuesday.")
    al = align_sentences(text_features(SOURCE), text_features(suspect))
    assert [a.source_indices for a in al] == [(3,), (0,)]


def test_inserted_unrelated_material_is_not_aligned():
    suspect = ("The central bank raised interest rates by half a point on Tuesday. "
               "My grandmother grows tomatoes and beans in her garden every summer.")
    al = align_sentences(text_features(SOURCE), text_features(suspect))
    assert al[0].source_indices == (0,)
    assert al[1].source_indices == ()


def test_merged_sentence_aligns_to_both_sources():
    suspect = ("The central bank raised interest rates by half a point on Tuesday, citing persistent "
               "inflation in housing and energy.")
    al = align_sentences(text_features(SOURCE), text_features(suspect))
    assert al[0].source_indices == (0, 1)


def test_passage_breaks_at_a_gap():
    suspect = ("The central bank raised interest rates by half a point on Tuesday. "
               "A. B. C. D. Cats sleep a lot during warm afternoons in the garden shed. "
               "Dogs bark at the mail carrier every single morning without fail. "
               "Birds sing loudly at dawn throughout the spring months here. "
               "Analysts expect another increase before the end of the year.")
    src = text_features(SOURCE)
    sus = text_features(suspect)
    passages = build_passages(src, sus, align_sentences(src, sus), AlignConfig(max_gap=1))
    assert len(passages) == 2


def test_quoted_sentence_is_not_reused_text():
    source = "“We will never surrender to these demands,” the minister said on Monday in Paris."
    suspect = "“We will never surrender to these demands,” the minister said."
    al = align_sentences(text_features(source), text_features(suspect))
    assert al[0].source_indices == (0,)
    assert al[0].reused is False


def test_spelling_variants_of_names_match():
    scorer = LexicalScorer()
    a = text_features("President Zelensky met the Slovak prime minister Fico in Uzhhorod.")
    b = text_features("President Zelenskyy met the Slovak prime minister Fico in Uzhhorod.")
    m = scorer.score(a.sentences, b.sentences)
    assert m.dice[0, 0] == 1.0


def test_empty_texts():
    assert align_sentences(text_features(""), text_features("Some words here.")) [0].source_indices == ()
    assert align_sentences(text_features("Some words here."), text_features("")) == []


from dedup.align import align_texts

_REUSED = ("The committee approved the new budget for regional hospitals after a long debate on Tuesday. "
           "Funding for rural clinics will rise by twelve percent over the next three years. "
           "Opposition members argued that the plan ignores staff shortages in northern districts.")


def test_one_shared_word_in_a_short_sentence_is_no_passage():
    source = "Weather report. Rain is expected in the north tomorrow, with strong winds along the coast."
    suspect = "Weather matters. My cousin bakes bread every Sunday morning for the whole family."
    _, passages = align_texts(text_features(source), text_features(suspect))
    assert passages == []


def test_reuse_starting_inside_a_sentence_is_cut_to_the_shared_words():
    source = "Unrelated opening words about gardening and tomatoes. " + _REUSED + " Closing remarks on sport."
    lead = "My own introduction talks about football results and"
    suspect = lead + " " + _REUSED + " A final note on cinema tickets."
    _, passages = align_texts(text_features(source), text_features(suspect))
    assert len(passages) == 1
    p = passages[0]
    assert suspect[p.suspect_start:p.suspect_end] == _REUSED
    assert source[p.source_start:p.source_end] == _REUSED


def test_hard_wrapped_suspect_aligns_as_one_passage():
    wrapped = _REUSED.replace("budget for", "budget\nfor").replace("rise by", "rise\nby")
    src, sus = text_features(_REUSED), text_features(wrapped)
    assert len(sus.sentences) == len(src.sentences) == 3
    _, passages = align_texts(src, sus)
    assert len(passages) == 1
    assert (passages[0].suspect_start, passages[0].suspect_end) == (0, len(wrapped))


def test_scores_do_not_depend_on_set_order():
    a = text_features("Negotiators negotiated the negotiation. Zelensky met Fico.")
    b = text_features("The negotiations were negotiated. Zelenskyy met Fico.")
    m1 = LexicalScorer().score(a.sentences, b.sentences)
    m2 = LexicalScorer().score(a.sentences, b.sentences)
    assert (m1.dice == m2.dice).all()
