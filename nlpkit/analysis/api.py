"""The one-call API: :func:`analyze` and :func:`load`, with a cached default analyzer per (model, backend)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator, Sequence

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.results import Document


def load(path_or_name: str | os.PathLike[str] | None = None, **options: object) -> Analyzer:
    """Load an analyzer (see :meth:`Analyzer.from_pretrained` for the arguments)."""
    return Analyzer.from_pretrained(path_or_name, **options)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4)
def _cached_analyzer(model: str | None, backend: str) -> Analyzer:
    """One analyzer per (model, backend), loaded on first use."""
    return Analyzer.from_pretrained(model, backend=backend)


def analyze(
    text_or_texts: str | Iterable[str],
    *,
    targets: Sequence[str] | None = None,
    tasks: Sequence[str] | None = None,
    batch_size: int = 16,
    backend: str = "auto",
    model: str | os.PathLike[str] | None = None,
) -> Document | Iterator[Document]:
    """Analyse one text (→ a :class:`Document`) or an iterable of texts (→ a generator of them).

    Args:
        text_or_texts: a string, or any iterable of strings.
        targets: extra stance targets, asked of every sentence.
        tasks: ``("ner", "stance")``, ``("ner",)`` or ``("stance",)``; ``None`` (default): every
            task the model has, i.e. ``("ner", "stance")`` for an analyzer directory and
            ``("ner",)`` for a lone NER model.
        batch_size: model inputs per forward pass.
        backend: inference backend (``"auto"``, ``"torch"``).
        model: an analyzer or NER model directory; ``None``: the embedded model.

    Raises:
        ModelLoadError: the model cannot be loaded (the message says how to fix it).
    """
    analyzer = _cached_analyzer(None if model is None else os.fspath(model), backend)
    if isinstance(text_or_texts, str):
        return analyzer(text_or_texts, targets=targets, tasks=tasks, batch_size=batch_size)
    return analyzer.pipe(text_or_texts, targets=targets, tasks=tasks, batch_size=batch_size)
