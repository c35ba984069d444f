"""Compiled inner loops (optional fast path; ``pip install dedup-spin[fast]``).

Each kernel here is a plain loop that `numba <https://numba.pydata.org>`_
compiles when it is installed (``HAVE_NUMBA``); the callers in
:mod:`dedup.candidates` then use it instead of their numpy reference
implementation, which stays the default without numba and which the tests
check the kernels against (``tests/test_kernels.py``). Without numba the
kernels still run as ordinary Python (slowly): the tests exercise their logic
either way.

Kernels are compiled once per machine (``cache=True`` keeps the machine code
next to this module, or under ``NUMBA_CACHE_DIR``; the first compilation
takes 10-20 s, later processes load it in about half a second);
:func:`warm_up` loads them before worker processes are forked, so the
workers inherit the compiled code. All kernels release the GIL.

Kernels:

* :func:`passage_pair_part` -- the pair counting of the passage view for one
  part (documents ``i`` with ``i % parts == part``): the part's pair
  occurrences are written as per-block record streams (runs read in order),
  then for each document the later members of every run it belongs to are
  counted in dense per-document accumulators (one-byte hit counters first;
  rarity-weighted evidence and shared chains only for partners with enough
  hits), and the pairs passing the evidence tests are emitted. Occurrences
  are never sorted (the numpy reference packs and sorts them all).
* :func:`passage_keys` and :func:`sort_distinct_by_high_bits` -- the
  passage and chain fingerprints of the content words, generated document by
  document in one loop and sorted by an LSD radix sort on the fingerprint bits
  (the keys come out in document order, so sorting the fingerprint bits alone
  sorts the whole key).
* :func:`runs_of_keys` / :func:`runs_of_sorted` -- the corpus-wide inverted
  lists of one fingerprint range from the keys of all partitions (radix
  sort, then one pass).
* :func:`shingle_minhash` -- word shingles hashed and MinHashed per
  document in one loop (the permutation loop vectorises).
* :func:`tokenise_bytes` -- the byte rules, tokens, hashes, stems, kinds and
  sentence starts of :func:`dedup.featurise.tokenise` in a few passes over
  the bytes (the numpy implementation makes dozens of whole-stream arrays).
"""
from __future__ import annotations

import numpy as np

try:  # optional dependency: the ``fast`` extra
    import numba as _numba
except ImportError:  # pragma: no cover - depends on the environment
    _numba = None

__all__ = ["HAVE_NUMBA", "content_words", "doc_counts", "passage_pair_part", "block_offsets", "member_parts", "passage_keys", "sort_distinct_by_high_bits", "tokenise_bytes",
           "shingle_minhash", "runs_of_keys", "runs_of_sorted", "EVIDENCE_EPS", "warm_up"]

#: True when numba is importable: the compiled kernels are used.
HAVE_NUMBA = _numba is not None

from dedup.fast import EVIDENCE_EPS  # noqa: E402  (no numba there: the candidate module reads it at import)


def _jit(fn):
    if _numba is None:
        return fn
    return _numba.njit(cache=True, nogil=True)(fn)


@_jit
def member_parts(members, sizes, parts, none, pid):
    """Fill ``pid`` with the part (``document % parts``) of each run member,
    ``none`` for the last member of a run (it starts no pair); runs back to
    back."""
    e = 0
    for r in range(len(sizes)):
        s = e
        e = s + np.int64(sizes[r])
        for m in range(s, e - 1):
            pid[m] = members[m] % parts
        if e > s:
            pid[e - 1] = none


