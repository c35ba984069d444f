"""Spin stage: meaning-change flags and drift for aligned sentence pairs.

``sentence_flags`` runs the detectors of this package on one aligned pair
(source sentence(s), suspect sentence) and reports each meaning change as a
:class:`Flag` with the short spans involved and a one-line explanation.
``sentence_drift`` turns a pair's similarity and flags into one number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dedup.spin.agreement import lexical_agreement
from dedup.spin.analysis import Side, analyse
from dedup.spin.antonym import Opposite, find_opposites
from dedup.spin.attribution import attribution_change
from dedup.spin.entities import entity_changes
from dedup.spin.hedge import hedge_change
from dedup.spin.lexicons import TITLES
from dedup.spin.negation import Cue, negation_cues
from dedup.spin.numbers import number_changes
from dedup.spin.order import OrderChange, order_change
from dedup.spin.polarity import judge
from dedup.spin.quotes import quote_changes
from dedup.spin.roles import role_swaps

FLAG_KINDS = ("negation", "antonym", "polarity", "number", "entity", "role-swap",
              "attribution", "hedge", "quote-altered")

# Weight of each kind in the drift: how much of the remaining meaning one
# flag of that kind takes away.
FLAG_WEIGHTS: dict[str, float] = {
    "negation": 0.6, "antonym": 0.5, "polarity": 0.4, "number": 0.4, "entity": 0.4,
    "role-swap": 0.5, "attribution": 0.3, "hedge": 0.2, "quote-altered": 0.3,
}


@dataclass(frozen=True, slots=True)
class Flag:
    """A meaning change between an aligned source span and suspect span.

    Attributes:
        kind: One of :data:`FLAG_KINDS`.
        source_text: The words involved on the source side ("" if none).
        suspect_text: The words involved on the suspect side ("" if none).
        explanation: One line for a reader.
    """

    kind: str
    source_text: str
    suspect_text: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON-ready).

        Returns:
            ``{"kind", "source_text", "suspect_text", "explanation"}``.
        """
        return {"kind": self.kind, "source_text": self.source_text,
                "suspect_text": self.suspect_text, "explanation": self.explanation}


@dataclass(frozen=True)
class SpinConfig:
    """Spin-detection settings.

    Attributes:
        kinds: Flag kinds to report.
        negation_scope: Words after a negation cue that it can govern.
        context_window: Words around a name/number that define its position.
        approx_tolerance: Relative tolerance between approximate quantities.
        alias_jaro_winkler: Spelling similarity above which names are aliases.
        entity_min_overlap: Content overlap needed to pair lone unmatched names
            without a shared neighbour (1.0: every content word of the shorter
            sentence is shared, a pure substitution); None (the default) never
            pairs them: a name with no shared word around it is mostly a name
            dropped in one place and another added elsewhere (a credited
            source, a date moved to another clause). On ETPC the rule found no
            changed name; on MRPC train it flagged 10 paraphrases and 1
            non-paraphrase.
        polarity_strong: |VADER valence| of an introduced word that counts as
            a clear evaluation.
        polarity_lean: |net valence| of the other side's differing words that
            counts as leaning the opposite way.
        quote_min_overlap: Share of shared words that makes two quotes related.
        order_min_overlap: Token overlap two sentences need before their word
            order is compared (see :mod:`dedup.spin.order`).
        order_min_discordance: Discordance of the shared content words that
            makes a ``role-swap`` flag when no swap pattern was found (unless
            one moved block explains it); two words that exchanged their
            slots make one regardless (see :mod:`dedup.spin.order`).
        order_weight: Drift weight of the discordance (see :func:`sentence_drift`).
        agreement_weight: Share of the pair's lexical agreement in the
            similarity term of the drift when the texts are passed (see
            :func:`sentence_drift`; 0.5: MRPC drift AUC +0.01 on either half,
            PAWS unchanged).
        weights: Drift weight per flag kind.
    """

    kinds: frozenset[str] = frozenset(FLAG_KINDS)
    negation_scope: int = 3
    context_window: int = 3
    approx_tolerance: float = 0.1
    alias_jaro_winkler: float = 0.88
    entity_min_overlap: float | None = None
    polarity_strong: float = 1.5
    polarity_lean: float = 1.0
    quote_min_overlap: float = 0.5
    order_min_overlap: float = 0.75
    order_min_discordance: float = 0.05
    order_weight: float = 1.0
    agreement_weight: float = 0.5
    weights: tuple[tuple[str, float], ...] = field(
        default_factory=lambda: tuple(FLAG_WEIGHTS.items()))


_DEFAULT = SpinConfig()


