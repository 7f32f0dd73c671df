"""A gazetteer-backed entity ruler for places, from the Unicode CLDR data that Babel ships.

Arabic names of countries and territories (``Locale("ar").territories``) and of the exemplar
cities of time zones (``طوكيو``, ``موسكو``, ``القاهرة`` …) are matched on word sequences, with
proclitics split off (``وروسيا`` → ``روسيا``) and names compared by :func:`normalize_name`, so
spelling variants match too. The ruler fills gaps: a match that overlaps an entity the model
predicted is dropped, with one exception: a PER span the model is unsure of (score below
:data:`UNSURE_PERSON`) that is exactly a known place («وطوكيو» read as a person) becomes that
place. An ORG span that is exactly a state's name («السعودية», «الولايات المتحدة»; forms of
:func:`nlpkit.analysis.states.state_names`) is read as LOC, as the annotation guidelines and
ANERcorp tag a state acting as its government. News agencies and broadcasters
(:mod:`nlpkit.analysis.media`: «سي إن إن», «إن إتش كيه», «كيودو») are made whole and ORG first. It is
switchable (``nlpkit.load(gazetteer=False)``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from nlpkit.analysis.media import apply_media_names, media_spans
from nlpkit.analysis.states import capital_countries, state_names
from nlpkit.models.ner import EntitySpan
from nlpkit.text.lexicon import is_bare_head
from nlpkit.text.normalize import normalize_name
from nlpkit.text.tokenize import tokenize

Span = tuple[int, int]

# CLDR territory codes that are not places a reader would tag LOC (organisations, unknown, the world).
_NOT_PLACES = frozenset({"001", "EU", "EZ", "UN", "ZZ", "QO"})
MAX_WORDS = 4
RULE_SCORE = 1.0
UNSURE_PERSON = 0.75
FULL_NAME_WORDS = 3
"""A state's name of this many words or more («جمهورية مصر العربية») replaces the model's pieces inside it; shorter
forms («دولة قطر») do not, since the evaluation sets leave «دولة» out of the place (NewsFANE dev −0.009)."""
"""A PER span scored below this that is exactly a gazetteer place is read as the place (chosen on
NewsFANE/ANERcorp/Wojood dev with the accurate tier: 0.75 ≥ 0.5 ≥ off, by up to 0.3 F1 points)."""


COMMON_WORDS = frozenset({"مالي", "ترك", "عيون", "نوم", "صوفيا"})
"""Name keys of CLDR places that are also common Arabic words («مبلغ مالي» financial, «ترك» left, «بلا عيون»
eyes, «النوم» sleep, «صوفيا» a given name): the ruler adds them only after a word of :data:`PLACE_CUES` (the model
still may anywhere). Found by running the ruler over 1,500 ANT articles: «مالي»/«المالي» was its second most frequent
addition, nearly always "financial"."""
PLACE_CUES = frozenset(normalize_name(word) for word in (
    "في", "إلى", "دولة", "جمهورية", "شمال", "جنوب", "شرق", "غرب", "وسط", "حكومة", "رئيس", "سلطات", "جيش", "عاصمة"))
"""Words after which a :data:`COMMON_WORDS` key is the place («إلى مالي», «شمال مالي»)."""
NOT_BEFORE = {"مسقط": "راس"}
"""A place key that is not the place before a word starting so («مسقط رأسه»: his birthplace, not Muscat)."""
TEAM_WORDS = frozenset(normalize_name(word) for word in ("نادي", "ونادي", "منتخب", "ومنتخب", "فريق", "وفريق"))
"""Words after which a state's name is a club or a team («نادي قطر»), an organisation: its ORG type stays."""
TEAM_WINDOW = 20
"""Characters read before a state's name for a :data:`TEAM_WORDS` word (the longest is six letters)."""


def after_team_word(text: str, start: int) -> bool:
    """True when the word right before ``start`` is a :data:`TEAM_WORDS` word («نادي روما»): a club, not a place."""
    before = text[max(0, start - TEAM_WINDOW):start].split()
    return bool(before) and normalize_name(before[-1]) in TEAM_WORDS
