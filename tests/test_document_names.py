"""Spans read against the rest of their document (nlpkit.analysis.document_names)."""

from __future__ import annotations

from nlpkit.analysis.assemble import build_entities
from nlpkit.analysis.document_names import complete_seen_names, document_spans
from nlpkit.models.ner import EntitySpan


def _span(text: str, written: str, label: str, after: str = "") -> EntitySpan:
    start = text.index(written, text.index(after) if after else 0)
    return EntitySpan(start, start + len(written), label, 0.9)


def test_a_name_cut_short_is_completed_from_its_full_mention() -> None:
    text = ("قالت جماعة بوكو حرام إنها هاجمت. وهاجمت بوكو حرام قرية. وأعرب الجيش السوري الحر عن دعمه، "
            "ثم قال الجيش السوري الحر إن الجيش، يتقدم. وقال رياك مشار إن رياك\nمشار سيعود.")
    spans = [_span(text, "بوكو حرام", "ORG"), _span(text, "بوكو", "ORG", "وهاجمت"), _span(text, "الجيش", "ORG"),
             _span(text, "السوري", "LOC"), _span(text, "الجيش السوري الحر", "ORG", "ثم"),
             _span(text, "الجيش", "ORG", "إن الجيش"), _span(text, "رياك مشار", "PER"), _span(text, "رياك", "PER", "إن رياك")]
    found = [(text[s.start:s.end], s.label) for s in complete_seen_names(text, spans)]
    assert found == [("بوكو حرام", "ORG"), ("بوكو حرام", "ORG"), ("الجيش السوري الحر", "ORG"),  # «السوري» absorbed
                     ("الجيش السوري الحر", "ORG"), ("الجيش", "ORG"),  # a comma stops it
                     ("رياك مشار", "PER"), ("رياك", "PER")]  # so does a line break
    # another type's full name does not complete it, and a span reaching past the name blocks it
    text = "زار فريق باريس سان جيرمان باريس سان جيرمان الفرنسي"
    spans = [_span(text, "باريس سان جيرمان", "ORG"), _span(text, "باريس", "LOC", "جيرمان باريس")]
    assert [text[s.start:s.end] for s in complete_seen_names(text, spans)] == ["باريس سان جيرمان", "باريس"]
    blocked = [_span(text, "باريس سان جيرمان", "ORG"), _span(text, "باريس", "ORG", "جيرمان باريس"),
               _span(text, "سان جيرمان الفرنسي", "MISC", "جيرمان باريس")]
    assert [text[s.start:s.end] for s in complete_seen_names(text, blocked)][1] == "باريس"


def test_a_proclitic_the_document_shows_bare_is_cut_and_offsets_stay_exact() -> None:
    text = "قال كلايف كريستيان إن الشركة نمت. وأضاف وكلايف كريستيان أن لسبكيم خططا، وسبكيم تتوسع. ووليد جنبلاط زار."
    spans = [_span(text, "كلايف كريستيان", "PER"), _span(text, "وكلايف كريستيان", "PER"), _span(text, "لسبكيم", "ORG"),
             _span(text, "سبكيم", "ORG", "وسبكيم"), _span(text, "ووليد جنبلاط", "PER")]
    entities, _ = build_entities(text, spans)
    assert [e.text for e in entities] == ["كلايف كريستيان", "كلايف كريستيان", "سبكيم", "سبكيم", "ووليد جنبلاط"]
    assert all(text[e.start:e.end] == e.text for e in entities)
    assert entities[1].start == text.index("وكلايف") + 1 and entities[0].canonical == entities[1].canonical
    # a one-word person may be another person: «كريم» and «ريم» stay two people
    text = "وقالت ريم إن كريم سافر."
    assert [text[s.start:s.end] for s in document_spans(text, [_span(text, "ريم", "PER"), _span(text, "كريم", "PER")])] \
        == ["ريم", "كريم"]
