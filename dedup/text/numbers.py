"""Numbers in canonical form: digits, spelled-out numbers, fractions, units.

``find_numbers`` reads every quantity of a text into a :class:`NumberMention`
with a numeric ``value``, a canonical ``unit`` and an ``approx`` mark, so that
"a nearly 2.5-hour intervention" and "almost two and a half hours" both read as
``value=2.5, unit="hour", approx=True``. ``numbers_match`` compares two mentions
with tolerance for approximation words and rounding.

Canonical units: ``"percent"``, currencies (``"$"``, ``"A$"``, ``"€"``,
``"£"``, ``"¥"``, ``"yen"``, ``"cent"`` ...), time and measure units in the
singular (``"hour"``, ``"day"``, ``"mile"`` ...), ``"point"``, ``"year-old"``,
``"year"`` (a calendar year such as 1998), ``"time"`` (a clock time, value in
hours), ``"date"`` (day of a month) and ``"ordinal"`` ("eighth" -> 8).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
               "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_FRACTIONS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3,
              "thirds": 1 / 3}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100, "thousandth": 1000, "millionth": 1_000_000,
}
_DOZEN = {"dozen": 12, "dozens": 12}
# before "quarter"/"half" (and after an ordinal) these make it a period of the year, not a fraction
_PERIOD_BEFORE = frozenset({"the", "this", "that", "last", "next", "same", "fiscal", "calendar", "each", "every",
                            "per", "its", "their", "previous", "latest", "current", "prior", "year-ago",
                            "year-earlier", "recent"})
# single-character fractions ("2 ½", "¾ mile")
_VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅖": 0.4, "⅗": 0.6,
           "⅘": 0.8, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875}
_NUMBER_WORDS = frozenset(_UNITS_WORDS) | frozenset(_TENS_WORDS) | frozenset(_SCALES) | frozenset(
    _FRACTIONS) | frozenset(_DOZEN)

# Cheap pre-check: a text without a digit or a number word has no quantity.
_MAYBE_DIGIT = re.compile("[" + "".join(_VULGAR) + r"\d]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_NUMBER_OR_ORDINAL = _NUMBER_WORDS | frozenset(_ORDINALS)


def _maybe_number(text: str) -> bool:
    """Cheap pre-check: False only for a text without a digit, a written
    fraction or a number word (a superset test: True may still find nothing)."""
    if _MAYBE_DIGIT.search(text):
        return True
    return not _NUMBER_OR_ORDINAL.isdisjoint(_LETTER_RUN.findall(text.lower()))


# Unit words -> canonical unit.
_UNIT_MAP: dict[str, str] = {}
for _canon, _forms in {
    "percent": ("percent", "per-cent", "pct", "%", "percentage"),
    "$": ("dollar", "dollars", "usd", "$", "us$"),
    "cent": ("cent", "cents"),
    "€": ("euro", "euros", "€", "eur"),
    "£": ("pound", "pounds", "£", "sterling"),
    "yen": ("yen", "¥"),
    "franc": ("franc", "francs"),
    "rouble": ("rouble", "roubles", "ruble", "rubles"),
    "second": ("seconds", "sec", "secs"),
    "minute": ("minute", "minutes", "min", "mins"),
    "hour": ("hour", "hours", "hr", "hrs"),
    "day": ("day", "days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "year": ("years", "yr", "yrs"),
    "decade": ("decade", "decades"),
    "century": ("century", "centuries"),
    "mile": ("mile", "miles"),
    "km": ("km", "kilometer", "kilometers", "kilometre", "kilometres"),
    "meter": ("m", "meter", "meters", "metre", "metres"),
    "foot": ("foot", "feet", "ft"),
    "inch": ("inch", "inches"),
    "kg": ("kg", "kilogram", "kilograms", "kilo", "kilos"),
    "ton": ("ton", "tons", "tonne", "tonnes"),
    "point": ("point", "points", "pts"),
    "share": ("share", "shares"),
    "people": ("people", "persons", "person"),
    "barrel": ("barrel", "barrels"),
}.items():
    for _f in _forms:
        _UNIT_MAP[_f] = _canon
# "year" in the singular is a unit only in compounds ("a 30-year term").
_COMPOUND_ONLY = {"year": "year", "second": "second"}

_CURRENCY_PREFIX = {"$": "$", "us$": "$", "a$": "A$", "c$": "C$", "nz$": "NZ$", "hk$": "HK$",
                    "€": "€", "£": "£", "¥": "yen"}

_APPROX_ONE = frozenset({"nearly", "about", "almost", "around", "roughly", "approximately",
                         "some", "approx", "circa", "over", "under", "estimated", "up",
                         "nigh", "~"})
_APPROX_TWO = frozenset({("more", "than"), ("less", "than"), ("fewer", "than"), ("close", "to"),
                         ("up", "to"), ("at", "least"), ("at", "most"), ("just", "over"),
                         ("just", "under"), ("as", "many"), ("as", "much"), ("in", "excess"),
                         ("upwards", "of")})
_BOUND_ONE = {"over": 1, "under": -1}
_BOUND_TWO = {("more", "than"): 1, ("less", "than"): -1, ("fewer", "than"): -1, ("up", "to"): -1,
              ("at", "least"): 1, ("at", "most"): -1, ("just", "over"): 1, ("just", "under"): -1,
              ("in", "excess"): 1, ("upwards", "of"): 1}
_MONTHS = frozenset("""january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "my", "your",
                          "this", "that"})

