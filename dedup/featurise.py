"""Vectorised featurisation of document batches: UTF-8 bytes in, token hashes out.

Used by :mod:`dedup.candidates`. There is **no per-token Python work**: each
batch of documents is encoded once (one ``str.encode`` per document), joined
with a ``"\\n\\n"`` separator and processed as one ``uint8`` array.

Byte rules (``_normalise``):

1. Multi-byte normalisation (UTF-8 patterns found with numpy comparisons):
   ``’`` (U+2019) becomes ``'``; other General Punctuation (U+2000-U+207F:
   typographic spaces, dashes, quotes, ellipsis, ...) and the Latin-1
   punctuation block U+0080-U+00BF (no-break space, ``«»``, ``°`` ...) become
   spaces; Latin-1 letters U+00C0-U+00FF are folded to their unaccented
   lower-case ASCII letter (``é`` -> ``e``, ``ß`` -> ``s``; ``×``/``÷`` ->
   space).
2. Inside words: an apostrophe between two word bytes is dropped, and a
   possessive ``'s`` at a word end is dropped with it (``Obama's`` ->
   ``obama``, ``don't`` -> ``dont``); a dot between two word bytes is dropped
   (``U.S`` -> ``us``, ``2.5`` -> ``25``); a comma between two digits is
   dropped (``1,000`` -> ``1000``).
3. Word bytes: ASCII letters and digits and every byte >= 0x80 (so other
   non-ASCII letters stay inside words; scripts without spaces give long
   tokens, which is harmless for candidate generation). ASCII is lower-cased
   with a 256-entry table. Tokens are maximal runs of word bytes.
4. A sentence ends at ``.``, ``!`` or ``?`` followed by whitespace, a quote,
   a closing bracket or the end of the document, and at a newline followed by
   whitespace (a blank line or an indented line). A token opens a sentence
   when a sentence end (or its document start) lies between it and the
   previous token.

Hashes (``_range_hashes``): polynomial hashes of the lower-cased word bytes in
uint64 wraparound arithmetic, ``sum((byte + 1) * P**rel)`` over the byte
positions ``rel`` inside the token, computed for all tokens at once from
prefix sums (below), then mixed with the seed and the length and finalised
with splitmix64:

* ``h64`` — the whole token (shingles, stopword test);
* ``key`` (32 bits) — the *stem*: the token minus one inflection suffix
  (``ing``, ``ed``, ``es``, ``s`` but not ``ss``, ``ly``; at least 3 bytes
  kept) and then a final ``e``, truncated to ``stem_prefix`` bytes (prefix
  truncation, a crude but robust stemmer: ``talks``/``talked``/``talking`` ->
  ``talk``, ``government``/``governments`` -> ``govern``). Numbers (tokens
  starting with a digit) are keyed by the whole token.

Token kinds: ``WORD`` (stopword or a single byte), ``NUMBER``, ``CONTENT``,
``LONG`` (content word of ``min_len`` bytes or more). Stopwords are found in a
direct-mapped table (no two stopwords share a slot) of the ``h64`` of
:data:`dedup.text.tokens.STOPWORDS` (plus apostrophe-less contractions),
hashed by this same code.

Prefix sums: ``S[k] = sum_{i<k} (lower(b[i]) + 1) * P**i`` over the whole
batch (one table lookup, one multiply, one cumsum per byte); a token's hash
is ``(S[end] - S[start]) * P**-start`` (``P`` odd, so invertible mod
``2**64``); the power tables are built once per process (grow-only).

:func:`tokenise_reference` implements the same rules with plain Python loops
and integers; the tests check that both agree on random Unicode text.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from dedup.fast import have_numba, kernels
from dedup.text.tokens import STOPWORDS

__all__ = ["Tokens", "tokenise", "tokenise_reference", "WORD", "NUMBER", "CONTENT", "LONG"]

WORD, NUMBER, CONTENT, LONG = 1, 2, 3, 4

_U64 = np.uint64
_M64 = (1 << 64) - 1
_P = 0x100000001B3 * 2 + 1  # odd multiplier of the polynomial hash
_SEED_MIX = 0x9E3779B97F4A7C15
_PINV = pow(_P, -1, 1 << 64)
_MIX2 = 0xBF58476D1CE4E5B9
_MIX3 = 0x94D049BB133111EB

#: Extra stopwords: contractions after apostrophes are dropped.
_CONTRACTIONS = ("dont doesnt didnt isnt arent wasnt werent cant couldnt wont wouldnt shouldnt hasnt "
                 "havent hadnt im ive id youre youve youd theyre theyve weve hes shes thats theres whats "
                 "lets ill youll theyll well").split()

# ------------------------------------------------------------ byte tables ---

_WORD_LUT = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
    _WORD_LUT[_c] = True
_WORD_LUT[0x80:] = True
_DIGIT_LUT = np.zeros(256, dtype=bool)
_DIGIT_LUT[ord("0"):ord("9") + 1] = True
_UPPER_LUT = np.zeros(256, dtype=bool)
_UPPER_LUT[ord("A"):ord("Z") + 1] = True
_LOWER_LUT = np.arange(256, dtype=np.uint8)
_LOWER_LUT[ord("A"):ord("Z") + 1] += 32
#: ``lower(byte) + 1`` as uint64: the polynomial hash's digit of a byte.
_LOWER1_U64 = _LOWER_LUT.astype(np.uint64) + np.uint64(1)
#: Bytes that may follow a sentence-ending ``.!?``.
_AFTER_END = np.zeros(256, dtype=bool)
for _c in b" \t\r\n\"')]\x0b\x0c":
    _AFTER_END[_c] = True
_SPACE = np.zeros(256, dtype=bool)
for _c in b" \t\r\n\x0b\x0c":
    _SPACE[_c] = True
#: Candidate sentence-end bytes.
_END_CAND = np.zeros(256, dtype=bool)
for _c in b".!?\n":
    _END_CAND[_c] = True
#: Bytes rule 2 looks at.
_PUNCT2 = np.zeros(256, dtype=bool)
for _c in b"'.,":
    _PUNCT2[_c] = True

# Latin-1 letters U+00C0..U+00FF, indexed by the second UTF-8 byte (0x80..0xBF)
_FOLD_SRC = ("AAAAAAACEEEEIIII" "DNOOOOO OUUUUYTs" "aaaaaaaceeeeiiii" "dnooooo ouuuuyty")
_FOLD = np.zeros(256, dtype=np.uint8)
for _k, _ch in enumerate(_FOLD_SRC):
    _FOLD[0x80 + _k] = ord(_ch)


# ------------------------------------------------------------- the batch ---

@dataclass(frozen=True)
class Tokens:
    """Token arrays of a batch of documents (all numpy, one entry per token).

    Attributes:
        n_docs: Documents in the batch.
        kind: int8 ``WORD``/``NUMBER``/``CONTENT``/``LONG``.
        h64: uint64 hash of the normalised token.
        key: uint32 stem key (numbers: the whole token).
        cap: bool, first byte is an ASCII capital.
        sent_start: bool, the token opens a sentence.
        doc: int64 document of each token.
    """

    n_docs: int
    kind: np.ndarray
    h64: np.ndarray
    key: np.ndarray
    cap: np.ndarray
    sent_start: np.ndarray
    doc: np.ndarray


def _encode(texts: Sequence[str | bytes]) -> tuple[bytes, np.ndarray]:
    """Join the UTF-8 of ``texts`` with ``\\n\\n``; return bytes and document
    start offsets. Bytes-like items are taken as UTF-8 already."""
    parts = []
    for d, t in enumerate(texts):
        if isinstance(t, str):
            parts.append(t.encode("utf-8", "surrogatepass"))
        elif isinstance(t, (bytes, bytearray, memoryview)):
            parts.append(t)
        else:
            raise ValueError(f"texts[{d}] is {type(t).__name__}, expected str (or UTF-8 bytes)")
    lens = np.fromiter((len(p) + 2 for p in parts), dtype=np.int64, count=len(parts))
    starts = np.zeros(len(parts), dtype=np.int64)
    if len(parts) > 1:
        np.cumsum(lens[:-1], out=starts[1:])
    return b"\n\n".join(parts) + b"\n\n", starts


def _normalise(raw: np.ndarray, dstart: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the byte rules 1-2; return the compacted bytes and the documents' new start offsets.

    Only sparse candidate positions (bytes >= 0xC2, ``'``, ``.``, ``,``) are
    examined; the stream ends with ``"\\n\\n"`` so ``i + 2`` is always inside
    it for a multi-byte lead or an inner punctuation byte.
    """
    b = raw
    # --- rule 1: multi-byte sequences
    hi = np.flatnonzero(b >= 0xC2)
    if len(hi):
        b = raw.copy()
        drop = np.zeros(len(b), dtype=bool)
        c = b[hi]
        n1 = b[hi + 1]
        e2 = hi[(c == 0xE2) & ((n1 == 0x80) | (n1 == 0x81))]
        if len(e2):
            ap = (b[e2 + 1] == 0x80) & (b[e2 + 2] == 0x99)
            apos, other = e2[ap], e2[~ap]
            b[apos] = 0x27
            drop[apos + 1] = True
            drop[apos + 2] = True
            for k in range(3):
                b[other + k] = 0x20
        l1 = hi[((c == 0xC2) | (c == 0xC3)) & (n1 >= 0x80) & (n1 <= 0xBF)]
        if len(l1):
            c2 = l1[b[l1] == 0xC2]
            b[c2] = 0x20
            b[c2 + 1] = 0x20
            c3 = l1[b[l1] == 0xC3]
            b[c3 + 1] = _FOLD[b[c3 + 1]]
            drop[c3] = True
        rm = np.flatnonzero(drop)
        if len(rm):
            b = np.delete(b, rm)
            dstart = dstart - np.searchsorted(rm, dstart)
    # --- rule 2: apostrophes, dots and commas inside words
    sp = np.flatnonzero(np.take(_PUNCT2, b))
    if len(sp):
        sp = sp[sp > 0]
        c = b[sp]
        prev_b, next_b = b[sp - 1], b[sp + 1]
        inner = np.take(_WORD_LUT, prev_b) & np.take(_WORD_LUT, next_b)
        dots = sp[inner & (c == ord("."))]
        commas = sp[(c == ord(",")) & np.take(_DIGIT_LUT, prev_b) & np.take(_DIGIT_LUT, next_b)]
        ap = sp[inner & (c == 0x27)]
        poss = ap[((b[ap + 1] == ord("s")) | (b[ap + 1] == ord("S"))) & ~np.take(_WORD_LUT, b[ap + 2])]
        rm = np.concatenate([dots, commas, ap, poss + 1])
        if len(rm):
            rm = np.sort(rm)
            b = np.delete(b, rm)
            dstart = dstart - np.searchsorted(rm, dstart)
    return b, dstart


