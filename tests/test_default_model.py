"""The embedded tiers load offline and find the main parties of the seed articles (the accurate
tier's models never saw these articles in training; the fast tier's did)."""

from __future__ import annotations

from pathlib import Path

import pytest

import nlpkit
from nlpkit.analysis.analyzer import EMBEDDED_ROOT, TIERS
from nlpkit.errors import InputError

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
INSTALLED = [tier for tier, folder in TIERS.items() if (folder / "nlpkit.json").is_file()]
pytestmark = pytest.mark.skipif(not INSTALLED, reason="no embedded model in this checkout")


def _seed(prefix: str) -> str:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.fixture(scope="module", params=INSTALLED)
def default(request: pytest.FixtureRequest) -> nlpkit.Analyzer:
    return nlpkit.load(request.param, threads=1)


def test_embedded_models_fit_the_package_budget(default: nlpkit.Analyzer) -> None:
    size = sum(p.stat().st_size for p in EMBEDDED_ROOT.rglob("*") if p.is_file())
    assert size < 120 * 1024 * 1024
    assert default.tasks == ("ner", "stance")


def test_lavrov_and_shoigu_variants_get_one_canonical_each(default: nlpkit.Analyzer) -> None:
    doc = default(_seed("000"))
    text = doc.text
    lavrov = [e for e in doc.entities if e.label == "PER" and "لافروف" in e.text]
    assert len(lavrov) >= 4
    assert len({e.canonical for e in lavrov}) == 1
    assert all(text[e.start:e.end] == e.text for e in doc.entities)


def test_main_places_found(default: nlpkit.Analyzer) -> None:
    doc = default(_seed("000"))
    places = {e.canonical for e in doc.entities if e.label == "LOC"}
    assert {"روسيا", "اليابان", "طوكيو", "موسكو"} <= places
    assert not any(e.text in {"اليابانى", "الروسى"} for e in doc.entities)  # adjectives are not entities


def test_russian_foreign_ministry_against_japan_in_2024(default: nlpkit.Analyzer) -> None:
    doc = default(_seed("003"))
    rows = {(r.holder, r.target): r.label for r in doc.summary}
    assert rows[("وزارة الخارجية الروسية", "اليابان")] == "AGAINST"


def test_two_plus_two_cooperation_is_favor(default: nlpkit.Analyzer) -> None:
    doc = default(_seed("000"))
    lavrov_japan = [s for s in doc.stances if s.target == "اليابان" and s.holder and "لافروف" in s.holder]
    assert lavrov_japan and max(s.label == "FAVOR" for s in lavrov_japan)
    first = lavrov_japan[0]
    assert "2+2" in doc.text[first.start:first.end] and first.label == "FAVOR"


def test_a_text_gets_the_same_result_alone_and_inside_a_batch(default: nlpkit.Analyzer) -> None:
    """The shipped int8 graphs quantise activations per tensor; rows run alone, so neighbours change nothing."""
    texts = [_seed("000"), _seed("003"), _seed("001")[:1500]]
    alone = [default(text).to_json() for text in texts]
    assert [doc.to_json() for doc in default.pipe(texts, batch_size=16)] == alone
    assert [doc.to_json() for doc in default.pipe(texts[::-1], batch_size=2)] == alone[::-1]


def test_broadcasters_written_in_letter_names_come_out_whole(default: nlpkit.Analyzer) -> None:
    """«إن» (N) is also the particle "that"; the models alone return «سي إن» and «إتش كيه»."""
    doc = default("وذكرت شبكة سي إن إن الأمريكية أن البيت الأبيض رفض التعليق، فيما نقلت هيئة الإذاعة اليابانية"
                  " إن إتش كيه عن مسؤول أن طوكيو ستفرض عقوبات.")
    orgs = [e.text for e in doc.entities if e.label == "ORG"]
    assert "سي إن إن" in orgs and "إن إتش كيه" in orgs


def test_a_capital_speaks_as_its_state_and_a_title_as_its_person(default: nlpkit.Analyzer) -> None:
    text = ("فرضت الولايات المتحدة عقوبات جديدة على إيران. "
            "وفي الأسبوع الماضي، أدرجت واشنطن شركتين إيرانيتين على لائحة العقوبات. "
            "وقال وزير الخارجية الإيراني محمد جواد ظريف إن طهران سترد. "
            "ورحبت روسيا بالحوار بين البلدين. "
            "وانتقد وزير الخارجية الإيراني العقوبات الأمريكية.")
    doc = default(text)
    holders = default.sentence_holders(text, doc.entities)
    # the capital speaks as the state (the stance target is named the same way); the bare title as the minister
    assert holders[1] == "الولايات المتحدة"
    assert holders[3] == "روسيا" and holders[4] is not None and "ظريف" in holders[4]
    assert {stance.holder for stance in doc.stances if stance.start == doc.sentences[1].start} <= {"الولايات المتحدة"}


def test_sentence_holders_refuses_entities_of_another_text(default: nlpkit.Analyzer) -> None:
    first = default("وقال الرئيس الروسي فلاديمير بوتين إن موسكو سترد.", tasks=("ner",))
    with pytest.raises(InputError, match="not an entity of this text"):
        default.sentence_holders("أعلنت اليابان فرض عقوبات على روسيا.", first.entities)
    with pytest.raises(InputError):
        default.sentence_holders(None, first.entities)
    assert default.sentence_holders(first.text, first.entities) == ["فلاديمير بوتين"]
