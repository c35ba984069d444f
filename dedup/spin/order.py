"""Order changes: the same words in a different order (roles or relations changed).

A rewrite that keeps nearly all the words of a sentence but puts its content
words in another relative order has usually moved a participant into another
role ("A represented X ... representing Y" / "A represented Y ... representing
X", "flights from X to Y" / "from Y to X", "the plural bears the first marker"
/ "the first bears the plural marker"). Adjunct moves ("In 1990, he ..." /
"He ... in 1990") also reorder words, so the measure is deliberately a
*fraction*: the Kendall discordance between the two orders of the content
words shared by both sides (a word repeated as often on each side pairs its
occurrences by their neighbours, see :func:`_pair_occurrences`),

    discordance = (pairs of such words in opposite order) / (all pairs).

Meaning-preserving reorderings are kept out: inversions between
two words that both sit in runs of three or more shared words kept together
in the same order (a clause or adjunct moved as a block: "In 1990, he moved to
Paris" / "He moved to Paris in 1990"; not when both runs are names, "the
LaSalle Street Station line ... the Rock Island District" / "the Rock Island
District line ... the LaSalle Street Station": participants exchanged),
inversions of conjuncts ("A and B" / "B and A"), between whole items of one list ("written by A, B and C" /
"written by C, B and A"; not when the items exchanged words, carry
descriptions, have relations of their own or form a sequence with "then") between a quotation and its attribution ("'...,' X said" / "X
said: '...'") and between a reporting clause both sides have and the claim
it reports ("Druce will face charges, Conte said" / "Conte said Druce will
be charged"; see :func:`_reporting_words`) are not counted. Nor are those of
two adjacent constituents that changed places whole (see
:func:`_transpositions`): conjuncts of several words around the same
coordinator ("they belonged to another party or had no affiliation" / "they
had no affiliation or belonged to another party"), the two whole terms of a
copula ("The pontiff of the Math is Swamiji" / "Swamiji is the pontiff of the
Math"; not "John is Ted's son" / "Ted is John's son") or a time expression next to
another adjunct ("born in Boston in 1923" / "born in 1923 in Boston"); of two
words that are neighbours on both sides ("stable financially" / "financially
stable", "the Tabaci River" / "the river Tabaci"); and of a head noun and its
"of" complement on one side that is its modifier on the other ("the province
of Papua" / "Papua Province", see :func:`_of_alternation`). When one moved run of words explains the whole
change (``block_move``: "In 1990, X" / "X ... in 1990") no flag is raised
either (a lone word counts as a block only when it moves to or from an end
of the sentence), unless every inversion that counted is between two names
with a word between them on both sides: two participants exchanged around a
relation ("Phil Tufnell defeated James Hewitt" / "James Hewitt beat Phil
Tufnell", the verb reworded so that no shared word stays between them) look
like one moved block but are a role swap. A voice change ("X called Y" / "Y was called by X": the
agent after "by" stands before the same verb on the active side) is reported
so that no flag is raised for it. Two inverted words that exchanged their slots
(each now has the neighbour the other had: "his wife was A, and their son B" /
"his wife was B, and her son A") are a role swap even when one moved block
would explain the order (``exchanges``).

The discordance only counts when the two sentences share almost all their tokens
(``overlap`` = shared tokens, as a multiset of lemmas, over the longer side's
token count). Degree adverbs ("about", "approximately", "nearly") are not
participants and are left out, so "about 110 ... approximately 5" /
"approximately 110 ... about 5" does not count.

Calibrated on half of PAWS dev (even rows) and checked on the other half and on
MRPC paraphrases (false flags): see ``benchmarks/meaning.py``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from dedup.spin.analysis import Side
from dedup.spin.lexicons import TITLES
from dedup.text.quotes import find_quotes

_MAX_SPAN = 8  # longer spans are shown as "first … last"
_BLOCK = 2  # runs longer than this move as a block (an adjunct or clause moved)
_COORD = frozenset({"and", "or", "nor", "&"})
_RELATION = frozenset("""of in to from by for with at on into onto than as was is were are be been has had have
against over under between after before""".split())
_COORD_FILLER = frozenset({"and", "or", "nor", "&", "the", "a", "an", "both", "either", "neither", "as",
                           "well", "also", "then"})
_BE = frozenset({"was", "were", "is", "are", "be", "been", "being", "get", "got", "gets"})
_SAYING = frozenset({"said", "says", "say", "told", "tell", "tells"})
_TIME = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
yesterday today tomorrow tonight morning afternoon evening night week month year weekend""".split())
_DEGREE = frozenset("""about approximately nearly almost around roughly some over under just only
also generally commonly usually mainly mostly largely partly fully completely still even very""".split())


