"""Silver stance pairs for the fast tier (training.distill_stance): what is kept out, schema, resume."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from nlpkit.errors import ConfigError

import training.distill_stance as module
from training.config import SourceConfig
from training.distill_stance import distill, held_out, relabel, roundrobin
from training.mine_stance import dedupe_key
from training.sources import load_source

BODY = ("أعلنت وزارة الخارجية الروسية أن روسيا ترفض العقوبات التي فرضتها اليابان على شركاتها. "
        "وقالت الوزارة إن اليابان تتحمل مسؤولية تدهور العلاقات مع روسيا.")


def _test_row() -> dict[str, str]:
    """A news_stance test row from ANT: its document and its sentence must never become silver."""
    with open("training/data/news_stance/news_stance.jsonl", encoding="utf-8") as handle:
        return next(row for row in map(json.loads, handle) if row["split"] == "test" and row["corpus"] == "ant")


@pytest.fixture()
def corpus_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    row = _test_row()
    ant = [
        {"id": "new-1", "category": "politic", "title": "موسكو ترد", "text": BODY},
        {"id": row["doc_id"].removeprefix("ant:"), "category": "politic", "title": "", "text": BODY},  # a test document
        {"id": "new-2", "category": "sport", "title": "", "text": BODY},  # a section the miner does not read
        # a copy of a test sentence, twice, so that its places are main entities and it is asked
        {"id": "new-3", "category": "politic", "title": "", "text": f"{row['text']}\n\n{row['text']}\n\n{BODY}"},
    ]
    saudi = [{"url": "https://example.org/1", "title": "", "content": BODY.replace("اليابان", "الصين")}]
    folder = tmp_path / "data" / "corpus"
    folder.mkdir(parents=True)
    for name, articles in (("ant_news", ant), ("saudinewsnet", saudi)):
        with lzma.open(folder / f"{name}.jsonl.xz", "wt", encoding="utf-8") as handle:
            handle.writelines(json.dumps(article, ensure_ascii=False) + "\n" for article in articles)
    monkeypatch.setenv("NLPKIT_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


def test_held_out_covers_dev_and_test_documents() -> None:
    row = _test_row()
    documents, sentences, annotated = held_out()
    assert row["doc_id"] in documents and dedupe_key(row["text"]) in sentences
    assert len(annotated) > 10_000


def test_roundrobin_alternates_and_drains() -> None:
    assert list(roundrobin(iter("ab"), iter("1234"))) == ["a", "1", "b", "2", "3", "4"]


def test_silver_pairs_skip_held_out_text_and_resume(corpus_dir: Path, tiny_stance_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "silver"
    joined = distill(out, 1000, shard_docs=1, teacher=str(tiny_stance_dir))
    rows = [json.loads(line) for line in joined.read_text(encoding="utf-8").splitlines()]
    assert rows, "the fast tier finds targets in the articles"
    test_row = _test_row()
    assert {row["doc_id"] for row in rows} <= {"ant:new-1", "ant:new-3", "saudinewsnet:00000"}
    assert all(dedupe_key(row["text"]) != dedupe_key(test_row["text"]) for row in rows)
    assert {row["corpus"] for row in rows} == {"ant", "saudinewsnet"}
    assert all(row["label"] in ("FAVOR", "AGAINST", "NONE") and abs(sum(row["probs"].values()) - 1) < 1e-3
               for row in rows)
    assert {row["licence"] for row in rows if row["corpus"] == "saudinewsnet"} == {"CC BY-NC-SA 4.0 (research only)"}
    shards = sorted(out.glob("shard_*.jsonl"))
    assert len(shards) == 3  # one document a shard: new-1, the Saudi article, new-3
    assert "ant:new-3" in {row["doc_id"] for row in rows}

    documents, _, _ = held_out()
    monkeypatch.setattr(module, "held_out", lambda: (documents, set(), set()))
    unfiltered = distill(tmp_path / "unfiltered", 1000, shard_docs=1, teacher=str(tiny_stance_dir))
    texts = {dedupe_key(json.loads(line)["text"]) for line in unfiltered.read_text(encoding="utf-8").splitlines()}
    assert dedupe_key(test_row["text"]) in texts  # the sentence filters above are what kept it out
    kept = shards[0].read_text(encoding="utf-8").replace('"NONE"', '"KEPT"').replace('"FAVOR"', '"KEPT"')
    shards[0].write_text(kept.replace('"AGAINST"', '"KEPT"'), encoding="utf-8")
    distill(out, 1000, shard_docs=1, teacher=str(tiny_stance_dir))
    assert '"KEPT"' in shards[0].read_text(encoding="utf-8")  # finished shards are not redone
    dataset = load_source(SourceConfig(name=str(out / "shard_001.jsonl")), "stance", None)
    assert len(dataset) > 0 and set(dataset["label"]) <= {"FAVOR", "AGAINST", "NONE"}


def test_relabel_keeps_the_pairs_and_resumes(tiny_stance_dir: Path, tmp_path: Path) -> None:
    """A later self-training round: the same pairs, the new teacher's labels, finished shards kept."""
    source, out = tmp_path / "round1", tmp_path / "round2"
    source.mkdir()
    pairs = [{"target": "روسيا", "text": BODY.split(". ")[0], "holder": None, "doc_id": "ant:new-1", "corpus": "ant",
              "licence": "Apache-2.0", "id": "silver-000-0000", "label": "OLD", "source": "silver_stance",
              "probs": {"OLD": 1.0}},
             {"target": "اليابان", "text": BODY.split(". ")[1], "holder": "الوزارة", "doc_id": "ant:new-1",
              "corpus": "ant", "licence": "Apache-2.0", "id": "silver-000-0001", "label": "OLD",
              "source": "silver_stance", "probs": {"OLD": 1.0}}]
    for number in range(2):
        (source / f"shard_{number:03d}.jsonl").write_text(
            "\n".join(json.dumps(row, ensure_ascii=False) for row in pairs) + "\n", encoding="utf-8")
    joined = relabel(source, out, teacher=str(tiny_stance_dir))
    rows = [json.loads(line) for line in joined.read_text(encoding="utf-8").splitlines()]
    assert [(row["target"], row["text"], row["holder"]) for row in rows] == \
        [(row["target"], row["text"], row["holder"]) for row in pairs] * 2
    assert all(row["label"] in ("FAVOR", "AGAINST", "NONE") and set(row["probs"]) == {"FAVOR", "AGAINST", "NONE"}
               for row in rows)
    assert [row["id"] for row in rows] == ["silver-000-0000", "silver-000-0001", "silver-001-0000", "silver-001-0001"]
    (out / "shard_000.jsonl").write_text((out / "shard_000.jsonl").read_text(encoding="utf-8").replace(
        rows[0]["label"], "KEPT", 1), encoding="utf-8")
    relabel(source, out, teacher=str(tiny_stance_dir))
    assert '"KEPT"' in (out / "silver.jsonl").read_text(encoding="utf-8")  # finished shards are not redone
    with pytest.raises(ConfigError, match="no shard"):
        relabel(tmp_path / "empty", out, teacher=str(tiny_stance_dir))
    with pytest.raises(ConfigError, match="another folder"):
        relabel(source, source, teacher=str(tiny_stance_dir))


