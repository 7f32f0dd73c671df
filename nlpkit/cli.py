"""The ``nlpkit`` command line: ``analyze``, ``info``, ``export-onnx``, ``train``, ``evaluate``; ``--version``.

Every failure nlpkit anticipates (a missing or undecodable file, a bad option, a model that
does not load) ends the command with exit code 2 and one ``error: ...`` line on stderr.

``nlpkit analyze`` reads text files (one document each), ``-`` for stdin, or JSON Lines
(``{"id": ..., "text": ...}`` per line; files ending in ``.jsonl`` or ``--input-format jsonl``).
With ``--format jsonl`` results are written as they are produced, one flushed line per
document carrying the input's ``id``; ``--resume`` appends to an existing ``--output`` and
skips the ids already there.
"""

from __future__ import annotations

import enum
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

try:  # typer >= 0.20 ships its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on top of click
    from click import exceptions as click_errors

from nlpkit.errors import InputError, NlpkitError
from nlpkit.models.directory import INT8_FFN, INT8_WEIGHTS

if TYPE_CHECKING:
    from nlpkit.analysis.analyzer import Analyzer
    from nlpkit.results import Document

STDIN = "-"
ERROR_EXIT = 2
TARGET_SEPARATORS = (",", "،")
TABLE_WIDTH = 160


class OneLineErrors(TyperGroup):
    """A command group whose usage errors print as one ``error: ...`` line with exit code 2."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command; in standalone mode turn click errors into one line and exit."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click_errors.NoArgsIsHelpError as error:
            typer.echo(error.format_message(), err=True)
            sys.exit(ERROR_EXIT)
        except (click_errors.ClickException, typer.BadParameter) as error:
            fail(error.format_message())
        except typer.Abort:
            fail("aborted")
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="nlpkit",
    help="Arabic news analysis: named entities and target-specific stance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, enum.Enum):
    """Output formats of ``nlpkit analyze``."""

    JSON = "json"
    JSONL = "jsonl"
    TABLE = "table"
    HTML = "html"
    PARQUET = "parquet"


class Engine(str, enum.Enum):
    """Where ``nlpkit analyze`` runs: this process, or Ray Data (local or a cluster)."""

    SERIAL = "serial"
    RAY = "ray"


class InputFormat(str, enum.Enum):
    """How ``nlpkit analyze`` reads its inputs."""

    AUTO = "auto"
    TEXT = "text"
    JSONL = "jsonl"


class BackendName(str, enum.Enum):
    """Inference backends."""

    AUTO = "auto"
    TORCH = "torch"
    ONNX = "onnx"
    ONNX_INT8 = "onnx-int8"


Int8Weights = enum.Enum("Int8Weights", {name.upper(): name for name in INT8_WEIGHTS}, type=str)
"""Weight types of an int8 ONNX graph (:data:`nlpkit.models.directory.INT8_WEIGHTS`)."""
Int8Ffn = enum.Enum("Int8Ffn", {name.upper().replace("-", "_"): name for name in INT8_FFN}, type=str)
"""Feed-forward quantisation of an int8 ONNX graph (:data:`nlpkit.models.directory.INT8_FFN`)."""


@dataclass(frozen=True)
class Record:
    """One document to analyse and the identifier its result carries."""

    id: Any
    text: str


def fail(message: str) -> NoReturn:
    """Print ``error: message`` (one line) on stderr and exit with code 2."""
    typer.echo(f"error: {' '.join(str(message).split())}", err=True)
    raise SystemExit(ERROR_EXIT)


def decode_utf8(data: bytes, name: str, base_offset: int = 0) -> str:
    """Decode ``data`` strictly as UTF-8.

    Raises:
        InputError: naming ``name`` and the byte offset (``base_offset`` + position) of the invalid byte.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name} is not valid UTF-8: invalid byte 0x{data[error.start]:02x} at byte offset {base_offset + error.start}; "
            "convert it first (e.g. iconv -f cp1256 -t utf-8)."
        ) from None


def _open_binary(name: str) -> IO[bytes]:
    """The byte stream of a file name, or stdin for ``-``."""
    return sys.stdin.buffer if name == STDIN else open(name, "rb")  # noqa: SIM115 - closed by the caller


def _is_jsonl(name: str, input_format: InputFormat) -> bool:
    """Whether ``name`` is read as JSON Lines."""
    if input_format is InputFormat.AUTO:
        return name != STDIN and name.lower().endswith(".jsonl")
    return input_format is InputFormat.JSONL


