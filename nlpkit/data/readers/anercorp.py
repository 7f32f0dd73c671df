"""ANERcorp (CAMeL Lab train/test split): ``token TAG`` lines, blank line between sentences.

The published split has no dev set. For model selection nlpkit carves one out of ``train``:
sentences are grouped into contiguous blocks of ``BLOCK`` (so a story stays on one side) and
block ``b`` with ``b % 10 == 9`` is ``dev``; ``train_no_dev`` is the rest. ``train`` stays the
whole published train file, so scores stay comparable with published ones.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import datasets

from nlpkit.data.labels import ANERCORP_MAP, ANNOTATED_TYPES, map_tag
from nlpkit.data.paths import data_file
from nlpkit.data.readers._common import DataDir, Sentence, group_sentences, ner_dataset, read_text, resolve_split

SOURCE = "anercorp"
SPLITS = ("train", "test", "dev", "train_no_dev")
BLOCK = 100
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


def in_dev(index: int) -> bool:
    """Whether sentence ``index`` (0-based, order of the train file) belongs to nlpkit's dev split."""
    return (index // BLOCK) % 10 == 9


def load(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load an ANERcorp split (``train``, ``test``, or ``dev``/``train_no_dev`` carved from train)."""
    split = resolve_split(SOURCE, split, SPLITS)
    file = "test" if split == "test" else "train"
    path = data_file(f"ner/anercorp/{file}.txt", how_to_get=HOW_TO_GET, root=data_dir)
    sentences = _parse(str(path))
    if split in ("dev", "train_no_dev"):
        sentences = tuple(s for i, s in enumerate(sentences) if in_dev(i) == (split == "dev"))
    return ner_dataset(SOURCE, split, sentences, ANNOTATED_TYPES[SOURCE])