_TOKEN_RE = re.compile(
    r"(?:US|A|C|NZ|HK)\$|[$€£¥%~]"
    r"|\d+(?:,\d{3})+(?:\.\d+)?(?:st|nd|rd|th)?"
    r"|\d+,\d{1,2}(?=\s?(?:million|billion|trillion|thousand|per\s?cent|percent|%))"  # decimal comma: 1,2 million
    r"|\d*\.\d+|\d+(?:st|nd|rd|th)?"
    r"|[^\W\d_]+(?:\.[^\W\d_]\.?)?",
    re.UNICODE,
)


@dataclass(frozen=True)
class NumberMention:
    """A quantity in a text.

    Attributes:
        start: Offset of the first character of the mention (approximation
            words and currency symbols included).
        end: Offset one past its last character (unit word included).
        value: The numeric value, scales applied ("$3 million" -> 3000000.0).
        unit: Canonical unit (see module docstring) or None.
        approx: Whether the value is hedged ("nearly", "about", "more than").
        text: ``text[start:end]`` of the source string.
        bound: +1 for a lower bound ("more than", "over", "at least", "or
            more"), -1 for an upper bound ("less than", "under", "up to",
            "below"), 0 otherwise.
        span: Width of the range a decade form covers, from ``value`` on
            ("1980s": value 1980, span 10; "his 90s": 90, 10; "the 1900s":
            1900, 100); 0 for a single value.
    """

    start: int
    end: int
    value: float
    unit: str | None
    approx: bool
    text: str
    bound: int = 0
    span: float = 0.0

    @property
    def is_ordinal(self) -> bool:
        """Whether this is an ordinal ("eighth", "21st")."""
        return self.unit == "ordinal"


class _Tok(NamedTuple):
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        g = m.group()
        out.append(_Tok(g, g.lower(), m.start(), m.end()))
    return out


def _gap(text: str, a: _Tok, b: _Tok) -> str:
    return text[a.end:b.start]


def _joined(text: str, a: _Tok, b: _Tok) -> bool:
    """Whether b follows a separated by at most a space or a hyphen."""
    g = _gap(text, a, b)
    return g in ("", " ", "-", "‑", "–") or (g.isspace() and "\n" not in g and len(g) <= 2)


_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
# plural scale words after digits ("1.1 millions youths")
_PLURAL_SCALES = {"thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000,
                  "trillions": 1_000_000_000_000}


