"""ONNX export of saved models (needs torch, transformers and onnx: ``pip install "nlpkit[train]"``).

:func:`export_onnx` turns a ``save_pretrained`` token- or sequence-classification folder into a
folder that holds the same files plus ``model.onnx`` (and ``model.int8.onnx`` with dynamically
quantised int8 weights when asked). The ONNX file's metadata records the tokenizer settings it
was exported with (vocabulary size, input names, ``max_length``) and the embedding-matrix row
count, so :class:`~nlpkit.models.onnx.OnnxBackend` can refuse a tokenizer that does not belong
to the graph. With ``onnx_only`` the PyTorch weights (and the fp32 graph, when int8 is written)
are removed afterwards: such a folder runs on the light install (onnxruntime, tokenizers, numpy).

An analyzer folder (``ner/`` + ``stance/`` + ``nlpkit.json``) is exported model by model. Only
``nlpkit export-onnx`` and the training code import this module; inference uses
:mod:`nlpkit.models.onnx`.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import re
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.directory import (
    INT8_FFN,
    INT8_FILE,
    INT8_WEIGHTS,
    ONNX_FILE,
    QUANTIZATION_KEY,
    WEIGHT_FILES,
    read_config,
)
from nlpkit.models.onnx import META_PREFIX, TOKEN_TYPE_IDS, OnnxBackend

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


ANALYZER_FILE = "nlpkit.json"
ANALYZER_PARTS = ("ner", "stance")
EXPORT_TOLERANCE = 1e-3
PROBE_TEXTS = ("أعلن وزير الخارجية الروسي سيرجي لافروف في ختام الاجتماع", "روسيا واليابان", "ok")
FFN_MATMUL = re.compile(r"layer\.\d+/(intermediate|output)/dense/MatMul$")
"""Names of the feed-forward MatMuls in a graph traced from a transformers BERT-like encoder (not ``attention/output``)."""
WEIGHT_ONLY_BLOCK = 128
WEIGHT_ONLY_ACCURACY_LEVEL = 4
"""``MatMulNBits`` computes in int8 with activations quantised per block of ``WEIGHT_ONLY_BLOCK`` values."""


def _require_export_tools() -> Any:
    """Import ``onnx`` (and check torch and transformers) or fail with an installation hint."""
    try:
        import onnx
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as error:
        raise ModelLoadError(
            f"ONNX export needs torch, transformers and onnx ({error}); install them with "
            "`pip install \"nlpkit[train]\"`. Running an exported model needs only the base install."
        ) from None
    return onnx


def is_analyzer_dir(directory: str | os.PathLike[str]) -> bool:
    """True for an analyzer folder: ``nlpkit.json`` next to ``ner/`` and ``stance/``."""
    path = Path(directory)
    return (path / ANALYZER_FILE).is_file() and all((path / part).is_dir() for part in ANALYZER_PARTS)


def export_onnx(
    model_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, int8: bool = False, opset: int = 17,
    onnx_only: bool = False, int8_weights: str = "qint8", int8_ffn: str = "dynamic",
) -> Path:
    """Export a saved model (or every model of an analyzer folder) to ONNX.

    ``out_dir`` receives a copy of the source files (config, tokenizer, weights, ``nlpkit.json``)
    and ``model.onnx`` per model, so it loads with any backend; ``out_dir == model_dir`` exports
    in place. The export is checked against PyTorch on probe inputs of a shape other than the
    traced one before it is kept.

    Args:
        model_dir: a ``save_pretrained`` folder of a ``*ForTokenClassification`` or
            ``*ForSequenceClassification`` model, or an analyzer folder.
        out_dir: destination folder (created).
        int8: also write ``model.int8.onnx`` (dynamic quantisation, QInt8 weights).
        opset: ONNX opset version.
        onnx_only: afterwards remove the PyTorch weights from ``out_dir`` (and ``model.onnx``
            when ``int8``), for folders shipped to run on ONNX Runtime only.
        int8_weights: weight type of the int8 graph (see :func:`quantize_int8`).
        int8_ffn: ``"dynamic"`` or ``"weight-only"`` feed-forward matrices (see :func:`quantize_int8`).

    Returns:
        ``out_dir``.

    Raises:
        ModelLoadError: the source is not a loadable model or the export does not match PyTorch.
        ConfigError: an ``int8_weights`` other than ``"qint8"`` or ``"quint8"``, or an unknown ``int8_ffn``.
    """
    check_int8_weights(int8_weights, int8_ffn)
    source, target = Path(model_dir), Path(out_dir)
    if is_analyzer_dir(source):
        _copy_files(source, target)
        for part in ANALYZER_PARTS:
            export_onnx(source / part, target / part, int8=int8, opset=opset, onnx_only=onnx_only,
                        int8_weights=int8_weights, int8_ffn=int8_ffn)
        return target
    _require_export_tools()
    model, tokenizer = _load_for_export(source)
    _copy_files(source, target)
    if not (target / "tokenizer.json").is_file():
        tokenizer.save_pretrained(target)  # the base install reads tokenizer.json only
    input_names = _input_names(model)
    onnx_path = target / ONNX_FILE
    _trace(model, tokenizer, input_names, onnx_path, opset)
    metadata = _metadata(model, tokenizer, input_names, opset)
    _write_metadata(onnx_path, metadata)
    _verify(model, tokenizer, onnx_path)
    if int8:
        quantize_int8(onnx_path, target / INT8_FILE, metadata, weights=int8_weights, ffn=int8_ffn)
        record_quantization(target, quantization_scheme(int8_weights, int8_ffn))
    if onnx_only:
        drop_torch_files(target, keep_fp32=not int8)
    return target


def drop_torch_files(directory: Path, *, keep_fp32: bool = True) -> None:
    """Remove the PyTorch weights of an exported folder (and ``model.onnx`` unless ``keep_fp32``).

    Raises:
        ModelLoadError: the folder has no ONNX graph left to run.
    """
    if not any((directory / name).is_file() for name in (INT8_FILE, ONNX_FILE)):
        raise ModelLoadError(f"{directory} has no ONNX graph; export it first (nlpkit export-onnx {directory} "
                             f"{directory} --int8) before removing its PyTorch weights.")
    doomed = list(WEIGHT_FILES)
    if not keep_fp32 and (directory / INT8_FILE).is_file():
        doomed.append(ONNX_FILE)
    for name in doomed:
        (directory / name).unlink(missing_ok=True)


def check_int8_weights(weights: str, ffn: str = INT8_FFN[0]) -> None:
    """Raise :class:`ConfigError` for a weight type or feed-forward scheme not in :data:`INT8_WEIGHTS` / :data:`INT8_FFN`."""
    if weights not in INT8_WEIGHTS:
        raise ConfigError(f"int8 weights must be one of {', '.join(INT8_WEIGHTS)}, got {weights!r}.")
    if ffn not in INT8_FFN:
        raise ConfigError(f"int8 feed-forward quantisation must be one of {', '.join(INT8_FFN)}, got {ffn!r}.")


def quantize_int8(fp32_path: Path, int8_path: Path, metadata: dict[str, str] | None = None, *,
                  weights: str = "qint8", ffn: str = "dynamic") -> Path:
    """Write a quantised copy of ``fp32_path`` (int8 weights, one scale per output channel).

    Per-channel scales cost nothing in speed or size; per-tensor scales cost the accurate tier's
    stance model 0.04 macro-F1 against fp32 on the news_stance dev split. ``weights`` picks the
    weight type: ``"qint8"`` (signed, the default and what the shipped tiers use) or ``"quint8"``.
    On x86 CPUs without VNNI, ONNX Runtime's default kernel for uint8 activations times int8
    weights saturates 16-bit sums; nlpkit's backend asks for the exact path there
    (:func:`nlpkit.models.onnx.session_options`), so ``qint8`` graphs give the same results on every
    CPU through nlpkit. ``"quint8"`` graphs avoid the saturation in any ONNX Runtime session, at
    about the same extra cost on such CPUs (20–30 % per batch measured on an AVX2 EPYC).

    ``ffn="weight-only"`` quantises the feed-forward matrices (:data:`FFN_MATMUL`) as 8-bit
    ``MatMulNBits`` instead: symmetric int8 weights in blocks of 128, activations quantised per block
    at run time rather than with one scale for the whole tensor. The GELU output that the second
    feed-forward matrix reads has the outliers that a per-tensor scale handles worst; one e5 stance
    checkpoint lost 0.03 news_stance dev macro-F1 to plain dynamic int8 and none this way, for about
    1.4× the stance time (model_card.md). Needs ``onnx-ir`` (the ``train`` extra).

    Raises:
        ConfigError: an unknown ``weights`` or ``ffn``.
        ModelLoadError: ``ffn="weight-only"`` on a graph with no feed-forward MatMul by those names.
    """
    check_int8_weights(weights, ffn)
    onnx = _require_export_tools()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weight_type = QuantType.QUInt8 if weights == "quint8" else QuantType.QInt8
    source = _ffn_weight_only(fp32_path, int8_path.with_name(int8_path.name + ".ffn")) if ffn == "weight-only" else fp32_path
    logging.disable(logging.WARNING)  # quantize_dynamic logs a pre-processing advice on the root logger
    try:
        quantize_dynamic(source, int8_path, weight_type=weight_type, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)
        if source != fp32_path:
            source.unlink(missing_ok=True)
    if metadata is None:
        metadata = {prop.key: prop.value for prop in onnx.load(str(fp32_path)).metadata_props}
    _write_metadata(int8_path, {**metadata, f"{META_PREFIX}quantization": quantization_scheme(weights, ffn)})
    return int8_path


def quantization_scheme(weights: str = "qint8", ffn: str = "dynamic") -> str:
    """The name of an int8 scheme, as the graph's metadata and ``config.json`` record it."""
    scheme = f"dynamic-{weights}-per-channel"
    return scheme + f"+ffn-weight-only-block{WEIGHT_ONLY_BLOCK}" if ffn == "weight-only" else scheme


