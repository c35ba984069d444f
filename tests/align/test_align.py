"""Alignment: sentences, passages and the lexical scorer."""
from __future__ import annotations

from dataclasses import replace

from dedup.align import AlignConfig, LexicalScorer, align_sentences, align_texts, build_passages, text_features

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


_LIST_SOURCE = ("Field Operations\nRegion Two - Major Vacant\nTroop Five - Captain Melvin Warren\n"
                "Troop Six - Captain James Woods\nTroop Seven - Captain Christopher Williamson\n"
                "Support Services - Major Vacant\nTraining Unit - Captain Darryl Kelly\nGrants Office\n"
                "Administrative Services - Major Russell Beck\n"
                "The patrol enforces traffic laws on state highways. Troopers investigate crashes and assist "
                "stranded motorists. The headquarters building is located downtown near the capitol.")
_LIST_SUSPECT = ("Our town library opens at nine every weekday morning. Volunteers shelve returned books in the "
                 "afternoon. The command staff lists Captain Melvin Warren of troop five, Captain James Woods of "
                 "troop six and Captain Christopher Williamson of troop seven, while support services and region "
                 "two still wait for a major and Captain Darryl Kelly runs the training unit. "
                 "Children enjoy the reading hour held on Saturdays in the basement hall.")


def test_list_restated_as_one_long_sentence_is_found_by_the_chunk_pass():
    src, sus = text_features(_LIST_SOURCE), text_features(_LIST_SUSPECT)
    # no single list line is similar enough to the long sentence
    assert align_texts(src, sus, AlignConfig(chunk_similarity=0))[1] == []
    passages = align_texts(src, sus)[1]
    assert len(passages) == 1
    p = passages[0]
    sentence = _LIST_SUSPECT.index("The command staff")
    assert (p.suspect_start, p.suspect_end) == (sentence, _LIST_SUSPECT.index(" Children"))
    assert p.source_start == _LIST_SOURCE.index("Region Two")
    assert p.source_end >= _LIST_SOURCE.index("Darryl Kelly") + len("Darryl Kelly")
    assert p.source_end <= _LIST_SOURCE.index("The patrol")


def test_passage_many_times_longer_than_its_source_is_dropped():
    source = "Orange County Convention Center (OCCC)\nOrlando, Florida"
    suspect = ("Orange County Regional History Center\nFrom the free encyclopedia\n"
               "Orange County Regional History Center\nEstablished 1971\nLocation Orlando, Florida\n"
               "The Orange County Regional History Center is a history museum in downtown Orlando, Florida. "
               "It is housed in the former Orange County Courthouse, a neoclassical building completed in 1927. "
               "The center hosts exhibits about the history of Central Florida, from early settlers to the space age.")
    src, sus = text_features(source), text_features(suspect)
    loose = align_texts(src, sus, AlignConfig(max_expansion=1000.0))[1]
    assert [(p.source_start, p.source_end) for p in loose] == [(0, len(source))]
    assert loose[0].suspect_end - loose[0].suspect_start > 4 * len(source)
    assert align_texts(src, sus)[1] == []


_PAD_SOURCE = ("Farmers in the valley harvest apples in late September. Rain delayed the county fair twice this decade. "
               "The railway line closed in 1962 after decades of losses. Teachers at the primary school organised a "
               "chess club. Wolves returned to the northern forest after a century. The old mill now houses a pottery "
               "studio. Fishermen reported a poor season for cod along the coast. A storm knocked down power lines "
               "across the county. ")
_PAD_SUSPECT = ("Local elections drew a record turnout among young voters. The bakery on Elm Street won a regional "
                "award. Snowfall closed the mountain pass for three days in January. A new bridge will connect both "
                "river banks by 2030. The football club signed a goalkeeper from Brazil. Tourists crowded the "
                "cathedral square at noon. Doctors urged residents to get vaccinated before winter. The city council "
                "approved a budget for cycling lanes. ")


