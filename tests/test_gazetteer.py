"""The CLDR place gazetteer: matches on real seed sentences, fills only gaps, can be switched off."""

from __future__ import annotations

from pathlib import Path

from conftest import FixedNer

from nlpkit.analysis.gazetteer import GazetteerRuler, cldr_place_articles, cldr_places, match_places
from nlpkit.models.ner import EntitySpan
from nlpkit.text import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _seed(name: str) -> str:
    with open(SEEDS / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def test_cldr_has_the_seed_places() -> None:
    places = cldr_places()
    for name in ("روسيا", "اليابان", "الصين", "طوكيو", "موسكو", "الولايات المتحدة", "كوريا الشمالية"):
        assert match_places(name, [(0, len(name))], places), name
    assert not match_places("الاتحاد الأوروبي", [(0, 16)], places)


def test_matches_every_country_mention_in_a_seed_sentence() -> None:
    text = _seed("000_747c25bf1baf7949.txt")
    start = text.index("وأشار وزير الخارجية")
    end = next(e for s, e in split_sentences(text) if s == start)
    found = [text[s.start:s.end] for s in match_places(text, [(start, end)], cldr_places())]
    assert found == ["روسيا", "اليابان"]  # «روسيا واليابان»: the clitic و stays outside the span


def _places_in(text: str) -> list[str]:
    return [text[s.start:s.end] for s in match_places(text, [(0, len(text))], cldr_places(), cldr_place_articles())]


def test_words_that_only_look_like_places_are_left_to_the_model() -> None:
    """«مالي» financial, «المالي», «مسقط رأسه», «النوم»: real news words the ruler used to tag as places."""
    assert _places_in("وخصصت الحكومة مبلغ مالي كبير لدعم القطاع المالي في البلاد") == []
    assert _places_in("ولد في مسقط رأسه وترك الدراسة ولم يذهب للنوم") == []
    assert _places_in("وصل الرئيس الفرنسي إلى مالي ثم إلى مسقط") == ["مالي", "مسقط"]
    assert _places_in("قدمت الجزائر دعما للجزائريين وللجزائر وتونس") == ["الجزائر", "جزائر", "تونس"]  # «لل» + «جزائر»
    assert _places_in("زار رياض الأطفال في الرياض") == ["الرياض"]  # «رياض» gardens, «الرياض» the capital
    articles = cldr_place_articles()
    assert articles["مالي"] is False and articles["غزاير"] is True  # CLDR: «مالي», «الجزائر»


def test_ruler_fills_gaps_only() -> None:
    text = "قال لافروف إن موسكو وطوكيو اتفقتا."
    model_spans = [EntitySpan(4, 10, "PER", 0.9), EntitySpan(14, 19, "ORG", 0.6)]  # «موسكو» as ORG
    ruled = GazetteerRuler(FixedNer(model_spans), cldr_places())
    spans = ruled.predict_many([(text, [(0, len(text))])])[0]
    assert [(text[s.start:s.end], s.label) for s in spans] == [("لافروف", "PER"), ("موسكو", "ORG"), ("طوكيو", "LOC")]


def test_unsure_person_that_is_a_place_becomes_the_place() -> None:
    text = "قال لافروف إن موسكو وطوكيو اتفقتا."
    tokyo = text.index("طوكيو")
    for score, label in ((0.13, "LOC"), (0.9, "PER")):  # only an unsure PER reading yields to the gazetteer
        ruled = GazetteerRuler(FixedNer([EntitySpan(4, 10, "PER", 0.4), EntitySpan(tokyo, tokyo + 5, "PER", score)]),
                               cldr_places())
        spans = ruled.predict_many([(text, [(0, len(text))])])[0]
        assert [(text[s.start:s.end], s.label) for s in spans] == [("لافروف", "PER"), ("موسكو", "LOC"), ("طوكيو", label)]


def test_analyzer_switch(tiny_analyzer_dir: Path) -> None:
    import nlpkit
    from nlpkit.models.ner import NerModel

    text = "وصل الوفد إلى طوكيو أمس قادما من موسكو."
    ruled, plain = nlpkit.load(tiny_analyzer_dir, threads=1), nlpkit.load(tiny_analyzer_dir, threads=1, gazetteer=False)
    assert isinstance(ruled.ner, GazetteerRuler) and isinstance(plain.ner, NerModel)
    with_places, without = ruled(text, tasks=("ner",)), plain(text, tasks=("ner",))
    model_spans = {(e.start, e.end, e.label) for e in without.entities}
    assert model_spans <= {(e.start, e.end, e.label) for e in with_places.entities}
    added = [e for e in with_places.entities if (e.start, e.end, e.label) not in model_spans]
    assert all(e.label == "LOC" and e.text in {"طوكيو", "موسكو"} for e in added)


def test_capitals_fold_into_their_country_target() -> None:
    from nlpkit.analysis.canonical import group_entities
    from nlpkit.analysis.gazetteer import cldr_city_countries
    from nlpkit.analysis.targets import fold_metonyms

    mentions = [("اليابان", "LOC"), ("طوكيو", "LOC"), ("موسكو", "LOC"), ("طوكيو", "LOC"), ("لافروف", "PER")]
    folded = fold_metonyms(group_entities(mentions), cldr_city_countries())
    by_name = {g.canonical: g.members for g in folded}
    assert by_name["اليابان"] == (0, 1, 3)  # Tokyo is read as Japan, the document names Japan
    assert by_name["موسكو"] == (2,)  # Russia is not named: Moscow stays itself
    assert "طوكيو" not in by_name and by_name["لافروف"] == (4,)
