"""Drop relational (nisba) adjectives that a model tagged as entities: «اليابانى», «الروسية».

The guidelines (``seeds/GUIDELINES.md``) do not count nationality adjectives as entities, but
small models often tag them. A one-word mention is dropped when its name key, less a nisba
ending (ي, ية, يين, يون, يان), is the key of a place or other entity of the same document
(«اليابان» → «اليابانى»), or that stem plus ا or يا is («أمريكا» → «الأمريكي», «روسيا» → «الروسية»).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from nlpkit.models.ner import EntitySpan
from nlpkit.text.mentions import is_nisba
from nlpkit.text.normalize import normalize_name


def drop_nisba(text: str, spans: Sequence[EntitySpan], places: Collection[str] = ()) -> list[EntitySpan]:
    """``spans`` without one-word mentions that are nisba adjectives of a place or another mention."""
    keys = [normalize_name(text[s.start:s.end]) for s in spans]
    names = set(places) | {key for key in keys if key}
    return [span for span, key in zip(spans, keys, strict=True) if not is_nisba(key, names - {key})]
