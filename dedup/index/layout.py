"""Index parameters, posting keys and the byte encoding of stored sketches.

Everything a backend stores is derived here, so the SQLite and Redis backends
agree byte for byte:

* **Parameters** (:class:`IndexParams`): the candidate configuration the
  index was built with (views, permutations, bands/rows, seeds, floors,
  feature settings), the MinHash scheme (``affine32``), the format version
  and a *sketch fingerprint* (a hash of the posting keys of a fixed probe
  text, so a change in tokenisation or hashing code is detected even when no
  parameter changed). Stored as JSON; an index refuses to open with
  different ones.
* **Posting keys**: for every LSH band of every view a document (or, for the
  ``sentence`` view, one of its sentences) falls into, one signed 64-bit key
  mixing the band key of :func:`dedup.candidates.band_keys` with the view and
  band number. Two documents share a key exactly when ``dedup scan``'s
  banding puts them in the same bucket of that band.
* **Sketches**: the shingle and anchor signatures and the per-sentence
  signatures, as little-endian ``uint32`` bytes (``<u4``), for verification.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from dedup.candidates import (
    VIEWS,
    CandidateConfig,
    ViewConfig,
    band_keys,
    fingerprints_by_doc,
    sketch_documents,
    view_params,
)
from dedup.index.kernels import argsort_i64
from dedup.sketch import EMPTY_VALUE

_LITTLE = sys.byteorder == "little"

#: Version of the stored layout; bump on any incompatible change
#: (2: posting lists capped per key, stop keys; 3: postings in sorted segments;
#: 4: Redis document records packed in one string each, texts apart;
#: 5: passage fingerprints stored as postings only, not in document records;
#: segment parts with 2-byte id offsets).
FORMAT_VERSION = 5
#: MinHash scheme of :mod:`dedup.sketch` (datasketch's ``affine32``).
SCHEME = "affine32"

_PROBE = ("Fingerprint probe: The Ministry of Finance said on Tuesday that 1,250 "
          "companies reported unexpectedly strong quarterly earnings. Analysts in "
          "Frankfurt expected consolidation across manufacturing, shipping and "
          "telecommunications sectors before December. A spokeswoman declined "
          "to comment on negotiations with European regulators yesterday.")

_U64 = np.uint64
_MIXV = _U64(0xD6E8FEB86659FD93)
_MIX3 = _U64(0x94D049BB133111EB)


class DedupIndexError(Exception):
    """Base class of the index's errors (``dedup.index.IndexError``)."""


class CorruptIndexError(DedupIndexError):
    """The index file or database is damaged, truncated or not an index."""


class ParameterMismatchError(DedupIndexError):
    """The index was built with other parameters than the ones requested."""


# ------------------------------------------------------------ key caps ---

#: View numbers of posting keys (also used in the key mixing below).
VIEW_IDS = {"shingle": 0, "anchor": 1, "sentence": 2, "passage": 3}


def key_cap(view: str, config: CandidateConfig) -> int:
    """Documents a posting key may hold before it becomes a *stop key*.

    ``dedup scan`` drops features in too many documents of the corpus (the
    anchor document-frequency cap, ``passage_max_df``) and treats oversize
    LSH buckets as boilerplate (``max_bucket``). An incremental index never
    sees the corpus, so it caps each posting key instead: once ``cap``
    documents share a key the key is stopped, later documents are not filed
    under it and a look-up gets only its first (oldest) document (shingle and
    anchor views, like scan's oversize buckets) or nothing (passage and
    sentence views, like scan's dropped fingerprints / buckets).

    Caps: passage ``passage_max_df`` (exactly scan's rule: a fingerprint in
    that many documents never counts); other views
    ``min(anchor_max_df, max_bucket)``.
    """
    if view == "passage":
        return int(config.passage_max_df)
    return int(min(config.anchor_max_df, config.max_bucket))


# ------------------------------------------------------------ parameters ---