@dataclass(frozen=True)
class OrderChange:
    """How differently two sentences order the words they share.

    Attributes:
        overlap: Shared tokens (multiset of lemmas) over the longer side's count.
        discordance: Share of pairs of shared content words (occurrences paired) whose
            order differs between the sides (0 = same order, 1 = reversed).
        words: How many shared content words were compared.
        source_span: Source text from the first to the second word of the most
            displaced discordant pair ("" when none).
        suspect_span: The same two words' span in the suspect.
        voice_change: One side is the passive of the other ("Y was called by X").
        block_move: Moving one run of words explains the whole change.
        exchanges: Inverted word pairs that exchanged their slots: each word
            now has the neighbour (left or right) the other word had.
    """

    overlap: float
    discordance: float
    words: int
    source_span: str = ""
    suspect_span: str = ""
    voice_change: bool = False
    block_move: bool = False
    exchanges: int = 0


    @property
    def evidence(self) -> float:
        """Discordance as evidence of changed roles: halved for a voice change
        or a single moved block (usually meaning-preserving)."""
        return self.discordance * (0.5 if self.voice_change or self.block_move else 1.0)


_NONE = OrderChange(0.0, 0.0, 0)


def _span(side: Side, i: int, j: int) -> str:
    lo, hi = min(i, j), max(i, j)
    if hi - lo > _MAX_SPAN:
        return f"{side.tokens[lo].text} … {side.tokens[hi].text}"
    return side.text[side.tokens[lo].start:side.tokens[hi].end]


def _quoted(side: Side) -> list[bool]:
    """For each token, whether it lies inside quotation marks ([] when none)."""
    if not any(c in side.text for c in '"“”«»„'):
        return []
    quotes = find_quotes(side.text)
    if not quotes:
        return []
    return [any(q.start <= t.start < q.end for q in quotes) for t in side.tokens]


def _coordinated(side: Side, i: int, j: int) -> bool:
    """Whether tokens i and j are conjuncts ("X and Y", "X, the Y or Z"): only
    coordinators and fillers between them, at least one coordinator or comma."""
    lo, hi = min(i, j), max(i, j)
    between = side.norms[lo + 1:hi]
    if len(between) > 4:
        return False
    if not all(w in _COORD_FILLER or w == side.norms[lo] for w in between):
        return False
    return any(w in _COORD for w in between) or side.breaks[hi] != side.breaks[lo]


def _listed(side: Side, i: int, j: int) -> bool:
    """Whether tokens i and j are items of one list ("A, B and C"): at most
    eight tokens apart with a coordinator or comma between them and no word
    that relates them (a preposition, "be", "have")."""
    lo, hi = min(i, j), max(i, j)
    between = side.norms[lo + 1:hi]
    if len(between) > 8 or any(w in _RELATION for w in between):
        return False
    return any(w in _COORD for w in between) or side.breaks[hi] != side.breaks[lo]