def test_sentence_at_the_source_edge_of_a_reworded_passage_extends_it():
    source = (_PAD_SOURCE + "The museum opened a new wing devoted to maritime history last spring. "
              "Visitors can board a restored fishing schooner built in 1893. "
              "The ship was rescued from a scrapyard by volunteers in the harbor town. "
              "Restoration took eleven years and cost about two million dollars.")
    suspect = (_PAD_SUSPECT + "A section about seafaring history has been added to the museum this year. "
               "Guests can board an old fishing schooner from 1893. "
               "The ship was saved from a scrapyard by helpers in the harbor town. "
               "Restoration lasted eleven years and cost nearly two million dollars. "
               "Bakers in the old quarter sell bread before sunrise.")
    src, sus = text_features(source), text_features(suspect)
    end = (suspect.index(" Bakers"), len(source))
    # the first sentence shares only "museum" and "history" with its source sentence:
    # below half the seeds' similarity
    without = align_texts(src, sus, AlignConfig(edge_similarity=0, extend_relative=0.5))[1]
    assert [(p.suspect_start, p.source_start, p.suspect_end, p.source_end) for p in without] == [
        (suspect.index("Guests"), source.index("Visitors"), *end)]
    with_edge = align_texts(src, sus, AlignConfig(extend_relative=0.5))[1]
    assert [(p.suspect_start, p.source_start, p.suspect_end, p.source_end) for p in with_edge] == [
        (suspect.index("A section"), source.index("The museum"), *end)]
    # ... but above 40% of it (the default extend_relative): it extends the passage anyway
    default = align_texts(src, sus, AlignConfig(edge_similarity=0))[1]
    assert [(p.suspect_start, p.source_start, p.suspect_end, p.source_end) for p in default] == [
        (suspect.index("A section"), source.index("The museum"), *end)]


def test_word_spans_and_memo():
    from dedup.align.align import _WORD, _word_spans
    for text in ["", "x", "...", " hello world, it's 2.5!", "a\nb  c_d ÉtÉ naïve"]:
        tf = text_features(text)
        spans = _word_spans(tf)
        assert [tuple(map(int, s)) for s in spans] == [m.span() for m in _WORD.finditer(text)]
        assert _word_spans(tf) is spans  # computed once per text
    calls = []
    tf = text_features("One sentence here.")
    assert tf.memo("k", lambda: calls.append(1) or 7) == 7
    assert tf.memo("k", lambda: calls.append(1) or 8) == 7
    assert calls == [1]


def test_one_use_of_source_keeps_passages_inside_a_summary_source_range():
    from dedup.align.align import Passage, _one_use_of_source
    cfg = AlignConfig()
    # a summary names the whole source region it condenses: it drops no other passage
    summary = Passage(0, 5000, 100, 400, 0.9, ())
    copy = Passage(1000, 1300, 600, 800, 0.8, ())
    assert _one_use_of_source([summary, copy], cfg) == [summary, copy]
    # the same source text restated twice: the weaker restatement goes
    strong = Passage(1000, 1300, 100, 500, 0.9, ())
    weak = Passage(1000, 1290, 600, 700, 0.5, ())
    assert _one_use_of_source([strong, weak], cfg) == [strong]


_TURBINE_SOURCE = ("Engineers tested the prototype turbine near the harbour during strong winter gales. "
                   "The blades survived gusts above ninety knots without cracking. "
                   "Investors from Norway promised funding for a second offshore array.")
_TURBINE_SUSPECT = ("Gales in winter hit the prototype blades and Norway investors. "
                    "Engineers near the harbour promised gusts of funding. "
                    "The turbine survived in the second array, above ninety. "
                    "Offshore, strong and tested.")


