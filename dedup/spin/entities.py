"""Entity changes: a name of one side replaced by a different name on the other.

Names are runs of capitalised tokens (a sentence-initial word only when the
run continues, "Donald Trump said"); titles ("Mr.", "President") are not part
of the name's keys. A name is *matched* (same entity) when one of its keys
occurs on the other side as a word, is close in spelling to a capitalised word
there (Jaro-Winkler, "Zelensky"/"Zelenskyy"), is an abbreviation of one
("Nov"/"November"), or is the acronym of a name
there ("NHTSA"; four letters or more may spell its function words and the
lower-case noun after it too, "CHOGM" / "Commonwealth Heads of Government
meeting"). An unmatched name is flagged only against an unmatched name
of the other side in a comparable position: they share a neighbouring content
word, or they are the only unmatched names of their sides and the sentences
share most of their content. A name used as a modifier (a demonym, "Russian
officials", or inside a hyphenated modifier, "the New York-based actor") pairs
only with another modifier: "the New York-based actor" / "De Niro" names the
actor, it does not replace New York.

Judgement call: a name paraphrased by a common noun phrase ("the yen" / "the
Japanese currency", "Ericsson" / "the company") is not flagged, because no name
was replaced by a *different name*; such rewrites keep the referent.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import jellyfish

from dedup.spin.analysis import Name, Side, context
from dedup.spin.lexicons import PRONOUNS

_MONTHS = frozenset("""january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _calendar(name: Name) -> int:
    """1 for a month, 2 for a weekday ("Tuesdays" too), 0 otherwise: names pair only within a class."""
    head = name.head
    return 1 if head in _MONTHS else 2 if head in _DAYS or head.rstrip("s'") in _DAYS else 0


@dataclass(frozen=True)
class EntityChange:
    """A source name replaced by a suspect name."""

    source: Name
    suspect: Name


def _acronym(name: Name) -> str:
    return "".join(k[0] for k in name.keys if k)


# words that may stand between the capitalised words of one long name
# ("University of California at Los Angeles", "Bureau of Alcohol, Tobacco and Firearms")
_NAME_GLUE = frozenset({"of", "at", "for", "and", "the", "with", "on", "in", "&", "de", "du", "la"})


def _initial_chains(side: Side) -> list[tuple[str, frozenset[int]]]:
    """Initials of the runs of capitalised words of a side, function words and
    commas inside a run allowed ("University of California at Los Angeles" ->
    "ucla"), each with the offsets where a word after a comma or the first
    word starts ("Viacom, General Electric" -> "vge", starts {0, 1})."""
    chains: list[tuple[str, frozenset[int]]] = []
    cur = ""
    starts: set[int] = set()
    for k, tok in enumerate(side.tokens):
        if tok.is_capitalized and side.norms[k][:1].isalpha():
            gap = side.text[side.tokens[k - 1].end:tok.start] if k else ""
            if k and side.breaks[k] != side.breaks[k - 1] and cur and gap.strip() != ",":
                chains.append((cur, frozenset(starts)))
                cur, starts = "", set()
            if not cur or "," in gap:
                starts.add(len(cur))
            cur += side.norms[k][0]
        elif side.norms[k] in _NAME_GLUE and cur:
            continue
        elif cur:
            chains.append((cur, frozenset(starts)))
            cur, starts = "", set()
    if cur:
        chains.append((cur, frozenset(starts)))
    return chains


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _acronym_of_other(key: str, side: Side, name: Name, other: Side) -> bool:
    """Whether a one-word name written in capitals ("UCLA", "ATF", "GE") spells
    the initials of a run of capitalised words on the other side: any part of
    the run for three letters or more ("ATF" / "Bureau of Alcohol, Tobacco,
    Firearms and Explosives"), its start for two ("GE" / "General Electric Co")."""
    raw = side.tokens[name.first].text.split("'")[0].replace(".", "")
    if not (2 <= len(key) <= 6 and raw.isupper() and raw.isalpha()):
        return False
    for chain, starts in _initial_chains(other):
        if any(chain.startswith(key, st) for st in starts) or (len(key) >= 3 and key in chain):
            return True
    if len(key) >= 4 and key in _spelled_initials(other):
        return True  # "CHOGM" / "Commonwealth Heads of Government meeting"
    return False