def _items(side: Side, skip: int = 0) -> tuple[list[int], list[frozenset[str]], list[bool]]:
    """List items of a side: for each token the id of its item, each item's
    content lemmas and whether it has a lead. An item is a run of tokens with
    no coordinator, comma or semicolon inside ("Ned Wever, Milton Ager and
    Jean Schwartz" -> three items; "Orlando (2014)" is one). Words up to the
    last relation word of an item ("has played for FC Utrecht", "eleven are
    private") are its *lead*: they relate the rest to the sentence, so only
    the words after them are listed, and only the first item of a list may
    have one. The first ``skip`` tokens (a beginning both sides share word for
    word) belong to no item. A side with an apposition after a comma
    ("Rexach, a composer of boleros, Rios, an author") has no list items: its
    names and descriptions pair up, and reordering the names changes who is
    what."""
    ids: list[int] = []
    keys: list[list[str]] = [[]]
    leads: list[bool] = [False]
    cur = 0
    for k, w in enumerate(side.norms):
        if k < skip:
            ids.append(-1)
            continue
        gap = side.text[side.tokens[k - 1].end:side.tokens[k].start] if k else ""
        if "," in gap and w in _APPOSITION:
            return [], [], []  # "Rexach, a composer, Rios, an author": names with descriptions, no list
        if w in _COORD or (("," in gap or ";" in gap) and ids and ids[-1] == cur):
            if keys[cur] or leads[cur]:
                cur += 1
                keys.append([])
                leads.append(False)
            if w in _COORD:
                ids.append(-1)
                continue
        ids.append(cur)
        if w in _RELATION or w in _BE:
            keys[cur] = []  # the words so far lead into the item
            leads[cur] = True
        elif side.is_content(k):
            keys[cur].append(side.lemmas[k])
    return ids, [frozenset(x) for x in keys], leads


_APPOSITION = frozenset({"a", "an", "the", "his", "her", "their", "its", "former"})
# words that make a list a sequence ("attended A and then B")
_SEQUENCE = frozenset({"then", "later", "afterwards", "subsequently", "eventually", "finally", "next",
                       "first", "second", "third", "before", "after", "followed", "until"})


def _list_items(src: Side, sus: Side) -> tuple[tuple[list[int], list[frozenset[str]], list[bool]], ...]:
    """:func:`_items` of both sides, after their common beginning; none when
    either side marks a sequence ("A and then B")."""
    skip = _common_prefix(src, sus)
    if any(w in _SEQUENCE for w in src.norms[skip:]) or any(w in _SEQUENCE for w in sus.norms[skip:]):
        return ([], [], []), ([], [], [])  # "A and then B": an ordered list, its order is meaning
    ids_a, items_a, leads_a = _items(src, skip)
    ids_b, items_b, leads_b = _items(sus, skip)
    if items_a and items_b:
        # items are compared on the words both sides have: a word only one side
        # says ("... and Anthony Kennedy disagreed" / "... and Stephen Breyer
        # dissented") is reworded, it does not tie an item to another
        shared = src.lemma_set & sus.lemma_set
        items_a = [x & shared for x in items_a]
        items_b = [x & shared for x in items_b]
        # words both first items have lead into the list without a relation
        # word ("The film stars Oscar Nunez, ..." / "Film stars Lily Rabe, ...")
        lead = (items_a[0] & items_b[0]) - frozenset().union(*items_a[1:], *items_b[1:])
        items_a[0] -= lead
        items_b[0] -= lead
    return (ids_a, items_a, leads_a), (ids_b, items_b, leads_b)


def _common_prefix(src: Side, sus: Side) -> int:
    n = 0
    for a, b in zip(src.norms, sus.norms):
        if a != b:
            break
        n += 1
    return n


def _permuted_items(i: int, j: int, k: int, m: int,
                    a: tuple[list[int], list[frozenset[str]], list[bool]],
                    b: tuple[list[int], list[frozenset[str]], list[bool]]) -> bool:
    """Whether source tokens i, j (suspect k, m) lie in two different items of
    one list (see :func:`_items`) that the other side has as whole items too:
    the list was reordered, no role changed. An item that took words of
    another ("magnate Thomas Fearnley and landowner N. O. Fearnley" /
    "magnate N. O. Fearnley and landowner Thomas Fearnley") is no whole item,
    and items with a lead of their own ("born in Korneuburg, Germany and spent
    his childhood in Stammersdorf, Vienna") are in different lists, so such
    swaps still count."""
    ids_a, items_a, leads_a = a
    ids_b, items_b, leads_b = b
    if not ids_a or not ids_b:
        return False
    a1, a2, b1, b2 = ids_a[i], ids_a[j], ids_b[k], ids_b[m]
    if min(a1, a2, b1, b2) < 0 or a1 == a2 or b1 == b2:
        return False
    if any(leads_a[t] for t in range(min(a1, a2) + 1, max(a1, a2) + 1)) or \
            any(leads_b[t] for t in range(min(b1, b2) + 1, max(b1, b2) + 1)):
        return False
    return items_a[a1] == items_b[b1] and items_a[a2] == items_b[b2]


