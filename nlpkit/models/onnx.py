"""ONNX export of saved models and an ONNX Runtime inference backend (CPU path).

:func:`export_onnx` turns a ``save_pretrained`` token- or sequence-classification folder into a
folder that holds the same files plus ``model.onnx`` (and ``model.int8.onnx`` with dynamically
quantised int8 weights when asked). The ONNX file's metadata records the tokenizer settings it
was exported with (vocabulary size, input names, ``max_length``) and the embedding-matrix row
count, so :class:`OnnxBackend` can refuse a tokenizer that does not belong to the graph.

An analyzer folder (``ner/`` + ``stance/`` + ``nlpkit.json``) is exported model by model.
``onnx`` and ``onnxruntime`` are imported inside the functions that need them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger("nlpkit")

ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
ANALYZER_FILE = "nlpkit.json"
ANALYZER_PARTS = ("ner", "stance")
META_PREFIX = "nlpkit."
TOKEN_TYPE_IDS = "token_type_ids"
EXPORT_TOLERANCE = 1e-3
PROBE_TEXTS = ("أعلن وزير الخارجية الروسي سيرجي لافروف في ختام الاجتماع", "روسيا واليابان", "ok")


def _require_onnx() -> tuple[Any, Any]:
    """Import ``onnx`` and ``onnxruntime`` or fail with an installation hint."""
    try:
        import onnx
        import onnxruntime
    except ImportError as error:
        raise ModelLoadError(
            f"The ONNX path needs the onnx and onnxruntime packages ({error}); install them with "
            "`pip install onnx onnxruntime`."
        ) from None
    return onnx, onnxruntime


def is_analyzer_dir(directory: str | os.PathLike[str]) -> bool:
    """True for an analyzer folder: ``nlpkit.json`` next to ``ner/`` and ``stance/``."""
    path = Path(directory)
    return (path / ANALYZER_FILE).is_file() and all((path / part).is_dir() for part in ANALYZER_PARTS)


def onnx_file_for(backend: str) -> str:
    """The ONNX file name a backend name reads (``"onnx"`` → fp32, ``"onnx-int8"`` → int8)."""
    if backend == "onnx":
        return ONNX_FILE
    if backend == "onnx-int8":
        return INT8_FILE
    raise ConfigError(f"{backend!r} is not an ONNX backend; use 'onnx' or 'onnx-int8'.")


def export_onnx(
    model_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, int8: bool = False, opset: int = 17
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

    Returns:
        ``out_dir``.

    Raises:
        ModelLoadError: the source is not a loadable model or the export does not match PyTorch.
    """
    source, target = Path(model_dir), Path(out_dir)
    if is_analyzer_dir(source):
        _copy_files(source, target)
        for part in ANALYZER_PARTS:
            export_onnx(source / part, target / part, int8=int8, opset=opset)
        return target
    _require_onnx()
    model, tokenizer = _load_for_export(source)
    _copy_files(source, target)
    input_names = _input_names(model)
    onnx_path = target / ONNX_FILE
    _trace(model, tokenizer, input_names, onnx_path, opset)
    metadata = _metadata(model, tokenizer, input_names, opset)
    _write_metadata(onnx_path, metadata)
    _verify(model, tokenizer, onnx_path)
    if int8:
        quantize_int8(onnx_path, target / INT8_FILE, metadata)
    return target


def quantize_int8(fp32_path: Path, int8_path: Path, metadata: dict[str, str] | None = None) -> Path:
    """Write a dynamically quantised copy of ``fp32_path`` (QInt8 weights, fp32 activations)."""
    onnx, _ = _require_onnx()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # quantize_dynamic logs a pre-processing advice on the root logger
    try:
        quantize_dynamic(fp32_path, int8_path, weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)
    if metadata is None:
        metadata = {prop.key: prop.value for prop in onnx.load(str(fp32_path)).metadata_props}
    _write_metadata(int8_path, {**metadata, f"{META_PREFIX}quantization": "dynamic-qint8"})
    return int8_path


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

    from nlpkit.models.directory import read_config
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
    import inspect

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
    onnx, _ = _require_onnx()
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


def _read_metadata(session: Any) -> dict[str, str]:
    """The ``nlpkit.*`` entries of a session's model metadata, without the prefix."""
    table = session.get_modelmeta().custom_metadata_map
    return {key[len(META_PREFIX):]: value for key, value in table.items() if key.startswith(META_PREFIX)}


