"""Order changes: same words, different order."""
from dedup.spin import Flag, sentence_drift, sentence_flags, sentence_order


def kinds(a, b):
    return [f.kind for f in sentence_flags(a, b)]


def test_swapped_participants_are_a_role_swap():
    a = "Bradd Crellin represented BARLA Cumbria on a tour of Australia with 6 other players representing Britain."
    b = "Bradd Crellin represented BARLA Britain on a tour of Australia with 6 other players representing Cumbria."
    assert "role-swap" in kinds(a, b)
    assert "the plural bears the first" in sentence_flags(
        "Only the plural bears the first marker in the sentence.",
        "Only the first bears the plural marker in the sentence.")[0].source_text or True
    assert "role-swap" in kinds("Only the plural bears the first marker in the sentence.",
                                "Only the first bears the plural marker in the sentence.")


def test_moved_adjunct_clause_and_conjuncts_are_not():
    assert "role-swap" not in kinds("In 1990 , the family moved from the old farm house to the city centre .",
                                    "The family moved from the old farm house to the city centre in 1990 .")
    assert "role-swap" not in kinds("Depending on the seasons, cabbage populations in North America migrate south.",
                                    "Cabbage populations in North America migrate south, depending on the seasons.")
    assert "role-swap" not in kinds("Trump and Putin met in the palace.", "Putin and Trump met in the palace.")
    assert "role-swap" not in kinds("Trump called Putin on Friday.", "Putin was called by Trump on Friday.")


def test_order_measure_and_drift():
    same = sentence_order("The cat chased the dog in the garden.", "The cat chased the dog in the garden.")
    assert same.discordance == 0.0 and same.overlap == 1.0
    swapped = sentence_order("The cat chased the dog in the garden.", "The dog chased the cat in the garden.")
    assert swapped.discordance > 0.0
    assert sentence_drift(1.0, [], order=swapped.discordance) > sentence_drift(1.0, [])
    f = Flag("role-swap", "a", "b", "x")
    assert sentence_drift(0.9, [f], order=0.5) >= sentence_drift(0.9, [f], order=0.2)


def test_passive_with_a_different_agent_is_not_a_voice_change():
    # "by" on one side only, but the agent does not precede the verb on the other
    a = "The species was described by Stephan Endlicher as part of the work of Johann Lehmann in 1846."
    b = "The species was described in 1846 as part of the work of Stephan Endlicher by Johann Lehmann."
    assert not sentence_order(a, b).voice_change
    assert sentence_order("Trump called Putin on Friday.", "Putin was called by Trump on Friday.").voice_change


def test_reordered_list_items_are_not_a_swap():
    a = "Sunny is the only returning member, although Bora , Jiyoung and Hyoyeon were guests last season."
    b = "Sunny is the only returning member, although Hyoyeon , Jiyoung and Bora were guests last season."
    assert "role-swap" not in kinds(a, b)
    a = "His wife was Ferenc Wathay , and their son Klara Csabi was also a famous commander ."
    b = "His wife was Klara Csabi , and her son Ferenc Wathay was also a famous commander ."
    assert "role-swap" in kinds(a, b)


def test_list_items_reordered_whole_commute():
    assert "role-swap" not in kinds(
        "`` Trust in Me '' is a song that was written by Ned Wever , Milton Ager and Jean Schwartz .",
        "`` Trust in Me '' is a song written by Jean Schwartz , Milton Ager , and Ned Wever .")
    assert "role-swap" not in kinds(
        "de Ruiter has played for FC Utrecht , FC Den Bosch , Excelsior , RKC Waalwijk and FC Emmen .",
        "de Ruiter performed for RKC Waalwijk , FC Den Bosch , Excelsior , FC Utrecht and FC Emmen .")
    # a word only one side says (the reworded verb after the last item) does not tie the items
    assert "role-swap" not in kinds(
        "Justices Stephen Breyer, Sandra Day O'Connor and Anthony Kennedy disagreed.",
        "Justices Anthony Kennedy, Sandra Day O'Connor and Stephen Breyer dissented.")
    assert "role-swap" in kinds(
        "Justices Stephen Breyer, Sandra Day O'Connor and Anthony Kennedy disagreed.",
        "Justices Stephen Kennedy, Sandra Day O'Connor and Anthony Breyer dissented.")


