"""Label sets of the library, per-source tag mapping tables, IOB2 helpers and the DATE pattern.

Every NER source is mapped onto ``PER ORG LOC DATE MISC``; a table value of ``None`` means the
source type becomes ``O``. ``ANNOTATED_TYPES`` says which library types a source annotates at all:
a token of a source lacking a type is no evidence of ``O`` for that type (see ``docs/DATA.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from nlpkit.text.lexicon import WEEKDAYS, YESTERDAY

NER_TYPES: tuple[str, ...] = ("PER", "ORG", "LOC", "DATE", "MISC")
NER_LABELS: tuple[str, ...] = ("O",) + tuple(f"{p}-{t}" for t in NER_TYPES for p in ("B", "I"))
STANCE_LABELS: tuple[str, ...] = ("FAVOR", "AGAINST", "NONE")

ANERCORP_MAP: Mapping[str, str | None] = {"PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}

WOJOOD_MAP: Mapping[str, str | None] = {
    "PERS": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "DATE": "DATE",
    "TIME": "DATE",
    "EVENT": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "WEBSITE": "MISC",
    "NORP": None,
    "OCC": None,
    "LANGUAGE": None,
    "CARDINAL": None,
    "ORDINAL": None,
    "PERCENT": None,
    "QUANTITY": None,
    "UNIT": None,
    "MONEY": None,
    "CURR": None,
}

FANE_MAP: Mapping[str, str | None] = {
    # people (ACE PER); FANE's "Police" class holds people (Amelia Earhart, Napoleon), not agencies
    "Politician": "PER",
    "Athlete": "PER",
    "Artist": "PER",
    "Scientist": "PER",
    "Businessperson": "PER",
    "Engineer": "PER",
    "Lawyer": "PER",
    "Police": "PER",
    "Religious_PER": "PER",
    "Other_PER": "PER",
    # groups of people by nation/religion (العرب, المسلمين): not entities in nlpkit, as in ANERcorp
    "Group": None,
    # organisations (ACE ORG)
    "Government": "ORG",
    "Non-Governmental": "ORG",
    "Media": "ORG",
    "Commercial": "ORG",
    "Educational": "ORG",
    "Sports": "ORG",
    "Religious_ORG": "ORG",
    "Medical-Science": "ORG",
    "Entertainment": "ORG",
    # geopolitical entities, locations and facilities (ACE GPE, LOC, FAC)
    "Nation": "LOC",
    "Population-Center": "LOC",
    "State-or-Province": "LOC",
    "County-or-District": "LOC",
    "GPE-Cluster": "LOC",
    "Continent": "LOC",
    "Water-Body": "LOC",
    "Land-Region-Natural": "LOC",
    "Celestial": "LOC",
    "Building-Grounds": "LOC",
    "Airport": "LOC",
    "Path": "LOC",
    "Subarea-Facility": "LOC",
    "Plant": "LOC",
    # named vehicles, works and products (ACE VEH, PRO)
    "Air": "MISC",
    "Land": "MISC",
    "Water": "MISC",
    "Book": "MISC",
    "Movie": "MISC",
    "Sound": "MISC",
    "Software": "MISC",
    "Hardware": "MISC",
    # dishes and drug substances are common nouns (المنسف, الاسبرين)
    "Food": None,
    "Drug": None,
    # weapons (ACE WEA): named systems are MISC; blunt/sharp ones are generic tools (الرمح, المقصلة)
    "Projectile": "MISC",
    "Shooting": "MISC",
    "Nuclear": "MISC",
    "Exploding": "MISC",
    "Chemical": "MISC",
    "Blunt": None,
    "Sharp": None,
}

ANNOTATED_TYPES: Mapping[str, tuple[str, ...]] = {
    "anercorp": ("PER", "ORG", "LOC", "MISC"),
    "newsfane": ("PER", "ORG", "LOC", "MISC"),
    "wikifane": ("PER", "ORG", "LOC", "MISC"),
    "wojood": NER_TYPES,
    "seeds": NER_TYPES,
}


def map_tag(tag: str, table: Mapping[str, str | None], source: str) -> str:
    """Map one source IOB tag (``B-PERS``) to a library tag (``B-PER``) with ``table``.

    Raises:
        ValueError: the tag is malformed or its type is not in ``table`` (the data changed).
    """
    if tag == "O":
        return "O"
    prefix, _, kind = tag.partition("-")
    if prefix not in ("B", "I") or kind not in table:
        raise ValueError(f"{source}: unknown tag {tag!r}; add its type to the mapping table in nlpkit/data/labels.py.")
    ours = table[kind]
    return "O" if ours is None else f"{prefix}-{ours}"


def repair_iob(tags: Sequence[str]) -> list[str]:
    """Return IOB2 tags where every ``I-X`` not preceded by ``B-X``/``I-X`` becomes ``B-X``."""
    fixed: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def is_valid_iob2(tags: Sequence[str]) -> bool:
    """True when every tag is in :data:`NER_LABELS` and every ``I-X`` continues an ``X`` entity."""
    previous = "O"
    for tag in tags:
        if tag not in NER_LABELS:
            return False
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


def entity_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Return ``(type, start, end)`` token spans (end exclusive) of IOB2 ``tags``."""
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][2] != i or spans[-1][0] != tag[2:])):
            spans.append((tag[2:], i, i + 1))
        elif tag.startswith("I-"):
            kind, start, _ = spans[-1]
            spans[-1] = (kind, start, i + 1)
    return spans


