"""Shared fixtures: tiny real model directories built offline from the seed articles.

The models are random (untrained) BERTs a few kilobytes large: they exercise loading,
tokenisation, windowing, batching and decoding exactly as a trained model would, quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TINY_BERT = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
             "max_position_embeddings": 128}
THREADS = 1
"""One intra-op thread: tiny matrices gain nothing from more, and a busy machine makes them much slower."""


def seed_paths() -> list[Path]:
    """The seed article files, sorted by name."""
    return sorted(SEEDS.glob("*.txt"))


def read_seed(path: Path) -> str:
    """Read a seed article exactly as its annotations index it (UTF-8, no newline translation)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def seed_annotations(path: Path) -> dict:
    """The hand annotations of one seed article."""
    with open(SEEDS / "annotations.jsonl", encoding="utf-8") as handle:
        return next(record for record in map(json.loads, handle) if record["doc"] == path.name)


@pytest.fixture(scope="session")
def seed_texts() -> list[str]:
    """The five seed articles."""
    return [read_seed(path) for path in seed_paths()]


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory: pytest.TempPathFactory, seed_texts: list[str]) -> Path:
    """A WordPiece tokenizer trained on the seed articles (the training task's own code)."""
    from training.tasks.tokenizer import train_tokenizer, wrap_fast_tokenizer

    directory = tmp_path_factory.mktemp("tokenizer")
    tokenizer = train_tokenizer(iter(seed_texts), vocab_size=800, min_frequency=1)
    wrap_fast_tokenizer(tokenizer, model_max_length=512).save_pretrained(directory)
    return directory


def _save_tiny_model(directory: Path, tokenizer_dir: Path, labels: list[str], task: str) -> Path:
    """Save a random tiny BERT with ``labels`` and the shared tokenizer into ``directory``."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, BertForTokenClassification

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = BertConfig(vocab_size=len(tokenizer), id2label=dict(enumerate(labels)),
                        label2id={label: i for i, label in enumerate(labels)}, **TINY_BERT)
    torch.manual_seed(0)
    model_class = BertForTokenClassification if task == "ner" else BertForSequenceClassification
    model_class(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_ner_dir(tmp_path_factory: pytest.TempPathFactory, tiny_tokenizer_dir: Path) -> Path:
    """A random token-classification model with IOB2 labels over PER/ORG/LOC/DATE/MISC."""
    from nlpkit.data.labels import NER_LABELS

    return _save_tiny_model(tmp_path_factory.mktemp("ner"), tiny_tokenizer_dir, list(NER_LABELS), "ner")


@pytest.fixture(scope="session")
def tiny_stance_dir(tmp_path_factory: pytest.TempPathFactory, tiny_tokenizer_dir: Path) -> Path:
    """A random (target, text) classifier with labels FAVOR/AGAINST/NONE."""
    from nlpkit.data.labels import STANCE_LABELS

    return _save_tiny_model(tmp_path_factory.mktemp("stance"), tiny_tokenizer_dir, list(STANCE_LABELS), "stance")


@pytest.fixture(scope="session")
def tiny_analyzer_dir(tmp_path_factory: pytest.TempPathFactory, tiny_ner_dir: Path, tiny_stance_dir: Path) -> Path:
    """An analyzer directory: ``ner/`` + ``stance/`` + ``nlpkit.json``, written by ``save_pretrained``."""
    from nlpkit.analysis.analyzer import Analyzer
    from nlpkit.models.ner import NerModel
    from nlpkit.models.stance import StanceModel

    analyzer = Analyzer(NerModel.from_pretrained(tiny_ner_dir, threads=THREADS),
                        StanceModel.from_pretrained(tiny_stance_dir, threads=THREADS))
    directory = tmp_path_factory.mktemp("analyzer")
    analyzer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def analyzer(tiny_analyzer_dir: Path):
    """The tiny analyzer, loaded back from its directory."""
    from nlpkit.analysis.analyzer import Analyzer

    return Analyzer.from_pretrained(tiny_analyzer_dir, threads=THREADS)


class FixedNer:
    """Test double of an entity predictor: the same spans for every text."""

    def __init__(self, spans: list) -> None:
        self.spans = spans

    def predict_many(self, items, *, batch_size=None):  # noqa: ANN001, ANN201 - test double
        return [list(self.spans) for _ in items]