ARTICLE_CLITICS = frozenset({"لل", "ولل", "فلل"})
"""Proclitic tokens that carry the article («للنوم» = ل + النوم)."""


@lru_cache(maxsize=1)
def _cldr_names() -> frozenset[str]:
    """Arabic names of CLDR territories and time-zone exemplar cities, as CLDR writes them.

    Raises:
        ImportError: Babel is not installed (``pip install babel``).
    """
    try:
        from babel import Locale
        from babel.dates import get_timezone_location
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("The place gazetteer needs Babel (CLDR data): pip install babel") from error
    import zoneinfo

    names = {name for code, name in Locale("ar").territories.items() if code not in _NOT_PLACES}
    for zone in zoneinfo.available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")):
            try:
                names.add(get_timezone_location(zone, locale="ar", return_city=True))
            except (LookupError, ValueError):
                continue
    return frozenset(name for name in names if name and len(name) > 2)


@lru_cache(maxsize=1)
def cldr_places() -> frozenset[str]:
    """Normalised Arabic place names from CLDR: territories and time-zone exemplar cities.

    Raises:
        ImportError: Babel is not installed (``pip install babel``).
    """
    keys = {normalize_name(name) for name in _cldr_names()}
    return frozenset(key for key in keys if 0 < len(key.split()) <= MAX_WORDS)


@lru_cache(maxsize=1)
def cldr_place_articles() -> dict[str, bool]:
    """Name key → whether CLDR writes the place with the article («الجزائر»: True, «مالي»: False).

    :func:`normalize_name` drops the article, so «المالي» (financial, Malian) has the key of «مالي» and
    «رياض» (gardens) that of «الرياض»; in news a place is written as CLDR writes it, so a word whose
    article does not match is not the place. Keys that CLDR writes both ways are left out.
    """
    forms: dict[str, set[bool]] = {}
    for name in _cldr_names():
        forms.setdefault(normalize_name(name), set()).add(name.startswith("ال"))
    return {key: next(iter(kinds)) for key, kinds in forms.items() if len(kinds) == 1}


@lru_cache(maxsize=1)
def cldr_city_countries() -> dict[str, str]:
    """Name key of a CLDR time-zone city or a capital CLDR lacks → name key of its country («طوكيو» → «يابان»,
    «واشنطن» → «ولايات متحده»; :data:`nlpkit.analysis.states.CAPITALS`).

    Used to read a city named as the actor of a sentence («طوكيو ترفض…») as its country's
    government when the country is a stance target of the same document.
    """
    from babel import Locale
    from babel.core import get_global
    from babel.dates import get_timezone_location

    territories = Locale("ar").territories
    mapping: dict[str, str] = {}
    for zone, territory in get_global("zone_territories").items():
        if territory in _NOT_PLACES or territory not in territories:
            continue
        try:
            city = get_timezone_location(zone, locale="ar", return_city=True)
        except (LookupError, ValueError):
            continue
        mapping.setdefault(normalize_name(city), normalize_name(territories[territory]))
    for capital, country in capital_countries().items():
        mapping.setdefault(capital, country)
    return mapping


def match_places(text: str, sentences: Sequence[Span], places: frozenset[str],
                 articles: dict[str, bool] | None = None) -> list[EntitySpan]:
    """LOC spans where a word sequence of a sentence is a known place (longest match first).

    Words that only look like a place are skipped: :data:`COMMON_WORDS`, :data:`NOT_BEFORE`, and,
    with ``articles`` (:func:`cldr_place_articles`), a place written with the article where CLDR
    writes it without («القطاع المالي») or the reverse («رياض الأطفال»).
    """
    found: list[EntitySpan] = []
    for start, end in sentences:
        tokens = [t for t in tokenize(text[start:end], split_clitics=True, offset=start) if any(c.isalpha() for c in t.text)]
        keys = [normalize_name(t.text) for t in tokens]
        index = 0
        while index < len(tokens):
            for width in range(min(MAX_WORDS, len(tokens) - index), 0, -1):
                key = " ".join(keys[index:index + width])
                if key in places and not _only_looks_like(key, tokens, keys, index, width, articles or {}):
                    found.append(EntitySpan(tokens[index].start, tokens[index + width - 1].end, "LOC", RULE_SCORE))
                    index += width
                    break
            else:
                index += 1
    return found


