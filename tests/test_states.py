"""One name per state and per person: state forms, long-vowel spellings, the ORG→LOC reading of state names."""

from __future__ import annotations

from conftest import FixedNer

from nlpkit.analysis.canonical import canonical_names, group_entities, same_name, vowel_variant
from nlpkit.analysis.gazetteer import GazetteerRuler, cldr_places
from nlpkit.analysis.states import state_names
from nlpkit.analysis.targets import Target
from nlpkit.models.ner import EntitySpan
from nlpkit.text.normalize import normalize_name


def test_every_form_of_a_state_has_the_annotation_name() -> None:
    names = state_names()
    for form in ("أمريكا", "أميركا", "الولايات المتحدة", "الولايات المتحدة الأميركية", "الولايات المتحدة الأمريكية"):
        assert names[normalize_name(form)] == "الولايات المتحدة", form
    assert names[normalize_name("المملكة العربية السعودية")] == names[normalize_name("السعودية")] == "السعودية"
    assert names[normalize_name("سورية")] == names[normalize_name("سوريا")] == "سوريا"
    assert names[normalize_name("اليابان")] == "اليابان" and names[normalize_name("روسيا الاتحادية")] == "روسيا"
    assert normalize_name("عمان") not in names  # Oman or Amman: left as written
    assert names[normalize_name("سلطنة عمان")] == "سلطنة عمان"


def test_the_forms_of_a_state_are_one_entity_under_its_name() -> None:
    mentions = [("الولايات المتحدة الأمريكية", "LOC"), ("أمريكا", "LOC"), ("الولايات المتحدة", "LOC"),
                ("المملكة العربية السعودية", "LOC"), ("السعودية", "LOC"), ("السعودية", "ORG")]
    names = canonical_names(mentions, state_names())
    assert names == ["الولايات المتحدة"] * 3 + ["السعودية"] * 3
    assert canonical_names(mentions)[:2] == ["الولايات المتحدة الأمريكية", "أمريكا"]  # without the table: as before
    us = next(g for g in group_entities(mentions, state_names()) if g.canonical == "الولايات المتحدة")
    assert us.members == (0, 1, 2) and us.matches("أميركا")
    assert normalize_name("الولايات المتحدة الأميركية") in us.keys  # every form of the state, not only those written


def test_a_state_is_never_its_own_target_under_another_name() -> None:
    groups = group_entities([("الولايات المتحدة", "LOC"), ("أمريكا", "LOC")], state_names())
    target = Target(groups[0].canonical, groups[0])
    assert target.is_holder("أمريكا") and target.is_holder("وزارة الخارجية الأميركية")
    assert target.is_holder("الخارجية الأمريكية") and not target.is_holder("وزارة الخارجية الروسية")


def test_long_vowel_spellings_of_a_person_group_together() -> None:
    mentions = [("دونالد ترمب", "PER"), ("ترامب", "PER"), ("فلاديمير بوتين", "PER"), ("بوتن", "PER"),
                ("بنيامين نتنياهو", "PER"), ("نتانياهو", "PER"), ("دونالد ترامب", "PER")]
    names = canonical_names(mentions)
    assert names == ["دونالد ترمب", "دونالد ترمب", "فلاديمير بوتين", "فلاديمير بوتين", "بنيامين نتنياهو",
                     "بنيامين نتنياهو", "دونالد ترمب"]
    assert group_entities(mentions)[0].matches("ترامب")


def test_arabic_names_a_long_vowel_apart_stay_apart() -> None:
    for first, second in (("محمد", "محمود"), ("حسن", "حسين"), ("عمر", "عمار"), ("سالم", "سليم"), ("أحمد", "أحمدي")):
        assert not vowel_variant(normalize_name(first), normalize_name(second)), (first, second)
        assert canonical_names([(first, "PER"), (second, "PER")]) == [first, second]
    assert same_name("ولاديمير بوتين", "ولاديمير بوتن") and not same_name("محمود عباس", "محمد عباس")
    assert canonical_names([("محمود عباس", "PER"), ("محمد عباس", "PER")]) == ["محمود عباس", "محمد عباس"]