_ROLES = frozenset("""manager spokesman spokeswoman spokesperson president chairman chairwoman
chief executive officer director founder head deputy sheriff provost editor analyst economist
coach owner leader secretary minister governor mayor senator""".split())


def _title_and_name(side: Side, i: int, j: int) -> bool:
    """Whether one of two words is a role or title ("president", "spokesman")
    and the other a capitalised name: a title moved around its holder ("Tibco's
    chief marketing officer George Ahn" / "George Ahn, chief marketing
    officer, Tibco") is the same statement."""
    for a, b in ((i, j), (j, i)):
        if (side.norms[a] in _ROLES or side.norms[a] in TITLES) and side.tokens[b].is_capitalized \
                and not side.initial[b] and side.norms[b] not in _ROLES and side.norms[b] not in TITLES:
            return True
    return False


def _number_flip(src: Side, i: int, j: int, sus: Side, k: int, m: int) -> bool:
    """Whether a number and a word next to each other on both sides merely
    changed places (a date or label written the other way round: "5 March" /
    "March 5,", "2010 Summer" / "summer 2010")."""
    if abs(i - j) != 1 or abs(k - m) != 1:
        return False
    return src.tokens[i].is_number != src.tokens[j].is_number


def _one_block_move(seq: list[int]) -> bool:
    """Whether moving one run of consecutive ranks puts ``seq`` in order (an
    adjunct or clause moved elsewhere, the rest in place). A lone word counts
    only when it moves to or from an end of the sentence ("In 1990, X ..." /
    "X ... in 1990"); a lone word hopping over its neighbour inside the
    sentence ("concrete subclasses of abstract" / "abstract subclasses of
    concrete") is a swap, not a move."""
    n = len(seq)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and seq[j + 1] == seq[j] + 1:
            j += 1
        rest = seq[:i] + seq[j + 1:]
        if all(rest[k] < rest[k + 1] for k in range(len(rest) - 1)):
            at_edge = i == 0 or j == n - 1 or seq[i] == 0 or seq[j] == n - 1
            if j > i or at_edge:
                return True
        i = j + 1
    return False


def _reporting_words(src: Side, sus: Side) -> frozenset[str]:
    """Lemmas of the reporting clauses both sides share: a plain verb of
    saying both use ("said", "told"; not "announced" or "released", which
    are often the claim itself: "was released on X and announced on Y") and the words of their attribution agents (see
    :func:`dedup.spin.attribution.agents`). Where a reporting clause stands
    ("Druce will face charges, Conte said" / "Conte said Druce will be
    charged") does not change who did what in the claim; an inversion
    between a reporting word and a claim word is not counted. Two agents
    exchanged ("A told B" / "B told A") are both reporting words, so their
    inversion still counts."""
    from dedup.spin.attribution import agents  # local: attribution imports nothing of this module
    verbs = {src.lemmas[k] for k, w in enumerate(src.norms) if w in _SAYING} & {
        sus.lemmas[k] for k, w in enumerate(sus.norms) if w in _SAYING}
    if not verbs:
        return frozenset()
    words = set(verbs)
    for side in (src, sus):
        for ag in agents(side):
            words |= ag.keys
    return frozenset(words)


def _exchanged(src: Side, i: int, j: int, sus: Side, k: int, m: int) -> bool:
    """Whether source words i, j (suspect positions k, m) swapped slots: each now
    has the left (or right) neighbour the other had ("wife was A ... son B" /
    "wife was B ... son A")."""
    ns, nt = src.norms, sus.norms
    if ns[i - 1:i] != ns[j - 1:j] and nt[k - 1:k] == ns[j - 1:j] and nt[m - 1:m] == ns[i - 1:i]:
        return True
    return ns[i + 1:i + 2] != ns[j + 1:j + 2] and nt[k + 1:k + 2] == ns[j + 1:j + 2] and nt[m + 1:m + 2] == ns[i + 1:i + 2]


