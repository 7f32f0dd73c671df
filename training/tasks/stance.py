"""Task ``stance``: (target, text) pair classification into FAVOR / AGAINST / NONE.

The pair is encoded as ``[CLS] target [SEP] text [SEP]``; only the text is truncated to
``model.max_length`` (``only_second``). With ``train.class_weights: true`` the loss weights
each class by ``n / (3 * n_class)`` over the mixed training set (sklearn's "balanced").
Scores: accuracy, macro-F1 over the three classes, macro-F1 over FAVOR+AGAINST (the Mawqif
paper's F_avg) and per-class precision/recall/F1.

With ``train.event_loss_weight > 0`` a second head on the same pooled output learns each news
pair's event type (the guidelines' event table decides the label from it) and its loss is added,
so the encoder learns what happened, not only to whom. The head is training-only: the saved model
is a plain ``BertForSequenceClassification``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import datasets
import numpy as np
import torch
import torch.nn.functional as F
from transformers import (AutoConfig, AutoModelForSequenceClassification, BertForSequenceClassification,
                          DataCollatorWithPadding, PreTrainedTokenizerBase)
from transformers.modeling_outputs import SequenceClassifierOutput

from nlpkit.data.labels import STANCE_LABELS
from nlpkit.data.readers.news_stance import EVENT_TYPES
from nlpkit.errors import ConfigError
from nlpkit.models.directory import MARKED_TARGET
from nlpkit.text.mentions import mark_target
from training.config import Config
from training.finetune import TaskSpec, fine_tune
from training.sources import check_model_source, require_sources
from training.metrics import Scores, stance_scores

logger = logging.getLogger("training")

LABEL2ID = {label: i for i, label in enumerate(STANCE_LABELS)}
EVENT2ID = {event: i for i, event in enumerate(EVENT_TYPES)}
NO_EVENT = -100
EVENT_LOGIT_SCALE = 30.0
"""The event head starts at zero and its logits are scaled, so it learns at about 30× the encoder's rate:
at the 1e-5 to 2e-5 of a continuation a plain head barely moves in 600 steps, and sends the encoder no signal."""


class PairClassifierWithEvents(BertForSequenceClassification):
    """Training only: a BERT pair classifier plus an event-type head on the same pooled output.

    In training mode, with ``event_labels``, the output carries ``event_loss`` (mean cross-entropy over
    the pairs that have an event); otherwise it is the plain classifier's. Saving drops the head and
    names the plain architecture, so the saved model loads anywhere a ``BertForSequenceClassification`` does
    (checkpoints too: a resumed run starts the event head again from zero).
    """

    _keys_to_ignore_on_save = ["event_classifier.weight", "event_classifier.bias"]

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self.event_classifier = torch.nn.Linear(config.hidden_size, len(EVENT_TYPES))
        self.post_init()

    def _init_weights(self, module: torch.nn.Module) -> None:
        """The event head starts at zero (:data:`EVENT_LOGIT_SCALE`); everything else as BERT initialises it."""
        if module is getattr(self, "event_classifier", None):
            torch.nn.init.zeros_(module.weight)
            torch.nn.init.zeros_(module.bias)
        else:
            super()._init_weights(module)

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None, labels: torch.Tensor | None = None,
                event_labels: torch.Tensor | None = None, **kwargs: Any) -> SequenceClassifierOutput:
        pooled = self.dropout(self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).pooler_output)
        output = SequenceClassifierOutput(logits=self.classifier(pooled))
        if self.training and event_labels is not None:
            known = event_labels != NO_EVENT
            event_logits = EVENT_LOGIT_SCALE * self.event_classifier(pooled[known]).float()
            output["event_loss"] = (F.cross_entropy(event_logits, event_labels[known]) if bool(known.any())
                                    else event_logits.sum() * 0.0)
        return output

    def save_pretrained(self, save_directory: Any, *args: Any, **kwargs: Any) -> None:
        super().save_pretrained(save_directory, *args, **kwargs)
        self.config.architectures = [BertForSequenceClassification.__name__]
        self.config.save_pretrained(save_directory)


def encode(dataset: datasets.Dataset, tokenizer: PreTrainedTokenizerBase, max_length: int, *, events: bool = False
           ) -> tuple[datasets.Dataset, Callable[[np.ndarray, dict[int, str]], Scores]]:
    """Tokenise (target, text) pairs into features; return them with a scorer over their predictions.

    With ``events``, each feature also gets ``event_labels``: the id of its ``event`` column's type, or
    -100 where a source has none.
    """
    gold = list(dataset["label"])
    encoded = tokenizer(list(dataset["target"]), list(dataset["text"]), truncation="only_second", max_length=max_length)
    columns = {key: list(values) for key, values in encoded.items()}
    if events:
        names = dataset["event"] if "event" in dataset.column_names else [None] * len(dataset)
        columns["event_labels"] = [EVENT2ID[name] if name else NO_EVENT for name in names]
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
    """Cross-entropy (with ``train.label_smoothing``), class-weighted when ``train.class_weights`` is set,
    plus ``train.event_loss_weight`` × the event loss when the model reports one."""
    event_weight = config.train.event_loss_weight
    if not config.train.class_weights and not event_weight:
        return None  # the Trainer's own loss, smoothed by label_smoothing_factor
    weights = class_weights(list(mixed["label"])) if config.train.class_weights else None
    smoothing = config.train.label_smoothing
    if weights is not None:
        logger.info("stance: class weights %s", dict(zip(STANCE_LABELS, weights.tolist())))

    def loss(outputs: Any, labels: torch.Tensor, num_items_in_batch: Any = None) -> torch.Tensor:
        logits = outputs["logits"].float()
        total = F.cross_entropy(logits, labels, weight=None if weights is None else weights.to(logits.device),
                                reduction="sum", label_smoothing=smoothing)
        stance = total / (num_items_in_batch if num_items_in_batch is not None else labels.numel())
        event_loss = outputs.get("event_loss")
        return stance if event_loss is None else stance + event_weight * event_loss

    return loss


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
    """Fine-tune a pair classifier and save it with its scores in ``output_dir``.

    Raises:
        ConfigError: ``train.event_loss_weight`` with a base model that is not BERT-type.
    """
    if not config.train.event_loss_weight:
        return fine_tune(config, SPEC)
    require_sources(config)
    check_model_source(config.model.name_or_path)
    base = AutoConfig.from_pretrained(config.model.name_or_path)
    if base.model_type != "bert":
        raise ConfigError(f"train.event_loss_weight needs a BERT-type base model; {config.model.name_or_path!r} is "
                          f"{base.model_type!r}. Set it to 0.")
    with_events = dataclasses.replace(SPEC, auto_model=PairClassifierWithEvents,
                                      encode=functools.partial(encode, events=True), optional_columns=("event",))
    return fine_tune(config, with_events)
