"""Character classes shared by the text modules (built once, at import).

Python's ``re`` has no ``\\p{M}``, and ``\\w`` does not match combining marks (Arabic harakat
are category ``Mn``), so the mark and format-character classes are built here from
``unicodedata`` over the Basic Multilingual Plane (marks outside it are very rare in news text).
"""

from __future__ import annotations

import unicodedata

TATWEEL = "\u0640"


def _class_body(predicate: str) -> str:
    """Return a regex character-class body for the BMP characters whose category starts with ``predicate``."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF or not unicodedata.category(chr(code)).startswith(predicate):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


MARK_CLASS = _class_body("M")
"""Combining marks (``Mn``, ``Mc``, ``Me``): harakat, shadda, Quranic marks, variation selectors."""

FORMAT_CLASS = _class_body("Cf")
"""Invisible format characters (``Cf``): ZWJ/ZWNJ, bidi marks and isolates, BOM, soft hyphen."""


def is_letter(char: str) -> bool:
    """True for a letter proper: category ``L*`` but not the tatweel (a stretching stroke)."""
    return char != TATWEEL and char.isalpha()


def is_mark(char: str) -> bool:
    """True for a combining mark (``M*``)."""
    return unicodedata.category(char).startswith("M")


def is_arabic_letter(char: str) -> bool:
    """True for a letter of the Arabic script blocks (not digits, punctuation or tatweel)."""
    code = ord(char)
    arabic = 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
    arabic = arabic or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF
    return arabic and is_letter(char)
