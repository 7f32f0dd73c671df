"""Target mentions in a sentence and the marked pair format of stance models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlpkit.text.mentions import find_mentions, mark_target, name_contains

SENTENCE = "وفرضت الولايات المتحدة عقوبات على روسيا وشركات روسية، ورد الكرملين بحظر دخول مسؤولين أمريكيين إلى روسيا."


def _found(text: str, name: str) -> list[str]:
    return [text[start:end] for start, end in find_mentions(text, name)]


def test_mentions_with_clitics_spelling_and_nisba() -> None:
    assert _found(SENTENCE, "روسيا") == ["روسيا", "روسية", "روسيا"]
    assert _found(SENTENCE, "الولايات المتحدة") == ["الولايات المتحدة"]
    assert _found("وقال سيرجي لافروف ولروسيا موقف", "سيرغي لافروف") == ["سيرجي لافروف"]
    assert _found("وقال سيرجي لافروف ولروسيا موقف", "روسيا") == ["ولروسيا"]
    assert _found("وصل وزير الخارجية الياباني إلى طوكيو", "اليابان") == ["الياباني"]


def test_names_not_in_the_sentence_are_not_found() -> None:
    assert _found(SENTENCE, "الصين") == []
    assert _found(SENTENCE, "المتحدة") == ["المتحدة"]  # a word of the sentence, as written
    assert _found(SENTENCE, "الأمم المتحدة") == []  # the second word alone is not the name
    assert _found(SENTENCE, "") == [] and _found("", "روسيا") == []
    assert _found("استقبلت واشنطن الوفد", "الولايات المتحدة") == []  # aliases are out of reach


def test_name_contains_runs_of_words_up_to_spelling() -> None:
    assert name_contains("وزارة الخارجية الروسية", "الخارجية الروسية") and name_contains("سيرغي لافروف", "سيرجى لافروف")
    assert not name_contains("وزارة الخارجية الروسية", "وزارة الروسية") and not name_contains("روسيا", "")


def test_marking_brackets_every_mention_and_keeps_the_rest() -> None:
    marked = mark_target(SENTENCE, "روسيا")
    assert marked.count("[ ") == 3 and marked.count(" ]") == 3
    assert marked.replace("[ ", "").replace(" ]", "") == SENTENCE
    assert "على [ روسيا ] وشركات [ روسية ]،" in marked
    assert mark_target(SENTENCE, "الصين") == SENTENCE


def _with_pair_format(source: Path, target: Path, value: str) -> Path:
    shutil.copytree(source, target)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    (target / "config.json").write_text(json.dumps({**config, "nlpkit_pair_format": value}), encoding="utf-8")
    return target


def test_a_marked_model_reads_marked_pairs(tiny_stance_dir: Path, tmp_path: Path) -> None:
    from nlpkit.models.stance import StanceModel

    marked_dir = _with_pair_format(tiny_stance_dir, tmp_path / "marked", "marked-target")
    plain, marked = StanceModel.from_pretrained(tiny_stance_dir), StanceModel.from_pretrained(marked_dir)
    assert (plain.model.pair_format, marked.model.pair_format) == ("plain", "marked-target")
    pairs = [("روسيا", SENTENCE), ("اليابان", "أعلنت اليابان تجميد أصول البنك المركزي الروسي")]
    by_marked = marked.probabilities(pairs)
    assert np.allclose(by_marked, plain.probabilities([(t, mark_target(x, t)) for t, x in pairs]), rtol=0, atol=1e-7)
    assert np.abs(by_marked[0] - plain.probabilities(pairs[:1])[0]).max() > 1e-6  # the plain model sees no marks


def test_an_unknown_pair_format_is_refused(tiny_stance_dir: Path, tmp_path: Path) -> None:
    from nlpkit.errors import ModelLoadError
    from nlpkit.models.stance import StanceModel

    broken = _with_pair_format(tiny_stance_dir, tmp_path / "future", "marked-target-and-holder")
    with pytest.raises(ModelLoadError, match="nlpkit_pair_format='marked-target-and-holder'"):
        StanceModel.from_pretrained(broken)
