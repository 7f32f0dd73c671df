"""Validation of saved model directories, before anything heavy is loaded.

A model directory (``save_pretrained`` output) needs ``config.json`` with an ``id2label``
table of the right label set, weights (PyTorch, or ONNX only: ``model.onnx`` /
``model.int8.onnx``) and tokenizer files. Every problem raises
:class:`~nlpkit.errors.ModelLoadError` naming the file and saying how to fix it.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

from nlpkit.errors import ModelLoadError
from nlpkit.results import NER_LABELS, STANCE_LABELS

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")
ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
ONNX_FILES = (INT8_FILE, ONNX_FILE)
"""ONNX graphs a model directory may hold (``nlpkit export-onnx``), in the order ``backend="auto"`` prefers them."""
INT8_WEIGHTS = ("qint8", "quint8")
"""Weight types of an int8 graph (``quantize_int8``); the first is the default."""
INT8_FFN = ("dynamic", "weight-only")
"""How an int8 graph quantises the feed-forward matrices (``quantize_int8``): like every other matrix, int8 weights
times int8 activations with one scale per tensor, or int8 weights only (per-block activations, closer to float32);
the first is the default."""
TRAINING_RECORDS = ("metrics.json", "report.txt", "config.resolved.yaml")
"""Files that say how a model folder's weights were trained; they travel with the weights when shipped or recovered."""
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json")
PAIR_FORMAT_KEY = "nlpkit_pair_format"
MARKED_TARGET = "marked-target"
PAIR_FORMATS = ("plain", MARKED_TARGET)
"""How a stance model reads its (target, sentence) pair, recorded in ``config.json`` under
:data:`PAIR_FORMAT_KEY`: the sentence as it is, or with the target's mentions bracketed
(:func:`nlpkit.text.mentions.mark_target`). A config without the key is ``"plain"``."""
CONTEXT_WORDS_KEY = "nlpkit_context_words"
"""``config.json`` key of a NER model trained with neighbouring sentences as context: at most this many words of
the sentences before and after each sentence are read with it (within the input length) and are not tagged.
A config without the key reads each sentence alone (0)."""
AUTO_BACKEND_KEY = "nlpkit_auto_backend"
"""``config.json`` key naming the ONNX graph that ``backend="auto"`` runs even where PyTorch is installed
(``"onnx-int8"`` or ``"onnx"``). The shipped tiers set it, so a tier gives the same results, at its measured
speed, on the base install and on the PyTorch install; ``backend="torch"`` still runs the PyTorch weights."""
QUANTIZATION_KEY = "nlpkit_int8_quantization"
"""``config.json`` key recording how ``model.int8.onnx`` was quantised (the scheme that the graph's own
``nlpkit.quantization`` metadata names), so that ``nlpkit info`` can tell it without loading the graph."""
BACKEND_GRAPHS = {"onnx-int8": INT8_FILE, "onnx": ONNX_FILE}
"""The ONNX file each ONNX backend name reads."""
SAFETENSORS_HEADER_LIMIT = 100_000_000
"""Largest safetensors JSON header accepted (the format's own limit)."""


def read_config(directory: str | Path) -> dict[str, Any]:
    """Return the parsed ``config.json`` of a model directory.

    Raises:
        ModelLoadError: the directory or its ``config.json`` is missing or not valid JSON.
    """
    path = Path(directory)
    if not path.is_dir():
        raise ModelLoadError(f"Model directory {path} does not exist; pass the folder written by save_pretrained().")
    config_file = path / "config.json"
    if not config_file.is_file():
        raise ModelLoadError(
            f"{config_file} is missing; the model directory is incomplete. Save the model again with "
            "model.save_pretrained(directory) (it writes config.json)."
        )
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{config_file} is not valid JSON ({error}); re-save the model with save_pretrained().") from None
    if not isinstance(config, dict):
        raise ModelLoadError(f"{config_file} must hold a JSON object; re-save the model with save_pretrained().")
    return config


def read_id2label(config: dict[str, Any], config_file: Path) -> list[str]:
    """Return the labels of ``config["id2label"]`` in id order.

    Raises:
        ModelLoadError: the table is missing or its ids are not ``0..n-1``.
    """
    table = config.get("id2label")
    if not isinstance(table, dict) or not table:
        raise ModelLoadError(
            f"{config_file} has no id2label table; set config.id2label (and label2id) to the model's labels "
            "before save_pretrained()."
        )
    try:
        by_id = {int(key): str(label) for key, label in table.items()}
    except (TypeError, ValueError):
        raise ModelLoadError(f"{config_file}: id2label keys must be integers 0..n-1, got {sorted(table)}.") from None
    if sorted(by_id) != list(range(len(by_id))):
        raise ModelLoadError(f"{config_file}: id2label ids must be 0..{len(by_id) - 1} without gaps, got {sorted(by_id)}.")
    return [by_id[i] for i in range(len(by_id))]


