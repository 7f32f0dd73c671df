"""Pieces every training task shares: seeding, threads, Trainer arguments, run outputs."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import torch
import yaml
from torch.utils.data import Dataset, Sampler, SequentialSampler
from transformers import Trainer, TrainingArguments, set_seed
from transformers.trainer_utils import get_last_checkpoint

from training.config import Config

logger = logging.getLogger("training")
CHECKPOINTS = "checkpoints"
"""The folder of a run's intermediate checkpoints: ``<output_dir>/checkpoints/checkpoint-N``."""


def run_folder(checkpoint: Path) -> Path | None:
    """The run a mid-run checkpoint belongs to (``runs/X/checkpoints/checkpoint-N`` → ``runs/X``), else None."""
    return checkpoint.parent.parent if checkpoint.parent.name == CHECKPOINTS else None


class OrderedEvalTrainer(Trainer):
    """The HF Trainer, with evaluation and prediction in dataset order.

    transformers 5 applies ``group_by_length`` to evaluation as well (a ``LengthGroupedSampler``),
    so predictions come back shuffled relative to the features; the task scorers align them by
    row (NER sub-word positions, stance gold labels) and would score noise. Training batches
    keep the length grouping.
    """

    def _get_eval_sampler(self, eval_dataset: Dataset) -> Sampler | None:
        if self.args.world_size > 1:  # accelerate shards the dataset in order
            return None
        return SequentialSampler(eval_dataset)


def prepare_run(config: Config) -> Path:
    """Seed everything, set CPU threads, create the output directory and write the resolved config."""
    set_seed(config.seed)
    if config.train.threads:
        torch.set_num_threads(config.train.threads)
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.resolved.yaml").write_text(
        yaml.safe_dump(config.resolved_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return out


def training_arguments(config: Config, *, has_eval: bool, metric: str | None = None, **extra: Any) -> TrainingArguments:
    """Map the ``train`` section onto ``TrainingArguments`` (checkpoints go to ``output_dir/checkpoints``)."""
    t = config.train
    eval_strategy = "no"
    if has_eval:
        eval_strategy = "steps" if t.eval_steps else "epoch"
    save_strategy = "steps" if (eval_strategy != "epoch") else "epoch"
    args: dict[str, Any] = dict(
        output_dir=str(Path(config.output_dir) / CHECKPOINTS),
        max_steps=t.max_steps,
        num_train_epochs=t.epochs,
        per_device_train_batch_size=t.batch_size,
        per_device_eval_batch_size=t.eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        learning_rate=t.learning_rate,
        weight_decay=t.weight_decay,
        warmup_steps=t.warmup_ratio,  # transformers 5: a float < 1 is a fraction of the total steps
        lr_scheduler_type=t.lr_scheduler_type,
        logging_steps=t.logging_steps,
        logging_first_step=True,
        save_strategy=save_strategy,
        save_steps=t.eval_steps or t.save_steps,
        save_total_limit=t.save_total_limit,
        eval_strategy=eval_strategy,
        eval_steps=t.eval_steps,
        seed=config.seed,
        data_seed=config.seed,
        bf16=t.bf16,
        use_cpu=t.bf16 and not torch.cuda.is_available(),
        report_to="none",
        dataloader_num_workers=t.dataloader_num_workers,
        train_sampling_strategy="group_by_length" if t.group_by_length else "random",
        label_smoothing_factor=t.label_smoothing,
        dataloader_pin_memory=False,
        disable_tqdm=not _interactive(),
    )
    if has_eval and metric:
        args.update(load_best_model_at_end=t.keep == "best", metric_for_best_model=metric, greater_is_better=True)
    args.update(extra)
    return TrainingArguments(**args)


def _interactive() -> bool:
    """Show tqdm bars on terminals; plain log lines (with ETA from our callback) otherwise."""
    return os.environ.get("NLPKIT_PROGRESS", "auto") == "always" or (
        os.environ.get("NLPKIT_PROGRESS", "auto") == "auto" and os.isatty(2)
    )


def resume_checkpoint(config: Config) -> str | None:
    """The last checkpoint to resume from, when resuming is on and one exists."""
    folder = Path(config.output_dir) / CHECKPOINTS
    if not config.train.resume or not folder.is_dir():
        return None
    return get_last_checkpoint(str(folder))


def write_metrics(out: Path, metrics: dict[str, Any], report: str | None = None) -> None:
    """Write ``metrics.json`` (and a readable ``report.txt``) next to the saved model."""
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    if report is not None:
        (out / "report.txt").write_text(report, encoding="utf-8")


class Stopwatch:
    """Wall time of a run, for the logs and metrics."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.start, 1)
