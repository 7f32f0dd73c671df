"""Mawqif (Alturayeif et al. 2022): Arabic tweets with stance toward three targets.

The CSV files (UTF-8 with BOM) have ``ID,text,target,stance,...`` columns. English targets
become Arabic strings (``TARGETS``); ``Favor/Against/None`` become ``FAVOR/AGAINST/NONE``;
rows without a stance are left out and counted (:func:`skipped`). ``dev`` is carved from the
official train file: rows whose stripped text has ``zlib.crc32(text.encode("utf-8")) % 10 == 0``
(a stable hash of the text, so that the few repeated tweets stay on one side).
"""

from __future__ import annotations

import csv
import functools
import io
import zlib

import datasets

from nlpkit.data.paths import data_file
from nlpkit.data.readers._common import DataDir, StanceRow, read_text, resolve_split, stance_dataset

SOURCE = "mawqif"
SPLITS = ("train", "dev", "test")
TARGETS = {
    "covid vaccine": "لقاح كورونا",
    "digital transformation": "التحول الرقمي",
    "women empowerment": "تمكين المرأة",
}
LABELS = {"favor": "FAVOR", "against": "AGAINST", "none": "NONE"}
HOW_TO_GET = "Download Mawqif from https://github.com/NoraAlt/Mawqif-Arabic-Stance (Data/) into stance/mawqif/{train,test}.csv."


@functools.lru_cache(maxsize=4)
def _parse(path: str) -> tuple[tuple[StanceRow, ...], int]:
    """The rows, and the number of rows left out for a missing stance."""
    rows: list[StanceRow] = []
    skipped = 0
    for number, record in enumerate(csv.DictReader(io.StringIO(read_text(path, encoding="utf-8-sig"))), start=2):
        stance = (record.get("stance") or "").strip().lower()
        if not stance:
            skipped += 1
            continue
        target = (record.get("target") or "").strip().lower()
        if target not in TARGETS or stance not in LABELS:
            raise ValueError(f"{path}:{number}: unknown target {record.get('target')!r} or stance {record.get('stance')!r}.")
        row: StanceRow = {"target": TARGETS[target], "text": record["text"].strip(), "label": LABELS[stance], "holder": None}
        rows.append(row)
    return tuple(rows), skipped


def _file(split: str, data_dir: DataDir) -> str:
    name = "test" if split == "test" else "train"
    return str(data_file(f"stance/mawqif/{name}.csv", how_to_get=HOW_TO_GET, root=data_dir))


def in_dev(text: str) -> bool:
    """Whether a tweet of the official train file belongs to nlpkit's ``dev`` split."""
    return zlib.crc32(text.encode("utf-8")) % 10 == 0


def skipped(split: str = "train", *, data_dir: DataDir = None) -> int:
    """How many rows of the split's source file were left out for a missing stance."""
    split = resolve_split(SOURCE, split, SPLITS)
    return _parse(_file(split, data_dir))[1]


def load(split: str = "train", *, data_dir: DataDir = None) -> datasets.Dataset:
    """Load a Mawqif split (``train``, ``dev`` carved from train, ``test``) as stance examples."""
    split = resolve_split(SOURCE, split, SPLITS)
    rows, _ = _parse(_file(split, data_dir))
    if split != "test":
        rows = tuple(r for r in rows if in_dev(r["text"]) == (split == "dev"))
    return stance_dataset(SOURCE, split, rows)