def read_text_record(name: str) -> Record:
    """One whole file (or stdin) as a document whose id is the file name."""
    stream = _open_binary(name)
    try:
        data = stream.read()
    finally:
        if name != STDIN:
            stream.close()
    return Record("<stdin>" if name == STDIN else name, decode_utf8(data, "<stdin>" if name == STDIN else name))


def iter_jsonl_records(name: str) -> Iterator[Record]:
    """Stream the ``{"id": ..., "text": ...}`` lines of a JSONL file (blank lines skipped).

    Raises:
        InputError: invalid UTF-8 (with the byte offset), invalid JSON or a line without ``text``.
    """
    label = "<stdin>" if name == STDIN else name
    stream = _open_binary(name)
    offset = 0
    try:
        for number, raw in enumerate(stream, start=1):
            line = decode_utf8(raw, label, offset).strip()
            offset += len(raw)
            if not line:
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{label}:{number} is not valid JSON ({error.msg}); each line must be an object "
                                 'like {"id": "a1", "text": "..."}.') from None
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise InputError(f'{label}:{number} has no "text" string; each line must be an object like '
                                 '{"id": "a1", "text": "..."}.')
            yield Record(item.get("id", f"{label}:{number}"), item["text"])
    finally:
        if name != STDIN:
            stream.close()


def iter_records(names: Sequence[str], input_format: InputFormat) -> Iterator[Record]:
    """Every document of every input, lazily, in order."""
    for name in names:
        if _is_jsonl(name, input_format):
            yield from iter_jsonl_records(name)
        else:
            yield read_text_record(name)


def check_inputs(names: Sequence[str]) -> None:
    """Fail early, before any model loads, on an input that is not a readable file."""
    if names.count(STDIN) > 1:
        raise InputError("stdin ('-') can be read only once; pass it a single time.")
    for name in names:
        if name != STDIN and not Path(name).is_file():
            raise InputError(f"{name}: no such file" if not Path(name).exists() else f"{name} is not a file.")


def parse_targets(raw: str | None) -> list[str] | None:
    """``"روسيا,اليابان"`` (ASCII or Arabic commas) → ``["روسيا", "اليابان"]``."""
    if raw is None:
        return None
    for separator in TARGET_SEPARATORS[1:]:
        raw = raw.replace(separator, TARGET_SEPARATORS[0])
    targets = [target.strip() for target in raw.split(TARGET_SEPARATORS[0]) if target.strip()]
    if not targets:
        raise InputError("--targets is empty; pass comma-separated targets, e.g. --targets 'روسيا,اليابان'.")
    return targets


def _cut_partial_last_line(path: Path, chunk: int = 1 << 16) -> None:
    """Truncate ``path`` after its last newline (an interrupted run may leave half a line)."""
    with open(path, "r+b") as handle:
        end = handle.seek(0, os.SEEK_END)
        position = end
        while position > 0:
            start = max(0, position - chunk)
            handle.seek(start)
            newline = handle.read(position - start).rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            position = start
        else:
            keep = 0
        if keep != end:
            handle.truncate(keep)


