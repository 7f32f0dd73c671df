"""Silver labelling for the fast tier (training.distill): sentence selection, schema, resume."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from training.distill import corpus_sentences, distill
from training.sources import load_source
from training.config import SourceConfig

ARTICLES = [
    {"title": "زيارة رسمية", "text": "استقبل وزير الخارجية المصري سامح شكري نظيره الأردني أيمن الصفدي في القاهرة اليوم. "
                                      "وبحث الوزيران تطورات الأوضاع في المنطقة وسبل تعزيز التعاون. قصير جدا."},
    {"title": "", "text": "استقبل وزير الخارجية المصري سامح شكري نظيره الأردني أيمن الصفدي في القاهرة اليوم. "
                          "أعلنت الأمم المتحدة أن مجلس الأمن سيعقد جلسة طارئة يوم الاثنين المقبل في نيويورك."},
]


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "corpus"
    folder.mkdir(parents=True)
    with lzma.open(folder / "ant_news.jsonl.xz", "wt", encoding="utf-8") as handle:
        for article in ARTICLES:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    return tmp_path / "data"


def test_sentences_are_distinct_and_sized(data_dir: Path) -> None:
    sentences = list(corpus_sentences("ant", str(data_dir)))
    assert sentences[0].startswith("استقبل وزير الخارجية")
    assert len(sentences) == 3  # the repeated sentence once; the title and «قصير جدا.» are too short
    assert all(6 <= len(s.split()) <= 60 for s in sentences)


def test_shards_resume_and_load_as_ner_source(data_dir: Path, tiny_ner_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "silver"
    joined = distill(str(tiny_ner_dir), out, sentences=3, shard_size=2, data_dir=str(data_dir))
    rows = [json.loads(line) for line in joined.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["silver:0", "silver:1", "silver:2"]
    assert all(len(row["tokens"]) == len(row["tags"]) == len(row["scores"]) for row in rows)
    assert rows[0]["tokens"][:3] == ["استقبل", "وزير", "الخارجية"]
    first = (out / "shard_000.jsonl").read_text(encoding="utf-8")
    (out / "shard_001.jsonl").unlink()
    (out / "shard_000.jsonl").write_text(first.replace("silver_ant", "kept"), encoding="utf-8")
    distill(str(tiny_ner_dir), out, sentences=3, shard_size=2, data_dir=str(data_dir))
    assert "kept" in (out / "shard_000.jsonl").read_text(encoding="utf-8")  # finished shards are not redone
    assert (out / "shard_001.jsonl").is_file()
    dataset = load_source(SourceConfig(name=str(joined)), "ner", None)
    assert len(dataset) == 3 and dataset[0]["tokens"][0] == "استقبل"


def test_a_short_corpus_labels_what_it_has(data_dir: Path, tiny_ner_dir: Path, tmp_path: Path) -> None:
    joined = distill(str(tiny_ner_dir), tmp_path / "silver", sentences=10, shard_size=2, data_dir=str(data_dir))
    assert len(joined.read_text(encoding="utf-8").splitlines()) == 3
    assert sorted(p.name for p in (tmp_path / "silver").glob("shard_*.jsonl")) == ["shard_000.jsonl", "shard_001.jsonl"]