def test_a_doubled_waw_and_spacing_are_spellings_of_one_name() -> None:
    mentions = [("مولود تشاووش أوغلو", "PER"), ("شي جين بينغ", "PER"), ("مولود تشاوش أوغلو", "PER"),
                ("شي جينبينغ", "PER"), ("داوود أوغلو", "PER"), ("داود أوغلو", "PER"), ("بيونغ يانغ", "LOC"),
                ("بيونغيانغ", "LOC")]
    assert canonical_names(mentions) == ["مولود تشاووش أوغلو", "شي جين بينغ"] * 2 + ["داوود أوغلو"] * 2 + ["بيونغ يانغ"] * 2
    assert group_entities(mentions)[1].matches("شي جينبينغ")
    # one و is a letter of the name, not a spelling: the guard of test_arabic_names_a_long_vowel_apart_stay_apart
    assert not vowel_variant("محمود", "محمد") and vowel_variant("داوود", "داود")
    assert canonical_names([("جونسون", "PER"), ("جونسن", "PER")]) == ["جونسون", "جونسن"]


def test_a_final_sibilant_is_a_spelling_of_a_foreign_name() -> None:
    mentions = [("أنطونيو غوتيريش", "PER"), ("أولاف شولتس", "PER"), ("غوتيريس", "PER"), ("شولتز", "PER"),
                ("أنطونيو جوتيريس", "PER")]
    assert canonical_names(mentions) == ["أنطونيو غوتيريش", "أولاف شولتس", "أنطونيو غوتيريش", "أولاف شولتس",
                                         "أنطونيو غوتيريش"]
    assert group_entities(mentions)[0].matches("غوتيريس")
    # short words keep their last letter: Louis and Louise are two people; so are words differing elsewhere
    assert canonical_names([("لويس", "PER"), ("لويز", "PER")]) == ["لويس", "لويز"]
    assert not same_name("عباس", "عباش") and not same_name("كريس", "كريم")
    assert canonical_names([("جوزيف عباس", "PER"), ("جوزيف عباش", "PER")]) == ["جوزيف عباس", "جوزيف عباش"]


def test_nisba_spellings_of_america_share_a_key() -> None:
    assert normalize_name("الأميركية") == normalize_name("الأمريكية")
    assert canonical_names([("وزارة الخارجية الأمريكية", "ORG"), ("الخارجية الأميركية", "ORG")]) == [
        "وزارة الخارجية الأمريكية"] * 2


def test_ruler_reads_a_state_typed_org_as_loc_but_not_a_club() -> None:
    text = "وقالت السعودية إن نادي قطر فاز على الولايات المتحدة."
    spans = [EntitySpan(text.index(name), text.index(name) + len(name), "ORG", 0.8)
             for name in ("السعودية", "قطر", "الولايات المتحدة")]
    ruled = GazetteerRuler(FixedNer(spans), cldr_places(), None, frozenset(state_names()))
    found = ruled.predict_many([(text, [(0, len(text))])])[0]
    assert [(text[s.start:s.end], s.label) for s in found] == [
        ("السعودية", "LOC"), ("قطر", "ORG"), ("الولايات المتحدة", "LOC")]
    plain = GazetteerRuler(FixedNer(spans), cldr_places()).predict_many([(text, [(0, len(text))])])[0]
    assert {s.label for s in plain} == {"ORG"}


