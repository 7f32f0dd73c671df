"""Office titles in a document: which state an official serves, and whom a title said alone names.

News introduces an official once with title and name («وزير الخارجية عادل الجبير») and then often
uses the title alone («وقال وزير الخارجية في تصريح …»). :func:`official_titles` reads the title
words of each person (the stance pairs use them: an official is not asked about their own state);
:func:`title_mentions` finds the later bare titles and turns each into a mention of the person the
document gave that title to, so that the holder rules can name who speaks.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from nlpkit.results import Entity
from nlpkit.text.normalize import normalize, normalize_name
from nlpkit.text.tokenize import Token, tokenize

OFFICE_WORDS = frozenset(normalize_name(word) for word in (
    "رئيس", "رئيسة", "وزير", "وزيرة", "ملك", "أمير", "ولي", "سفير", "سفيرة", "مندوب", "مندوبة", "متحدث", "متحدثة",
    "ناطق", "نائب", "مستشار", "مستشارة", "خادم"))
"""Offices that make a person speak for a state named in their title («الرئيس الروسي», «رئيس وزراء اليابان»);
«خادم» opens the Saudi king's title «خادم الحرمين الشريفين»."""
TITLE_STOPS = frozenset(normalize_name(word)
                        for word in ("في", "لدى", "إلى", "الى", "عن", "من", "مع", "باسم", "سابق", "سابقا"))
"""Words that end a title («السفير الروسي في طوكيو»: the ambassador is Russia's, not Japan's)."""
TITLE_WINDOW = 5
TITLE_SPAN = 8
"""Words read before a name for :func:`title_mentions` («نائب خادم الحرمين الشريفين ولي العهد الأمير …»)."""
HONORIFICS = frozenset(normalize_name(word) for word in (
    "معالي", "سمو", "فخامة", "الشيخ", "الدكتور", "السيد", "السيدة", "سيادة", "جلالة", "سعادة", "المهندس", "صاحب",
    "الملكي", "الشريفين"))
"""Courtesy words around a title or before a name («وقال معالي وزير الخارجية», «وزير خارجية البحرين الشيخ خالد»,
«صاحب السمو الملكي الأمير»), and «الشريفين», which the Saudi king's title «خادم الحرمين الشريفين» drops as often as
it keeps: left out of title keys."""
ROYAL_WORDS = frozenset(normalize_name(word) for word in ("الملك", "الأمير"))
"""Office words that go with the title before them («خادم الحرمين الشريفين الملك سلمان»)."""
NEAR_SPANS = 8
NAME_GAP = 4
"""Words after a title within which a name makes it that name's title, not a mention of its own."""
MIN_TITLE_WORDS = 2
"""A title needs a word besides the office («وزير الخارجية»): «الرئيس» alone could be anyone's."""


def official_titles(text: str, entities: Sequence[Entity]) -> dict[str, frozenset[str]]:
    """PER canonical name → the name keys of the words after an office word in the titles of its mentions.

    «وقال الرئيس الروسي فلاديمير بوتين» gives «فلاديمير بوتين» → {«روسي»}; «رئيس وزراء اليابان فوميو كيشيدا»
    gives {«وزراء», «يابان»}. The title is read as :func:`title_mentions` reads it (back from the name over title
    words, never across punctuation or another person's name), from its last office word on, up to a
    :data:`TITLE_STOPS` word. :meth:`nlpkit.analysis.targets.Target.is_official` reads them: an official's stance
    toward their own state is not asked, as the annotation guidelines label it NONE.
    """
    tokens, keys, starts, named, in_names = _indexed(text, entities)
    titles: dict[str, set[str]] = {}
    for entity, office, first in _titled_people(text, tokens, keys, starts, named, in_names, entities):
        last = max(index for index in range(office, first) if keys[index] in OFFICE_WORDS)
        after = [keys[index] for index in range(last + 1, first) if keys[index] not in HONORIFICS]
        stop = next((i for i, word in enumerate(after) if word in TITLE_STOPS), len(after))
        if after[:stop]:
            titles.setdefault(entity.canonical, set()).update(after[:stop])
    return {name: frozenset(words) for name, words in titles.items()}


