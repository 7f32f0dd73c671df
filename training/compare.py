"""Two models on the same sets, told apart or not: ``python -m training.compare --task stance --model A --model B --data news_stance:dev``.

Each model runs as ``analyze()`` runs it (``training.evaluate --library``: nlpkit's loading and
backend, NER ensembles and int8 graphs included). For each set the report gives both scores and
B − A with a **paired** bootstrap (:func:`training.metrics.paired_bootstrap`: the same resampled
sentences or pairs for both models), its 95 % interval and the share of resamples in which B scores
higher. Use it before shipping a model that "beats" another by a point: on a few hundred pairs
that is often inside the interval. Scores are entity micro-F1 (NER) and macro-F1 (stance).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlpkit.data.labels import STANCE_LABELS
from nlpkit.errors import NlpkitError
from training.cli import fail
from training.evaluate import parse_data
from training.metrics import (macro_f1_from_counts, ner_f1_from_counts, paired_bootstrap, pair_counts,
                              restrict_types, sentence_counts)
from training.sources import load_source, source_label


def item_counts(model: str, task: str, dataset: Any, *, batch_size: int = 64) -> np.ndarray:
    """Per-item additive counts of ``model`` on ``dataset``: NER sentences or stance pairs."""
    from nlpkit.models.ensemble import load_ner, load_stance
    from training.evaluate_ruler import predicted_tags

    if task == "ner":
        predicted = predicted_tags(load_ner(model, batch_size=batch_size), dataset)
        types = dataset[0]["annotated_types"]
        return sentence_counts(list(dataset["tags"]), [restrict_types(tags, types) for tags in predicted])
    stance = load_stance(model, batch_size=batch_size)
    predicted = [label for label, _ in stance.predict(list(zip(dataset["target"], dataset["text"], strict=True)))]
    return pair_counts(list(dataset["label"]), predicted, list(STANCE_LABELS))


def compare(models: Sequence[str], task: str, data: Sequence[str], *, limit: int | None = None,
            batch_size: int = 64, data_dir: str | None = None) -> dict[str, Any]:
    """Scores of models A and B on every ``data`` spec, and B − A with its paired bootstrap interval."""
    score = ner_f1_from_counts if task == "ner" else macro_f1_from_counts
    results: dict[str, Any] = {}
    for spec in data:
        source = parse_data(spec, limit)
        dataset = load_source(source, task, data_dir)
        counts = [item_counts(model, task, dataset, batch_size=batch_size) for model in models]
        results[source_label(source)] = {
            "items": len(dataset),
            "a": round(float(score(counts[0].sum(axis=0, keepdims=True))[0]), 4),
            "b": round(float(score(counts[1].sum(axis=0, keepdims=True))[0]), 4),
            **paired_bootstrap(counts[0], counts[1], score),
        }
    return {"task": task, "a": models[0], "b": models[1], "results": results}


def report(outcome: dict[str, Any]) -> str:
    """One line per set: A, B, B − A, its interval and the share of resamples B wins."""
    metric = "entity micro-F1" if outcome["task"] == "ner" else "macro-F1"
    lines = [f"A = {outcome['a']}", f"B = {outcome['b']}", f"{metric}, paired bootstrap over items:"]
    for name, row in outcome["results"].items():
        low, high = row["difference_ci95"]
        lines.append(f"{name} ({row['items']}): A {row['a']:.4f}  B {row['b']:.4f}  B-A {row['difference']:+.4f} "
                     f"[{low:+.4f}, {high:+.4f}]  B higher in {row['b_better_share']:.0%} of resamples")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI: print the comparison; exit code 2 with one line on bad data or model."""
    parser = argparse.ArgumentParser(prog="python -m training.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, action="append", help="model folder: give it twice, A then B")
    parser.add_argument("--task", required=True, choices=("ner", "stance"))
    parser.add_argument("--data", required=True, action="append", metavar="NAME[:split]",
                        help="dataset name with optional split (default test), or a .jsonl file; repeatable")
    parser.add_argument("--limit", type=int, help="the first N examples of each set")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--data-dir", help="data directory (default $NLPKIT_DATA or ../shared/data)")
    parser.add_argument("--out", help="write the comparison to this JSON file")
    args = parser.parse_args(argv)
    if len(args.model) != 2:
        parser.error(f"--model must be given exactly twice (A, then B); got {len(args.model)}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        outcome = compare(args.model, args.task, args.data, limit=args.limit, batch_size=args.batch_size,
                          data_dir=args.data_dir)
    except NlpkitError as error:
        return fail(error)
    print(report(outcome))
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(outcome, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
