"""The ``arabic-news-analysis`` transformers pipeline and token classification on a saved NER dir."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import THREADS

import nlpkit
from nlpkit.hf_pipeline import TASK, write_pipeline_config


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory: pytest.TempPathFactory, tiny_analyzer_dir: Path) -> Path:
    """The tiny analyzer with the config.json transformers needs to open it."""
    folder = tmp_path_factory.mktemp("hf") / "analyzer"
    shutil.copytree(tiny_analyzer_dir, folder)
    write_pipeline_config(folder)
    return folder


def test_import_registers_lazily() -> None:
    code = ("import sys, nlpkit; assert 'transformers.pipelines' not in sys.modules; "
            "from transformers.pipelines import PIPELINE_REGISTRY; "
            f"assert {TASK!r} in PIPELINE_REGISTRY.get_supported_tasks()")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_custom_task_matches_analyze(pipeline_dir: Path, seed_texts: list[str]) -> None:
    from transformers import pipeline

    analyze = pipeline(TASK, model=str(pipeline_dir), model_kwargs={"threads": THREADS})
    expected = [nlpkit.analyze(text, model=pipeline_dir).to_dict() for text in seed_texts[:2]]
    assert analyze(seed_texts[0]) == expected[0]
    assert analyze(seed_texts[:2]) == expected
    with_targets = analyze(seed_texts[0], targets=["روسيا", "اليابان"])
    assert with_targets == nlpkit.analyze(seed_texts[0], model=pipeline_dir, targets=["روسيا", "اليابان"]).to_dict()


def test_token_classification_pipeline_on_ner_dir(tiny_ner_dir: Path, seed_texts: list[str]) -> None:
    from transformers import pipeline

    ner = pipeline("token-classification", model=str(tiny_ner_dir), aggregation_strategy="simple", device="cpu")
    text = seed_texts[0][:400]
    spans = ner(text)
    assert isinstance(spans, list)
    for span in spans:
        assert span["entity_group"] in {"PER", "ORG", "LOC", "DATE", "MISC"}
        assert 0 <= span["start"] < span["end"] <= len(text)