def test_join_leaves_out_sentences_annotated_since(tmp_path: Path) -> None:
    """A batch annotated from these very pairs replaces the teacher's labels, whatever the target's name."""
    with open("training/data/news_stance/news_stance.jsonl", encoding="utf-8") as handle:
        gold = next(row for row in map(json.loads, handle) if row["split"] == "train")
    pairs = [{"target": "اسم آخر", "text": gold["text"], "holder": None, "doc_id": gold["doc_id"], "label": "NONE"},
             {"target": "روسيا", "text": BODY.split(". ")[0], "holder": None, "doc_id": "ant:new-1", "label": "NONE"}]
    (tmp_path / "shard_000.jsonl").write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in pairs) + "\n",
                                              encoding="utf-8")
    rows = [json.loads(line) for line in module.join_shards(tmp_path).read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == [pairs[1]["text"]]


def test_skip_shards_reads_past_earlier_documents(corpus_dir: Path, tiny_stance_dir: Path, tmp_path: Path) -> None:
    """Fresh documents for a held-out set: the first shards' documents are never analysed, numbers kept."""
    everything = tmp_path / "all"
    distill(everything, 1000, shard_docs=1, teacher=str(tiny_stance_dir))
    fresh = tmp_path / "fresh"
    joined = distill(fresh, 1000, shard_docs=1, teacher=str(tiny_stance_dir), skip_shards=2)
    assert [path.name for path in sorted(fresh.glob("shard_*.jsonl"))] == ["shard_002.jsonl"]
    rows = [json.loads(line) for line in joined.read_text(encoding="utf-8").splitlines()]
    assert rows and {row["doc_id"] for row in rows} == {"ant:new-3"}
    assert (fresh / "shard_002.jsonl").read_text(encoding="utf-8") == \
        (everything / "shard_002.jsonl").read_text(encoding="utf-8")