def drop_unannotated(tags: Sequence[str], annotated_types: Sequence[str]) -> list[str]:
    """Map tags of types a source does not annotate to ``O`` (for scoring predictions on it)."""
    return [tag if tag == "O" or tag[2:] in annotated_types else "O" for tag in tags]


# --- DATE pattern --------------------------------------------------------------------------

_STRIP = re.compile("[\u064b-\u0652\u0670\u0640\u200e\u200f]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


def _norm(token: str) -> str:
    """Matching form: no diacritics/tatweel, one alef, ى→ي, ة→ه, Western digits, lower case."""
    token = _STRIP.sub("", token).translate(_DIGITS).lower()
    return re.sub("[أإآٱ]", "ا", token).replace("ى", "ي").replace("ة", "ه")


def _forms(words: str) -> frozenset[str]:
    return frozenset(_norm(w) for w in words.split())


_MONTHS = _forms(
    # Modern Standard (Egypt, Gulf)
    "يناير فبراير أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر ديسمبر "
    # Maghreb (Tunisia, Algeria; Morocco)
    "جانفي فيفري أفريل جوان جويلية أوت يوليوز غشت شتنبر نونبر دجنبر "
    # Levant and Iraq (Syriac names)
    "كانون شباط آذار نيسان أيار حزيران تموز أيلول تشرين "
    # Hijri months that are not common words
    "جمادى شعبان رمضان شوال "
    # English (datelines)
    "january february march april june july august september october november december"
)
# month names that are also ordinary words (father, practised, spring, forbidden, zero, a name)
_AMBIGUOUS_MONTHS = _forms("آب مارس ماي ربيع محرم صفر رجب")
_MONTH_SECOND = _forms("الأول الاول الثاني الآخر الأولى الآخرة الاخرة القعدة الحجة")
_MONTH_FIRST = _forms("كانون تشرين ربيع جمادى ذو ذي")
_WEEKDAYS = _forms(" ".join(WEEKDAYS))
_RELATIVE_DAYS = _forms(" ".join(YESTERDAY) + " البارحة غدا غداً")
_PERIODS = _forms("الأسبوع الشهر العام السنة الصيف الشتاء الربيع الخريف")
_PERIOD_AFTER = _forms("الماضي الماضية المقبل المقبلة القادم القادمة الحالي الحالية الجاري الجارية المنصرم")
_YEAR_WORDS = _forms("عام العام سنة السنة لعام وعام لسنة")
_DATE_LEADERS = _forms("اليوم يوم بتاريخ تاريخ منذ")
_ERA = _forms("م ه هـ ق.م ميلادي هجري ميلادية هجرية")
_OPENERS = frozenset("([")
_CLOSERS = frozenset(")]")
_NOT_YEAR_AFTER = _forms("القرار قرار للقرار بالقرار رقم الرقم")
_PREFIXES = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")

_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2}|2100)(م|ه)?$")
_DAY = re.compile(r"^([1-9]|[12][0-9]|3[01])(st|nd|rd|th)?,?$")
_NUMERIC_DATE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}([/.\-]\d{1,4})?$")
_SEPARATORS = frozenset("/-.")


