"""Task ``stance``: (target, text) pair classification into FAVOR / AGAINST / NONE.

The pair is encoded as ``[CLS] target [SEP] text [SEP]``; only the text is truncated to
``model.max_length`` (``only_second``). With ``train.class_weights: true`` the loss weights
each class by ``n / (3 * n_class)`` over the mixed training set (sklearn's "balanced").
Scores: accuracy, macro-F1 over the three classes, macro-F1 over FAVOR+AGAINST (the Mawqif
paper's F_avg) and per-class precision/recall/F1.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import datasets
import numpy as np
import torch
import torch.nn.functional as F
from transformers import AutoModelForSequenceClassification, DataCollatorWithPadding, PreTrainedTokenizerBase

from nlpkit.data.labels import STANCE_LABELS
from nlpkit.errors import ConfigError
from nlpkit.models.directory import MARKED_TARGET
from nlpkit.text.mentions import mark_target
from training.config import Config
from training.finetune import TaskSpec, fine_tune
from training.metrics import Scores, stance_scores

logger = logging.getLogger("training")

LABEL2ID = {label: i for i, label in enumerate(STANCE_LABELS)}


def encode(dataset: datasets.Dataset, tokenizer: PreTrainedTokenizerBase, max_length: int
           ) -> tuple[datasets.Dataset, Callable[[np.ndarray, dict[int, str]], Scores]]:
    """Tokenise (target, text) pairs into features; return them with a scorer over their predictions."""
    gold = list(dataset["label"])
    encoded = tokenizer(list(dataset["target"]), list(dataset["text"]), truncation="only_second", max_length=max_length)
    columns = {key: list(values) for key, values in encoded.items()}
    features = datasets.Dataset.from_dict({**columns, "labels": [LABEL2ID[label] for label in gold]})

    def scorer(predicted: np.ndarray, id2label: dict[int, str]) -> Scores:
        return stance_scores(gold, [id2label[int(i)] for i in predicted])

    return features, scorer


def mark_targets(dataset: datasets.Dataset, pair_format: str) -> datasets.Dataset:
    """Bracket each pair's target mentions in its text (``model.pair_format: marked-target``)."""
    if pair_format != MARKED_TARGET:
        raise ConfigError(f"Unknown stance pair format {pair_format!r}; use 'plain' or 'marked-target'.")
    return dataset.map(lambda row: {"text": mark_target(row["text"], row["target"])}, desc="marking targets")


def class_weights(labels: list[str]) -> torch.Tensor:
    """Balanced weights ``n / (k * n_class)`` in ``STANCE_LABELS`` order (1.0 for an absent class)."""
    counts = Counter(labels)
    total, k = len(labels), len(STANCE_LABELS)
    return torch.tensor([total / (k * counts[c]) if counts[c] else 1.0 for c in STANCE_LABELS])


def _loss_for(config: Config, mixed: datasets.Dataset) -> Callable[..., torch.Tensor] | None:
    """Class-weighted cross-entropy (with ``train.label_smoothing``) when ``train.class_weights`` is set."""
    if not config.train.class_weights:
        return None  # the Trainer's own loss, smoothed by label_smoothing_factor
    weights = class_weights(list(mixed["label"]))
    smoothing = config.train.label_smoothing
    logger.info("stance: class weights %s", dict(zip(STANCE_LABELS, weights.tolist())))

    def weighted_loss(outputs: Any, labels: torch.Tensor, num_items_in_batch: Any = None) -> torch.Tensor:
        logits = outputs["logits"].float()
        total = F.cross_entropy(logits, labels, weight=weights.to(logits.device), reduction="sum",
                                label_smoothing=smoothing)
        return total / (num_items_in_batch if num_items_in_batch is not None else labels.numel())

    return weighted_loss


def _collator(tokenizer: PreTrainedTokenizerBase) -> Any:
    return DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8)


SPEC = TaskSpec(
    name="stance",
    labels=STANCE_LABELS,
    best_metric="macro_f1",
    auto_model=AutoModelForSequenceClassification,
    encode=encode,
    collator=_collator,
    loss_for=_loss_for,
    prepare=mark_targets,
)


def run(config: Config) -> dict[str, Any]:
    """Fine-tune a pair classifier and save it with its scores in ``output_dir``."""
    return fine_tune(config, SPEC)
