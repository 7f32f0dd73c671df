"""The news stance set: building it from candidates and labels, agreement, and the reader's document splits."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from nlpkit.data import load
from training.news_stance import LabelFileError, build, cohen_kappa, main

ROOT = Path(__file__).resolve().parents[1] / "training" / "data" / "news_stance"


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _candidate(i: int, split: str, doc: str) -> dict:
    return {"id": f"ns-{i:05d}", "split": split, "doc_id": doc, "corpus": "ant", "licence": "Apache-2.0",
            "sentence": f"فرضت واشنطن عقوبات جديدة على طهران {i}.", "target": "طهران", "holder_candidate": "واشنطن",
            "region": "Iran"}


def _label(i: int, label: str, keep: bool = True, holder: str | None = "الولايات المتحدة") -> dict:
    return {"id": f"ns-{i:05d}", "label": label, "holder": holder, "event": "sanctions", "target": "إيران", "keep": keep}


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    candidates = [_candidate(1, "train", "ant:1"), _candidate(2, "train", "ant:1"), _candidate(3, "test", "ant:2")]
    _write(tmp_path / "candidates.jsonl", candidates)
    _write(tmp_path / "shards" / "shard_01.jsonl", candidates)
    _write(tmp_path / "labels" / "shard_01.jsonl", [_label(1, "AGAINST"), _label(2, "NONE", keep=False), _label(3, "AGAINST")])
    _write(tmp_path / "labels" / "double.jsonl", [_label(1, "AGAINST"), _label(3, "NONE", holder=None)])
    return tmp_path


def test_build_keeps_labelled_pairs_and_measures_agreement(root: Path) -> None:
    stats = build(root)
    rows = [json.loads(line) for line in (root / "news_stance.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["ns-00001", "ns-00003"]  # keep: false is left out
    assert rows[0]["target"] == "إيران" and rows[0]["text"].startswith("فرضت واشنطن") and rows[0]["holder"] == "الولايات المتحدة"
    assert stats["per_split"] == {"train": {"AGAINST": 1}, "dev": {}, "test": {"AGAINST": 1}}
    assert stats["agreement"]["pairs"] == 2 and stats["agreement"]["label_agreement"] == 0.5
    assert stats["agreement"]["label_disagreements"] == {"AGAINST->NONE": 1}


def test_every_double_annotated_sample_gets_its_own_agreement(root: Path) -> None:
    _write(root / "labels" / "double5.jsonl", [_label(1, "AGAINST"), _label(2, "NONE", keep=False), _label(3, "AGAINST")])
    (root / "labels" / "annotators.json").write_text(json.dumps({"shard_01": "A1", "double": "A2", "double5": "A1"}))
    samples = build(root)["agreement_samples"]
    assert set(samples) == {"double", "double5"}
    assert samples["double"]["pairs"] == 2 and samples["double"]["label_agreement"] == 0.5
    assert samples["double5"]["pairs"] == 0  # its annotator also labelled the shard: no independent pair
    (root / "labels" / "annotators.json").write_text(json.dumps({"shard_01": "A1", "double": "A2", "double5": "A3"}))
    samples = build(root)["agreement_samples"]
    assert samples["double5"]["pairs"] == 3 and samples["double5"]["kept_by_both"] == 2
    assert samples["double5"]["label_agreement"] == 1.0 and samples["double5"]["keep_agreement"] == 1.0


def test_label_files_must_match_their_shard(root: Path, capsys: pytest.CaptureFixture) -> None:
    _write(root / "labels" / "shard_01.jsonl", [_label(1, "AGAINST"), _label(3, "AGAINST")])
    with pytest.raises(LabelFileError, match="ids differ"):
        build(root)
    _write(root / "labels" / "shard_01.jsonl", [_label(1, "AGAINST"), _label(2, "PRO"), _label(3, "AGAINST")])
    assert main(["--root", str(root)]) == 2
    assert "label 'PRO'" in capsys.readouterr().err


def test_cohen_kappa() -> None:
    assert cohen_kappa(["A", "B", "A", "B"], ["A", "B", "A", "B"]) == 1.0
    assert cohen_kappa(["A", "A", "B", "B"], ["A", "B", "A", "B"]) == 0.0


@pytest.mark.skipif(not (ROOT / "news_stance.jsonl").is_file(), reason="news stance set not built in this checkout")
def test_shipped_news_stance_splits_by_document() -> None:
    rows = [json.loads(line) for line in (ROOT / "news_stance.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = {split: {r["doc_id"] for r in rows if r["split"] == split} for split in ("train", "dev", "test")}
    assert not docs["train"] & docs["test"] and not docs["train"] & docs["dev"] and not docs["dev"] & docs["test"]
    test = load("news_stance", "test")
    assert len(test) >= 500 and set(test["label"]) == {"FAVOR", "AGAINST", "NONE"}
    assert Counter(test["label"])["NONE"] / len(test) >= 0.25
    assert len(load("news_stance", "all")) == len(rows) >= 2500
    assert all(r["licence"].startswith(("Apache", "CC BY-NC-SA")) for r in rows)


def test_build_reads_every_extra_batch(root: Path) -> None:
    extra = [_candidate(7, "train", "ant:9")]
    _write(root / "candidates_extra2.jsonl", extra)
    _write(root / "shards" / "shard_02.jsonl", extra)
    _write(root / "labels" / "shard_02.jsonl", [_label(7, "AGAINST")])
    build(root)
    rows = [json.loads(line) for line in (root / "news_stance.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["ns-00001", "ns-00003", "ns-00007"]


def test_a_new_extra_batch_continues_after_every_earlier_one(root: Path) -> None:
    from training.mine_stance import ExtraFilter, _continuation, dedupe_key, existing_batches

    _write(root / "candidates_extra.jsonl", [_candidate(12, "train", "ant:5")])
    _write(root / "shards" / "shard_02.jsonl", [_candidate(12, "train", "ant:5")])
    out = root / "candidates_extra2.jsonl"
    earlier = existing_batches(out)
    assert [path.name for path in earlier] == ["candidates.jsonl", "candidates_extra.jsonl"]
    assert _continuation(earlier, root / "shards") == (13, 3)
    seen = ExtraFilter.from_candidates(earlier)
    assert seen.documents == {"ant:1", "ant:2", "ant:5"}
    assert dedupe_key(_candidate(12, "train", "ant:5")["sentence"]) in seen.sentences
    _write(out, [_candidate(13, "train", "ant:6")])
    assert out not in existing_batches(out) and len(existing_batches(root / "candidates_extra3.jsonl")) == 3


def test_reusing_train_documents_never_reopens_a_dev_or_test_document(root: Path) -> None:
    from training.mine_stance import ExtraFilter, dedupe_key

    _write(root / "candidates_extra.jsonl", [_candidate(12, "dev", "ant:5"), _candidate(13, "train", "ant:6")])
    earlier = [root / "candidates.jsonl", root / "candidates_extra.jsonl"]
    reopened = ExtraFilter.from_candidates(earlier, reuse="train")
    assert reopened.documents == {"ant:2", "ant:5"}
    assert dedupe_key(_candidate(1, "train", "ant:1")["sentence"]) in reopened.sentences
    assert ExtraFilter.from_candidates(earlier).documents == {"ant:1", "ant:2", "ant:5", "ant:6"}


def test_reusing_dev_documents_reopens_only_documents_with_dev_pairs_alone(root: Path) -> None:
    from training.mine_stance import ExtraFilter

    _write(root / "candidates_extra.jsonl", [_candidate(12, "dev", "ant:5"), _candidate(13, "train", "ant:6"),
                                              _candidate(14, "dev", "ant:7"), _candidate(15, "train", "ant:7")])
    earlier = [root / "candidates.jsonl", root / "candidates_extra.jsonl"]
    assert ExtraFilter.from_candidates(earlier, reuse="dev").documents == {"ant:1", "ant:2", "ant:6", "ant:7"}


def test_reusing_train_documents_refuses_dev_or_test_pairs(root: Path, capsys: pytest.CaptureFixture) -> None:
    from training.mine_stance import main as mine

    with pytest.raises(SystemExit) as stop:
        mine(["--extra", "--reuse-train-documents", "--test", "10", "--dev", "0",
              "--out", str(root / "candidates_extra9.jsonl")])
    assert stop.value.code == 2
    assert "train pairs only" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        mine(["--extra", "--reuse-documents", "dev", "--test", "0", "--dev", "100", "--train", "50",
              "--out", str(root / "candidates_extra9.jsonl")])
    assert stop.value.code == 2
    assert "dev pairs only: use it with --extra --test 0 --train 0" in capsys.readouterr().err


def _mined(index: int, doc: str, cue: str) -> object:
    from training.mine_stance import Candidate

    return Candidate(doc_id=doc, corpus="ant", licence="Apache-2.0", title="", sentence_index=index,
                     sentence=f"جملة رقم {index} عن اليابان", target="اليابان", holder_candidate=None,
                     event_cue=cue, region="Japan/Asia")


def test_model_guided_selection_takes_its_share_from_likely_polar_pairs_and_keeps_the_document_cap() -> None:
    from training.mine_stance import MAX_PAIRS_PER_DOC, select_by_model

    candidates = [_mined(index, f"ant:{index // 6}", "sanctions" if index % 2 else "talks") for index in range(60)]
    polar = [0.9 if index % 3 == 0 else 0.1 for index in range(60)]
    chosen = select_by_model(candidates, polar, 20, random.Random(0), polar_share=0.6, threshold=0.3)
    scores = {id(item): score for item, score in zip(candidates, polar, strict=True)}
    assert len(chosen) == 20 and len({id(item) for item in chosen}) == 20
    assert sum(scores[id(item)] >= 0.3 for item in chosen) == 12
    assert max(Counter(item.doc_id for item in chosen).values()) <= MAX_PAIRS_PER_DOC
    few = select_by_model(candidates, polar, 50, random.Random(0), polar_share=1.0, threshold=0.3)
    assert len(few) == 40 and sum(scores[id(item)] >= 0.3 for item in few) == 20


def test_model_guided_selection_refuses_a_share_outside_zero_to_one(root: Path, capsys: pytest.CaptureFixture) -> None:
    from training.mine_stance import main as mine

    with pytest.raises(SystemExit) as stop:
        mine(["--extra", "--train", "10", "--select-with", "some/model", "--polar-share", "1.5",
              "--out", str(root / "candidates_extra9.jsonl")])
    assert stop.value.code == 2
    assert "--polar-share must be between 0 and 1" in capsys.readouterr().err


def test_model_guided_selection_refuses_dev_or_test_pairs(root: Path, capsys: pytest.CaptureFixture) -> None:
    from training.mine_stance import main as mine

    with pytest.raises(SystemExit) as stop:
        mine(["--extra", "--train", "10", "--test", "5", "--dev", "0", "--select-with", "some/model",
              "--out", str(root / "candidates_extra9.jsonl")])
    assert stop.value.code == 2
    assert "--select-with chooses train pairs only" in capsys.readouterr().err


def test_candidates_from_the_pairs_analyze_asked(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--from-pairs: party targets of open documents, with the teacher's polar score, title and sentence index."""
    import lzma

    from training.mine_stance import ExtraFilter, _party_table, candidates_from_pairs

    polar = "وانتقدت الحكومة الإيرانية بشدة قرار الولايات المتحدة فرض عقوبات جديدة على شركات النفط في البلاد اليوم."
    plain = "وقالت مصادر إن وفدا من رجال الأعمال زار إيران الأسبوع الماضي ضمن جولة تشمل عدة دول في المنطقة."
    text = f"طهران تنتقد\n\n{polar} {plain}"
    folder = tmp_path / "data" / "corpus"
    folder.mkdir(parents=True)
    with lzma.open(folder / "ant_news.jsonl.xz", "wt", encoding="utf-8") as handle:
        for doc in ("new", "2"):  # ant:2 holds a test pair in the fixture's candidates
            handle.write(json.dumps({"id": doc, "category": "politic", "title": "طهران تنتقد",
                                     "text": text.split("\n\n", 1)[1]}, ensure_ascii=False) + "\n")
    monkeypatch.setenv("NLPKIT_DATA", str(tmp_path / "data"))

    def pair(target: str, sentence: str, doc: str, favor: float, against: float, holder: str | None = None) -> dict:
        return {"target": target, "text": sentence, "holder": holder, "doc_id": doc, "corpus": "ant",
                "probs": {"FAVOR": favor, "AGAINST": against, "NONE": 1 - favor - against}}

    silver = tmp_path / "silver.jsonl"
    _write(silver, [pair("الولايات المتحدة", polar, "ant:new", 0.1, 0.7, "الحكومة الإيرانية"),
                    pair("إيران", polar, "ant:new", 0.1, 0.1, "الحكومة الإيرانية"),  # the holder speaks for it
                    pair("إيران", plain, "ant:new", 0.05, 0.05),
                    pair("رجال الأعمال", plain, "ant:new", 0.0, 0.0),          # not a party
                    pair("الولايات المتحدة", polar, "ant:2", 0.1, 0.7)])       # a test document stays closed
    extra = ExtraFilter.from_candidates([root / "candidates.jsonl"], "train")
    candidates, scores = candidates_from_pairs(silver, _party_table(), extra)
    assert [(c.target, c.doc_id, c.sentence_index, c.title) for c in candidates] == [
        ("الولايات المتحدة", "ant:new", 1, "طهران تنتقد"), ("إيران", "ant:new", 2, "طهران تنتقد")]
    assert scores == pytest.approx([0.8, 0.1])
    assert candidates[0].region == "US" and candidates[0].licence == "Apache-2.0"
    assert extra.dropped["pair:not_a_party"] == 1 and extra.dropped["pair:mined_before"] == 1
    assert extra.dropped["pair:target_noise"] == 1


def test_pairs_from_analyze_make_train_batches_only(root: Path, capsys: pytest.CaptureFixture) -> None:
    from training.mine_stance import main as mine

    with pytest.raises(SystemExit) as stop:
        mine(["--extra", "--test", "0", "--dev", "0", "--train", "10", "--from-pairs", str(root / "silver.jsonl"),
              "--out", str(root / "candidates_extra9.jsonl")])
    assert stop.value.code == 2
    assert "--from-pairs mines train pairs" in capsys.readouterr().err