def _spelled_initials(side: Side) -> str:
    """Initials of every word of each run of capitalised words, its function
    words and the one lower-case word after it included ("Commonwealth Heads of
    Government meeting" -> "chogm"), runs separated by "|"."""
    out: list[str] = []
    cur = ""
    n = len(side.tokens)
    for k in range(n):
        tok = side.tokens[k]
        if tok.is_capitalized and side.norms[k][:1].isalpha():
            cur += side.norms[k][0]
        elif cur and side.norms[k] in _NAME_GLUE and k + 1 < n and side.tokens[k + 1].is_capitalized:
            cur += side.norms[k][0]
        elif cur:
            if side.norms[k][:1].isalpha() and side.breaks[k] == side.breaks[k - 1]:
                cur += side.norms[k][0]
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return "|".join(out)


def _capitalised(side: Side) -> list[str]:
    return [side.norms[k] for k in range(len(side.tokens)) if side.tokens[k].is_capitalized]


def _matched(name: Name, side: Side, other: Side, threshold: float, other_caps: Callable[[], list[str]]) -> bool:
    """Whether ``name`` is matched on the ``other`` side (``other_caps()``:
    its capitalised words, :func:`_capitalised`, made at the first need and
    kept for the other names of the side)."""
    for key in name.keys:
        if key in other.norm_set:
            return True
    caps = other_caps()
    for key in name.keys:
        # abbreviations: "Nov." / "November", "Calif." / "California"; plurals: "Gypsy" / "Gypsies"
        if len(key) >= 3 and any(len(c) >= 3 and (c.startswith(key) or key.startswith(c)
                                                  or _singular(c) == _singular(key)) for c in caps):
            return True
        # a name written into a longer word: "@Stake" / "AtStake"
        if len(key) >= 5 and any(len(c) > len(key) and (c.endswith(key) or c.startswith(key)) for c in caps):
            return True
        if len(key) < 4:
            continue
        for c in caps:
            if len(c) >= 4 and c[0] == key[0] and jellyfish.jaro_winkler_similarity(key, c) >= threshold:
                return True
    if len(name.keys) == 1 and _acronym_of_other(name.keys[0], side, name, other):
        return True
    if len(name.keys) == 1 and len(name.keys[0]) >= 2:
        acro = name.keys[0]
        for other_name in other.names:
            if len(other_name.keys) >= 2 and _acronym(other_name) == acro:
                return True
    # the acronym of all the name's words, titles too ("General Electric" / "GE")
    full = [side.norms[k] for k in range(name.first, name.last) if side.norms[k][:1].isalpha()]
    if len(full) >= 2 and "".join(w[0] for w in full) in other.norm_set:
        return True
    if len(name.keys) >= 2:
        acro = _acronym(name)
        if acro in other.norm_set:
            return True
        # "United States" / "USA": the acronym of a longer form ("... of America")
        if any(len(c) == len(acro) + 1 and c.startswith(acro) and other.tokens[k].text.isupper()
               for k, c in enumerate(other.norms) if c[:1] == acro[:1]):
            return True
    if len(name.keys) == 1 and side.tokens[name.first].text.isupper() and len(name.keys[0]) >= 3:
        # "USA" / "United States": a name of the other side abbreviated by all but the last letter
        key = name.keys[0]
        if any(len(o.keys) >= 2 and key.startswith(_acronym(o)) and len(key) == len(o.keys) + 1
               for o in other.names):
            return True
    return False


_DEMONYM_ENDINGS = ("ian", "an", "ese", "ish", "ic", "i", "ch")


_COMPOUND_PARTICIPLES = frozenset({"based", "born", "headquartered", "owned", "run", "led", "backed", "made",
                                   "controlled", "funded", "sponsored", "area"})


def _is_modifier(side: Side, name: Name) -> bool:
    """A name used as an adjective: a one-word demonym ("Russian officials",
    "Japanese currency") or a name in a hyphenated modifier ("the New
    York-based actor", "a Kremlin-backed party")."""
    nxt = name.last
    if nxt < len(side.tokens) and side.norms[nxt] in _COMPOUND_PARTICIPLES and \
            side.text[side.tokens[nxt - 1].end:side.tokens[nxt].start] == "-":
        return True
    if len(name.keys) != 1 or not name.keys[0].endswith(_DEMONYM_ENDINGS):
        return False
    nxt = name.last
    return nxt < len(side.tokens) and not side.tokens[nxt].is_capitalized and side.is_content(nxt)