def _indexed(text: str, entities: Sequence[Entity]) -> tuple[list[Token], list[str], list[int], set[int], set[int]]:
    """The word tokens of ``text``, their name keys and starts, and the tokens that persons and other entities
    cover."""
    tokens = [token for token in tokenize(text) if any(char.isalnum() for char in token.text)]
    starts = [token.start for token in tokens]
    named = _covered_tokens(starts, [entity for entity in entities if entity.label == "PER"])
    in_names = _covered_tokens(starts, [entity for entity in entities if entity.label != "PER"])
    return tokens, [normalize_name(token.text) for token in tokens], starts, named, in_names


def title_mentions(text: str, entities: Sequence[Entity]) -> list[Entity]:
    """Bare titles that name one person of the document, as PER mentions of that person.

    A title is the run of words from the first office word (:data:`OFFICE_WORDS`) right before a PER
    mention, within :data:`TITLE_SPAN` words and after any other person, up to a :data:`TITLE_STOPS` word,
    courtesy words (:data:`HONORIFICS`) left out: «وزير الخارجية عادل الجبير» gives «وزير الخارجية» →
    «عادل الجبير». Of two whole titles in a row only the one next to the name counts («نائب المستشارة الألمانية وزير
    الاقتصاد» gives «وزير الاقتصاد»: the words before may be another person's title, the subject of a verb whose
    object is the name); a bare «الملك» or «الأمير» before the name leaves the titles before it to the name
    («نائب خادم الحرمين الشريفين ولي العهد الأمير محمد بن نايف»). Elsewhere in the document
    the same title (compared by name key, so «الأمريكي»/«الأميركي» match), not followed by a name or by more of a
    title, not overlapping a person or cutting through another entity, and not after another office word («نائب
    خادم الحرمين الشريفين» is not the king), becomes a mention of that person. A title the document gives to two
    people names neither. A title is matched whole: «وزير الخارجية السعودي» does not make «وزير الخارجية» said
    alone his (measured: it names the wrong minister as often as the right one).
    """
    tokens, keys, starts, named, in_names = _indexed(text, entities)
    people, defining = _people_by_title(text, tokens, keys, starts, named, in_names, entities)
    if not people:
        return []
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for title, person in people.items():
        by_first.setdefault(title[0], []).append((title, person))
    others = sorted((entity.start, entity.end) for entity in entities if entity.label != "PER")
    other_starts = [start for start, _ in others]
    people_spans = sorted((entity.start, entity.end) for entity in entities if entity.label == "PER")
    person_starts = [start for start, _ in people_spans]
    found: list[Entity] = []
    index = 0
    while index < len(tokens):
        candidates = by_first.get(keys[index])
        match = None if not candidates or index in defining or (index and keys[index - 1] in OFFICE_WORDS) \
            else _match(keys, index, candidates)
        if match is None:
            index += 1
            continue
        end, person = match
        start, stop = tokens[index].start, tokens[end - 1].end
        if (not _name_follows(text, tokens, end, person_starts)
                and not _title_continues(text, tokens, end, other_starts)
                and not _clashes(start, stop, people_spans, others)):
            found.append(Entity(text[start:stop], "PER", start, stop, 1.0, person))
        index = end
    return found


def _match(keys: Sequence[str], index: int, candidates: Sequence[tuple[tuple[str, ...], str]]
           ) -> tuple[int, str] | None:
    """The first of the ``(title, person)`` candidates (longest first) that the words from ``index`` spell (courtesy
    words skipped, and taken into the match when they follow it): the index after the match and the person, or
    ``None``."""
    for title, person in candidates:
        position, matched = index, 0
        while position < len(keys) and matched < len(title):
            if keys[position] == title[matched]:
                matched += 1
            elif keys[position] not in HONORIFICS:
                break
            position += 1
        if matched == len(title):
            while position < len(keys) and keys[position] in HONORIFICS:
                position += 1
            return position, person
    return None


