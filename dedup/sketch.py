"""MinHash signatures, vectorised with numpy and hashed with xxhash.

Signatures are bit-for-bit compatible with datasketch 2.x's ``"affine32"``
scheme: given the same 32-bit input hashes, ``num_perm`` and ``seed``,
:func:`signatures` returns exactly ``datasketch.MinHash(num_perm, seed,
hashfunc=..., scheme="affine32")`` after ``update``-ing every hash, so
``datasketch.MinHash(num_perm=n, seed=s, hashvalues=sig, scheme="affine32")``
can be used with datasketch's LSH indexes.

The scheme (see ``datasketch/minhash.py``):

* permutation parameters come from ``np.random.RandomState(seed)``:
  ``a = randint(0, 2**31, num_perm, uint32) * 2 + 1`` (odd), then
  ``b = randint(0, 2**32, num_perm, uint32)``;
* each input hash ``h`` (uint32) is pre-mixed once with the MurmurHash3 32-bit
  finalizer ``fmix32``;
* permutation ``k`` maps it to ``a[k] * fmix32(h) + b[k] mod 2**32`` and the
  signature keeps the minimum over the set.

Hashing of features (this module's choice, not datasketch's):

* :func:`hash_strings` — ``xxhash.xxh32_intdigest(s.encode("utf-8"), seed)``,
  a 32-bit hash per string (one call per *distinct* string, memoised).
* :func:`shingle_hashes` — word k-shingles without building shingle strings:
  each word gets ``xxhash.xxh3_64_intdigest(word.encode("utf-8"), seed)``
  (memoised per distinct word); the k word hashes of a shingle are combined in
  uint64 with a vectorised multiply/xor-shift mix and the **high 32 bits** are
  kept. Order matters ("a b" != "b a").

Empty sets: the signature of an empty set is all ``0xFFFFFFFF`` — exactly what
datasketch's freshly built (empty) MinHash holds (``MinHash.is_empty()`` is
True for it). Use :func:`empty_rows` to find them; two empty signatures would
"agree" on every permutation, so callers doing LSH must drop them (as
:mod:`dedup.candidates` does).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import xxhash

__all__ = [
    "SketchConfig",
    "EMPTY_VALUE",
    "permutations",
    "fmix32",
    "hash_strings",
    "shingle_hashes",
    "signatures",
    "signatures_flat",
    "combine_shingles_flat",
    "signature",
    "signature_reference",
    "empty_rows",
    "jaccard_estimate",
    "pairwise_jaccard_estimate",
    "containment_from_jaccard",
]

#: Value of every slot in the signature of an empty set (datasketch's "empty").
EMPTY_VALUE = np.uint32(0xFFFFFFFF)

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
# Work-block size for :func:`signatures`: at most this many uint32 values of
# the (hashes x permutations) product are materialised at once (4 MiB: small
# blocks stay in cache, which is ~30x faster than one big product).
_BLOCK_CELLS = 1 << 20


@dataclass(frozen=True)
class SketchConfig:
    """Parameters of a MinHash signature.

    Args:
        num_perm: Number of permutations (signature length). datasketch's
            default is 128.
        seed: Seed of the permutation parameters (datasketch's ``seed``).
        hash_seed: Seed given to xxhash when hashing features into 32-bit
            values (independent of ``seed``).
    """

    num_perm: int = 128
    seed: int = 1
    hash_seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.num_perm, (int, np.integer)) or self.num_perm < 1:
            raise ValueError(f"SketchConfig.num_perm must be a positive integer, got {self.num_perm!r}")
        if not isinstance(self.seed, (int, np.integer)) or not 0 <= self.seed < 2**32:
            raise ValueError(f"SketchConfig.seed must be an integer in [0, 2**32), got {self.seed!r}")
        if not isinstance(self.hash_seed, (int, np.integer)) or not 0 <= self.hash_seed < 2**32:
            raise ValueError(f"SketchConfig.hash_seed must be an integer in [0, 2**32), got {self.hash_seed!r}")


@lru_cache(maxsize=64)
def _permutations_cached(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def permutations(config: SketchConfig) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutation parameters datasketch derives for ``config``.

    Args:
        config: Signature parameters (``num_perm`` and ``seed`` matter).

    Returns:
        ``(a, b)``: two read-only uint32 arrays of length ``num_perm``; ``a``
        is odd. Equal to ``datasketch.MinHash(num_perm, seed,
        scheme="affine32").permutations``.
    """
    return _permutations_cached(int(config.num_perm), int(config.seed))


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (a bijection on uint32).

    Args:
        h: Array of uint32 values.

    Returns:
        A new uint32 array of the same shape.
    """
    h = np.asarray(h, dtype=np.uint32)
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


# ---------------------------------------------------------------- hashing ---

@lru_cache(maxsize=1 << 20)
def _xxh32(s: str, seed: int) -> int:
    return xxhash.xxh32_intdigest(s.encode("utf-8"), seed)


@lru_cache(maxsize=1 << 20)
def _xxh64(s: str, seed: int) -> int:
    return xxhash.xxh3_64_intdigest(s.encode("utf-8"), seed)


def hash_strings(items: Iterable[str], seed: int = 0) -> np.ndarray:
    """Hash strings to 32-bit values with ``xxhash.xxh32_intdigest``.

    Args:
        items: Strings (features: words, stems, keys...). Duplicates are kept;
            they do not change a MinHash.
        seed: xxhash seed.

    Returns:
        uint32 array, one hash per item, in order.
    """
    return np.fromiter((_xxh32(s, seed) for s in items), dtype=np.uint32)


_MIX_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX_MUL2 = np.uint64(0xBF58476D1CE4E5B9)


def shingle_hashes(words: Sequence[str], k: int = 5, seed: int = 0) -> np.ndarray:
    """32-bit hashes of the word k-shingles of a word sequence.

    Each distinct word is hashed once with ``xxh3_64``; shingles are combined
    from the word hashes in numpy (no shingle strings are built).

    Args:
        words: Normalised words of one document, in order.
        k: Shingle length in words (>= 1).
        seed: xxhash seed.

    Returns:
        uint32 array of ``len(words) - k + 1`` shingle hashes (duplicates
        kept). A non-empty document shorter than ``k`` words yields a single
        shingle made of all its words; an empty one yields an empty array.
    """
    if k < 1:
        raise ValueError(f"shingle length k must be >= 1, got {k}")
    n = len(words)
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    wh = np.fromiter((_xxh64(w, seed) for w in words), dtype=np.uint64, count=n)
    return _combine_shingles(wh, k)


def _combine_shingles(wh: np.ndarray, k: int) -> np.ndarray:
    n = len(wh)
    kk = min(k, n)
    m = n - kk + 1
    acc = np.full(m, np.uint64(kk), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(kk):
            acc = (acc ^ wh[j:j + m]) * _MIX_MUL
            acc ^= acc >> np.uint64(31)
        acc *= _MIX_MUL2
        acc ^= acc >> np.uint64(29)
    return (acc >> np.uint64(32)).astype(np.uint32)


def combine_shingles_flat(word_hashes: np.ndarray, lengths: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of many documents whose word hashes lie back to back.

    Gives, per document, exactly :func:`shingle_hashes` of its words (a
    document shorter than ``k`` words: one shingle of all of them).

    Args:
        word_hashes: uint64 word hashes (``xxh3_64`` of the normalised word),
            documents concatenated.
        lengths: Words per document.
        k: Shingle length (>= 1).

    Returns:
        ``(hashes, counts)``: uint32 shingle hashes of all documents in order
        and the number per document.
    """
    if k < 1:
        raise ValueError(f"shingle length k must be >= 1, got {k}")
    lengths = np.asarray(lengths, dtype=np.int64)
    wh = np.asarray(word_hashes, dtype=np.uint64)
    counts = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    if len(wh) < k:
        full = np.empty(0, dtype=np.uint32)
    else:
        full = _combine_shingles(wh, k)  # every start position of the flat array
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # keep starts p with p + k <= end of p's document: the last k - 1 start
    # positions of every document (clipped to the document) are dropped
    if len(full):
        ok = np.ones(len(full), dtype=bool)
        if k > 1:
            back = np.arange(1, k, dtype=np.int64)
            bad = (ends[:, None] - back[None, :])
            bad = bad[(bad >= starts[:, None]) & (bad < len(full))]
            ok[bad] = False
        out = full[ok]
    else:
        out = full
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if len(short):  # rare: tiny documents, one shingle each, spliced in place
        parts, prev = [], 0
        cum = np.cumsum(counts)
        for d in short.tolist():
            at = int(cum[d] - 1)
            before = at - (int(np.count_nonzero(short < d)))  # position in ``out``
            parts.append(out[prev:before])
            parts.append(_combine_shingles(wh[starts[d]:ends[d]], k))
            prev = before
        parts.append(out[prev:])
        out = np.concatenate(parts)
    return out, counts


# ------------------------------------------------------------- signatures ---

def _as_hash_array(h, idx: int) -> np.ndarray:
    arr = np.asarray(h)
    if arr.ndim != 1:
        raise ValueError(f"hashed set #{idx} must be a 1-D array of 32-bit hashes, got shape {arr.shape}")
    if arr.dtype == np.uint32:
        return arr
    if arr.size == 0:
        return arr.astype(np.uint32)
    if arr.dtype.kind not in "iu":
        raise ValueError(
            f"hashed set #{idx} has dtype {arr.dtype}; pass uint32 hashes "
            "(e.g. from dedup.sketch.hash_strings or shingle_hashes)"
        )
    if int(arr.min()) < 0 or int(arr.max()) > _M32:
        raise ValueError(
            f"hashed set #{idx} has values outside [0, 2**32); hash features to 32 bits "
            "(e.g. with dedup.sketch.hash_strings) before computing signatures"
        )
    return arr.astype(np.uint32)


def signatures(hashed_sets: Sequence[np.ndarray], config: SketchConfig | None = None) -> np.ndarray:
    """MinHash signatures of many sets at once (datasketch ``affine32``).

    All hashes are concatenated and handed to :func:`signatures_flat` — no
    per-hash Python loop.

    Args:
        hashed_sets: One uint32 array of feature hashes per set (duplicates
            allowed). Other integer dtypes are accepted if every value fits in
            32 bits.
        config: Signature parameters (default :class:`SketchConfig()`).

    Returns:
        uint32 array of shape ``(len(hashed_sets), num_perm)``. Row ``i``
        equals ``datasketch.MinHash(num_perm, seed, scheme="affine32")``'s
        ``hashvalues`` after updating it with every hash of set ``i``. Rows of
        empty sets are all ``EMPTY_VALUE`` (0xFFFFFFFF).
    """
    config = config or SketchConfig()
    n = len(hashed_sets)
    if n == 0:
        return np.full((0, int(config.num_perm)), EMPTY_VALUE, dtype=np.uint32)
    arrays = [_as_hash_array(h, i) for i, h in enumerate(hashed_sets)]
    lengths = np.fromiter((len(x) for x in arrays), dtype=np.int64, count=n)
    flat = np.concatenate(arrays) if lengths.sum() else np.empty(0, dtype=np.uint32)
    return signatures_flat(flat, lengths, config)


def signatures_flat(hashes: np.ndarray, lengths: np.ndarray, config: SketchConfig | None = None) -> np.ndarray:
    """MinHash signatures of sets stored back to back in one array.

    The hashes are pre-mixed with :func:`fmix32`, permuted in blocks of
    ``(permutations x hashes)`` (cache-sized) and reduced per set with
    ``np.minimum.reduceat``.

    Args:
        hashes: uint32 feature hashes of all sets, concatenated in set order.
        lengths: Number of hashes of each set (``lengths.sum() == len(hashes)``).
        config: Signature parameters (default :class:`SketchConfig()`).

    Returns:
        ``(len(lengths), num_perm)`` uint32 signatures, as :func:`signatures`.
    """
    config = config or SketchConfig()
    a, b = permutations(config)
    P = int(config.num_perm)
    lengths = np.asarray(lengths, dtype=np.int64)
    hashes = np.asarray(hashes)
    if hashes.dtype != np.uint32:
        hashes = _as_hash_array(hashes, 0)
    if lengths.ndim != 1 or int(lengths.sum()) != len(hashes) or (len(lengths) and lengths.min() < 0):
        raise ValueError(f"lengths must be non-negative set sizes summing to len(hashes) ({len(hashes)}), "
                         f"got a sum of {int(lengths.sum())}")
    n = len(lengths)
    out = np.full((n, P), EMPTY_VALUE, dtype=np.uint32)
    nonempty = np.flatnonzero(lengths)
    if nonempty.size == 0:
        return out
    allh = fmix32(hashes)
    lens = lengths[nonempty]
    ends = np.cumsum(lens)
    starts = ends - lens
    a_col = a[:, None]
    b_col = b[:, None]
    # Process consecutive groups of sets so that a block of the product never
    # exceeds _BLOCK_CELLS cells; a single huge set is split across columns.
    max_cols = max(1, _BLOCK_CELLS // P)
    buf = np.empty((P, max_cols), dtype=np.uint32)
    g0 = 0
    m = len(nonempty)
    while g0 < m:
        # largest g1 with ends[g1-1] - starts[g0] <= max_cols (at least one set)
        g1 = int(np.searchsorted(ends, starts[g0] + max_cols, side="right"))
        g1 = max(g1, g0 + 1)
        lo, hi = int(starts[g0]), int(ends[g1 - 1])
        if hi - lo <= max_cols:
            block = buf[:, : hi - lo]
            np.multiply(a_col, allh[lo:hi][None, :], out=block)  # (P, cols), wraps mod 2**32
            np.add(block, b_col, out=block)
            mins = np.minimum.reduceat(block, starts[g0:g1] - lo, axis=1)  # (P, g)
            out[nonempty[g0:g1]] = mins.T
        else:  # one set larger than a block: fold its chunks
            acc = np.full(P, EMPTY_VALUE, dtype=np.uint32)
            for c in range(lo, hi, max_cols):
                block = buf[:, : min(hi, c + max_cols) - c]
                np.multiply(a_col, allh[c:c + block.shape[1]][None, :], out=block)
                np.add(block, b_col, out=block)
                np.minimum(acc, block.min(axis=1), out=acc)
            out[nonempty[g0]] = acc
        g0 = g1
    return out


def signature(hashes: np.ndarray, config: SketchConfig | None = None) -> np.ndarray:
    """MinHash signature of one set; see :func:`signatures`.

    Args:
        hashes: uint32 feature hashes.
        config: Signature parameters.

    Returns:
        uint32 array of length ``num_perm``.
    """
    return signatures([hashes], config)[0]


def signature_reference(hashes: Iterable[int], config: SketchConfig | None = None) -> list[int]:
    """Slow, obviously correct MinHash (plain Python ints), for tests.

    Args:
        hashes: 32-bit feature hashes.
        config: Signature parameters.

    Returns:
        ``num_perm`` Python ints; all ``0xFFFFFFFF`` for an empty set.
    """
    config = config or SketchConfig()
    a, b = permutations(config)
    a_l = [int(x) for x in a]
    b_l = [int(x) for x in b]
    sig = [_M32] * len(a_l)
    for h in hashes:
        h = int(h)
        if not 0 <= h <= _M32:
            raise ValueError(f"hash {h} does not fit in 32 bits")
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & _M32
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & _M32
        h ^= h >> 16
        for k in range(len(sig)):
            v = (a_l[k] * h + b_l[k]) & _M32
            if v < sig[k]:
                sig[k] = v
    return sig


def empty_rows(sigs: np.ndarray) -> np.ndarray:
    """Boolean mask of signatures of empty sets (every slot ``EMPTY_VALUE``).

    Args:
        sigs: ``(n, num_perm)`` uint32 signatures.

    Returns:
        ``(n,)`` bool array.
    """
    sigs = np.asarray(sigs)
    if sigs.ndim != 2:
        raise ValueError(f"expected a 2-D (n, num_perm) signature array, got shape {sigs.shape}")
    return np.all(sigs == EMPTY_VALUE, axis=1)


def jaccard_estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the fraction of agreeing slots.

    Args:
        sig_a: Signature (length ``num_perm``).
        sig_b: Signature of the same length, same config.

    Returns:
        A float in [0, 1] (two empty sets give 1.0, as in datasketch).
    """
    sig_a = np.asarray(sig_a)
    sig_b = np.asarray(sig_b)
    if sig_a.shape != sig_b.shape or sig_a.ndim != 1:
        raise ValueError(
            f"signatures must be 1-D and of equal length, got shapes {sig_a.shape} and {sig_b.shape}"
        )
    return float(np.count_nonzero(sig_a == sig_b)) / float(len(sig_a))


def pairwise_jaccard_estimate(sigs: np.ndarray, i: np.ndarray, j: np.ndarray,
                              chunk: int = 1 << 16) -> np.ndarray:
    """Estimated Jaccard of many pairs of rows of one signature matrix.

    Args:
        sigs: ``(n, num_perm)`` signatures.
        i: Row indexes of the first members of the pairs.
        j: Row indexes of the second members (same length as ``i``).
        chunk: Pairs processed per step (bounds memory).

    Returns:
        float64 array of estimates, one per pair.
    """
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    if i.shape != j.shape:
        raise ValueError(f"i and j must have the same shape, got {i.shape} and {j.shape}")
    out = np.empty(len(i), dtype=np.float64)
    P = sigs.shape[1]
    for s in range(0, len(i), chunk):
        e = s + chunk
        out[s:e] = np.count_nonzero(sigs[i[s:e]] == sigs[j[s:e]], axis=1) / P
    return out


def containment_from_jaccard(jac: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Containment of the smaller set in the larger, from a Jaccard estimate.

    ``|A & B| = J / (1 + J) * (|A| + |B|)``, so the containment of the smaller
    set is that divided by ``min(|A|, |B|)`` (clipped to [0, 1]).

    Args:
        jac: Jaccard estimates.
        size_a: Sizes of the first sets (distinct features).
        size_b: Sizes of the second sets.

    Returns:
        float64 containment estimates; 0 where a set is empty.
    """
    jac = np.asarray(jac, dtype=np.float64)
    sa = np.asarray(size_a, dtype=np.float64)
    sb = np.asarray(size_b, dtype=np.float64)
    inter = jac / (1.0 + jac) * (sa + sb)
    small = np.minimum(sa, sb)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(small > 0, inter / np.where(small > 0, small, 1.0), 0.0)
    return np.clip(c, 0.0, 1.0)