def test_words_moved_across_sentences_are_found_by_the_region_pass():
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE
    suspect = _PAD_SUSPECT + _TURBINE_SUSPECT + " " + _PAD_SUSPECT
    src, sus = text_features(source), text_features(suspect)
    # every suspect sentence is too weak a match to seed a passage
    assert align_texts(src, sus, AlignConfig(region_similarity=0, chunk_similarity=0))[1] == []
    passages = align_texts(src, sus, AlignConfig(chunk_similarity=0, source_edge_share=0))[1]
    assert len(passages) == 1
    p = passages[0]
    # from the first to the last anchor sentence on each side (anchors restate source sentences 1 and 2)
    start = suspect.index(_TURBINE_SUSPECT)
    assert (p.suspect_start, p.suspect_end) == (start, start + len(_TURBINE_SUSPECT))
    assert (p.source_start, p.source_end) == (source.index("Engineers tested"), source.index(" Investors from"))
    # the suspect region must keep region_contained of its words from the source region
    assert align_texts(src, sus, AlignConfig(chunk_similarity=0, region_contained=0.9))[1] == []


def test_source_side_grows_over_a_neighbour_whose_words_the_suspect_side_holds():
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE
    suspect = _PAD_SUSPECT + _TURBINE_SUSPECT + " " + _PAD_SUSPECT
    src, sus = text_features(source), text_features(suspect)
    p, = align_texts(src, sus, AlignConfig(chunk_similarity=0))[1]
    # "Investors from Norway promised funding for a second offshore array.": every
    # term is in the suspect region, though no suspect sentence restates it
    assert (p.source_start, p.source_end) == (source.index("Engineers tested"),
                                              source.index(_TURBINE_SOURCE) + len(_TURBINE_SOURCE))
    # the padding sentence before it shares too little to join; without the rule the
    # source side ends with the last anchor
    p0, = align_texts(src, sus, AlignConfig(chunk_similarity=0, source_edge_share=0))[1]
    assert p0.source_end == source.index(" Investors from")


def test_suspect_side_grows_over_a_neighbour_made_of_source_words():
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE
    suspect = _PAD_SUSPECT + _TURBINE_SUSPECT + " Norway, harbour and cracking. " + _PAD_SUSPECT
    src, sus = text_features(source), text_features(suspect)
    start = suspect.index(_TURBINE_SUSPECT)
    # every term of "Norway, harbour and cracking." is in the source side, though it
    # restates no single source sentence
    p, = align_texts(src, sus, AlignConfig(chunk_similarity=0))[1]
    assert (p.suspect_start, p.suspect_end) == (start, suspect.index(" " + _PAD_SUSPECT[:5], start))
    p0, = align_texts(src, sus, AlignConfig(chunk_similarity=0, suspect_edge_share=0))[1]
    assert (p0.suspect_start, p0.suspect_end) == (start, start + len(_TURBINE_SUSPECT))


def test_a_copy_of_one_source_region_is_no_summary_of_the_whole_source():
    far = "The lighthouse keeper painted the tower red and white every April."
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE + _PAD_SOURCE.replace("county", "shire") + far
    suspect = (_PAD_SUSPECT + _TURBINE_SOURCE + " Every April the keeper painted the lighthouse tower red and white. "
               + _PAD_SUSPECT)
    src, sus = text_features(source), text_features(suspect)
    sus_span = (suspect.index(_TURBINE_SOURCE), suspect.index("red and white. ") + len("red and white."))
    # the restated far sentence stretches the source side over the whole source ...
    p0, = align_texts(src, sus, AlignConfig(summary_copied_share=0))[1]
    assert (p0.source_start, p0.source_end) == (0, len(source))
    assert (p0.suspect_start, p0.suspect_end) == sus_span
    # ... but most of the passage copies one compact source region word for word
    p, = align_texts(src, sus)[1]
    assert (p.source_start, p.source_end) == (source.index(_TURBINE_SOURCE),
                                              source.index(_TURBINE_SOURCE) + len(_TURBINE_SOURCE))
    assert (p.suspect_start, p.suspect_end) == sus_span


