"""One name per state: the forms news write a country in, and the name nlpkit shows for it.

CLDR (through Babel) gives one Arabic name per territory («الولايات المتحدة», «المملكة العربية
السعودية»); news also write «أمريكا», «أميركا», «الولايات المتحدة الأمريكية», «السعودية». Every
form of a state maps to one display name, the name the news stance annotations use as target
(``training/data/news_stance/ANNOTATE.md``): CLDR's name, or the short form of :data:`CANONICAL`.
:mod:`nlpkit.analysis.canonical` groups the forms into one entity with that name (so one stance
target per state, and a state is never asked about itself under another name), and the place
gazetteer reads a state name that the model typed ORG as LOC, as the guidelines and ANERcorp do.
"""

from __future__ import annotations

from functools import lru_cache

from nlpkit.text.normalize import normalize_name

NOT_STATES = frozenset({"001", "EU", "EZ", "UN", "ZZ", "QO"})
"""CLDR territory codes that are not states (organisations, unknown, the world)."""
CANONICAL = {"PS": "فلسطين", "OM": "سلطنة عمان", "SA": "السعودية", "AE": "الإمارات", "GB": "بريطانيا",
             "SY": "سوريا", "KP": "كوريا الشمالية", "KR": "كوريا الجنوبية"}
"""Display names where news use another form than CLDR's («السعودية» for «المملكة العربية السعودية»)."""
ALIASES = {
    "US": "أمريكا|أميركا|الولايات المتحدة الأمريكية|الولايات المتحدة الأميركية",
    "RU": "روسيا الاتحادية", "PS": "فلسطين|دولة فلسطين", "SA": "السعودية|المملكة العربية السعودية",
    "AE": "الإمارات|دولة الإمارات|الإمارات العربية المتحدة", "KW": "دولة الكويت", "OM": "سلطنة عمان",
    "BH": "مملكة البحرين", "MA": "المملكة المغربية", "JO": "المملكة الأردنية|المملكة الأردنية الهاشمية",
    "GB": "بريطانيا", "SY": "سورية|الجمهورية العربية السورية", "NL": "هولندا", "QA": "دولة قطر",
    "EG": "جمهورية مصر العربية", "IR": "الجمهورية الإسلامية الإيرانية", "TN": "الجمهورية التونسية",
    "DZ": "الجمهورية الجزائرية", "YE": "الجمهورية اليمنية", "IQ": "جمهورية العراق", "LB": "الجمهورية اللبنانية",
    "CN": "جمهورية الصين الشعبية|الصين الشعبية", "SD": "جمهورية السودان", "TR": "الجمهورية التركية",
}
"""Other forms of a state's own name (capitals and metonyms are :mod:`nlpkit.analysis.targets`' business)."""
CAPITALS = {
    "US": "واشنطن", "CN": "بكين|بيجين", "TR": "أنقرة", "IN": "نيودلهي|نيو دلهي", "PK": "إسلام آباد",
    "AE": "أبوظبي|أبو ظبي", "KR": "سيول", "KP": "بيونغيانغ|بيونغ يانغ", "QA": "الدوحة", "BH": "المنامة",
    "MA": "الرباط", "YE": "صنعاء", "CA": "أوتاوا", "AU": "كانبيرا", "BR": "برازيليا",
}
"""Capitals that CLDR's time-zone cities lack («واشنطن», «بكين», «أنقرة»), for :func:`capital_countries`."""
AMBIGUOUS = frozenset({normalize_name("عمان")})
"""Name keys that are also another place: «عمان» is Oman and Amman, so it is left as written."""


@lru_cache(maxsize=1)
def state_names() -> dict[str, str]:
    """Name key (:func:`normalize_name`) of every form of a state → the state's display name.

    Raises:
        ImportError: Babel is not installed (``pip install babel``).
    """
    try:
        from babel import Locale
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("State names need Babel (CLDR data): pip install babel") from error

    names: dict[str, str] = {}
    for code, name in Locale("ar").territories.items():
        if code in NOT_STATES or not name:
            continue
        display = CANONICAL.get(code, name)
        for form in (name, display, *filter(None, ALIASES.get(code, "").split("|"))):
            key = normalize_name(form)
            if key and key not in AMBIGUOUS:
                names.setdefault(key, display)
    return names


def capital_countries() -> dict[str, str]:
    """Name key of each capital of :data:`CAPITALS` → the name key of its state's CLDR name.

    Raises:
        ImportError: Babel is not installed (``pip install babel``).
    """
    from babel import Locale

    territories = Locale("ar").territories
    return {normalize_name(capital): normalize_name(territories[code])
            for code, capitals in CAPITALS.items() for capital in capitals.split("|")}
