"""Renderers for analysis results: JSON/JSONL (:mod:`.json`), terminal tables (:mod:`.table`), HTML (:mod:`.html`)."""

from nlpkit.export.html import render_html
from nlpkit.export.json import document_record, dumps_json, dumps_jsonl_line, write_json, write_jsonl
from nlpkit.export.table import document_tables, print_documents

__all__ = [
    "document_record",
    "document_tables",
    "dumps_json",
    "dumps_jsonl_line",
    "print_documents",
    "render_html",
    "write_json",
    "write_jsonl",
]