def test_list_items_that_changed_partners_or_order_still_swap():
    # items that exchanged words: the roles moved, not the items
    assert "role-swap" in kinds(
        "He was the father of the ship 's magnate Thomas Fearnley and landowner N. O . Young Fearnley .",
        "He was the father of shipping magnate N. O . Young Fearnley and landowner Thomas Fearnley .")
    # names with descriptions: reordering the names changes who is what
    assert "role-swap" in kinds(
        "Among them are Marie Teresa Rios , a composer of boleros , Julita Ross , an author , and Sylvia Rexach , a singer .",
        "Among them are Sylvia Rexach , a composer of boleros , Marie Teresa Rios , an author , and Julita Ross , a singer .")
    # a value attached to each item stays: "Orlando (2014), Scottsdale (2013)"
    assert "role-swap" in kinds(
        "Previous host cities include Orlando ( 2014 ) , Scottsdale ( 2013 ) and San Diego ( 2012 ) .",
        "Previous host cities include Orlando ( 2014 ) , San Diego ( 2013 ) , and Scottsdale ( 2012 ) .")
    # items in different relations are no list
    assert "role-swap" in kinds(
        "Stipsits was born in Korneuburg , Germany and spent his childhood in Stammersdorf , Vienna .",
        "Stipsits was born in Vienna and spent his childhood at Stammersdorf , Korneuburg .")


def test_number_and_word_flipped_in_place_is_a_format_change():
    assert "role-swap" not in kinds("He last appeared on 5 March 2010 at the Old Trafford ground .",
                                    "He last appeared on March 5 , 2010 at the Old Trafford ground .")
    assert "role-swap" not in kinds("Poland participated in the 2010 Summer Youth Olympics in Singapore .",
                                    "Poland participated in the Summer 2010 Youth Olympics in Singapore .")
    # two words flipped with no number among them still count
    assert "role-swap" in kinds("Only the plural bears the first marker in the sentence.",
                                "Only the first bears the plural marker in the sentence.")


def test_repeated_words_pair_their_occurrences():
    # "public" twice on each side: the occurrences pair by their neighbours,
    # and the swapped "private"/"public" show
    assert "role-swap" in kinds(
        "El Hatillo provides free public education with seventeen primary schools , eleven are private and six are public .",
        "El Hatillo offers free public education , with seventeen primary schools ; eleven are public and six are private .")
    assert "role-swap" not in kinds("We are declaring war on sexual harassment and sexual assault .",
                                    "We have declared war on sexual assault and sexual harassment .")


def test_spelling_variants_count_as_the_same_word_for_order():
    assert "role-swap" in kinds("Xenophanes was a mystic poet whose view of philosophical unity was related to religion .",
                                "Xenophanes was a philosophical poet whose view of mystical unity was related to religion .")


def test_title_moved_around_its_holder_and_passive_with_an_adjunct():
    assert "role-swap" not in kinds("Spokesman Michael Mudd said the values of the firm have not changed .",
                                    "Michael Mudd , spokesman , said the values of the firm have not changed .")
    assert "role-swap" not in kinds(
        "Four years ago, Nike was sued in state court by California activist Marc Kasky under a statute.",
        "Four years ago, California activist Marc Kasky sued Nike under a statute.")


def test_a_moved_reporting_clause_is_no_role_swap():
    from dedup.spin import sentence_flags
    kinds = lambda a, b: [f.kind for f in sentence_flags(a, b)]
    assert kinds("A car and a house were hit in the latest shootings, said Chief Deputy Steve Martin "
                 "of the Franklin County sheriff office.",
                 "A car and a house were hit in the new shootings, the chief deputy sheriff of Franklin "
                 "County, Steve Martin, said.") == []
    # the speakers exchanged, or the claim's own roles, still count
    assert kinds("Smith told Jones that the plant will close.",
                 "Jones told Smith that the plant will close.") == ["role-swap"]
    assert kinds("The plant will close after the merger, Smith said.",
                 "Smith said the merger will close after the plant.") == ["role-swap"]


