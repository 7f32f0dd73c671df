"""Rewritten training copies (training.augment): target substitution for stance, mention replacement for NER."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from nlpkit.errors import ConfigError
from training.augment import replace_mentions, substitute_target
from training.config import SourceConfig
from training.sources import load_source


def test_a_state_target_is_replaced_everywhere_with_its_proclitics() -> None:
    text = "فرضت الولايات المتحدة عقوبات على إيران، وقالت إن لإيران دورا في التصعيد"
    swapped = substitute_target(text, "إيران", random.Random(0), pool=("الصين",))
    assert swapped == ("فرضت الولايات المتحدة عقوبات على الصين، وقالت إن للصين دورا في التصعيد", "الصين")


def test_the_new_state_is_never_one_the_sentence_names_already() -> None:
    text = "رحبت الصين بقرار روسيا"
    for seed in range(20):
        swapped = substitute_target(text, "روسيا", random.Random(seed), pool=("الصين", "كندا", "روسيا"))
        assert swapped == ("رحبت الصين بقرار كندا", "كندا")


@pytest.mark.parametrize(("text", "target"), [
    ("انتقدت الصين العقوبات الإيرانية", "إيران"),        # named only by its nationality adjective
    ("دعا حلف شمال الأطلسي إلى الحوار", "حلف شمال الأطلسي"),  # not a state
    ("زار الوزير طوكيو أمس", "اليابان"),                 # not named in the sentence
])
def test_pairs_without_a_clean_swap_are_left_out(text: str, target: str) -> None:
    assert substitute_target(text, target, random.Random(0)) is None


def test_mentions_are_replaced_by_entities_of_the_same_type() -> None:
    tokens = "زار بوتين موسكو ثم التقى ماكرون".split()
    tags = ["O", "B-PER", "B-LOC", "O", "O", "B-PER"]
    pool = {"PER": [["فلاديمير", "بوتين"]], "LOC": [["باريس"]]}
    new_tokens, new_tags = replace_mentions(tokens, tags, pool, random.Random(0), p=1.0)
    assert new_tokens == "زار فلاديمير بوتين باريس ثم التقى فلاديمير بوتين".split()
    assert new_tags == ["O", "B-PER", "I-PER", "B-LOC", "O", "O", "B-PER", "I-PER"]
    assert replace_mentions(tokens, tags, pool, random.Random(0), p=0.0) is None
    assert replace_mentions(["قال", "إنه"], ["O", "O"], pool, random.Random(0), p=1.0) is None


def test_a_variant_source_yields_only_the_rewritten_copies(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    rows = [{"target": "روسيا", "text": "فرضت اليابان عقوبات على روسيا", "label": "AGAINST", "holder": "اليابان"},
            {"target": "حلف شمال الأطلسي", "text": "انتقد حلف شمال الأطلسي التدريبات", "label": "NONE"}]
    pairs.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    source = SourceConfig(name=str(pairs), variant="substituted_targets", variant_seed=3)
    copies = load_source(source, "stance")
    assert len(copies) == 1 and copies[0]["label"] == "AGAINST" and copies[0]["holder"] is None
    assert copies[0]["target"] != "روسيا" and copies[0]["target"] in copies[0]["text"]
    assert copies[0]["text"].startswith("فرضت اليابان عقوبات على ") and copies[0]["id"].endswith(":subst")
    assert load_source(source, "stance")["text"] == copies["text"]  # seeded
    with pytest.raises(ConfigError, match="applies to ner data"):
        load_source(SourceConfig(name=str(pairs), variant="replaced_mentions"), "stance")
    nothing = tmp_path / "nothing.jsonl"
    nothing.write_text(json.dumps(rows[1], ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="could rewrite none"):
        load_source(SourceConfig(name=str(nothing), variant="substituted_targets"), "stance")
