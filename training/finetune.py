"""The fine-tuning loop shared by tasks ``ner`` and ``stance``, and evaluation of saved models.

A task is a :class:`TaskSpec`: its label set, model class, collator and an ``encode`` function
that turns a dataset into model features plus a scorer for predictions on those features.
Everything else (sources, mixing, Trainer, checkpoints, best model, outputs) is the same.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import datasets
import numpy as np
import torch
import yaml
from transformers import PreTrainedModel, PreTrainedTokenizerBase, TrainingArguments

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.directory import CONTEXT_WORDS_KEY, PAIR_FORMAT_KEY
from nlpkit.models.loading import load_tokenizer
from training.callbacks import EtaLogger
from training.common import OrderedEvalTrainer, Stopwatch, prepare_run, resume_checkpoint, training_arguments, write_metrics
from training.config import Config
from training.metrics import EvalPart, Scores, argmax_logits, flat_metrics, joined_report, score_parts
from training.sources import check_model_source, load_sources, mix_sources, require_sources, source_label

logger = logging.getLogger("training")

# encode(dataset, tokenizer, max_length) -> (features, scorer(predictions, id2label) -> Scores), where
# predictions are what TaskSpec.preprocess keeps of the logits
Encoder = Callable[[datasets.Dataset, PreTrainedTokenizerBase, int],
                   tuple[datasets.Dataset, Callable[[np.ndarray, dict[int, str]], Scores]]]


@dataclass(frozen=True)
class TaskSpec:
    """What differs between fine-tuning tasks."""

    name: str
    labels: tuple[str, ...]
    best_metric: str
    auto_model: Any
    encode: Encoder
    collator: Callable[[PreTrainedTokenizerBase], Any]
    loss_for: Callable[[Config, datasets.Dataset], Callable[..., Any] | None] | None = None
    # preprocess_logits_for_metrics: what of the logits the scorer needs (label ids by default)
    preprocess: Callable[[Any, Any], Any] = argmax_logits
    # prepare(dataset, pair_format): rewrite examples for a model.pair_format other than "plain"
    prepare: Callable[[datasets.Dataset, str], datasets.Dataset] | None = None
    # add_context(dataset, words): give each example its neighbours' words (model.context_words > 0)
    add_context: Callable[[datasets.Dataset, int], datasets.Dataset] | None = None
    # columns that encode reads when a source has them (None where it does not)
    optional_columns: tuple[str, ...] = ()

    def prepared(self, dataset: datasets.Dataset, pair_format: str, context_words: int = 0) -> datasets.Dataset:
        """``dataset`` as a model with ``pair_format`` and ``context_words`` reads it.

        Raises:
            ConfigError: a pair format other than "plain" for a task that has no pairs, or context words for a
                task that reads none.
        """
        if context_words:
            if self.add_context is None:
                raise ConfigError(f"model.context_words applies to NER sentences; task {self.name} takes only 0.")
            dataset = self.add_context(dataset, context_words)
        if pair_format == "plain":
            return dataset
        if self.prepare is None:
            raise ConfigError(f"model.pair_format={pair_format!r} applies to stance pairs; task {self.name} "
                              "takes only 'plain'.")
        return self.prepare(dataset, pair_format)


def build_eval(spec: TaskSpec, loaded: list[tuple[str, datasets.Dataset]], tokenizer: PreTrainedTokenizerBase,
               max_length: int, id2label: dict[int, str]) -> tuple[datasets.Dataset, list[EvalPart]]:
    """Encode every eval set and concatenate them into one feature table with its parts."""
    tables: list[datasets.Dataset] = []
    parts: list[EvalPart] = []
    for name, dataset in loaded:
        features, scorer = spec.encode(dataset, tokenizer, max_length)
        tables.append(features)
        parts.append(EvalPart(name, len(features), partial(scorer, id2label=id2label)))
    return datasets.concatenate_datasets(tables), parts


def load_model(spec: TaskSpec, name_or_path: str, **kwargs: Any) -> PreTrainedModel:
    """``AutoModelFor….from_pretrained`` in float32 (also from float16 checkpoints), with a
    :class:`ModelLoadError` instead of a stack trace."""
    try:
        return spec.auto_model.from_pretrained(name_or_path, **{"dtype": torch.float32, **kwargs})
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"Cannot load a {spec.name} model from {name_or_path!r}: {error}") from None


def freeze(model: PreTrainedModel, *, word_embeddings: bool, layers: int) -> None:
    """Keep the word embeddings and/or the whole embedding block plus the lowest ``layers`` encoder layers fixed.

    Raises:
        ConfigError: more layers than the encoder has, or a model without a BERT-style ``encoder.layer`` list.
    """
    if word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    if not layers:
        return
    encoder = getattr(model.base_model, "encoder", None)
    blocks = getattr(encoder, "layer", None)
    if blocks is None or layers > len(blocks):
        raise ConfigError(f"model.freeze_layers={layers}: the model has {len(blocks) if blocks is not None else 'no'} "
                          "BERT-style encoder layers; use a smaller number.")
    for module in (model.base_model.embeddings, *blocks[:layers]):
        module.requires_grad_(False)


def fine_tune(config: Config, spec: TaskSpec) -> dict[str, Any]:
    """Train ``spec`` as configured; save model, tokenizer, metrics.json, report.txt in ``output_dir``."""
    require_sources(config)
    check_model_source(config.model.name_or_path)
    pair_format, context = config.model.pair_format, config.model.context_words
    train_loaded = [(s, spec.prepared(d, pair_format, context))
                    for s, d in load_sources(config.data.train, spec.name, config.data.dir)]
    eval_loaded = [(source_label(s), spec.prepared(d, pair_format, context))
                   for s, d in load_sources(config.data.eval, spec.name, config.data.dir)]
    out = prepare_run(config)
    clock = Stopwatch()
    tokenizer = load_tokenizer(config.model.tokenizer or config.model.name_or_path)
    mixed, counts = mix_sources(train_loaded, config.seed, spec.optional_columns)
    train_features, _ = spec.encode(mixed, tokenizer, config.model.max_length)
    id2label = dict(enumerate(spec.labels))
    eval_features, parts = (build_eval(spec, eval_loaded, tokenizer, config.model.max_length, id2label)
                            if eval_loaded else (None, []))
    logger.info("%s: %d training examples -> %d features; eval sets %s", spec.name, len(mixed), len(train_features),
                {p.name: p.size for p in parts})
    model = load_model(spec, config.model.name_or_path, num_labels=len(spec.labels), id2label=id2label,
                       label2id={label: i for i, label in id2label.items()})
    freeze(model, word_embeddings=config.model.freeze_word_embeddings, layers=config.model.freeze_layers)
    if pair_format != "plain":
        setattr(model.config, PAIR_FORMAT_KEY, pair_format)  # inference reads the pairs the same way
    if context:
        setattr(model.config, CONTEXT_WORDS_KEY, context)  # and the sentences with the same context
    trainer = OrderedEvalTrainer(
        model=model,
        args=training_arguments(config, has_eval=bool(parts), metric=spec.best_metric, label_names=["labels"]),
        data_collator=spec.collator(tokenizer),
        train_dataset=train_features,
        eval_dataset=eval_features,
        processing_class=tokenizer,
        compute_loss_func=spec.loss_for(config, mixed) if spec.loss_for else None,
        compute_metrics=(lambda p: flat_metrics(score_parts(parts, p.predictions), primary=config.train.best_on))
        if parts else None,
        preprocess_logits_for_metrics=spec.preprocess if parts else None,
        callbacks=[EtaLogger()],
    )
    checkpoint = resume_checkpoint(config)
    if checkpoint:
        logger.info("%s: resuming from %s", spec.name, checkpoint)
    trainer.train(resume_from_checkpoint=checkpoint)
    logger.info("%s: %d steps in %.1fs", spec.name, trainer.state.global_step, clock.seconds)
    trainer.save_model(str(out))
    results = score_parts(parts, trainer.predict(eval_features).predictions) if parts else {}
    metrics: dict[str, Any] = {
        "train_examples": counts,
        "train_features": len(train_features),
        "steps": trainer.state.global_step,
        "resumed_from": Path(checkpoint).name if checkpoint else None,
        "best_checkpoint": Path(trainer.state.best_model_checkpoint).name if trainer.state.best_model_checkpoint else None,
        "train_seconds": clock.seconds,
        "eval": {name: scores for name, (scores, _) in results.items()},
    }
    if trainer.is_world_process_zero():  # under accelerate, one process writes the outputs
        tokenizer.save_pretrained(out)
        write_metrics(out, metrics, joined_report(results) if results else None)
    return metrics


def saved_max_length(model_dir: str | Path, model: PreTrainedModel) -> int:
    """``model.max_length`` of the run that saved ``model_dir``, else the model's position limit (≤ 512)."""
    resolved = Path(model_dir) / "config.resolved.yaml"
    if resolved.is_file():
        raw = yaml.safe_load(resolved.read_text(encoding="utf-8")) or {}
        length = raw.get("model", {}).get("max_length")
        if isinstance(length, int):
            return length
    return min(512, int(getattr(model.config, "max_position_embeddings", 512)))