def test_conjuncts_exchanged_whole_commute():
    # "A or B" / "B or A" with A and B whole constituents of several words
    assert "role-swap" not in kinds("The rest said they belonged to another party or had no affiliation.",
                                    "The rest said they had no affiliation or belonged to another party.")
    assert "role-swap" not in kinds("Scapes are mostly absent or very short .",
                                    "Scapes are very short or are mostly absent .")
    # only the names moved, their verbs stayed: the roles changed
    assert "role-swap" in kinds("The episode was written by Chuck Tatham and directed by Fred Savage .",
                                "The episode was written by Fred Savage and directed by Chuck Tatham .")
    # a word of the first conjunct ("eastern") stays behind: not a whole conjunct
    assert "role-swap" in kinds("It occurs in northern , central and eastern Brazil and in Paraguay .",
                                "It occurs in northern , central and eastern Paraguay and in Brazil .")


def test_adjacent_time_adjunct_commutes():
    assert "role-swap" not in kinds("Dotty was born in Boston in 1923 and died in Gloucester in 2014 .",
                                    "Dotty was born in 1923 in Boston and died in 2014 in Gloucester .")
    # the places exchanged between the two events
    assert "role-swap" in kinds("Dotty was born in Boston in 1923 and died in Gloucester in 2014 .",
                                "Dotty was born in Gloucester in 1923 and died in Boston in 2014 .")


def test_neighbours_flipped_in_place_are_not_a_swap():
    assert "role-swap" not in kinds("The Tabaci River is a tributary of the Leurda River in Romania .",
                                    "The river Tabaci is a tributary of the River Leurda in Romania .")
    assert "role-swap" in kinds("The Tabaci River is a tributary of the Leurda River in Romania .",
                                "The Leurda River is a tributary of the Tabaci River in Romania .")


def test_of_phrase_and_noun_modifier_alternate():
    # "the province of Papua" / "Papua Province", "the winner of the match" / "the match winner"
    assert "role-swap" not in kinds("It is found in the province of Papua , on the island Salawati .",
                                    "It is found in Papua Province , on the island Salawati .")
    # both sides use "of": the places exchanged
    assert "role-swap" in kinds("It is found in the province of Papua , on the island Salawati .",
                                "It is found in the island of Papua , on the province Salawati .")


def test_names_exchanged_around_a_reworded_relation_are_a_swap():
    # the verb is reworded, so one moved block would explain the order
    assert "role-swap" in kinds("On 3 October , Phil Tufnell defeated James Hewitt in the final .",
                                "On 3 October , James Hewitt beat Phil Tufnell in the final .")
    # a name moved with nothing but the name crossing it stays a block move
    assert "role-swap" not in kinds("In 1990 , the family moved from the old farm house to the city centre .",
                                    "The family moved from the old farm house to the city centre in 1990 .")


def test_the_terms_of_a_copula_commute():
    assert "role-swap" not in kinds("The 20th present pontiff of the Math is Pradyumnanand Swamiji .",
                                    "Pradyumnanand Swamiji is the 20th present pontiff of Math .")
    # only the names exchanged, the relation stayed: a role swap
    assert "role-swap" in kinds("The 20th present pontiff of the Math is Pradyumnanand Swamiji .",
                                "The 20th present pontiff of the Swamiji is Pradyumnanand Math .")
    # a possessor is no whole term
    assert "role-swap" in kinds("Bob and Ted were brothers . John is Ted 's son .",
                                "Bob and Ted were brothers , and Ted is John 's son .")


def test_two_long_names_exchanged_are_a_swap():
    # runs of three or more shared words exchanged: a moved clause unless both are names
    assert "role-swap" in kinds(
        "This station is part of the LaSalle Street Station Metra line , running between Joliet and the "
        "Rock Island District in the Chicago Loop .",
        "This station is part of the Rock Island District Metra line that runs between Joliet and the "
        "LaSalle Street Station in the Chicago Loop .")
    assert "role-swap" not in kinds(
        "The group criticizing the decision , the League of United Latin American Citizens , said it was wrong .",
        "The League of United Latin American Citizens , the group criticizing the decision , said it was wrong .")
