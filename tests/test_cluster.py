"""Clusters and likely sources."""
from __future__ import annotations

from dataclasses import dataclass

from dedup.cluster import cluster


@dataclass
class Rel:
    source: str
    suspect: str
    verdict: str
    coverage: float


def test_star_of_derivatives_has_the_hub_as_origin():
    rels = [Rel("a", "b", "derivative", 0.8), Rel("a", "c", "spun", 0.6), Rel("c", "b", "derivative", 0.7),
            Rel("x", "y", "shared-quotes", 0.1)]
    out = cluster(rels, ("derivative", "spun", "near-duplicate"))
    assert len(out) == 1
    c = out[0]
    assert c.documents == ("a", "b", "c")
    assert c.origin == "a"
    assert c.sources == {"b": "a", "c": "a"}
    assert c.to_dict()["members"] == [{"id": "a", "source": None}, {"id": "b", "source": "a"},
                                      {"id": "c", "source": "a"}]


def test_separate_components():
    rels = [Rel("a", "b", "derivative", 0.8), Rel("c", "d", "near-duplicate", 1.0)]
    out = cluster(rels, ("derivative", "near-duplicate"))
    assert [c.documents for c in out] == [("a", "b"), ("c", "d")]
    assert [c.origin for c in out] == ["a", "c"]
