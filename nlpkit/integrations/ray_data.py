"""nlpkit on Ray Data: one analyzer per actor, batches of ``{id, text}`` rows → result rows.

``pip install "nlpkit[ray]"``. The documented way to analyse a corpus on a Ray cluster::

    import ray
    from nlpkit.integrations.ray_data import RayAnalyzer

    ds = ray.data.read_json("corpus/", lines=True, num_cpus=0)       # rows {id, text, ...}
    ds = ds.map_batches(RayAnalyzer, fn_constructor_kwargs={"model": "fast"}, batch_size=32,
                        batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=4))
    ds.write_parquet("out/", ray_remote_args={"num_cpus": 0})   # id, json, error

(:func:`analyze_dataset` is that ``map_batches`` call.) Reading and writing take no CPU
reservation so that a pool holding every CPU does not starve them. Ray Data restarts an actor
that dies and retries its batch (``max_restarts=-1``, ``max_task_retries=-1`` are its defaults
for actor pools), so a lost worker costs a model load, not the job. Rows are described in
:mod:`nlpkit.integrations.batches`; a bad document becomes an error row.

``nlpkit analyze corpus.jsonl -o out/ --engine ray`` runs :func:`analyze_files`: it reads the
JSONL lines itself (:class:`JsonlLines`, the serial CLI's rules: ids default to
``"<file>:<line>"``, a line that does not parse becomes an error row), and with ``-f jsonl``
writes the very lines the serial CLI writes, in files of any order.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from nlpkit.errors import InputError, MissingDependencyError
from nlpkit.integrations.batches import (
    ROWS_PER_BATCH,
    AnalyzerSpec,
    BatchAnalyzer,
    Output,
    id_key,
    parse_jsonl_line,
    result_schema,
)

try:
    import pyarrow as pa
    import ray
    import ray.data
    from ray.data.block import BlockAccessor
    from ray.data.datasource import BlockBasedFileDatasink, FileBasedDatasource
except ImportError as error:  # pragma: no cover - exercised without ray installed
    raise MissingDependencyError(f"The Ray engine needs Ray Data ({error}); install it with: pip install \"nlpkit[ray]\"."
                                 ) from error

LINE_COLUMNS = ("source", "line", "offset", "raw")
"""Columns of :class:`JsonlLines` rows: file name, 1-based line number, byte offset, the line's bytes."""
LINES_PER_BLOCK = 1024
FORMATS = ("parquet", "jsonl")


class RayAnalyzer:
    """A callable class for ``Dataset.map_batches``: loads the analyzer once per actor.

    Batches are ``pyarrow.Table`` (``batch_format="pyarrow"``) with the id and text columns,
    or, with ``jsonl=True``, rows of :class:`JsonlLines`. The output table has the columns
    of :func:`nlpkit.integrations.batches.result_schema`; the ``id`` column keeps the input's
    type (with ``jsonl=True``: strings, non-string ids as their JSON).
    """

    def __init__(self, model: str | os.PathLike[str] | None = None, *, output: Output = "json", id_column: str = "id",
                 text_column: str = "text", jsonl: bool = False, spec: AnalyzerSpec | None = None,
                 **options: Any) -> None:
        """Load the analyzer (this runs once in each actor).

        Args:
            model: analyzer directory or tier name (``"fast"``); ``None``: the embedded default.
            output: ``"json"`` (``id, json, error``) or ``"columns"`` (``id, entities, stances, summary, error``).
            id_column, text_column: the input columns to read.
            jsonl: the batches are raw JSONL lines from :func:`read_jsonl_lines`.
            spec: a complete :class:`AnalyzerSpec` instead of ``model`` and ``options``.
            **options: other :class:`AnalyzerSpec` fields (``backend``, ``threads``, ``batch_size``,
                ``targets``, ``gazetteer``, ``skip_boilerplate``).
        """
        spec = spec or AnalyzerSpec(model=None if model is None else os.fspath(model), **options)
        self.batches = BatchAnalyzer(spec, output=output, id_column=id_column, text_column=text_column)
        self.jsonl = jsonl
        self.batches.analyzer  # noqa: B018 - load the model when the actor starts, not on its first batch

    def __call__(self, batch: pa.Table) -> pa.Table:
        """Analyse one batch; one output row per input row (blank JSONL lines were dropped when read)."""
        if self.jsonl:
            return self._lines(batch)
        columns = self.batches({name: batch.column(name).to_pylist() for name in batch.column_names})
        id_type = batch.schema.field(self.batches.id_column).type
        return pa.table(columns, schema=result_schema(self.batches.output, None if pa.types.is_null(id_type) else id_type))

    def _lines(self, batch: pa.Table) -> pa.Table:
        """Parse raw JSONL lines, then analyse the documents they hold."""
        parsed = [parse_jsonl_line(raw, source, number, offset)
                  for source, number, offset, raw in zip(*(batch.column(name).to_pylist() for name in LINE_COLUMNS),
                                                         strict=True)]
        ids = [doc_id for doc_id, _, _ in parsed]
        columns = self.batches.analyze(ids, [text for _, text, _ in parsed], errors=[error for _, _, error in parsed],
                                       keys=[id_key(doc_id) for doc_id in ids])
        return pa.table(columns, schema=result_schema(self.batches.output))


