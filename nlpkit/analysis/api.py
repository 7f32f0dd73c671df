"""The one-call API: :func:`analyze` and :func:`load`, with a cached default analyzer per (model, backend)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator, Sequence

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.analysis.inputs import as_text, is_single_text, iter_texts
from nlpkit.results import Document


def load(path_or_name: str | os.PathLike[str] | None = None, **options: object) -> Analyzer:
    """Load an analyzer (see :meth:`Analyzer.from_pretrained` for the arguments)."""
    return Analyzer.from_pretrained(path_or_name, **options)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4)
def _cached_analyzer(model: str | None, backend: str) -> Analyzer:
    """One analyzer per (model, backend), loaded on first use."""
    return Analyzer.from_pretrained(model, backend=backend)


def analyze(
    text_or_texts: str | bytes | Iterable[str],
    *,
    targets: Sequence[str] | None = None,
    tasks: Sequence[str] | None = None,
    batch_size: int = 16,
    backend: str = "auto",
    model: str | os.PathLike[str] | None = None,
) -> Document | Iterator[Document]:
    """Analyse one text (→ a :class:`Document`) or an iterable of texts (→ a generator of them).

    Inputs follow the contract of :mod:`nlpkit.analysis.inputs` (bytes are decoded as UTF-8,
    blank text gives an empty document) and are checked before the model is loaded.

    Args:
        text_or_texts: a string (or UTF-8 bytes), or any ordered iterable of strings.
        targets: extra stance targets, asked of every sentence.
        tasks: ``("ner", "stance")``, ``("ner",)`` or ``("stance",)``; ``None`` (default): every
            task the model has, i.e. ``("ner", "stance")`` for an analyzer directory and
            ``("ner",)`` for a lone NER model.
        batch_size: model inputs per forward pass.
        backend: inference backend (``"auto"``, ``"torch"``, ``"onnx"``, ``"onnx-int8"``; see
            :meth:`Analyzer.from_pretrained`).
        model: an analyzer or NER model directory; ``None``: the embedded model.

    Raises:
        ModelLoadError: the model cannot be loaded (the message says how to fix it).
        InputTypeError: not a text nor an iterable of ``str`` (the message names the bad item
            and its index; for a generator, raised when the item is reached).
        InputError: undecodable bytes or lone surrogates.
    """
    if is_single_text(text_or_texts):
        text = as_text(text_or_texts)
        return _cached_analyzer(None if model is None else os.fspath(model), backend)(
            text, targets=targets, tasks=tasks, batch_size=batch_size)
    texts = iter_texts(text_or_texts)
    analyzer = _cached_analyzer(None if model is None else os.fspath(model), backend)
    return analyzer.pipe(texts, targets=targets, tasks=tasks, batch_size=batch_size)