@_jit
def block_offsets(members, pid, sizes, n, parts, block_bits):
    """Where each block's records start in each part's stream (see
    :func:`_part_streams`), for all parts from one read of the runs.

    Returns:
        int64 ``(parts, blocks + 1)`` offsets; a document ``i`` of part
        ``i % parts`` has local number ``i // parts`` and block
        ``(i // parts) >> block_bits``.
    """
    nloc = (n + parts - 1) // parts
    nb = (max(nloc, 1) - 1 >> block_bits) + 1
    boff = np.zeros((parts, nb + 1), np.int64)
    e = 0
    for r in range(len(sizes)):
        s = e
        e = s + np.int64(sizes[r])
        for m in range(s, e - 1):
            boff[pid[m], ((members[m] // parts) >> block_bits) + 1] += 2 + (e - m - 1)
    for p in range(parts):
        for x in range(nb):
            boff[p, x + 1] += boff[p, x]
    return boff


@_jit
def _part_streams(members, pid, sizes, parts, part, block_bits, boff):
    """The pair occurrences of one part, as records in per-block streams.

    For every run member ``i`` of the part that has later members, its
    block's stream gets the record ``i, size << 8 | c, j_1 .. j_c`` (``c``
    later members ``j``, ``size`` the run size). Runs are read in order and
    each block's stream is written sequentially, so building the streams
    needs no scattered accesses (the doc-major transpose of the runs costs a
    cache miss per occurrence). ``pid``: the part of each member (see
    :attr:`dedup.candidates._RunPairs.pid`); ``boff``: this part's row of
    :func:`block_offsets`.

    Returns:
        int32 stream: block ``b``'s records are ``stream[boff[b]:boff[b + 1]]``.
    """
    nb = len(boff) - 1
    stream = np.empty(boff[nb], np.int32)
    cur = boff[:nb].copy()
    e = 0
    for r in range(len(sizes)):
        s = e
        size = np.int64(sizes[r])
        e = s + size
        for m in range(s, e - 1):
            if pid[m] == part:
                d = members[m]
                x = (d // parts) >> block_bits
                k = cur[x]
                stream[k] = d
                stream[k + 1] = (size << 8) | (e - m - 1)
                k += 2
                for q in range(m + 1, e):
                    stream[k] = members[q]
                    k += 1
                cur[x] = k
    return stream


@_jit
def _block_records(stream, lo, hi, parts, block_bits, rc, rec):
    """Group the records of ``stream[lo:hi]`` by local document: record start
    positions in ``rec`` (by document, in stream order), ``rc`` the offsets
    (``rc[x]:rc[x + 1]`` for local document ``x`` of the block)."""
    width = 1 << block_bits
    for x in range(width + 1):
        rc[x] = 0
    t = lo
    nrec = 0
    while t < hi:
        rc[((stream[t] // parts) & (width - 1)) + 1] += 1
        t += 2 + (stream[t + 1] & 255)
        nrec += 1
    for x in range(width):
        rc[x + 1] += rc[x]
    fill = rc[:width].copy()
    t = lo
    while t < hi:
        x = (stream[t] // parts) & (width - 1)
        rec[fill[x]] = t
        fill[x] += 1
        t += 2 + (stream[t + 1] & 255)
    return nrec


@_jit
def _grow(a, size):
    b = np.empty(max(2 * len(a), size, 16), a.dtype)
    b[: len(a)] = a
    return b


@_jit
def passage_pair_part(p_members, p_pid, p_sizes, p_boff, c_members, c_pid, c_sizes, c_boff,
                      pass_count, n, parts, part,
                      verify, min_hits, min_score, chain_alone, min_exclusive, min_chains, strong, gate,
                      block_bits):
    """Verified passage pairs of one part (see the module docs).

    Args:
        p_members, p_pid, p_sizes, p_boff: Passage-fingerprint runs
            (documents ascending inside a run, runs back to back; sizes at
            most 63), the part of each member (:func:`member_parts`) and
            their :func:`block_offsets`.
        c_members, c_pid, c_sizes, c_boff: Chain-fingerprint runs.
        pass_count: Shareable fingerprints per document (containment).
        n: Documents.
        parts, part: This part: first documents ``i % parts == part``.
        verify: Apply the evidence tests (else every pair is returned).
        min_hits ... gate: The thresholds of :meth:`PassagePairStage.run`.
        block_bits: The part's documents are handled in blocks of
            ``2 ** block_bits`` (see :func:`_part_streams`; any value gives
            the same pairs).

    Returns:
        ``(codes, hits, evidence, chains)`` with codes ``i * n + j``
        (``i < j``) in ascending order.
    """
    boff, cboff = p_boff[part], c_boff[part]
    stream = _part_streams(p_members, p_pid, p_sizes, parts, part, block_bits, boff)
    cstream = _part_streams(c_members, c_pid, c_sizes, parts, part, block_bits, cboff)
    weight = np.empty(64, np.float64)
    for k in range(64):
        weight[k] = 1.0 / max(k - 1, 1)
    width = 1 << block_bits
    rc = np.empty(width + 1, np.int64)
    crc = np.empty(width + 1, np.int64)
    rec = np.empty(16, np.int64)
    crec = np.empty(16, np.int64)
    # hits first (a compact array that stays in cache), then the evidence and
    # chains of the partners with enough hits only
    need = min_hits if verify else 1
    need8 = min(max(need, 1), 255)
    # one byte per document (1 MB at 1M documents: the random increments
    # stay in cache); counts past 255 go on in ``over``
    cnt = np.zeros(n, np.uint8)
    over = np.zeros(n, np.int64)
    ev = np.zeros(n, np.float64)
    ch = np.zeros(n, np.int64)
    touched = np.empty(n, np.int64)
    o_code = np.empty(1024, np.int64)
    o_hits = np.empty(1024, np.int64)
    o_ev = np.empty(1024, np.float64)
    o_ch = np.empty(1024, np.int64)
    no = 0
    for blk in range(len(boff) - 1):
        lo, hi = boff[blk], boff[blk + 1]
        if lo == hi:
            continue
        if len(rec) < hi - lo:
            rec = np.empty(hi - lo, np.int64)
        _block_records(stream, lo, hi, parts, block_bits, rc, rec)
        clo, chi = cboff[blk], cboff[blk + 1]
        if len(crec) < chi - clo + 1:
            crec = np.empty(chi - clo + 1, np.int64)
        _block_records(cstream, clo, chi, parts, block_bits, crc, crec)
        for x in range(width):
            ra, rb = rc[x], rc[x + 1]
            if ra == rb:
                continue
            i = part + parts * ((blk << block_bits) + x)
            nt = 0
            for u in range(ra, rb):
                t = rec[u]
                c = stream[t + 1] & 255
                for v in range(t + 2, t + 2 + c):
                    j = stream[v]
                    cj = cnt[j]
                    if cj == 0:
                        touched[nt] = j
                        nt += 1
                    if cj == 255:
                        over[j] += 1
                    else:
                        cnt[j] = cj + 1
            enough = False
            for t in range(nt):
                if cnt[touched[t]] >= need8:
                    enough = True
                    break
            if enough:
                for u in range(ra, rb):
                    t = rec[u]
                    c = stream[t + 1] & 255
                    w = weight[stream[t + 1] >> 8]
                    for v in range(t + 2, t + 2 + c):
                        j = stream[v]
                        if cnt[j] >= need8:
                            ev[j] += w
                for u in range(crc[x], crc[x + 1]):
                    t = crec[u]
                    c = cstream[t + 1] & 255
                    for v in range(t + 2, t + 2 + c):
                        j = cstream[v]
                        if cnt[j] >= need8:
                            ch[j] += 1
            first = no
            for t in range(nt):
                j = touched[t]
                h = np.int64(cnt[j])
                if h == 255:
                    h += over[j]
                    over[j] = 0
                cnt[j] = 0
                if h < need8:
                    continue
                e, c = ev[j], ch[j]
                ev[j] = 0.0
                ch[j] = 0
                if verify:
                    if h < min_hits:
                        continue
                    if not (e >= min_score - EVIDENCE_EPS or c >= chain_alone):
                        continue
                    if e < min_exclusive * h - EVIDENCE_EPS:
                        continue
                    if c < min_chains and e < strong - EVIDENCE_EPS:
                        smaller = min(pass_count[i], pass_count[j])
                        cont = min(1.0, h / max(smaller, 1.0))
                        if cont < gate:
                            continue
                if no == len(o_code):
                    o_code = _grow(o_code, no + 1)
                    o_hits = _grow(o_hits, no + 1)
                    o_ev = _grow(o_ev, no + 1)
                    o_ch = _grow(o_ch, no + 1)
                o_code[no] = i * n + j
                o_hits[no] = h
                o_ev[no] = e
                o_ch[no] = c
                no += 1
            if no - first > 1:  # this document's pairs in ascending order
                o = np.argsort(o_code[first:no]) + first
                o_code[first:no] = o_code[o]
                o_hits[first:no] = o_hits[o]
                o_ev[first:no] = o_ev[o]
                o_ch[first:no] = o_ch[o]
    return o_code[:no].copy(), o_hits[:no].copy(), o_ev[:no].copy(), o_ch[:no].copy()

_M32 = np.uint64(0xFFFFFFFF)
_K_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_K_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_K_MIX3 = np.uint64(0x94D049BB133111EB)
_K_SAMPLE = np.uint64(0x9E3779B1)


@_jit
def _mix64(x):
    x = x ^ (x >> np.uint64(30))
    x = x * _K_MIX2
    x = x ^ (x >> np.uint64(27))
    x = x * _K_MIX3
    return x ^ (x >> np.uint64(31))


@_jit
def passage_keys(ck, cd, window, below, chain_below, chain_gap, high):
    """Passage and chain keys ``fingerprint << 24 | doc`` of content-word keys
    (the loop form of the passage view of :func:`dedup.candidates.sketch_documents`).

    Args:
        ck: uint32 stem keys of the content words, documents in order.
        cd: int64 document of each content word (non-decreasing).
        window: Largest word distance of a pair.
        below: uint32 sampling bound (a pair is kept when
            ``(a + b) * 0x9E3779B1 mod 2**32 < below``).
        chain_below: uint64 sampling bound of the chain fingerprints.
        chain_gap: Largest content-word distance per step of a chain.
        high: uint64 mask of the fingerprint bits.

    Returns:
        ``(passage_keys, chain_keys)``, uint64, unsorted but in document
        order (documents ascending), with repeats.
    """
    m = len(ck)
    # upper bounds (pages never written stay virtual): a key per word and
    # distance, at most two chains per key
    fk = np.empty(m * window + 1, np.uint64)
    xk = np.empty(2 * m * window + 1, np.uint64)
    nf = 0
    nx = 0
    below64 = np.uint64(below)
    # per distance: the last two sampled pairs (position, fingerprint, doc)
    i1 = np.full(window + 1, -1, np.int64)
    i2 = np.full(window + 1, -1, np.int64)
    f1 = np.zeros(window + 1, np.uint64)
    f2 = np.zeros(window + 1, np.uint64)
    d1 = np.full(window + 1, -1, np.int64)
    d2 = np.full(window + 1, -1, np.int64)
    for i in range(m):
        d = cd[i]
        a = np.uint64(ck[i])
        du = np.uint64(d)
        for dist in range(1, window + 1):
            k = i + dist
            if k >= m or cd[k] != d:
                break
            b = np.uint64(ck[k])
            if a == b or ((((a + b) & _M32) * _K_SAMPLE) & _M32) >= below64:
                continue
            lo = a if a < b else b
            hi = b if a < b else a
            fp = _mix64((lo << np.uint64(32)) | hi)
            fk[nf] = (fp & high) | du
            nf += 1
            if d1[dist] == d and i - i1[dist] <= chain_gap:
                ch = _mix64((f1[dist] * _K_MIX1) ^ fp ^ np.uint64(1))
                if ch < chain_below:
                    xk[nx] = (ch & high) | du
                    nx += 1
            if d2[dist] == d and i - i2[dist] <= 2 * chain_gap:
                ch = _mix64((f2[dist] * _K_MIX1) ^ fp ^ np.uint64(2))
                if ch < chain_below:
                    xk[nx] = (ch & high) | du
                    nx += 1
            i2[dist] = i1[dist]
            f2[dist] = f1[dist]
            d2[dist] = d1[dist]
            i1[dist] = i
            f1[dist] = fp
            d1[dist] = d
    return fk[:nf], xk[:nx]


@_jit
def content_words(key, doc, kind, min_kind):
    """Keys and documents of the tokens of kind ``min_kind`` or more, in
    order (``key[kind >= min_kind]``, ``doc[kind >= min_kind]`` in one pass).

    Args:
        key: uint32 stem key of every token.
        doc: int64 document of every token.
        kind: int8 kind of every token (:mod:`dedup.featurise`).
        min_kind: Smallest kind kept.

    Returns:
        ``(keys, docs)``: uint32 and int64 arrays.
    """
    n = len(kind)
    ck = np.empty(n, np.uint32)
    cd = np.empty(n, np.int64)
    m = 0
    for i in range(n):
        if kind[i] >= min_kind:
            ck[m] = key[i]
            cd[m] = doc[i]
            m += 1
    return ck[:m].copy(), cd[:m].copy()


@_jit
def doc_counts(keys, low_mask, n):
    """Keys per document, the document being ``key & low_mask``
    (``np.bincount(keys & low_mask, minlength=n)`` without the temporaries).

    Args:
        keys: uint64 keys.
        low_mask: uint64 mask of the document bits.
        n: Documents.

    Returns:
        int64 counts, one per document.
    """
    out = np.zeros(n, np.int64)
    for x in keys:
        out[np.intp(x & low_mask)] += 1
    return out


@_jit
def sort_distinct_by_high_bits(keys, low_bits):
    """Sorted distinct uint64 keys, for keys already in ascending order of
    their low ``low_bits`` bits (e.g. document ids, documents in order).

    A stable LSD radix sort on the top 24 bits (two 12-bit passes, their
    counts taken in one read; the input order of the low bits is kept inside
    equal top bits), then an insertion pass on the whole key that finishes
    the order -- keys sharing their top 24 bits but not their fingerprint are
    rare, so it moves little -- and drops repeats. ``keys`` is consumed (used
    as a work buffer). Two 12-bit passes measured about 20% faster than three
    8-bit ones on the merge's buckets of about 2M keys (4096 counters still
    sit in the L1 cache).
    """
    n = len(keys)
    src = keys
    dst = np.empty(n, np.uint64)
    base = max(low_bits, 40)  # bits sorted by the radix passes: [base, 64)
    width = 64 - base
    passes = (width + 11) // 12
    bits = (width + passes - 1) // passes if passes else 0
    mask = np.uint64((1 << bits) - 1)
    c = np.zeros((max(passes, 1), (1 << bits) + 1), np.int64)
    for t in range(n):
        v = src[t]
        for p in range(passes):
            c[p, np.intp((v >> np.uint64(base + p * bits)) & mask) + 1] += 1
    for p in range(passes):
        cp = c[p]
        for b in range(1 << bits):
            cp[b + 1] += cp[b]
        sh = np.uint64(base + p * bits)
        for t in range(n):
            v = src[t]
            b = np.intp((v >> sh) & mask)
            dst[cp[b]] = v
            cp[b] += 1
        src, dst = dst, src
    # insertion sort (nearly sorted input) with repeats dropped on the way
    out = 0
    for t in range(n):
        v = src[t]
        k = out
        while k > 0 and src[k - 1] > v:
            k -= 1
        if k > 0 and src[k - 1] == v:
            continue
        for u in range(out, k, -1):
            src[u] = src[u - 1]
        src[k] = v
        out += 1
    return src[:out]


@_jit
def _fmix32(h):
    h = h ^ (h >> np.uint64(16))
    h = (h * np.uint64(0x85EBCA6B)) & _M32
    h = h ^ (h >> np.uint64(13))
    h = (h * np.uint64(0xC2B2AE35)) & _M32
    return h ^ (h >> np.uint64(16))


@_jit
def shingle_minhash(wh, lengths, k, a, b):
    """MinHash signatures (datasketch ``affine32``) of the word ``k``-shingles
    of documents whose word hashes lie back to back: the shingle hashes of
    :func:`dedup.sketch.combine_shingles_flat` fed straight into the minima
    of :func:`dedup.sketch.signatures_flat`, without materialising them.

    Args:
        wh: uint64 word hashes, documents in order.
        lengths: int64 words per document.
        k: Shingle length (a shorter non-empty document: one shingle of all
            its words).
        a, b: uint32 permutation parameters.

    Returns:
        ``(len(lengths), len(a))`` uint32 signatures (empty documents: all
        ``0xFFFFFFFF``).
    """
    n = len(lengths)
    P = len(a)
    out = np.full((n, P), np.uint32(0xFFFFFFFF), np.uint32)
    a64 = a.astype(np.uint64)
    b64 = b.astype(np.uint64)
    mix = np.uint64(0x9E3779B97F4A7C15)
    mix2 = np.uint64(0xBF58476D1CE4E5B9)
    sig = np.empty(P, np.uint64)
    s = 0
    for d in range(n):
        L = lengths[d]
        if L == 0:
            continue
        kk = min(k, L)
        for p in range(P):
            sig[p] = _M32
        for t in range(L - kk + 1):
            acc = np.uint64(kk)
            for j in range(kk):
                acc = (acc ^ wh[s + t + j]) * mix
                acc ^= acc >> np.uint64(31)
            acc *= mix2
            acc ^= acc >> np.uint64(29)
            x = _fmix32(acc >> np.uint64(32))
            for p in range(P):
                v = (a64[p] * x + b64[p]) & _M32
                if v < sig[p]:
                    sig[p] = v
        for p in range(P):
            out[d, p] = np.uint32(sig[p])
        s += L
    return out


@_jit
def runs_of_keys(keys, n, cap, low_bits):
    """Inverted lists of fingerprint keys ``fingerprint << low_bits | doc``
    (the loop form of :func:`dedup.candidates._runs` after a sort).

    Args:
        keys: uint64 keys, distinct, in an order where the keys of one
            fingerprint come by ascending document (e.g. sorted pieces of
            consecutive partitions, one after the other); consumed.
        n: Documents.
        cap: Largest group kept; larger groups count in ``common``.
        low_bits: Document bits.

    Returns:
        ``(members, sizes, common)`` as :class:`dedup.candidates.Runs`.
    """
    return runs_of_sorted(sort_distinct_by_high_bits(keys, low_bits), n, cap, low_bits)


@_jit
def runs_of_sorted(srt, n, cap, low_bits):
    """:func:`runs_of_keys` of keys already sorted and distinct (not modified)."""
    m = len(srt)
    lb = np.uint64(low_bits)
    mask = (np.uint64(1) << lb) - np.uint64(1)
    common = np.zeros(n, np.int64)
    members = np.empty(m, np.int32)
    sizes = np.empty(m // 2 + 1, np.uint8)  # at most cap <= 63
    nm = 0
    ns = 0
    t = 0
    while t < m:
        f = srt[t] >> lb
        e = t + 1
        while e < m and (srt[e] >> lb) == f:
            e += 1
        size = e - t
        if size > cap:
            for u in range(t, e):
                common[np.intp(srt[u] & mask)] += 1
        elif size >= 2:
            for u in range(t, e):
                members[nm] = np.int32(srt[u] & mask)
                nm += 1
            sizes[ns] = size
            ns += 1
        t = e
    return members[:nm].copy(), sizes[:ns].copy(), common

# ------------------------------------------------------------ tokeniser ---

@_jit
def _is_word(c):
    return c >= 0x80 or (0x30 <= c <= 0x39) or (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A)


@_jit
def _lower(c):
    return c + 32 if 0x41 <= c <= 0x5A else c


@_jit
def _map_starts(dstart, ds, nd, i, o):
    """Document starts ``dstart[nd:]`` at or before input position ``i`` (the
    output has ``o`` bytes so far) mapped to output positions in ``ds``;
    returns the next unmapped start."""
    while nd < len(dstart) and dstart[nd] <= i:
        ds[nd] = o - (i - dstart[nd])
        nd += 1
    return nd


@_jit
def _rule1(raw, dstart, fold):
    """Byte rule 1 of :mod:`dedup.featurise` (multi-byte normalisation) in
    one pass; returns the new bytes and document starts."""
    n = len(raw)
    out = np.empty(n, np.uint8)
    ds = np.empty(len(dstart), np.int64)
    nd = 0
    o = 0
    i = 0
    while i < n:
        nd = _map_starts(dstart, ds, nd, i, o)
        c = raw[i]
        if c == 0xE2 and i + 2 < n and (raw[i + 1] == 0x80 or raw[i + 1] == 0x81):
            if raw[i + 1] == 0x80 and raw[i + 2] == 0x99:
                out[o] = 0x27
                o += 1
            else:
                out[o] = 0x20
                out[o + 1] = 0x20
                out[o + 2] = 0x20
                o += 3
            i += 3
        elif (c == 0xC2 or c == 0xC3) and i + 1 < n and 0x80 <= raw[i + 1] <= 0xBF:
            if c == 0xC2:
                out[o] = 0x20
                out[o + 1] = 0x20
                o += 2
            else:
                out[o] = fold[raw[i + 1]]
                o += 1
            i += 2
        else:
            out[o] = c
            o += 1
            i += 1
    ds[nd:] = o  # starts past the end of the input
    return out[:o], ds


@_jit
def _rule2(b, dstart):
    """Byte rule 2 (apostrophes, dots and commas inside words) in one pass;
    decisions look at the input bytes, as in the numpy implementation."""
    n = len(b)
    out = np.empty(n, np.uint8)
    ds = np.empty(len(dstart), np.int64)
    nd = 0
    o = 0
    i = 0
    while i < n:
        nd = _map_starts(dstart, ds, nd, i, o)
        c = b[i]
        if 0 < i < n - 1:
            if c == 0x27 or c == 0x2E:
                if _is_word(b[i - 1]) and _is_word(b[i + 1]):
                    if c == 0x27 and (b[i + 1] == 0x73 or b[i + 1] == 0x53) and (i + 2 >= n or not _is_word(b[i + 2])):
                        i += 2  # possessive 's: both go
                    else:
                        i += 1
                    continue
            elif c == 0x2C:
                if 0x30 <= b[i - 1] <= 0x39 and 0x30 <= b[i + 1] <= 0x39:
                    i += 1
                    continue
        out[o] = c
        o += 1
        i += 1
    ds[nd:] = o  # starts past the end of the input
    return out[:o], ds


@_jit
def tokenise_bytes(raw, dstart, fold, min_len, seed_mix, p, stem_prefix, stop_table, stop_bits):
    """The tokeniser of :func:`dedup.featurise.tokenise` as byte loops.

    Args:
        raw: uint8 UTF-8 of the documents, each followed by ``\\n\\n``.
        dstart: int64 start offset of each document in ``raw``.
        fold: uint8 table folding the second byte of a Latin-1 letter.
        min_len, stem_prefix: As :func:`dedup.featurise.tokenise`.
        seed_mix: uint64 seed term of the hash.
        p: uint64 multiplier of the polynomial hash.
        stop_table, stop_bits: The direct-mapped stopword table.

    Returns:
        ``(kind, h64, key, cap, sent_start, doc)`` arrays, one entry per token.
    """
    b, ds = _rule1(raw, dstart, fold)
    b, ds = _rule2(b, ds)
    n = len(b)
    cap_t = n // 2 + 1  # at most one token per two bytes (pages never written stay virtual)
    kind = np.empty(cap_t, np.int8)
    h64 = np.empty(cap_t, np.uint64)
    key = np.empty(cap_t, np.uint32)
    cap = np.empty(cap_t, np.bool_)
    sent = np.empty(cap_t, np.bool_)
    doc = np.empty(cap_t, np.int64)
    word = np.zeros(256, np.bool_)
    low1 = np.empty(256, np.uint64)  # lower(byte) + 1: the digit of the polynomial hash
    for c in range(256):
        word[c] = _is_word(c)
        low1[c] = _lower(c) + 1
    ph = np.empty(stem_prefix + 1, np.uint64)  # hashes of the prefixes a stem may have
    nt = 0
    cur = -1
    nd = len(ds)
    pending = False
    stop_shift = np.uint64(64 - stop_bits)
    i = 0
    while i < n:
        c = b[i]
        if not word[c]:
            if i + 1 < n:
                nb = b[i + 1]
                if c == 0x0A:
                    if nb == 0x20 or nb == 0x09 or nb == 0x0D or nb == 0x0A or nb == 0x0B or nb == 0x0C:
                        pending = True
                elif c == 0x2E or c == 0x21 or c == 0x3F:
                    if (nb == 0x20 or nb == 0x09 or nb == 0x0D or nb == 0x0A or nb == 0x22 or nb == 0x27
                            or nb == 0x29 or nb == 0x5D or nb == 0x0B or nb == 0x0C):
                        pending = True
            i += 1
            continue
        start = i
        hh = np.uint64(0)
        pw = np.uint64(1)
        while i < n and word[b[i]]:
            if i - start <= stem_prefix:
                ph[i - start] = hh
            hh += low1[b[i]] * pw
            pw *= p
            i += 1
        tlen = i - start
        if tlen <= stem_prefix:
            ph[tlen] = hh
        h = _mix64(hh ^ seed_mix ^ (np.uint64(tlen) << np.uint64(56)))
        opened = pending
        while cur + 1 < nd and ds[cur + 1] <= start:
            cur += 1
            opened = True
        pending = False
        first = b[start]
        is_num = 0x30 <= first <= 0x39
        if is_num:
            hs = h
        else:
            end = start + tlen
            l1 = _lower(b[end - 1])
            l2 = _lower(b[end - 2])
            l3 = _lower(b[max(end - 3, 0)])
            cut = 0
            if l3 == 0x69 and l2 == 0x6E and l1 == 0x67 and tlen >= 6:
                cut = 3
            elif tlen >= 5 and ((l2 == 0x65 and (l1 == 0x64 or l1 == 0x73)) or (l2 == 0x6C and l1 == 0x79)):
                cut = 2
            elif l1 == 0x73 and l2 != 0x73 and tlen >= 4:
                cut = 1
            sl = tlen - cut
            if sl >= 4 and _lower(b[start + sl - 1]) == 0x65:
                sl -= 1
            sl = min(sl, stem_prefix)
            hs = h if sl == tlen else _mix64(ph[sl] ^ seed_mix ^ (np.uint64(sl) << np.uint64(56)))
        stop = stop_table[np.intp(h >> stop_shift)] == h or tlen < 2
        if is_num:
            k = 2
        elif stop:
            k = 1
        elif tlen >= min_len:
            k = 4
        else:
            k = 3
        kind[nt] = k
        h64[nt] = h
        key[nt] = np.uint32(hs >> np.uint64(32))
        cap[nt] = 0x41 <= first <= 0x5A
        sent[nt] = opened
        doc[nt] = cur
        nt += 1
    return kind[:nt], h64[:nt], key[:nt], cap[:nt], sent[:nt], doc[:nt]


def warm_up(pairs: bool = True) -> None:
    """Compile (or load from the cache) the kernels now, on tiny inputs.

    Call it before forking worker processes: they inherit the machine code
    instead of each compiling it. The kernels are reached through the same
    calls the candidate stage makes, so they get the same argument types.
    Does nothing without numba.

    Args:
        pairs: Also the kernels of the parent's steps (the merge of the
            partitions' keys and the pair counting); without it only those
            the sketching workers use, so a parent can load the rest while
            its workers sketch.
    """
    if not HAVE_NUMBA:
        return
    from dedup.candidates import CandidateConfig, PassagePairStage, merge_runs, sketch_documents

    text = "Warm up the kernels now. It's 1,000\u2019s of words in a row. " * 3
    cfg = CandidateConfig()
    sk = sketch_documents([text, text], cfg, fast=True)
    if pairs:
        merge_runs([sk.pass_key], [0], sk.n_docs, cfg.passage_max_df, fast=True)
        stage = PassagePairStage.from_sketches(sk, cfg, True, fast=True)
        stage.run(0)