class JsonlLines(FileBasedDatasource):
    """The non-blank lines of JSON Lines files, as bytes, with file name, line number and byte offset.

    Lines end at ``\\n`` only (JSON strings may hold U+2028), and are decoded by the analysing
    actor, so a bad line becomes an error row there instead of failing the read.
    """

    def __init__(self, paths: Sequence[str], **file_options: Any) -> None:
        """List the files (in the driver); the lines are read by Ray's read tasks.

        Args:
            paths: files or folders (local, NFS, ``s3://``, ... as Ray Data reads them).
            **file_options: passed to :class:`ray.data.datasource.FileBasedDatasource`.
        """
        super().__init__(list(paths), **file_options)
        self._labels = {os.path.abspath(path): path for path in paths if "://" not in path}

    def _read_stream(self, f: pa.NativeFile, path: str) -> Iterator[pa.Table]:
        """Yield blocks of up to :data:`LINES_PER_BLOCK` lines of one file."""
        source = self._labels.get(os.path.abspath(path), path) if "://" not in path else path
        rows: dict[str, list[Any]] = {name: [] for name in LINE_COLUMNS}
        offset = 0
        for number, raw in enumerate(io.BufferedReader(f, 1 << 20), start=1):  # type: ignore[arg-type]
            if raw.strip():
                for name, value in zip(LINE_COLUMNS, (source, number, offset, raw.rstrip(b"\r\n")), strict=True):
                    rows[name].append(value)
            offset += len(raw)
            if len(rows["raw"]) >= LINES_PER_BLOCK:
                yield _lines_table(rows)
                rows = {name: [] for name in LINE_COLUMNS}
        if rows["raw"]:
            yield _lines_table(rows)


def _lines_table(rows: dict[str, list[Any]]) -> pa.Table:
    """One block of :class:`JsonlLines`."""
    types = (pa.string(), pa.int64(), pa.int64(), pa.binary())
    return pa.table({name: pa.array(rows[name], type) for name, type in zip(LINE_COLUMNS, types, strict=True)})


class JsonlSink(BlockBasedFileDatasink):
    """Write the ``json`` column, one line per row, into ``*.jsonl`` files of a folder."""

    def __init__(self, path: str, **file_options: Any) -> None:
        """Write ``*.jsonl`` part files into the folder ``path``.

        Args:
            path: the output folder.
            **file_options: passed to :class:`ray.data.datasource.BlockBasedFileDatasink`.
        """
        super().__init__(path, file_format="jsonl", **file_options)

    def write_block_to_file(self, block: BlockAccessor, file: pa.NativeFile) -> None:
        """Write a block's lines (UTF-8, ``\\n``-terminated)."""
        lines = block.to_arrow().column("json").to_pylist()
        file.write("".join(line + "\n" for line in lines).encode("utf-8"))


def read_jsonl_lines(paths: str | Sequence[str], **read_options: Any) -> ray.data.Dataset:
    """A dataset of the raw lines of JSONL files (feed it to ``RayAnalyzer(jsonl=True)``).

    The read takes no CPU reservation (``num_cpus=0``, overridable in ``read_options``), so it
    runs beside an actor pool that holds every CPU.
    """
    paths = [paths] if isinstance(paths, str) else list(paths)
    return ray.data.read_datasource(JsonlLines(paths), **{"num_cpus": 0, **read_options})


