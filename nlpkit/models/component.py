"""Loading and saving shared by the NER and stance models: one model directory on disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self

if TYPE_CHECKING:
    from nlpkit.models.loading import LoadedModel


class ModelComponent:
    """A predictor wrapping one saved transformers model (``task`` picks the label checks)."""

    task: ClassVar[str]
    model: LoadedModel

    def __init__(self, model: LoadedModel, *, batch_size: int = 16, stride: int | None = None) -> None:
        raise NotImplementedError

    @classmethod
    def from_pretrained(
        cls,
        directory: str | os.PathLike[str],
        backend: str = "auto",
        *,
        threads: int | None = None,
        batch_size: int = 16,
        max_length: int | None = None,
        stride: int | None = None,
    ) -> Self:
        """Load a model directory whose ``id2label`` fits :attr:`task` (IOB2 types or stance labels).

        Raises:
            ModelLoadError: missing/invalid config.json, wrong labels, missing weights or tokenizer.
        """
        from nlpkit.models.loading import load_model

        loaded = load_model(directory, cls.task, backend=backend, threads=threads, max_length=max_length)
        return cls(loaded, batch_size=batch_size, stride=stride)

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write the model directory (config, weights, tokenizer) to ``directory``."""
        from nlpkit.models.loading import save_model

        return save_model(self.model, directory)