@dataclass(frozen=True)
class IndexParams:
    """What an index records about how it was built.

    Attributes:
        candidates: The candidate configuration (views, LSH bands/rows...).
        format_version: :data:`FORMAT_VERSION` at creation.
        scheme: :data:`SCHEME`.
        fingerprint: Hash of the posting keys of a fixed probe text.
    """

    candidates: CandidateConfig
    format_version: int = FORMAT_VERSION
    scheme: str = SCHEME
    fingerprint: str = ""

    @classmethod
    def for_config(cls, config: CandidateConfig) -> "IndexParams":
        return cls(config, FORMAT_VERSION, SCHEME, sketch_fingerprint(config))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description (also shown by ``stats()``): every field of
        the candidate configuration, plus each view's bands and rows."""
        c = self.candidates
        out: dict[str, Any] = {"format_version": self.format_version, "scheme": self.scheme,
                               "fingerprint": self.fingerprint}
        for f in dataclasses.fields(c):
            v = getattr(c, f.name)
            if isinstance(v, ViewConfig):
                d = dataclasses.asdict(v)
                d["bands"], d["rows"] = v.params()
                out[f.name] = d
            elif isinstance(v, tuple):
                out[f.name] = list(v)
            else:
                out[f.name] = v
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> "IndexParams":
        d = json.loads(raw)
        kw: dict[str, Any] = {}
        for f in dataclasses.fields(CandidateConfig):
            if f.name not in d:
                continue  # a field this index predates: keep the default (fingerprint decides)
            v = d[f.name]
            if isinstance(v, dict):
                v = ViewConfig(**v)
            elif isinstance(v, list):
                v = tuple(v)
            kw[f.name] = v
        return cls(CandidateConfig(**kw), int(d["format_version"]), str(d["scheme"]), str(d["fingerprint"]))


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def check_params(stored: IndexParams, wanted: IndexParams | None, where: str) -> None:
    """Raise :class:`ParameterMismatchError` when ``stored`` cannot serve ``wanted``.

    ``wanted`` None means "whatever the index has": only the format version,
    scheme and the sketch fingerprint (the code) must agree.
    """
    if stored.format_version != FORMAT_VERSION:
        raise ParameterMismatchError(
            f"{where}: index format version {stored.format_version}, this dedup reads version "
            f"{FORMAT_VERSION}; rebuild the index with this version (dedup index add NEW_INDEX PATH...)")
    if stored.scheme != SCHEME:
        raise ParameterMismatchError(f"{where}: index uses MinHash scheme {stored.scheme!r}, this dedup "
                                     f"uses {SCHEME!r}; rebuild the index")
    if wanted is not None:
        a, b = _flatten(stored.to_dict()), _flatten(wanted.to_dict())
        diff = [f"{k}: index has {a.get(k)!r}, config has {b.get(k)!r}"
                for k in sorted(set(a) | set(b)) if k != "fingerprint" and a.get(k) != b.get(k)]
        if diff:
            raise ParameterMismatchError(
                f"{where}: index was built with different parameters ({'; '.join(diff)}); "
                "open it with config=None (or a Config whose candidates match the index), "
                "or rebuild the index with the new config in a new location")
    current = sketch_fingerprint(stored.candidates)
    if stored.fingerprint != current:
        raise ParameterMismatchError(
            f"{where}: the sketching code changed since the index was built (sketch fingerprint "
            f"{stored.fingerprint} != {current}): stored keys would not match new ones; "
            "rebuild the index with this version of dedup")


def sketch_fingerprint(config: CandidateConfig) -> str:
    """Hash of the posting keys and signatures of a fixed probe text."""
    sk = sketch([_PROBE, _PROBE[::-1]], config)
    h = hashlib.sha256()
    for keys in posting_keys(sk, config):
        h.update(np.sort(keys).tobytes())
    h.update(np.ascontiguousarray(sk.sent_sig).astype("<u4").tobytes())
    for c in sk.chain_feat:
        h.update(np.ascontiguousarray(c).astype("<u8").tobytes())
    return h.hexdigest()[:16]


# -------------------------------------------------------------- sketching ---

@dataclass
class Sketches:
    """What the index keeps of a batch of documents (all numpy).

    Built from :func:`dedup.candidates.sketch_documents` (so features, hashes
    and signatures are those of ``dedup scan``). One difference: the anchor
    signatures are made over each document's full anchor set, without scan's
    corpus-wide document-frequency cap (an incremental index never sees the
    whole corpus; the cap only removes anchors found in more than
    ``anchor_max_df`` documents).
    """

    n_docs: int
    shingle_sig: np.ndarray   # (n, P) or (n, 0)
    anchor_sig: np.ndarray    # (n, P) or (n, 0)
    sent_sig: np.ndarray      # (m, P)
    sent_count: np.ndarray    # (n,)
    pass_feat: list           # n arrays of uint64 passage fingerprints
    chain_feat: list | None = None  # n arrays of uint64 chain fingerprints (passage view)

    def __post_init__(self) -> None:
        if self.chain_feat is None:
            self.chain_feat = [np.empty(0, np.uint64)] * self.n_docs


