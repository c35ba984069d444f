"""Readers: turn files (txt, html, jsonl, warc) into Documents; failures become ReadErrors."""
from dedup.io.config import ReaderConfig
from dedup.io.walk import iter_inputs

__all__ = ["ReaderConfig", "iter_inputs"]