def _tok(side: Side, i: int) -> str:
    return side.tokens[i].text


def _relevant_cue(side: Side, other: Side, cue: Cue, opp_heads: set[int], cues: list[Cue]) -> bool:
    """Whether a negation cue negates something the other side also says.

    The other side must say the negated word more often than this side says
    it outside negations: "unable to find a home ... needed to find housing"
    against "needed to find housing" negates a clause the other side dropped,
    not the "find" it kept.
    """
    if cue.head is None:
        return False
    if cue.head in opp_heads:
        return True
    key = side.lemmas[cue.head]
    if key not in other.lemma_set:
        return False
    negated = {c.head for c in cues if c.head is not None}
    free_here = sum(1 for k, lem in enumerate(side.lemmas) if lem == key and k not in negated)
    return other.lemmas.count(key) > free_here


_DECLINE = frozenset({"declined", "declines", "decline", "declining"})


def _declines(side: Side) -> int:
    """"declined to X": a refusal that counts as a negation when balancing
    negations (not a cue of its own, so "shares declined" stays a price move)."""
    n = side.norms
    return sum(1 for k in range(len(n) - 1) if n[k] in _DECLINE and n[k + 1] in ("to", "comment"))


def _negation_and_opposites(src: Side, sus: Side, cfg: SpinConfig, cs: list[Cue],
                            ct: list[Cue]) -> list[Flag]:
    """Negation and antonym flags, with negation + antonym cancelling out."""
    opposites: list[Opposite] = find_opposites(src, sus)
    flags: list[Flag] = []
    cancelled: set[int] = set()
    opp_src = {o.source for o in opposites}
    opp_sus = {o.suspect for o in opposites}
    for side, other, cues, other_cues, is_src in ((src, sus, cs, ct, True), (sus, src, ct, cs, False)):
        if len(cues) <= len(other_cues) + _declines(other):
            # as many negations on both sides ("Nothing suggests a change" / "no shift";
            # "had no comment" / "declined to comment")
            continue
        # a cue is matched when the other side negates the same word too
        other_heads = {other.lemmas[c.head] if c.head is not None else other.lemmas[c.start]
                       for c in other_cues}
        opp_heads = opp_src if is_src else opp_sus
        for cue in cues:
            key = side.lemmas[cue.head] if cue.head is not None else side.lemmas[cue.start]
            if key in other_heads or not _relevant_cue(side, other, cue, opp_heads, cues):
                continue
            pair = next((k for k, o in enumerate(opposites)
                         if (o.source if is_src else o.suspect) == cue.head and k not in cancelled), None)
            if pair is not None:
                cancelled.add(pair)  # "did not fall" vs "rose": same meaning
                continue
            span = cue.span(side)
            head_lemma = side.lemmas[cue.head] if cue.head is not None else ""
            counterpart = next((_tok(other, k) for k in range(len(other.tokens))
                                if head_lemma and other.lemmas[k] == head_lemma), "")
            src_t, sus_t = (span, counterpart) if is_src else (counterpart, span)
            what = "removed" if is_src else "added"
            flags.append(Flag("negation", src_t, sus_t,
                              f"negation {what}: '{src_t}' became '{sus_t}'"))
    for k, o in enumerate(opposites):
        if k in cancelled:
            continue
        a, b = _tok(src, o.source), _tok(sus, o.suspect)
        what = "direction reversed" if o.directional else "opposite word"
        flags.append(Flag("antonym", a, b, f"{what}: '{a}' became '{b}'"))
    return flags


def _polarity(src: Side, sus: Side, cfg: SpinConfig, cs: list[Cue], ct: list[Cue]) -> list[Flag]:
    if not cs and not ct:
        return []  # a reversal needs a denied outcome on one side
    js, jt = judge(src, sus, cs, cfg.negation_scope), judge(sus, src, ct, cfg.negation_scope)
    strong, lean = cfg.polarity_strong, cfg.polarity_lean

    def span(side: Side, judgement_idx: int, cue_span: tuple[int, int] | None) -> str:
        if cue_span is not None and cue_span[0] == judgement_idx:
            return side.text[side.tokens[cue_span[0]].start:side.tokens[cue_span[1]].end]
        return _tok(side, judgement_idx)

    # one side says an outcome did not happen ("no tangible results", "failed to"),
    # the other introduces a clearly positive judgement of it ("Fulfilling", "success")
    for neg_side, pos_side, jn, jp, is_src in ((src, sus, js, jt, True), (sus, src, jt, js, False)):
        if jn.cue_span is None or jn.net > -lean or (jn.strongest_pos and jn.strongest_pos[0] >= lean):
            continue
        if not (jp.strongest_pos and jp.strongest_pos[0] >= strong):
            continue
        a = span(neg_side, jn.cue_span[0], jn.cue_span)
        b = _tok(pos_side, jp.strongest_pos[1])
        if is_src:
            return [Flag("polarity", a, b, f"evaluation reversed: negative '{a}' presented as positive '{b}'")]
        return [Flag("polarity", b, a, f"evaluation reversed: positive '{b}' presented as negative '{a}'")]
    return []