def opens_title(word: str) -> bool:
    """True when ``word`` is an office word that opens someone's title, not «الملك»/«الأمير» before a name
    («خادم الحرمين الشريفين الرئيس سيرجيو ماتاريلا»: the president is the king's guest)."""
    key = normalize_name(word)
    return key in OFFICE_WORDS and key not in ROYAL_WORDS


def _people_by_title(text: str, tokens: Sequence[Token], keys: Sequence[str], starts: Sequence[int], named: set[int],
                     in_names: set[int], entities: Sequence[Entity]) -> tuple[dict[tuple[str, ...], str], set[int]]:
    """Title (name keys) → the one PER canonical name the document gives it (titles given to two people dropped),
    longer titles first so that a match takes the whole title; and the token indices of the titles that name
    someone where they stand."""
    owners: dict[tuple[str, ...], set[str]] = {}
    defining: set[int] = set()
    for entity, office, first in _titled_people(text, tokens, keys, starts, named, in_names, entities):
        titles = _titles(keys[office:first])
        if titles:
            defining.update(range(office, first))
        for title in titles:
            owners.setdefault(title, set()).add(entity.canonical)
    unique = {title: next(iter(names)) for title, names in owners.items() if len(names) == 1}
    return dict(sorted(unique.items(), key=lambda item: -len(item[0]))), defining


def _titled_people(text: str, tokens: Sequence[Token], keys: Sequence[str], starts: Sequence[int], named: set[int],
                   in_names: set[int], entities: Sequence[Entity]) -> Iterator[tuple[Entity, int, int]]:
    """Each PER mention with a title right before it: ``(mention, index of the title's first office word, index of
    the mention's first token)`` (:func:`_title_start`)."""
    for entity in entities:
        first = bisect.bisect_right(starts, entity.start) - 1
        if entity.label != "PER" or first < 0:
            continue
        office = _title_start(text, tokens, keys, first, named, in_names)
        if office is not None:
            yield entity, office, first


def _covered_tokens(starts: Sequence[int], entities: Sequence[Entity]) -> set[int]:
    """Indices of the tokens (by their sorted ``starts``) that ``entities`` cover."""
    return {index for entity in entities
            for index in range(max(0, bisect.bisect_right(starts, entity.start) - 1),
                               bisect.bisect_left(starts, entity.end))}


def _title_start(text: str, tokens: Sequence[Token], keys: Sequence[str], first: int, named: set[int],
                 in_names: set[int]) -> int | None:
    """Index of the office word that opens the title right before token ``first``, or ``None``.

    Read backwards over at most :data:`TITLE_SPAN` words that a title is made of: office words, courtesy words,
    :data:`TITLE_STOPS`, definite words («الخارجية»), words of a place or organisation («البحرين», «حزب الله»), a
    noun right after an office word («وزير خارجية») and a word right after a stop («السفير الروسي في طوكيو»). A comma may stand before the name, nothing else; another
    person's words end the title.
    """
    low = first
    while low > 0 and first - low < TITLE_SPAN and low - 1 not in named:
        between = text[tokens[low - 1].end:tokens[low].start].strip()
        if between and not (low == first and between in ",،"):
            break
        index = low - 1
        word = tokens[index].text
        if not (keys[index] in OFFICE_WORDS or keys[index] in HONORIFICS or keys[index] in TITLE_STOPS
                or word.startswith("ال") or index in in_names
                or (index and (keys[index - 1] in OFFICE_WORDS or keys[index - 1] in TITLE_STOPS))):
            break
        low = index
    return next((index for index in range(low, first) if keys[index] in OFFICE_WORDS), None)


