"""Average the weights of fine-tuned checkpoints that share one starting point (a "model soup").

``python -m training.soup --model runs/a/checkpoints/checkpoint-200 --model runs/b --out runs/soup``

Checkpoints fine-tuned from the same weights stay in one basin of the loss, so their weighted
mean is a model of the same size that often scores like an ensemble of them (Wortsman et al.,
2022, "Model soups"). It costs nothing at inference, unlike shipping two models. Every
checkpoint must hold the same parameters with the same shapes; floating-point tensors are
averaged, integer buffers must agree. The soup takes its config and tokenizer from the first
checkpoint (and the resolved config of its run) and records its ingredients in ``PROVENANCE.json``,
which ``training.ship`` carries into the shipped folder. Score it on dev like any other run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import torch

from nlpkit.errors import ModelLoadError, NlpkitError
from training.cli import fail
from training.common import run_folder

WEIGHTS = "model.safetensors"
COPIED = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
RUN_CONFIG = "config.resolved.yaml"


def load_weights(folder: Path) -> dict[str, torch.Tensor]:
    """The ``model.safetensors`` state dict of a checkpoint folder."""
    from safetensors.torch import load_file

    path = folder / WEIGHTS
    if not path.is_file():
        raise ModelLoadError(f"{folder} has no {WEIGHTS}; pass a run or checkpoint folder saved by training.train")
    return load_file(str(path))


def average(states: Sequence[dict[str, torch.Tensor]], weights: Sequence[float]) -> dict[str, torch.Tensor]:
    """The weighted mean of state dicts with identical keys and shapes (weights are normalised to sum 1)."""
    if len(states) != len(weights) or not states:
        raise NlpkitError(f"{len(states)} checkpoints but {len(weights)} weights")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise NlpkitError(f"weights must be non-negative with a positive sum, got {list(weights)}")
    total = float(sum(weights))
    first = states[0]
    for index, state in enumerate(states[1:], start=2):
        if state.keys() != first.keys():
            extra = sorted(state.keys() ^ first.keys())[:3]
            raise ModelLoadError(f"checkpoint {index} holds other parameters than the first ({extra} …); "
                                 "a soup needs one architecture")
        for name, tensor in state.items():
            if tensor.shape != first[name].shape:
                raise ModelLoadError(f"checkpoint {index}: {name} has shape {tuple(tensor.shape)}, "
                                     f"the first has {tuple(first[name].shape)}")
    soup: dict[str, torch.Tensor] = {}
    for name, tensor in first.items():
        if tensor.is_floating_point():
            mixed = sum(state[name].double() * (w / total) for state, w in zip(states, weights))
            soup[name] = mixed.to(tensor.dtype).contiguous()
        else:
            if any(not torch.equal(state[name], tensor) for state in states[1:]):
                raise ModelLoadError(f"the integer buffer {name} differs between checkpoints")
            soup[name] = tensor.clone()
    return soup


def make_soup(models: Sequence[Path], out: Path, weights: Sequence[float] | None = None) -> Path:
    """Write the weighted mean of ``models`` to ``out`` with the first one's config and tokenizer."""
    if len(models) < 2:
        raise NlpkitError("a soup needs at least two --model folders")
    weights = list(weights) if weights else [1.0] * len(models)
    from safetensors.torch import save_file

    soup = average([load_weights(Path(m)) for m in models], weights)
    out.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        if (Path(models[0]) / name).is_file():
            shutil.copy2(Path(models[0]) / name, out / name)
    run = run_folder(Path(models[0]))
    for folder in (Path(models[0]), run) if run else (Path(models[0]),):
        if (folder / RUN_CONFIG).is_file():
            shutil.copy2(folder / RUN_CONFIG, out / RUN_CONFIG)
            break
    save_file(soup, str(out / WEIGHTS), metadata={"format": "pt"})
    provenance = {"soup_of": [str(m) for m in models], "weights": weights}
    (out / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.soup", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, action="append", required=True,
                        help="a run or checkpoint folder with model.safetensors (repeat, at least twice)")
    parser.add_argument("--weight", type=float, action="append",
                        help="one weight per --model, in the same order (default: equal)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the averaged checkpoint")
    args = parser.parse_args(argv)
    try:
        print(f"soup written to {make_soup(args.model, args.out, args.weight)}")
    except NlpkitError as error:
        return fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