def sentence_flags(source: str, suspect: str, *, config: SpinConfig | None = None) -> list[Flag]:
    """Meaning-change flags between an aligned source text and suspect text.

    Args:
        source: The source side of one aligned pair (one sentence, or two
            joined by a space when the suspect merged them).
        suspect: The suspect sentence.
        config: Settings; defaults to ``SpinConfig()``.

    Returns:
        Flags in the order of :data:`FLAG_KINDS`; an empty list for a
        faithful rewrite.
    """
    cfg = config if config is not None else SpinConfig()
    src, sus = analyse(source), analyse(suspect)
    kinds = cfg.kinds
    out: list[Flag] = []
    if kinds & {"negation", "antonym", "polarity"}:
        cs = negation_cues(src, cfg.negation_scope)
        ct = negation_cues(sus, cfg.negation_scope)
        if kinds & {"negation", "antonym"}:
            out.extend(f for f in _negation_and_opposites(src, sus, cfg, cs, ct) if f.kind in kinds)
        if "polarity" in kinds:
            out.extend(_polarity(src, sus, cfg, cs, ct))
    if "number" in kinds:
        for ch in number_changes(src, sus, approx_tolerance=cfg.approx_tolerance,
                                 window=cfg.context_window):
            a, b = ch.source.text, ch.suspect.text
            out.append(Flag("number", a, b, f"number changed: '{a}' became '{b}'"))
    if "entity" in kinds:
        for ch in entity_changes(src, sus, jaro_winkler=cfg.alias_jaro_winkler,
                                 window=cfg.context_window, min_overlap=cfg.entity_min_overlap):
            a, b = ch.source.text, ch.suspect.text
            out.append(Flag("entity", a, b, f"name changed: '{a}' became '{b}'"))
    if "role-swap" in kinds:
        for sw in role_swaps(src, sus):
            out.append(Flag("role-swap", sw.source_span, sw.suspect_span,
                            f"roles swapped: '{sw.source_span}' became '{sw.suspect_span}'"))
        if not any(f.kind == "role-swap" for f in out):
            oc = _order(source, suspect)
            if oc.overlap >= cfg.order_min_overlap and not oc.voice_change and (
                    oc.discordance >= cfg.order_min_discordance and not oc.block_move or oc.exchanges):
                out.append(Flag("role-swap", oc.source_span, oc.suspect_span,
                                f"same words, different order ({oc.discordance:.0%} of word pairs reversed): "
                                f"'{oc.source_span}' became '{oc.suspect_span}'"))
    if "attribution" in kinds:
        ch = attribution_change(src, sus, jaro_winkler=cfg.alias_jaro_winkler)
        if ch is not None:
            a, b = ch
            if b is None:
                out.append(Flag("attribution", a.text, "",
                                f"attribution dropped: the claim credited to '{a.text}' is stated as fact"))
            else:
                out.append(Flag("attribution", a.text, b.text,
                                f"attribution changed: claim by '{a.text}' now credited to '{b.text}'"))
    if "hedge" in kinds:
        h = hedge_change(src, sus)
        if h is not None:
            side, hedge = h
            word = _tok(side, hedge.index)
            head = _tok(side, hedge.head) if hedge.head is not None else ""
            phrase = side.text[side.tokens[min(hedge.index, hedge.head if hedge.head is not None else hedge.index)].start:
                               side.tokens[max(hedge.index, hedge.head if hedge.head is not None else hedge.index)].end]
            if side is src:
                out.append(Flag("hedge", phrase, head,
                                f"certainty changed: hedged '{phrase}' stated as fact"))
            else:
                out.append(Flag("hedge", head, phrase,
                                f"certainty changed: '{head}' hedged as '{phrase}' ('{word}')"))
    if "quote-altered" in kinds:
        for q in quote_changes(source, suspect, min_overlap=cfg.quote_min_overlap):
            rem = " ".join(q.removed) or "—"
            add = " ".join(q.added) or "—"
            out.append(Flag("quote-altered", q.source.text, q.suspect.text,
                            f"quotation altered: '{rem}' became '{add}'"))
    return out


@lru_cache(maxsize=1024)
def _order(source: str, suspect: str) -> OrderChange:
    return order_change(analyse(source), analyse(suspect))


