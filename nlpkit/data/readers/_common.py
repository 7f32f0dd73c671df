"""Shared pieces of the readers: dataset schemas, split names, file reading."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TypedDict

import datasets

from nlpkit.data.labels import repair_iob
from nlpkit.errors import UnknownSplitError

DataDir = str | os.PathLike[str] | None

NER_FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "tokens": datasets.List(datasets.Value("string")),
        "tags": datasets.List(datasets.Value("string")),
        "source": datasets.Value("string"),
        "annotated_types": datasets.List(datasets.Value("string")),
    }
)
STANCE_FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "target": datasets.Value("string"),
        "text": datasets.Value("string"),
        "label": datasets.Value("string"),
        "holder": datasets.Value("string"),
        "source": datasets.Value("string"),
    }
)
SPLIT_ALIASES = {"val": "dev", "validation": "dev"}


class Sentence(TypedDict):
    """One parsed NER sentence before it becomes a row."""

    tokens: list[str]
    tags: list[str]


class StanceRow(TypedDict):
    """One parsed stance example before it becomes a row."""

    target: str
    text: str
    label: str
    holder: str | None


def resolve_split(source: str, split: str, valid: Sequence[str]) -> str:
    """Return the canonical split name (``val``/``validation`` → ``dev``) or raise a clear error."""
    canonical = SPLIT_ALIASES.get(split, split)
    if canonical not in valid:
        raise UnknownSplitError(f"Dataset {source!r} has no split {split!r}; valid splits: {', '.join(valid)}.")
    return canonical


def read_text(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> str:
    """Read a whole file as text without newline translation."""
    with open(path, encoding=encoding, newline="") as handle:
        return handle.read()


def ner_dataset(source: str, split: str, sentences: Iterable[Sentence], annotated_types: Sequence[str]) -> datasets.Dataset:
    """Build a NER :class:`datasets.Dataset` with the shared schema (ids ``source:split:n``)."""
    columns: dict[str, list] = {name: [] for name in NER_FEATURES}
    for n, sentence in enumerate(sentences):
        columns["id"].append(f"{source}:{split}:{n}")
        columns["tokens"].append(list(sentence["tokens"]))
        columns["tags"].append(list(sentence["tags"]))
        columns["source"].append(source)
        columns["annotated_types"].append(list(annotated_types))
    return datasets.Dataset.from_dict(columns, features=NER_FEATURES)


def stance_dataset(source: str, split: str, rows: Iterable[StanceRow]) -> datasets.Dataset:
    """Build a stance :class:`datasets.Dataset` with the shared schema (ids ``source:split:n``)."""
    columns: dict[str, list] = {name: [] for name in STANCE_FEATURES}
    for n, row in enumerate(rows):
        columns["id"].append(f"{source}:{split}:{n}")
        columns["target"].append(row["target"])
        columns["text"].append(row["text"])
        columns["label"].append(row["label"])
        columns["holder"].append(row["holder"])
        columns["source"].append(source)
    return datasets.Dataset.from_dict(columns, features=STANCE_FEATURES)


def group_sentences(rows: Iterable[tuple[str, str] | None]) -> tuple[Sentence, ...]:
    """Collect ``(token, tag)`` rows into sentences (``None`` ends one), repairing IOB2 per sentence."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for row in (*rows, None):
        if row is None:
            if tokens:
                sentences.append({"tokens": tokens, "tags": repair_iob(tags)})
            tokens, tags = [], []
        else:
            tokens.append(row[0])
            tags.append(row[1])
    return tuple(sentences)
