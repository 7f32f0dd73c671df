"""Readers and registry of nlpkit.data.

Tests marked ``data`` read the shared data directory and are skipped when it is absent; the
others build tiny files in a temporary directory.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest

from nlpkit.data import (
    NER_DATASETS,
    STANCE_DATASETS,
    UnknownDatasetError,
    UnknownSplitError,
    iter_corpus,
    iter_dataset_text,
    list_datasets,
    load,
    splits,
)
from nlpkit.data.labels import NER_TYPES, STANCE_LABELS, entity_spans, is_valid_iob2
from nlpkit.data.paths import data_dir
from nlpkit.data.readers import authored, mawqif, seeds
from nlpkit.data.readers.wojood import flatten
from nlpkit.errors import MissingDataError

HAVE_DATA = (data_dir() / "ner").is_dir() and (data_dir() / "stance").is_dir()
needs_data = pytest.mark.skipif(not HAVE_DATA, reason=f"shared data directory not found at {data_dir()}")
HAVE_TEXT = importlib.util.find_spec("nlpkit.text.tokenize") is not None and importlib.util.find_spec("nlpkit.text.sentences") is not None
needs_text = pytest.mark.skipif(not HAVE_TEXT, reason="nlpkit.text (tokenize, split_sentences) is not written yet")

NER_COLUMNS = ["id", "tokens", "tags", "source", "annotated_types"]
STANCE_COLUMNS = ["id", "target", "text", "label", "holder", "source"]

# dataset, split: sentences, tokens, mentions PER ORG LOC DATE MISC (docs/DATA.md)
NER_COUNTS = {
    ("anercorp", "train"): (3973, 125102, (2735, 1586, 3779, 0, 900)),
    ("anercorp", "test"): (925, 25008, (907, 459, 676, 0, 243)),
    ("anercorp", "dev"): (373, 12377, (226, 144, 266, 0, 65)),
    ("anercorp", "train_no_dev"): (3600, 112725, (2509, 1442, 3513, 0, 835)),
    ("newsfane", "train"): (3960, 141708, (2825, 1840, 3927, 0, 257)),
    ("newsfane", "dev"): (400, 11890, (248, 160, 318, 0, 18)),
    ("newsfane", "test"): (400, 14482, (450, 358, 323, 0, 9)),
    ("wikifane", "train"): (12763, 395196, (7168, 3457, 14424, 0, 2125)),
    ("wikifane", "dev"): (1500, 48100, (848, 402, 1684, 0, 226)),
    ("wikifane", "test"): (1500, 46265, (911, 455, 1470, 0, 267)),
    ("wojood", "train"): (1114, 18537, (202, 569, 442, 526, 146)),
    ("wojood", "dev"): (158, 2687, (40, 83, 80, 83, 15)),
    ("wojood", "test"): (357, 5227, (70, 189, 150, 154, 36)),
}
# dataset, split: examples, FAVOR AGAINST NONE
STANCE_COUNTS = {
    ("mawqif", "train"): (3127, (1905, 925, 297)),
    ("mawqif", "dev"): (375, (243, 96, 36)),
    ("mawqif", "test"): (619, (380, 180, 59)),
    ("ans", "train"): (2652, (903, 1686, 63)),
    ("ans", "dev"): (755, (268, 471, 16)),
    ("ans", "test"): (379, (130, 242, 7)),
}


# --- registry --------------------------------------------------------------------------------


def test_registry_names() -> None:
    assert set(list_datasets()) == NER_DATASETS | STANCE_DATASETS
    assert NER_DATASETS == {"anercorp", "newsfane", "wikifane", "fane", "wojood", "seeds_ner"}
    assert STANCE_DATASETS == {"mawqif", "ans", "seeds_stance", "authored", "news_stance"}
    assert list_datasets("stance") == sorted(STANCE_DATASETS)
    assert splits("wojood") == ("train", "dev", "test")


def test_unknown_dataset_lists_valid_names() -> None:
    with pytest.raises(UnknownDatasetError, match="valid names: .*anercorp") as info:
        load("conll2003")
    assert isinstance(info.value, ValueError)
    with pytest.raises(UnknownDatasetError, match="seeds_ner"):
        load("seeds")


def test_unknown_split_lists_valid_splits() -> None:
    with pytest.raises(UnknownSplitError, match="valid splits: train, test, dev, train_no_dev") as info:
        load("anercorp", "holdout")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("name", "split", "relative"),
    [
        ("anercorp", "train", "ner/anercorp/train.txt"),
        ("newsfane", "dev", "ner/fane/NewsFANE_Gold_2014_170K.txt"),
        ("wikifane", "test", "ner/fane/WikiFANE_Gold_2014_500K.txt"),
        ("wojood", "val", "ner/wojood-sample/val.txt"),
        ("mawqif", "dev", "stance/mawqif/train.csv"),
        ("ans", "test", "stance/ans/test.csv"),
    ],
)
def test_missing_file_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, split: str, relative: str) -> None:
    monkeypatch.setenv("NLPKIT_DATA", str(tmp_path))
    with pytest.raises(MissingDataError) as info:
        load(name, split)
    message = str(info.value)
    assert str(tmp_path / relative) in message
    assert "Download" in message and "NLPKIT_DATA" in message


def test_missing_corpus_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NLPKIT_DATA", str(tmp_path))
    with pytest.raises(MissingDataError, match="ant_news.jsonl.xz"):
        next(iter_corpus("ant"))
    with pytest.raises(UnknownDatasetError):
        next(iter_corpus("wikipedia"))


# --- readers on small synthetic files ----------------------------------------------------------


def test_fane_cleans_bom_lrm_crlf_and_repairs_iob(tmp_path: Path) -> None:
    folder = tmp_path / "ner" / "fane"
    folder.mkdir(parents=True)
    lines = ["\u200eزار\tO", "\u200eبان\tI-Politician", "\u200eكي\tI-Politician", "\u200eمون\tO", ".\tO", "\t", "\u200eباريس\tB-Population-Center", ""]
    (folder / "NewsFANE_Gold_2014_170K.txt").write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))
    dataset = load("newsfane", "train", data_dir=tmp_path)
    assert dataset["tokens"] == [["زار", "بان", "كي", "مون", "."], ["باريس"]]
    assert dataset["tags"] == [["O", "B-PER", "I-PER", "O", "O"], ["B-LOC"]]
    assert dataset["id"] == ["newsfane:train:0", "newsfane:train:1"]
    assert load("newsfane", "test", data_dir=tmp_path).num_rows == 0


def test_wojood_flatten_keeps_outermost_mapped_entity() -> None:
    assert flatten([["B-ORG"], ["I-ORG"], ["I-ORG", "B-PERS"]]) == ["B-ORG", "I-ORG", "I-ORG"]
    occ = [["B-OCC"], ["I-OCC", "B-ORG"], ["I-OCC", "I-ORG"], ["I-OCC"], ["I-OCC", "B-GPE"], ["O"]]
    assert flatten(occ) == ["O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]
    same_type = [["B-ORG"], ["I-ORG", "B-ORG"], ["I-ORG", "I-ORG", "B-GPE"]]
    assert flatten(same_type) == ["B-ORG", "I-ORG", "I-ORG"]
    assert flatten([["B-NORP"], ["I-NORP", "B-ORG"], ["B-GPE"], ["I-GPE"]]) == ["O", "B-ORG", "B-LOC", "I-LOC"]


def test_wojood_drops_line_break_tokens(tmp_path: Path) -> None:
    folder = tmp_path / "ner" / "wojood-sample"
    folder.mkdir(parents=True)
    (folder / "val.txt").write_text("في O\nرام B-GPE\nالله I-GPE\n$#$ O\n\n$#$ O\n\nغزة B-GPE\n", encoding="utf-8")
    dataset = load("wojood", "val", data_dir=tmp_path)
    assert dataset["tokens"] == [["في", "رام", "الله"], ["غزة"]]
    assert dataset["tags"] == [["O", "B-LOC", "I-LOC"], ["B-LOC"]]
    assert dataset["id"][0] == "wojood:dev:0"


def test_mawqif_skips_rows_without_stance(tmp_path: Path) -> None:
    folder = tmp_path / "stance" / "mawqif"
    folder.mkdir(parents=True)
    texts = [f"تغريدة رقم {i}" for i in range(40)]
    dev_text = next(t for t in texts if mawqif.in_dev(t))
    train_text = next(t for t in texts if not mawqif.in_dev(t))
    rows = f"ID,text,target,stance\n1,{dev_text},COVID Vaccine,Favor\n2,نص,Digital Transformation,\n3, {train_text} ,Women empowerment,None\n"
    (folder / "train.csv").write_text("\ufeff" + rows, encoding="utf-8")
    assert mawqif.skipped("train", data_dir=tmp_path) == 1
    assert load("mawqif", "dev", data_dir=tmp_path)["target"] == ["لقاح كورونا"]
    train = load("mawqif", "train", data_dir=tmp_path)
    assert train[0] == {"id": "mawqif:train:0", "target": "تمكين المرأة", "text": train_text, "label": "NONE", "holder": None, "source": "mawqif"}


def test_authored_split_rule(tmp_path: Path) -> None:
    path = tmp_path / authored.RELATIVE
    path.parent.mkdir(parents=True)
    records = [{"id": f"a{i}", "target": "روسيا", "text": f"جملة {i}", "label": STANCE_LABELS[i % 3], "holder": None, "topic": "t"} for i in range(25)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert load_texts(authored.load("test", root=tmp_path)) == ["جملة 0", "جملة 10", "جملة 20"]
    assert load_texts(authored.load("dev", root=tmp_path)) == ["جملة 1", "جملة 11", "جملة 21"]
    assert authored.load("train", root=tmp_path).num_rows == 19
    assert authored.load("all", root=tmp_path).num_rows == 25
    with pytest.raises(MissingDataError, match="authored_stance.jsonl"):
        authored.load("train", root=tmp_path / "nowhere")


def load_texts(dataset) -> list[str]:
    return list(dataset["text"])


def test_seeds_missing_annotations(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="annotations.jsonl"):
        seeds.load_stance(seeds_dir=tmp_path)


@needs_text
def test_seeds_reader_on_a_small_article(tmp_path: Path) -> None:
    text = "زار لافروف بكين في 30 مايو.\nإقرأ المزيد\nوقالت روسيا إنها تدعم الصين."
    (tmp_path / "000_x.txt").write_text(text, encoding="utf-8", newline="")

    def span(part: str, label: str, start: int = 0) -> dict:
        begin = text.index(part, start)
        return {"start": begin, "end": begin + len(part), "label": label, "text": part}

    sentence = "وقالت روسيا إنها تدعم الصين."
    record = {
        "doc": "000_x.txt",
        "entities": [span("لافروف", "PER"), span("بكين", "LOC"), span("30 مايو", "DATE"), span("روسيا", "LOC"), span("الصين", "LOC")],
        "stances": [
            {**span(sentence, "FAVOR"), "target": "الصين", "holder": "روسيا"},
            {**span("إقرأ المزيد", "NONE"), "target": "روسيا", "holder": None},
        ],
        "boilerplate": [{**span("إقرأ المزيد", "related"), "kind": "related"}],
    }
    (tmp_path / "annotations.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    ner = seeds.load_ner(seeds_dir=tmp_path)
    tagged = {tok: tag for row in ner for tok, tag in zip(row["tokens"], row["tags"])}
    assert tagged["لافروف"] == "B-PER" and tagged["بكين"] == "B-LOC"
    assert tagged["30"] == "B-DATE" and tagged["مايو"] == "I-DATE"
    assert tagged["روسيا"] == "B-LOC" and tagged["الصين"] == "B-LOC"
    assert all(is_valid_iob2(tags) for tags in ner["tags"])
    stance = seeds.load_stance(seeds_dir=tmp_path)
    assert stance["text"] == [sentence] and stance["label"] == ["FAVOR"] and stance["holder"] == ["روسيا"]


# --- the shared data ----------------------------------------------------------------------------


@pytest.mark.data
@needs_data
@pytest.mark.parametrize(("name", "split"), sorted(NER_COUNTS))
def test_ner_counts_schema_and_tags(name: str, split: str) -> None:
    dataset = load(name, split)
    assert dataset.column_names == NER_COLUMNS
    sentences, tokens, mentions = NER_COUNTS[(name, split)]
    assert dataset.num_rows == sentences
    assert sum(len(t) for t in dataset["tokens"]) == tokens
    found = Counter(kind for tags in dataset["tags"] for kind, _, _ in entity_spans(tags))
    assert tuple(found[t] for t in NER_TYPES) == mentions
    assert all(len(a) == len(b) and is_valid_iob2(b) for a, b in zip(dataset["tokens"], dataset["tags"]))
    assert set(dataset["source"]) == {name}
    assert dataset[0]["id"] == f"{name}:{split}:0"
    assert ("DATE" in dataset[0]["annotated_types"]) == (name == "wojood")


@pytest.mark.data
@needs_data
def test_anercorp_dev_is_carved_from_train_in_whole_blocks() -> None:
    train = load("anercorp", "train")["tokens"]
    dev = load("anercorp", "dev")["tokens"]
    rest = load("anercorp", "train_no_dev")["tokens"]
    assert dev == [t for i, t in enumerate(train) if (i // 100) % 10 == 9]
    assert rest == [t for i, t in enumerate(train) if (i // 100) % 10 != 9]
    assert dev[0] == train[900] and rest[900] == train[1000]


@pytest.mark.data
@needs_data
@pytest.mark.parametrize(("name", "split"), sorted(STANCE_COUNTS))
def test_stance_counts_and_schema(name: str, split: str) -> None:
    dataset = load(name, split)
    assert dataset.column_names == STANCE_COLUMNS
    examples, labels = STANCE_COUNTS[(name, split)]
    assert dataset.num_rows == examples
    counts = Counter(dataset["label"])
    assert tuple(counts[label] for label in STANCE_LABELS) == labels
    assert set(dataset["holder"]) == {None}
    assert all(t.strip() and x.strip() for t, x in zip(dataset["target"], dataset["text"]))


@pytest.mark.data
@needs_data
def test_fane_tokens_are_clean() -> None:
    for name in ("newsfane", "wikifane"):
        for split in splits(name):
            for tokens in load(name, split)["tokens"]:
                assert not any(c in token for token in tokens for c in "\ufeff\u200e\r\t ")
    assert load("fane", "dev").num_rows == 400 + 1500


@pytest.mark.data
@needs_data
def test_wojood_nesting_and_val_alias() -> None:
    train = load("wojood", "train")
    first = dict(zip(train[0]["tokens"], train[0]["tags"]))
    assert first["الأسد"] == "I-ORG"  # 'I-ORG B-PERS': the outer ORG wins
    second = train[1]
    assert second["tags"][1:7] == ["O", "B-ORG", "I-ORG", "I-ORG", "O", "B-LOC"]  # OCC around ORG and GPE
    assert not any("$#$" in tokens for tokens in train["tokens"])
    assert load("wojood", "val")["id"] == load("wojood", "dev")["id"]


@pytest.mark.data
@needs_data
def test_mawqif_targets_and_dev_carving() -> None:
    arabic = {"لقاح كورونا", "التحول الرقمي", "تمكين المرأة"}
    for split in splits("mawqif"):
        assert set(load("mawqif", split)["target"]) == arabic
        assert mawqif.skipped(split) == 0
    train, dev = load("mawqif", "train"), load("mawqif", "dev")
    assert not set(train["text"]) & set(dev["text"])
    assert train.num_rows + dev.num_rows == 3502


@pytest.mark.data
@needs_data
def test_ans_label_mapping() -> None:
    first = load("ans", "train")[0]
    assert first["target"] == "هجوم صاروخي يستهدف مطار في طرابلس ويجبر ليبيا على تغيير مسار الرحلات الجوية"
    assert first["text"] == "هدوء الاشتباكات فى طرابلس"
    assert first["label"] == "AGAINST"  # 'disagree'


@pytest.mark.data
@needs_data
def test_raw_text_iterators() -> None:
    ant = iter_corpus("ant")
    first = next(ant)
    assert first.startswith('مخرج "غدوة حيّ"') and "\n\n" in first
    assert sum(1 for _ in ant) + 1 == 10138
    assert next(iter_corpus("saudinewsnet")).strip()
    texts = list(itertools.islice(iter_dataset_text(["wojood", "ans"]), 1200))
    assert all(isinstance(t, str) and t for t in texts)
    assert texts[0].startswith("فقد حرصت روسيا")


@pytest.mark.data
@needs_text
def test_project_seeds_when_annotated() -> None:
    try:
        ner, stance = load("seeds_ner", "test"), load("seeds_stance", "test")
    except MissingDataError as error:
        pytest.skip(str(error))
    assert ner.column_names == NER_COLUMNS and stance.column_names == STANCE_COLUMNS
    assert all(is_valid_iob2(tags) for tags in ner["tags"])
    assert set(stance["label"]) <= set(STANCE_LABELS)
