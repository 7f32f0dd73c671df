"""``analyze_dataset`` over a Hugging Face ``datasets.Dataset``: the serial CLI's lines, error rows, two processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import THREADS, seed_paths

from nlpkit.export import dumps_jsonl_line

datasets = pytest.importorskip("datasets")

from nlpkit.integrations.hf_datasets import analyze_dataset  # noqa: E402 - after the importorskip above


@pytest.fixture(scope="module")
def corpus() -> datasets.Dataset:
    texts = [path.read_text(encoding="utf-8")[:1500] for path in seed_paths()]
    texts.insert(2, None)  # a missing text: an error row
    return datasets.Dataset.from_dict({"doc": [f"d{index}" for index in range(len(texts))], "body": texts})


def test_json_rows_equal_serial_lines_with_two_processes(tiny_analyzer_dir: Path, analyzer, corpus) -> None:
    results = analyze_dataset(corpus, tiny_analyzer_dir, id_column="doc", text_column="body", num_proc=2,
                              rows_per_batch=2, threads=THREADS)
    assert results.column_names == ["id", "json", "error"]
    assert results["id"] == corpus["doc"]  # input order
    bad = results[2]
    assert "not a string" in bad["error"] and json.loads(bad["json"])["id"] == "d2"
    for row, doc_id, text in zip(results, corpus["doc"], corpus["body"], strict=True):
        if doc_id != "d2":
            assert row["error"] is None
            assert row["json"] == dumps_jsonl_line(analyzer(text), doc_id)[:-1]


def test_columns_output(tiny_analyzer_dir: Path, analyzer, corpus) -> None:
    small = corpus.select([0, 2]).rename_columns({"doc": "id", "body": "text"})
    results = analyze_dataset(small, tiny_analyzer_dir, output="columns", threads=THREADS)
    assert results.column_names == ["id", "entities", "stances", "summary", "error"]
    assert results[0]["entities"] == analyzer(small[0]["text"]).to_dict()["entities"]
    assert results[1]["entities"] is None and results[1]["error"]


def test_missing_column_says_how_to_fix(corpus) -> None:
    from nlpkit.errors import InputError

    with pytest.raises(InputError, match="text_column"):
        analyze_dataset(corpus)
