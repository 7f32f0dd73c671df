"""Exporters: HTML escaping and in-place marks, deterministic JSON/JSONL."""

from __future__ import annotations

import io
import json

from nlpkit.export import dumps_json, render_html, write_jsonl
from nlpkit.export.html import ZWJ, highlight
from nlpkit.results import Document, Entity, Stance, SummaryRow

TEXT = 'قال <b>لافروف</b> إن لروسيا موقفا & "واضحا".'


def _document() -> Document:
    start = TEXT.index("لافروف")
    russia = TEXT.index("روسيا")
    return Document(
        text=TEXT,
        entities=(Entity("لافروف", "PER", start, start + 6, 0.91, "سيرغي لافروف"),
                  Entity("روسيا", "LOC", russia, russia + 5, 0.8, "روسيا"),
                  Entity("روس", "LOC", russia, russia + 3, 0.5, "روس")),
        stances=(Stance(0, len(TEXT), "روسيا", "FAVOR", 0.7, "لافروف", 0),),
        summary=(SummaryRow("لافروف", "روسيا", 1, 0, 0, "FAVOR"),),
    )


def test_html_is_rtl_self_contained_and_escaped() -> None:
    page = render_html(_document())
    assert page.startswith("<!DOCTYPE html>") and '<html dir="rtl" lang="ar">' in page
    assert "<b>" not in page and "&lt;b&gt;" in page and "&amp;" in page
    assert "http" not in page and "<link" not in page and "<script" not in page
    assert 'title="PER · سيرغي لافروف · 0.91"' in page
    assert page.count('<mark class="ent') == 2  # the overlapping «روس» is left unmarked


def test_marks_keep_offsets_and_join_cut_words() -> None:
    html = highlight(TEXT, _document().entities)
    assert f"ل{ZWJ}<mark" in html and f'">{ZWJ}روسيا</mark>' in html
    stripped = html.replace(ZWJ, "")
    for tag in ('<mark class="ent ent-PER" data-label="PER" title="PER · سيرغي لافروف · 0.91">',
                '<mark class="ent ent-LOC" data-label="LOC" title="LOC · روسيا · 0.80">', "</mark>"):
        stripped = stripped.replace(tag, "")
    assert stripped == TEXT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_json_and_jsonl_are_deterministic() -> None:
    document = _document()
    assert dumps_json([document]) == dumps_json([document])
    assert json.loads(dumps_json([("x", document)]))["id"] == "x"
    stream = io.StringIO()
    assert write_jsonl([("a", document), (2, document)], stream) == 2
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", 2]
    assert lines[0] == json.dumps({"id": "a", **document.to_dict()}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
