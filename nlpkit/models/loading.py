"""Loading tokenizers and models from a hub name or a local directory, with clear errors."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from transformers import AutoTokenizer, PreTrainedTokenizerBase

from nlpkit.errors import ModelLoadError

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
    except (OSError, ValueError, KeyError, TypeError) as error:
        hint = "the directory has no tokenizer files (tokenizer.json / vocab.txt)" if Path(source).exists() else (
            "it is neither a local directory nor a model reachable on the Hugging Face Hub (offline?)")
        raise ModelLoadError(f"Cannot load a tokenizer from {source!r}: {hint}. ({type(error).__name__}: {error})") from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"The tokenizer at {source!r} is not a fast (Rust) tokenizer; nlpkit needs character offsets.")
    if not keeps_hamza(tokenizer):
        logger.warning("Tokenizer %s folds أ/إ/آ into ا; entity boundaries on hamza words may suffer.", source)
    return tokenizer
