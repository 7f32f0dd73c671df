"""Ray Data engine: output equal to the serial CLI, a worker killed mid-run, bad rows as error rows.

One local Ray (``num_cpus=2``, no dashboard) serves the whole module. The worker-kill test
runs the documented ``map_batches`` recipe with a wrapper whose actor process exits
(``os._exit``, as a killed worker would) on its second batch, once per run (an exclusive
marker file decides which actor): Ray Data restarts the actor and retries the lost batch.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import THREADS, seed_paths
from typer.testing import CliRunner

from nlpkit.cli import app
from nlpkit.export import dumps_jsonl_line

ray = pytest.importorskip("ray")
pq = pytest.importorskip("pyarrow.parquet")

from nlpkit.integrations.ray_data import RayAnalyzer  # noqa: E402 - after the importorskip above

TESTS = Path(__file__).resolve().parent
runner = CliRunner()


@pytest.fixture(scope="module")
def ray_session():
    """A local Ray for this module; workers can import this test file (for :class:`CrashOnce`)."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING",
             runtime_env={"env_vars": {"PYTHONPATH": str(TESTS), "TRANSFORMERS_VERBOSITY": "error"}})
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_no_progress_timeout_s = 180  # a stuck pipeline fails the test instead of hanging CI
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    """Twelve documents: seed halves and short texts, string and integer ids."""
    rows: list[dict[str, Any]] = []
    for number, path in enumerate(seed_paths()):
        text = path.read_text(encoding="utf-8")
        rows.append({"id": f"a{number}", "text": text[: len(text) // 2]})
        rows.append({"id": number, "text": text[len(text) // 2 :]})
    rows.append({"id": "short", "text": "قال لافروف إن روسيا تدعم اليابان."})
    rows.append({"id": "empty", "text": ""})
    return rows


def serial_lines(analyzer, rows: list[dict[str, Any]]) -> list[str]:
    """What the serial CLI writes for ``rows`` with ``-f jsonl`` (the CLI tests check that equality)."""
    documents = analyzer.pipe([row["text"] for row in rows])
    return [dumps_jsonl_line(document, row["id"])[:-1] for row, document in zip(rows, documents, strict=True)]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def read_folder_lines(folder: Path) -> list[str]:
    return [line for part in sorted(folder.glob("*.jsonl")) for line in part.read_text(encoding="utf-8").splitlines()]


def cli(*args: Any) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stderr


class CrashOnce:
    """:class:`RayAnalyzer` whose process exits on its second batch, in one actor of one run."""

    def __init__(self, marker: str, **options: Any) -> None:
        self.inner = RayAnalyzer(**options)
        self.marker = marker
        self.calls = 0

    def __call__(self, batch):
        self.calls += 1
        if self.calls == 2:
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                pass
            else:
                os._exit(1)
        return self.inner(batch)


def test_cli_jsonl_lines_equal_serial_output(ray_session, tiny_analyzer_dir: Path, documents, tmp_path: Path) -> None:
    rows = [*documents, {"text": "بلا معرف"}]  # no id: "<file>:<line>", as the serial CLI names it
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows)
    serial = tmp_path / "serial.jsonl"
    code, err = cli("analyze", corpus, "--model", tiny_analyzer_dir, "-f", "jsonl", "-o", serial, "--threads", THREADS)
    assert code == 0, err
    out = tmp_path / "out"
    code, err = cli("analyze", corpus, "--model", tiny_analyzer_dir, "-f", "jsonl", "-o", out, "--engine", "ray",
                    "--workers", 2, "--batch-size", 4)
    assert code == 0, err
    lines = read_folder_lines(out)
    assert sorted(lines) == sorted(serial.read_text(encoding="utf-8").splitlines())
    assert any(f'"id":"{corpus}:{len(rows)}"' in line for line in lines)


def test_worker_killed_mid_run(ray_session, tiny_analyzer_dir: Path, analyzer, documents, tmp_path: Path) -> None:
    rows = [{"id": f"{row['id']}-{copy}", "text": row["text"]} for copy in range(2) for row in documents]
    marker = tmp_path / "crashed"
    dataset = ray.data.from_items(rows, override_num_blocks=8).map_batches(
        CrashOnce, fn_constructor_kwargs={"marker": str(marker), "model": str(tiny_analyzer_dir), "threads": THREADS},
        batch_size=3, batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=2), num_cpus=1)
    results = dataset.take_all()
    assert marker.exists()  # an actor did die mid-run
    assert sorted(row["id"] for row in results) == sorted(row["id"] for row in rows)  # each document exactly once
    assert all(row["error"] is None for row in results)
    assert sorted(row["json"] for row in results) == sorted(serial_lines(analyzer, rows))


def test_bad_lines_become_error_rows(ray_session, tiny_analyzer_dir: Path, analyzer, documents, tmp_path: Path) -> None:
    good = documents[:4]
    lines = [json.dumps(row, ensure_ascii=False).encode() for row in good[:2]]
    lines += [b'{"id": "broken", "text": ', b'{"id": "no-text"}', b'{"id": "number", "text": 7}',
              b'{"id": "surrogate", "text": "\\ud800 x"}', b'{"id": "latin1", "text": "caf\xe9"}']
    lines += [json.dumps(row, ensure_ascii=False).encode() for row in good[2:]]
    corpus = tmp_path / "bad.jsonl"
    corpus.write_bytes(b"\n".join(lines) + b"\n\n")
    out = tmp_path / "out"
    code, err = cli("analyze", corpus, "--model", tiny_analyzer_dir, "-o", out, "--engine", "ray", "--workers", 1, "--progress")
    assert code == 0, err
    table = pq.read_table(out).to_pylist()
    by_id = {row["id"]: row for row in table}
    assert len(table) == len(lines) == len(by_id)
    errors = {doc_id: row["error"] for doc_id, row in by_id.items() if row["error"] is not None}
    assert set(errors) == {f"{corpus}:3", "no-text", "number", "surrogate", f"{corpus}:7"}
    assert "is not valid JSON" in errors[f"{corpus}:3"] and 'no "text" string' in errors["no-text"]
    assert "surrogate" in errors["surrogate"].lower()
    offset = sum(len(line) + 1 for line in lines[:6]) + lines[6].index(b"\xe9")
    assert f"byte offset {offset}" in errors[f"{corpus}:7"]
    assert json.loads(by_id["no-text"]["json"]) == {"error": errors["no-text"], "id": "no-text"}
    assert sorted(by_id[str(row["id"])]["json"] for row in good) == sorted(serial_lines(analyzer, good))


def test_columns_output_and_bad_rows_from_python(ray_session, tiny_analyzer_dir: Path, analyzer, documents) -> None:
    from nlpkit.integrations.batches import AnalyzerSpec
    from nlpkit.integrations.ray_data import analyze_dataset

    rows = [{"id": index, "text": row["text"]} for index, row in enumerate(documents)]
    rows.insert(3, {"id": 99, "text": None})
    spec = AnalyzerSpec(model=str(tiny_analyzer_dir), targets=("روسيا",), threads=THREADS)
    results = analyze_dataset(ray.data.from_items(rows), spec, workers=1, output="columns").take_all()
    by_id = {row["id"]: row for row in results}
    assert sorted(by_id) == sorted(row["id"] for row in rows)
    assert "not a string" in by_id[99]["error"] and by_id[99]["entities"] is None
    for row in rows:
        if row["text"] is None:
            continue
        expected = analyzer(row["text"], targets=["روسيا"]).to_dict()
        got = by_id[row["id"]]
        assert got["error"] is None
        assert [dict(e) for e in got["entities"]] == expected["entities"]
        assert [dict(s) for s in got["stances"]] == expected["stances"]
        assert [dict(r, counts=dict(r["counts"])) for r in got["summary"]] == expected["summary"]


def test_cli_engine_option_errors(tiny_analyzer_dir: Path, tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", [{"id": 1, "text": "نص"}])
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.parquet").write_bytes(b"")
    cases = [
        (("--engine", "ray"), "-o FOLDER"),
        (("--engine", "ray", "-o", tmp_path / "out", "-f", "html"), "-f parquet or -f jsonl"),
        (("--engine", "ray", "-o", tmp_path / "full"), "not an empty folder"),
        (("--engine", "ray", "-o", tmp_path / "out", "--resume", "-f", "jsonl"), "--resume"),
        (("--workers", 2), "need --engine ray"),
        (("-f", "parquet"), "need --engine ray"),
    ]
    for options, message in cases:
        code, err = cli("analyze", corpus, "--model", tiny_analyzer_dir, *options)
        assert code == 2 and message in err and "Traceback" not in err, (options, err)