def _parse_digits(s: str) -> tuple[float, bool] | None:
    """Value of a digit token and whether it carried an ordinal suffix."""
    ordinal = False
    if s[-2:].lower() in ("st", "nd", "rd", "th") and s[:-2].replace(",", "").isdigit():
        s, ordinal = s[:-2], True
    if _DECIMAL_COMMA.fullmatch(s):
        return float(s.replace(",", ".")), ordinal
    try:
        return float(s.replace(",", "")), ordinal
    except ValueError:
        return None


def _word_number(text: str, toks: list[_Tok], i: int) -> tuple[float, int, bool] | None:
    """Parse a spelled-out number starting at token ``i``.

    Returns:
        (value, index after the number, is_ordinal) or None.
    """
    n = len(toks)
    total = 0.0
    current = 0.0
    seen = False
    j = i
    last = i
    while j < n:
        w = toks[j].low
        if j > i and not _joined(text, toks[j - 1], toks[j]):
            break
        if w in _UNITS_WORDS:
            if seen and current % 100 != 0 and current % 10 == 0 and current >= 20 and _UNITS_WORDS[w] < 10:
                current += _UNITS_WORDS[w]
            elif seen and current % 100 == 0 and current > 0 or not seen or current == 0 and total > 0:
                current += _UNITS_WORDS[w]
            else:
                break
            seen = True
        elif w in _TENS_WORDS:
            if seen and current % 100 != 0:
                break
            current += _TENS_WORDS[w]
            seen = True
        elif w in _SCALES:
            if not seen:
                break
            scale = _SCALES[w]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0.0
        elif w in _DOZEN:
            current = (current or 1) * 12
            seen = True
        elif w in ("half", "quarter") and seen and j > i and toks[j - 1].low in ("a", "an"):
            current += _FRACTIONS[w]
        elif w in ("a", "an") and j + 1 < n and toks[j + 1].low in ("half", "quarter") and seen \
                and j > i and toks[j - 1].low == "and":
            pass
        elif w == "and" and seen and j + 1 < n and (
                toks[j + 1].low in _UNITS_WORDS or toks[j + 1].low in _TENS_WORDS
                or toks[j + 1].low in ("a", "an")):
            pass
        elif w in _ORDINALS and seen and (current % 10 == 0 and current >= 20) and _ORDINALS[w] < 10:
            return total + current + _ORDINALS[w], j + 1, True
        else:
            break
        last = j + 1
        j += 1
    if not seen:
        return None
    return total + current, last, False


def _scale_after(text: str, toks: list[_Tok], j: int) -> tuple[float, int]:
    """A scale word ("million", "bn") right after index j-1: (multiplier, next index)."""
    mult = 1.0
    while j < len(toks) and _joined(text, toks[j - 1], toks[j]):
        w = toks[j].low
        if w in _SCALES and w != "hundred" or w in ("bn", "mn", "mln", "m") and mult == 1.0 \
                and toks[j - 1].text[-1:].isdigit() and _gap(text, toks[j - 1], toks[j]) == "":
            mult *= _SCALES.get(w, 1e9 if w == "bn" else 1e6)
            j += 1
        elif w in _PLURAL_SCALES and mult == 1.0 and toks[j - 1].text[-1:].isdigit():
            mult *= _PLURAL_SCALES[w]
            j += 1
        elif w in ("hundred",) or w in _DOZEN:
            mult *= _SCALES.get(w, 12)
            j += 1
        else:
            break
    return mult, j


