"""Trainer callbacks: progress lines with ETA for non-interactive (log file) runs."""

from __future__ import annotations

import logging
import time

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

logger = logging.getLogger("training")


class EtaLogger(TrainerCallback):
    """Log step, loss, seconds per step and ETA at every logging step."""

    def __init__(self) -> None:
        self._t0: float | None = None
        self._step0 = 0

    def on_train_begin(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: object) -> None:
        self._t0 = time.perf_counter()
        self._step0 = state.global_step
        logger.info("training: %d steps planned (starting at step %d)", state.max_steps, state.global_step)

    def on_log(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, logs: dict | None = None, **kwargs: object) -> None:
        if self._t0 is None or not logs:
            return
        done = state.global_step - self._step0
        elapsed = time.perf_counter() - self._t0
        per_step = elapsed / done if done else float("nan")
        eta = per_step * (state.max_steps - state.global_step) if done else float("nan")
        shown = {k: float(f"{v:.4g}") if isinstance(v, float) else v for k, v in logs.items()}
        logger.info("step %d/%d  %.2fs/step  ETA %.0fs  %s", state.global_step, state.max_steps, per_step, eta, shown)
