"""Agency and broadcaster names (nlpkit.analysis.media): whole, ORG, found with a proclitic and in datelines."""

from __future__ import annotations

from conftest import FixedNer

from nlpkit.analysis.gazetteer import GazetteerRuler, cldr_places
from nlpkit.analysis.media import apply_media_names, is_media, media_spans, named_as_outlet
from nlpkit.models.ner import EntitySpan


def _names(text: str) -> list[str]:
    return [text[start:end] for start, end in media_spans(text, [(0, len(text))])]


def test_names_are_found_with_the_longest_reading_and_without_the_proclitic() -> None:
    assert _names("وقالت بي بي سي إن الحكومة رفضت") == ["بي بي سي"]  # the particle «إن» after it stays out
    assert _names("نقلا عن وكالة انترفاكس ولرويترز وشبكة سي إن إن ترك") == ["انترفاكس", "رويترز", "سي إن إن ترك"]
    assert _names("طوكيو (كيودو) - قال رئيس الوزراء") == ["كيودو"]
    assert _names("إن المفاوضات مستمرة في بي") == []


def test_a_cut_or_mistyped_name_becomes_the_whole_name_as_org() -> None:
    text = "وذكرت شبكة سي إن إن أن وكالة كيودو ونقلت إن إتش كيه"
    cnn, kyodo, nhk = (text.index(name) for name in ("سي إن إن", "كيودو", "إن إتش كيه"))
    model = [EntitySpan(cnn, cnn + 5, "ORG", 0.9), EntitySpan(kyodo, kyodo + 5, "LOC", 0.8)]
    fixed = apply_media_names(model, media_spans(text, [(0, len(text))]))
    assert [(text[s.start:s.end], s.label) for s in fixed] == [("سي إن إن", "ORG"), ("كيودو", "ORG"), ("إن إتش كيه", "ORG")]
    assert fixed[1].score == 0.8  # a retyped span keeps the model's score


def test_a_longer_model_reading_is_kept() -> None:
    text = "وبثت بي بي سي عربي التقرير"
    span = EntitySpan(text.index("بي"), text.index("عربي") + 4, "ORG", 0.9)
    assert apply_media_names([span], media_spans(text, [(0, len(text))])) == [span]


def test_the_ruler_that_analyze_runs_applies_them() -> None:
    text = "وقالت قناة إن بي سي إن الوفد وصل إلى طوكيو"
    nbc = text.index("إن بي سي")
    model = FixedNer([EntitySpan(nbc + 3, nbc + 8, "ORG", 0.9)])  # «بي سي»: the letter «إن» read as the particle
    ruled = GazetteerRuler.from_cldr(model).predict_many([(text, [(0, len(text))])])[0]
    assert [(text[s.start:s.end], s.label) for s in ruled] == [("إن بي سي", "ORG"), ("طوكيو", "LOC")]
    plain = GazetteerRuler(model, cldr_places()).predict_many([(text, [(0, len(text))])])[0]
    assert [text[s.start:s.end] for s in plain] == ["بي سي", "طوكيو"]


def test_radio_stations_are_whole_with_the_quote_they_open() -> None:
    assert _names('في تصريح لمراسل الجوهرة "اف ام" اليوم') == ['الجوهرة "اف ام"']
    assert _names('وقال لـ"الجوهرة أف أم". ثم بالجوهرة اف ام') == ["الجوهرة أف أم", "الجوهرة اف ام"]
    assert is_media("موزاييك أف أم") and is_media('الجوهرة "اف ام"') and not is_media("الجوهرة")
    assert _names("وقال لشبكة سكاي نيوز عربية إن") == ["سكاي نيوز عربية"] and is_media("بغداد اليوم نيوز")
    assert not is_media("نيوز")


def test_agency_and_network_words_also_head_bodies_that_are_not_outlets() -> None:
    for outlet, before in (("وكالة الأنباء السعودية", ""), ("وكالة تسنيم", ""), ("وكالة الصحافة الفرنسية", ""),
                           ("شينخوا", "وكالة"), ("شبكة سي إن إن", ""), ("صحيفة الإندبندنت", "")):
        assert is_media(outlet, before), outlet
    for body, before in (("الوكالة الدولية للطاقة الذرية", ""), ("وكالة الاستخبارات المركزية", ""),
                         ("الشبكة السورية لحقوق الإنسان", ""), ("الدولية للطاقة الذرية", "الوكالة")):
        assert not is_media(body, before), body


def test_a_name_written_after_an_outlet_word_with_a_proclitic_or_quotes_is_an_outlet() -> None:
    text = "وقال في حديث لصحيفة «الشرق الأوسط» إن منطقة الشرق الأوسط تتغير، ونقلت ووكالة رويترز ذلك"
    newspaper, region = text.index("الشرق الأوسط"), text.index("الشرق الأوسط", text.index("منطقة"))
    assert named_as_outlet(text, newspaper, "الشرق الأوسط") and not named_as_outlet(text, region, "الشرق الأوسط")
    assert is_media("رويترز", "لوكالة") and is_media("الشرق الأوسط", "لصحيفة") and not is_media("الشرق الأوسط", "منطقة")
    assert not is_media("الدولية للطاقة الذرية", "للوكالة")  # «وكالة» + a definite word still heads a body
