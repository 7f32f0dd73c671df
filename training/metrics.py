"""Scores shared by training (periodic and final evaluation) and ``training.evaluate``.

An evaluation set is one :class:`EvalPart` of a combined feature table: the Trainer predicts
the whole table once, :func:`score_parts` cuts the predictions back into parts and scores each
with its own ``score`` function. The first part is the primary one: its scalars are also
reported without a prefix (``f1``, ``macro_f1``), which is what ``metric_for_best_model`` uses.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from nlpkit.data.labels import STANCE_LABELS

Scores = tuple[dict[str, Any], str]


@dataclass(frozen=True)
class EvalPart:
    """One named evaluation set: ``size`` consecutive rows of the combined eval features."""

    name: str
    size: int
    score: Callable[[np.ndarray], Scores]


def restrict_types(tags: Sequence[str], types: Collection[str]) -> list[str]:
    """Map tags whose type is not in ``types`` to ``O`` (a source that lacks a type cannot score it)."""
    return [tag if tag == "O" or tag[2:] in types else "O" for tag in tags]


def ner_scores(gold: list[list[str]], pred: list[list[str]], annotated_types: Collection[str]) -> Scores:
    """Entity-level precision/recall/F1 (seqeval, strict IOB2), overall (micro) and per type.

    Predicted entities of a type the gold source does not annotate are mapped to ``O`` first.
    """
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    pred = [restrict_types(p, annotated_types) for p in pred]
    options: dict[str, Any] = dict(mode="strict", scheme=IOB2, zero_division=0)
    table = classification_report(gold, pred, output_dict=True, **options)
    micro = table.get("micro avg", {"precision": 0.0, "recall": 0.0, "f1-score": 0.0})
    metrics: dict[str, Any] = {
        "precision": round(float(micro["precision"]), 4),
        "recall": round(float(micro["recall"]), 4),
        "f1": round(float(micro["f1-score"]), 4),
        "sentences": len(gold),
        "per_type": {
            kind: {"precision": round(float(v["precision"]), 4), "recall": round(float(v["recall"]), 4),
                   "f1": round(float(v["f1-score"]), 4), "support": int(v["support"])}
            for kind, v in table.items() if not kind.endswith(" avg")
        },
    }
    report = classification_report(gold, pred, digits=4, **options) if any(any(t != "O" for t in g) for g in gold) else (
        "no gold entities\n")
    return metrics, report


def stance_scores(gold: Sequence[str], pred: Sequence[str]) -> Scores:
    """Accuracy, macro-F1 over FAVOR/AGAINST/NONE, macro-F1 over FAVOR+AGAINST (Mawqif's F_avg), per class,
    and the confusion table (``confusion[gold][predicted]`` counts, also printed under the report)."""
    from sklearn.metrics import (accuracy_score, classification_report, confusion_matrix, f1_score,
                                 precision_recall_fscore_support)

    labels = list(STANCE_LABELS)
    precision, recall, f1, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    metrics: dict[str, Any] = {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)), 4),
        "macro_f1_favor_against": round(float(f1_score(gold, pred, labels=["FAVOR", "AGAINST"], average="macro",
                                                       zero_division=0)), 4),
        "examples": len(gold),
        "per_class": {
            label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
    }
    table = confusion_matrix(gold, pred, labels=labels)
    metrics["confusion"] = {g: {p: int(table[i, j]) for j, p in enumerate(labels)} for i, g in enumerate(labels)}
    report = classification_report(gold, pred, labels=labels, digits=4, zero_division=0)
    width = max(map(len, labels)) + 2
    rows = ["gold \\ predicted".ljust(width + 8) + "".join(p.rjust(width) for p in labels)]
    rows += [g.ljust(width + 8) + "".join(str(table[i, j]).rjust(width) for j in range(len(labels)))
             for i, g in enumerate(labels)]
    return metrics, report + "\n" + "\n".join(rows) + "\n"


def score_parts(parts: Sequence[EvalPart], predictions: np.ndarray) -> dict[str, Scores]:
    """Score each part on its slice of the combined predictions."""
    results: dict[str, Scores] = {}
    offset = 0
    for part in parts:
        results[part.name] = part.score(predictions[offset: offset + part.size])
        offset += part.size
    return results


def flat_metrics(results: dict[str, Scores], *, primary: str = "first") -> dict[str, float]:
    """Scalar metrics for the Trainer's logs: ``<part>_<metric>``, plus unprefixed primary values.

    ``primary="first"`` takes the first part's values; ``"mean"`` averages every part's (so a
    best checkpoint is chosen on all dev sets at once, not on the first one alone).
    """
    flat: dict[str, float] = {}
    pooled: dict[str, list[float]] = {}
    for index, (name, (metrics, _)) in enumerate(results.items()):
        for key, value in metrics.items():
            if isinstance(value, (int, float)):
                flat[f"{name}_{key}"] = value
                if primary == "mean" or index == 0:
                    pooled.setdefault(key, []).append(float(value))
    flat.update({key: sum(values) / len(values) for key, values in pooled.items()})
    return flat


def joined_report(results: dict[str, Scores]) -> str:
    """All parts' text reports, one titled block each (``report.txt``)."""
    return "\n".join(f"== {name} ==\n{report}" for name, (_, report) in results.items())


def log_probs(logits: torch.Tensor | tuple[torch.Tensor, ...], labels: torch.Tensor) -> torch.Tensor:
    """``preprocess_logits_for_metrics``: log-probabilities, for decoders that need them (NER Viterbi)."""
    if isinstance(logits, tuple):
        logits = logits[0]
    return torch.log_softmax(logits.float(), dim=-1)


def argmax_logits(logits: torch.Tensor | tuple[torch.Tensor, ...], labels: torch.Tensor) -> torch.Tensor:
    """``preprocess_logits_for_metrics``: keep label ids instead of full logits (saves memory)."""
    if isinstance(logits, tuple):
        logits = logits[0]
    return logits.argmax(dim=-1)
