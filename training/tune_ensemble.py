"""Choose the weights of a two-member ensemble on dev splits, through the analyzer's decoding path.

``python -m training.tune_ensemble --member runs/ner_e5 --member nlpkit/resources/models/fast/ner
--data anercorp:dev --data newsfane:dev [--grid 0.3,0.4,0.5,0.6,0.7] [--out reports/ensemble_dev.json]``

``--task stance`` does the same for stance models (macro-F1 over FAVOR/AGAINST/NONE):
``--member runs/accurate/stance --member nlpkit/resources/models/fast/stance --data news_stance:dev``.

Every member runs once over each dev set (NER: :meth:`NerModel.word_probabilities`; stance:
:meth:`StanceModel.probabilities`); each candidate weight ``w`` (given to the first member,
``1 − w`` to the second) is then scored without running the models again. NER: mixed
distributions → IOB2 Viterbi → trimmed spans → word tags → seqeval, as
:mod:`training.evaluate_ruler` scores ``analyze()`` (a split read as one document). The best mean score over the dev sets wins.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from nlpkit.models.ensemble import label_columns
from nlpkit.models.ner import NerModel, spans_from_tags, tags_from_probabilities
from nlpkit.models.stance import StanceModel, decide
from training.evaluate import parse_data
from training.evaluate_ruler import as_document, tags_for_spans
from training.metrics import ner_scores, stance_scores
from training.sources import load_source


def member_runs(members: list[NerModel], dataset: Any) -> tuple[list[list[tuple[int, int]]], list[list]]:
    """Word offsets of every rebuilt sentence (the split read as one document, as
    :func:`training.evaluate_ruler.as_document`) and each member's word distributions for them."""
    text, sentences, offsets = as_document(dataset)
    _, columns = label_columns(members)
    runs = [[(words, probs[:, cols]) for words, probs in member.word_probabilities([(text, sentences)])[0]]
            for member, cols in zip(members, columns, strict=True)]
    return offsets, runs


def score_weights(weights: list[float], labels: tuple[str, ...], offsets: list, runs: list, dataset: Any) -> dict[str, Any]:
    """seqeval scores of the ensemble with ``weights`` over precomputed member distributions."""
    predicted = []
    for s, words in enumerate(offsets):
        mixed = sum(w * run[s][1] for w, run in zip(weights, runs, strict=True))
        spans = spans_from_tags(tags_from_probabilities(runs[0][s][0], np.asarray(mixed), labels))
        predicted.append(tags_for_spans(words, spans))
    metrics, _ = ner_scores(list(dataset["tags"]), predicted, dataset[0]["annotated_types"])
    return metrics


def stance_grid(members: list[StanceModel], dataset: Any, grid: list[float]) -> dict[float, float]:
    """Macro-F1 of the stance ensemble at each weight of the first member."""
    pairs = list(zip(dataset["target"], dataset["text"], strict=True))
    labels, columns = label_columns(members)
    runs = [np.asarray(member.probabilities(pairs))[:, cols] for member, cols in zip(members, columns, strict=True)]
    gold = list(dataset["label"])
    return {w: stance_scores(gold, [label for label, _ in decide(w * runs[0] + (1 - w) * runs[1], labels)])[0]["macro_f1"]
            for w in grid}


def main(argv: list[str] | None = None) -> int:
    """CLI: score the grid, print a table, write the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m training.tune_ensemble", description=__doc__.splitlines()[0])
    parser.add_argument("--member", action="append", required=True, help="model directory (exactly two)")
    parser.add_argument("--task", choices=("ner", "stance"), default="ner")
    parser.add_argument("--data", action="append", required=True, metavar="NAME[:split]")
    parser.add_argument("--grid", default="0,0.3,0.4,0.5,0.6,0.7,1", help="weights of the first member")
    parser.add_argument("--out", help="JSON report")
    args = parser.parse_args(argv)
    if len(args.member) != 2:
        parser.error("give exactly two --member directories")
    component = NerModel if args.task == "ner" else StanceModel
    members = [component.from_pretrained(path, batch_size=64) for path in args.member]
    labels = tuple(members[0].model.labels)
    grid = [float(w) for w in args.grid.split(",")]
    table: dict[str, dict[str, float]] = {str(w): {} for w in grid}
    for item in args.data:
        dataset = load_source(parse_data(item, None), args.task)
        if args.task == "stance":
            for w, score in stance_grid(members, dataset, grid).items():
                table[str(w)][item] = round(score, 4)
            continue
        offsets, runs = member_runs(members, dataset)
        for w in grid:
            table[str(w)][item] = round(score_weights([w, 1 - w], labels, offsets, runs, dataset)["f1"], 4)
    for w, scores in table.items():
        scores["mean"] = round(float(np.mean(list(scores.values()))), 4)
        print(f"w={w}: " + "  ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    best = max(table, key=lambda w: table[w]["mean"])
    print(f"best weight of {args.member[0]}: {best}")
    if args.out:
        report = {"task": args.task, "members": args.member, "data": args.data,
                  "f1" if args.task == "ner" else "macro_f1": table, "best_weight": float(best)}
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
