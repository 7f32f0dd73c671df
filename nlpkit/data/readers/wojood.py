"""Wojood public sample (Birzeit; nested NER) flattened to nlpkit's labels.

Format: one token per line followed by one or more tags, outermost entity first; a blank line
ends a sentence. ``$#$`` tokens are line-break placeholders of Wojood's source text (always
``O``) and are dropped. Flattening keeps, for each token, the outermost entity whose Wojood
type maps to a library type: an ``OCC`` (→ O) around an ``ORG`` keeps the ``ORG``; an ``ORG``
around a ``GPE`` keeps the ``ORG``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import datasets

from nlpkit.data.labels import ANNOTATED_TYPES, WOJOOD_MAP, map_tag, repair_iob
from nlpkit.data.paths import data_file
from nlpkit.data.readers._common import DataDir, Sentence, ner_dataset, read_text, resolve_split

SOURCE = "wojood"
SPLITS = ("train", "dev", "test")
FILES = {"train": "train.txt", "dev": "val.txt", "test": "test.txt"}
LINE_BREAK = "$#$"
HOW_TO_GET = (
    "Download the public Wojood sample (MIT) from https://github.com/SinaLab/ArabicNER "
    "(data/) into ner/wojood-sample/{train,val,test}.txt."
)


@dataclass
class _Span:
    kind: str
    start: int
    end: int


def _nested_spans(layers: list[list[str]]) -> list[_Span]:
    """Rebuild nested entity spans from per-token tag lists (outermost first)."""
    spans: list[_Span] = []
    stack: list[_Span] = []
    for i, tags in enumerate(layers):
        entity_tags = [t for t in tags if t != "O"]
        keep = 0
        while keep < len(stack) and keep < len(entity_tags) and entity_tags[keep] == "I-" + stack[keep].kind:
            keep += 1
        del stack[keep:]
        for span in stack:
            span.end = i + 1
        for tag in entity_tags[keep:]:
            span = _Span(tag[2:], i, i + 1)
            stack.append(span)
            spans.append(span)
    return spans


def flatten(layers: list[list[str]]) -> list[str]:
    """Flat library IOB2 tags from Wojood's nested tags: the outermost entity of a mapped type."""
    tags = ["O"] * len(layers)
    kept = [s for s in _nested_spans(layers) if map_tag("B-" + s.kind, WOJOOD_MAP, SOURCE) != "O"]
    kept.sort(key=lambda s: (s.start, -s.end))
    covered_until = 0
    for span in kept:
        if span.start < covered_until:
            continue
        ours = map_tag("B-" + span.kind, WOJOOD_MAP, SOURCE)[2:]
        tags[span.start] = "B-" + ours
        for j in range(span.start + 1, span.end):
            tags[j] = "I-" + ours
        covered_until = span.end
    return tags


@functools.lru_cache(maxsize=4)
def _parse(path: str) -> tuple[Sentence, ...]:
    sentences: list[Sentence] = []
    tokens: list[str] = []
    layers: list[list[str]] = []

    def close() -> None:
        if tokens:
            sentences.append({"tokens": list(tokens), "tags": repair_iob(flatten(layers))})
        tokens.clear()
        layers.clear()

    for number, line in enumerate(read_text(path).splitlines(), start=1):
        fields = line.split()
        if not fields:
            close()
            continue
        if len(fields) < 2:
            raise ValueError(f"{path}:{number}: expected 'token TAG [TAG ...]', got {line!r}.")
        if fields[0] == LINE_BREAK:
            continue
        tokens.append(fields[0])
        layers.append(fields[1:])
    close()
    return tuple(sentences)


def load(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load a Wojood split (``train``, ``dev`` — also accepted as ``val`` — or ``test``)."""
    split = resolve_split(SOURCE, split, SPLITS)
    path = data_file(f"ner/wojood-sample/{FILES[split]}", how_to_get=HOW_TO_GET, root=data_dir)
    return ner_dataset(SOURCE, split, _parse(str(path)), ANNOTATED_TYPES[SOURCE])
