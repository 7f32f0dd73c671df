"""Loading tokenizers and validated model directories (tokenizer + backend + labels), with clear errors."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.backend import Backend, check_backend_name, make_backend
from nlpkit.models.directory import read_config, read_context_words, read_pair_format, validate_model_dir
from nlpkit.models.tokenizer import TOKENIZER_FILE, ModelTokenizer, keep_hamza, keeps_hamza, tokenizer_hint

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

logger = logging.getLogger("nlpkit")


def load_tokenizer(name_or_path: str | os.PathLike[str] | None) -> PreTrainedTokenizerBase:
    """Load a transformers fast tokenizer that keeps Arabic hamza forms (training and export; needs transformers).

    BERT tokenizers strip accents by default when lower-casing, which turns أ/إ/آ into ا;
    such tokenizers are reloaded with ``strip_accents=False``, and a normaliser that still
    folds them is replaced as :func:`nlpkit.models.tokenizer.keep_hamza` does at inference.

    Raises:
        ModelLoadError: nothing loadable at ``name_or_path``, or no fast tokenizer (offsets are needed).
    """
    from transformers import AutoTokenizer

    if name_or_path is None:
        raise ModelLoadError("No tokenizer given: set model.name_or_path (or model.tokenizer) to a directory or hub name.")
    source = str(name_or_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None and not keeps_hamza(backend):
            tokenizer = AutoTokenizer.from_pretrained(source, strip_accents=False)
    except Exception as error:  # noqa: BLE001 - the Rust tokenizers library raises bare Exception on bad files
        raise ModelLoadError(f"Cannot load a tokenizer from {source!r}: {tokenizer_hint(Path(source))}. "
                             f"({type(error).__name__}: {error})") from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"The tokenizer at {source!r} is not a fast (Rust) tokenizer; nlpkit needs character offsets.")
    if not keeps_hamza(tokenizer.backend_tokenizer):
        tokenizer.backend_tokenizer.normalizer = keep_hamza(tokenizer.backend_tokenizer).normalizer
    if not keeps_hamza(tokenizer.backend_tokenizer):
        logger.warning("Tokenizer %s folds أ/إ/آ into ا; entity boundaries on hamza words may suffer.", source)
    return tokenizer


def load_model_tokenizer(directory: Path) -> ModelTokenizer:
    """The inference tokenizer of a model folder: ``tokenizer.json`` read directly, or converted by transformers.

    A folder with only a slow vocabulary (``vocab.txt``) needs transformers to build the fast
    tokenizer (``pip install "nlpkit[torch]"``).

    Raises:
        ModelLoadError: no readable tokenizer in ``directory``.
    """
    if (directory / TOKENIZER_FILE).is_file():
        return ModelTokenizer.from_dir(directory)
    try:
        import transformers  # noqa: F401
    except ImportError:
        raise ModelLoadError(f"{directory} has no {TOKENIZER_FILE}, and converting its other tokenizer files needs "
                             "transformers: pip install \"nlpkit[torch]\", or re-save the tokenizer there with "
                             "tokenizer.save_pretrained().") from None
    return ModelTokenizer.from_transformers(load_tokenizer(directory))


@dataclass(frozen=True)
class LoadedModel:
    """A validated model directory, loaded: tokenizer, inference backend, labels and limits.

    Attributes:
        path: the directory it came from.
        tokenizer: its tokenizer (:class:`~nlpkit.models.tokenizer.ModelTokenizer`).
        backend: the inference backend (see :mod:`nlpkit.models.backend`).
        labels: ``id2label`` in id order.
        max_length: the most tokens (special tokens included) one model input may hold.
        pair_format: how a stance model reads its pairs (:data:`~nlpkit.models.directory.PAIR_FORMATS`).
        context_words: words of the neighbouring sentences a NER model reads beside each sentence
            (:data:`~nlpkit.models.directory.CONTEXT_WORDS_KEY`; 0: each sentence alone).
    """

    path: Path
    tokenizer: ModelTokenizer
    backend: Backend
    labels: tuple[str, ...]
    max_length: int
    pair_format: str = "plain"
    context_words: int = 0


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
        directory: a ``save_pretrained`` folder with config, weights (PyTorch or ONNX) and tokenizer.
        task: ``"ner"`` or ``"stance"``; selects the label check and the model class.
        backend: inference backend name (see :data:`nlpkit.models.backend.BACKENDS` and
            :func:`nlpkit.models.backend.choose_backend` for ``"auto"``).
        threads: CPU threads for the backend (only set when given).
        max_length: cap on input length; default: the smaller of the model's position table and
            the tokenizer's ``model_max_length``.

    Raises:
        ModelLoadError: an incomplete or inconsistent directory (the message names the file).
        ConfigError: an unknown backend or a ``max_length`` beyond what the model supports.
    """
    path = Path(directory)
    labels = validate_model_dir(path, task)
    check_backend_name(backend)
    tokenizer = load_model_tokenizer(path)
    positions = int(read_config(path).get("max_position_embeddings", 512))
    limit = min(positions, int(min(tokenizer.model_max_length, 1_000_000)))
    if max_length is not None and not 8 <= max_length <= limit:
        raise ConfigError(f"max_length={max_length} does not fit the model in {path}; use a value between 8 and {limit}.")
    model_backend = make_backend(path, backend, task, threads=threads, tokenizer=tokenizer)
    pair_format = read_pair_format(path) if task == "stance" else "plain"
    context_words = read_context_words(path) if task == "ner" else 0
    return LoadedModel(path, tokenizer, model_backend, tuple(labels), max_length or limit, pair_format, context_words)


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
