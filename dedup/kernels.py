"""Compiled inner loops (optional fast path; ``pip install dedup-spin[fast]``).

Each kernel here is a plain loop that `numba <https://numba.pydata.org>`_
compiles when it is installed (``HAVE_NUMBA``); the callers in
:mod:`dedup.candidates` then use it instead of their numpy reference
implementation, which stays the default without numba and which the tests
check the kernels against (``tests/test_kernels.py``). Without numba the
kernels still run as ordinary Python (slowly): the tests exercise their logic
either way.

Kernels are compiled once per machine (``cache=True`` keeps the machine code
next to this module, or under ``NUMBA_CACHE_DIR``); forked worker processes
inherit the compiled code.

Kernels:

* :func:`passage_pair_part` -- the pair counting of the passage view for one
  part (documents ``i`` with ``i % parts == part``): for each such document,
  the later members of every fingerprint run it belongs to are counted in
  dense per-document accumulators (hits, rarity-weighted evidence, shared
  chains), and the pairs passing the evidence tests are emitted. No pair
  occurrence is materialised or sorted (the numpy reference packs and sorts
  them all).
"""
from __future__ import annotations

import numpy as np

try:  # optional dependency: the ``fast`` extra
    import numba as _numba
except ImportError:  # pragma: no cover - depends on the environment
    _numba = None

__all__ = ["HAVE_NUMBA", "passage_pair_part", "EVIDENCE_EPS"]

#: True when numba is importable: the compiled kernels are used.
HAVE_NUMBA = _numba is not None

#: Evidence sums are compared with this tolerance (both implementations add
#: the same weights in different orders).
EVIDENCE_EPS = 1e-9


def _jit(fn):
    if _numba is None:
        return fn
    return _numba.njit(cache=True, nogil=True)(fn)


@_jit
def _doc_major(members, starts, sizes, n, parts, part):
    """Positions of the run members that start pairs in this part, grouped
    by document: ``(offsets, positions, remaining, df)``. ``remaining`` is the
    number of later members of the run, ``df`` the run size."""
    cnt = np.zeros(n + 1, np.int64)
    for r in range(len(starts)):
        s = starts[r]
        e = s + sizes[r]
        for m in range(s, e - 1):
            d = members[m]
            if d % parts == part:
                cnt[d + 1] += 1
    for d in range(n):
        cnt[d + 1] += cnt[d]
    total = cnt[n]
    pos = np.empty(total, np.int64)
    rem = np.empty(total, np.uint8)
    dfs = np.empty(total, np.uint8)
    cur = cnt[:n].copy()
    for r in range(len(starts)):
        s = starts[r]
        size = sizes[r]
        e = s + size
        for m in range(s, e - 1):
            d = members[m]
            if d % parts == part:
                k = cur[d]
                pos[k] = m
                rem[k] = e - m - 1
                dfs[k] = size
                cur[d] = k + 1
    return cnt, pos, rem, dfs


@_jit
def _grow(a, size):
    b = np.empty(max(2 * len(a), size, 16), a.dtype)
    b[: len(a)] = a
    return b


@_jit
def passage_pair_part(p_members, p_starts, p_sizes, c_members, c_starts, c_sizes, pass_count, n, parts, part,
                      verify, min_hits, min_score, chain_alone, min_exclusive, min_chains, strong, gate):
    """Verified passage pairs of one part (see the module docs).

    Args:
        p_members, p_starts, p_sizes: Passage-fingerprint runs (documents
            ascending inside a run; sizes at most 63).
        c_members, c_starts, c_sizes: Chain-fingerprint runs.
        pass_count: Shareable fingerprints per document (containment).
        n: Documents.
        parts, part: This part: first documents ``i % parts == part``.
        verify: Apply the evidence tests (else every pair is returned).
        min_hits ... gate: The thresholds of :meth:`PassagePairStage.run`.

    Returns:
        ``(codes, hits, evidence, chains)`` with codes ``i * n + j``
        (``i < j``) in ascending order.
    """
    off, pos, rem, dfs = _doc_major(p_members, p_starts, p_sizes, n, parts, part)
    coff, cpos, crem, cdfs = _doc_major(c_members, c_starts, c_sizes, n, parts, part)
    weight = np.empty(64, np.float64)
    for k in range(64):
        weight[k] = 1.0 / max(k - 1, 1)
    hits = np.zeros(n, np.int64)
    ev = np.zeros(n, np.float64)
    ch = np.zeros(n, np.int64)
    touched = np.empty(n, np.int64)
    o_code = np.empty(1024, np.int64)
    o_hits = np.empty(1024, np.int64)
    o_ev = np.empty(1024, np.float64)
    o_ch = np.empty(1024, np.int64)
    no = 0
    for i in range(n):
        a, b = off[i], off[i + 1]
        if a == b:
            continue
        nt = 0
        for k in range(a, b):
            m = pos[k]
            w = weight[dfs[k]]
            for q in range(m + 1, m + 1 + rem[k]):
                j = p_members[q]
                if hits[j] == 0:
                    touched[nt] = j
                    nt += 1
                hits[j] += 1
                ev[j] += w
        for k in range(coff[i], coff[i + 1]):
            m = cpos[k]
            for q in range(m + 1, m + 1 + crem[k]):
                j = c_members[q]
                if hits[j] > 0:
                    ch[j] += 1
        first = no
        for t in range(nt):
            j = touched[t]
            h, e, c = hits[j], ev[j], ch[j]
            hits[j] = 0
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
