"""Labelled data sources for fine-tuning: loading, JSONL files, weighted mixing, model checks.

A source is a ``SourceConfig``: a name understood by :func:`nlpkit.data.load` (``anercorp``,
``mawqif``, ...) or the path of a ``.jsonl`` file in the same schema (``docs/ARCHITECTURE.md``).

Mixing (:func:`mix_sources`) is deterministic given the seed. A source of ``n`` examples
(after ``limit``) with weight ``w`` contributes ``round(n * w)`` examples to every epoch:
``floor(w)`` full copies plus a seeded random subset for the fractional part. With ``w < 1``
the subset is drawn once, so the same examples are seen in every epoch.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import datasets
import numpy as np

from nlpkit.data import load
from nlpkit.data.labels import NER_LABELS, NER_TYPES, STANCE_LABELS
from nlpkit.errors import ConfigError, MissingDataError, ModelLoadError
from nlpkit.text.normalize import normalize
from training.augment import variant_rows
from training.config import Config, SourceConfig

logger = logging.getLogger("training")

# Columns a JSONL file must have, and defaults for the optional ones, per task.
_REQUIRED = {"ner": ("tokens", "tags"), "stance": ("target", "text", "label")}


def source_label(source: SourceConfig) -> str:
    """A short readable name for a source: ``anercorp_test`` or the file stem."""
    if _is_file_source(source.name):
        return Path(source.name).stem
    return f"{source.name}_{source.split}"


def _is_file_source(name: str) -> bool:
    return name.endswith((".jsonl", ".json")) or os.sep in name


def load_source(source: SourceConfig, task: str, data_dir: str | None = None) -> datasets.Dataset:
    """Load one source (registry name or ``.jsonl`` path), keeping at most ``source.limit`` rows.

    Raises:
        MissingDataError: the data file (or JSONL file) is missing.
        ConfigError: a JSONL file lacks a required column or has labels outside the label set.
    """
    if _is_file_source(source.name):
        dataset = _load_jsonl(Path(source.name), task)
    else:
        dataset = load(source.name, source.split, data_dir=data_dir)
    if source.limit is not None and source.limit < len(dataset):
        dataset = dataset.select(range(source.limit))
    if source.swap_pairs:
        dataset = _with_swapped_pairs(dataset, task, source)
    if source.holder_pairs:
        dataset = _with_holder_pairs(dataset, task, source)
    if source.variant is not None:
        dataset = _variant(dataset, task, source)
    return dataset


_VARIANT_TASK = {"substituted_targets": "stance", "replaced_mentions": "ner"}


def _variant(dataset: datasets.Dataset, task: str, source: SourceConfig) -> datasets.Dataset:
    """The source's rewritten copies only (``training.augment``)."""
    assert source.variant is not None
    if _VARIANT_TASK[source.variant] != task:
        raise ConfigError(f"data source {source.name!r}: variant {source.variant!r} applies to "
                          f"{_VARIANT_TASK[source.variant]} data, not {task!r}.")
    rows = variant_rows(dataset, source.variant, source.variant_seed)
    if not rows:
        raise ConfigError(f"data source {source.name!r}: variant {source.variant!r} could rewrite none of its "
                          f"{len(dataset)} rows.")
    logger.info("%s: %d rows rewritten as %s", source_label(source), len(rows), source.variant)
    return datasets.Dataset.from_list(rows, features=dataset.features)


def _with_swapped_pairs(dataset: datasets.Dataset, task: str, source: SourceConfig) -> datasets.Dataset:
    """``dataset`` followed by each pair with target and text swapped (agreement is symmetric)."""
    if task != "stance":
        raise ConfigError(f"data source {source.name!r}: swap_pairs applies to stance pairs only, not {task!r}.")
    swapped = dataset.map(lambda row: {"target": row["text"], "text": row["target"], "id": f"{row['id']}:swapped"})
    return datasets.concatenate_datasets([dataset, swapped])


def _name_key(name: str) -> str:
    """The matching form of a target or holder name."""
    return normalize(name).strip()


def holder_named(holder: str, text: str) -> bool:
    """True when ``text`` names ``holder``: the whole name, or its last word (4+ letters, after و ف ب ل)."""
    name, body = _name_key(holder), normalize(text)
    if not name:
        return False
    if name in body:
        return True
    last = name.split()[-1]
    return len(last) >= 4 and re.search(rf"(?<!\w)[وفبل]?{re.escape(last)}(?!\w)", body) is not None


def _with_holder_pairs(dataset: datasets.Dataset, task: str, source: SourceConfig) -> datasets.Dataset:
    """``dataset`` followed by ``(holder, text) -> NONE`` for each FAVOR/AGAINST pair whose holder the text names
    and which has no pair of its own for that holder (GUIDELINES: a party's stance toward itself is NONE).

    Mined news sentences name the actor next to the party acted upon; without these pairs the
    model reads «قدمت السعودية مساعدات…» as FAVOR toward Saudi Arabia.
    """
    if task != "stance" or "holder" not in dataset.column_names:
        raise ConfigError(f"data source {source.name!r}: holder_pairs needs stance pairs with a holder column.")
    taken = {(_name_key(target), text) for target, text in zip(dataset["target"], dataset["text"], strict=True)}
    rows = []
    for row in dataset:
        holder = row["holder"]
        if row["label"] == "NONE" or not holder or not holder_named(holder, row["text"]):
            continue
        key = (_name_key(holder), row["text"])
        if key in taken:
            continue
        taken.add(key)
        rows.append({**row, "target": holder, "label": "NONE", "holder": None, "id": f"{row['id']}:holder"})
    if not rows:
        return dataset
    added = datasets.Dataset.from_list(rows, features=dataset.features)
    logger.info("%s: %d holder pairs (holder, text) -> NONE added", source_label(source), len(rows))
    return datasets.concatenate_datasets([dataset, added])