def _only_looks_like(key: str, tokens: Sequence, keys: Sequence[str], index: int, width: int,
                     articles: dict[str, bool]) -> bool:
    """True when the words at ``tokens[index:index + width]`` spell a place's key but are not the place."""
    if key in COMMON_WORDS and (index == 0 or keys[index - 1] not in PLACE_CUES):
        return True
    if key in NOT_BEFORE and index + width < len(keys) and keys[index + width].startswith(NOT_BEFORE[key]):
        return True
    with_article = tokens[index].text.startswith("ال") or (index > 0 and tokens[index - 1].text in ARTICLE_CLITICS)
    return key in articles and articles[key] != with_article


@dataclass
class GazetteerRuler:
    """Wraps an entity predictor and adds gazetteer places the model missed."""

    ner: object
    places: frozenset[str]
    articles: dict[str, bool] | None = None
    states: frozenset[str] = frozenset()
    media: bool = False

    @classmethod
    def from_cldr(cls, ner: object) -> GazetteerRuler:
        """The ruler that ``analyze()`` runs: CLDR places, matched with their article as CLDR writes it,
        state names read as LOC, and media names whole."""
        states = frozenset(state_names())
        forms = frozenset(key for key in states if FULL_NAME_WORDS <= len(key.split()) <= MAX_WORDS)
        return cls(ner, cldr_places() | forms, cldr_place_articles(), states, media=True)

    def predict_many(self, items: Sequence[tuple[str, Sequence[Span]]], *, batch_size: int | None = None) -> list[list[EntitySpan]]:
        """The wrapped predictor's spans plus non-overlapping gazetteer matches, sorted by offset
        (an unsure PER span that is exactly a place is replaced by the place; an ORG span that is
        exactly a state's name becomes LOC; with ``media``, agency and broadcaster names are made whole and ORG
        first)."""
        results = []
        for (text, sentences), spans in zip(items, self.ner.predict_many(items, batch_size=batch_size), strict=True):
            if self.media:
                spans = apply_media_names(spans, media_spans(text, sentences))
            matches = match_places(text, sentences, self.places, self.articles)
            exact = {(m.start, m.end) for m in matches}
            spans = [s for s in spans if not (s.label == "PER" and s.score < UNSURE_PERSON and (s.start, s.end) in exact)]
            spans = [replace(s, label="LOC") if self._is_state(text, s) else s for s in spans]
            spans = self._whole_state_names(text, spans, matches)
            spans = [span for span in spans if not is_bare_head(text[span.start:span.end])]
            taken = [(s.start, s.end) for s in spans]
            extra = [m for m in matches if not any(m.start < end and m.end > start for start, end in taken)]
            results.append(sorted([*spans, *extra], key=lambda s: (s.start, s.end)))
        return results

    def _whole_state_names(self, text: str, spans: list[EntitySpan], matches: Sequence[EntitySpan]) -> list[EntitySpan]:
        """``spans`` with the pieces of a state's full name («جمهورية» + «مصر العربية») replaced by the name.

        A match of :data:`FULL_NAME_WORDS` words or more that is a state's name replaces the model spans that lie
        inside it, when there is at least one and none reaches beyond it.
        """
        for match in matches:
            key = normalize_name(text[match.start:match.end])
            if key not in self.states or len(key.split()) < FULL_NAME_WORDS:
                continue
            inside = [s for s in spans if s.start < match.end and match.start < s.end]
            if inside and all(match.start <= s.start and s.end <= match.end for s in inside) and \
                    any((s.start, s.end) != (match.start, match.end) for s in inside):
                spans = sorted([s for s in spans if s not in inside] + [match], key=lambda s: (s.start, s.end))
        return spans

    def _is_state(self, text: str, span: EntitySpan) -> bool:
        """True for an ORG span that is exactly a state's name and not a club's or team's («نادي قطر»)."""
        if span.label != "ORG" or normalize_name(text[span.start:span.end]) not in self.states:
            return False
        return not after_team_word(text, span.start)

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Save the wrapped model (the gazetteer is package data, not part of the model)."""
        return self.ner.save_pretrained(directory)
