"""Stance pairs from real news, annotated for the project (``training/data/news_stance/news_stance.jsonl``).

One JSON object a line with ``id, split, text, target, label, holder, event, doc_id, corpus,
licence, region``, built by ``python -m training.news_stance`` from mined candidates and their
labels. Splits are by whole documents and stored in the file (``train``, ``dev``, ``test``;
``all`` returns every row). Rows from SaudiNewsNet are CC BY-NC-SA 4.0 (research only), rows
from ANT Apache-2.0: the ``licence`` field says which. Data card:
``training/data/news_stance/DATA_CARD.md``.
"""

from __future__ import annotations

import functools
import json
import os

import datasets

from nlpkit.data.labels import STANCE_LABELS
from nlpkit.data.paths import project_file
from nlpkit.data.readers._common import StanceRow, read_text, resolve_split, stance_dataset

SOURCE = "news_stance"
EVENT_TYPES: tuple[str, ...] = (
    "sanctions", "asset_freeze", "ban", "expulsion", "accusation", "warning", "condemnation", "concern", "refusal",
    "territorial_claim", "military_move", "agreement", "cooperation", "support", "praise", "talks", "visit",
    "congratulation", "mediation", "reporting", "history", "other")
"""The event table's types (``seeds/GUIDELINES.md``); each pair's ``event`` column holds one, or ``None``."""
SPLITS = ("train", "dev", "test", "all")
RELATIVE = "training/data/news_stance/news_stance.jsonl"
HOW_TO_GET = ("It is built by the project from its annotation files: python -m training.news_stance "
              "(see training/data/news_stance/DATA_CARD.md).")


@functools.lru_cache(maxsize=2)
def _parse(path: str, mtime_ns: int) -> tuple[tuple[str, tuple[StanceRow, str | None]], ...]:
    rows: list[tuple[str, tuple[StanceRow, str | None]]] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if not record.get("text") or not record.get("target") or record.get("label") not in STANCE_LABELS \
                or record.get("split") not in SPLITS[:3]:
            raise ValueError(f"{path}:{number}: needs text, target, a label in {', '.join(STANCE_LABELS)} and a split "
                             f"in {', '.join(SPLITS[:3])}; got {record!r}.")
        event = record.get("event")
        if event is not None and event not in EVENT_TYPES:
            raise ValueError(f"{path}:{number}: event {event!r} is not one of {', '.join(EVENT_TYPES)}.")
        rows.append((record["split"], ({"target": record["target"], "text": record["text"], "label": record["label"],
                                        "holder": record.get("holder")}, event)))
    return tuple(rows)


def load(split: str = "train", *, root: str | os.PathLike[str] | None = None) -> datasets.Dataset:
    """Load one split of the news stance pairs (``root``: a project folder to read instead), with each pair's
    ``event`` type beside the shared stance columns."""
    split = resolve_split(SOURCE, split, SPLITS)
    path = project_file(RELATIVE, how_to_get=HOW_TO_GET, root=root)
    rows = [row for row_split, row in _parse(str(path), path.stat().st_mtime_ns) if split in ("all", row_split)]
    dataset = stance_dataset(SOURCE, split, [pair for pair, _ in rows])
    return dataset.add_column("event", [event for _, event in rows])
