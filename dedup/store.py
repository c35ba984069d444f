"""Compact in-memory storage of a corpus for :func:`dedup.scan.scan`.

A million news articles held as Python ``Document`` objects take about twice
their UTF-8 size (string headers, dicts, allocator slack). :class:`DocumentStore`
keeps the texts as UTF-8 in large byte blocks with offset arrays, the ids in
a list and the metadata only where there is some, and builds a
:class:`~dedup.document.Document` when one is asked for. It is a read-only
``Sequence[Document]`` once filled, so code that indexes or iterates
documents works unchanged; :meth:`DocumentStore.texts` is a
``Sequence[str]`` view of the texts alone.

Worker processes started with ``fork`` after the store is filled share its
blocks without copying. Past ``spill_bytes`` of text (256 MB by default) the
blocks live in an anonymous temporary file, memory-mapped for reading.
"""
from __future__ import annotations

import mmap
import os
import tempfile
from typing import Any, BinaryIO, Iterator, Mapping, Sequence, overload

import numpy as np

from dedup.document import Document

__all__ = ["DocumentStore", "TextView"]

#: Bytes per storage block (texts never straddle blocks).
_BLOCK = 64 << 20
#: Text bytes held in memory; further blocks go to an anonymous temporary file.
_SPILL = 256 << 20


class DocumentStore(Sequence[Document]):
    """Documents in input order, texts stored as UTF-8 in large blocks.

    Args:
        block_bytes: Size of a storage block (a larger text gets a block of its own).
        spill_bytes: Text bytes kept in memory; later blocks are written to an
            anonymous temporary file (deleted with the store) and read through
            a read-only memory map, so a corpus larger than that costs page
            cache, not process memory. None: everything in memory.

    Example::

        store = DocumentStore()
        for doc in iter_inputs(paths):
            store.append(doc)
        store[0].text, len(store), store.texts()[3:5]
    """

    def __init__(self, block_bytes: int = _BLOCK, spill_bytes: int | None = _SPILL) -> None:
        if block_bytes < 1:
            raise ValueError(f"block_bytes must be >= 1, got {block_bytes}")
        if spill_bytes is not None and spill_bytes < 0:
            raise ValueError(f"spill_bytes must be >= 0 or None, got {spill_bytes}")
        self._block_bytes = block_bytes
        self._spill_bytes = spill_bytes
        self._held = 0                      # bytes of text held in memory
        self._file: BinaryIO | None = None  # anonymous temporary file of spilled blocks
        self._map: mmap.mmap | None = None
        self._spilled: list[tuple[int, int, int]] = []  # (block, file offset, length)
        self._blocks: list[bytes | memoryview] = []
        self._cur = bytearray()
        self._ids: list[str] = []
        self._meta: dict[int, Mapping[str, Any]] = {}
        self._block = np.empty(0, dtype=np.int32)   # block of each document
        self._start = np.empty(0, dtype=np.int64)   # byte offset inside its block
        self._len = np.empty(0, dtype=np.int64)     # UTF-8 length
        self._pending: list[tuple[int, int, int]] = []

    # -- filling -------------------------------------------------------------

    def append(self, doc: Document) -> None:
        """Add one document (kept in order).

        Args:
            doc: The document; its text is stored UTF-8 encoded.
        """
        data = doc.text.encode("utf-8", "surrogatepass")
        if self._cur and len(self._cur) + len(data) > self._block_bytes:
            self._seal()
        self._pending.append((len(self._blocks), len(self._cur), len(data)))
        self._cur += data
        self._ids.append(doc.id)
        if doc.meta:
            self._meta[len(self._ids) - 1] = doc.meta
        if len(self._pending) >= 65536:
            self._flush_index()

    def _seal(self) -> None:
        if self._spill_bytes is not None and self._held + len(self._cur) > self._spill_bytes:
            # beyond the in-memory budget: the block goes to a temporary file,
            # memory-mapped when reading starts (pages the OS may drop and reload)
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="dedup-texts-")
            self._map = None  # remapped (with this block) when reading resumes
            off = self._file.seek(0, os.SEEK_END)
            self._file.write(self._cur)
            self._spilled.append((len(self._blocks), off, len(self._cur)))
            self._blocks.append(b"")
        else:
            self._held += len(self._cur)
            self._blocks.append(bytes(self._cur))
        self._cur = bytearray()

    def _map_spilled(self) -> None:
        if self._file is None or self._map is not None:
            return
        self._file.flush()
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        view = memoryview(self._map)
        for b, off, n in self._spilled:
            self._blocks[b] = view[off:off + n]

    def _flush_index(self) -> None:
        if self._pending:
            p = np.array(self._pending, dtype=np.int64).reshape(-1, 3)
            self._block = np.concatenate([self._block, p[:, 0].astype(np.int32)])
            self._start = np.concatenate([self._start, p[:, 1]])
            self._len = np.concatenate([self._len, p[:, 2]])
            self._pending = []

    def _ready(self) -> None:
        if self._pending:
            self._flush_index()
        if self._cur:
            self._seal()
        self._map_spilled()

    # -- reading -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def text(self, i: int) -> str:
        """The text of document ``i``."""
        self._ready()
        b, s, n = int(self._block[i]), int(self._start[i]), int(self._len[i])
        return str(self._blocks[b][s:s + n], "utf-8", "surrogatepass")

    def utf8(self, i: int) -> memoryview:
        """The UTF-8 bytes of document ``i``'s text (a view into the store,
        no decoding: for consumers that work on bytes, e.g. the tokeniser)."""
        self._ready()
        b, s, n = int(self._block[i]), int(self._start[i]), int(self._len[i])
        return memoryview(self._blocks[b])[s:s + n]

    @overload
    def __getitem__(self, i: int) -> Document: ...

    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"document index {i} out of range for {len(self)} documents")
        i %= len(self)
        return Document(self._ids[i], self.text(i), self._meta.get(i, {}))

    def __iter__(self) -> Iterator[Document]:
        for i in range(len(self)):
            yield self[i]

    def ids(self) -> list[str]:
        """Document ids, in order."""
        return list(self._ids)

    def texts(self) -> "TextView":
        """The texts as a read-only ``Sequence[str]``."""
        self._ready()
        return TextView(self)

    def nbytes(self) -> int:
        """Bytes of stored text."""
        self._ready()
        return sum(len(b) for b in self._blocks)


class TextView(Sequence[str]):
    """The texts of a :class:`DocumentStore` (decoded on access)."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._store.text(k) for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"text index {i} out of range for {len(self)} documents")
        return self._store.text(i % len(self))

    def nbytes(self) -> int:
        """Bytes of stored text (UTF-8; see :meth:`DocumentStore.nbytes`)."""
        return self._store.nbytes()

    def utf8(self, start: int, stop: int) -> list[memoryview]:
        """UTF-8 bytes of texts ``start .. stop - 1`` (see :meth:`DocumentStore.utf8`)."""
        return [self._store.utf8(k) for k in range(*slice(start, stop).indices(len(self)))]
