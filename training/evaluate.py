"""Score a saved model on any reader: ``python -m training.evaluate --model DIR --task ner --data anercorp:test``.

``--data`` is ``NAME[:split]`` (a name of ``nlpkit.data.load``, split ``test`` by default) or the
path of a ``.jsonl`` file in the task's schema; it may be repeated. The metrics are the ones
training reports (``training/metrics.py``); ``--out FILE.json`` also writes them with the reports.

``--library`` scores a model folder the way ``analyze()`` runs it instead of through the Trainer:
nlpkit's own loading and backend (int8 ONNX where that is what ships), NER ensembles included,
NER decoded to character spans and back to word tags (``training.evaluate_ruler``, which also
scores the place gazetteer that ``analyze()`` adds on top), stance with long texts windowed. Use
it for shipped tiers, whose folders may hold no PyTorch weights.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

from nlpkit.errors import NlpkitError
from training.cli import fail
from training.config import SourceConfig
from training.finetune import evaluate_saved
from training.metrics import joined_report
from training.sources import check_model_source, load_source, source_label

TASKS = {"ner": "training.tasks.ner", "stance": "training.tasks.stance"}


def parse_data(spec: str, limit: int | None) -> SourceConfig:
    """``NAME[:split]`` or a ``.jsonl`` path → a :class:`SourceConfig` (split defaults to ``test``)."""
    if spec.endswith((".jsonl", ".json")) or Path(spec).is_file():
        return SourceConfig(name=spec, limit=limit)
    name, _, split = spec.partition(":")
    return SourceConfig(name=name, split=split or "test", limit=limit)


def _positive(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {raw}")
    return value


def evaluate(model: str, task: str, data: list[str], *, limit: int | None = None, batch_size: int = 64,
             max_length: int | None = None, data_dir: str | None = None) -> dict[str, Any]:
    """Evaluate ``model`` on every ``data`` spec; return ``{"results": {name: metrics}, "report": text}``."""
    spec = importlib.import_module(TASKS[task]).SPEC
    check_model_source(model, key="--model")
    sources = [parse_data(item, limit) for item in data]
    loaded = [(source_label(s), load_source(s, task, data_dir)) for s in sources]
    results = evaluate_saved(spec, model, loaded, batch_size=batch_size, max_length=max_length)
    return {
        "model": model,
        "task": task,
        "results": {name: metrics for name, (metrics, _) in results.items()},
        "report": joined_report(results),
    }


def evaluate_library(model: str, task: str, data: list[str], *, limit: int | None = None, batch_size: int = 64,
                     data_dir: str | None = None) -> dict[str, Any]:
    """Like :func:`evaluate`, through nlpkit's inference path (see the module docstring)."""
    from nlpkit.models.ensemble import load_ner, load_stance
    from training.evaluate_ruler import score_with_report
    from training.metrics import stance_scores

    predictor = (load_ner(model, batch_size=batch_size) if task == "ner"
                 else load_stance(model, batch_size=batch_size))
    results = {}
    for item in data:
        source = parse_data(item, limit)
        dataset = load_source(source, task, data_dir)
        if task == "ner":
            results[source_label(source)] = score_with_report(predictor, dataset)
        else:
            pairs = list(zip(dataset["target"], dataset["text"], strict=True))
            predicted = [label for label, _ in predictor.predict(pairs)]
            results[source_label(source)] = stance_scores(list(dataset["label"]), predicted)
    return {
        "model": model,
        "task": task,
        "path": "library",
        "results": {name: metrics for name, (metrics, _) in results.items()},
        "report": joined_report(results),
    }


def main(argv: list[str] | None = None) -> int:
    """CLI: print the report and scores; exit code 2 with one line on bad data or model."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="saved model directory (or Hub name)")
    parser.add_argument("--task", required=True, choices=sorted(TASKS))
    parser.add_argument("--data", required=True, action="append", metavar="NAME[:split]",
                        help="dataset name with optional split (default test), or a .jsonl file; repeatable")
    parser.add_argument("--out", help="write the metrics and reports to this JSON file")
    parser.add_argument("--limit", type=_positive, help="evaluate on the first N examples of each set")
    parser.add_argument("--batch-size", type=_positive, default=64)
    parser.add_argument("--max-length", type=_positive, help="default: the training run's model.max_length")
    parser.add_argument("--data-dir", help="data directory (default $NLPKIT_DATA or ../shared/data)")
    parser.add_argument("--library", action="store_true",
                        help="score through nlpkit's loading and backend, as analyze() runs the model")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        outcome = (evaluate_library(args.model, args.task, args.data, limit=args.limit, batch_size=args.batch_size,
                                    data_dir=args.data_dir)
                   if args.library else
                   evaluate(args.model, args.task, args.data, limit=args.limit, batch_size=args.batch_size,
                            max_length=args.max_length, data_dir=args.data_dir))
    except NlpkitError as error:
        return fail(error)
    print(outcome["report"])
    print(json.dumps(outcome["results"], ensure_ascii=False, indent=2))
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(outcome, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