def test_far_source_sentence_does_not_turn_a_local_reuse_into_a_summary():
    far = "The lighthouse keeper painted the tower red and white every April."
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE + _PAD_SOURCE.replace("county", "shire") + far
    restated = "Every April the keeper painted the lighthouse tower red and white."
    suspect = _PAD_SUSPECT + _TURBINE_SOURCE + " " + restated + " " + _PAD_SUSPECT + _PAD_SUSPECT
    src, sus = text_features(source), text_features(suspect)
    turbine = (source.index(_TURBINE_SOURCE), source.index(_TURBINE_SOURCE) + len(_TURBINE_SOURCE),
               suspect.index(_TURBINE_SOURCE), suspect.index(_TURBINE_SOURCE) + len(_TURBINE_SOURCE))
    # open to far sources, the restated sentence stretches the passage into a summary of the whole source
    loose = align_texts(src, sus, AlignConfig(summary_copied_share=0, summary_local_members=1000))[1]
    assert [(p.source_start, p.source_end, p.suspect_start, p.suspect_end) for p in loose] == [
        (0, len(source), turbine[2], suspect.index(restated) + len(restated))]
    # three members restating one compact region make a local reuse: the far
    # sentence is a reuse of its own
    passages = align_texts(src, sus, AlignConfig(summary_copied_share=0))[1]
    assert [(p.source_start, p.source_end, p.suspect_start, p.suspect_end) for p in passages] == [
        turbine, (source.index(far), len(source), suspect.index(restated), suspect.index(restated) + len(restated))]


def test_weak_restatement_of_a_source_sentence_already_used_does_not_extend_a_passage():
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE
    reworded = ("Near the harbour, engineers tried out a prototype turbine during bad storms. "
                "Its blades held firm against ninety knot gusts. "
                "Money for a second array came from Norway.")
    # an unrelated sentence, then one that only shares the topic of the first source sentence
    tail = " Local elections drew a record turnout among young voters. The engineers were proud of the turbine."
    suspect = _PAD_SUSPECT + reworded + tail + " " + _PAD_SUSPECT
    src, sus = text_features(source), text_features(suspect)
    start = suspect.index(reworded)
    loose, = align_texts(src, sus, AlignConfig(reuse_source_once=False))[1]
    assert (loose.suspect_start, loose.suspect_end) == (start, start + len(reworded + tail))
    p, = align_texts(src, sus)[1]
    assert (p.suspect_start, p.suspect_end) == (start, start + len(reworded))
    assert (p.source_start, p.source_end) == (source.index(_TURBINE_SOURCE),
                                              source.index(_TURBINE_SOURCE) + len(_TURBINE_SOURCE))


def test_short_hard_wrapped_lines_join_into_one_sentence():
    text = ("The ensuing\ndiscussion is fuelled by\nnegotiating with the Taliban.\nMany are baffled.\n"
            "Kabul Hotel\nFacilities for guests.\nA heading\n\nlower-case paragraph after a blank line.")
    spans = [f.sentence.text for f in text_features(text).sentences]
    assert spans == ["The ensuing\ndiscussion is fuelled by\nnegotiating with the Taliban.", "Many are baffled.",
                     "Kabul Hotel", "Facilities for guests.", "A heading", "lower-case paragraph after a blank line."]


def test_source_side_grows_over_a_shortened_neighbour_holding_terms_it_lacks():
    from dedup.align.align import Passage, _grow_source_edges
    source = ("Farmers in the valley harvest apples in late September. "
              "Engineers tested the prototype turbine near the harbour during strong winter gales. "
              "Welders from Bergen assembled the steel towers in a dock. "
              "The railway line closed in 1962 after decades of losses.")
    suspect = "Near the harbour the engineers tried a prototype turbine in gales, with welders from Bergen."
    src, sus = text_features(source), text_features(suspect)
    p = Passage(source.index("Engineers"), source.index(" Welders"), 0, len(suspect), 0.5, (0,))
    # "welders" and "Bergen" are 2 of the 6 terms of the next source sentence (below
    # source_edge_share) but the source side holds neither: the passage grows over it
    q = _grow_source_edges(p, src, sus, AlignConfig())
    assert (q.source_start, q.source_end) == (p.source_start, source.index(" The railway"))
    assert (q.suspect_start, q.suspect_end) == (0, len(suspect))
    # asking for 3 such terms, or switched off, it stays
    for cfg in (AlignConfig(source_edge_new_terms=3), AlignConfig(source_edge_new_terms=0)):
        assert _grow_source_edges(p, src, sus, cfg) == p


