"""Package trained models as nlpkit's embedded default: ``python -m training.ship``.

Copies the NER and stance model directories into ``nlpkit/resources/models`` with their
weights stored in float16 (half the bytes; inference loads them as float32), plus their
metrics and resolved configs, and writes the analyzer manifest and pipeline marker.

``--int8`` adds ``model.int8.onnx`` to each component (exported from the float16 weights and
checked against PyTorch), so the base install (no torch) runs the shipped models;
``--onnx-only`` then removes the PyTorch weights, for tiers that must fit a size budget
(``backend="auto"`` picks ONNX Runtime for them even where torch is installed).

``--only stance`` (or ``ner``) replaces one component of an existing analyzer folder ``--out`` and
leaves the other as it is, for tiers whose other model ships as ONNX only:

    python -m training.ship --only stance --stance runs/stance_e5_news4 --onnx-only \
        --out nlpkit/resources/models/accurate

``--ner-partner PATH --ner-weight W`` makes the shipped NER an ensemble (:mod:`nlpkit.models.ensemble`)
of the trained model (weight ``W``, in ``ner/main``) and the NER folder at ``PATH``, written
relative to ``ner/`` so that a tier can reuse another tier's model without a second copy;
``--stance-partner``/``--stance-weight`` do the same for stance:

    python -m training.ship --ner runs/ner_e5 --stance runs/stance_e5 --onnx-only \
        --ner-partner ../../fast/ner --ner-weight 0.5 \
        --stance-partner ../../fast/stance --stance-weight 0.8 --out runs/accurate
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

from nlpkit.analysis.analyzer import EMBEDDED_MODELS, Analyzer
from nlpkit.errors import ConfigError, NlpkitError
from nlpkit.models.directory import AUTO_BACKEND_KEY, INT8_FFN, INT8_WEIGHTS, ONNX_FILE, TRAINING_RECORDS
from nlpkit.models.ensemble import write_ensemble_spec
from nlpkit.models.loading import load_tokenizer
from nlpkit.models.onnx_export import export_onnx
from training.cli import fail
from training.common import run_folder

COMPONENTS = {"ner": AutoModelForTokenClassification, "stance": AutoModelForSequenceClassification}
RECORDS = (*TRAINING_RECORDS, "PROVENANCE.json")
TRAINER_STATE = "trainer_state.json"


def ship(sources: dict[str, Path], target: Path, *, int8: bool = False, onnx_only: bool = False,
         int8_weights: str = "qint8", int8_ffn: str = "dynamic") -> Path:
    """Write ``sources`` (component name → trained model dir) as an analyzer folder at ``target``.

    Args:
        sources: component name (``"ner"``, ``"stance"``) → trained model directory.
        target: the analyzer folder to (re)create.
        int8: add ``model.int8.onnx`` to each component (the fp32 graph is not kept).
        onnx_only: as ``int8`` (quantised from the float32 weights, not float16), then remove the
            PyTorch weights.
        int8_weights: weight type of the int8 graphs (see :func:`nlpkit.models.onnx_export.quantize_int8`).
        int8_ffn: feed-forward quantisation of the int8 graphs, ``"dynamic"`` or ``"weight-only"`` (same function).

    Raises:
        ConfigError: ``target`` contains a source folder (it is emptied first).
    """
    for source in sources.values():
        if target.resolve() in (source.resolve(), *source.resolve().parents):
            raise ConfigError(f"The output folder {target} contains the source {source}, which shipping would delete; "
                              "ship into another folder (--out) and move it into place afterwards.")
    if target.exists():
        shutil.rmtree(target)
    for name, source in sources.items():
        write_component(name, source, target / name, onnx_only=onnx_only)
    Analyzer.from_pretrained(target).save_pretrained(target)
    if int8 or onnx_only:
        export_onnx(target, target, int8=True, onnx_only=onnx_only, int8_weights=int8_weights, int8_ffn=int8_ffn)
        for name in sources:
            (target / name / ONNX_FILE).unlink(missing_ok=True)
            prefer_int8(target / name)
    return target


def write_component(name: str, source: Path, folder: Path, *, onnx_only: bool = False) -> Path:
    """Save one trained component into ``folder``: weights (float16, or float32 for ``onnx_only``), tokenizer, records."""
    model = COMPONENTS[name].from_pretrained(str(source), dtype=torch.float32)
    # float16 halves the PyTorch weights that ship; an ONNX-only tier quantises the float32 weights directly
    model.to(torch.float32 if onnx_only else torch.float16).save_pretrained(folder)
    load_tokenizer(source).save_pretrained(folder)
    for record in RECORDS:
        if (source / record).is_file():
            shutil.copy2(source / record, folder / record)
    if (source / TRAINER_STATE).is_file() and not (folder / "metrics.json").exists():
        write_checkpoint_records(source, folder)
    return folder


def prefer_int8(folder: Path) -> None:
    """Name the int8 graph in ``folder/config.json`` as what ``backend="auto"`` runs (``nlpkit_auto_backend``).

    A shipped tier that keeps its PyTorch weights then gives the same results, at its measured speed,
    on the base install and where PyTorch is installed.
    """
    config_file = folder / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config[AUTO_BACKEND_KEY] = "onnx-int8"
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def write_checkpoint_records(checkpoint: Path, folder: Path) -> None:
    """Records for a mid-run checkpoint (``runs/X/checkpoints/checkpoint-N``), which has none of its own.

    The run's resolved config, and a ``metrics.json`` with the checkpoint's step and the dev scores
    the Trainer logged at that step, so a shipped checkpoint says where it came from.
    """
    run = run_folder(checkpoint) or checkpoint.parent
    if (run / "config.resolved.yaml").is_file():
        shutil.copy2(run / "config.resolved.yaml", folder / "config.resolved.yaml")
    state = json.loads((checkpoint / TRAINER_STATE).read_text(encoding="utf-8"))
    step = state.get("global_step")
    logged = [entry for entry in state.get("log_history", []) if entry.get("step") == step and "eval_loss" in entry]
    metrics = {"shipped_checkpoint": checkpoint.name, "run": str(run), "steps": step,
               "eval": {key.removeprefix("eval_"): value for entry in logged for key, value in entry.items()
                        if key.startswith("eval_")}}
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def replace_component(target: Path, name: str, source: Path, *, int8: bool = False, onnx_only: bool = False,
                      int8_weights: str = "qint8", int8_ffn: str = "dynamic") -> Path:
    """Swap one component of the analyzer folder ``target`` for ``source``, leaving the others as they are.

    For a tier whose other component has no PyTorch checkpoint left to ship from (ONNX-only folders).

    Raises:
        ConfigError: ``target`` is not an analyzer folder with that component.
    """
    if not (target / name).is_dir():
        raise ConfigError(f"--only {name}: {target} has no {name}/ folder to replace; ship the whole analyzer instead.")
    staging = target / f".{name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    write_component(name, source, staging, onnx_only=onnx_only)
    if int8 or onnx_only:
        export_onnx(staging, staging, int8=True, onnx_only=onnx_only, int8_weights=int8_weights, int8_ffn=int8_ffn)
        (staging / ONNX_FILE).unlink(missing_ok=True)
        prefer_int8(staging)
    shutil.rmtree(target / name)
    staging.rename(target / name)
    return target / name


def ensemble_component(target: Path, name: str, partner: str, weight: float) -> Path:
    """Make ``target/<name>`` an ensemble of the shipped model (moved to ``<name>/main``) and ``partner``.

    Raises:
        ConfigError: a weight outside (0, 1), or a partner that is not a model folder.
    """
    if not 0 < weight < 1:
        raise ConfigError(f"--{name}-weight must lie between 0 and 1 (exclusive), got {weight}.")
    folder = target / name
    if not (folder / partner / "config.json").is_file():
        raise ConfigError(f"--{name}-partner {partner}: no model folder at {folder / partner} "
                          f"(the path is relative to {folder}).")
    moved = target / f"{name}_main"
    folder.rename(moved)
    folder.mkdir()
    moved.rename(folder / "main")
    return write_ensemble_spec(folder, name, [("main", weight), (partner, 1 - weight)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.ship", description=__doc__.splitlines()[0])
    parser.add_argument("--ner", type=Path, default=Path("runs/ner_default"))
    parser.add_argument("--stance", type=Path, default=Path("runs/stance_default"))
    parser.add_argument("--out", type=Path, default=EMBEDDED_MODELS)
    parser.add_argument("--int8", action="store_true", help="add model.int8.onnx to each component")
    parser.add_argument("--onnx-only", action="store_true",
                        help="ship model.int8.onnx without PyTorch weights (runs on ONNX Runtime only)")
    parser.add_argument("--int8-weights", choices=INT8_WEIGHTS, default="qint8",
                        help="weight type of the int8 graphs (qint8, the default, runs exactly through nlpkit on "
                             "every CPU; quint8 also in ONNX Runtime sessions without nlpkit's options)")
    parser.add_argument("--int8-ffn", choices=INT8_FFN, default="dynamic",
                        help="feed-forward matrices of the int8 graphs: dynamic like the rest, or weight-only "
                             "(8-bit MatMulNBits, closer to float32 and slower)")
    parser.add_argument("--only", choices=sorted(COMPONENTS),
                        help="replace only this component of the analyzer folder --out (which must exist)")
    parser.add_argument("--ner-partner", help="NER folder (relative to the shipped ner/) to ensemble with")
    parser.add_argument("--ner-weight", type=float, default=0.5, help="weight of the shipped NER model in the ensemble")
    parser.add_argument("--stance-partner", help="stance folder (relative to the shipped stance/) to ensemble with")
    parser.add_argument("--stance-weight", type=float, default=0.5,
                        help="weight of the shipped stance model in the ensemble")
    args = parser.parse_args(argv)
    try:
        if args.only:
            source = {"ner": args.ner, "stance": args.stance}[args.only]
            replace_component(args.out, args.only, source, int8=args.int8, onnx_only=args.onnx_only,
                              int8_weights=args.int8_weights, int8_ffn=args.int8_ffn)
            target = args.out
        else:
            target = ship({"ner": args.ner, "stance": args.stance}, args.out, int8=args.int8, onnx_only=args.onnx_only,
                          int8_weights=args.int8_weights, int8_ffn=args.int8_ffn)
        if args.ner_partner:
            ensemble_component(target, "ner", args.ner_partner, args.ner_weight)
        if args.stance_partner:
            ensemble_component(target, "stance", args.stance_partner, args.stance_weight)
    except NlpkitError as error:
        return fail(error)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"shipped {target} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
