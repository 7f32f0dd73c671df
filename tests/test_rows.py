"""nlpkit.models.rows: each row runs alone on its own tokens."""

from __future__ import annotations

import numpy as np

from nlpkit.models.rows import logits_by_row


def _batch_dependent(batch: dict[str, np.ndarray]) -> np.ndarray:
    """Token logits that depend on the whole tensor, as dynamic int8's per-tensor activation scale does."""
    ids = batch["input_ids"].astype(np.float32)
    return np.stack([ids, ids / ids.max()], axis=-1)


def _pooled(batch: dict[str, np.ndarray]) -> np.ndarray:
    ids = batch["input_ids"].astype(np.float32)
    return np.stack([ids.sum(axis=1), np.full(len(ids), ids.max())], axis=-1)


def _batch(rows: list[list[int]], width: int) -> dict[str, np.ndarray]:
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for index, row in enumerate(rows):
        ids[index, : len(row)] = row
        mask[index, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def test_a_row_gets_the_same_logits_alone_padded_or_beside_others() -> None:
    alone = logits_by_row(_batch([[2, 4]], 2), _batch_dependent)
    beside = logits_by_row(_batch([[2, 4], [9, 9, 9]], 8), _batch_dependent)
    assert np.array_equal(beside[0, :2], alone[0])
    assert np.array_equal(beside[0, 2:], np.zeros((6, 2)))
    assert np.array_equal(beside[1, :3], [[9, 1], [9, 1], [9, 1]])
    assert beside.shape == (2, 8, 2)


def test_sequence_logits_come_back_one_row_per_input() -> None:
    logits = logits_by_row(_batch([[1, 2], [5, 5, 5]], 4), _pooled)
    assert np.array_equal(logits, [[3, 2], [15, 5]])


def test_an_empty_batch_is_passed_through() -> None:
    logits = logits_by_row({"input_ids": np.zeros((0, 4), np.int64), "attention_mask": np.zeros((0, 4), np.int64)},
                           lambda batch: np.zeros((0, 3), np.float32))
    assert logits.shape == (0, 3)