def _titles(words: Sequence[str]) -> list[tuple[str, ...]]:
    """The titles a run of title words (name keys, from an office word) gives. When the office next to the name is a
    whole title, only that one («هنأ خادم الحرمين الشريفين رئيس الجمهورية الإيطالية سيرجيو ماتاريلا»: the king's
    title is not the president's); when it is «الملك» or «الأمير» alone («… الملك سلمان», «… ولي العهد الأمير محمد»),
    the whole run and each office before it; when it is another office word alone, none («هنأ خادم الحرمين الشريفين
    الرئيس سيرجيو ماتاريلا»: «الرئيس» opens the name of the king's guest). An office word alone before another
    («نائب», «مساعد») belongs to it."""
    stop = next((i for i, word in enumerate(words) if word in TITLE_STOPS), len(words))
    words = [word for word in words[:stop] if word not in HONORIFICS]
    units: list[list[str]] = []
    for word in words:
        if units and (word not in OFFICE_WORDS or all(part in OFFICE_WORDS for part in units[-1])):
            units[-1].append(word)
        else:
            units.append([word])
    if units and _full(units[-1]):
        return [tuple(units[-1])]
    if units and units[-1][-1] not in ROYAL_WORDS:
        return []
    return list(dict.fromkeys(title for title in [tuple(words)] + [tuple(unit) for unit in units] if _full(title)))


def _full(title: Sequence[str]) -> bool:
    """True when ``title`` has :data:`MIN_TITLE_WORDS` words or more and a word besides office words."""
    return len(title) >= MIN_TITLE_WORDS and not all(word in OFFICE_WORDS for word in title)


def _name_follows(text: str, tokens: Sequence[Token], end: int, person_starts: Sequence[int]) -> bool:
    """True when a PER mention starts within :data:`NAME_GAP` words after token ``end - 1``, with no punctuation
    between and no other title opened («الرئيس الأمريكي السابق جورج بوش» is Bush, whoever else the document calls
    «الرئيس الأمريكي»)."""
    for index in range(end, min(end + NAME_GAP, len(tokens))):
        if _punctuation_between(text, tokens[index - 1], tokens[index]) or opens_title(tokens[index].text):
            return False
        if _inside_any(person_starts, tokens[index].start, tokens[index].end):
            return True
    return False


def _clashes(start: int, stop: int, people: Sequence[tuple[int, int]], others: Sequence[tuple[int, int]]) -> bool:
    """True when ``start:stop`` overlaps a person's mention, or cuts through another entity (one that it holds
    whole, «حزب القوات اللبنانية» in «رئيس حزب القوات اللبنانية», is part of the title). Both lists are sorted."""
    return (any(a < stop and start < b for a, b in _near(people, start, stop))
            or any(start < b and not (start <= a and b <= stop) for a, b in _near(others, start, stop)))


def _near(spans: Sequence[tuple[int, int]], start: int, stop: int) -> Sequence[tuple[int, int]]:
    """The sorted ``spans`` that may overlap ``start:stop``: those starting before ``stop``, from the last
    :data:`NEAR_SPANS` that start before ``start`` on (mentions are short and rarely nest)."""
    first = bisect.bisect_left(spans, (start, start))
    return spans[max(0, first - NEAR_SPANS):bisect.bisect_left(spans, (stop, stop))]


def _title_continues(text: str, tokens: Sequence[Token], end: int, other_starts: Sequence[int]) -> bool:
    """True when a definite adjective («ال…ي», «ال…ية») or a place or organisation follows token ``end - 1`` directly
    (an object such as «العقوبات» does not): the title goes on
    («وزير الخارجية الحالي», «وزير الخارجية الروسي», «رئيس جمهورية نيبال») and is not the one matched. Another
    title opening there («خادم الحرمين الشريفين الرئيس …») does not continue it."""
    if end >= len(tokens) or _punctuation_between(text, tokens[end - 1], tokens[end]):
        return False
    if opens_title(tokens[end].text):
        return False
    word = normalize(tokens[end].text)
    adjective = len(word) > 4 and word.startswith("ال") and word.endswith(("ي", "يه"))
    return adjective or _inside_any(other_starts, tokens[end].start, tokens[end].end)


def _punctuation_between(text: str, left: Token, right: Token) -> bool:
    """True when anything but spaces stands between two word tokens («وزير الخارجية، عادل» has a comma)."""
    return bool(text[left.end:right.start].strip())


def _inside_any(sorted_starts: Sequence[int], start: int, end: int) -> bool:
    """True when one of ``sorted_starts`` lies in ``[start, end)``."""
    index = bisect.bisect_left(sorted_starts, start)
    return index < len(sorted_starts) and sorted_starts[index] < end
