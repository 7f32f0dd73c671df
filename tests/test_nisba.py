"""Nationality adjectives are not entities (seeds/GUIDELINES.md), even when a model tags them."""

from __future__ import annotations

from nlpkit.analysis.nisba import drop_nisba
from nlpkit.models.ner import EntitySpan
from nlpkit.text.mentions import is_nisba
from nlpkit.text.normalize import normalize_name


def test_nisba_adjectives_of_known_places() -> None:
    names = {normalize_name(n) for n in ("اليابان", "روسيا", "الصين", "أمريكا")}
    for adjective in ("اليابانى", "الياباني", "الروسي", "الروسية", "الروسيين", "الصينيين", "الأمريكي"):
        assert is_nisba(normalize_name(adjective), names), adjective
    for name in ("روسيا", "اليابان", "سوريا", "شويغو", "الولايات المتحدة"):
        assert not is_nisba(normalize_name(name), names - {normalize_name(name)}), name


def test_drop_keeps_names_and_drops_adjectives_in_a_seed_sentence() -> None:
    text = "صرح وزير الدفاع اليابانى إيتسونورى أونوديرا بأن المنظومة لا تشكل خطرا على روسيا واليابان"
    spans = [EntitySpan(text.index("اليابانى"), text.index("اليابانى") + 8, "LOC", 0.9),
             EntitySpan(text.index("إيتسونورى"), text.index("أونوديرا") + 8, "PER", 0.8),
             EntitySpan(text.index("روسيا"), text.index("روسيا") + 5, "LOC", 0.9),
             EntitySpan(text.rindex("اليابان"), len(text), "LOC", 0.9)]
    kept = [text[s.start:s.end] for s in drop_nisba(text, spans)]
    assert kept == ["إيتسونورى أونوديرا", "روسيا", "اليابان"]


def test_a_party_is_not_asked_about_itself() -> None:
    from nlpkit.analysis.targets import Target

    russia, japan = Target("روسيا"), Target("اليابان")
    assert russia.is_holder("وزارة الخارجية الروسية")
    assert russia.is_holder("روسيا")
    assert not japan.is_holder("وزارة الخارجية الروسية")
    assert japan.is_holder("الخارجية اليابانية") and not japan.is_holder(None)
