"""Group related documents and pick the likely source of each derivative."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Hashable, Iterable, Protocol, Sequence


class _Relation(Protocol):
    source: str
    suspect: str
    verdict: str
    coverage: float


@dataclass(frozen=True)
class Cluster:
    """A group of documents connected by derivation relations.

    Attributes:
        id: Cluster number (0-based, ordered by the smallest member id).
        documents: Member ids, sorted.
        origin: The likely original: the member that is a source in the
            group's relations and never a suspect (ties: more relations, then
            smaller id).
        sources: For each derivative member, its likely direct source.
    """

    id: int
    documents: tuple[str, ...]
    origin: str
    sources: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"cluster": self.id, "documents": list(self.documents), "origin": self.origin,
                "members": [{"id": d, "source": self.sources.get(d)} for d in self.documents]}


def find_root(parent: dict[Hashable, Hashable], x: Hashable) -> Hashable:
    """Root of ``x`` in a union-find forest stored as ``parent`` (every node
    present; roots are their own parent), halving the path on the way."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def cluster(relations: Iterable[_Relation], related_verdicts: Sequence[str]) -> list[Cluster]:
    """Connected components of the derivation graph.

    Args:
        relations: Pairs with ``source``, ``suspect``, ``verdict`` and ``coverage``.
        related_verdicts: Verdicts that link two documents.

    Returns:
        Clusters of two or more documents.
    """
    rels = [r for r in relations if r.verdict in related_verdicts]
    parent: dict[str, str] = {}
    for r in rels:
        for x in (r.source, r.suspect):
            parent.setdefault(x, x)
        a, b = find_root(parent, r.source), find_root(parent, r.suspect)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find_root(parent, x), []).append(x)
    by_root: dict[str, list[_Relation]] = {}
    for r in rels:
        by_root.setdefault(find_root(parent, r.source), []).append(r)
    out = []
    for k, members in enumerate(sorted(sorted(g) for g in groups.values())):
        mine = by_root[find_root(parent, members[0])]
        as_source = {m: sum(1 for r in mine if r.source == m) for m in members}
        as_suspect = {m: sum(1 for r in mine if r.suspect == m) for m in members}
        origin = min(members, key=lambda m: (as_suspect[m] > 0, -as_source[m], m))
        sources: dict[str, str] = {}
        best: dict[str, float] = {}
        for r in mine:
            # prefer the origin, then the source explaining most of the suspect
            key = (1.0 if r.source == origin else 0.0) + r.coverage
            if r.suspect != origin and key > best.get(r.suspect, -1.0):
                best[r.suspect], sources[r.suspect] = key, r.source
        out.append(Cluster(k, tuple(members), origin, sources))
    return out
