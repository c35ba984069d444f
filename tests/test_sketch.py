import datasketch
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dedup.sketch import (
    EMPTY_VALUE,
    SketchConfig,
    containment_from_jaccard,
    empty_rows,
    fmix32,
    hash_strings,
    jaccard_estimate,
    pairwise_jaccard_estimate,
    permutations,
    shingle_hashes,
    signature,
    signature_reference,
    signatures,
)

u32 = st.integers(min_value=0, max_value=2**32 - 1)


def _datasketch(hashes, cfg):
    m = datasketch.MinHash(num_perm=cfg.num_perm, seed=cfg.seed, hashfunc=int, scheme="affine32")
    for h in hashes:
        m.update(int(h))
    return m


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (16, 7), (3, 0)])
def test_permutations_match_datasketch(num_perm, seed):
    a, b = permutations(SketchConfig(num_perm=num_perm, seed=seed))
    m = datasketch.MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
    np.testing.assert_array_equal(a, m.permutations[0])
    np.testing.assert_array_equal(b, m.permutations[1])
    assert a.dtype == np.uint32 and np.all(a & 1)


@settings(max_examples=40, deadline=None)
@given(
    sets=st.lists(st.lists(u32, max_size=60), min_size=1, max_size=6),
    num_perm=st.integers(1, 64),
    seed=st.integers(0, 2**32 - 1),
)
def test_signatures_equal_datasketch(sets, num_perm, seed):
    cfg = SketchConfig(num_perm=num_perm, seed=seed)
    sigs = signatures([np.array(s, dtype=np.uint32) for s in sets], cfg)
    assert sigs.shape == (len(sets), num_perm) and sigs.dtype == np.uint32
    for s, sig in zip(sets, sigs):
        ref = _datasketch(s, cfg)
        np.testing.assert_array_equal(sig, ref.hashvalues)
        # and the round trip through datasketch's constructor
        back = datasketch.MinHash(num_perm=num_perm, seed=seed, hashvalues=sig, scheme="affine32")
        assert back.jaccard(ref) == 1.0
        assert list(sig) == signature_reference(s, cfg)
        assert back.is_empty() == (len(s) == 0)


def test_signatures_large_and_blocked():
    rng = np.random.default_rng(0)
    sets = [rng.integers(0, 2**32, n, dtype=np.uint32) for n in (0, 1, 5, 300, 20_000, 7)]
    cfg = SketchConfig(num_perm=128)
    sigs = signatures(sets, cfg)
    for s, sig in zip(sets, sigs):
        m = datasketch.MinHash(num_perm=128, seed=1, hashfunc=int, scheme="affine32")
        if len(s):
            m.update_batch(s.tolist())
        np.testing.assert_array_equal(sig, m.hashvalues)


def test_empty_sets():
    sigs = signatures([np.array([], dtype=np.uint32), np.array([1, 2], dtype=np.uint32), []])
    assert list(empty_rows(sigs)) == [True, False, True]
    assert np.all(sigs[0] == EMPTY_VALUE)
    assert signatures([]).shape == (0, 128)


def test_fmix_matches_reference():
    h = np.array([0, 1, 2**32 - 1, 12345], dtype=np.uint32)
    for x, y in zip(h.tolist(), fmix32(h).tolist()):
        x ^= x >> 16
        x = (x * 0x85EBCA6B) & 0xFFFFFFFF
        x ^= x >> 13
        x = (x * 0xC2B2AE35) & 0xFFFFFFFF
        x ^= x >> 16
        assert x == y


def test_hashing():
    import xxhash

    h = hash_strings(["a", "b", "a"])
    assert h.dtype == np.uint32 and h[0] == h[2] == xxhash.xxh32_intdigest(b"a")
    words = "the quick brown fox jumps over the lazy dog".split()
    sh = shingle_hashes(words, 5)
    assert sh.dtype == np.uint32 and len(sh) == len(words) - 4
    # same shingle, same hash, regardless of position; order matters
    again = shingle_hashes(["x"] + words, 5)
    np.testing.assert_array_equal(again[1:], sh)
    assert shingle_hashes(["a", "b"], 2)[0] != shingle_hashes(["b", "a"], 2)[0]
    assert len(shingle_hashes(["a", "b"], 5)) == 1
    assert len(shingle_hashes([], 5)) == 0


def test_bad_input_messages():
    with pytest.raises(ValueError, match="32 bits"):
        signatures([np.array([2**40], dtype=np.int64)])
    with pytest.raises(ValueError, match="dtype"):
        signatures([np.array([0.5])])
    with pytest.raises(ValueError, match="num_perm"):
        SketchConfig(num_perm=0)
    with pytest.raises(ValueError, match="k must be"):
        shingle_hashes(["a"], 0)


@settings(max_examples=25, deadline=None)
@given(
    n_common=st.integers(0, 300),
    n_a=st.integers(0, 300),
    n_b=st.integers(1, 300),
    seed=st.integers(0, 1000),
)
def test_jaccard_estimate_close_to_exact(n_common, n_a, n_b, seed):
    rng = np.random.default_rng(seed)
    pool = rng.choice(2**32, n_common + n_a + n_b, replace=False).astype(np.uint32)
    common, only_a, only_b = np.split(pool, [n_common, n_common + n_a])
    a = np.concatenate([common, only_a])
    b = np.concatenate([common, only_b])
    exact = n_common / (n_common + n_a + n_b)
    cfg = SketchConfig(num_perm=256)
    sa, sb = signatures([a, b], cfg)
    est = jaccard_estimate(sa, sb)
    # std of the estimator is sqrt(J(1-J)/256) <= 0.031; allow ~5 sigma
    assert abs(est - exact) <= 0.16
    assert pairwise_jaccard_estimate(np.stack([sa, sb]), [0], [1])[0] == est


def test_containment_from_jaccard():
    # A = 10 elements inside B = 40 elements: J = 0.25, containment 1
    c = containment_from_jaccard(np.array([0.25, 0.0]), np.array([10, 0]), np.array([40, 5]))
    assert c[0] == pytest.approx(1.0) and c[1] == 0.0


def test_signature_single():
    h = np.array([5, 6, 7], dtype=np.uint32)
    np.testing.assert_array_equal(signature(h), signatures([h])[0])