def _mix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _U64(_MIX2)
        x ^= x >> _U64(27)
        x *= _U64(_MIX3)
        x ^= x >> _U64(31)
    return x


_TABLES: list[np.ndarray] = []


def _tables_upto(m: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**k`` and ``P**-k`` (mod 2**64) for ``k < m`` or more (grow-only,
    kept for the life of the process; a power of two of at least 2**12
    entries: a small corpus does not pay for tables of a large batch, which
    took 0.06-0.12 s to make in every fresh worker process)."""
    if not _TABLES or len(_TABLES[0]) < m:
        size = 1 << 12
        while size < m:
            size *= 2
        p = np.full(size, _P, dtype=np.uint64)
        q = np.full(size, _PINV, dtype=np.uint64)
        p[0] = q[0] = 1
        with np.errstate(over="ignore"):
            _TABLES[:] = [np.cumprod(p, dtype=np.uint64), np.cumprod(q, dtype=np.uint64)]
    return _TABLES[0], _TABLES[1]


def _prefix_sums(b: np.ndarray) -> np.ndarray:
    """``S[k] = sum_{i<k} (lower(b[i]) + 1) * P**i`` (mod 2**64), length ``len(b) + 1``."""
    pw, _ = _tables_upto(len(b) + 1)
    s = np.empty(len(b) + 1, dtype=np.uint64)
    s[0] = 0
    v = np.take(_LOWER1_U64, b)
    with np.errstate(over="ignore"):
        np.multiply(v, pw[: len(b)], out=v)
        np.cumsum(v, out=s[1:])
    return s


def _range_hashes(S: np.ndarray, start: np.ndarray, lengths: Sequence[np.ndarray], seed: int) -> list[np.ndarray]:
    """Hashes of the byte ranges ``[start, start + length)`` (one array per
    entry of ``lengths``) from prefix sums ``S``."""
    _, inv = _tables_upto(len(S))
    s = _U64((seed * _SEED_MIX + 0x632BE59BD9B4E019) & _M64)
    s0 = S[start]
    iv = inv[start]
    out = []
    with np.errstate(over="ignore"):
        for length in lengths:
            h = S[start + length]
            h -= s0
            h *= iv
            h ^= s
            h ^= length.astype(np.uint64) << _U64(56)
            out.append(_mix64(h))
    return out


def _stem_lengths(b: np.ndarray, tstart: np.ndarray, tlen: np.ndarray, prefix: int) -> np.ndarray:
    """Stem length of each token (suffix rules of the module docs, then ``prefix`` cap).

    ``b`` is the byte stream (not lower-cased: the few bytes looked at are);
    bytes before a token are non-word bytes, so looking ``k`` bytes back from
    a short token's end is harmless (the length conditions reject it).
    """
    end = tstart + tlen
    low = _LOWER_LUT
    l1 = np.take(low, b[end - 1])
    l2 = np.take(low, b[end - 2])
    l3 = np.take(low, b[np.maximum(end - 3, 0)])
    cut = np.zeros(len(tlen), dtype=np.int64)
    ing = (l3 == ord("i")) & (l2 == ord("n")) & (l1 == ord("g")) & (tlen >= 6)
    two = (tlen >= 5) & ~ing
    ed = two & (l2 == ord("e")) & (l1 == ord("d"))
    es = two & (l2 == ord("e")) & (l1 == ord("s"))
    ly = two & (l2 == ord("l")) & (l1 == ord("y"))
    s = (l1 == ord("s")) & (l2 != ord("s")) & (tlen >= 4) & ~es
    cut[ing] = 3
    cut[ed | es | ly] = 2
    cut[s] = 1
    sl = tlen - cut
    # a final "e" after the cut
    e = (sl >= 4) & (np.take(low, b[tstart + sl - 1]) == ord("e"))
    sl = sl - e
    return np.minimum(sl, prefix)


@lru_cache(maxsize=16)
def _stop_hashes(seed: int) -> np.ndarray:
    words = sorted(STOPWORDS | set(_CONTRACTIONS))
    b = np.frombuffer((" ".join(words) + " ").encode("ascii"), dtype=np.uint8)
    w = _WORD_LUT[b].view(np.int8)
    d = np.diff(np.concatenate([[0], w]))
    st = np.flatnonzero(d == 1)
    en = np.flatnonzero(d == -1)
    return np.unique(_range_hashes(_prefix_sums(b), st, [en - st], seed)[0])


@lru_cache(maxsize=16)
def _stop_table(seed: int) -> tuple[np.ndarray, int]:
    """Direct-mapped table of the stopword hashes: slot ``h >> (64 - bits)``
    holds ``h`` (the smallest ``bits`` without two stopwords in one slot; empty
    slots hold 0)."""
    sh = _stop_hashes(seed)
    bits = 10
    while len(np.unique(sh >> _U64(64 - bits))) < len(sh):
        bits += 1
    table = np.zeros(1 << bits, dtype=np.uint64)
    table[(sh >> _U64(64 - bits)).astype(np.int64)] = sh
    return table, bits


def tokenise(texts: Sequence[str], min_len: int = 8, seed: int = 0, stem_prefix: int = 6, *,
             fast: bool | None = None) -> Tokens:
    """Tokens of a batch of documents, fully vectorised (see module docs).

    Args:
        texts: Document texts (``str``, or their UTF-8 as a bytes-like object).
        min_len: Content words of at least this many bytes are ``LONG``.
        seed: Hash seed.
        stem_prefix: Stems are cut to this many bytes.
        fast: Use the compiled byte loops (:func:`dedup.kernels.tokenise_bytes`);
            default: when numba is installed. The tokens are the same.

    Returns:
        :class:`Tokens`.
    """
    n = len(texts)
    joined, dstart = _encode(texts)
    if have_numba() if fast is None else fast:
        table, bits = _stop_table(seed)
        seed_mix = _U64((seed * _SEED_MIX + 0x632BE59BD9B4E019) & _M64)
        kind, h64, key, cap, sent, doc = kernels().tokenise_bytes(
            np.frombuffer(joined, dtype=np.uint8), dstart, _FOLD, int(min_len), seed_mix, _U64(_P),
            int(stem_prefix), table, int(bits))
        return Tokens(n, kind, h64, key, cap, sent, doc)
    b, dpos = _normalise(np.frombuffer(joined, dtype=np.uint8), dstart)
    # token boundaries: +1 / -1 steps of the word mask (b starts and ends with non-word bytes
    # except possibly at 0)
    w = np.take(_WORD_LUT, b).view(np.int8)
    d = np.diff(w, prepend=np.int8(0))
    tstart = np.flatnonzero(d == 1)
    tend = np.flatnonzero(d == -1)  # the stream ends with "\n\n": every token ends inside it
    tlen = tend - tstart
    # sentence ends (sparse)
    ec = np.flatnonzero(np.take(_END_CAND, b))
    if len(ec):
        ec = ec[ec + 1 < len(b)]
        nb = b[ec + 1]
        cb = b[ec]
        ends = ec[np.where(cb == ord("\n"), np.take(_SPACE, nb), np.take(_AFTER_END, nb))]
    else:
        ends = ec
    # documents and sentence starts: mark the first token after each document
    # start / sentence end (both are non-word bytes, so they lie between tokens)
    T = len(tstart)
    dk = np.searchsorted(tstart, dpos)
    doc = np.cumsum(np.bincount(dk, minlength=T + 1)[:T]) - 1
    sent_start = np.zeros(T + 1, dtype=bool)
    sent_start[np.searchsorted(tstart, ends)] = True
    sent_start[dk] = True
    sent_start = sent_start[:T]
    first = b[tstart]
    cap = np.take(_UPPER_LUT, first)
    is_num = np.take(_DIGIT_LUT, first)
    stem_len = _stem_lengths(b, tstart, tlen, stem_prefix)
    stem_len[is_num] = tlen[is_num]
    h64, hstem = _range_hashes(_prefix_sums(b), tstart, (tlen, stem_len), seed)
    table, bits = _stop_table(seed)
    stop = (np.take(table, (h64 >> _U64(64 - bits)).astype(np.intp)) == h64) | (tlen < 2)
    kind = np.full(len(tlen), CONTENT, dtype=np.int8)
    kind[tlen >= min_len] = LONG
    kind[stop] = WORD
    kind[is_num] = NUMBER
    key = (hstem >> _U64(32)).astype(np.uint32)
    return Tokens(n, kind, h64, key, cap, sent_start, doc.astype(np.int64))


# ------------------------------------------------------ reference (slow) ---

def _mix64_int(x: int) -> int:
    x ^= x >> 30
    x = (x * _MIX2) & _M64
    x ^= x >> 27
    x = (x * _MIX3) & _M64
    x ^= x >> 31
    return x


def _hash_int(word: bytes, ln: int, seed: int) -> int:
    h = 0
    p = 1
    for c in word[:ln]:
        h = (h + (c + 1) * p) & _M64
        p = (p * _P) & _M64
    s = (seed * _SEED_MIX + 0x632BE59BD9B4E019) & _M64
    return _mix64_int(h ^ s ^ ((ln << 56) & _M64))


def _ref_is_word(c: int) -> bool:
    return c >= 0x80 or chr(c).isascii() and chr(c).isalnum()


def _ref_bytes(text: str) -> list[int]:
    """Byte rules 1-2 on one document followed by its ``\n\n`` separator."""
    raw = text.encode("utf-8", "surrogatepass") + b"\n\n"
    b1: list[int] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0xE2 and i + 2 < len(raw) and raw[i + 1] in (0x80, 0x81):
            b1.extend([0x27] if raw[i + 1] == 0x80 and raw[i + 2] == 0x99 else [0x20] * 3)
            i += 3
        elif c in (0xC2, 0xC3) and i + 1 < len(raw) and 0x80 <= raw[i + 1] <= 0xBF:
            if c == 0xC2:
                b1.extend([0x20, 0x20])
            else:
                ch = _FOLD_SRC[raw[i + 1] - 0x80]
                b1.append(ord(ch))
            i += 2
        else:
            b1.append(c)
            i += 1
    n = len(b1)
    w = [_ref_is_word(c) for c in b1]
    dig = [0x30 <= c <= 0x39 for c in b1]
    drop = [False] * n
    for i, c in enumerate(b1):
        inner = 0 < i < n - 1 and w[i - 1] and w[i + 1]
        if inner and c == 0x27:
            drop[i] = True
            if b1[i + 1] in b"sS" and not (i + 2 < n and w[i + 2]):
                drop[i + 1] = True
        if inner and c == ord("."):
            drop[i] = True
        if c == ord(",") and 0 < i < n - 1 and dig[i - 1] and dig[i + 1]:
            drop[i] = True
    return [c for c, d in zip(b1, drop) if not d]


def tokenise_reference(texts: Iterable[str], min_len: int = 8, seed: int = 0,
                       stem_prefix: int = 6) -> list[list[tuple[int, int, int, bool, bool]]]:
    """Plain-Python implementation of :func:`tokenise` (for tests).

    Returns:
        Per document, a list of ``(kind, h64, key, cap, sent_start)`` per token.
    """
    stops = {_hash_int(wd.encode(), len(wd), seed) for wd in STOPWORDS | set(_CONTRACTIONS)}
    out = []
    for text in texts:
        b = _ref_bytes(text)
        n = len(b)
        toks = []
        i = 0
        pending_end = True
        while i < n:
            c = b[i]
            if not _ref_is_word(c):
                nxt = b[i + 1] if i + 1 < n else ord("\n")
                if (c in b".!?" and nxt in b" \t\r\n\"')]\x0b\x0c") or (c == 10 and nxt in b" \t\r\n\x0b\x0c"):
                    pending_end = True
                i += 1
                continue
            j = i
            while j < n and _ref_is_word(b[j]):
                j += 1
            raw_tok = bytes(b[i:j])
            tok = raw_tok.lower()
            ln = len(tok)
            is_num = 0x30 <= tok[0] <= 0x39
            if is_num:
                sl = ln
            else:
                cut = 0
                for suf in (b"ing", b"ed", b"es", b"ly", b"s"):
                    if tok.endswith(suf) and not (suf == b"s" and tok.endswith(b"ss")) and ln - len(suf) >= 3:
                        cut = len(suf)
                        break
                sl = ln - cut
                if sl >= 4 and tok[sl - 1] == ord("e"):
                    sl -= 1
                sl = min(sl, stem_prefix)
            h = _hash_int(tok, ln, seed)
            key = _hash_int(tok, sl, seed) >> 32
            if is_num:
                kind = NUMBER
            elif h in stops or ln < 2:
                kind = WORD
            elif ln >= min_len:
                kind = LONG
            else:
                kind = CONTENT
            toks.append((kind, h, key, 0x41 <= raw_tok[0] <= 0x5A, pending_end))
            pending_end = False
            i = j
        out.append(toks)
    return out