def test_long_edge_sentence_is_cut_where_the_source_terms_end():
    from dedup.align.align import Passage, _trim_loose_edges
    source = ("Farmers in the valley harvest apples in late September. "
              "Engineers tested the prototype turbine near the harbour during strong winter gales. "
              "The blades survived gusts above ninety knots without cracking.")
    reused = ("Gales in winter: engineers tested a prototype turbine near the harbour, its blades survived "
              "gusts of ninety knots")
    # one sentence for the splitter: the reuse runs on into unrelated text
    suspect = reused + (" and then the bakery on Elm Street won a regional award for its rye bread "
                        "while snowfall closed the mountain pass for three days in January")
    src, sus = text_features(source), text_features(suspect)
    p = Passage(source.index("Engineers"), len(source), 0, len(suspect), 0.5, (0,))
    q = _trim_loose_edges(p, src, sus, AlignConfig())
    assert (q.suspect_start, q.suspect_end) == (0, len(reused))
    # the source side holds suspect terms to its edges: unchanged
    assert (q.source_start, q.source_end) == (p.source_start, p.source_end)
    # the cut must drop edge_trim_chars; near-verbatim passages and summaries keep their edges
    assert _trim_loose_edges(p, src, sus, AlignConfig(edge_trim_chars=200)) == p
    assert _trim_loose_edges(p, src, sus, AlignConfig(edge_trim_chars=0)) == p
    assert _trim_loose_edges(replace(p, score=0.9), src, sus, AlignConfig()) == replace(p, score=0.9)
    summary = replace(p, source_start=0, suspect_end=60)
    assert _trim_loose_edges(summary, src, sus, AlignConfig()) == summary


def test_source_edge_sentence_is_cut_at_the_start_where_the_suspect_terms_begin():
    from dedup.align.align import Passage, _trim_loose_edges
    unrelated = ("Snowfall closed the mountain pass for three days in January while the bakery on Elm Street "
                 "won a regional award for its rye bread and ")
    source = unrelated + "engineers tested the prototype turbine near the harbour during strong winter gales."
    suspect = "Near the harbour, engineers tested a prototype turbine in strong gales of winter."
    src, sus = text_features(source), text_features(suspect)
    p = Passage(0, len(source), 0, len(suspect), 0.5, (0,))
    q = _trim_loose_edges(p, src, sus, AlignConfig())
    assert (q.source_start, q.source_end) == (len(unrelated), len(source))
    assert (q.suspect_start, q.suspect_end) == (0, len(suspect))


def test_weak_match_past_an_unaligned_sentence_does_not_extend_a_passage():
    source = _PAD_SOURCE + _TURBINE_SOURCE + " " + _PAD_SOURCE
    reworded = ("Near the harbour, engineers tried out a prototype turbine during bad storms. "
                "Its blades held firm against ninety knot gusts. "
                "Money for a second array came from Norway.")
    # an unrelated sentence, then one loosely like the source sentence before the
    # turbine ("A storm knocked down power lines across the county.": similarity 0.25)
    tail = (" Local elections drew a record turnout among young voters."
            " Storm damage to the county roads cost the island a lot of money this spring.")
    suspect = _PAD_SUSPECT + reworded + tail + " " + _PAD_SUSPECT
    src, sus = text_features(source), text_features(suspect)
    start = suspect.index(reworded)
    loose, = align_texts(src, sus, AlignConfig(gap_extend_similarity=0))[1]
    assert (loose.suspect_start, loose.suspect_end) == (start, start + len(reworded + tail))
    # past the unaligned sentence it needs gap_extend_similarity (0.3)
    p, = align_texts(src, sus)[1]
    assert (p.suspect_start, p.suspect_end) == (start, start + len(reworded))