def completed_ids(path: Path) -> set[Any]:
    """Ids already written to a JSONL output; a partly written last line (an interruption) is cut off.

    The file is streamed line by line on ``\\n`` bytes only (JSON strings may hold U+2028 and
    other characters that ``str.splitlines`` would also split on), so memory stays flat.

    Raises:
        InputError: the file holds a complete line that is not a JSON object with an ``id``.
    """
    if not path.is_file():
        return set()
    _cut_partial_last_line(path)
    done = set()
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = decode_utf8(raw, f"{path}:{number}")
            if not line.strip():
                continue
            try:
                done.add(_hashable(json.loads(line)["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(f"{path}:{number} is not an nlpkit JSONL result line; --resume needs the output of "
                                 "an earlier `nlpkit analyze --format jsonl` run.") from None
    return done


def _hashable(value: Any) -> Any:
    """A set key for a JSON id (lists and objects by their canonical JSON)."""
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def _progress(records: Iterable[Record], enabled: bool, total: int | None) -> Iterable[Record]:
    """Wrap ``records`` in a tqdm bar on stderr when ``enabled``."""
    if not enabled:
        return records
    from tqdm import tqdm

    return tqdm(records, total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)


def _count_documents(names: Sequence[str], input_format: InputFormat) -> int | None:
    """The number of documents, when it is cheap to know (no stdin)."""
    if STDIN in names:
        return None
    total = 0
    for name in names:
        if _is_jsonl(name, input_format):
            with open(name, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def analyze_records(analyzer: Analyzer, records: Iterable[Record], targets: list[str] | None,
                    batch_size: int) -> Iterator[tuple[Any, Document]]:
    """``(id, document)`` for each record, streamed through :meth:`Analyzer.pipe`."""
    for_ids, for_texts = itertools.tee(records)
    documents = analyzer.pipe((record.text for record in for_texts), targets=targets, batch_size=batch_size)
    return zip((record.id for record in for_ids), documents, strict=True)


def _write(results: Iterator[tuple[Any, Document]], output_format: OutputFormat, stream: IO[str]) -> None:
    """Render ``results`` to ``stream`` in ``output_format``."""
    from nlpkit import export

    if output_format is OutputFormat.JSONL:
        export.write_jsonl(results, stream)
    elif output_format is OutputFormat.JSON:
        export.write_json(list(results), stream)
    elif output_format is OutputFormat.HTML:
        stream.write(export.render_html(list(results)))
    else:
        from rich.console import Console

        export.print_documents(results, Console(file=stream, width=None if stream.isatty() else TABLE_WIDTH))


def _quiet_transformers() -> None:
    """Hide transformers' per-load progress bars and advisory logs in CLI output (when it is installed)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def _analyze_on_ray(inputs: Sequence[str], output: Path | None, output_format: OutputFormat | None, resume: bool,
                    show_progress: bool | None, address: str | None, workers: int | None, spec_options: dict[str, Any]) -> None:
    """``analyze --engine ray``: check the options that only the serial engine takes, then run on Ray Data."""
    if output is None or resume or STDIN in inputs:
        raise InputError("--engine ray reads JSONL files and writes a folder of part files: pass -o FOLDER, "
                         "and no stdin ('-') or --resume (start again into an empty folder instead).")
    from nlpkit.integrations.batches import AnalyzerSpec
    from nlpkit.integrations.ray_data import analyze_files

    analyze_files(inputs, output, AnalyzerSpec(**spec_options),
                  output_format=(output_format or OutputFormat.PARQUET).value, address=address, workers=workers,
                  progress=sys.stderr.isatty() if show_progress is None else show_progress)


@app.command()
def analyze(
    inputs: Annotated[list[str], typer.Argument(help="text or .jsonl files; '-' reads stdin", show_default=False)],
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", "-f", help="output format [default: json; parquet with --engine ray]", show_default=False)] = None,
    targets: Annotated[str | None, typer.Option(help="extra stance targets, comma-separated: 'روسيا,اليابان'")] = None,
    model: Annotated[Path | None, typer.Option(help="analyzer directory (default: the embedded model)")] = None,
    backend: Annotated[BackendName, typer.Option(help="inference backend")] = BackendName.AUTO,
    threads: Annotated[int | None, typer.Option(min=1, help="CPU threads for inference")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="model inputs per forward pass")] = 16,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    input_format: Annotated[InputFormat, typer.Option(help="auto: *.jsonl as JSON Lines, the rest as text")] = InputFormat.AUTO,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: on a terminal)")] = None,
    resume: Annotated[bool, typer.Option(help="append to --output (jsonl), skipping ids already written")] = False,
    gazetteer: Annotated[bool, typer.Option("--gazetteer/--no-gazetteer", help="add CLDR place names the model missed")] = True,
    skip_boilerplate: Annotated[bool, typer.Option(
        "--skip-boilerplate/--keep-boilerplate",
        help="no stance from keyword, source and share lines, 'read also' lists and stories appended after the tags")] = True,
    engine: Annotated[Engine, typer.Option(help="serial: this process; ray: Ray Data, JSONL files to a folder")] = Engine.SERIAL,
    address: Annotated[str | None, typer.Option(help="Ray cluster (ray://host:10001, auto); default: start a local Ray")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Ray analyzer actors (default: one per CPU)")] = None,
) -> None:
    """Find entities and stances in Arabic news articles."""
    try:
        if engine is Engine.RAY:
            spec_options = {"model": model, "backend": backend.value, "threads": threads or 1, "batch_size": batch_size,
                            "gazetteer": gazetteer, "skip_boilerplate": skip_boilerplate, "targets": parse_targets(targets)}
            _analyze_on_ray(inputs, output, output_format, resume, progress, address, workers, spec_options)
            return
        if address is not None or workers is not None or output_format is OutputFormat.PARQUET:
            raise InputError("--address, --workers and -f parquet need --engine ray.")
        output_format = output_format or OutputFormat.JSON
        check_inputs(inputs)
        target_list = parse_targets(targets)
        if resume and (output is None or output_format is not OutputFormat.JSONL):
            raise InputError("--resume needs --format jsonl and --output FILE (the file a previous run was writing).")
        done = completed_ids(output) if resume and output is not None else set()
        _quiet_transformers()
        from nlpkit.analysis.analyzer import Analyzer

        analyzer = Analyzer.from_pretrained(model, backend=backend.value, threads=threads, batch_size=batch_size,
                                            gazetteer=gazetteer, skip_boilerplate=skip_boilerplate)
        show = sys.stderr.isatty() if progress is None else progress
        total = _count_documents(inputs, input_format) if show else None
        records: Iterable[Record] = iter_records(inputs, input_format)
        if done:
            records = (record for record in records if _hashable(record.id) not in done)
            total = None if total is None else max(total - len(done), 0)
        results = analyze_records(analyzer, _progress(records, show, total), target_list, batch_size)
        if output is None:
            _write(results, output_format, sys.stdout)
        else:
            with open(output, "a" if resume else "w", encoding="utf-8", newline="\n") as stream:
                _write(results, output_format, stream)
    except NlpkitError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{error.filename or ''}: {error.strerror or error}")


def _print_version(value: bool) -> None:
    """``--version``: print nlpkit's version and stop."""
    if value:
        from nlpkit._version import __version__

        typer.echo(f"nlpkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """Arabic news analysis: named entities and target-specific stance."""


@app.command()
def info(
    model: Annotated[list[str] | None, typer.Option(
        help="tier name or analyzer directory (repeatable; default: every embedded tier)")] = None,
    backend: Annotated[BackendName, typer.Option(help="the backend to resolve for each model")] = BackendName.AUTO,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
) -> None:
    """Versions, installed extras, and each model's size and the backend it runs on here."""
    from nlpkit.info import format_info
    from nlpkit.info import info as collect

    try:
        report = collect(model, backend.value)
    except NlpkitError as error:
        fail(str(error))
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_info(report))


@app.command("export-onnx")
def export_onnx(
    model_dir: Annotated[Path, typer.Argument(help="model or analyzer directory")],
    out_dir: Annotated[Path, typer.Argument(help="output directory (may equal MODEL_DIR)")],
    int8: Annotated[bool, typer.Option(help="also write model.int8.onnx (dynamic int8 weights)")] = False,
    opset: Annotated[int, typer.Option(min=13, help="ONNX opset version")] = 17,
    onnx_only: Annotated[bool, typer.Option(
        help="then remove the PyTorch weights (and model.onnx with --int8): a folder for the light install")] = False,
    int8_weights: Annotated[Int8Weights, typer.Option(
        help="weight type of model.int8.onnx: qint8 runs exactly through nlpkit on every CPU; quint8 also in "
             "other ONNX Runtime sessions (which saturate qint8 products on CPUs without VNNI)")] = Int8Weights(INT8_WEIGHTS[0]),
    int8_ffn: Annotated[Int8Ffn, typer.Option(
        help="feed-forward matrices of model.int8.onnx: dynamic like the rest, or weight-only (8-bit MatMulNBits: "
             "closer to float32, slower; needs onnx-ir)")] = Int8Ffn(INT8_FFN[0]),
) -> None:
    """Export a model (or every model of an analyzer directory) to ONNX for the CPU backends."""
    try:
        _quiet_transformers()
        from nlpkit.models.onnx_export import export_onnx as run_export

        target = run_export(model_dir, out_dir, int8=int8, opset=opset, onnx_only=onnx_only,
                            int8_weights=int8_weights.value, int8_ffn=int8_ffn.value)
    except NlpkitError as error:
        fail(str(error))
    written = sorted(str(path.relative_to(target)) for path in target.rglob("*.onnx"))
    typer.echo(f"wrote {', '.join(written)} in {target}", err=True)


@app.command()
def train(
    config: Annotated[Path, typer.Argument(help="YAML config (see configs/)")],
    overrides: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="override a config key (repeatable)")] = None,
) -> None:
    """Train a tokenizer, MLM, NER or stance model from a YAML config (training.train)."""
    try:
        from training.train import main
    except ImportError as error:
        fail(f"training is not available ({error}); install the training extra: pip install \"nlpkit[train]\".")

    argv = [str(config)] + [item for override in overrides or [] for item in ("--set", override)]
    raise typer.Exit(main(argv))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []})
def evaluate(ctx: typer.Context) -> None:
    """Score a saved model on a dataset (training.evaluate; `nlpkit evaluate --help` for its options)."""
    try:
        from training.evaluate import main
    except ImportError as error:
        fail(f"training.evaluate is not available ({error}); install the training extra (pip install \"nlpkit[train]\") "
             "in a source checkout of nlpkit.")
    raise typer.Exit(main(list(ctx.args)))


if __name__ == "__main__":
    app()
