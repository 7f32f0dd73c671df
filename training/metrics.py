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
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 0


def bootstrap_interval(counts: np.ndarray, score: Callable[[np.ndarray], np.ndarray], *,
                       samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED) -> list[float]:
    """95 % percentile bootstrap interval of a score computed from summed per-item counts.

    ``counts`` holds one row of additive counts per item (a stance pair, an NER sentence); each
    resample draws as many items with replacement, sums their rows and scores the sums
    (``score`` maps an ``(samples, columns)`` array to ``samples`` scores). Seeded, so a report
    is reproducible. It says how far a score moves with the sample alone: two models whose
    intervals overlap widely are not told apart by that set.
    """
    if len(counts) == 0:
        return [0.0, 0.0]
    rng = np.random.default_rng(seed)
    totals = np.stack([counts[rng.integers(0, len(counts), len(counts))].sum(axis=0) for _ in range(samples)])
    low, high = np.percentile(score(totals), [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def paired_bootstrap(counts_a: np.ndarray, counts_b: np.ndarray, score: Callable[[np.ndarray], np.ndarray], *,
                     samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED) -> dict[str, Any]:
    """How far B's score lies above A's on the same items, with the items resampled together.

    ``counts_a`` and ``counts_b`` hold one row of additive counts per item (as for
    :func:`bootstrap_interval`), in the same item order. Each resample draws one set of item
    indices for both models, so what the two have in common cancels out: the interval of the
    difference is much narrower than the two models' own intervals suggest. Returns the
    difference on the full set, its 95 % percentile interval, and the share of resamples in
    which B scores higher than A (ties count half).

    Raises:
        ValueError: the two count tables do not describe the same items.
    """
    if counts_a.shape != counts_b.shape:
        raise ValueError(f"the two models were scored on different items: {counts_a.shape} against {counts_b.shape}")
    full = float(score(counts_b.sum(axis=0, keepdims=True))[0] - score(counts_a.sum(axis=0, keepdims=True))[0])
    if len(counts_a) == 0:
        return {"difference": 0.0, "difference_ci95": [0.0, 0.0], "b_better_share": 0.5, "samples": 0}
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, len(counts_a), len(counts_a)) for _ in range(samples)]
    differences = (score(np.stack([counts_b[index].sum(axis=0) for index in draws]))
                   - score(np.stack([counts_a[index].sum(axis=0) for index in draws])))
    low, high = np.percentile(differences, [2.5, 97.5])
    better = float(np.mean(differences > 0) + 0.5 * np.mean(differences == 0))
    return {"difference": round(full, 4), "difference_ci95": [round(float(low), 4), round(float(high), 4)],
            "b_better_share": round(better, 4), "samples": samples}


def ner_f1_from_counts(totals: np.ndarray) -> np.ndarray:
    """Entity micro-F1 of summed :func:`sentence_counts` rows (right, wrong, missed), one per row."""
    return _f1(totals[:, 0], totals[:, 1], totals[:, 2])


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 from counts, 0 where there is nothing to score."""
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(denominator, dtype=np.float64), where=denominator > 0)


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
    metrics["f1_ci95"] = bootstrap_interval(sentence_counts(gold, pred), ner_f1_from_counts)
    report = classification_report(gold, pred, digits=4, **options) if any(any(t != "O" for t in g) for g in gold) else (
        "no gold entities\n")
    return metrics, report + f"micro-F1 95 % bootstrap interval over sentences: {metrics['f1_ci95'][0]:.4f}–{metrics['f1_ci95'][1]:.4f}\n"


def sentence_counts(gold: list[list[str]], pred: list[list[str]]) -> np.ndarray:
    """Per sentence: entities right, predicted but wrong, and missed (strict IOB2, as seqeval scores)."""
    from seqeval.scheme import IOB2, Entities

    rows = []
    for gold_tags, pred_tags in zip(gold, pred, strict=True):
        true = set(Entities([gold_tags], IOB2).entities[0])
        found = set(Entities([pred_tags], IOB2).entities[0])
        rows.append((len(true & found), len(found - true), len(true - found)))
    return np.asarray(rows, dtype=np.int64).reshape(-1, 3)


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
    metrics["macro_f1_ci95"] = bootstrap_interval(pair_counts(gold, pred, labels), macro_f1_from_counts)
    report = classification_report(gold, pred, labels=labels, digits=4, zero_division=0)
    report += (f"macro-F1 95 % bootstrap interval over pairs: {metrics['macro_f1_ci95'][0]:.4f}–"
               f"{metrics['macro_f1_ci95'][1]:.4f}\n")
    width = max(map(len, labels)) + 2
    rows = ["gold \\ predicted".ljust(width + 8) + "".join(p.rjust(width) for p in labels)]
    rows += [g.ljust(width + 8) + "".join(str(table[i, j]).rjust(width) for j in range(len(labels)))
             for i, g in enumerate(labels)]
    return metrics, report + "\n" + "\n".join(rows) + "\n"


def pair_counts(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Per pair and label: one-hot true positive, false positive and false negative columns."""
    gold_hot = np.asarray([[g == label for label in labels] for g in gold], dtype=np.int64).reshape(-1, len(labels))
    pred_hot = np.asarray([[p == label for label in labels] for p in pred], dtype=np.int64).reshape(-1, len(labels))
    return np.concatenate([gold_hot & pred_hot, pred_hot & (1 - gold_hot), gold_hot & (1 - pred_hot)], axis=1)


def macro_f1_from_counts(totals: np.ndarray) -> np.ndarray:
    """Macro-F1 over labels from summed :func:`pair_counts` rows (``tp…, fp…, fn…``)."""
    tp, fp, fn = np.split(totals, 3, axis=1)
    return _f1(tp, fp, fn).mean(axis=1)


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
