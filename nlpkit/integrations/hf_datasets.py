"""nlpkit over a Hugging Face ``datasets.Dataset``: ``Dataset.map(batched=True, num_proc=N)``.

::

    from datasets import load_dataset
    from nlpkit.integrations.hf_datasets import analyze_dataset

    corpus = load_dataset("json", data_files="corpus.jsonl", split="train")   # columns id, text
    results = analyze_dataset(corpus, "fast", num_proc=4)                        # columns id, json, error
    results.to_parquet("results.parquet")

Each of the ``num_proc`` processes loads its own analyzer (one thread each). The result rows
are those of the Ray integration (:mod:`nlpkit.integrations.batches`): ``json`` holds the
serial CLI's JSONL line, and a bad document becomes an error row.
"""

from __future__ import annotations

import os
from typing import Any

from nlpkit.errors import InputError, MissingDependencyError
from nlpkit.integrations.batches import ROWS_PER_BATCH, AnalyzerSpec, BatchAnalyzer, Output, result_schema

try:
    import datasets
except ImportError as error:  # pragma: no cover - exercised without datasets installed
    raise MissingDependencyError(f"analyze_dataset needs Hugging Face datasets ({error}); install it with: "
                                 "pip install datasets") from error


def analyze_dataset(dataset: datasets.Dataset, model: str | os.PathLike[str] | None = None, *,
                    output: Output = "json", id_column: str = "id", text_column: str = "text",
                    num_proc: int | None = None, rows_per_batch: int = ROWS_PER_BATCH,
                    spec: AnalyzerSpec | None = None, **options: Any) -> datasets.Dataset:
    """Analyse every row of ``dataset``; return a dataset of result rows, in the input's order.

    Args:
        dataset: a ``datasets.Dataset`` with an id and a text column.
        model: analyzer directory or tier name (``"fast"``); ``None``: the embedded default.
        output: ``"json"`` (``id, json, error``) or ``"columns"`` (``id, entities, stances, summary, error``).
        id_column, text_column: the input columns to read (the output's column is always ``id``).
        num_proc: worker processes (``None``: this process).
        rows_per_batch: documents per ``map`` batch.
        spec: a complete :class:`AnalyzerSpec` instead of ``model`` and ``options``.
        **options: other :class:`AnalyzerSpec` fields (``backend``, ``threads``, ``batch_size``,
            ``targets``, ``gazetteer``, ``skip_boilerplate``).

    Raises:
        InputError: ``dataset`` lacks the id or text column.
    """
    missing = [name for name in (id_column, text_column) if name not in dataset.column_names]
    if missing:
        raise InputError(f"The dataset has no {' or '.join(map(repr, missing))} column (it has {dataset.column_names}); "
                         "pass id_column=... and text_column=... to name the columns to read.")
    spec = spec or AnalyzerSpec(model=None if model is None else os.fspath(model), **options)
    id_type = dataset.features.arrow_schema.field(id_column).type
    features = datasets.Features.from_arrow_schema(result_schema(output, id_type))
    return dataset.map(BatchAnalyzer(spec, output=output, id_column=id_column, text_column=text_column),
                       batched=True, batch_size=rows_per_batch, num_proc=num_proc,
                       remove_columns=dataset.column_names, features=features, desc="nlpkit analyze")
