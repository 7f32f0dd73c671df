"""Analyse a batch of ``(id, text)`` rows into result columns, one row per document.

Shared by the Ray Data and Hugging Face datasets integrations, so both produce the same rows:

- ``output="json"``: ``id``, ``json`` (the line ``nlpkit analyze -f jsonl`` writes for the
  document, without its newline) and ``error``.
- ``output="columns"``: ``id``, ``entities``, ``stances``, ``summary`` (lists of records, as
  in ``Document.to_dict()``) and ``error``.

A document that cannot be analysed (a text that is not a string, invalid Unicode, a failure
inside the analyzer) becomes an *error row*: ``error`` holds the message, the result columns
are null (``json`` holds ``{"error": ..., "id": ...}``). One bad item never fails a batch, so
it never fails a job. Results do not depend on how rows are batched (the models pad each
input by its own length, see :mod:`nlpkit.models.ner`), so any split into batches and workers
gives the serial CLI's output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from nlpkit.errors import ConfigError, InputError
from nlpkit.export.json import dumps_jsonl_line
from nlpkit.results import Document

if TYPE_CHECKING:
    import pyarrow

    from nlpkit.analysis.analyzer import Analyzer

Output = Literal["json", "columns"]
OUTPUTS: tuple[str, ...] = ("json", "columns")
ROWS_PER_BATCH = 32
"""Documents per batch handed to a worker: enough to fill the model's batches, small enough to retry cheaply."""
JSONL_EXAMPLE = '{"id": "a1", "text": "..."}'


@dataclass(frozen=True)
class AnalyzerSpec:
    """How a worker loads its analyzer: plain values, so it travels to other processes and machines.

    The fields are the arguments of :meth:`nlpkit.Analyzer.from_pretrained`, plus ``targets``
    (extra stance targets asked of every sentence). ``threads`` defaults to 1: a worker is
    given one CPU, and more workers scale better than more threads.
    """

    model: str | None = None
    backend: str = "auto"
    threads: int | None = 1
    batch_size: int = 16
    gazetteer: bool = True
    skip_boilerplate: bool = True
    targets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        """Store paths as strings and targets as a tuple, so specs compare and hash by value."""
        if self.model is not None:
            object.__setattr__(self, "model", os.fspath(self.model))
        if self.targets is not None:
            object.__setattr__(self, "targets", tuple(self.targets))

    def load(self) -> Analyzer:
        """Load the analyzer (once per worker)."""
        from nlpkit.analysis.analyzer import Analyzer

        options = asdict(self)
        options.pop("targets")
        return Analyzer.from_pretrained(options.pop("model"), **options)