def sentence_order(source: str, suspect: str) -> OrderChange:
    """Word-order change between an aligned source text and suspect text.

    Args:
        source: The source side of one aligned pair.
        suspect: The suspect sentence.

    Returns:
        The :class:`~dedup.spin.order.OrderChange` (analyses are cached, so
        calling this after :func:`sentence_flags` costs little).
    """
    return _order(source, suspect)


def sentence_drift(similarity: float, flags: list[Flag], *, config: SpinConfig | None = None,
                   order: float = 0.0, source: str | None = None, suspect: str | None = None) -> float:
    """Drift in [0, 1] of an aligned sentence from its similarity, order change and flags.

    ``drift = 1 - s * (1 - w_o * d) * prod(1 - w_k for each flag k)`` where
    ``s`` is the similarity clamped to [0, 1] (averaged, with weight
    ``SpinConfig.agreement_weight``, with the pair's
    :func:`~dedup.spin.agreement.lexical_agreement` when both texts are
    given: content overlap with names and numbers weighted, times the root of
    the length ratio), ``d`` the discordance of the
    shared content words' order (:mod:`dedup.spin.order`, 0 = same order) with
    weight ``w_o`` (``SpinConfig.order_weight``, 1.0), and ``w_k`` the weight
    of each flag's kind (:data:`FLAG_WEIGHTS`, e.g. negation 0.6, hedge 0.2).
    A faithful copy (s = 1, same order, no flag) drifts 0; lower similarity,
    more reordering and more or stronger flags each only raise the drift.

    Args:
        similarity: Similarity of the aligned pair (any scale clipped to [0, 1]).
        flags: Flags of the pair.
        config: Settings whose ``weights`` and ``order_weight`` override the defaults.
        order: Discordance ``d`` in [0, 1].
        source: The source side of the pair (optional, with ``suspect``).
        suspect: The suspect sentence (optional, with ``source``).

    Returns:
        The drift.
    """
    s = max(0.0, min(1.0, float(similarity)))
    cfg = config if config is not None else _DEFAULT
    if source is not None and suspect is not None and cfg.agreement_weight:
        w = max(0.0, min(1.0, cfg.agreement_weight))
        s = (1.0 - w) * s + w * lexical_agreement(source, suspect)
    weights = dict(cfg.weights)
    keep = s * (1.0 - max(0.0, min(1.0, cfg.order_weight * max(0.0, min(1.0, float(order))))))
    for f in flags:
        keep *= 1.0 - max(0.0, min(1.0, weights.get(f.kind, 0.3)))
    return max(0.0, min(1.0, 1.0 - keep))


def _is_word_char(c: str) -> bool:
    """``\\w`` of :mod:`re` for one character (letters and digits of any script, ``_``)."""
    return c.isalnum() or c == "_"


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` occurs in ``text`` with no word character on either
    side: ``re.search(r"(?<!\\w)" + re.escape(word) + r"(?!\\w)", text)``
    without compiling a pattern per name (with many distinct names, as in a
    large crawl, the regex cache thrashed: a fifth of a 1M-document scan)."""
    n, k = len(text), len(word)
    at = text.find(word)
    while at >= 0:
        if (at == 0 or not _is_word_char(text[at - 1])) and (at + k >= n or not _is_word_char(text[at + k])):
            return True
        at = text.find(word, at + 1)
    return False


def _mentions(text: str, name: str) -> bool:
    """Whether ``name`` (or its last word, a surname or short form) occurs in ``text`` as a word."""
    words = [w for w in re.findall(r"\w+", name) if w[:1].isupper() and w.lower() not in TITLES]
    if not words:
        return False
    for cand in {" ".join(words), words[-1]}:
        if len(cand) >= 2 and _has_word(text, cand):
            return True
    return False


def document_filter(flags: list[Flag], source_document: str, suspect_document: str) -> list[Flag]:
    """Drop sentence flags that the whole texts contradict.

    An ``entity`` flag says a name was replaced by a different one; that is
    only so when the replaced name appears nowhere in the suspect text and the
    new name nowhere in the source text ("Middle East" / "Trump" in a summary
    that mentions both elsewhere is a different sentence focus, not a swap).

    Args:
        flags: Flags of one aligned sentence pair.
        source_document: The whole source text.
        suspect_document: The whole suspect text.

    Returns:
        The flags kept, in order.
    """
    out = []
    for f in flags:
        if f.kind == "entity" and (_mentions(suspect_document, f.source_text)
                                   or _mentions(source_document, f.suspect_text)):
            continue
        out.append(f)
    return out
