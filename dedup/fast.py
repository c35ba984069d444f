"""Lazy access to the compiled kernels of :mod:`dedup.kernels`.

Importing numba and starting it cost a few tenths of a second; ``import
dedup`` and commands that never reach the candidate stage (``dedup compare``)
should not pay that. The candidate stage reaches the kernels through
:func:`kernels`, which imports :mod:`dedup.kernels` (and numba) on first use.
"""
from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EVIDENCE_EPS", "kernels", "have_numba"]

#: Evidence sums are compared with this tolerance (the kernels and the numpy
#: reference add the same weights in different orders).
EVIDENCE_EPS = 1e-9


def kernels() -> ModuleType:
    """The :mod:`dedup.kernels` module, imported on the first call.

    Returns:
        The module (its functions are compiled when numba is installed).
    """
    return importlib.import_module("dedup.kernels")


def have_numba() -> bool:
    """Whether the compiled kernels are used (numba is importable).

    Returns:
        :data:`dedup.kernels.HAVE_NUMBA` (the first call imports numba).
    """
    return bool(kernels().HAVE_NUMBA)