def _voice_change(passive: Side, active: Side) -> bool:
    """Whether ``passive`` says "Y was <verb> by X" where ``active`` says "X <verb> Y":
    the agent after "by" stands before the same verb on the active side, which
    has no "by" of its own there."""
    n = passive.norms
    for k, w in enumerate(n):
        if w != "by" or k < 2 or not any(n[m] in _BE for m in range(max(0, k - 4), k)):
            continue
        # the participle right after the auxiliary, even with an adjunct before
        # "by" ("was sued in state court by X", "being banned for a time by X")
        verb = next((m for m in range(k - 1, max(0, k - 7), -1)
                     if passive.is_content(m) and (n[m - 1] in _BE or m > 1 and n[m - 2] in _BE)), None)
        if verb is None:
            verb = next((m for m in range(k - 1, max(-1, k - 4), -1) if passive.is_content(m)), None)
        agent = next((m for m in range(k + 1, min(len(n), k + 5)) if passive.is_content(m)), None)
        if verb is None or agent is None:
            continue
        v = [m for m, x in enumerate(active.lemmas) if x == passive.lemmas[verb]]
        g = [m for m, x in enumerate(active.lemmas) if x == passive.lemmas[agent]]
        if v and g and g[0] < v[0] and "by" not in active.norms[v[0]:v[0] + 3]:
            return True
    return False


