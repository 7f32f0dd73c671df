"""Matching normalisation for Arabic text, with a map back to the original offsets.

Normalisation is for *matching* (gazetteers, canonical entities, deduplication), never for
display: results always carry offsets into the untouched input, and
:func:`normalize_with_map` says where each normalised character came from.

Choices (one character in, zero or more out, never depending on context):

- removed: tatweel U+0640; harakat and other Arabic combining marks (U+0610–U+061A,
  U+064B–U+065F, U+0670, U+06D6–U+06ED, U+08D3–U+08FF); zero-width and bidi controls
  (U+200B–U+200F, U+202A–U+202E, U+2060, U+2066–U+2069, U+FEFF, U+061C) and the soft hyphen;
- alef forms أ إ آ ٱ ٲ ٳ → ا; ى and Persian ی → ي; ة and the heh variants ۀ ہ ە → ه;
  ؤ → و; ئ → ي (the hamza seat is spelled inconsistently in news, e.g. «مسائل»/«مسايل»);
  Persian keheh ک → ك;
- Arabic-Indic and Persian digits → ASCII; Arabic decimal/thousands separators ٫ ٬ → . ,;
- Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFC, e.g. the ligature ﻻ) → their
  NFKC letters, then the rules above;
- ``casefold=True`` also case-folds every cased script (Latin, Greek, Cyrillic).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from nlpkit.text._unicode import is_mark

_REMOVED_RANGES = (
    (0x00AD, 0x00AD),
    (0x0610, 0x061A),
    (0x061C, 0x061C),
    (0x0640, 0x0640),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x08D3, 0x08FF),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2060),
    (0x2066, 0x2069),
    (0xFEFF, 0xFEFF),
)
_LETTER_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ە": "ه",
    "ؤ": "و",
    "ک": "ك",
    "\u066b": ".", "\u066c": ",",
}
_PRESENTATION_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFC))


def _build_table() -> dict[int, str]:
    """Build the one-character-to-string table used by :func:`normalize` and :func:`normalize_with_map`."""
    table: dict[int, str] = {}
    for first, last in _REMOVED_RANGES:
        for code in range(first, last + 1):
            table[code] = ""
    for source, target in _LETTER_MAP.items():
        table[ord(source)] = target
    for digit in range(10):
        table[0x0660 + digit] = str(digit)
        table[0x06F0 + digit] = str(digit)
    for first, last in _PRESENTATION_RANGES:
        for code in range(first, last + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if folded != chr(code):
                table[code] = "".join(table.get(ord(char), char) for char in folded)
    return table


_TABLE = _build_table()


def normalize(text: str, *, casefold: bool = False) -> str:
    """Return the matching form of ``text`` (see the module docstring for the rules).

    Args:
        text: any string.
        casefold: also case-fold Latin (and other cased scripts).

    Returns:
        The normalised string; equal to ``normalize_with_map(text, casefold=casefold).text``.
    """
    result = text.translate(_TABLE)
    return result.casefold() if casefold else result


@dataclass(frozen=True)
class NormalizedText:
    """A normalised string and, for each of its characters, the original span it came from.

    ``starts[k]``/``ends[k]`` are the original start/end of normalised character ``k``
    (``ends`` includes combining marks removed right after it); ``starts`` has one extra
    entry, ``len(original)``, for the end position.
    """

    text: str
    original: str
    starts: tuple[int, ...] = field(repr=False)
    ends: tuple[int, ...] = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.text) + 1 or len(self.ends) != len(self.text):
            raise ValueError("NormalizedText: starts needs len(text) + 1 entries and ends len(text) entries.")

    def to_original(self, i: int, j: int) -> tuple[int, int]:
        """Map the normalised span ``[i, j)`` to the original span that produced it.

        A non-empty span covers whole original characters, including diacritics removed right
        after its last character; an empty span maps to an empty span at the same place.

        Raises:
            ValueError: if not ``0 <= i <= j <= len(text)``.
        """
        if not 0 <= i <= j <= len(self.text):
            raise ValueError(
                f"Span [{i}, {j}) is outside the normalised text (length {len(self.text)}); "
                "use 0 <= i <= j <= len(text)."
            )
        if i == j:
            return self.starts[i], self.starts[i]
        return self.starts[i], self.ends[j - 1]


def normalize_with_map(text: str, *, casefold: bool = False) -> NormalizedText:
    """Normalise ``text`` like :func:`normalize` and keep the offset map back to ``text``."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        out = _TABLE.get(ord(char), char)
        if casefold:
            out = out.casefold()
        if out:
            pieces.append(out)
            starts.extend([index] * len(out))
            ends.extend([index + 1] * len(out))
        elif is_mark(char):
            last = len(ends) - 1
            while last >= 0 and ends[last] == index:
                ends[last] = index + 1
                last -= 1
    starts.append(len(text))
    return NormalizedText("".join(pieces), text, tuple(starts), tuple(ends))


_NAME_LETTERS = str.maketrans({"ج": "غ", "گ": "غ", "ڤ": "ف", "ڥ": "ف", "پ": "ب"})
_NAME_SPELLINGS = (("اميرك", "امريك"),)
"""Letter orders news write both ways: «أميركا»/«أمريكا» and every word made from it («الأميركية»)."""
_NAME_WORD = re.compile(r"[^\W_]+")
_ABD = "عبد"
NAME_CACHE_SIZE = 1 << 16
"""Name keys remembered: the rules key the same words many times over a document (a pure function of its text)."""


@lru_cache(maxsize=NAME_CACHE_SIZE)
def normalize_name(text: str) -> str:
    """Return a phonetic key that groups transliteration variants of a name.

    On top of :func:`normalize` (with case folding): Latin accents are stripped; the definite
    article «ال» is removed at the start of a word when at least two letters remain; ج, غ and
    Persian گ collapse to غ (the /g/ of foreign names is written either way: «سيرجي»/«سيرغي»,
    «شويجو»/«شويغو»); ڤ → ف and پ → ب; «عبد» joins the word after it, as it is written both ways
    («عبد العزيز»/«عبدالعزيز», «عبد الله»/«عبدالله»); «أميرك…» is keyed as «أمريك…» («الأميركية»/«الأمريكية»).
    ك and ق stay distinct and long vowels are kept, so the key stays readable and does not merge unrelated
    names. Words are joined by one space.
    """
    folded = unicodedata.normalize("NFKD", normalize(text, casefold=True))
    folded = "".join(char for char in folded if not is_mark(char))
    keys: list[str] = []
    for word in _NAME_WORD.findall(folded):
        if keys and keys[-1] == _ABD:
            keys[-1] += word.translate(_NAME_LETTERS)
            continue
        if word.startswith("ال") and len(word) >= 4:
            word = word[2:]
        for written, key in _NAME_SPELLINGS:
            word = word.replace(written, key)
        keys.append(word.translate(_NAME_LETTERS))
    return " ".join(keys)
