"""Stance predictor over (target, text) pairs.

The pair is encoded as the model was trained: target first, text second, and for a model trained
with ``nlpkit_pair_format: marked-target`` the target's mentions in the text bracketed
(:func:`~nlpkit.text.mentions.mark_target`). A text too long for
one input is split into overlapping windows of the text
(:meth:`~nlpkit.models.tokenizer.ModelTokenizer.encode_pairs`); the pair's probabilities are the mean over its windows.
Windows are padded and batched by :func:`~nlpkit.models.ner.padded_width`; on the CPU the
backends run each row alone on its own tokens (:mod:`nlpkit.models.rows`), so results do not
depend on the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nlpkit.errors import ConfigError, InputError
from nlpkit.models.component import ModelComponent
from nlpkit.models.directory import MARKED_TARGET
from nlpkit.models.ner import pad_rows, padded_width, softmax
from nlpkit.text.mentions import mark_target

if TYPE_CHECKING:
    from nlpkit.models.loading import LoadedModel

Pair = tuple[str, str]


def decide(probabilities: Sequence[np.ndarray], labels: Sequence[str]) -> list[tuple[str, float]]:
    """``(label, probability)`` of the most probable label of each row."""
    return [(labels[int(row.argmax())], float(row.max())) for row in probabilities]


class StanceModel(ModelComponent):
    """Sequence-pair classifier with labels among FAVOR/AGAINST/NONE."""

    task = "stance"

    def __init__(self, model: LoadedModel, *, batch_size: int = 16, stride: int | None = None) -> None:
        """Wrap a loaded model.

        Args:
            model: tokenizer, backend, stance labels and max input length.
            batch_size: pairs per tokenizer call and windows per forward pass.
            stride: overlap in tokens between windows of a long text (default: an eighth of
                ``max_length``).

        Raises:
            ConfigError: a non-positive batch size or a stride that leaves no room for text.
        """
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        self.model = model
        self.batch_size = batch_size
        self.stride = model.max_length // 8 if stride is None else stride
        if not 0 <= self.stride <= model.max_length // 2:
            raise ConfigError(f"stride={self.stride} must be between 0 and half of max_length ({model.max_length // 2}).")


    def predict(self, pairs: Sequence[Pair], *, batch_size: int | None = None) -> list[tuple[str, float]]:
        """Return ``(label, probability)`` for each ``(target, text)`` pair, in order.

        Raises:
            InputError: a target so long that no room is left for the text.
        """
        return decide(self.probabilities(pairs, batch_size=batch_size), self.model.labels)

    def probabilities(self, pairs: Sequence[Pair], *, batch_size: int | None = None) -> list[np.ndarray]:
        """Label probabilities of each ``(target, text)`` pair, columns in ``model.labels`` order.

        Raises:
            InputError: a target so long that no room is left for the text.
        """
        size = batch_size or self.batch_size
        return [probs for begin in range(0, len(pairs), size)
                for probs in self._pair_probabilities(pairs[begin : begin + size], size)]

    def _pair_probabilities(self, pairs: Sequence[Pair], batch_size: int) -> list[np.ndarray]:
        """Mean window probabilities for each pair of one chunk."""
        tokenizer = self.model.tokenizer
        self._check_targets([target for target, _ in pairs])
        if self.model.pair_format == MARKED_TARGET:
            pairs = [(target, mark_target(text, target)) for target, text in pairs]
        encoded = tokenizer.encode_pairs(pairs, max_length=self.model.max_length, stride=self.stride)
        widths = [padded_width(len(row), self.model.max_length) for row in encoded.inputs["input_ids"]]
        probs = np.zeros((len(widths), len(self.model.labels)))
        for width in sorted(set(widths)):
            rows = [row for row, row_width in enumerate(widths) if row_width == width]
            for begin in range(0, len(rows), batch_size):
                chunk = rows[begin : begin + batch_size]
                batch = pad_rows({name: [values[row] for row in chunk] for name, values in encoded.inputs.items()}, width,
                                 tokenizer.pad_token_id, tokenizer.padding_side)
                probs[chunk] = softmax(self.model.backend.logits(batch))
        owners = np.asarray(encoded.owners)
        return [probs[owners == index].mean(axis=0) for index in range(len(pairs))]

    def _check_targets(self, targets: Sequence[str]) -> None:
        """Refuse targets that would leave less than half the input for the text."""
        limit = self.model.max_length // 2
        lengths = self.model.tokenizer.token_counts(list(targets))
        for target, length in zip(targets, lengths, strict=True):
            if length > limit:
                raise InputError(f"Stance target {target[:40]!r} is {length} tokens long; use a name or short phrase "
                                 f"(at most {limit} tokens).")
