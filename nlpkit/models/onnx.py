"""ONNX Runtime inference backend (the CPU path that needs neither torch nor transformers).

:class:`OnnxBackend` runs ``model.onnx`` or ``model.int8.onnx`` of a model folder written by
:func:`nlpkit.models.onnx_export.export_onnx`. The graph's metadata records the tokenizer
settings it was exported with (vocabulary size, input names, ``max_length``) and the
embedding-matrix row count, so the backend refuses a tokenizer that does not belong to it.
Only ``onnxruntime`` is imported, inside :class:`OnnxBackend`.
Each row of a batch runs alone on its own tokens (:mod:`nlpkit.models.rows`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sized
from pathlib import Path
from typing import Any

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.directory import BACKEND_GRAPHS, ONNX_FILE, missing_graph_error
from nlpkit.models.rows import logits_by_row
from nlpkit.models.tokenizer import ModelTokenizer

META_PREFIX = "nlpkit."
MIN_ONNXRUNTIME = "1.22"
"""Oldest onnxruntime that runs every shipped graph (8-bit ``MatMulNBits``); pyproject.toml sets the same floor."""
UNSUPPORTED_OPERATOR_MARKERS = ("MatMulNBits", "NOT_IMPLEMENTED", "Could not find an implementation", "is not supported")
"""Substrings of ONNX Runtime's errors that mean its release lacks an operator or variant, not that the file is damaged."""
TOKEN_TYPE_IDS = "token_type_ids"
# Without VNNI (AVX2-only x86 CPUs), ONNX Runtime multiplies uint8 activations by int8 weights with an
# instruction whose 16-bit sums saturate; this option makes it take an exact u8 x u8 path there instead.
X64_QUANT_PRECISION = "session.x64quantprecision"


def require_onnxruntime() -> Any:
    """Import ``onnxruntime`` or fail with an installation hint."""
    try:
        import onnxruntime
    except ImportError as error:
        raise ModelLoadError(
            f"The ONNX backends need the onnxruntime package ({error}); install it with `pip install onnxruntime` "
            "(a dependency of nlpkit)."
        ) from None
    return onnxruntime


def onnx_file_for(backend: str) -> str:
    """The ONNX file name a backend name reads (``"onnx"`` → fp32, ``"onnx-int8"`` → int8)."""
    try:
        return BACKEND_GRAPHS[backend]
    except KeyError:
        raise ConfigError(f"{backend!r} is not an ONNX backend; use 'onnx' or 'onnx-int8'.") from None


def session_options(threads: int | None = None) -> Any:
    """ONNX Runtime session options for nlpkit's graphs: one inter-op thread, ``threads`` intra-op threads.

    Int8 graphs give the same results on every x86 CPU: exact integer products are asked for where the
    CPU lacks VNNI (on such a CPU the accurate tier's stance model scored 0.707 on news dev without them
    and 0.722, as on VNNI CPUs, with them; model_card.md, "int8 weights and the CPU").
    """
    ort = require_onnxruntime()
    options = ort.SessionOptions()
    options.inter_op_num_threads = 1
    if threads is not None:
        options.intra_op_num_threads = threads
    options.add_session_config_entry(X64_QUANT_PRECISION, "1")
    return options


def read_metadata(session: Any) -> dict[str, str]:
    """The ``nlpkit.*`` entries of a session's model metadata, without the prefix."""
    table = session.get_modelmeta().custom_metadata_map
    return {key[len(META_PREFIX):]: value for key, value in table.items() if key.startswith(META_PREFIX)}


def unreadable_graph_error(path: Path, error: Exception, version: str) -> ModelLoadError:
    """The error for a graph ONNX Runtime cannot open: an operator its release lacks, or a damaged file."""
    detail = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    if any(marker in str(error) for marker in UNSUPPORTED_OPERATOR_MARKERS):
        return ModelLoadError(
            f"onnxruntime {version} cannot run an operator of {path} ({detail[:300]}); nlpkit's graphs need "
            f"onnxruntime {MIN_ONNXRUNTIME} or later: `pip install -U onnxruntime`."
        )
    return ModelLoadError(f"{path} is not a readable ONNX model ({detail}); re-export it with "
                          f"`nlpkit export-onnx {path.parent} {path.parent}`.")


class OnnxBackend:
    """Run an exported model with ONNX Runtime on CPU (implements :class:`nlpkit.models.backend.Backend`)."""

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        threads: int | None = None,
        *,
        file: str = ONNX_FILE,
        tokenizer: Sized | None = None,
    ) -> None:
        """Open ``model_dir/file`` and check it against the folder's tokenizer.

        Args:
            model_dir: a model folder written by :func:`nlpkit.models.onnx_export.export_onnx`.
            threads: intra-op threads of the session (ONNX Runtime's default when ``None``).
            file: ``model.onnx`` or ``model.int8.onnx``.
            tokenizer: the folder's tokenizer (anything whose ``len`` is the vocabulary size), when
                already loaded; read from ``model_dir`` otherwise.

        Raises:
            ModelLoadError: the ONNX file is missing or unreadable, or its vocabulary, inputs or
                labels do not match the folder's tokenizer and config.
            ConfigError: ``threads`` is not a positive integer.
        """
        ort = require_onnxruntime()
        self.path = Path(model_dir) / file
        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be a positive integer, got {threads!r}; pass e.g. threads=2 or leave it unset.")
        if not self.path.is_file():
            raise missing_graph_error(self.path)
        try:
            self.session = ort.InferenceSession(str(self.path), sess_options=session_options(threads),
                                                providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own pybind exception types
            raise unreadable_graph_error(self.path, error, ort.__version__) from None
        self.input_names = [node.name for node in self.session.get_inputs()]
        self.metadata = read_metadata(self.session)
        if tokenizer is None:
            tokenizer = ModelTokenizer.from_dir(self.path.parent)
        self._check(tokenizer)

    def _check(self, tokenizer: Sized) -> None:
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
        """Float32 logits of ``batch`` (``token_type_ids`` default to zeros), each row run alone (:func:`logits_by_row`)."""
        return logits_by_row(self._feed(batch), self._run)

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        """The session's float32 logits for one prepared feed."""
        return np.asarray(self.session.run(["logits"], feed)[0], dtype=np.float32)

    def _feed(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The session's inputs as int64 arrays, ``token_type_ids`` filled with zeros when the batch has none."""
        ids = np.asarray(batch["input_ids"], dtype=np.int64)
        feed = {}
        for name in self.input_names:
            if name in batch:
                feed[name] = np.asarray(batch[name], dtype=np.int64)
            elif name == TOKEN_TYPE_IDS:
                feed[name] = np.zeros_like(ids)
            else:
                raise ModelLoadError(f"{self.path} needs input {name!r}, which the tokenizer does not produce.")
        return feed
