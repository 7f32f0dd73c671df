"""Page boilerplate in scraped news (nlpkit.text.boilerplate), checked on the annotated seeds."""

from __future__ import annotations

import pytest
from conftest import read_seed, seed_annotations, seed_paths

from nlpkit.text.boilerplate import boilerplate_spans, inside

ARTICLE = "قال الوزير إن البلدين اتفقا على التعاون.\nوأضاف أن المحادثات ستستمر."


def _chars(text: str, spans: list[tuple[int, int]]) -> set[int]:
    return {i for start, end in spans for i in range(start, end) if not text[i].isspace()}


def test_seed_boilerplate_is_found_without_touching_the_articles() -> None:
    found = gold = hit = 0
    for path in seed_paths():
        text, annotations = read_seed(path), seed_annotations(path)
        truth = _chars(text, [(b["start"], b["end"]) for b in annotations["boilerplate"]])
        predicted = _chars(text, boilerplate_spans(text))
        assert predicted <= truth, path.name  # never a character of the article itself
        found, gold, hit = found + len(predicted), gold + len(truth), hit + len(predicted & truth)
    assert hit / gold >= 0.95  # 0.964: section labels, captions and datelines are not covered


def test_footer_starts_at_the_keyword_line() -> None:
    text = ARTICLE + "\nالمصدر: وكالات\nكلمات دلالية: روسيا اليابان\nإقرأ أيضاً:\nخبر آخر عن الهند\nوتفاصيله هنا."
    spans = boilerplate_spans(text)
    assert [text[s:e] for s, e in spans] == [text[text.index("المصدر"):]]
    assert not _chars(text, spans) & set(range(len(ARTICLE)))


def test_read_also_lists_end_at_the_next_blank_line() -> None:
    text = ARTICLE + "\n\nاقرأ أيضا:\n\nعنوان أول\nعنوان ثان\n\nوتابع الوزير أن الاتفاق مهم.\nاقرأ أيضا: عنوان على السطر نفسه\nوختم حديثه."
    marked = [text[s:e] for s, e in boilerplate_spans(text)]
    assert marked == ["اقرأ أيضا:\n\nعنوان أول\nعنوان ثان", "اقرأ أيضا: عنوان على السطر نفسه"]


def test_link_lines_run_into_the_last_sentence_are_boilerplate() -> None:
    """SaudiNewsNet's «رابط الخبر بصحيفة الوئام: headline», flattened onto the article's last line."""
    link = "رابط الخبر بصحيفة الوئام: الأمير محمد بن سلمان يلتقي رئيس جمهورية الشيشان"
    text = f"{ARTICLE} {link}\nسطر بعده."
    assert [text[s:e] for s, e in boilerplate_spans(text)] == [link]
    own_line = f"{ARTICLE}\nرابط المقال: عنوان آخر"
    assert [own_line[s:e] for s, e in boilerplate_spans(own_line)] == ["رابط المقال: عنوان آخر"]


@pytest.mark.parametrize("text", ["", ARTICLE, "المصدر الرئيسي للقلق هو التضخم.", "شاهد أيضا المتحف الجديد في المدينة.",
                                  "قال الوزير إن رابط الخبر بالواقع ضعيف: لا دليل عليه."])
def test_no_boilerplate_in_plain_text(text: str) -> None:
    assert boilerplate_spans(text) == []


def test_crlf_lines_and_inside() -> None:
    text = "خبر.\r\nالمصدر: وكالات\r\nنهاية"
    spans = boilerplate_spans(text)
    assert [text[s:e] for s, e in spans] == ["المصدر: وكالات"]
    start = text.index("المصدر")
    assert inside((start - 2, start + 14), spans, text)  # surrounding line breaks do not count
    assert not inside((0, start + 3), spans, text) and not inside((0, 0), spans, text)
