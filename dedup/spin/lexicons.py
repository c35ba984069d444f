"""Word lists and lexicons shared by the spin detectors.

Everything here is immutable (frozensets, tuples) or built once by an
``lru_cache``'d loader, so there is no module-level mutable state.

- :func:`lemma` maps a normalised word to a lemma-like key: irregular verb
  forms to their base ("rose" -> "rise"), everything else to its stem.
- :func:`antonyms` is the Open English WordNet antonym lexicon
  (``dedup/data/oewn-antonyms.tsv``) plus :data:`DIRECTIONAL_PAIRS`, keyed by lemma.
- :func:`valence` is the VADER lexicon (``dedup/data/vader_lexicon.txt``, MIT).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from dedup.text.tokens import stem

_IRREGULAR_TEXT = """
rose rise|risen rise|fell fall|fallen fall|lost lose|won win|gave give|given give|took take|taken take
made make|sold sell|bought buy|paid pay|went go|gone go|came come|saw see|seen see|knew know|known know
told tell|said say|thought think|brought bring|began begin|begun begin|broke break|broken break
chose choose|chosen choose|drew draw|drawn draw|drove drive|driven drive|ate eat|eaten eat|found find
forgot forget|forgotten forget|got get|gotten get|grew grow|grown grow|held hold|hid hide|hidden hide
kept keep|led lead|left leave|lent lend|meant mean|met meet|ran run|rang ring|sank sink|sunk sink
sent send|shook shake|shaken shake|shot shoot|shut shut|slid slide|sought seek|spent spend|spoke speak
spoken speak|stood stand|stole steal|stolen steal|struck strike|swore swear|sworn swear|taught teach
threw throw|thrown throw|understood understand|woke wake|wore wear|worn wear|wrote write|written write
fought fight|fled flee|flew fly|flown fly|forbade forbid|forbidden forbid|froze freeze|frozen freeze
beat beat|beaten beat|became become|bore bear|borne bear|built build|caught catch|dealt deal|dug dig
fed feed|felt feel|heard hear|hung hang|laid lay|lay lie|lain lie|rode ride|ridden ride|sat sit
sang sing|sung sing|slept sleep|spun spin|split split|spread spread|stuck stick|swung swing|tore tear
torn tear|wound wind|withdrew withdraw|withdrawn withdraw|overtook overtake|undertook undertake
upheld uphold|overthrew overthrow|oversaw oversee|mistook mistake|shrank shrink|shrunk shrink
sped speed|slew slay|strove strive|dove dive|arose arise|arisen arise|awoke awake|bent bend|bled bleed
bred breed|clung cling|crept creep|fled flee|flung fling|ground grind|knelt kneel|leapt leap|lit light
overcame overcome|quit quit|rebuilt rebuild|sold sell|swept sweep|wept weep|won win|worse bad|worst bad
better good|best good|less little|least little|more much|most much|men man|women woman|children child
people person|mice mouse|feet foot|teeth tooth|higher high|highest high|lower low|lowest low
larger large|largest large|smaller small|smallest small|bigger big|biggest big|weaker weak|stronger strong
"""


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _IRREGULAR_TEXT.replace("\n", "|").split("|"):
        parts = item.split()
        if len(parts) == 2:
            out[parts[0]] = parts[1]
    return out


@lru_cache(maxsize=100_000)
def lemma(norm: str) -> str:
    """Lemma-like comparison key of a normalised word.

    Args:
        norm: A word from :func:`dedup.text.tokens.normalize_word`.

    Returns:
        The base form for irregular forms ("fell" -> "fall"), else the stem
        of the word (see :func:`dedup.text.tokens.stem`) of the base.
    """
    base = _irregular().get(norm, norm)
    return stem(base)


# Directional verbs and adverbs of news reports (markets, polls, counts).
# Words in AMBIGUOUS_DIRECTION count only next to a number or after a
# reporting verb of movement ("was up", "closed lower", "added 5 points").
UP_WORDS = frozenset("""rise rose risen rising rises gain gained gaining gains climb climbed climbing
climbs jump jumped jumping jumps advance advanced advancing advances advancer advancers increase
increased increasing increases surge surged surging surges soar soared soaring soars rally rallied
rallying rallies rebound rebounded rebounding grow grew grown growing grows boost boosted
strengthen strengthened accelerate accelerated expand expanded expanding widen widened
up higher add added adding adds firm firmed""".split())
DOWN_WORDS = frozenset("""fall fell fallen falling falls drop dropped dropping drops decline declined
declining declines decliner decliners slip slipped slipping slips dip dipped dipping dips lose
lost losing loses shed shedding sheds sink sank sunk sinking sinks slide slid sliding slides tumble
tumbled tumbling plunge plunged plunging plunges slump slumped slumping retreat retreated
retreating decrease decreased decreasing decreases shrink shrank shrunk shrinking weaken weakened
contract contracted slow slowed narrow narrowed down lower off ease eased easing eases
tumbles plummet plummeted slipping""".split())
AMBIGUOUS_DIRECTION = frozenset("""up down off higher lower add added adding adds ease eased easing
eases shed sheds shedding firm firmed slow slowed narrow narrowed widen widened contract contracted
advance advanced expand expanded grow grew grown""".split())
MOVEMENT_CONTEXT = frozenset("""was were is are be been being closed close ended end finished
finish opened open edged edging inched inching crept creeping moved moving went trading traded
trade stood slightly sharply much modestly marginally little points point stocks shares market
index""".split())

# Pairs of opposites common in news that WordNet lacks or words differently.
DIRECTIONAL_PAIRS: tuple[tuple[str, str], ...] = (
    ("profit", "loss"), ("profits", "losses"), ("earnings", "loss"), ("income", "loss"),
    ("win", "lose"), ("won", "lost"), ("victory", "defeat"), ("accept", "reject"),
    ("accepted", "rejected"), ("approve", "reject"), ("approved", "rejected"),
    ("approve", "veto"), ("support", "oppose"), ("supported", "opposed"), ("allow", "ban"),
    ("allow", "forbid"), ("allow", "prohibit"), ("legal", "illegal"), ("guilty", "innocent"),
    ("convicted", "acquitted"), ("confirm", "deny"), ("confirmed", "denied"),
    ("increase", "decrease"), ("increase", "reduce"), ("raise", "cut"), ("raised", "cut"),
    ("raise", "lower"), ("hire", "fire"), ("hired", "laid"), ("open", "close"),
    ("opened", "closed"), ("start", "end"), ("begin", "end"), ("success", "failure"),
    ("succeed", "fail"), ("succeeded", "failed"), ("strengthen", "weaken"), ("peace", "war"),
    ("ally", "enemy"), ("friend", "enemy"), ("majority", "minority"), ("north", "south"),
    ("northern", "southern"), ("east", "west"), ("eastern", "western"), ("before", "after"),
    ("earlier", "later"), ("above", "below"), ("more", "less"), ("more", "fewer"),
    ("most", "least"), ("maximum", "minimum"), ("import", "export"), ("imports", "exports"),
    ("buy", "sell"), ("bought", "sold"), ("buyer", "seller"), ("lend", "borrow"),
    ("optimistic", "pessimistic"), ("optimism", "pessimism"), ("surplus", "deficit"),
    ("boom", "bust"), ("bull", "bear"), ("bullish", "bearish"), ("hyperthermia", "hypothermia"),
    ("agree", "disagree"), ("include", "exclude"), ("included", "excluded"),
    ("arrive", "depart"), ("attack", "defend"), ("rise", "fall"),
)

# Pairs from WordNet that are too loose to mean "opposite" in aligned news text.
_ANTONYM_STOP = frozenset({
    "first", "last", "new", "old", "one", "many", "in", "out", "on", "off", "be", "have", "do",
    "come", "go", "give", "take", "day", "night", "man", "woman", "men", "women", "male", "female",
    "left", "right", "top", "bottom", "front", "back", "front", "public", "private", "same",
    "different", "other", "general", "specific", "present", "absent", "past", "future", "home",
    "away", "this", "that", "all", "some", "full", "part", "whole", "early", "late", "own",
    "local", "national", "foreign", "domestic", "official", "unofficial", "long", "short",
    "large", "small", "big", "little", "major", "minor", "high", "low", "young", "old", "single",
    "double", "even", "odd", "real", "black", "white", "hard", "soft", "light", "dark", "head",
    "tail", "father", "mother", "son", "daughter", "brother", "sister", "husband", "wife",
    "question", "answer", "ask", "tell", "send", "receive", "give", "get", "near", "far",
    "inside", "outside", "internal", "external", "upper", "lower", "over", "under", "with",
    "without", "together", "apart", "up", "down", "here", "there", "now", "then", "always",
    "never", "sometimes", "often", "clockwise", "wet", "dry", "hot", "cold", "warm", "cool",
    "necessary", "unnecessary", "possible", "impossible", "common", "uncommon", "usual",
    "unusual", "like", "unlike", "known", "unknown", "able", "unable", "certain", "uncertain",
    "leader", "follower", "teacher", "student", "employer", "employee", "parent", "child",
    "city", "country", "urban", "rural", "formal", "informal", "simple", "complex",
    "native", "nonnative", "active", "passive", "include", "exclude", "direct", "indirect",
    "stay", "leave", "remain", "go", "keep", "lose", "find", "push", "pull", "enter", "exit",
    "give", "put", "come", "bring", "send", "add", "subtract", "lead", "follow", "play",
    "work", "rest", "live", "death", "life", "birth", "begin", "end", "start", "finish",
    "stop", "continue", "beginning", "ending", "import", "export", "buy", "sell", "set",
    "rise", "sunrise", "sunset", "lie", "stand", "sit", "ascend", "descend", "asleep", "awake",
})


def _pair_keys(a: str, b: str) -> list[tuple[str, str]]:
    return [(lemma(a), lemma(b))]


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
    """Antonym lexicon keyed by lemma (see :func:`lemma`).

    Single-word pairs of ``oewn-antonyms.tsv`` minus a stop list of loose
    contrasts ("first"/"last", "new"/"old"), plus :data:`DIRECTIONAL_PAIRS`
    and every cross pair of :data:`UP_WORDS` x :data:`DOWN_WORDS`.

    Returns:
        lemma -> lemmas of its antonyms.
    """
    acc: dict[str, set[str]] = {}

    def add(a: str, b: str) -> None:
        la, lb = lemma(a), lemma(b)
        if la == lb or not la or not lb:
            return
        acc.setdefault(la, set()).add(lb)
        acc.setdefault(lb, set()).add(la)

    text = _read_data_file("oewn-antonyms.tsv")
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        a, b = parts[0], parts[1]
        if " " in a or " " in b or "-" in a or "-" in b:
            continue
        if a in _ANTONYM_STOP or b in _ANTONYM_STOP or len(a) < 3 or len(b) < 3:
            continue
        add(a, b)
    for a, b in DIRECTIONAL_PAIRS:
        add(a, b)
    return {k: frozenset(v) for k, v in acc.items()}


def _read_data_file(name: str) -> str:
    """Text of a package data file of ``dedup/data``."""
    return resources.files("dedup").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _vader() -> dict[str, float]:
    text = _read_data_file("vader_lexicon.txt")
    out: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return out


@lru_cache(maxsize=1)
def _vader_by_lemma() -> dict[str, float]:
    acc: dict[str, list[float]] = {}
    for w, v in _vader().items():
        acc.setdefault(lemma(w), []).append(v)
    return {k: sum(v) / len(v) for k, v in acc.items()}


@lru_cache(maxsize=100_000)
def valence(norm: str) -> float:
    """VADER valence (-4..4) of a normalised word, by exact form then lemma.

    Args:
        norm: A normalised word.

    Returns:
        The valence, 0.0 for words outside the lexicon and for negation cues,
        which the detectors handle themselves.
    """
    if norm in NEGATION_WORDS or norm in _VALENCE_IGNORE:
        return 0.0
    v = _vader().get(norm)
    if v is None:
        v = _vader_by_lemma().get(lemma(norm), 0.0)
    return v


# Words whose VADER score reflects social-media usage, not news evaluation.
_VALENCE_IGNORE = frozenset("""no yes like please ok okay party lol haha kind well pretty
united care help share shares interest interests credit top huge big hard fun free clear cut
cuts killing charge charges charged chance fine mean matter dear grand original natural
justice security defense defence""".split())

NEGATION_WORDS = frozenset({"not", "no", "never", "n't", "without", "none", "nobody", "nothing",
                            "neither", "nor", "cannot", "nowhere", "noone",
                            # "unless X" = "if not X"; adverbs that deny the usual case
                            "unless", "rarely", "seldom", "hardly", "scarcely",
                            # apostrophe-less spellings ("havent", "dont")
                            "dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "isnt", "arent",
                            "wasnt", "werent", "wouldnt", "couldnt", "shouldnt", "wont", "cant"})
# Multi-word cues: (first word, second word) -> cue; "failed to", "lack of" ...
NEGATION_PHRASES = frozenset({("failed", "to"), ("fail", "to"), ("fails", "to"), ("failing", "to"),
                              ("refused", "to"), ("refuse", "to"), ("refuses", "to"),
                              ("refusing", "to"), ("unable", "to"), ("lack", "of"),
                              # nominal forms: "his refusal to testify" / "he refused to testify"
                              ("failure", "to"), ("refusal", "to"), ("inability", "to"),
                              ("lacked",), ("lacks",), ("lacking",), ("rather", "than"), ("denied",), ("denies",), ("deny",), ("no", "one")})
# Negation-looking phrases that do not negate: "not only", "no doubt", "nothing but".
NON_NEGATING_NEXT = frozenset({"only", "doubt", "longer_than", "but"})  # "nothing but praise"

# "suggest(s/ed)" is not a hedge but a verb of saying ("officials suggested that"),
# handled by the attribution detector.
HEDGE_WORDS = frozenset("""reportedly allegedly may might could possibly probably likely
apparently perhaps purportedly supposedly seemingly potentially considering consider considers
considered discussing discussed discuss proposed proposes propose mulling weighing rumored
rumoured expected expects expecting plans planning planned intends intend intended intending hopes hope hoped
hoping seeks seek seeking unconfirmed tentative tentatively maybe""".split())
# "expected to", "plans to" are hedges only before "to"; "considered" only before a verb.
# Deliberation hedges: a discussion or proposal is a hedge only against a decision
# ("discussed a ceasefire" / "agreed a ceasefire"), not against a neutral verb.
DELIBERATION_WORDS = frozenset("""considering consider considers considered discussing discussed
discuss proposed proposes propose mulling weighing""".split())
HEDGE_NEEDS_TO = frozenset({"expected", "expects", "expecting", "plans", "planning", "planned", "intends",
                            "intend", "intended", "intending", "hopes", "hope", "hoped", "hoping", "seeks",
                            "seek", "seeking"})
CERTAINTY_WORDS = frozenset("""will agreed decided confirmed announced definitely certainly
clearly undoubtedly officially signed approved""".split())

ATTRIBUTION_VERBS = frozenset("""said say says told tell tells described describe describes
characterized characterised characterize characterizes claimed claim claims reported report
reports stated state states noted note notes added warned warn warns stressed stress stresses
underscored underscore insisted insist insists argued argue argues announced announce announces
alleged allege alleges asserted assert asserts maintained maintains acknowledged acknowledge
admitted admit admits explained explain explains suggested suggest suggests wrote write writes
declared declare declares confirmed confirm confirms denied deny denies
estimated estimate estimates believes believe believed predicted predict predicts
emphasized emphasised emphasize emphasizes praised""".split())
PRONOUNS = frozenset("""he she they it we i you him her them his its their one someone somebody
this that who""".split())
TITLES = frozenset("""mr mrs ms miss dr prof president presidents sen senator rep representative
gov governor gen general col capt captain lt sgt adm minister prime chancellor secretary king
queen prince princess pope judge justice chief ceo chairman chairwoman director mayor
ambassador spokesman spokeswoman spokesperson st saint sir lord lady dame officer detective
commissioner attorney us u.s""".split())