def _views(config: CandidateConfig) -> tuple[str, ...]:
    return tuple(v for v in VIEWS if v in config.views)


def sketch(texts: list[str], config: CandidateConfig) -> Sketches:
    """Sketch a batch of texts with the candidates API."""
    sk = sketch_documents(texts, config)
    n = sk.n_docs
    views = config.views
    if hasattr(sk, "anchor_sig"):
        an = sk.anchor_sig
    elif "anchor" in views:
        from dedup.sketch import signatures_flat
        an = signatures_flat(sk.anchor_keys, sk.anchor_count, config.anchor.sketch())
    else:
        an = np.empty((n, 0), dtype=np.uint32)
    if "anchor" not in views:
        an = np.empty((n, 0), dtype=np.uint32)
    if "passage" in views and hasattr(sk, "pass_key"):
        pf = fingerprints_by_doc(sk.pass_key, n)
        cf = fingerprints_by_doc(sk.reg_key, n)
    else:
        pf = [np.empty(0, np.uint64)] * n
        cf = [np.empty(0, np.uint64)] * n
    sent_sig = sk.sent_sig if "sentence" in views else np.empty((0, config.sentence.num_perm), np.uint32)
    sent_count = sk.sent_count if "sentence" in views else np.zeros(n, np.int64)
    sh = sk.shingle_sig if "shingle" in views else np.empty((n, 0), dtype=np.uint32)
    if sent_sig.ndim != 2 or sent_sig.shape[1] != config.sentence.num_perm:
        sent_sig = np.asarray(sent_sig, dtype=np.uint32).reshape(-1, config.sentence.num_perm)
    return Sketches(n, sh, an, sent_sig, np.asarray(sent_count, dtype=np.int64), pf, cf)


# ---------------------------------------------------------- posting keys ---

def _final_keys(keys: np.ndarray, view: str) -> np.ndarray:
    """Mix (n, bands) uint64 band keys with view and band number -> int64."""
    n, b = keys.shape
    salt = (np.arange(b, dtype=np.uint64) + _U64(1 + 64 * VIEW_IDS[view])) * _MIXV
    with np.errstate(over="ignore"):
        k = keys ^ salt[None, :]
        k = k * _MIX3
        k ^= k >> _U64(31)
    return k.view(np.int64)


def view_band_keys(sigs: np.ndarray, view: str, config: CandidateConfig) -> np.ndarray:
    """``(n, bands)`` int64 posting keys of signatures of one view."""
    bands, rows = getattr(config, view).params()
    if sigs.shape[0] == 0:
        return np.empty((0, bands), dtype=np.int64)
    return _final_keys(band_keys(np.ascontiguousarray(sigs), bands, rows), view)


def passage_keys(feat: np.ndarray) -> np.ndarray:
    """Posting keys of passage fingerprints (one "band" per fingerprint)."""
    return _final_keys(np.asarray(feat, dtype=np.uint64).reshape(-1, 1), "passage").ravel()


@dataclass
class DocKeys:
    """Posting keys of one document, by view (distinct, int64)."""

    shingle: np.ndarray
    anchor: np.ndarray
    sentence: np.ndarray
    passage: np.ndarray

    def all(self) -> np.ndarray:
        return np.concatenate([self.shingle, self.anchor, self.sentence, self.passage])

    def with_caps(self, config: CandidateConfig) -> tuple[np.ndarray, np.ndarray]:
        """Distinct keys (sorted int64) and each one's :func:`key_cap`."""
        parts = [(getattr(self, v), key_cap(v, config)) for v in ("shingle", "anchor", "sentence", "passage")]
        k = np.concatenate([p for p, _ in parts])
        c = np.concatenate([np.full(len(p), cap, dtype=np.int64) for p, cap in parts])
        u, first = np.unique(k, return_index=True)
        return u, c[first]


