"""News agencies and broadcasters whose names a NER model cuts or mistypes.

Acronyms written as Arabic letter names lose a letter that is also a common word: «إن» (N) reads
as the particle "that", so «سي إن إن» comes out as «سي إن», «إن إتش كيه» as «إتش كيه» and «إن بي
سي» as «بي سي». Agency names in a dateline («طوكيو (كيودو) -») read as places. :func:`media_spans`
finds the names of :data:`MEDIA_NAMES` in a text; :func:`apply_media_names` makes each one whole and
ORG: a predicted span that covers part of a name, or the name as another type, becomes the name as
ORG, and a name the model missed is added (every evaluation set tags these names ORG).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from nlpkit.models.ner import EntitySpan
from nlpkit.text.normalize import normalize, normalize_name
from nlpkit.text.tokenize import PROCLITICS, tokenize

Span = tuple[int, int]

MEDIA_NAMES = (
    "سي إن إن", "إن بي سي", "إن إتش كيه", "بي بي سي", "إيه بي سي", "سي بي إس", "إن بي آر", "سي إن بي سي",
    "إم بي سي", "إل بي سي", "إيه إف بي", "يو إس إيه توداي", "سي إن إن ترك", "تي آر تي",
    "كيودو", "رويترز", "شينخوا", "إنترفاكس", "نوفوستي", "سبوتنيك", "يونهاب", "بلومبرغ", "بلومبيرغ",
    "فرانس برس", "أسوشيتد برس", "أسوشييتد برس", "الجزيرة نت",
    "الجوهرة أف أم", "موزاييك أف أم", "شمس أف أم", "إكسبريس أف أم", "ديوان أف أم",
    "سكاي نيوز", "سكاي نيوز عربية", "فوكس نيوز", "عرب نيوز", "شفق نيوز", "السومرية نيوز", "يورونيوز",
    "واس", "سانا", "إرنا",
)
"""Agencies and broadcasters as Arabic news writes them (hamza and ى/ي spellings match by
:func:`normalize_name`; «إن»/«ان», «إتش»/«اتش» alike). Left out: names that are also places or words
(«الأناضول» is Anatolia as often as the agency, «الجزيرة» the island, «د ب أ» is O in ANERcorp)."""
SCORE = 1.0
MEDIA_WORDS = frozenset(normalize_name(word) for word in (
    "وكالة", "وكالات", "صحيفة", "صحف", "قناة", "شبكة", "موقع", "تلفزيون", "إذاعة", "مجلة"))
"""Words that name an outlet («وكالة الأنباء الفلسطينية», «صحيفة الإندبندنت»)."""
BODY_HEADS = frozenset(normalize_name(word) for word in ("وكالة", "وكالات", "شبكة"))
"""Outlet words that also head other bodies: «الوكالة الدولية للطاقة الذرية», «وكالة الاستخبارات المركزية», «الشبكة
السورية لحقوق الإنسان». After them a definite word or one with «ل» names such a body, unless a news word says
otherwise (:data:`NEWS_WORDS`); a bare name («وكالة تسنيم», «شبكة سي إن إن») is an outlet."""
NEWS_WORDS = frozenset(normalize_name(word) for word in (
    "الأنباء", "أنباء", "للأنباء", "الصحافة", "الإعلام", "للإعلام", "الأناضول", "الرسمية"))
"""Words that keep a :data:`BODY_HEADS` name an outlet («وكالة الأنباء السعودية», «وكالة الصحافة الفرنسية»)."""
RADIO = (normalize_name("أف"), normalize_name("أم"))
"""«أف أم» (FM) closing a name makes it a radio station («الجوهرة أف أم»)."""
NEWS = normalize_name("نيوز")
"""«نيوز» (News) closing a name of two words or more makes it an outlet («شفق نيوز»)."""
QUOTE_PAIRS = {'"': '"', "«": "»", "“": "”"}
_QUOTES = "".join({*QUOTE_PAIRS, *QUOTE_PAIRS.values()}) + "'"
OUTLET_WINDOW = 16
"""Characters before an entity searched for the outlet word that names it (:func:`named_as_outlet`)."""


@lru_cache(maxsize=1)
def _name_keys() -> dict[tuple[str, ...], int]:
    """Word keys of each name → its length in words."""
    return {tuple(normalize_name(word) for word in name.split()): len(name.split()) for name in MEDIA_NAMES}


def is_media(name: str, before: str = "") -> bool:
    """True when ``name`` is an outlet: one of :data:`MEDIA_NAMES`, a name closing with «أف أم» or «نيوز», a name opening with a
    :data:`MEDIA_WORDS` word, or one written right after such a word (``before``: the word before it, «وكالة» of
    «وكالة شينخوا»; with a proclitic, «لوكالة», too). «وكالة», «شبكة» and their like also head other bodies
    (:data:`BODY_HEADS`)."""
    written = name.split()
    words = tuple(normalize_name(word) for word in written)
    if not words:
        return False
    if words in _name_keys() or words[-2:] == RADIO or (len(words) > 1 and words[-1] == NEWS):
        return True
    if words[0] in MEDIA_WORDS:
        return words[0] not in BODY_HEADS or _names_outlet(written[1:], words[1:])
    before = before.strip(_QUOTES)
    heads = {head for _, head in _readings(before)} if before else set()
    return any(head in MEDIA_WORDS and (head not in BODY_HEADS or _names_outlet(written, words)) for head in heads)


def named_as_outlet(text: str, start: int, name: str) -> bool:
    """True when the entity ``name`` starting at ``start`` of ``text`` is an outlet (:func:`is_media`), read with the
    word written before it, proclitics and quotes aside («لصحيفة "الشرق الأوسط"», «ووكالة رويترز»)."""
    before = [word for word in text[max(0, start - OUTLET_WINDOW):start].split() if word.strip(_QUOTES)]
    return is_media(name, before[-1] if before else "")


def _names_outlet(written: list[str], words: tuple[str, ...]) -> bool:
    """True when the words after «وكالة»/«شبكة» name an outlet: a news word among them, or a bare name first."""
    if any(word in NEWS_WORDS for word in words):
        return True
    first = normalize(written[0]).lstrip("\"«“'") if written else ""
    return bool(first) and not first.startswith(("ال", "ل"))


def _readings(word: str) -> list[tuple[int, str]]:
    """(characters of proclitic, name key) readings of ``word``: as written and without each proclitic."""
    readings = [(0, normalize_name(word))]
    readings += [(len(clitic), normalize_name(word[len(clitic):])) for clitic in PROCLITICS
                 if word.startswith(clitic) and len(word) - len(clitic) >= 2]
    return readings


def media_spans(text: str, sentences: Sequence[Span]) -> list[Span]:
    """Character spans of :data:`MEDIA_NAMES` in ``text`` (a proclitic on the first word left out), longest first."""
    names = _name_keys()
    longest = max(names.values())
    found: list[Span] = []
    for start, end in sentences:
        tokens = [t for t in tokenize(text[start:end], offset=start) if any(c.isalpha() for c in t.text)]
        keys = [normalize_name(t.text) for t in tokens]
        index = 0
        while index < len(tokens):
            match = next(((width, cut) for width in range(min(longest, len(tokens) - index), 0, -1)
                          for cut, first in _readings(tokens[index].text)
                          if (first, *keys[index + 1:index + width]) in names), None)
            if match is None:
                index += 1
                continue
            width, cut = match
            found.append(_closed(text, tokens[index].start + cut, tokens[index + width - 1].end))
            index += width
    return found


def _closed(text: str, start: int, end: int) -> Span:
    """``(start, end)``, taking in the closing quote of a quote mark opened inside the name («الجوهرة "اف ام"»)."""
    inside = text[start:end]
    for opening, closing in QUOTE_PAIRS.items():
        unclosed = inside.count(opening) - inside.count(closing) if opening != closing else inside.count(opening) % 2
        if unclosed > 0 and text[end:end + 1] == closing:
            return start, end + 1
    return start, end


def apply_media_names(spans: Sequence[EntitySpan], names: Sequence[Span]) -> list[EntitySpan]:
    """``spans`` with each media name in ``names`` whole and ORG, sorted by offset.

    Spans that overlap a name and lie inside it are replaced by the name; a span that reaches
    beyond it (the model's longer reading, «بي بي سي عربي») is kept as it is.
    """
    kept = list(spans)
    added: list[EntitySpan] = []
    for start, end in names:
        overlapping = [s for s in kept if s.start < end and start < s.end]
        if any(s.start < start or s.end > end for s in overlapping):
            continue
        if len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end) == (start, end):
            kept[kept.index(overlapping[0])] = replace(overlapping[0], label="ORG")
            continue
        kept = [s for s in kept if s not in overlapping]
        added.append(EntitySpan(start, end, "ORG", SCORE))
    return sorted([*kept, *added], key=lambda s: (s.start, s.end))
