"""Persistent, incremental near-duplicate index (issue 6).

``Index(location)`` opens (or creates) an index in an SQLite file (default)
or a Redis database (``redis://host:port/db``). Each document added is looked
up against everything indexed before it, with the same candidate generation
(multi-view MinHash LSH bands of :mod:`dedup.candidates`) and the same
judging (:func:`dedup.judge.judge_pair`) as ``dedup scan``.

Modules: ``layout`` (parameters, posting keys, sketch bytes, errors),
``match`` (verification, :class:`Match`), ``base`` (:class:`Index`),
``sqlite`` and ``redis_backend`` (storage).
"""
from dedup.index.base import Index
from dedup.index.layout import (
    FORMAT_VERSION,
    SCHEME,
    CorruptIndexError,
    DedupIndexError,
    IndexParams,
    ParameterMismatchError,
)
from dedup.index.match import Match

#: Base class of every index error (shadows the builtin only inside this namespace).
IndexError = DedupIndexError  # noqa: A001

__all__ = ["Index", "Match", "IndexError", "DedupIndexError", "CorruptIndexError",
           "ParameterMismatchError", "IndexParams", "FORMAT_VERSION", "SCHEME"]
