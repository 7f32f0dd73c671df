"""ANERcorp (CAMeL Lab train/test split): ``token TAG`` lines, blank line between sentences."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import datasets

from nlpkit.data.labels import ANERCORP_MAP, ANNOTATED_TYPES, map_tag
from nlpkit.data.paths import data_file
from nlpkit.data.readers._common import DataDir, Sentence, group_sentences, ner_dataset, read_text, resolve_split

SOURCE = "anercorp"
SPLITS = ("train", "test")
HOW_TO_GET = (
    "Download ANERcorp with the CAMeL Lab train/test split from "
    "https://camel.abudhabi.nyu.edu/anercorp/ into ner/anercorp/{train,test}.txt."
)


@functools.lru_cache(maxsize=4)
def _parse(path: str) -> tuple[Sentence, ...]:
    return group_sentences(_rows(path))


def _rows(path: str) -> Iterator[tuple[str, str] | None]:
    """``(token, our tag)`` per line, ``None`` for a blank line."""
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            yield None
            continue
        token, sep, tag = line.rstrip().rpartition(" ")
        if not sep or not token:
            raise ValueError(f"{path}:{number}: expected 'token TAG', got {line!r}.")
        yield token, map_tag(tag, ANERCORP_MAP, SOURCE)


def load(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load an ANERcorp split (``train`` or ``test``) as NER examples."""
    split = resolve_split(SOURCE, split, SPLITS)
    path = data_file(f"ner/anercorp/{split}.txt", how_to_get=HOW_TO_GET, root=data_dir)
    return ner_dataset(SOURCE, split, _parse(str(path)), ANNOTATED_TYPES[SOURCE])