def find_numbers(text: str) -> list[NumberMention]:
    """Find the quantities of a text in canonical form.

    Args:
        text: Any string.

    Returns:
        Mentions in text order. Stand-alone "one" used as a pronoun ("one of
        them") is still reported (value 1); callers comparing texts should
        treat unmatched small bare numbers with care.
    """
    if not _maybe_number(text):
        return []  # fast path: no digit and no number word
    toks = _tokens(text)
    out: list[NumberMention] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        value: float | None = None
        j = i + 1
        unit: str | None = None
        ordinal = False
        is_digits = t.text[0].isdigit() or (t.text[0] == "." and len(t.text) > 1)
        start_i = i
        currency: str | None = None
        if t.low in _CURRENCY_PREFIX and i + 1 < n and toks[i + 1].text[:1].isdigit() \
                and _gap(text, t, toks[i + 1]).strip() == "":
            currency = _CURRENCY_PREFIX[t.low]
            i += 1
            t = toks[i]
            j = i + 1
            is_digits = True
        span = 0.0
        if is_digits:
            parsed = _parse_digits(t.text)
            if parsed is None:
                i += 1
                continue
            value, ordinal = parsed
            if j < n and toks[j].text in _VULGAR and not ordinal and "." not in t.text \
                    and _gap(text, t, toks[j]) in ("", " "):
                value += _VULGAR[toks[j].text]  # "2 ½"
                j += 1
            elif j < n and toks[j].text == "s" and _gap(text, t, toks[j]) == "" and not ordinal \
                    and currency is None and value >= 10 and value % 10 == 0 and "," not in t.text \
                    and "." not in t.text:
                span = 10.0 if value % 100 else 100.0  # a decade: "1980s", "(his) 90s"
                j += 1
        elif t.text in _VULGAR:
            value = _VULGAR[t.text]
        elif t.low in _NUMBER_WORDS:
            if t.low in _FRACTIONS and t.low not in ("half", "halves", "quarter", "quarters"):
                # "third(s)" is a fraction only after a number word or "a"
                prev = toks[i - 1].low if i > 0 else ""
                if prev in _UNITS_WORDS:
                    i += 1
                    continue
                if prev not in ("a", "an"):
                    if t.low == "third":
                        value, ordinal = 3.0, True
                    else:
                        i += 1
                        continue
                else:
                    value = _FRACTIONS[t.low]
                    start_i = i - 1
            elif t.low in ("half", "halves", "quarter", "quarters"):
                prev = toks[i - 1].low if i > 0 else ""
                if prev in _PERIOD_BEFORE or prev in _ORDINALS or _parse_digits(prev) is not None \
                        and prev[-2:] in ("st", "nd", "rd", "th"):
                    i += 1  # "the first quarter", "last quarter", "the second half": a period
                    continue
                value = _FRACTIONS[t.low]
                if prev in ("a", "an"):
                    start_i = i - 1
            elif t.low in _SCALES or t.low in _DOZEN:
                prev = toks[i - 1].low if i > 0 else ""
                if prev in ("a", "an"):
                    start_i = i - 1
                    value = float(_SCALES.get(t.low, 12))
                elif t.low in _DOZEN or t.low.endswith("s"):
                    i += 1
                    continue
                else:
                    i += 1
                    continue
            else:
                parsed_w = _word_number(text, toks, i)
                if parsed_w is None:
                    i += 1
                    continue
                value, j, ordinal = parsed_w
                if not ordinal and j < n and toks[j].low in _FRACTIONS \
                        and _joined(text, toks[j - 1], toks[j]):
                    value *= _FRACTIONS[toks[j].low]
                    j += 1
        elif t.low in _ORDINALS:
            prev = toks[i - 1].low if i > 0 else ""
            if t.low == "second" and prev not in _DETERMINERS:
                i += 1
                continue
            if t.low == "first" and prev not in _DETERMINERS:
                i += 1
                continue
            value, ordinal = float(_ORDINALS[t.low]), True
        elif t.low in ("a", "an") and i + 1 < n and toks[i + 1].low in ("half", "quarter") \
                and i + 2 < n and toks[i + 2].low in _UNIT_MAP:
            value = _FRACTIONS[toks[i + 1].low]
            j = i + 2
        else:
            i += 1
            continue
        if value is None:
            i += 1
            continue
        # "two and a half" after digits/words: "2 and a half"
        if j + 2 < n and toks[j].low == "and" and toks[j + 1].low in ("a", "an") \
                and toks[j + 2].low in ("half", "quarter"):
            value += _FRACTIONS[toks[j + 2].low]
            j += 3
        mult, j = _scale_after(text, toks, j)
        value *= mult
        # unit
        end_tok = j - 1
        if not ordinal and j < n:
            w = toks[j].low
            gap = _gap(text, toks[j - 1], toks[j])
            if w == "%" and gap.strip() == "":
                unit, end_tok = "percent", j
            elif w == "per" and j + 1 < n and toks[j + 1].low == "cent":
                unit, end_tok = "percent", j + 1
            elif w == "percentage" and j + 1 < n and toks[j + 1].low in ("point", "points"):
                unit, end_tok = "percentage-point", j + 1
            elif w in ("a.m", "p.m", "am", "pm", "a.m.", "p.m.") and value <= 24:
                unit, end_tok = "time", j
                if w.startswith("p") and value < 12:
                    value += 12
            elif w == "year" and gap in ("-", "‑") and j + 2 < n and toks[j + 1].low == "old" \
                    and _gap(text, toks[j], toks[j + 1]) in ("-", "‑"):
                unit, end_tok = "year-old", j + 1
            elif w in ("years", "year") and j + 1 < n and toks[j + 1].low == "old" and gap == " ":
                unit, end_tok = "year-old", j + 1
            elif w in _UNIT_MAP and gap.strip() in ("", "-", "‑") and not (w == "m" and gap == " "):
                unit, end_tok = _UNIT_MAP[w], j
            elif w in _COMPOUND_ONLY and gap in ("-", "‑"):
                unit, end_tok = _COMPOUND_ONLY[w], j
        if currency is not None:
            if unit in (None, "$"):
                unit = currency
        if ordinal:
            unit = "ordinal"
        elif unit is None and is_digits and currency is None and value.is_integer() \
                and 1000 <= value <= 2100 and "," not in t.text and mult == 1.0:
            unit = "year"
        elif unit is None and is_digits and currency is None and value.is_integer() and 1 <= value <= 31:
            prev = toks[start_i - 1].low if start_i > 0 else ""
            nxt = toks[j].low if j < n else ""
            if prev in _MONTHS and prev != "may" or nxt in _MONTHS and nxt != "may":
                unit = "date"
        # approximation markers before the number
        approx = False
        bound = 0
        k = start_i
        if k >= 1 and toks[k - 1].low in _APPROX_ONE:
            w = toks[k - 1].low
            if w != "up" and w != "some" or (w == "some" and unit not in ("year", "date")):
                approx = True
                bound = _BOUND_ONE.get(w, 0)
                k -= 1
        if not approx and k >= 2 and (toks[k - 2].low, toks[k - 1].low) in _APPROX_TWO:
            approx = True
            bound = _BOUND_TWO.get((toks[k - 2].low, toks[k - 1].low), 0)
            k -= 2
        if not approx and k >= 1 and toks[k - 1].low in ("below", "above", "beyond"):
            approx = True
            bound = 1 if toks[k - 1].low != "below" else -1
        if not bound and end_tok + 2 < n and toks[end_tok + 1].low == "or" and \
                toks[end_tok + 2].low in ("more", "less", "fewer", "above", "higher", "lower"):
            approx = True
            bound = 1 if toks[end_tok + 2].low in ("more", "above", "higher") else -1
        if approx and k >= 1 and toks[k - 1].low in ("a", "an", "just", "only", "well") and \
                toks[k].low not in ("a", "an"):
            pass
        if currency is None and start_i > 0 and toks[start_i - 1].low in _CURRENCY_PREFIX \
                and _gap(text, toks[start_i - 1], toks[start_i]).strip() == "":
            k = min(k, start_i - 1)
            unit = _CURRENCY_PREFIX[toks[start_i - 1].low]
        s, e = toks[k].start, toks[end_tok].end
        if not approx and start_i > 0 and toks[start_i - 1].text == "~":
            approx = True
        out.append(NumberMention(s, e, float(value), unit, approx, text[s:e], bound, span))
        i = max(j, end_tok + 1)
    return out


