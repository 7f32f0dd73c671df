"""The marker ``config.json`` of an analyzer folder, read by :func:`transformers.pipeline`.

Kept apart from :mod:`nlpkit.hf_pipeline` (which imports the analyzer and, when used,
transformers) so that :meth:`nlpkit.analysis.analyzer.Analyzer.save_pretrained` can write the
marker without importing the pipeline, and without an import circle.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

TASK = "arabic-news-analysis"
MODEL_TYPE = "nlpkit-analyzer"


def write_pipeline_config(directory: str | os.PathLike[str]) -> Path:
    """Write the ``config.json`` that lets ``transformers.pipeline(TASK, model=directory)`` open an analyzer folder.

    transformers reads ``config.json`` before it loads any model; this one only names the
    ``nlpkit-analyzer`` model type (the analyzer itself is described by ``nlpkit.json``).

    Returns:
        The file written.
    """
    path = Path(directory) / "config.json"
    path.write_text(json.dumps({"model_type": MODEL_TYPE, "task": TASK}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