class OnnxBackend:
    """Run an exported model with ONNX Runtime on CPU (implements :class:`nlpkit.models.backend.Backend`)."""

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        threads: int | None = None,
        *,
        file: str = ONNX_FILE,
        tokenizer: PreTrainedTokenizerBase | None = None,
    ) -> None:
        """Open ``model_dir/file`` and check it against the folder's tokenizer.

        Args:
            model_dir: a model folder written by :func:`export_onnx`.
            threads: intra-op threads of the session (ONNX Runtime's default when ``None``).
            file: ``model.onnx`` or ``model.int8.onnx``.
            tokenizer: the folder's tokenizer, when already loaded (loaded from ``model_dir`` otherwise).

        Raises:
            ModelLoadError: the ONNX file is missing or unreadable, or its vocabulary, inputs or
                labels do not match the folder's tokenizer and config.
            ConfigError: ``threads`` is not a positive integer.
        """
        _, ort = _require_onnx()
        self.path = Path(model_dir) / file
        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be a positive integer, got {threads!r}; pass e.g. threads=2 or leave it unset.")
        if not self.path.is_file():
            raise ModelLoadError(
                f"{self.path} is missing; export the model first: `nlpkit export-onnx {self.path.parent} "
                f"{self.path.parent}{' --int8' if file == INT8_FILE else ''}`."
            )
        options = ort.SessionOptions()
        options.inter_op_num_threads = 1
        if threads is not None:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(self.path), sess_options=options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own pybind exception types
            raise ModelLoadError(
                f"{self.path} is not a readable ONNX model ({type(error).__name__}: {str(error).splitlines()[0]}); "
                f"re-export it with `nlpkit export-onnx {self.path.parent} {self.path.parent}`."
            ) from None
        self.input_names = [node.name for node in self.session.get_inputs()]
        self.metadata = _read_metadata(self.session)
        if tokenizer is None:
            from nlpkit.models.loading import load_tokenizer

            tokenizer = load_tokenizer(self.path.parent)
        self._check(tokenizer)

    def _check(self, tokenizer: PreTrainedTokenizerBase) -> None:
        """Refuse a graph whose inputs, vocabulary or labels do not fit this folder."""
        fix = f"re-export with `nlpkit export-onnx {self.path.parent} {self.path.parent}`"
        missing = {"input_ids", "attention_mask"} - set(self.input_names)
        unknown = set(self.input_names) - {"input_ids", "attention_mask", TOKEN_TYPE_IDS}
        if missing or unknown:
            raise ModelLoadError(
                f"{self.path} takes inputs {self.input_names}; nlpkit feeds input_ids, attention_mask and "
                f"token_type_ids (missing: {sorted(missing)}, unknown: {sorted(unknown)}); {fix}."
            )
        rows = self.metadata.get("embedding_rows")
        size = self.metadata.get("tokenizer_size")
        if rows is not None and (len(tokenizer) > int(rows) or (size is not None and int(size) != len(tokenizer))):
            raise ModelLoadError(
                f"The tokenizer in {self.path.parent} has {len(tokenizer)} tokens but {self.path.name} was exported "
                f"with a {rows}-row embedding matrix and a {size}-token tokenizer: the ONNX file belongs to another "
                f"model; {fix}."
            )
        labels = self.metadata.get("num_labels")
        config_file = self.path.parent / "config.json"
        if labels is not None and config_file.is_file():
            expected = len(json.loads(config_file.read_text(encoding="utf-8")).get("id2label") or {})
            if expected and expected != int(labels):
                raise ModelLoadError(
                    f"{self.path.name} predicts {labels} labels but {config_file} lists {expected}; the ONNX file is "
                    f"stale; {fix}."
                )

    def logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        """Run the session on ``batch`` (``token_type_ids`` default to zeros) and return float32 logits."""
        ids = np.asarray(batch["input_ids"], dtype=np.int64)
        feed = {}
        for name in self.input_names:
            if name in batch:
                feed[name] = np.asarray(batch[name], dtype=np.int64)
            elif name == TOKEN_TYPE_IDS:
                feed[name] = np.zeros_like(ids)
            else:
                raise ModelLoadError(f"{self.path} needs input {name!r}, which the tokenizer does not produce.")
        return np.asarray(self.session.run(["logits"], feed)[0], dtype=np.float32)