def doc_keys(sk: Sketches, config: CandidateConfig) -> list[DocKeys]:
    """Posting keys of every document of ``sk`` (empty views give no keys)."""
    n = sk.n_docs
    e = np.empty(0, dtype=np.int64)
    per = {v: [e] * n for v in ("shingle", "anchor", "sentence", "passage")}
    for v in ("shingle", "anchor"):
        sigs = sk.shingle_sig if v == "shingle" else sk.anchor_sig
        if v not in config.views or sigs.shape[1] == 0:
            continue
        live = np.flatnonzero(~np.all(sigs == EMPTY_VALUE, axis=1))
        keys = view_band_keys(sigs[live], v, config)
        for r, d in enumerate(live.tolist()):
            per[v][d] = keys[r]
    if "sentence" in config.views and len(sk.sent_sig):
        keys = view_band_keys(sk.sent_sig, "sentence", config)
        bounds = np.r_[0, np.cumsum(sk.sent_count)]
        for d in range(n):
            a, b = bounds[d], bounds[d + 1]
            if b > a:
                per["sentence"][d] = np.unique(keys[a:b].ravel())
    if "passage" in config.views:
        for d in range(n):
            if len(sk.pass_feat[d]):
                per["passage"][d] = np.unique(passage_keys(sk.pass_feat[d]))
    return [DocKeys(per["shingle"][d], per["anchor"][d], per["sentence"][d], per["passage"][d]) for d in range(n)]


#: View numbers of :func:`batch_keys` (``match._ORDER``).
_ORDER = ("shingle", "anchor", "sentence", "passage")


