"""Reports for people: HTML pages of a comparison or a scan (:mod:`dedup.report.html`)."""
from dedup.report.html import compare_page, comparison_html, scan_page, sentence_html

__all__ = ["compare_page", "comparison_html", "scan_page", "sentence_html"]
