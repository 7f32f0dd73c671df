"""Inference backends: turn a batch of tokenised inputs into logits.

A backend knows nothing about text or tokenizers: predictors (``ner.py``, ``stance.py``)
tokenise, call :meth:`Backend.logits` on plain NumPy arrays and decode the result. That keeps
the PyTorch backend and an ONNX Runtime backend interchangeable.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError

if TYPE_CHECKING:
    from transformers import PreTrainedModel

BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
"""Backend names accepted by ``from_pretrained(..., backend=...)``."""


@runtime_checkable
class Backend(Protocol):
    """Anything that maps a batch of model inputs to logits."""

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        """Return float32 logits for ``batch`` (``input_ids``, ``attention_mask``, ...).

        Args:
            batch: int64 arrays of shape ``(batch, length)`` keyed by model input name.

        Returns:
            ``(batch, length, labels)`` for token classification, ``(batch, labels)`` for
            sequence classification.
        """
        ...


class TorchBackend:
    """Run a transformers PyTorch model on CPU (or wherever it already lives), without gradients."""

    def __init__(self, model: PreTrainedModel, *, threads: int | None = None) -> None:
        """Wrap ``model`` in evaluation mode.

        Args:
            model: a loaded transformers model.
            threads: when given, call ``torch.set_num_threads(threads)`` (a process-wide
                setting, so it is only touched on request).
        """
        import torch

        if threads is not None:
            if threads < 1:
                raise ConfigError(f"threads must be a positive integer, got {threads!r}; pass e.g. threads=2 or leave it unset.")
            torch.set_num_threads(threads)
        self.model = model.eval()
        self._inputs = frozenset(inspect.signature(model.forward).parameters)

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        """Run the model on the inputs it accepts and return its logits as float32 NumPy."""
        import torch

        device = next(self.model.parameters()).device
        inputs = {name: torch.from_numpy(np.asarray(array, dtype=np.int64)).to(device)
                  for name, array in batch.items() if name in self._inputs}
        with torch.inference_mode():
            output = self.model(**inputs).logits
        return output.float().cpu().numpy()

    def save_pretrained(self, directory: str | Path) -> None:
        """Save the wrapped model's weights and config into ``directory``."""
        self.model.save_pretrained(directory)


def resolve_backend(name: str) -> str:
    """Return the concrete backend for ``name`` (``"auto"`` → ``"torch"``).

    Raises:
        ConfigError: an unknown backend name.
    """
    if name not in BACKENDS:
        raise ConfigError(f"Unknown backend {name!r}; use one of {', '.join(BACKENDS)}.")
    return "torch" if name == "auto" else name


def make_backend(directory: Path, kind: str, auto_class: Any, *, threads: int | None = None,
                 tokenizer: Any = None) -> Backend:
    """Open the model in ``directory`` with backend ``kind`` (a name of :data:`BACKENDS`).

    ``"onnx"``/``"onnx-int8"`` read ``model.onnx``/``model.int8.onnx`` (see :mod:`nlpkit.models.onnx`).

    Raises:
        ConfigError: an unknown backend name.
        ModelLoadError: the weights or the ONNX file cannot be used.
    """
    concrete = resolve_backend(kind)
    if concrete == "torch":
        return load_torch_backend(directory, auto_class, threads=threads)
    from nlpkit.models.onnx import OnnxBackend, onnx_file_for

    return OnnxBackend(directory, threads, file=onnx_file_for(concrete), tokenizer=tokenizer)


def load_torch_backend(directory: Path, auto_class: Any, *, threads: int | None = None) -> TorchBackend:
    """Load ``directory`` with a transformers auto class (e.g. ``AutoModelForTokenClassification``).

    Raises:
        ModelLoadError: the weights cannot be read.
    """
    import torch

    try:
        # Shipped weights may be stored in float16 to halve the package; CPU inference runs in float32.
        model = auto_class.from_pretrained(str(directory), dtype=torch.float32)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ModelLoadError(
            f"Cannot load the model weights in {directory}: {type(error).__name__}: {error}. "
            "Re-save the model with `model.save_pretrained(directory)` or re-run training."
        ) from None
    return TorchBackend(model, threads=threads)
