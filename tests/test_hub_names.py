"""Hub ids load through the Hugging Face cache; unreachable ones give one clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import nlpkit
from nlpkit.errors import ModelLoadError


@pytest.fixture
def offline_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return tmp_path


def test_cached_hub_id_loads(offline_cache: Path, tiny_ner_dir: Path) -> None:
    repo = offline_cache / "models--nlpkit-test--tiny-ner"
    snapshot = repo / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_ner_dir, snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    analyzer = nlpkit.load("nlpkit-test/tiny-ner", threads=1)
    assert analyzer.tasks == ("ner",)
    doc = analyzer("قال لافروف إن روسيا واليابان اتفقتا.")
    assert all(doc.text[e.start:e.end] == e.text for e in doc.entities)


def test_unreachable_hub_id_is_one_clear_error(offline_cache: Path) -> None:
    with pytest.raises(ModelLoadError, match="could not be fetched from the Hugging Face Hub"):
        nlpkit.load("aubmindlab/bert-base-arabertv02")


def test_missing_local_path_is_not_sent_to_the_hub(offline_cache: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        nlpkit.load("runs/no/such/model")