def check_ner_labels(labels: list[str], config_file: Path) -> None:
    """Require IOB2 labels over the library types: ``O`` plus ``B-X``/``I-X`` pairs.

    Raises:
        ModelLoadError: an unknown label, a missing ``O``, or a ``B-X`` without ``I-X`` (or back).
    """
    allowed = {"O"} | {f"{prefix}-{kind}" for kind in NER_LABELS for prefix in ("B", "I")}
    unknown = [label for label in labels if label not in allowed]
    kinds = {label[2:] for label in labels if label in allowed and label != "O"}
    unpaired = sorted(kind for kind in kinds if f"B-{kind}" not in labels or f"I-{kind}" not in labels)
    if unknown or "O" not in labels or unpaired or len(set(labels)) != len(labels):
        hint = (" This is a stance model: load it as the stance component (the stance/ folder of an analyzer "
                "directory, or StanceModel.from_pretrained)." if set(labels) <= set(STANCE_LABELS) else "")
        raise ModelLoadError(
            f"{config_file}: id2label {labels} is not an IOB2 tag set over {'/'.join(NER_LABELS)} "
            f"(unknown: {unknown}, unpaired types: {unpaired}).{hint} Train the NER model with labels "
            "'O' and 'B-X'/'I-X' for X in PER, ORG, LOC, DATE, MISC (nlpkit.data.labels.NER_LABELS)."
        )


def check_stance_labels(labels: list[str], config_file: Path) -> None:
    """Require stance labels that are a subset of FAVOR/AGAINST/NONE, without repeats.

    Raises:
        ModelLoadError: any other label.
    """
    if not set(labels) <= set(STANCE_LABELS) or len(set(labels)) != len(labels):
        hint = (" This is an NER model: load it as the NER component (the ner/ folder of an analyzer directory, "
                "or NerModel.from_pretrained)." if "O" in labels else "")
        raise ModelLoadError(
            f"{config_file}: id2label {labels} is not a stance label set.{hint} Use labels among "
            f"{', '.join(STANCE_LABELS)} (nlpkit.data.labels.STANCE_LABELS) when training the stance model."
        )


def has_torch_weights(directory: Path) -> bool:
    """True when ``directory`` holds weights that transformers reads (safetensors or ``pytorch_model.bin``)."""
    return any((directory / name).is_file() for name in WEIGHT_FILES)


def onnx_files(directory: Path) -> list[str]:
    """The ONNX graphs present in ``directory``, int8 first."""
    return [name for name in ONNX_FILES if (directory / name).is_file()]


def check_weights(directory: Path) -> None:
    """Require PyTorch weights or an ONNX graph.

    Raises:
        ModelLoadError: neither in ``directory``.
    """
    if not has_torch_weights(directory) and not onnx_files(directory):
        raise ModelLoadError(
            f"No weights file in {directory} (expected {WEIGHT_FILES[0]}, {WEIGHT_FILES[2]} or {INT8_FILE}); the "
            "save was interrupted or only the config was copied. Copy the weights too or re-run save_pretrained()."
        )


