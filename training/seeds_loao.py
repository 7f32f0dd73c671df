"""Leave-one-article-out scores on the seed articles: ``python -m training.seeds_loao --task ner``.

For each of the five seed articles, the seed continuation config (``configs/ner_seeds.yaml`` or
``configs/stance_seeds.yaml``) is trained on the other four articles (same replay data, same
base model) and scored on the held-out one; the base model without any seed training is scored
on every article too. Results go to ``reports/seeds_loao_<task>.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from nlpkit.data.paths import PROJECT_ROOT
from nlpkit.data.readers.seeds import load_ner, load_stance, read_annotations
from nlpkit.errors import NlpkitError
from training.cli import fail
from training.config import load_config
from training.evaluate import evaluate
from training.train import run

CONFIGS = {"ner": "configs/ner_seeds.yaml", "stance": "configs/stance_seeds.yaml"}
SEED_SOURCE = {"ner": "seeds_ner", "stance": "seeds_stance"}
logger = logging.getLogger("training")


def _subset_dir(records: list[dict[str, Any]], folder: Path) -> Path:
    """A seeds folder holding only ``records`` (annotations + their article files)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "annotations.jsonl", "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            shutil.copyfile(PROJECT_ROOT / "seeds" / record["doc"], folder / record["doc"])
    return folder


def _write_jsonl(task: str, seeds_dir: Path, path: Path) -> Path:
    dataset = load_ner(seeds_dir=seeds_dir) if task == "ner" else load_stance(seeds_dir=seeds_dir)
    dataset.to_json(str(path), force_ascii=False, lines=True)
    return path


def leave_one_out(task: str, config_path: str, scratch: Path, overrides: list[str]) -> dict[str, Any]:
    """Train on four articles, score on the fifth, for each article; score the base model too."""
    records = read_annotations()
    base = load_config(config_path, overrides).model.name_or_path
    results: dict[str, Any] = {"task": task, "config": config_path, "base_model": base, "articles": {}}
    for held_out in records:
        name = held_out["doc"]
        rest = [r for r in records if r["doc"] != name]
        test_file = _write_jsonl(task, _subset_dir([held_out], scratch / f"test_{name}"), scratch / f"test_{name}.jsonl")
        train_file = _write_jsonl(task, _subset_dir(rest, scratch / f"train_{name}"), scratch / f"train_{name}.jsonl")
        config = load_config(config_path, overrides)
        sources = [s.model_dump() for s in config.data.train]
        sources = [dict(s, name=str(train_file)) if s["name"] == SEED_SOURCE[task] else s for s in sources]
        out = scratch / f"model_{name}"
        run(load_config(config_path, [*overrides, f"output_dir={out}", f"data.train={json.dumps(sources)}"]))
        results["articles"][name] = {
            "loao": evaluate(str(out), task, [str(test_file)]),
            "base": evaluate(str(base), task, [str(test_file)]),
        }
        shutil.rmtree(out, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.seeds_loao", description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=sorted(CONFIGS), required=True)
    parser.add_argument("--config", help="continuation config (default: configs/<task>_seeds.yaml)")
    parser.add_argument("--out", help="JSON report (default: reports/seeds_loao_<task>.json)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    out = Path(args.out or f"reports/seeds_loao_{args.task}.json")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            results = leave_one_out(args.task, args.config or CONFIGS[args.task], Path(scratch), args.overrides)
    except NlpkitError as error:
        return fail(error)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