def _variant_keys(src: Side, sus: Side) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lemmas of both sides, a word of one side that the other lacks keyed as
    the other side's word with the same first six letters ("mystic" /
    "mystical", "commemorated" / "commemoration")."""
    la, lb = src.lemmas, sus.lemmas
    only_a = {w for w in la if w not in sus.lemma_set and len(w) >= 6 and w.isalpha()}
    only_b = {w for w in lb if w not in src.lemma_set and len(w) >= 6 and w.isalpha()}
    if not only_a or not only_b:
        return la, lb
    by_prefix: dict[str, str] = {}
    for w in sorted(only_a):
        by_prefix.setdefault(w[:6], w)
    mapping = {w: by_prefix[w[:6]] for w in only_b if w[:6] in by_prefix}
    if not mapping:
        return la, lb
    return la, tuple(mapping.get(w, w) for w in lb)


def _pair_occurrences(la: tuple[str, ...], lb: tuple[str, ...], ca: Counter, cb: Counter
                      ) -> tuple[dict[tuple[str, int], int], list[tuple[int, tuple[str, int]]]]:
    """Key every source token and map the keys to suspect positions.

    A word once on each side is keyed (word, 0). A word repeated as often on
    both sides pairs each source occurrence with the suspect occurrence that
    has the same neighbours, the right one first ("FC Utrecht" with "FC
    Utrecht", "sexual harassment" with "sexual harassment"), in order among
    equals; the others then pair by order ("six are public" / "eleven are
    public").
    Words repeated unequally are left out.
    """
    pos_b: dict[tuple[str, int], int] = {}
    keyed: list[tuple[int, tuple[str, int]]] = []
    occ_b: dict[str, list[int]] = {}
    for k, w in enumerate(lb):
        c = cb[w]
        if ca.get(w, 0) != c:
            continue
        if c == 1:
            pos_b[(w, 0)] = k
        else:
            occ_b.setdefault(w, []).append(k)
    seen: dict[str, int] = {}
    taken: set[int] = set()
    for k, w in enumerate(la):
        if ca[w] == 1:
            keyed.append((k, (w, 0)))
            continue
        key = (w, seen.get(w, 0))
        seen[w] = key[1] + 1
        keyed.append((k, key))
        cands = occ_b.get(w)
        if not cands:
            continue

        def agree(m: int) -> int:
            left = k > 0 and m > 0 and la[k - 1] == lb[m - 1]
            right = k + 1 < len(la) and m + 1 < len(lb) and la[k + 1] == lb[m + 1]
            return int(left) + 2 * int(right)  # a modifier goes with its head: "sexual harassment"
        free = [m for m in cands if m not in taken]
        best = max(free, key=lambda m: (agree(m), -m))
        taken.add(best)
        pos_b[key] = best
    return pos_b, keyed


def _time_word(side: Side, k: int) -> bool:
    """Whether token k is part of a time expression ("Sunday", "last month", "1990", "June 13")."""
    w = side.norms[k]
    if w in _TIME:
        return True
    if side.tokens[k].is_number and w.isdigit():
        if len(w) == 4 and 1000 <= int(w) <= 2100:
            return True
        # a day of a month: "June 13", "13 June"
        return any(0 <= m < len(side.norms) and side.norms[m] in _TIME for m in (k - 1, k + 1))
    return False


def _transpositions(src: Side, sus: Side, pos: list[int], tgt: list[int]) -> set[tuple[int, int]]:
    """Rank pairs (x, y), x < y, whose inversion comes from two adjacent
    constituents that changed places whole ("A or B" / "B or A" with A, B runs
    of words; "in Boston in 1923" / "in 1923 in Boston"; the two terms of an
    equation, each its whole clause but for function words, "The 20th pontiff
    of the Math is Swamiji" / "Swamiji is the 20th pontiff of the Math")."""
    n = len(pos)
    order_b = sorted(range(n), key=tgt.__getitem__)
    where = [0] * n
    for r, x in enumerate(order_b):
        where[x] = r
    # run_end[k]: the last rank j >= k such that ranks k..j stand in the suspect in order, side by side
    run_end = list(range(n))
    for k in range(n - 2, -1, -1):
        if where[k + 1] == where[k] + 1:
            run_end[k] = run_end[k + 1]
    out: set[tuple[int, int]] = set()
    for p in range(n):
        for q in range(p + 1, min(run_end[p] + 1, n - 1) + 1):
            # X = ranks p..q-1 (a run in order in the suspect), Y = ranks q..r-1 right before it
            r = q + where[p] - where[q]
            if r <= q or r > n or run_end[q] < r - 1:
                continue
            # licence: the same coordinator or copula between the two on both sides, or one is a time expression
            if not (_joined(src, pos[q - 1], pos[q]) and _joined(sus, tgt[r - 1], tgt[p])
                    and _edge(src, pos[p], -1) and _edge(src, pos[r - 1], 1)
                    and _edge(sus, tgt[q], -1) and _edge(sus, tgt[q - 1], 1)):
                continue
            wa = {src.norms[k] for k in range(pos[q - 1] + 1, pos[q])}
            wb = {sus.norms[k] for k in range(tgt[r - 1] + 1, tgt[p])}
            ca, cb = wa & _COORD, wb & _COORD
            if not ca and not cb and wa & wb & _COPULA and _whole_clause(src, pos[p], pos[r - 1]) \
                    and _whole_clause(sus, tgt[q], tgt[q - 1]):
                out.update((x, y) for x in range(p, q) for y in range(q, r))  # "A was B" / "B was A"
                continue
            if ca & cb or not ca and not cb and (all(_time_word(src, pos[k]) for k in range(p, q))
                                                 or all(_time_word(src, pos[k]) for k in range(q, r))):
                out.update((x, y) for x in range(p, q) for y in range(q, r))
    return out


_COPULA = frozenset({"is", "was", "are", "were"})


def _whole_clause(side: Side, i: int, j: int) -> bool:
    """Whether tokens i..j make up their clause but for function words at its
    ends, with no possessive inside ("John is Ted's son" is no equation of
    two whole terms)."""
    b = side.breaks[i]
    if side.breaks[j] != b:
        return False
    k = i - 1
    while k >= 0 and side.breaks[k] == b:
        if not _function(side, k):
            return False
        k -= 1
    k = j + 1
    while k < len(side.tokens) and side.breaks[k] == b:
        if not _function(side, k):
            return False
        k += 1
    return not any(side.norms[t] == "s" or side.tokens[t].text.endswith(("'s", "’s")) for t in range(i, j + 1))


def _name_run(side: Side, shared: list, bounds: tuple[int, int]) -> bool:
    """Whether every word of a run of shared words (ranks ``bounds``, first
    and last) is part of a name ("Jonathan Erlich and Andy Ram")."""
    return all(_in_name(side, shared[r][0]) for r in range(bounds[0], bounds[1] + 1))


def _function(side: Side, k: int) -> bool:
    """A function word or a degree adverb ("mostly", "very")."""
    return not side.is_content(k) or side.norms[k] in _DEGREE


def _in_name(side: Side, k: int) -> bool:
    """Whether token k is part of a name (see :func:`dedup.spin.analysis.analyse`)."""
    return any(n.first <= k < n.last for n in side.names)


def _named_exchange(src: Side, i: int, j: int, sus: Side, k: int, m: int) -> bool:
    """Whether source tokens i, j (suspect k, m) are both parts of names
    with a content word between them on both sides ("Tufnell defeated James"
    / "Hewitt beat Phil"): two participants on either side of a relation."""
    if not (_in_name(src, i) and _in_name(src, j) and _in_name(sus, k) and _in_name(sus, m)):
        return False
    lo, hi = min(i, j), max(i, j)
    a = any(src.is_content(t) and not _in_name(src, t) for t in range(lo + 1, hi))
    lo, hi = min(k, m), max(k, m)
    b = any(sus.is_content(t) and not _in_name(sus, t) for t in range(lo + 1, hi))
    return a and b


def _joined(side: Side, i: int, j: int) -> bool:
    """Whether only function words (and punctuation) stand between tokens i < j."""
    return all(_function(side, k) for k in range(i + 1, j))


def _edge(side: Side, i: int, step: int) -> bool:
    """Whether token i is at an edge of its constituent on the side ``step``
    points to: the sentence ends or a clause breaks there, or a function word
    follows (precedes) it."""
    k = i + step
    if k < 0 or k >= len(side.tokens) or side.breaks[k] != side.breaks[i]:
        return True
    return _function(side, k)


def _of_alternation(src: Side, sus: Side, i: int, j: int, k: int, m: int) -> bool:
    """Whether one side says "N1 of (the) N2" where the other says "N2('s) N1"
    ("the winner of the match" / "the match winner", "chairman of St Paul" /
    "St Paul chairman"): i < j source tokens at suspect positions k > m."""
    for of_side, a, b, other, c, d in ((src, i, j, sus, m, k), (sus, m, k, src, i, j)):
        # of_side: N1 at a, N2 at b > a; other: N2 at c < N1 at d
        between = of_side.norms[a + 1:b]
        if not between or between[0] != "of" or len(between) > 4:
            continue
        if not all(w in ("the", "a", "an", "its", "his", "her", "their") or of_side.tokens[a + 1 + t].is_capitalized
                   for t, w in enumerate(between[1:], 1)):
            continue
        if of_side.breaks[a] != of_side.breaks[b]:
            continue
        mid = range(c + 1, d)
        if len(mid) > 3 or other.breaks[c] != other.breaks[d]:
            continue
        if all(other.tokens[t].is_capitalized or other.is_content(t) for t in mid) and \
                "of" not in other.norms[max(0, d - 1):d + 2]:
            return True
    return False


def order_change(src: Side, sus: Side) -> OrderChange:
    """Order change between two analysed sentences.

    Args:
        src: Source side.
        sus: Suspect side.

    Returns:
        The :class:`OrderChange` (all zero when fewer than three shared
        content words can be compared).
    """
    la, lb = _variant_keys(src, sus)
    if not la or not lb:
        return _NONE
    ca, cb = Counter(la), Counter(lb)
    overlap = sum((ca & cb).values()) / max(len(la), len(lb))
    pos_b, keyed = _pair_occurrences(la, lb, ca, cb)
    shared = [(k, w) for k, w in keyed
              if w in pos_b and src.is_content(k) and w[0] not in _DEGREE
              and src.norms[k] not in _DEGREE and w[0].isalnum()]
    n = len(shared)
    if n < 3:
        return OrderChange(overlap, 0.0, n)
    # suspect positions in source order; discordant pairs are inversions
    tgt = [pos_b[w] for _, w in shared]
    # runs: words that stay together in the same order on both sides (a moved clause)
    in_suspect_order = sorted(range(n), key=tgt.__getitem__)
    run = [0] * n
    run_of: list[tuple[int, int]] = [(0, 0)] * n  # first and last rank of each word's run
    i = 0
    while i < n:
        j = i
        while j + 1 < n and in_suspect_order[j + 1] == in_suspect_order[j] + 1:
            j += 1
        for k in range(i, j + 1):
            run[in_suspect_order[k]] = j - i + 1
            run_of[in_suspect_order[k]] = (in_suspect_order[i], in_suspect_order[j])
        i = j + 1
    qa, qb = _quoted(src), _quoted(sus)
    reporting: frozenset[str] | None = None  # worked out at the first inversion that needs it
    lists: list = []  # list items of both sides, worked out at the first inversion that needs them
    trans: set[tuple[int, int]] | None = None  # worked out at the first inversion that needs it
    disc = 0
    names_only = True  # every counted inversion is two names with a relation between them
    exchanges = 0
    swapped = (0, 0)
    best = (-1, 0, 0)
    for x in range(n):
        tx = tgt[x]
        rx = run[x]
        for y in range(x + 1, n):
            if tx > tgt[y]:
                if _coordinated(src, shared[x][0], shared[y][0]) and _coordinated(sus, tx, tgt[y]):
                    continue  # "A and B" / "B and A": conjuncts commute
                if qa and (qa[shared[x][0]] != qa[shared[y][0]]) or qb and (qb[tx] != qb[tgt[y]]):
                    continue  # a quote and its attribution ("'...,' X said" / "X said: '...'")
                if reporting is None:
                    reporting = _reporting_words(src, sus)
                if reporting and (shared[x][1][0] in reporting) != (shared[y][1][0] in reporting):
                    continue  # a reporting clause moved ("..., Conte said" / "Conte said ...")
                if rx > _BLOCK and run[y] > _BLOCK and not (
                        _name_run(src, shared, run_of[x]) and _name_run(src, shared, run_of[y])):
                    continue  # two blocks of words exchanged: a clause moved, not a role (two names: a role)
                if _title_and_name(src, shared[x][0], shared[y][0]):
                    continue  # "President Mary Sue Coleman" / "Mary Sue Coleman, president of"
                if _number_flip(src, shared[x][0], shared[y][0], sus, tx, tgt[y]):
                    continue  # "5 March" / "March 5", "2010 Summer" / "summer 2010"
                if trans is None:
                    trans = _transpositions(src, sus, [k for k, _ in shared], tgt)
                if (x, y) in trans:
                    continue  # adjacent constituents changed places: "A or B" / "B or A", "in X in 1990"
                if abs(shared[x][0] - shared[y][0]) == 1 and abs(tx - tgt[y]) == 1 \
                        and src.breaks[shared[x][0]] == src.breaks[shared[y][0]] \
                        and sus.breaks[tx] == sus.breaks[tgt[y]]:
                    continue  # two neighbours flipped: "stable financially" / "financially stable"
                if _of_alternation(src, sus, shared[x][0], shared[y][0], tx, tgt[y]):
                    continue  # "the winner of the match" / "the match winner"
                if not lists:
                    lists.extend(_list_items(src, sus))
                if _permuted_items(shared[x][0], shared[y][0], tx, tgt[y], lists[0], lists[1]):
                    continue  # items of a list reordered whole ("A, B and C" / "C, B and A")
                disc += 1
                if names_only:
                    names_only = _named_exchange(src, shared[x][0], shared[y][0], sus, tx, tgt[y])
                if _exchanged(src, shared[x][0], shared[y][0], sus, tx, tgt[y]) and not (
                        _listed(src, shared[x][0], shared[y][0]) and _listed(sus, tgt[y], tx)):
                    if not exchanges:
                        swapped = (x, y)
                    exchanges += 1
                # most displaced pair: the two words moved furthest apart in rank
                score = tx - tgt[y]
                if score > best[0]:
                    best = (score, x, y)
    total = n * (n - 1) // 2
    if not disc:
        return OrderChange(overlap, 0.0, n)
    _, x, y = best
    if exchanges:
        x, y = swapped  # show the two words that exchanged their slots
    voice = _voice_change(src, sus) or _voice_change(sus, src)
    return OrderChange(overlap, disc / total, n, _span(src, shared[x][0], shared[y][0]),
                       _span(sus, tgt[x], tgt[y]), voice,
                       _one_block_move(in_suspect_order) and not names_only, exchanges)