_NOT_NAMES = frozenset({"i'm", "i'd", "i'll", "i've", "im", "ive"})


def _namelike(name: Name) -> bool:
    """A name has a key of two or more characters, not all digits, that is not a
    pronoun ("I'm", the "G" of "40G" are not names)."""
    return any(len(k) >= 2 and not k.isdigit() and k not in PRONOUNS and k not in _NOT_NAMES
               for k in name.keys)


def _overlap(src: Side, sus: Side) -> float:
    a = {src.lemmas[i] for i in range(len(src.tokens)) if src.is_content(i) and not src.tokens[i].is_capitalized}
    b = {sus.lemmas[i] for i in range(len(sus.tokens)) if sus.is_content(i) and not sus.tokens[i].is_capitalized}
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _adjacency(side: Side) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Positions in ``side.names`` of the names ending and starting at each
    token (made once per side by :func:`entity_changes`: long list-like
    sentences hold a hundred names, and every pair of them was compared)."""
    by_last: dict[int, list[int]] = {}
    by_first: dict[int, list[int]] = {}
    for i, n in enumerate(side.names):
        by_last.setdefault(n.last, []).append(i)
        by_first.setdefault(n.first, []).append(i)
    return by_last, by_first


def _name_neighbours(side: Side, name: Name, other: Side,
                     adjacency: tuple[dict[int, list[int]], dict[int, list[int]]] | None = None
                     ) -> frozenset[tuple[str, str]]:
    """Keys of the names right before (``"<"``) or right after (``">"``)
    ``name``, with no word between, that the other side also has: a kept name
    next to a changed one fixes its position ("in Baton Rouge, Wednesday" /
    "in Baton Rouge, Monday")."""
    by_last, by_first = adjacency if adjacency is not None else _adjacency(side)
    out = set()
    for i in sorted(set(by_last.get(name.first, ())) | set(by_first.get(name.last, ()))):
        n = side.names[i]
        if n is name:
            continue
        if n.last == name.first:
            out.update(("<", k) for k in n.keys if k in other.norm_set)
        elif n.first == name.last:
            out.update((">", k) for k in n.keys if k in other.norm_set)
    return frozenset(out)


def entity_changes(src: Side, sus: Side, *, jaro_winkler: float = 0.9, window: int = 3,
                   min_overlap: float | None = 0.5) -> list[EntityChange]:
    """Names replaced by different names.

    Args:
        src: Source side.
        sus: Suspect side.
        jaro_winkler: Spelling similarity above which two names are aliases.
        window: Context window (words) for comparable positions.
        min_overlap: Content overlap of the sentences needed to pair the only
            unmatched names without a shared neighbour; None never pairs them.

    Returns:
        The changes.
    """
    sus_caps = functools.cache(lambda: _capitalised(sus))
    src_caps = functools.cache(lambda: _capitalised(src))
    a_un = [n for n in src.names if _namelike(n) and not _matched(n, src, sus, jaro_winkler, sus_caps)]
    b_un = [n for n in sus.names if _namelike(n) and not _matched(n, sus, src, jaro_winkler, src_caps)]
    if not a_un or not b_un:
        return []
    out: list[EntityChange] = []
    used: set[int] = set()
    only_pair = min_overlap is not None and len(a_un) == 1 and len(b_un) == 1 \
        and _overlap(src, sus) >= min_overlap
    src_adj, sus_adj = _adjacency(src), _adjacency(sus)
    cbs: dict[int, frozenset[str]] = {}  # each suspect name's context and neighbours, made once (not once per source name)
    nbs: dict[int, frozenset[tuple[str, str]]] = {}
    for a in a_un:
        ca = context(src, a.first, a.last, window)
        na = _name_neighbours(src, a, sus, src_adj)
        for k, b in enumerate(b_un):
            if k in used:
                continue
            if _calendar(a) != _calendar(b):
                continue
            if _is_modifier(src, a) != _is_modifier(sus, b):
                continue
            if k not in cbs:
                cbs[k] = context(sus, b.first, b.last, window)
            if ca & cbs[k] or only_pair:
                hit = True
            else:
                if k not in nbs:
                    nbs[k] = _name_neighbours(sus, b, src, sus_adj)
                hit = bool(na & nbs[k])
            if hit:
                out.append(EntityChange(a, b))
                used.add(k)
                break
    return out
