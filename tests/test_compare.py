"""Paired comparison of two models (training.compare, training.metrics.paired_bootstrap)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlpkit.data.labels import STANCE_LABELS
from training.compare import main as compare_main
from training.metrics import macro_f1_from_counts, ner_f1_from_counts, pair_counts, paired_bootstrap, sentence_counts

GOLD = ["AGAINST", "FAVOR", "NONE", "NONE", "AGAINST", "FAVOR", "NONE", "AGAINST"] * 10


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def _counts(pred: list[str]) -> np.ndarray:
    return pair_counts(GOLD, pred, list(STANCE_LABELS))


def test_a_model_against_itself_differs_by_nothing() -> None:
    counts = _counts(["NONE"] * len(GOLD))
    result = paired_bootstrap(counts, counts, macro_f1_from_counts)
    assert result["difference"] == 0 and result["difference_ci95"] == [0.0, 0.0] and result["b_better_share"] == 0.5


def test_a_model_right_where_the_other_errs_wins_every_resample() -> None:
    worse = list(GOLD)
    worse[::4] = ["NONE"] * len(worse[::4])  # a quarter of the pairs read as NONE
    result = paired_bootstrap(_counts(worse), _counts(list(GOLD)), macro_f1_from_counts)
    assert result["difference"] > 0.1 and result["difference_ci95"][0] > 0 and result["b_better_share"] == 1.0
    flipped = paired_bootstrap(_counts(list(GOLD)), _counts(worse), macro_f1_from_counts)
    assert flipped["difference"] == -result["difference"] and flipped["b_better_share"] == 0.0


def test_paired_interval_is_narrower_than_either_score_moves() -> None:
    """Two models that share most predictions: the paired interval of their difference is tight."""
    rng = np.random.default_rng(3)
    a = [g if rng.random() < 0.7 else "NONE" for g in GOLD]
    b = list(a)
    b[5] = GOLD[5]
    result = paired_bootstrap(_counts(a), _counts(b), macro_f1_from_counts)
    low, high = result["difference_ci95"]
    assert 0 <= low <= result["difference"] <= high < 0.05


def test_different_items_are_refused() -> None:
    with pytest.raises(ValueError, match="different items"):
        paired_bootstrap(_counts(list(GOLD)), _counts(list(GOLD))[:-1], macro_f1_from_counts)


def test_ner_counts_score_as_seqeval_micro_f1() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "O"], ["B-ORG", "B-LOC"]]
    assert ner_f1_from_counts(sentence_counts(gold, pred).sum(axis=0, keepdims=True))[0] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))


def test_cli_compares_two_stance_models_on_the_same_pairs(tiny_stance_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    rows = [{"target": "روسيا", "text": "أدانت اليابان بشدة الهجوم الروسي على أوكرانيا", "label": "AGAINST"},
            {"target": "الصين", "text": "اتفق البلدان على توسيع التعاون الاقتصادي مع الصين", "label": "FAVOR"},
            {"target": "إيران", "text": "وصل الوفد إلى طهران صباح اليوم", "label": "NONE"}]
    data = _jsonl(tmp_path / "pairs.jsonl", rows)
    out = tmp_path / "compare.json"
    assert compare_main(["--task", "stance", "--model", str(tiny_stance_dir), "--model", str(tiny_stance_dir),
                         "--data", str(data), "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))["results"]["pairs"]
    assert result["items"] == 3 and result["a"] == result["b"] and result["difference"] == 0
    assert "B-A +0.0000" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        compare_main(["--task", "stance", "--model", str(tiny_stance_dir), "--data", str(data)])


def test_cli_compares_ner_models_sentence_by_sentence(tiny_ner_dir: Path, tmp_path: Path) -> None:
    rows = [{"tokens": "زار سيرغي لافروف طوكيو".split(), "tags": ["O", "B-PER", "I-PER", "B-LOC"]},
            {"tokens": "قالت وزارة الخارجية اليابانية".split(), "tags": ["O", "B-ORG", "I-ORG", "I-ORG"]}]
    data = _jsonl(tmp_path / "ner.jsonl", rows)
    out = tmp_path / "compare.json"
    assert compare_main(["--task", "ner", "--model", str(tiny_ner_dir), "--model", str(tiny_ner_dir),
                         "--data", str(data), "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))["results"]["ner"]
    assert result["items"] == 2 and result["difference"] == 0 and 0 <= result["a"] <= 1