def record_quantization(directory: Path, scheme: str) -> None:
    """Write ``scheme`` into ``directory/config.json`` under :data:`QUANTIZATION_KEY`."""
    config_file = directory / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config[QUANTIZATION_KEY] = scheme
    config_file.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _ffn_weight_only(fp32_path: Path, out_path: Path) -> Path:
    """Write ``fp32_path`` with its feed-forward MatMuls as 8-bit ``MatMulNBits`` (the rest left float32)."""
    onnx = _require_export_tools()
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import (
            DefaultWeightOnlyQuantConfig,
            MatMulNBitsQuantizer,
        )
    except ImportError as error:
        raise ModelLoadError(f"Weight-only feed-forward quantisation needs onnx-ir ({error}); install it with "
                             "`pip install \"nlpkit[train]\"`.") from None
    model = onnx.load(str(fp32_path))
    matmuls = [node.name for node in model.graph.node if node.op_type == "MatMul"]
    ffn = [name for name in matmuls if FFN_MATMUL.search(name)]
    if not ffn:
        raise ModelLoadError(f"{fp32_path} has no feed-forward MatMul named like 'layer.N/intermediate/dense/MatMul'; "
                             "use int8_ffn='dynamic' for this graph.")
    options = {"bits": 8, "block_size": WEIGHT_ONLY_BLOCK, "is_symmetric": True,
               "accuracy_level": WEIGHT_ONLY_ACCURACY_LEVEL, "op_types_to_quantize": ("MatMul",)}
    config = DefaultWeightOnlyQuantConfig(**options)
    quantizer = MatMulNBitsQuantizer(model, algo_config=config, nodes_to_exclude=[n for n in matmuls if n not in ffn],
                                     **options)
    logging.disable(logging.INFO)  # the quantizer logs every node it skips
    try:
        quantizer.process()
    finally:
        logging.disable(logging.NOTSET)
    quantizer.model.save_model_to_file(str(out_path), use_external_data_format=False)
    return out_path