def test_a_state_named_in_full_is_one_place_under_its_short_name() -> None:
    """The models split «جمهورية مصر العربية» into «جمهورية» and «مصر العربية»; «جمهورية» then became a stance target."""
    text = "استدعت مصر سفير قطر لدى جمهورية مصر العربية، وانتقدت الجمهورية الإسلامية الإيرانية القرار."
    egypt = text.index("جمهورية مصر")
    spans = [EntitySpan(egypt, egypt + 7, "LOC", 0.7), EntitySpan(egypt + 8, egypt + 19, "LOC", 0.8)]
    found = GazetteerRuler.from_cldr(FixedNer(spans)).predict_many([(text, [(0, len(text))])])[0]
    assert [(text[s.start:s.end], s.label) for s in found] == [
        ("مصر", "LOC"), ("قطر", "LOC"), ("جمهورية مصر العربية", "LOC"), ("الجمهورية الإسلامية الإيرانية", "LOC")]
    assert canonical_names([("جمهورية مصر العربية", "LOC"), ("مصر", "LOC"), ("الجمهورية الإسلامية الإيرانية", "LOC"),
                            ("إيران", "LOC")], state_names()) == ["مصر", "مصر", "إيران", "إيران"]


def test_a_head_word_the_model_cut_from_a_name_is_not_an_entity() -> None:
    """No evaluation set tags «وزارة» or «حكومة» alone; «الوزارة» refers back to a named ministry and stays."""
    text = "وقالت وزارة إن الحكومة ووزارة الداخلية والوزارة رفضت."
    spans = [EntitySpan(text.index(word), text.index(word) + len(word), "ORG", 0.6)
             for word in ("وزارة", "ووزارة", "والوزارة")]
    found = GazetteerRuler.from_cldr(FixedNer(spans)).predict_many([(text, [(0, len(text))])])[0]
    assert [text[s.start:s.end] for s in found] == ["والوزارة"]


def test_capitals_that_cldr_lacks_fold_into_their_state_target() -> None:
    from nlpkit.analysis.gazetteer import cldr_city_countries
    from nlpkit.analysis.targets import fold_metonyms

    mentions = [("الولايات المتحدة", "LOC"), ("واشنطن", "LOC"), ("بكين", "LOC"), ("أنقرة", "LOC"), ("تركيا", "LOC")]
    folded = fold_metonyms(group_entities(mentions, state_names()), cldr_city_countries())
    by_name = {g.canonical: g.members for g in folded}
    assert by_name["الولايات المتحدة"] == (0, 1) and by_name["تركيا"] == (3, 4)
    assert by_name["بكين"] == (2,)  # China is not named: Beijing stays itself


def test_a_capital_typed_org_folds_into_its_state_but_an_organisation_named_after_it_does_not() -> None:
    from nlpkit.analysis.gazetteer import cldr_city_countries
    from nlpkit.analysis.targets import fold_metonyms

    mentions = [("الولايات المتحدة", "LOC"), ("واشنطن", "ORG"), ("واشنطن بوست", "ORG"), ("روسيا", "LOC"), ("موسكو", "ORG")]
    folded = fold_metonyms(group_entities(mentions, state_names()), cldr_city_countries())
    by_name = {g.canonical: (g.label, g.members) for g in folded}
    assert by_name["الولايات المتحدة"] == ("LOC", (0, 1)) and by_name["روسيا"] == ("LOC", (3, 4))
    assert by_name["واشنطن بوست"] == ("ORG", (2,))


def test_a_city_the_document_names_as_a_club_keeps_its_own_target() -> None:
    from nlpkit.analysis.gazetteer import after_team_word, cldr_city_countries
    from nlpkit.analysis.targets import fold_metonyms

    text = "فاز نادي روما على ضيفه في كأس إيطاليا."
    assert after_team_word(text, text.index("روما")) and not after_team_word(text, text.index("إيطاليا"))
    mentions = [("روما", "ORG"), ("إيطاليا", "LOC"), ("روما", "ORG")]
    groups = group_entities(mentions, state_names())
    by_name = {g.canonical: g.members for g in fold_metonyms(groups, cldr_city_countries(), teams={"روما"})}
    assert by_name == {"روما": (0, 2), "إيطاليا": (1,)}
    assert {g.canonical for g in fold_metonyms(groups, cldr_city_countries())} == {"إيطاليا"}  # no club word: folded
