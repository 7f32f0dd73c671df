"""NewsFANE and WikiFANE gold corpora (Alotaibi & Lee 2014), with nlpkit's own fixed split.

Format: ``token<TAB>tag`` lines in UTF-8 with a BOM, CRLF line ends and a left-to-right mark
(U+200E) before most tokens; a line holding only a tab ends a sentence. The corpora ship
without a split, so sentences are grouped into contiguous blocks of ``BLOCK`` sentences and
block ``b`` goes to ``dev`` when ``b % 10 == 8``, to ``test`` when ``b % 10 == 9``, else to
``train`` (about 80/10/10; neighbouring sentences, which often share a story, stay together).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import datasets

from nlpkit.data.labels import ANNOTATED_TYPES, FANE_MAP, map_tag
from nlpkit.data.paths import data_file
from nlpkit.data.readers._common import DataDir, Sentence, group_sentences, ner_dataset, read_text, resolve_split

SPLITS = ("train", "dev", "test")
FILES = {"newsfane": "ner/fane/NewsFANE_Gold_2014_170K.txt", "wikifane": "ner/fane/WikiFANE_Gold_2014_500K.txt"}
BLOCK = 100
HOW_TO_GET = (
    "Download the FANE gold corpora (NewsFANEGold, WikiFANEGold; CC BY-SA 3.0) from "
    "Fahd Alotaibi's page http://www.cs.bham.ac.uk/~fsa081 into ner/fane/."
)
_JUNK = str.maketrans("", "", "\ufeff\u200e\u200f\r")


def split_of(index: int) -> str:
    """The split of the ``index``-th sentence (0-based) of a FANE file."""
    block = (index // BLOCK) % 10
    return "dev" if block == 8 else "test" if block == 9 else "train"


@functools.lru_cache(maxsize=4)
def _parse(path: str, source: str) -> tuple[Sentence, ...]:
    return group_sentences(_rows(path, source))


def _rows(path: str, source: str) -> Iterator[tuple[str, str] | None]:
    """``(token, our tag)`` per line with BOM, CR and U+200E removed, ``None`` for a separator line."""
    for number, line in enumerate(read_text(path, encoding="utf-8-sig").split("\n"), start=1):
        token, _, tag = line.translate(_JUNK).partition("\t")
        token, tag = token.strip(), tag.strip()
        if not token and not tag:
            yield None
            continue
        if not token or not tag:
            raise ValueError(f"{path}:{number}: expected 'token<TAB>tag', got {line!r}.")
        yield token, map_tag(tag, FANE_MAP, source)


def _load(source: str, split: str, data_dir: DataDir) -> datasets.Dataset:
    split = resolve_split(source, split, SPLITS)
    path = data_file(FILES[source], how_to_get=HOW_TO_GET, root=data_dir)
    chosen = [s for i, s in enumerate(_parse(str(path), source)) if split_of(i) == split]
    return ner_dataset(source, split, chosen, ANNOTATED_TYPES[source])


def load_newsfane(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load a NewsFANE split (``train``/``dev``/``test``, nlpkit's block split) as NER examples."""
    return _load("newsfane", split, data_dir)


def load_wikifane(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load a WikiFANE split (``train``/``dev``/``test``, nlpkit's block split) as NER examples."""
    return _load("wikifane", split, data_dir)


def load_fane(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """NewsFANE then WikiFANE rows of one split (``source`` tells them apart)."""
    return datasets.concatenate_datasets([load_newsfane(split, data_dir=data_dir), load_wikifane(split, data_dir=data_dir)])
