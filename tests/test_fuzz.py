"""Property-based fuzzing of the public API with the tiny models.

Random mixed-script strings, random Python objects and random lists go through ``analyze``,
``Analyzer.__call__``, ``Analyzer.pipe``, ``Document.from_json``, ``tokenize``,
``split_sentences`` and ``normalize_with_map``. The only exceptions allowed are the documented
ones: :class:`TypeError` (for wrong types) and :class:`~nlpkit.errors.NlpkitError` subclasses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlpkit
from nlpkit.analysis.analyzer import Analyzer
from nlpkit.errors import NlpkitError
from nlpkit.results import Document
from nlpkit.text import normalize_with_map, split_sentences, tokenize

ALLOWED = (TypeError, NlpkitError)
FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT_ONLY = settings(max_examples=300, deadline=None, database=None, derandomize=True)

PIECES = [
    "روسيا", "لافروف", "وزارة الخارجية", "قال", "وأضاف", "الـ", "سيرغي", "الصين", "«", "»", '"', ":", "،", "؛",
    ".", "..", "...", "!", "؟", "?", " ", "  ", "\n", "\r\n", "\r", "\t", "\u00a0", "\u200d", "\u200c", "\u200f",
    "\u200e", "\u202b", "\u202c", "\u2066", "\u2069", "\ufeff", "\u0640", "\u064e", "\u0651", "\u0670", "٣", "١٢",
    "3.5", "2024", "Lavrov", "U.S.", "e\u0301", "😀", "👨‍👩‍👧", "🇷🇺", "&nbsp;", "<br/>", "<b>", "(", ")", "ﻻ", "\x00", "\x85",
    "\u2028", "ی", "ک", "پ", "ـــ",
]
mixed_text = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=40),
)
python_objects = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.binary(max_size=12),
              mixed_text),
    lambda children: st.one_of(st.lists(children, max_size=3), st.tuples(children, children),
                               st.dictionaries(st.text(max_size=3), children, max_size=2),
                               st.frozensets(st.integers(), max_size=2)),
    max_leaves=5,
)


def check_document(doc: Document, text: str) -> None:
    """Exact offsets, nothing lost, a JSON round trip."""
    assert isinstance(doc, Document) and doc.text == text
    for span in (*doc.entities, *doc.sentences):
        assert doc.text[span.start : span.end] == span.text
    for stance in doc.stances:
        assert (stance.start, stance.end) == (doc.sentences[stance.sentence].start, doc.sentences[stance.sentence].end)
    assert Document.from_json(doc.to_json()) == doc
    if not text.strip():
        assert doc.sentences == doc.entities == doc.stances == doc.summary == ()


def consume(result: Any) -> list[Document]:
    """A document, or every document of a generator."""
    return [result] if isinstance(result, Document) else list(result)


@pytest.fixture(scope="module")
def model(tiny_analyzer_dir: Path) -> str:
    return str(tiny_analyzer_dir)


@FUZZ
@given(text=mixed_text, targets=st.one_of(st.none(), st.lists(st.sampled_from(["روسيا", "لافروف", "Lavrov"]), max_size=2)))
def test_any_text_through_the_analyzer(analyzer: Analyzer, text: str, targets: list[str] | None) -> None:
    check_document(analyzer(text, targets=targets), text)


@FUZZ
@given(texts=st.lists(mixed_text, max_size=5), batch_size=st.sampled_from([1, 3, 16]))
def test_any_list_through_pipe_and_analyze(analyzer: Analyzer, model: str, texts: list[str], batch_size: int) -> None:
    piped = list(analyzer.pipe(texts, batch_size=batch_size))
    assert [doc.to_json() for doc in piped] == [analyzer(text).to_json() for text in texts]
    assert [doc.to_json() for doc in nlpkit.analyze(iter(texts), model=model, batch_size=batch_size)] == [
        doc.to_json() for doc in piped]
    for doc, text in zip(piped, texts, strict=True):
        check_document(doc, text)


@FUZZ
@given(value=python_objects)
def test_any_python_object_gets_a_document_or_a_documented_error(analyzer: Analyzer, model: str, value: Any) -> None:
    for call in (lambda: analyzer(value), lambda: analyzer.pipe(value), lambda: nlpkit.analyze(value, model=model)):
        try:
            docs = consume(call())
        except ALLOWED:
            continue
        assert all(isinstance(doc, Document) for doc in docs)


@FUZZ
@given(items=st.lists(st.one_of(mixed_text, python_objects), max_size=4))
def test_lists_with_any_items(analyzer: Analyzer, items: list[Any]) -> None:
    all_text = all(isinstance(item, str) for item in items)
    try:
        docs = list(analyzer.pipe(items, tasks=("ner",)))
    except ALLOWED as error:
        assert not all_text or isinstance(error, NlpkitError)
        return
    assert [doc.text for doc in docs] == items


@FUZZ
@given(data=st.binary(max_size=40))
def test_any_bytes_decode_or_name_the_offset(analyzer: Analyzer, data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        with pytest.raises(NlpkitError, match=f"at byte offset {error.start};"):
            analyzer(data)
        return
    check_document(analyzer(data), text)


@TEXT_ONLY
@given(text=st.one_of(mixed_text, st.text(max_size=80)), offset=st.integers(0, 5))
def test_text_layer_offsets(text: str, offset: int) -> None:
    for token in tokenize(text, offset=offset):
        assert text[token.start - offset : token.end - offset] == token.text and token.text
    for token in tokenize(text, split_clitics=True):
        assert text[token.start : token.end] == token.text
    spans = split_sentences(text)
    assert spans == sorted(spans) and all(start < end for start, end in spans)
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False))
    normalized = normalize_with_map(text)
    assert normalized.original == text and len(normalized.starts) == len(normalized.text) + 1
    for index in range(len(normalized.text)):
        start, end = normalized.to_original(index, index + 1)
        assert 0 <= start < end <= len(text)


@TEXT_ONLY
@given(value=python_objects)
def test_text_layer_raises_only_type_error_on_other_objects(value: Any) -> None:
    for function in (tokenize, split_sentences, normalize_with_map):
        try:
            function(value)
        except TypeError:
            continue
