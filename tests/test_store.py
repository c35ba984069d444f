"""The compact document store used by scan."""
from __future__ import annotations

import numpy as np
import pytest

from dedup.document import Document
from dedup.store import DocumentStore


def _docs():
    return [
        Document("a.txt", "Plain ASCII text."),
        Document("b.jsonl#1", "Ünïcödé — “quotes” and emoji 🙂", {"url": "http://x", "date": "2024-01-02"}),
        Document("c.txt", ""),
        Document("d.txt", "x" * 50),
        Document("e.txt", "lone surrogate \udc80 kept"),
    ]


@pytest.mark.parametrize("block", [1, 16, 1 << 20])
@pytest.mark.parametrize("spill", [None, 0, 40])
def test_store_gives_back_the_documents(block, spill):
    docs = _docs()
    store = DocumentStore(block_bytes=block, spill_bytes=spill)
    for d in docs:
        store.append(d)
    assert len(store) == len(docs)
    assert list(store) == docs
    assert store[1].meta == {"url": "http://x", "date": "2024-01-02"} and store[0].meta == {}
    assert store[-1] == docs[-1]
    assert store[1:4] == docs[1:4]
    assert store.ids() == [d.id for d in docs]
    texts = store.texts()
    assert list(texts) == [d.text for d in docs]
    assert texts[2:] == [d.text for d in docs[2:]]
    assert store.nbytes() == sum(len(d.text.encode("utf-8", "surrogatepass")) for d in docs)


@pytest.mark.parametrize("spill", [None, 0])
def test_store_grows_after_reading(spill):
    store = DocumentStore(block_bytes=8, spill_bytes=spill)
    store.append(Document("a", "first text"))
    assert store[0].text == "first text"
    store.append(Document("b", "second"))
    assert [d.text for d in store] == ["first text", "second"]
    store.append(Document("c", "third"))
    assert store.texts()[1:] == ["second", "third"]


def test_store_index_errors():
    store = DocumentStore()
    store.append(Document("a", "x"))
    with pytest.raises(IndexError):
        store[1]
    with pytest.raises(IndexError):
        store.texts()[-2]
    with pytest.raises(ValueError, match="block_bytes"):
        DocumentStore(block_bytes=0)
    with pytest.raises(ValueError, match="spill_bytes"):
        DocumentStore(spill_bytes=-1)


def test_utf8_views_sketch_like_the_texts():
    from dedup.candidates import CandidateConfig, sketch_documents
    from dedup.document import Document
    from dedup.store import DocumentStore
    store = DocumentStore(block_bytes=64)
    texts = ["Café “naïve” — the U.S. talks’ 2.5-hour call.", "", "Ωμέγα 日本語 words here and there " * 5]
    for k, t in enumerate(texts):
        store.append(Document(f"d{k}", t))
    view = store.texts()
    assert [bytes(m).decode("utf-8") for m in view.utf8(0, 3)] == texts
    cfg = CandidateConfig()
    a, b = sketch_documents(texts, cfg), sketch_documents(view.utf8(0, 3), cfg)
    for f in ("shingle_sig", "pass_key", "reg_key", "pass_count"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
