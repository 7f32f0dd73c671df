"""nlpkit: Arabic news analysis (named entities and target-specific stance).

``import nlpkit`` stays light: the public names below are imported on first use, and torch and
transformers load only when a PyTorch model is (the ONNX Runtime path never imports them, so
the base install runs without them).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nlpkit._version import __version__

importlib.import_module("nlpkit.hf_pipeline").install()  # "arabic-news-analysis" task, registered lazily

_EXPORTS = {
    "analyze": "nlpkit.analysis.api",
    "load": "nlpkit.analysis.api",
    "Analyzer": "nlpkit.analysis.analyzer",
    "Document": "nlpkit.results",
    "Entity": "nlpkit.results",
    "Stance": "nlpkit.results",
    "Sentence": "nlpkit.results",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from nlpkit.analysis.analyzer import Analyzer
    from nlpkit.analysis.api import analyze, load
    from nlpkit.results import Document, Entity, Sentence, Stance


def __getattr__(name: str) -> Any:
    """Import a public name lazily (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nlpkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Public names, for tab completion."""
    return sorted(set(globals()) | set(_EXPORTS))
