"""Tests for nlpkit.text.tokenize: tokens with offsets and the proclitic split."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlpkit.text import KNOWN_STEMS, Token, split_proclitic, split_sentences, tokenize

SEEDS = Path(__file__).parents[1] / "seeds"


def read_seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def texts(tokens: list[Token]) -> list[str]:
    return [token.text for token in tokens]


def test_words_punctuation_and_numbers() -> None:
    text = 'بصيغة "2+2"، في 30 مايو/ أيار؟ نمو 3.5% عام ٢٠٢٤... الـ12 GMT28 17:29'
    assert texts(tokenize(text)) == [
        "بصيغة", '"', "2+2", '"', "،", "في", "30", "مايو", "/", "أيار", "؟",
        "نمو", "3.5", "%", "عام", "٢٠٢٤", "...", "الـ", "12", "GMT", "28", "17:29",
    ]


def test_marks_tatweel_and_zero_width_stay_inside_words() -> None:
    text = "\u200fوَرُوسِـيَا\u200f ر\u200cو\u200dسيا «لافروف»"
    tokens = tokenize(text)
    assert texts(tokens) == ["وَرُوسِـيَا", "ر\u200cو\u200dسيا", "«", "لافروف", "»"]
    assert tokens[0] == Token("وَرُوسِـيَا", 1, 12)


def test_scripts_do_not_merge() -> None:
    assert texts(tokenize("بواسطة Sputnikالتعليق")) == ["بواسطة", "Sputnik", "التعليق"]


def test_offset_is_added_for_sentences_inside_a_document() -> None:
    text = read_seed("001")
    for start, end in split_sentences(text)[:4]:
        for token in tokenize(text[start:end], offset=start):
            assert text[token.start : token.end] == token.text


def test_seed_000_number_tokens() -> None:
    text = read_seed("000")
    tokens = tokenize(text)
    numbers = [token for token in tokens if token.text[0].isdigit()]
    assert texts(numbers) == ["2+2", "2+2", "2+2"]
    first = text.index('"2+2"') + 1
    assert numbers[0] == Token("2+2", first, first + 3)


def test_seed_clitics_are_split_off_entities() -> None:
    text = read_seed("003")
    tokens = tokenize(text, split_clitics=True)
    position = text.index("وموسكو")
    assert Token("و", position, position + 1) in tokens
    assert Token("موسكو", position + 1, position + 6) in tokens
    position = text.index("وبوتين")
    assert Token("بوتين", position + 1, position + 6) in tokens
    position = text.index("للولايات")
    assert Token("ولايات", position + 2, position + 8) in tokens
    assert Token("روسيا", text.index("لروسيا") + 1, text.index("لروسيا") + 6) in tokens
    assert "وموسكو" in texts(tokenize(text))


def test_synthetic_clitic_spans() -> None:
    text = "التقى بوتين ولافروف بموسكو وروسيا، ووزير الخارجية في لقاء بشأن كونو وفلاديمير"
    tokens = tokenize(text, split_clitics=True)
    assert texts(tokens) == [
        "التقى", "بوتين", "و", "لافروف", "ب", "موسكو", "و", "روسيا", "،", "و", "وزير",
        "الخارجية", "في", "لقاء", "بشأن", "كونو", "و", "فلاديمير",
    ]
    assert tokens[7] == Token("روسيا", text.index("وروسيا") + 1, text.index("وروسيا") + 6)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("وروسيا", ("و", "روسيا")),
        ("بموسكو", ("ب", "موسكو")),
        ("ولافروف", ("و", "لافروف")),
        ("وبكين", ("و", "بكين")),
        ("للبنان", ("ل", "لبنان")),
        ("واليابان", ("و", "اليابان")),
        ("وبالتالي", ("وب", "التالي")),
        ("للصين", ("لل", "صين")),
        ("وللسلام", ("ولل", "سلام")),
        ("وإيتسونورى", ("و", "إيتسونورى")),
        ("وَرُوسِيَا", ("وَ", "رُوسِيَا")),
        ("لعام", ("ل", "عام")),
        ("وزير", ("", "وزير")),
        ("بوتين", ("", "بوتين")),
        ("فلاديمير", ("", "فلاديمير")),
        ("كونو", ("", "كونو")),
        ("لقاء", ("", "لقاء")),
        ("بشأن", ("", "بشأن")),
        ("بكين", ("", "بكين")),
        ("ووزير", ("و", "وزير")),
        ("والد", ("", "والد")),
        ("والدة", ("", "والدة")),
        ("كالينينغراد", ("", "كالينينغراد")),
        ("بالغ", ("", "بالغ")),
        ("ولاية", ("", "ولاية")),
        ("فأس", ("", "فأس")),
        ("لله", ("", "لله")),
        ("Lavrov", ("", "Lavrov")),
        ("وعبدالعزيز", ("و", "عبدالعزيز")),  # a list of people: «أحمد اللقماني وعبدالعزيز باوارث وفهد الزهراني»
        ("وفهد", ("و", "فهد")),
        ("بمكة", ("ب", "مكة")),
        ("وليد", ("", "وليد")),  # names that open with a proclitic letter stay whole
        ("وسام", ("", "وسام")),
        ("فيصل", ("", "فيصل")),
        ("وعبر", ("", "وعبر")),
    ],
)
def test_split_proclitic(word: str, expected: tuple[str, str]) -> None:
    assert split_proclitic(word) == expected


def test_known_stems_argument_replaces_the_default() -> None:
    assert split_proclitic("وتارو") == ("", "وتارو")
    assert split_proclitic("وتارو", known_stems=["تارو"]) == ("و", "تارو")
    assert split_proclitic("وروسيا", known_stems=[]) == ("", "وروسيا")
    assert split_proclitic("وأونوديرا", known_stems=KNOWN_STEMS | {"أونوديرا"}) == ("و", "أونوديرا")
    assert split_proclitic("بشويجو", known_stems={"شويجو"}) == ("ب", "شويجو")
    assert split_proclitic("وسيرجى", known_stems={"سيرجي"}) == ("و", "سيرجى")
    tokens = tokenize("وتارو كونو", split_clitics=True, known_stems=("تارو",), offset=10)
    assert tokens == [Token("و", 10, 11), Token("تارو", 11, 15), Token("كونو", 16, 20)]