def _load_jsonl(path: Path, task: str) -> datasets.Dataset:
    if not path.is_file():
        raise MissingDataError(f"Data file not found: {path} (data.train/data.eval name). Check the path in the config.")
    dataset = datasets.load_dataset("json", data_files=str(path), split="train")
    missing = [c for c in _REQUIRED[task] if c not in dataset.column_names]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}; a {task} JSONL row needs {', '.join(_REQUIRED[task])}.")
    _check_labels(dataset, task, path)
    return dataset.map(lambda row, i: _fill_defaults(row, i, path.stem, task), with_indices=True)


def _check_labels(dataset: datasets.Dataset, task: str, path: Path) -> None:
    if task == "ner":
        seen = {tag for tags in dataset["tags"] for tag in tags}
        valid: tuple[str, ...] = NER_LABELS
    else:
        seen = set(dataset["label"])
        valid = STANCE_LABELS
    unknown = sorted(seen - set(valid))
    if unknown:
        raise ConfigError(f"{path}: unknown label(s) {', '.join(unknown)}; valid labels: {', '.join(valid)}.")


def _fill_defaults(row: dict[str, Any], index: int, stem: str, task: str) -> dict[str, Any]:
    filled = {"id": row.get("id") or f"{stem}:{index}", "source": row.get("source") or stem}
    if task == "ner":
        filled["annotated_types"] = row.get("annotated_types") or list(NER_TYPES)
    else:
        filled["holder"] = row.get("holder")
    return filled


def load_sources(sources: list[SourceConfig], task: str, data_dir: str | None) -> list[tuple[SourceConfig, datasets.Dataset]]:
    """Load every source, failing on the first missing one before any model is built."""
    return [(source, load_source(source, task, data_dir)) for source in sources]


def mix_sources(loaded: list[tuple[SourceConfig, datasets.Dataset]], seed: int, optional: Sequence[str] = ()
                ) -> tuple[datasets.Dataset, dict[str, int]]:
    """Concatenate sources, each resampled to ``round(n * weight)`` rows (see module docstring).

    Columns that not every source has are dropped, except the ``optional`` ones, which sources lacking
    them get as ``None`` (the news pairs' ``event`` beside Mawqif's tweets).

    Returns:
        The mixed dataset (shuffled with ``seed``) and the number of rows taken from each source.
    """
    rng = np.random.default_rng(seed)
    loaded = [(source, _with_columns(dataset, optional)) for source, dataset in loaded]
    parts: list[datasets.Dataset] = []
    counts: dict[str, int] = {}
    for source, dataset in loaded:
        n = len(dataset)
        target = round(n * source.weight)
        indices = np.concatenate([np.tile(np.arange(n), int(source.weight)),
                                  rng.permutation(n)[: target - n * int(source.weight)]]).astype(np.int64)
        if len(indices):
            parts.append(dataset.select(indices.tolist()).select_columns(_common_columns(loaded)))
        counts[source_label(source)] = len(indices)
        logger.info("source %s: %d examples, weight %.2f -> %d", source_label(source), n, source.weight, len(indices))
    if not parts:
        raise ConfigError("data.train: the sources hold no examples (check names, splits, limit and weight).")
    return datasets.concatenate_datasets(parts).shuffle(seed=seed), counts


def _with_columns(dataset: datasets.Dataset, names: Sequence[str]) -> datasets.Dataset:
    """``dataset`` with a ``None`` string column for each of ``names`` it lacks."""
    for name in names:
        if name not in dataset.column_names:
            dataset = dataset.add_column(name, [None] * len(dataset), feature=datasets.Value("string"))
    return dataset


def _common_columns(loaded: list[tuple[SourceConfig, datasets.Dataset]]) -> list[str]:
    """Columns shared by every source, in the order of the first one (JSONL files may carry extras)."""
    shared = set.intersection(*(set(d.column_names) for _, d in loaded))
    return [c for c in loaded[0][1].column_names if c in shared]


def require_sources(config: Config) -> None:
    """Fail early when a fine-tuning config has no base model or no training data."""
    if not config.model.name_or_path:
        raise ConfigError(f"model.name_or_path: required for task {config.task} (a model directory or a Hub name).")
    if not config.data.train:
        raise ConfigError(f"data.train: task {config.task} needs at least one source, e.g. [{{name: anercorp, split: train}}].")


def check_model_source(name_or_path: str, key: str = "model.name_or_path") -> None:
    """Check that a model is loadable: a local directory with config.json, the HF cache, or the Hub.

    Raises:
        ModelLoadError: naming ``key``, when the model is neither local nor reachable.
    """
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelLoadError(f"{key}: {path} has no config.json; point it at a saved model directory "
                                 "(e.g. the output_dir of an mlm run).")
        return
    from huggingface_hub import model_info, try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError

    try:
        if isinstance(try_to_load_from_cache(name_or_path, "config.json"), str):
            return
    except HFValidationError:
        raise ModelLoadError(f"{key}: {name_or_path} not found locally (no such directory) and it is not a Hub model id.") from None
    unreachable = f"{key}: {name_or_path} not found locally and the Hub is unreachable"
    hint = "train or download it first, or point the key at a local model directory."
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        raise ModelLoadError(f"{unreachable} (HF_HUB_OFFLINE is set); {hint}")
    try:
        model_info(name_or_path, timeout=10)
    except RepositoryNotFoundError:
        raise ModelLoadError(f"{key}: {name_or_path} not found locally and not on the Hugging Face Hub; {hint}") from None
    except Exception as error:  # network errors come in many types (httpx, OSError, timeouts)
        raise ModelLoadError(f"{unreachable} ({type(error).__name__}); {hint}") from None

