from dedup.spin import FLAG_KINDS, Flag, SpinConfig, sentence_drift, sentence_flags

ALASKA = ("This upcoming meeting draws inevitable comparisons with the Alaska summit a few months ago, "
          "where despite Trump’s warm welcome to Putin, there were no tangible results in the peace "
          "negotiations.")
CALL = ("According to Russian officials, the phone call was described as“positive and productive” and "
        "conducted“in a climate of trust.”")
INTERVENTION = ("In fact, it was a nearly 2.5-hour intervention by Vladimir Putin in a last-ditch effort to "
                "stop any talk of a possible US Tomahawk cruise missile deployment in Ukraine.")


def kinds(a, b):
    return [f.kind for f in sentence_flags(a, b)]


def test_entity_seed():
    fl = sentence_flags(ALASKA, "Donald Trump rolled out the red carpet for Vladimir Putin at their "
                                "latest summit in Helsinki.")
    ent = [f for f in fl if f.kind == "entity"]
    assert ent and ent[0].source_text == "Alaska" and ent[0].suspect_text == "Helsinki"
    assert "Alaska" in ent[0].explanation


def test_polarity_seed():
    fl = sentence_flags(ALASKA, "Fulfilling Ukraine’s need, the meeting failed to deliver any substantive "
                                "steps forward to a peace agreement for Ukraine.")
    assert fl
    assert "polarity" in [f.kind for f in fl]


def test_attribution_seed():
    assert "attribution" in kinds(CALL, "Earlier, Putin had characterized his initial phone call with "
                                        "Trump as “positive and productive.”")


def test_quote_altered_seed():
    fl = sentence_flags(CALL, "Notably, he underscored that the entire conversation happened “in the "
                              "spirit of trust.”")
    q = [f for f in fl if f.kind == "quote-altered"]
    assert q and "climate" in q[0].explanation and "spirit" in q[0].explanation


def test_faithful_paraphrase_no_flags():
    assert sentence_flags(INTERVENTION, "Russian President Vladimir Putin gave an address that lasted "
                                        "almost two and a half hours.") == []


def test_flag_interface():
    f = Flag("number", "2", "3", "number changed")
    assert f.to_dict() == {"kind": "number", "source_text": "2", "suspect_text": "3",
                           "explanation": "number changed"}
    assert set(FLAG_KINDS) == {"negation", "antonym", "polarity", "number", "entity", "role-swap",
                               "attribution", "hedge", "quote-altered"}
    cfg = SpinConfig(kinds=frozenset({"number"}))
    assert all(f.kind == "number" for f in sentence_flags("It rose 5%.", "It fell 7%.", config=cfg))


def test_drift_monotone():
    f = Flag("negation", "a", "b", "x")
    assert sentence_drift(1.0, []) == 0.0
    assert sentence_drift(0.5, []) > sentence_drift(0.9, [])
    assert sentence_drift(0.9, [f]) > sentence_drift(0.9, [])
    assert sentence_drift(0.9, [f, f]) > sentence_drift(0.9, [f])
    assert 0.0 <= sentence_drift(-3, [f] * 10) <= 1.0


def test_lexical_agreement_and_drift_with_texts():
    from dedup.spin import SpinConfig
    from dedup.spin.agreement import lexical_agreement
    a = "The Nasdaq rose 12 points to 1,600 on Monday."
    assert lexical_agreement(a, a) == 1.0
    # an added clause lowers the agreement, a changed figure more than a changed word
    longer = "The Nasdaq rose 12 points to 1,600 on Monday, after a week in which chip makers lost ground."
    assert lexical_agreement(a, longer) < 1.0
    assert lexical_agreement(a, "The Nasdaq rose 12 points to 1,700 on Monday.") < \
        lexical_agreement(a, "The Nasdaq climbed 12 points to 1,600 on Monday.")
    assert lexical_agreement("", "") == 1.0
    # with the texts the drift mixes the agreement in; without them it is unchanged
    assert sentence_drift(1.0, [], source=a, suspect=a) == 0.0
    assert sentence_drift(1.0, [], source=a, suspect=longer) > sentence_drift(1.0, [])
    assert sentence_drift(0.8, [], source=a, suspect=longer,
                          config=SpinConfig(agreement_weight=0.0)) == sentence_drift(0.8, [])
