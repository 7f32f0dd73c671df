"""Inference backends: turn a batch of tokenised inputs into logits.

A backend knows nothing about text or tokenizers: predictors (``ner.py``, ``stance.py``)
tokenise, call :meth:`Backend.logits` on plain NumPy arrays and decode the result. That keeps
the PyTorch backend and an ONNX Runtime backend interchangeable. torch and transformers are
imported only when the PyTorch backend is chosen, so the ONNX path runs without them.
"""

from __future__ import annotations

import inspect
from collections.abc import Sized
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.directory import (
    BACKEND_GRAPHS,
    INT8_FILE,
    has_torch_weights,
    missing_graph_error,
    onnx_files,
    read_auto_backend,
)
from nlpkit.models.rows import logits_by_row

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
        """Float32 logits of the inputs the model accepts: on the CPU each row alone (:func:`logits_by_row`), batched elsewhere."""
        if next(self.model.parameters()).device.type == "cpu":
            return logits_by_row(batch, self._run)
        return self._run(batch)

    def _run(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        """One forward pass over ``batch`` as it is."""
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


def check_backend_name(name: str) -> str:
    """Return ``name`` when it is a backend name.

    Raises:
        ConfigError: an unknown backend name.
    """
    if name not in BACKENDS:
        raise ConfigError(f"Unknown backend {name!r}; use one of {', '.join(BACKENDS)}.")
    return name


def torch_available() -> bool:
    """True when PyTorch and transformers import (the ``nlpkit[torch]`` extra is installed)."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


def choose_backend(directory: Path, name: str) -> str:
    """The concrete backend that ``name`` means for the model in ``directory``.

    ``"auto"`` is the ONNX graph that the folder's ``config.json`` names under
    ``nlpkit_auto_backend`` (the shipped tiers: the same graph on every install); else ``"torch"``
    when the folder has PyTorch weights and torch and transformers are installed; otherwise
    ``"onnx-int8"`` or ``"onnx"``, whichever graph the folder holds (int8 first). ONNX-only folders
    therefore run on ONNX Runtime even where torch is installed.

    Raises:
        ConfigError: an unknown backend name.
        ModelLoadError: nothing in the folder that this install can run, ``"torch"`` asked of
            an ONNX-only folder or without torch installed, or an ONNX backend asked of a folder
            without its graph (the message gives the export command).
    """
    check_backend_name(name)
    weights, graphs = has_torch_weights(directory), onnx_files(directory)
    if name == "torch":
        if not weights:
            raise ModelLoadError(
                f"{directory} holds only ONNX files ({', '.join(graphs) or 'none'}) and no PyTorch weights; use "
                "backend='auto' or 'onnx-int8' for it, or pass a folder with model.safetensors."
            )
        if not torch_available():
            raise ModelLoadError(f"backend='torch' needs PyTorch and transformers: pip install \"nlpkit[torch]\"; or "
                                 f"export the model once (nlpkit export-onnx {directory} {directory} --int8) and use "
                                 "backend='onnx-int8'.")
        return name
    if name != "auto":
        if not (directory / BACKEND_GRAPHS[name]).is_file():
            raise missing_graph_error(directory / BACKEND_GRAPHS[name])
        return name
    preferred = read_auto_backend(directory)
    if preferred is not None:
        return preferred
    if weights and torch_available():
        return "torch"
    if graphs:
        return "onnx-int8" if graphs[0] == INT8_FILE else "onnx"
    raise ModelLoadError(
        f"{directory} has PyTorch weights only, and PyTorch is not installed: pip install \"nlpkit[torch]\", or "
        f"export the model to ONNX where torch is installed (nlpkit export-onnx {directory} OUT_DIR --int8) and load "
        "the exported folder."
    )


def make_backend(directory: Path, kind: str, task: str, *, threads: int | None = None,
                 tokenizer: Sized | None = None) -> Backend:
    """Open the ``task`` model (``"ner"`` or ``"stance"``) in ``directory`` with backend ``kind``.

    ``kind`` is resolved by :func:`choose_backend`; ``"onnx"``/``"onnx-int8"`` read
    ``model.onnx``/``model.int8.onnx`` (see :mod:`nlpkit.models.onnx`).

    Raises:
        ConfigError: an unknown backend name.
        ModelLoadError: the weights or the ONNX file cannot be used.
    """
    concrete = choose_backend(directory, kind)
    if concrete == "torch":
        return load_torch_backend(directory, task, threads=threads)
    from nlpkit.models.onnx import OnnxBackend, onnx_file_for

    return OnnxBackend(directory, threads, file=onnx_file_for(concrete), tokenizer=tokenizer)


def load_torch_backend(directory: Path, task: str, *, threads: int | None = None) -> TorchBackend:
    """Load ``directory`` with transformers' token-classification (``"ner"``) or sequence-classification class.

    Raises:
        ModelLoadError: the weights cannot be read.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    auto_class = AutoModelForTokenClassification if task == "ner" else AutoModelForSequenceClassification
    try:
        # Shipped weights may be stored in float16 to halve the package; CPU inference runs in float32.
        model = auto_class.from_pretrained(str(directory), dtype=torch.float32)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ModelLoadError(
            f"Cannot load the model weights in {directory}: {type(error).__name__}: {error}. "
            "Re-save the model with `model.save_pretrained(directory)` or re-run training."
        ) from None
    return TorchBackend(model, threads=threads)
