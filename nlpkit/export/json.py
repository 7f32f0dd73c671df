"""JSON and JSON Lines writers: deterministic (sorted keys, fixed separators), Arabic kept as is.

A *record* is ``Document.to_dict()`` with an optional ``id`` added at the top level, so a
corpus written as JSONL keeps the identifiers of its input lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from nlpkit.results import Document

Item = Document | tuple[Any, Document]
"""A document, or ``(id, document)`` when the output must carry the input's identifier."""


def document_record(document: Document, doc_id: Any = None) -> dict[str, Any]:
    """``document.to_dict()``, with ``"id": doc_id`` first when an id is given."""
    data = document.to_dict()
    return data if doc_id is None else {"id": doc_id, **data}


def _split(item: Item) -> tuple[Any, Document]:
    """``(id, document)`` for either form of :data:`Item`."""
    return (None, item) if isinstance(item, Document) else item


def dumps_json(items: Iterable[Item], *, indent: int | None = 2) -> str:
    """One JSON value: the record of a single document, or a list of records for several.

    Args:
        items: documents or ``(id, document)`` pairs.
        indent: pretty-printing indent (``None``: one line).
    """
    records = [document_record(document, doc_id) for doc_id, document in map(_split, items)]
    value: Any = records[0] if len(records) == 1 else records
    return json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=True)


def dumps_jsonl_line(document: Document, doc_id: Any = None) -> str:
    """One compact JSON line (with its trailing newline) for one document."""
    record = document_record(document, doc_id)
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_json(items: Iterable[Item], stream: IO[str], *, indent: int | None = 2) -> None:
    """Write :func:`dumps_json` of ``items`` to ``stream``, newline-terminated."""
    stream.write(dumps_json(items, indent=indent) + "\n")


def write_jsonl(items: Iterable[Item], stream: IO[str], *, flush: bool = True) -> int:
    """Write one line per document as it arrives (streaming); return the number written.

    Args:
        items: documents or ``(id, document)`` pairs, consumed lazily.
        stream: a text stream.
        flush: flush after every line, so an interrupted run loses at most the line being written.
    """
    count = 0
    for doc_id, document in map(_split, items):
        stream.write(dumps_jsonl_line(document, doc_id))
        if flush:
            stream.flush()
        count += 1
    return count