def _copy_files(source: Path, target: Path) -> None:
    """Copy the plain files of ``source`` into ``target`` (nothing when they are the same folder)."""
    target.mkdir(parents=True, exist_ok=True)
    if source.resolve() == target.resolve():
        return
    for path in sorted(source.iterdir()):
        if path.is_file():
            shutil.copy2(path, target / path.name)


def _load_for_export(directory: Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load the PyTorch model (eager attention, evaluation mode) and tokenizer of ``directory``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

    from nlpkit.models.loading import load_tokenizer

    architectures = read_config(directory).get("architectures") or []
    if any(name.endswith("ForTokenClassification") for name in architectures):
        auto_class: Any = AutoModelForTokenClassification
    elif any(name.endswith("ForSequenceClassification") for name in architectures):
        auto_class = AutoModelForSequenceClassification
    else:
        raise ModelLoadError(
            f"{directory / 'config.json'} names architectures {architectures}; export-onnx handles "
            "*ForTokenClassification and *ForSequenceClassification models (or an analyzer folder)."
        )
    tokenizer = load_tokenizer(directory)
    try:
        model = auto_class.from_pretrained(str(directory), attn_implementation="eager", dtype=torch.float32)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ModelLoadError(f"Cannot load the model weights in {directory}: {type(error).__name__}: {error}.") from None
    return model.eval(), tokenizer


def _input_names(model: PreTrainedModel) -> list[str]:
    """Graph inputs: ids and mask, plus ``token_type_ids`` when the model's forward takes them."""
    accepted = inspect.signature(model.forward).parameters
    names = ["input_ids", "attention_mask"]
    if TOKEN_TYPE_IDS in accepted:
        names.append(TOKEN_TYPE_IDS)
    return names


def _encode(tokenizer: PreTrainedTokenizerBase, texts: tuple[str, ...], input_names: list[str]) -> dict[str, np.ndarray]:
    """Tokenise probe texts into int64 arrays for every graph input (type ids default to zeros)."""
    encoding = tokenizer(list(texts), padding=True, return_tensors="np")
    batch = {name: np.asarray(encoding[name], dtype=np.int64) for name in input_names if name in encoding}
    if TOKEN_TYPE_IDS in input_names and TOKEN_TYPE_IDS not in batch:
        batch[TOKEN_TYPE_IDS] = np.zeros_like(batch["input_ids"])
    return batch


def _logits_module(model: PreTrainedModel, input_names: list[str]) -> Any:
    """Wrap a transformers model so the traced graph takes positional tensors and returns logits."""
    import torch

    class LogitsOnly(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(input_names, tensors, strict=True))).logits

    return LogitsOnly().eval()


