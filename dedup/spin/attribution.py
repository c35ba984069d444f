"""Attribution: who a claim is attributed to, and whether that changed or vanished.

Attribution phrases: "according to X", "X said/told/described/characterized/
claimed/reported ..." (subject before the verb, auxiliaries skipped), ", said X"
(inverted) and "by X" after a passive reporting verb. Agents are compared by
their content words; pronouns and definite descriptions ("he", "the company"),
bare titles ("the Russian president"), definite epithets headed by a party or
role noun ("the Connecticut Democrat", "the Texas lawmaker": the capitalised
modifier does not make them a name) and agents that hold no name, only
common nouns ("officials", "police", "reports"), may refer to anyone and never
conflict with another agent (a common-noun agent still counts when its
explicit sourcing, "according to officials", is dropped); a changed agent is reported only when
neither sentence mentions the other's agent anywhere. Agentless passives ("was described
as") attribute to no one in particular and are ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import jellyfish

from dedup.spin.analysis import Side
from dedup.spin.lexicons import ATTRIBUTION_VERBS, PRONOUNS, TITLES
from dedup.text.tokens import STOPWORDS

#: Common nouns for a group or kind of source; capitalised at the start of a
#: sentence ("Police said") they are still no name.
GROUP_SOURCES = frozenset("""officials official police prosecutors prosecutor investigators authorities
sources reports report analysts experts witnesses residents doctors lawyers agents officers
spokesman spokeswoman spokesperson statement documents data researchers scientists critics
observers diplomats economists""".split())

# heads of a definite epithet for a person named elsewhere ("the Connecticut
# Democrat", "the Texas lawmaker"): capitalised modifiers do not make it a name
_EPITHETS = frozenset("""democrat republican lawmaker congressman congresswoman legislator candidate
nominee""".split())

_AUX = frozenset("""had has have was were is are been be would will also later earlier then
previously recently repeatedly publicly once reportedly""".split())
_PASSIVE = frozenset({"was", "were", "been", "being", "is", "are", "be"})


@dataclass(frozen=True)
class Agent:
    """The source a claim is attributed to."""

    text: str
    keys: frozenset[str]
    explicit: bool  # "according to X": an explicit sourcing of the claim
    vague: bool  # a pronoun or a definite description: may refer to anyone
    named: bool = True  # holds a name: a capitalised word (not a group noun opening the sentence)


def _agent(side: Side, first: int, last: int, explicit: bool) -> Agent | None:
    while first < last and side.norms[first] in ("the", "a", "an"):
        first += 1
    if first >= last:
        return None
    toks = range(first, last)
    keys = frozenset(side.lemmas[k] for k in toks if side.norms[k] not in STOPWORDS
                     and side.norms[k] not in TITLES and side.norms[k] not in PRONOUNS)
    has_cap = any(side.tokens[k].is_capitalized and not side.initial[k] or
                  side.tokens[k].is_capitalized and side.norms[k] not in PRONOUNS for k in toks)
    definite = not explicit and first > 0 and side.norms[first - 1] in ("the", "a", "an", "this", "that") \
        and not has_cap
    # a bare title ("the Russian president", "the spokesman") may be anyone holding it
    titled = side.norms[last - 1] in TITLES or (
        first > 0 and side.norms[first - 1] == "the" and side.norms[last - 1] in _EPITHETS)
    vague = not keys or all(side.norms[k] in PRONOUNS for k in toks) or definite or titled
    text = side.text[side.tokens[first].start:side.tokens[last - 1].end]
    named = any(side.tokens[k].is_capitalized and (not side.initial[k] or side.norms[k] not in GROUP_SOURCES)
                for k in toks)
    return Agent(text, keys, explicit, vague, named)


def agents(side: Side) -> list[Agent]:
    """Attribution agents of a side.

    Args:
        side: Analysed text.

    Returns:
        The agents in text order.
    """
    out: list[Agent] = []
    n = len(side.tokens)
    norms = side.norms
    for i, w in enumerate(norms):
        if w == "according" and i + 1 < n and norms[i + 1] == "to":
            j = i + 2
            while j < n and j < i + 7 and side.breaks[j] == side.breaks[i + 1] and norms[j] not in ("that",):
                j += 1
            ag = _agent(side, i + 2, j, True)
            if ag:
                out.append(ag)
            continue
        if w not in ATTRIBUTION_VERBS:
            continue
        k = i - 1
        passive = False
        while k >= 0 and norms[k] in _AUX and side.breaks[k] == side.breaks[i]:
            passive = passive or norms[k] in _PASSIVE
            k -= 1
        if passive:
            # "was described by X as"
            if i + 1 < n and norms[i + 1] == "by":
                j = i + 2
                while j < n and j < i + 6 and side.breaks[j] == side.breaks[i] and side.is_content(j):
                    j += 1
                ag = _agent(side, i + 2, j, False)
                if ag:
                    out.append(ag)
            continue
        if k >= 0 and side.breaks[k] == side.breaks[i]:
            j = k + 1
            while k >= 0 and side.breaks[k] == side.breaks[i] and i - k <= 5 and (
                    side.tokens[k].is_capitalized or norms[k] in PRONOUNS
                    or side.is_content(k) and not norms[k].endswith("ly")):
                k -= 1
                if norms[k + 1] in PRONOUNS:
                    break
            if k + 1 < j:
                ag = _agent(side, k + 1, j, False)
                if ag:
                    out.append(ag)
        elif i + 1 < n and side.breaks[i + 1] == side.breaks[i]:
            # inverted: ", said Smith"
            j = i + 1
            while j < n and j < i + 5 and side.breaks[j] == side.breaks[i] and (
                    side.tokens[j].is_capitalized or norms[j] in ("the", "a") or side.is_content(j)):
                j += 1
            ag = _agent(side, i + 1, j, False)
            if ag and ag.keys:
                out.append(ag)
    return out


# a run of capitalised words, function words and list commas inside allowed
# ("Bureau of Alcohol, Tobacco, Firearms and Explosives")
_CAP_RUN = re.compile(r"[A-Z][\w.&'-]*(?:,?\s+(?:(?:and|of|for|the|&|at|on)\s+)?[A-Z][\w.&'-]*)+")


def _acronym_in(short: Agent, text: str) -> bool:
    """Whether ``short`` ("SEC") abbreviates a run of capitalised words of
    ``text`` ("Securities and Exchange Commission")."""
    letters = short.text.replace(".", "")
    if len(letters) < 2 or not letters.isupper() or not letters.isalpha():
        return False
    for m in _CAP_RUN.finditer(text):
        initials = "".join(w[0] for w in m.group().split() if w[:1].isupper())
        if letters in initials:
            return True
    return False


_LETTERS = re.compile(r"[^a-z]")


def _same(a: Agent, b: Agent, threshold: float) -> bool:
    """Whether two agents may be the same source.

    Vague agents may be anyone; so may an agent that names no one, a common
    noun ("officials", "police", "prosecutors", "reports", "law enforcement
    sources", "his mom"): against a named agent it is a less specific
    reference to a source, not another source ("Officials say" /
    "According to the GBI"; "police said" / "Mr McKinlay said"). Two named
    agents are the same when they share a content word, are spelled alike
    (Jaro-Winkler on a word), or spell the same letters ("Data- monitor" /
    "Datamonitor").
    """
    if a.vague or b.vague or not a.named or not b.named or a.keys & b.keys:
        return True
    if _LETTERS.sub("", a.text.lower()) == _LETTERS.sub("", b.text.lower()):
        return True

    return any(len(x) >= 4 and len(y) >= 4 and jellyfish.jaro_winkler_similarity(x, y) >= threshold
               for x in a.keys for y in b.keys)


def attribution_change(src: Side, sus: Side, *, jaro_winkler: float = 0.9
                       ) -> tuple[Agent, Agent | None] | None:
    """The attribution of the source that the suspect changed or dropped.

    Args:
        src: Source side.
        sus: Suspect side.
        jaro_winkler: Spelling similarity above which agent words are the same.

    Returns:
        (source agent, suspect agent) when the suspect names a different
        agent, (source agent, None) when an explicit "according to" sourcing
        vanished and the suspect names no agent, else None.
    """
    all_sa = agents(src)
    sa = [a for a in all_sa if not a.vague]
    if not sa:
        return None
    ta = agents(sus)
    if not ta:
        for a in sa:
            if a.explicit and not any(src.norms[k] in sus.norm_set for k in range(len(src.tokens))
                                      if src.lemmas[k] in a.keys):
                return a, None
        return None
    # a vague source agent ("the Russian president", "he") may be the suspect's named one
    if any(_same(a, b, jaro_winkler) for a in all_sa for b in ta):
        return None
    # a different agent only when neither side mentions the other's agent at all
    # ("Ukrainian officials in Washington believe" / "Ukrainian officials believe")
    concrete = [b for b in ta if not b.vague and not (b.keys & src.lemma_set) and not _acronym_in(b, src.text)
                and not any(_acronym_in(a, sus.text) for a in sa)]
    if not concrete:
        return None
    sa = [a for a in sa if not (a.keys & sus.lemma_set)]
    if not sa:
        return None
    return sa[0], concrete[0]