def check_safetensors(weights_file: Path, n_labels: int) -> None:
    """Check a ``model.safetensors`` file's header and size without loading it.

    The file is an 8-byte little-endian header length, a JSON header listing each tensor's
    shape and byte range, then the data. A truncated copy, a file that is not safetensors, or
    a classifier whose size differs from ``id2label`` is caught here, with the file named.

    Raises:
        ModelLoadError: the file is truncated or corrupted, or its classifier does not match ``n_labels``.
    """
    fix = "copy it again from the source or re-run save_pretrained()"
    size = weights_file.stat().st_size
    with open(weights_file, "rb") as handle:
        prefix = handle.read(8)
        length = struct.unpack("<Q", prefix)[0] if len(prefix) == 8 else -1
        if not 0 < length <= min(SAFETENSORS_HEADER_LIMIT, size - 8):
            raise ModelLoadError(f"{weights_file} is truncated or not a safetensors file ({size} bytes, no complete "
                                 f"header); {fix}.")
        try:
            header = json.loads(handle.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ModelLoadError(f"{weights_file} is corrupted (its header is not valid JSON); {fix}.") from None
    if not isinstance(header, dict):
        raise ModelLoadError(f"{weights_file} is corrupted (its header is not a tensor table); {fix}.")
    tensors = {name: info for name, info in header.items() if name != "__metadata__" and isinstance(info, dict)}
    ends = [info.get("data_offsets", [0, 0])[-1] for info in tensors.values()]
    needed = 8 + length + max((end for end in ends if isinstance(end, int)), default=0)
    if size < needed:
        raise ModelLoadError(f"{weights_file} is truncated: {size} bytes where its header needs {needed}; {fix}.")
    shape = tensors.get("classifier.bias", {}).get("shape")
    if isinstance(shape, list) and len(shape) == 1 and shape[0] != n_labels:
        raise ModelLoadError(
            f"{weights_file.parent / 'config.json'} lists {n_labels} labels but the classifier in {weights_file.name} "
            f"has {shape[0]} outputs: config.json and the weights come from different models. Restore the config "
            "saved with these weights (or re-train with the wanted labels)."
        )


def check_tokenizer_files(directory: Path) -> None:
    """Require tokenizer files next to the model.

    Raises:
        ModelLoadError: no tokenizer files in ``directory``.
    """
    if not any((directory / name).is_file() for name in TOKENIZER_FILES):
        raise ModelLoadError(
            f"No tokenizer in {directory} (expected {TOKENIZER_FILES[0]}); save the tokenizer into the model "
            "directory with tokenizer.save_pretrained(directory)."
        )


def validate_model_dir(directory: str | Path, task: str) -> list[str]:
    """Check a ``task`` (``"ner"`` or ``"stance"``) model directory and return its labels in id order.

    Raises:
        ModelLoadError: see the ``check_*`` functions of this module.
    """
    path = Path(directory)
    config = read_config(path)
    labels = read_id2label(config, path / "config.json")
    if task == "ner":
        check_ner_labels(labels, path / "config.json")
    else:
        check_stance_labels(labels, path / "config.json")
    check_weights(path)
    if (path / WEIGHT_FILES[0]).is_file():
        check_safetensors(path / WEIGHT_FILES[0], len(labels))
    check_tokenizer_files(path)
    return labels


def read_pair_format(directory: str | Path) -> str:
    """The stance pair format a model directory was trained with (see :data:`PAIR_FORMATS`).

    Raises:
        ModelLoadError: ``config.json`` names a format this version of nlpkit does not know.
    """
    value = read_config(directory).get(PAIR_FORMAT_KEY, "plain")
    if value not in PAIR_FORMATS:
        raise ModelLoadError(f"{Path(directory) / 'config.json'} sets {PAIR_FORMAT_KEY}={value!r}; this nlpkit reads "
                             f"{', '.join(PAIR_FORMATS)}. Upgrade nlpkit or retrain the model.")
    return value


def read_context_words(directory: str | Path) -> int:
    """Context words per side a NER model directory was trained with (:data:`CONTEXT_WORDS_KEY`; 0 without it).

    Raises:
        ModelLoadError: the value is not a non-negative integer.
    """
    value = read_config(directory).get(CONTEXT_WORDS_KEY, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelLoadError(f"{Path(directory) / 'config.json'} sets {CONTEXT_WORDS_KEY}={value!r}; "
                             "it must be a whole number of words, 0 or more.")
    return value


def read_auto_backend(directory: str | Path) -> str | None:
    """The ONNX backend that ``config.json`` names for ``backend="auto"`` (:data:`AUTO_BACKEND_KEY`), or ``None``.

    ``None`` also when the named graph is not in the folder (a copy without it runs as any other folder).

    Raises:
        ModelLoadError: the key names something other than an ONNX backend.
    """
    value = read_config(directory).get(AUTO_BACKEND_KEY)
    if value is None:
        return None
    if value not in BACKEND_GRAPHS:
        raise ModelLoadError(f"{Path(directory) / 'config.json'} sets {AUTO_BACKEND_KEY}={value!r}; use one of "
                             f"{', '.join(BACKEND_GRAPHS)}, or remove the key.")
    return value if (Path(directory) / BACKEND_GRAPHS[value]).is_file() else None


def missing_graph_error(graph: Path) -> ModelLoadError:
    """The error for an ONNX backend asked of a folder without its graph, with the export command that makes it."""
    int8 = " --int8" if graph.name == INT8_FILE else ""
    return ModelLoadError(f"{graph} is missing; export the model first: `nlpkit export-onnx {graph.parent} {graph.parent}{int8}`.")