def _in(word: str, forms: frozenset[str]) -> bool:
    """``word`` is in ``forms``, possibly behind proclitics (و ف ب ل ك, لل for ال)."""
    if word in forms:
        return True
    for prefix in _PREFIXES:
        rest = word[len(prefix):]
        if word.startswith(prefix) and len(rest) >= 3 and rest in forms:
            return True
    rest = word[1:] if word[:1] in ("و", "ف") else word
    return rest.startswith("لل") and "ال" + rest[2:] in forms


def date_like(tokens: Sequence[str]) -> list[bool]:
    """Mark the tokens a simple DATE pattern would tag as part of a date expression.

    Covers month names (MSA, Maghrebi such as جانفي/جوان, Levantine such as كانون الثاني/أيار,
    Hijri, English), years (1000–2100, not after «القرار»/«رقم»), day numbers next to a month,
    numeric dates (``12/4/1948`` as one token or split around ``/``), weekdays, أمس/غدا and
    relative periods ("الأسبوع الماضي", "هذا الشهر"); then it grows each marked stretch over
    leaders («عام», «بتاريخ», «يوم», «منذ»), era marks (م، هـ), brackets and «الجاري» after a
    month. Used to mask the loss on sources that do not annotate DATE; recall before precision.
    """
    words = [_norm(t) for t in tokens]
    n = len(words)
    marks = [False] * n

    def num(i: int) -> bool:
        return 0 <= i < n and words[i].isdigit()

    def year(i: int) -> bool:
        return 0 <= i < n and bool(_YEAR.match(words[i])) and (i == 0 or words[i - 1] not in _NOT_YEAR_AFTER)

    def day(i: int) -> bool:
        return 0 <= i < n and bool(_DAY.match(words[i]))

    month = [_in(w, _MONTHS) for w in words]
    for i, w in enumerate(words):
        if _in(w, _AMBIGUOUS_MONTHS) and (day(i - 1) or year(i + 1)):
            month[i] = True
    for i in range(n - 1):
        if _in(words[i], _MONTH_FIRST) and words[i + 1] in _MONTH_SECOND:
            month[i] = month[i + 1] = True

    for i, w in enumerate(words):
        if month[i] or year(i) or _NUMERIC_DATE.match(w) or _in(w, _WEEKDAYS) or _in(w, _RELATIVE_DAYS):
            marks[i] = True
        if month[i]:
            if day(i - 1):
                marks[i - 1] = True
            if i >= 2 and words[i - 1] == "من" and day(i - 2):
                marks[i - 2] = marks[i - 1] = True
        if i + 1 < n and _in(w, _PERIODS) and words[i + 1] in _PERIOD_AFTER:
            marks[i] = marks[i + 1] = True
        if i + 1 < n and w in ("هذا", "هذه") and _in(words[i + 1], _PERIODS):
            marks[i] = marks[i + 1] = True
        if i + 4 < n and num(i) and words[i + 1] in _SEPARATORS and num(i + 2) and words[i + 3] in _SEPARATORS and num(i + 4):
            for j in range(i, i + 5):
                marks[j] = True
    changed = True
    while changed:
        changed = False
        for i, w in enumerate(words):
            after = i + 1 < n and marks[i + 1]
            before = i >= 1 and marks[i - 1]
            grows = (
                (after and (w in _OPENERS or _in(w, _YEAR_WORDS) or _in(w, _DATE_LEADERS)))
                or (before and (w in _CLOSERS or w in _ERA))
                or (i >= 1 and month[i - 1] and w in _PERIOD_AFTER)
            )
            if grows and not marks[i]:
                marks[i] = changed = True
    return marks


def date_mask(tokens: Sequence[str], tags: Sequence[str], annotated_types: Sequence[str]) -> list[bool]:
    """True where training must ignore the loss (label -100).

    Only a source that does not annotate DATE gets a mask: its ``O`` tokens that
    :func:`date_like` marks are not evidence that they are not a date.
    """
    if "DATE" in annotated_types:
        return [False] * len(tokens)
    return [like and tag == "O" for like, tag in zip(date_like(tokens), tags)]