def evaluate_saved(spec: TaskSpec, model_dir: str, loaded: list[tuple[str, datasets.Dataset]], *,
                   batch_size: int = 64, max_length: int | None = None) -> dict[str, Scores]:
    """Score a saved model directory on named datasets with the task's own metrics."""
    tokenizer = load_tokenizer(model_dir)
    model = load_model(spec, model_dir)
    id2label = {int(i): label for i, label in model.config.id2label.items()}
    pair_format = getattr(model.config, PAIR_FORMAT_KEY, "plain")
    context = getattr(model.config, CONTEXT_WORDS_KEY, 0)
    loaded = [(name, spec.prepared(dataset, pair_format, context)) for name, dataset in loaded]
    features, parts = build_eval(spec, loaded, tokenizer, max_length or saved_max_length(model_dir, model), id2label)
    with tempfile.TemporaryDirectory() as scratch:
        args = TrainingArguments(output_dir=scratch, per_device_eval_batch_size=batch_size, report_to="none",
                                 dataloader_pin_memory=False, disable_tqdm=True)
        trainer = OrderedEvalTrainer(model=model, args=args, data_collator=spec.collator(tokenizer), processing_class=tokenizer,
                          preprocess_logits_for_metrics=spec.preprocess)
        predictions = trainer.predict(features).predictions
    return score_parts(parts, predictions)
