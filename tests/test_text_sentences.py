"""Tests for nlpkit.text.sentences.split_sentences on seed articles and edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlpkit.text import split_sentences

SEEDS = Path(__file__).parents[1] / "seeds"


def read_seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def span_of(text: str, first: str, last: str) -> tuple[int, int]:
    """The span from the first occurrence of ``first`` to the end of the next ``last``."""
    start = text.index(first)
    return start, text.index(last, start) + len(last)


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_seed_000_headline_and_short_lines() -> None:
    text = read_seed("000")
    spans = split_sentences(text)
    assert spans[:4] == [(0, 64), (66, 75), (77, 99), (100, 131)]
    assert text[0:64] == "تفاصيل لقاء وزيرى الدفاع والخارجية الروسيين بنظيريهما اليابانيين"


def test_seed_000_sentence_with_2plus2_and_a_closing_quote() -> None:
    text = read_seed("000")
    expected = span_of(text, "أعلن وزير الخارجية الروسى", 'فى مجال الأمن".')
    assert expected in split_sentences(text)
    assert expected == (133, 366)


def test_seed_000_quote_with_a_full_stop_inside_stays_one_sentence() -> None:
    text = read_seed("000")
    spans = split_sentences(text)
    quoted = span_of(text, 'وبحسب موقع "روسيا اليوم"', 'على حد سواء".')
    assert quoted in spans
    assert "صعبة، مثلما على الساحة الدولية بشكل عام. وأكدنا" in text[slice(*quoted)]
    second = span_of(text, 'وقال: "نرحب بالتوجهات', 'هشة جدًا".')
    first = span_of(text, "وبشأن قضية كوريا الشمالية", "عملية التسوية.")
    assert spans[spans.index(first) + 1] == second


def test_seed_000_nbsp_line_and_last_sentence_without_newline() -> None:
    text = read_seed("000")
    spans = split_sentences(text)
    assert all(not text[start:end].isspace() for start, end in spans)
    assert spans[-1] == span_of(text, "وأضاف أنه على روسيا واليابان تعزيز", "فى مجال الأمن.")
    assert spans[-1][1] == len(text)


def test_seed_002_nested_quotes_and_indented_lines() -> None:
    text = read_seed("002")
    spans = split_sentences(text)
    statement = span_of(text, 'وقال لافروف "استعرضنا', 'في 30 مايو".')
    assert statement in spans
    assert span_of(text, "موسكو- سبوتنيك", "في 30 مايو/ أيار.") in spans
    assert span_of(text, "لافروف: تصرفات أمريكا", "تهديدا لروسيا") in spans
    closing_after_space = span_of(text, "وتابع لافروف، بعد محادثاته", 'للعلاقات الثنائية ".')
    assert closing_after_space in spans


def test_seed_003_curly_quotes_used_as_openers() -> None:
    text = read_seed("003")
    spans = split_sentences(text)
    assert span_of(text, "وأوضح:” الولايات المتحدة", "بعد التوافق على ذلك”.") in spans
    assert span_of(text, "ولفت الدعجة في تصريح لـ”سبونتيك”", "في هذا الإطار”.") in spans
    assert span_of(text, "تاريخ النشر: 13th", "2024 GMT") in spans


def test_seed_004_double_dot_is_a_pause() -> None:
    text = read_seed("004")
    spans = split_sentences(text)
    assert span_of(text, "وفيما يتعلق بالأزمة الأوكرانية.. أكد", "فلوديمير زيلينسكي.") in spans
    assert span_of(text, "من جانبه.. قال وزير", "كافة خطط السلام.") in spans


def test_every_seed_is_covered_without_loss() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        covered = [False] * len(text)
        previous_end = 0
        for start, end in split_sentences(text):
            assert previous_end <= start < end
            previous_end = end
            for position in range(start, end):
                covered[position] = True
        assert all(covered[i] or text[i].isspace() for i in range(len(text))), path.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "قال د. محمد إن النمو بلغ 3.5 بالمئة. وأضاف أن 2+2 صيغة ناجحة!",
            ["قال د. محمد إن النمو بلغ 3.5 بالمئة.", "وأضاف أن 2+2 صيغة ناجحة!"],
        ),
        ("هل وصل؟ نعم، وصل؛ ثم غادر", ["هل وصل؟", "نعم، وصل؛ ثم غادر"]),
        ("وصلت الأنباء.وقال المتحدث شيئا", ["وصلت الأنباء.", "وقال المتحدث شيئا"]),
        ("راجع الموقع rt.com والتاريخ 30.5.2024 هنا", ["راجع الموقع rt.com والتاريخ 30.5.2024 هنا"]),
        ("وقال: «نحن هنا. ولن نغادر.» وأضاف أنه متفائل.", ["وقال: «نحن هنا. ولن نغادر.»", "وأضاف أنه متفائل."]),
        ('وقال "نحن هنا. ولن نغادر. وأضاف أنه متفائل.', ['وقال "نحن هنا.', "ولن نغادر.", "وأضاف أنه متفائل."]),
        ("ثم ماذا؟! لا شيء... انتهى", ["ثم ماذا؟!", "لا شيء...", "انتهى"]),
        (
            "1. البند الأول\r\n2. البند الثاني.\r\n\r\n• نقطة أخرى؟ نعم",
            ["1. البند الأول", "2. البند الثاني.", "• نقطة أخرى؟", "نعم"],
        ),
        ("الرئيس U.S. Army وصل. ثم", ["الرئيس U.S. Army وصل.", "ثم"]),
        ('قال "أولا.\nثانيا." انتهى', ['قال "أولا.', 'ثانيا." انتهى']),
        ("عنوان\u2028سطر\rآخر", ["عنوان", "سطر", "آخر"]),
    ],
)
def test_rules(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t\u00a0 \n"])
def test_blank_input_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []
