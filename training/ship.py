"""Package trained models as nlpkit's embedded default: ``python -m training.ship``.

Copies the NER and stance model directories into ``nlpkit/resources/models`` with their
weights stored in float16 (half the bytes; inference loads them as float32), plus their
metrics and resolved configs, and writes the analyzer manifest and pipeline marker.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

from nlpkit.analysis.analyzer import EMBEDDED_MODELS, Analyzer
from nlpkit.models.loading import load_tokenizer

COMPONENTS = {"ner": AutoModelForTokenClassification, "stance": AutoModelForSequenceClassification}
RECORDS = ("metrics.json", "report.txt", "config.resolved.yaml")


def ship(sources: dict[str, Path], target: Path) -> Path:
    """Write ``sources`` (component name → trained model dir) as an analyzer folder at ``target``."""
    if target.exists():
        shutil.rmtree(target)
    for name, source in sources.items():
        model = COMPONENTS[name].from_pretrained(str(source), dtype=torch.float32)
        model.to(torch.float16).save_pretrained(target / name)
        load_tokenizer(source).save_pretrained(target / name)
        for record in RECORDS:
            if (source / record).is_file():
                shutil.copy2(source / record, target / name / record)
    Analyzer.from_pretrained(target).save_pretrained(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.ship", description=__doc__.splitlines()[0])
    parser.add_argument("--ner", type=Path, default=Path("runs/ner_default"))
    parser.add_argument("--stance", type=Path, default=Path("runs/stance_default"))
    parser.add_argument("--out", type=Path, default=EMBEDDED_MODELS)
    args = parser.parse_args(argv)
    target = ship({"ner": args.ner, "stance": args.stance}, args.out)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"shipped {target} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
