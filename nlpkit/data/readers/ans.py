"""ANS, Arabic News Stance (Khouja 2020): headline pairs ``s1,s2,stance``.

``s1`` is the claim, used as the target; ``s2`` is the text. ``agree`` → FAVOR,
``disagree`` → AGAINST, ``other`` → NONE; no holder is known.
"""

from __future__ import annotations

import csv
import functools
import io

import datasets

from nlpkit.data.paths import data_file
from nlpkit.data.readers._common import DataDir, StanceRow, read_text, resolve_split, stance_dataset

SOURCE = "ans"
SPLITS = ("train", "dev", "test")
LABELS = {"agree": "FAVOR", "disagree": "AGAINST", "other": "NONE"}
HOW_TO_GET = "Download ANS from https://github.com/latynt/ans (data/) into stance/ans/{train,dev,test}.csv."


@functools.lru_cache(maxsize=4)
def _parse(path: str) -> tuple[StanceRow, ...]:
    rows: list[StanceRow] = []
    for number, record in enumerate(csv.DictReader(io.StringIO(read_text(path, encoding="utf-8-sig"))), start=2):
        stance = (record.get("stance") or "").strip().lower()
        if stance not in LABELS:
            raise ValueError(f"{path}:{number}: unknown stance {record.get('stance')!r}; expected agree, disagree or other.")
        rows.append({"target": record["s1"].strip(), "text": record["s2"].strip(), "label": LABELS[stance], "holder": None})
    return tuple(rows)


def load(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load an ANS split (``train``/``dev``/``test``) as stance examples."""
    split = resolve_split(SOURCE, split, SPLITS)
    path = data_file(f"stance/ans/{split}.csv", how_to_get=HOW_TO_GET, root=data_dir)
    return stance_dataset(SOURCE, split, _parse(str(path)))
