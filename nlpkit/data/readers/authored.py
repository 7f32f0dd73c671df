"""Stance examples written for the project (``training/data/authored_stance.jsonl``).

One JSON object per line with ``id, target, text, label, holder, topic``. Split rule, by the
0-based line index ``i`` of non-empty lines: ``i % 10 == 0`` → ``test``, ``i % 10 == 1`` →
``dev``, otherwise ``train``; ``all`` returns every line.
"""

from __future__ import annotations

import functools
import json
import os

import datasets

from nlpkit.data.labels import STANCE_LABELS
from nlpkit.data.paths import project_file
from nlpkit.data.readers._common import StanceRow, read_text, resolve_split, stance_dataset

SOURCE = "authored"
SPLITS = ("train", "dev", "test", "all")
RELATIVE = "training/data/authored_stance.jsonl"
HOW_TO_GET = "It is written by the project's authors (one JSON object per line: id, target, text, label, holder, topic)."


def split_of(index: int) -> str:
    """The split of the ``index``-th example (0-based)."""
    return "test" if index % 10 == 0 else "dev" if index % 10 == 1 else "train"


@functools.lru_cache(maxsize=2)
def _parse(path: str, mtime_ns: int) -> tuple[StanceRow, ...]:
    rows: list[StanceRow] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        missing = [k for k in ("target", "text", "label") if not record.get(k)]
        if missing or record["label"] not in STANCE_LABELS:
            raise ValueError(f"{path}:{number}: needs target, text and a label in {', '.join(STANCE_LABELS)}; got {record!r}.")
        holder = record.get("holder")
        rows.append({"target": record["target"], "text": record["text"], "label": record["label"], "holder": holder})
    return tuple(rows)


def load(split: str = "train", *, root: str | os.PathLike[str] | None = None) -> datasets.Dataset:
    """Load authored stance examples of one split (``root``: project folder to read instead)."""
    split = resolve_split(SOURCE, split, SPLITS)
    path = project_file(RELATIVE, how_to_get=HOW_TO_GET, root=root)
    rows = _parse(str(path), path.stat().st_mtime_ns)
    chosen = rows if split == "all" else tuple(r for i, r in enumerate(rows) if split_of(i) == split)
    return stance_dataset(SOURCE, split, chosen)
