"""Run a model one input row at a time, on the row's own tokens, so no row's result depends on its batch.

Batched inference on a CPU is not batch-independent: dynamic int8 quantises each activation tensor
with one scale taken over the whole batch (padding included), and float32 matrix kernels pick
another blocking, with other rounding, for another number of rows. Batched, a stance probability
of the default tier moved by up to 0.23 with its neighbours, and ``analyze(text)`` disagreed with
``pipe([..., text, ...])``. Run alone and unpadded, a row's logits depend on its tokens only; on 2
CPU cores this is also faster than padded batches (``benchmarks/bench_analyze.py``, model_card.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Batch = dict[str, np.ndarray]


def logits_by_row(batch: Batch, run: Callable[[Batch], np.ndarray]) -> np.ndarray:
    """Call ``run`` on each row of ``batch`` cut to its attended tokens; the logits in the batch's shape.

    Sequence-level logits come back as ``(rows, labels)``; token-level logits as ``(rows, width,
    labels)`` with zeros at padded positions.
    """
    arrays = {name: np.asarray(values) for name, values in batch.items()}
    mask = arrays["attention_mask"].astype(bool)
    if not len(mask):
        return run(arrays)
    rows = [run({name: values[row : row + 1, kept] for name, values in arrays.items()})
            for row, kept in enumerate(mask)]
    if rows[0].ndim == 2:
        return np.concatenate(rows)
    logits = np.zeros((*mask.shape, rows[0].shape[-1]), dtype=np.float32)
    for row, (kept, values) in enumerate(zip(mask, rows, strict=True)):
        logits[row, kept] = values[0]
    return logits