#: The digits of a mention as written: thousands separators, decimal part.
_MANTISSA = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def written_value(mention: NumberMention) -> float | None:
    """The first number written in digits in a mention, scale words and
    units left out ("$54.9-million" -> 54.9, "1,627.84" -> 1627.84; None
    when spelled out)."""
    m = _MANTISSA.search(mention.text)
    return None if m is None else float(m.group().replace(",", ""))


def _decimals(mention: NumberMention) -> int | None:
    """Decimal places written in a digit mention (None if spelled out)."""
    m = _MANTISSA.search(mention.text)
    if m is None:
        return None
    return len(m.group(1)) if m.group(1) else 0


def _significant(mention: NumberMention) -> int:
    m = _MANTISSA.search(mention.text)
    if m is None:
        return 1
    digits = m.group().replace(",", "").replace(".", "").lstrip("0")
    return len(digits.rstrip("0")) or 1


_UNIT_GROUPS = {"$": "money", "A$": "money", "C$": "money", "NZ$": "money", "HK$": "money",
                "€": "money", "£": "money", "yen": "money", "franc": "money", "rouble": "money"}


def units_compatible(a: str | None, b: str | None) -> bool:
    """Whether two canonical units can describe the same quantity.

    A missing unit is compatible with any unit ("2.5" vs "2.5 hours").
    """
    if a is None or b is None or a == b:
        return True
    if {a, b} <= {"percent", "percentage-point"}:
        return True
    if {a, b} <= {"year", "year-old"}:
        return True
    return False