def _trace(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, input_names: list[str], path: Path,
           opset: int) -> None:
    """Trace ``model`` with the TorchScript exporter (dynamic batch and sequence axes) into ``path``."""
    import torch

    batch = _encode(tokenizer, PROBE_TEXTS[:2], input_names)
    args = tuple(torch.from_numpy(batch[name]) for name in input_names)
    axes = {name: {0: "batch", 1: "sequence"} for name in input_names}
    logits_axes = {0: "batch", 1: "sequence"} if model.config.architectures[0].endswith("TokenClassification") else {0: "batch"}
    partial = path.with_suffix(".onnx.partial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _logits_module(model, input_names), args, str(partial), input_names=input_names, output_names=["logits"],
            dynamic_axes={**axes, "logits": logits_axes}, opset_version=opset, dynamo=False,
        )
    partial.replace(path)


def _metadata(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, input_names: list[str], opset: int) -> dict[str, str]:
    """Tokenizer settings and model facts recorded in the ONNX file."""
    positions = int(getattr(model.config, "max_position_embeddings", 512))
    return {
        f"{META_PREFIX}embedding_rows": str(model.get_input_embeddings().weight.shape[0]),
        f"{META_PREFIX}tokenizer_size": str(len(tokenizer)),
        f"{META_PREFIX}tokenizer_class": type(tokenizer).__name__,
        f"{META_PREFIX}max_length": str(min(positions, int(min(tokenizer.model_max_length, 1_000_000)))),
        f"{META_PREFIX}input_names": json.dumps(input_names),
        f"{META_PREFIX}tokenizer_input_names": json.dumps(list(tokenizer.model_input_names)),
        f"{META_PREFIX}padding_side": str(tokenizer.padding_side),
        f"{META_PREFIX}truncation_side": str(tokenizer.truncation_side),
        f"{META_PREFIX}num_labels": str(model.config.num_labels),
        f"{META_PREFIX}architecture": str(model.config.architectures[0]),
        f"{META_PREFIX}opset": str(opset),
    }


def _write_metadata(path: Path, metadata: dict[str, str]) -> None:
    """Replace the ``nlpkit.*`` metadata entries of the ONNX file at ``path``."""
    onnx = _require_export_tools()
    graph = onnx.load(str(path))
    kept = [(prop.key, prop.value) for prop in graph.metadata_props if not prop.key.startswith(META_PREFIX)]
    del graph.metadata_props[:]
    for key, value in [*kept, *sorted(metadata.items())]:
        graph.metadata_props.add(key=key, value=value)
    onnx.save(graph, str(path))


def _verify(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, path: Path) -> None:
    """Compare ONNX Runtime and PyTorch logits on a batch shaped unlike the traced one.

    Raises:
        ModelLoadError: the largest difference at real (unpadded) positions exceeds ``EXPORT_TOLERANCE``.
    """
    import torch

    backend = OnnxBackend(path.parent, file=path.name, tokenizer=tokenizer)
    batch = _encode(tokenizer, PROBE_TEXTS, backend.input_names)
    got = backend.logits(batch)
    with torch.inference_mode():
        expected = model(**{name: torch.from_numpy(array) for name, array in batch.items()}).logits.float().numpy()
    keep = batch["attention_mask"].astype(bool) if got.ndim == 3 else slice(None)
    difference = float(np.abs(got - expected)[keep].max())
    if difference > EXPORT_TOLERANCE:
        path.unlink()
        raise ModelLoadError(
            f"The ONNX export of {path.parent} differs from PyTorch by {difference:.2g} (> {EXPORT_TOLERANCE}); "
            "the architecture does not trace cleanly. Use backend='torch' for this model."
        )