def analyze_dataset(dataset: ray.data.Dataset, spec: AnalyzerSpec | None = None, *, workers: int | None = None,
                    output: Output = "json", jsonl: bool = False, rows_per_batch: int = ROWS_PER_BATCH,
                    **columns: str) -> ray.data.Dataset:
    """``dataset.map_batches(RayAnalyzer, ...)`` on a fixed pool of actors (lazy, like any Ray Data step).

    Args:
        dataset: rows with ``id`` and ``text`` (or :func:`read_jsonl_lines` rows with ``jsonl=True``).
        spec: the analyzer each actor loads (default: the embedded model, one thread).
        workers: actors; default: as many as the cluster has CPUs for (one per ``spec.threads`` CPUs).
        output: ``"json"`` or ``"columns"`` (see :mod:`nlpkit.integrations.batches`).
        jsonl: the rows are raw JSONL lines.
        rows_per_batch: documents per call; a worker that dies loses at most this much work.
        **columns: ``id_column=`` / ``text_column=`` when the input names them differently.
    """
    spec = spec or AnalyzerSpec()
    cpus = spec.threads or 1
    if workers is None:
        workers = max(1, int(ray.cluster_resources().get("CPU", 1)) // cpus)
    return dataset.map_batches(
        RayAnalyzer,
        fn_constructor_kwargs={"spec": spec, "output": output, "jsonl": jsonl, **columns},
        batch_size=rows_per_batch,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cpus,
    )


def analyze_files(paths: Sequence[str], out_dir: str | os.PathLike[str], spec: AnalyzerSpec | None = None, *,
                  output_format: str = "parquet", address: str | None = None, workers: int | None = None,
                  progress: bool = False) -> None:
    """Analyse JSONL files into a folder of Parquet or JSONL files (``nlpkit analyze --engine ray``).

    Connects to the Ray cluster at ``address`` (``ray://host:10001``, ``host:6379``, ``auto``),
    or starts a local one when none is given and none is running; a Ray started here is shut
    down at the end.

    Args:
        paths: JSONL files (``{"id": ..., "text": ...}`` per line) or folders of them.
        out_dir: an absent or empty folder.
        spec: the analyzer (see :class:`AnalyzerSpec`).
        output_format: ``"parquet"`` (columns ``id, json, error``) or ``"jsonl"`` (the serial
            CLI's lines, plus ``{"error": ..., "id": ...}`` lines for bad documents).
        address: the Ray cluster to use.
        workers: analyzer actors (default: one per CPU of the cluster).
        progress: show Ray Data's progress bars.

    Raises:
        InputError: an unknown format; on a local Ray also a missing input file or an output
            folder that is not empty.
    """
    if output_format not in FORMATS:
        raise InputError(f"--engine ray writes {' or '.join(FORMATS)}, not {output_format}; pass -f parquet or -f jsonl.")
    local = address is None  # with a cluster, paths are the cluster's (shared storage), not this machine's
    for path in paths:
        if local and "://" not in path and not Path(path).exists():
            raise InputError(f"{path}: no such file; the Ray engine reads JSONL files (or folders of them), not stdin.")
    out = os.fspath(out_dir)
    if local and "://" not in out and Path(out).exists() and (not Path(out).is_dir() or any(Path(out).iterdir())):
        raise InputError(f"{out} is not an empty folder; the Ray engine writes a folder of part files: "
                         "remove it or pass another -o.")
    spec = spec or AnalyzerSpec()
    if spec.model is not None and Path(spec.model).exists():  # workers may run in another directory
        spec = dataclasses.replace(spec, model=os.path.abspath(spec.model))
    started = _connect(address)
    try:
        ray.data.DataContext.get_current().enable_progress_bars = progress
        results = analyze_dataset(read_jsonl_lines(paths), spec, workers=workers, jsonl=True)
        if output_format == "jsonl":
            results.write_datasink(JsonlSink(out), ray_remote_args={"num_cpus": 0})
        else:
            results.write_parquet(out, ray_remote_args={"num_cpus": 0})
    finally:
        if started:
            ray.shutdown()


def _connect(address: str | None) -> bool:
    """Join the Ray cluster at ``address``, or start a local one; return whether this call started Ray."""
    if ray.is_initialized():
        return False
    quiet_workers = {"TRANSFORMERS_VERBOSITY": "error", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    options: dict[str, Any] = {"runtime_env": {"env_vars": quiet_workers}, "logging_level": "WARNING"}
    if address is None:
        options["include_dashboard"] = False
    ray.init(address=address, **options)
    return True
