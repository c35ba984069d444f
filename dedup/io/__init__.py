"""Readers: turn files (txt, html, jsonl, warc) into Documents; failures become ReadErrors.

Entry point: :func:`iter_inputs`. One module per format (``txt``, ``html``,
``jsonl``, ``warc``); ``walk`` finds files and dispatches by extension.
"""
from dedup.io.config import ReaderConfig
from dedup.io.html import extract_text
from dedup.io.walk import SUPPORTED, iter_inputs, reader_for

__all__ = ["ReaderConfig", "SUPPORTED", "extract_text", "iter_inputs", "reader_for"]