def test_dense_and_sparse_scoring_agree(seed_dir, monkeypatch):
    """Small incidence matrices are built dense (cheaper for a few sentences);
    the scores equal the sparse ones."""
    import numpy as np
    from dedup.align import scorer as scorer_module
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))]
    feats = [text_features(t) for t in texts[:3]] + [text_features("The minister resigned on Friday."),
                                                     text_features("On Friday the minister quit.")]
    pairs = [(feats[0].sentences, feats[1].sentences), (feats[0].sentences[:2], feats[2].sentences[:3]),
             (feats[3].sentences, feats[4].sentences)]
    sc = LexicalScorer()
    results = {}
    for cells in (0, 10 ** 9):  # all sparse, all dense
        monkeypatch.setattr(scorer_module, "_DENSE_CELLS", cells)
        results[cells] = [sc.score(a, b) for a, b in pairs]
    for sparse, dense in zip(results[0], results[10 ** 9]):
        for field in ("dice", "contained", "free_dice", "suspect_weight", "free_suspect_weight", "source_weight"):
            np.testing.assert_allclose(getattr(sparse, field), getattr(dense, field), rtol=1e-6, atol=1e-7)
    assert results[0][2].dice[0, 0] > 0.3  # the two short sentences do overlap


def _features_of(*texts):
    return [text_features(t) for t in texts]


def test_reusing_scorer_answers_the_reverse_scoring_by_transposing(seed_dir):
    """Judging a pair in both directions, the second direction's scorings are
    the first one's transposed: the same matrices as scoring afresh."""
    import numpy as np
    from dedup.align import ReusingScorer
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))]
    a, b = _features_of(texts[0], texts[2])
    fresh = LexicalScorer()
    sc = ReusingScorer()
    for x, y in ((a.sentences, b.sentences), (a.paragraphs(), b.paragraphs())):
        sc.score(x, y)
        computed = len(sc._memory)
        got = sc.score(y, x)
        assert len(sc._memory) == computed  # reused, not scored again
        want = fresh.score(y, x)
        for field in ("dice", "contained", "free_dice", "suspect_weight", "free_suspect_weight", "source_weight"):
            np.testing.assert_array_equal(getattr(got, field), getattr(want, field))
    # only the same sequences (by identity) are reused
    sc.score(b.sentences[:3], a.sentences[:3])
    assert len(sc._memory) == computed + 1


def test_reusing_scorer_scores_afresh_when_the_variant_groups_differ():
    """The variant map merges a suspect term with the first source term of its
    prefix; when the reverse direction groups the terms differently the
    reverse scoring is made afresh (and equals the plain scorer's)."""
    import numpy as np
    from dedup.align import ReusingScorer
    a, b = _features_of("The presidency and the presidential palace were quiet in Paris.",
                        "The president stayed in Paris on Monday.")
    fresh = LexicalScorer()
    sc = ReusingScorer()
    # a as source: 'president' joins 'presidency' only; b as source: both of a's terms join 'president'
    assert fresh.variants(a.sentences, b.sentences) != {}
    sc.score(a.sentences, b.sentences)
    got = sc.score(b.sentences, a.sentences)
    assert len(sc._memory) == 2
    want = fresh.score(b.sentences, a.sentences)
    np.testing.assert_array_equal(got.dice, want.dice)
    np.testing.assert_array_equal(got.contained, want.contained)


def test_trigrams_sliced_from_the_whole_text_equal_trigrams_of_the_range(seed_dir):
    """_text_trigrams (the whole text's trigrams, made once, sliced) equals
    _trigrams over the range, bounds inside words included."""
    import random
    from dedup.align.align import _text_trigrams, _trigrams
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))]
    texts.append("Short one. Can't stop—won't stop! 2.5-hour talks (in Helsinki) ended.")
    rng = random.Random(7)
    for text in texts:
        tf = text_features(text)
        bounds = [(s.sentence.start, s.sentence.end) for s in tf.sentences]
        bounds += [tuple(sorted((rng.randrange(len(text) + 1), rng.randrange(len(text) + 1)))) for _ in range(200)]
        bounds += [(0, len(text)), (0, 0), (len(text), len(text))]
        for a, b in bounds:
            assert _text_trigrams(tf, a, b) == _trigrams(text, a, b), (a, b)
