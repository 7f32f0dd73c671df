"""Datasets of nlpkit: one registry over every NER and stance source.

>>> from nlpkit.data import load
>>> load("wojood", "dev").column_names
['id', 'tokens', 'tags', 'source', 'annotated_types']

Shared data comes from the data directory (``$NLPKIT_DATA``, default ``../shared/data``);
``seeds_ner``/``seeds_stance``, ``authored`` and ``news_stance`` are files of the project checkout itself.
Schemas, mapping tables and split rules: ``docs/DATA.md``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import datasets

from nlpkit.data.readers import anercorp, ans, authored, fane, mawqif, news_stance, seeds, wojood
from nlpkit.data.readers._common import resolve_split
from nlpkit.errors import UnknownDatasetError, UnknownSplitError
from nlpkit.data.readers.corpus import iter_corpus, iter_dataset_text

__all__ = [
    "NER_DATASETS",
    "STANCE_DATASETS",
    "UnknownDatasetError",
    "UnknownSplitError",
    "iter_corpus",
    "iter_dataset_text",
    "list_datasets",
    "load",
    "splits",
]

_Loader = Callable[[str, "str | os.PathLike[str] | None"], datasets.Dataset]


@dataclass(frozen=True)
class _Entry:
    task: str
    splits: tuple[str, ...]
    load: _Loader


_REGISTRY: dict[str, _Entry] = {
    "anercorp": _Entry("ner", anercorp.SPLITS, lambda s, d: anercorp.load(s, data_dir=d)),
    "newsfane": _Entry("ner", fane.SPLITS, lambda s, d: fane.load_newsfane(s, data_dir=d)),
    "wikifane": _Entry("ner", fane.SPLITS, lambda s, d: fane.load_wikifane(s, data_dir=d)),
    "fane": _Entry("ner", fane.SPLITS, lambda s, d: fane.load_fane(s, data_dir=d)),
    "wojood": _Entry("ner", wojood.SPLITS, lambda s, d: wojood.load(s, data_dir=d)),
    "seeds_ner": _Entry("ner", seeds.SPLITS, lambda s, d: seeds.load_ner(s)),
    "mawqif": _Entry("stance", mawqif.SPLITS, lambda s, d: mawqif.load(s, data_dir=d)),
    "ans": _Entry("stance", ans.SPLITS, lambda s, d: ans.load(s, data_dir=d)),
    "seeds_stance": _Entry("stance", seeds.SPLITS, lambda s, d: seeds.load_stance(s)),
    "authored": _Entry("stance", authored.SPLITS, lambda s, d: authored.load(s)),
    "news_stance": _Entry("stance", news_stance.SPLITS, lambda s, d: news_stance.load(s)),
}

NER_DATASETS: frozenset[str] = frozenset(n for n, e in _REGISTRY.items() if e.task == "ner")
STANCE_DATASETS: frozenset[str] = frozenset(n for n, e in _REGISTRY.items() if e.task == "stance")


def list_datasets(task: str | None = None) -> list[str]:
    """Names accepted by :func:`load`, sorted; ``task`` (``"ner"``/``"stance"``) filters them."""
    return sorted(n for n, e in _REGISTRY.items() if task is None or e.task == task)


def _entry(name: str) -> _Entry:
    if name not in _REGISTRY:
        hint = " (use 'seeds_ner' or 'seeds_stance')" if name == "seeds" else ""
        raise UnknownDatasetError(f"Unknown dataset {name!r}{hint}; valid names: {', '.join(list_datasets())}.")
    return _REGISTRY[name]


def splits(name: str) -> tuple[str, ...]:
    """The split names of dataset ``name`` (``dev`` is also accepted as ``val``/``validation``)."""
    return _entry(name).splits


def load(name: str, split: str = "train", *, data_dir: str | os.PathLike[str] | None = None) -> datasets.Dataset:
    """Load one split of a registered dataset with the shared NER or stance schema.

    Args:
        name: one of :func:`list_datasets` (``fane`` is NewsFANE followed by WikiFANE).
        split: ``train``, ``dev`` (alias ``val``) or ``test``, as :func:`splits` lists.
        data_dir: data directory instead of ``$NLPKIT_DATA``/``../shared/data`` (ignored by the
            project's own sets ``seeds_ner``, ``seeds_stance`` and ``authored``).

    Raises:
        UnknownDatasetError: unknown name; UnknownSplitError: unknown split (both ``ValueError``).
        MissingDataError: a data file is missing; the message names it and says how to get it.
    """
    entry = _entry(name)
    return entry.load(resolve_split(name, split, entry.splits), data_dir)
