"""Loading tokenizers and validated model directories (tokenizer + backend + labels), with clear errors."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from transformers import AutoTokenizer, PreTrainedTokenizerBase

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.backend import Backend, make_backend, resolve_backend
from nlpkit.models.directory import TOKENIZER_FILES, read_config, validate_model_dir

logger = logging.getLogger("nlpkit")

HAMZA_PROBE = "أإآ"


def keeps_hamza(tokenizer: PreTrainedTokenizerBase) -> bool:
    """True when the tokenizer's normaliser leaves أ/إ/آ distinct from ا (no accent stripping)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    normalizer = getattr(backend, "normalizer", None)
    return normalizer is None or normalizer.normalize_str(HAMZA_PROBE) == HAMZA_PROBE


def load_tokenizer(name_or_path: str | os.PathLike[str] | None) -> PreTrainedTokenizerBase:
    """Load a fast tokenizer that keeps Arabic hamza forms.

    BERT tokenizers strip accents by default when lower-casing, which turns أ/إ/آ into ا;
    such tokenizers are reloaded with ``strip_accents=False``.

    Raises:
        ModelLoadError: nothing loadable at ``name_or_path``, or no fast tokenizer (offsets are needed).
    """
    if name_or_path is None:
        raise ModelLoadError("No tokenizer given: set model.name_or_path (or model.tokenizer) to a directory or hub name.")
    source = str(name_or_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        if not keeps_hamza(tokenizer):
            tokenizer = AutoTokenizer.from_pretrained(source, strip_accents=False)
    except Exception as error:  # noqa: BLE001 - the Rust tokenizers library raises bare Exception on bad files
        raise ModelLoadError(f"Cannot load a tokenizer from {source!r}: {_tokenizer_hint(Path(source))}. "
                             f"({type(error).__name__}: {error})") from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"The tokenizer at {source!r} is not a fast (Rust) tokenizer; nlpkit needs character offsets.")
    if not keeps_hamza(tokenizer):
        logger.warning("Tokenizer %s folds أ/إ/آ into ا; entity boundaries on hamza words may suffer.", source)
    return tokenizer


def _tokenizer_hint(directory: Path) -> str:
    """Why a tokenizer did not load from ``directory``: the broken file when one is, else what is missing."""
    if not directory.exists():
        return "it is neither a local directory nor a model reachable on the Hugging Face Hub (offline?)"
    present = [name for name in TOKENIZER_FILES if (directory / name).is_file()]
    if not present:
        return "the directory has no tokenizer files (tokenizer.json / vocab.txt)"
    for name in present:
        if name.endswith(".json"):
            try:
                json.loads((directory / name).read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return f"{directory / name} is not valid JSON (corrupted); re-save the tokenizer with tokenizer.save_pretrained()"
    return (f"its tokenizer files ({', '.join(present)}) are corrupted or from an incompatible tokenizers version; "
            "re-save the tokenizer with tokenizer.save_pretrained()")


@dataclass(frozen=True)
class LoadedModel:
    """A validated model directory, loaded: tokenizer, inference backend, labels and limits.

    Attributes:
        path: the directory it came from.
        tokenizer: its fast tokenizer.
        backend: the inference backend (see :mod:`nlpkit.models.backend`).
        labels: ``id2label`` in id order.
        max_length: the most tokens (special tokens included) one model input may hold.
    """

    path: Path
    tokenizer: PreTrainedTokenizerBase
    backend: Backend
    labels: tuple[str, ...]
    max_length: int


def load_model(
    directory: str | os.PathLike[str],
    task: str,
    *,
    backend: str = "auto",
    threads: int | None = None,
    max_length: int | None = None,
) -> LoadedModel:
    """Validate and load a ``task`` model directory (``"ner"``: token classification, ``"stance"``: pairs).

    Args:
        directory: a ``save_pretrained`` folder with config, weights and tokenizer.
        task: ``"ner"`` or ``"stance"``; selects the label check and the model class.
        backend: inference backend name (see :data:`nlpkit.models.backend.BACKENDS`).
        threads: CPU threads for the backend (only set when given).
        max_length: cap on input length; default: the smaller of the model's position table and
            the tokenizer's ``model_max_length``.

    Raises:
        ModelLoadError: an incomplete or inconsistent directory (the message names the file).
        ConfigError: an unknown backend or a ``max_length`` beyond what the model supports.
    """
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    path = Path(directory)
    labels = validate_model_dir(path, task)
    resolve_backend(backend)
    tokenizer = load_tokenizer(path)
    positions = int(read_config(path).get("max_position_embeddings", 512))
    limit = min(positions, int(min(tokenizer.model_max_length, 1_000_000)))
    if max_length is not None and not 8 <= max_length <= limit:
        raise ConfigError(f"max_length={max_length} does not fit the model in {path}; use a value between 8 and {limit}.")
    auto_class = AutoModelForTokenClassification if task == "ner" else AutoModelForSequenceClassification
    model_backend = make_backend(path, backend, auto_class, threads=threads, tokenizer=tokenizer)
    return LoadedModel(path, tokenizer, model_backend, tuple(labels), max_length or limit)


def save_model(model: LoadedModel, directory: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``directory`` as a loadable model folder (the source files, copied as they are).

    Returns:
        The directory written.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    if model.path.resolve() != target.resolve():
        for source in sorted(model.path.iterdir()):
            if source.is_file():
                shutil.copy2(source, target / source.name)
    return target