def numbers_match(a: NumberMention, b: NumberMention, *, approx_tolerance: float = 0.1,
                  rounding: bool = True) -> bool:
    """Whether two mentions state the same quantity.

    Args:
        a: A mention.
        b: Another mention (a bound, "more than 5", never matches an exact
            value or the opposite bound).
        approx_tolerance: Relative difference accepted when either side is
            approximate ("nearly 2.5" vs "2.4").
        rounding: Accept a value rounded to the precision of the less precise
            mention when that one has at least two significant digits or a
            decimal part ("1,627.84" vs "1,628"; "0.44" vs "0.4"; but not
            "3.2" vs "3", "4.4" vs "4.6").

    Returns:
        True when units are compatible and the values agree within tolerance.
    """
    if not units_compatible(a.unit, b.unit):
        return False
    if (a.unit == "ordinal") != (b.unit == "ordinal") and a.unit is not None and b.unit is not None:
        return False
    if a.bound != b.bound and (a.bound and b.bound or not (a.approx and b.approx)):
        # "more than 11,000" is not "11,000", nor "less than 5" "more than 5";
        # an approximate value ("about 2,100") may sit near either bound
        if not ((a.approx and not a.bound) or (b.approx and not b.bound)):
            return False
    va, vb = a.value, b.value
    if a.span and a.value <= vb < a.value + a.span or b.span and b.value <= va < b.value + b.span:
        return True  # "1985" / "the 1980s", "94" / "his 90s"
    # cents vs dollars
    if {a.unit, b.unit} == {"cent", "$"}:
        va = va / 100 if a.unit == "cent" else va
        vb = vb / 100 if b.unit == "cent" else vb
    if math.isclose(va, vb, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if a.approx or b.approx:
        if abs(va - vb) <= approx_tolerance * max(abs(va), abs(vb)):
            return True
    if rounding:
        da, db = _decimals(a), _decimals(b)
        if da is not None and db is not None and da != db:
            coarse, fine = (a, b) if da < db else (b, a)
            dc = min(da, db)
            scale = coarse.value / written_value(coarse) if coarse.value else 1.0
            if _significant(coarse) >= 2 or dc >= 1 or coarse.approx:
                tol = 0.5 * (10 ** -dc) * scale + 1e-9
                if abs(coarse.value - fine.value) <= tol:
                    return True
    return False
