"""dedup: find copies, rewrites and spun rewrites, with sentence-level evidence.

Library entry points:

* :func:`compare` — align a suspect text with a source and judge it;
* :func:`scan` — find related pairs in a crawl and group them;
* :class:`Index` — a persistent, incremental index (SQLite or Redis).
"""
from importlib.metadata import PackageNotFoundError, version as _version

from dedup.compare import Comparison, Scores, SentenceResult, SharedQuote, compare
from dedup.config import Config
from dedup.document import Document, ReadError
from dedup.scan import PairResult, ScanResult, scan

try:
    __version__ = _version("dedup-spin")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+local"


def __getattr__(name: str):
    """``Index`` and ``Match`` load :mod:`dedup.index` (and its compiled
    kernels) on first access, so ``import dedup`` stays light for ``compare``."""
    if name in ("Index", "Match"):
        from dedup import index
        return getattr(index, name)
    raise AttributeError(f"module 'dedup' has no attribute {name!r}")


__all__ = ["compare", "Comparison", "Scores", "SentenceResult", "SharedQuote", "Config",
           "Document", "ReadError", "scan", "ScanResult", "PairResult", "Index", "Match", "__version__"]