def batch_key_arrays(sk: Sketches, config: CandidateConfig,
                     by_key: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The batch's distinct (document, posting key) pairs as flat arrays
    sorted by document and then key (``by_key``: by key and then document):
    ``(keys int64, documents int64, caps, views)`` (views index
    ``("shingle", "anchor", "sentence", "passage")``; a key in several views
    of a document counts for the first of them)."""
    n = sk.n_docs
    ks, ds, vs = [], [], []
    for vi, v in enumerate(_ORDER[:2]):
        sigs = sk.shingle_sig if v == "shingle" else sk.anchor_sig
        if v not in config.views or sigs.shape[1] == 0:
            continue
        live = np.flatnonzero(~np.all(sigs == EMPTY_VALUE, axis=1))
        keys = view_band_keys(sigs[live], v, config)
        ks.append(keys.ravel())
        ds.append(np.repeat(live, keys.shape[1]))
        vs.append(np.full(keys.size, vi, dtype=np.int8))
    if "sentence" in config.views and len(sk.sent_sig):
        keys = view_band_keys(sk.sent_sig, "sentence", config)
        ks.append(keys.ravel())
        ds.append(np.repeat(np.repeat(np.arange(n), sk.sent_count), keys.shape[1]))
        vs.append(np.full(keys.size, 2, dtype=np.int8))
    if "passage" in config.views:
        counts = [len(f) for f in sk.pass_feat]
        if sum(counts):
            ks.append(passage_keys(np.concatenate(sk.pass_feat)))
            ds.append(np.repeat(np.arange(n), counts))
            vs.append(np.full(len(ks[-1]), 3, dtype=np.int8))
    k = np.concatenate(ks) if ks else np.empty(0, np.int64)
    if not len(k):
        e = np.empty(0, np.int64)
        return e, e, e, e
    d, v = np.concatenate(ds).astype(np.int64), np.concatenate(vs)
    # rows come in view blocks; two stable sorts (the first a radix sort of
    # small ints) order them by key, then document, then view (a lexsort of
    # the three took most of the time of a batch)
    o = np.argsort(_small(d, n), kind="stable")
    k, d, v = k[o], d[o], v[o]
    o = argsort_i64(k)
    k, d, v = k[o], d[o], v[o]
    first = np.r_[True, (k[1:] != k[:-1]) | (d[1:] != d[:-1])]
    k, d, v = k[first], d[first], v[first].astype(np.int64)
    caps = np.array([key_cap(x, config) for x in _ORDER], dtype=np.int64)[v]
    if by_key:
        return k, d, caps, v
    o = np.argsort(_small(d, n), kind="stable")
    return k[o], d[o], caps[o], v[o]


def _small(d: np.ndarray, n: int) -> np.ndarray:
    """Document numbers ``< n`` as the smallest integer type (numpy sorts
    16-bit integers stably by radix sort)."""
    return d.astype(np.uint16) if n <= 65535 else d


def batch_keys(sk: Sketches, config: CandidateConfig) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each document's distinct posting keys (sorted int64), their caps
    (:func:`key_cap`) and views (index in ``("shingle", "anchor", "sentence",
    "passage")``): the keys of :func:`doc_keys`, built for the whole batch
    at once (:func:`batch_key_arrays`)."""
    n = sk.n_docs
    k, d, caps, v = batch_key_arrays(sk, config)
    if not len(k):
        return [(k, k, k)] * n
    b = np.searchsorted(d, np.arange(n + 1))
    return [(k[b[i]:b[i + 1]], caps[b[i]:b[i + 1]], v[b[i]:b[i + 1]]) for i in range(n)]


def posting_keys(sk: Sketches, config: CandidateConfig) -> list[np.ndarray]:
    """All distinct posting keys of each document (int64)."""
    return [np.unique(k.all()) for k in doc_keys(sk, config)]


# --------------------------------------------------------------- sketches ---

@dataclass
class StoredSketch:
    """The sketches of one stored document (what verification needs)."""

    shingle: np.ndarray    # (P,) uint32, or (0,)
    anchor: np.ndarray     # (P,) uint32, or (0,)
    sentences: np.ndarray  # (m, P) uint32
    passages: np.ndarray   # (f,) uint64 (empty when read for verification only)
    n_passages: int = -1   # passage fingerprints the document has (-1: len(passages))
    chains: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0, np.uint64))
    #: (c,) uint64 chain fingerprints, sorted (passage view; see ``dedup.candidates``)

    def passage_count(self) -> int:
        return len(self.passages) if self.n_passages < 0 else self.n_passages

    def to_bytes(self) -> tuple[bytes, bytes, bytes, bytes, bytes]:
        """``(sh, an, se, pf, cf)`` bytes (little-endian)."""
        return (self.shingle.astype("<u4").tobytes(), self.anchor.astype("<u4").tobytes(),
                self.sentences.astype("<u4").tobytes(), self.passages.astype("<u8").tobytes(),
                self.chains.astype("<u8").tobytes())

    @classmethod
    def from_bytes(cls, sh: bytes, an: bytes, se: bytes, pf: bytes | None, config: CandidateConfig,
                   n_passages: int = -1, cf: bytes = b"") -> "StoredSketch":
        """Decode stored bytes; ``pf=None`` with ``n_passages`` (verification
        needs only the count of passage fingerprints); ``cf`` the chain fingerprints."""
        if pf is None:
            pf = b""
        else:
            n_passages = -1
        p = config.sentence.num_perm
        for name, raw, size in (("shingle", sh, config.shingle.num_perm), ("anchor", an, config.anchor.num_perm)):
            if len(raw) not in (0, 4 * size):
                raise CorruptIndexError(f"stored {name} signature has {len(raw)} bytes, expected {4 * size}")
        if len(se) % (4 * p):
            raise CorruptIndexError(f"stored sentence signatures have {len(se)} bytes, not a multiple of {4 * p}")
        if len(pf) % 8 or len(cf) % 8:
            raise CorruptIndexError(f"stored passage/chain fingerprints have {len(pf)}/{len(cf)} bytes, "
                                    "not a multiple of 8")
        if _LITTLE:  # read-only views of the bytes, no copies
            return cls(np.frombuffer(sh, dtype=np.uint32), np.frombuffer(an, dtype=np.uint32),
                       np.frombuffer(se, dtype=np.uint32).reshape(-1, p), np.frombuffer(pf, dtype=np.uint64),
                       int(n_passages), np.frombuffer(cf, dtype=np.uint64))
        return cls(np.frombuffer(sh, dtype="<u4").astype(np.uint32),
                   np.frombuffer(an, dtype="<u4").astype(np.uint32),
                   np.frombuffer(se, dtype="<u4").astype(np.uint32).reshape(-1, p),
                   np.frombuffer(pf, dtype="<u8").astype(np.uint64), int(n_passages),
                   np.frombuffer(cf, dtype="<u8").astype(np.uint64))


def split_sketches(sk: Sketches) -> list[StoredSketch]:
    """One :class:`StoredSketch` per document of ``sk``."""
    bounds = np.r_[0, np.cumsum(sk.sent_count)]
    out = []
    for d in range(sk.n_docs):
        out.append(StoredSketch(sk.shingle_sig[d], sk.anchor_sig[d], sk.sent_sig[bounds[d]:bounds[d + 1]],
                                sk.pass_feat[d], chains=sk.chain_feat[d]))
    return out


def keys_of_sketch(s: StoredSketch, config: CandidateConfig) -> DocKeys:
    """Posting keys of one stored document, recomputed from its sketches."""
    p_sh = s.shingle.reshape(1, -1) if len(s.shingle) else np.empty((1, 0), np.uint32)
    p_an = s.anchor.reshape(1, -1) if len(s.anchor) else np.empty((1, 0), np.uint32)
    sk = Sketches(1, p_sh, p_an, s.sentences, np.array([len(s.sentences)], dtype=np.int64), [s.passages])
    return doc_keys(sk, config)[0]