class BatchAnalyzer:
    """Turn batches of ``{id, text}`` columns into result columns; the analyzer loads on first use.

    Pickling drops a loaded analyzer, so the object can be sent to worker processes cheaply
    and each loads its own copy.
    """

    def __init__(self, spec: AnalyzerSpec | None = None, *, output: Output = "json", id_column: str = "id",
                 text_column: str = "text") -> None:
        """Set up the batch step; nothing is loaded yet.

        Args:
            spec: the analyzer to load (default: the embedded model).
            output: ``"json"`` or ``"columns"`` (see the module docstring).
            id_column: input column with the document ids.
            text_column: input column with the texts.

        Raises:
            ConfigError: an unknown ``output``.
        """
        if output not in OUTPUTS:
            raise ConfigError(f"Unknown output {output!r}; choose 'json' (one JSON record per row) or 'columns' "
                              "(entities, stances and summary columns).")
        self.spec = spec or AnalyzerSpec()
        self.output = output
        self.id_column = id_column
        self.text_column = text_column
        self._analyzer: Analyzer | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the settings, never a loaded model."""
        return {**self.__dict__, "_analyzer": None}

    @property
    def analyzer(self) -> Analyzer:
        """The analyzer, loaded on first use."""
        if self._analyzer is None:
            self._analyzer = self.spec.load()
        return self._analyzer

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        """Result columns for a batch of input columns (``{id_column: [...], text_column: [...]}``).

        Raises:
            InputError: the batch lacks the id or text column (a setup mistake, not a bad document).
        """
        missing = [name for name in (self.id_column, self.text_column) if name not in batch]
        if missing:
            raise InputError(f"The input has no {' or '.join(map(repr, missing))} column (it has {sorted(batch)}); "
                             "pass id_column=... and text_column=... to name the columns to read.")
        return self.analyze(list(batch[self.id_column]), list(batch[self.text_column]))

    def analyze(self, ids: Sequence[Any], texts: Sequence[Any], *, errors: Sequence[str | None] | None = None,
                keys: Sequence[Any] | None = None) -> dict[str, list[Any]]:
        """Result columns for parallel lists of ids and texts.

        Args:
            ids: document ids, as the JSON records carry them.
            texts: the texts; an item that is not a ``str`` becomes an error row.
            errors: an error already known for a row (e.g. a JSONL line that did not parse).
            keys: values of the ``id`` column when they differ from ``ids`` (see :func:`id_key`).
        """
        outcomes = analyze_texts(self.analyzer, texts, errors=errors, targets=self.spec.targets,
                                 batch_size=self.spec.batch_size)
        return result_columns(list(ids), outcomes, self.output, keys=keys)


def analyze_texts(analyzer: Analyzer, texts: Sequence[Any], *, errors: Sequence[str | None] | None = None,
                  targets: Sequence[str] | None = None, batch_size: int | None = None) -> list[Document | str]:
    """A :class:`Document`, or an error message, for each text.

    The valid texts go through :meth:`Analyzer.pipe` together; if that raises, each is analysed
    alone so that only the documents that fail become error messages.
    """
    from nlpkit.analysis.inputs import describe

    outcomes: list[Document | str | None] = list(errors) if errors is not None else [None] * len(texts)
    for index, text in enumerate(texts):
        if outcomes[index] is None and not isinstance(text, str):
            outcomes[index] = f"InputTypeError: text is {describe(text)}, not a string; each row needs a text string."
    valid = [index for index, outcome in enumerate(outcomes) if outcome is None]
    try:
        documents: list[Document | str] = list(analyzer.pipe([texts[i] for i in valid], targets=targets,
                                                             batch_size=batch_size))
    except Exception:  # noqa: BLE001 - some document failed: analyse one by one to find it and keep the rest
        documents = [_analyze_one(analyzer, texts[i], targets, batch_size) for i in valid]
    for index, document in zip(valid, documents, strict=True):
        outcomes[index] = document
    return outcomes  # type: ignore[return-value]


def _analyze_one(analyzer: Analyzer, text: str, targets: Sequence[str] | None, batch_size: int | None) -> Document | str:
    """One document, or ``"ErrorType: message"`` when it cannot be analysed."""
    try:
        return analyzer(text, targets=targets, batch_size=batch_size)
    except Exception as error:  # noqa: BLE001 - a bad document is reported in its row, never fails the job
        return f"{type(error).__name__}: {error}"


def result_columns(ids: list[Any], outcomes: Sequence[Document | str], output: Output,
                   keys: Sequence[Any] | None = None) -> dict[str, list[Any]]:
    """The output columns (see the module docstring) of documents or error messages."""
    errors = [outcome if isinstance(outcome, str) else None for outcome in outcomes]
    columns: dict[str, list[Any]] = {"id": list(ids if keys is None else keys)}
    if output == "json":
        columns["json"] = [json_line(doc_id, outcome) for doc_id, outcome in zip(ids, outcomes, strict=True)]
    else:
        records = [outcome.to_dict() if isinstance(outcome, Document) else None for outcome in outcomes]
        for name in ("entities", "stances", "summary"):
            columns[name] = [None if record is None else record[name] for record in records]
    columns["error"] = errors
    return columns


def json_line(doc_id: Any, outcome: Document | str) -> str:
    """The serial CLI's JSONL line for a document (without the newline), or ``{"error": ..., "id": ...}``."""
    if isinstance(outcome, Document):
        return dumps_jsonl_line(outcome, doc_id)[:-1]
    return json.dumps({"error": outcome, "id": doc_id}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def id_key(doc_id: Any) -> str:
    """A document id as a string column value: a string as is, anything else as its JSON (``7`` → ``"7"``)."""
    return doc_id if isinstance(doc_id, str) else json.dumps(doc_id, ensure_ascii=False, sort_keys=True)


def parse_jsonl_line(raw: bytes, source: str, number: int, offset: int) -> tuple[Any, Any, str | None]:
    """``(id, text, error)`` of one JSON Lines input line, read as ``nlpkit analyze`` reads it.

    The id defaults to ``"<source>:<number>"``; ``error`` is the message (``text`` is then
    ``None``) for invalid UTF-8 (with the byte offset in the file), invalid JSON, or a line
    without a ``text`` string.
    """
    fallback = f"{source}:{number}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return fallback, None, (f"InputError: {source} is not valid UTF-8: invalid byte 0x{raw[error.start]:02x} at "
                                f"byte offset {offset + error.start}; convert it first (e.g. iconv -f cp1256 -t utf-8).")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return fallback, None, (f"InputError: {fallback} is not valid JSON ({error.msg}); each line must be an object "
                                f"like {JSONL_EXAMPLE}.")
    doc_id = item.get("id", fallback) if isinstance(item, dict) else fallback
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return doc_id, None, f'InputError: {fallback} has no "text" string; each line must be an object like {JSONL_EXAMPLE}.'
    return doc_id, item["text"], None


def result_schema(output: Output, id_type: pyarrow.DataType | None = None) -> pyarrow.Schema:
    """The Arrow schema of the result columns (``id_type``: the id column's type, default string)."""
    import pyarrow as pa

    if output == "json":
        fields = [("json", pa.string())]
    else:
        counts = pa.struct([("FAVOR", pa.int64()), ("AGAINST", pa.int64()), ("NONE", pa.int64())])
        entity = pa.struct([("text", pa.string()), ("label", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                            ("score", pa.float64()), ("canonical", pa.string())])
        stance = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("sentence", pa.int64()),
                            ("target", pa.string()), ("label", pa.string()), ("score", pa.float64()),
                            ("holder", pa.string())])
        summary = pa.struct([("holder", pa.string()), ("target", pa.string()), ("label", pa.string()),
                             ("counts", counts)])
        fields = [("entities", pa.list_(entity)), ("stances", pa.list_(stance)), ("summary", pa.list_(summary))]
    return pa.schema([("id", id_type or pa.string()), *fields, ("error", pa.string())])
