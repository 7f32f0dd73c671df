"""Tests for nlpkit.text.normalize: matching normalisation, offset map, name keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlpkit.text import NormalizedText, normalize, normalize_name, normalize_with_map

SEEDS = Path(__file__).parents[1] / "seeds"


def read_seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أَعْلَنَ", "اعلن"),
        ("إيتسونورى", "ايتسونوري"),
        ("آسيا ٱلله", "اسيا الله"),
        ("مسؤول رئيس", "مسوول رييس"),
        ("الخارجیة الروسیة", "الخارجيه الروسيه"),
        ("روســـيا", "روسيا"),
        ("ر\u200cو\u200dس\u200fي\u202bا\ufeff\u061c\u2067", "روسيا"),
        ("٢٠٢٤ و۱۹۵۶ و٣٫٥", "2024 و1956 و3.5"),
        ("\ufefb", "لا"),
        ("Sputnik RT", "Sputnik RT"),
    ],
)
def test_normalize_rules(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_casefold_is_optional() -> None:
    assert normalize("Sputnik ΣΑΣ Straße") == "Sputnik ΣΑΣ Straße"
    assert normalize("Sputnik ΣΑΣ Straße", casefold=True) == "sputnik σασ strasse"


def test_map_points_back_to_original_word_with_its_diacritics() -> None:
    original = "قال ﻻفروفُ، وَرُوسِيَا"
    mapped = normalize_with_map(original)
    assert mapped.text == "قال لافروف، وروسيا"
    i = mapped.text.index("لافروف")
    start, end = mapped.to_original(i, i + len("لافروف"))
    assert original[start:end] == "ﻻفروفُ"
    i = mapped.text.index("روسيا")
    start, end = mapped.to_original(i, i + len("روسيا"))
    assert original[start:end] == "رُوسِيَا"


def test_map_does_not_swallow_tatweel_or_bidi_marks_around_a_span() -> None:
    original = "\u200fروسيا\u200f ـموسكو"
    mapped = normalize_with_map(original)
    assert mapped.text == "روسيا موسكو"
    assert mapped.to_original(0, 5) == (1, 6)
    assert mapped.to_original(6, 11) == (9, 14)


def test_expansion_maps_every_piece_to_the_whole_source_character() -> None:
    mapped = normalize_with_map("aß b", casefold=True)
    assert mapped.text == "ass b"
    assert mapped.to_original(1, 2) == (1, 2)
    assert mapped.to_original(2, 3) == (1, 2)
    assert mapped.to_original(0, 5) == (0, 4)


def test_empty_spans_and_bounds() -> None:
    mapped = normalize_with_map("أَب")
    assert mapped.text == "اب"
    assert mapped.to_original(1, 1) == (2, 2)
    assert mapped.to_original(2, 2) == (3, 3)
    with pytest.raises(ValueError, match="outside the normalised text"):
        mapped.to_original(0, 3)
    with pytest.raises(ValueError):
        mapped.to_original(2, 1)


def test_normalized_text_is_frozen_and_validated() -> None:
    mapped = normalize_with_map("abc")
    with pytest.raises(AttributeError):
        mapped.text = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        NormalizedText("ab", "ab", (0, 1), (1, 2))


def test_seed_names_map_back_exactly() -> None:
    text = read_seed("000")
    mapped = normalize_with_map(text)
    assert mapped.text == normalize(text)
    needle = normalize("سيرجي لافروف")
    found = []
    position = mapped.text.find(needle)
    while position >= 0:
        found.append(text[slice(*mapped.to_original(position, position + len(needle)))])
        position = mapped.text.find(needle, position + 1)
    assert found == ["سيرجى لافروف"] * 3
    start, end = mapped.to_original(mapped.text.index("متابعا"), mapped.text.index("متابعا") + 6)
    assert text[start:end] == "متابعًا"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("سيرجى لافروف", "سيرغي لافروف"),
        ("شويجو", "شويغو"),
        ("الصين", "صين"),
        ("أونوديرا", "اونوديرا"),
        ("ڤلاديمير بوتين", "فلاديمير بوتين"),
        ("Sergueï Lavrov", "sergue\u0308i LAVROV"),
        ("سلمان بن عبد العزيز", "سلمان بن عبدالعزيز"),
        ("عبد الله الثاني", "عبدالله الثاني"),
    ],
)
def test_name_keys_group_variants(left: str, right: str) -> None:
    assert normalize_name(left) == normalize_name(right)


@pytest.mark.parametrize(("left", "right"), [("كونو", "قونو"), ("بوتين", "بوتن"), ("روسيا", "سوريا")])
def test_name_keys_keep_distinct_names_apart(left: str, right: str) -> None:
    assert normalize_name(left) != normalize_name(right)


def test_name_key_shape() -> None:
    assert normalize_name("  سيرجى   لافروف، ") == "سيرغي لافروف"
    assert normalize_name("الولايات المتحدة") == "ولايات متحده"
    assert normalize_name("الملك عبد الله") == "ملك عبدالله"
    assert normalize_name("عبد") == "عبد"
