"""The ``nlpkit`` command line on the seed articles with the tiny analyzer fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import seed_paths
from typer.testing import CliRunner

from nlpkit.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    """Invoke the CLI in-process; return (exit code, stdout, stderr)."""
    result = runner.invoke(app, [str(arg) for arg in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def seed() -> Path:
    return seed_paths()[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSONL corpus: the five seed articles, split in halves, with string and integer ids."""
    lines = []
    for number, path in enumerate(seed_paths()):
        text = path.read_text(encoding="utf-8")
        lines.append({"id": f"a{number}", "text": text[: len(text) // 2]})
        lines.append({"id": number, "text": text[len(text) // 2 :]})
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def test_json_format_matches_the_analyzer(tiny_analyzer_dir: Path, analyzer, seed: Path) -> None:
    code, out, err = run("analyze", seed, "--model", tiny_analyzer_dir, "--format", "json", "--threads", "1")
    assert code == 0, err
    record = json.loads(out)
    assert record.pop("id") == str(seed)
    assert record == analyzer(seed.read_text(encoding="utf-8")).to_dict()


def test_boilerplate_switch(tiny_analyzer_dir: Path) -> None:
    article = next(path for path in seed_paths() if path.name.startswith("003"))  # ends in keywords and an appended story
    footer = article.read_text(encoding="utf-8").index("كلمات دلالية")
    starts = {}
    for flag in ("--skip-boilerplate", "--keep-boilerplate"):
        code, out, err = run("analyze", article, "--model", tiny_analyzer_dir, "--targets", "روسيا", flag, "--no-gazetteer")
        assert code == 0, err
        record = json.loads(out)
        assert any(e["start"] > footer for e in record["entities"])  # entities in boilerplate are kept either way
        starts[flag] = [record["sentences"][s["sentence"]]["start"] for s in record["stances"] if s["target"] == "روسيا"]
    assert starts["--skip-boilerplate"] and all(start < footer for start in starts["--skip-boilerplate"])
    assert any(start > footer for start in starts["--keep-boilerplate"])


def test_table_and_html_formats(tiny_analyzer_dir: Path, seed: Path, tmp_path: Path) -> None:
    code, out, err = run("analyze", seed, "--model", tiny_analyzer_dir, "--format", "table", "--targets", "روسيا,اليابان")
    assert code == 0, err
    assert "Entities" in out and "Stances" in out and "روسيا" in out
    page = tmp_path / "page.html"
    code, _, err = run("analyze", seed, seed_paths()[1], "--model", tiny_analyzer_dir, "-f", "html", "-o", page)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html dir="rtl" lang="ar">' in html
    assert html.count('<section class="document">') == 2


def test_stdin_text_and_targets(tiny_analyzer_dir: Path) -> None:
    code, out, err = run("analyze", "-", "--model", tiny_analyzer_dir, "--targets", "روسيا،اليابان",
                         stdin="قال لافروف إن روسيا تدعم اليابان.".encode())
    assert code == 0, err
    record = json.loads(out)
    assert record["id"] == "<stdin>"
    assert {"روسيا", "اليابان"} <= {stance["target"] for stance in record["stances"]}


def test_jsonl_streaming_keeps_ids(tiny_analyzer_dir: Path, corpus: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "out.jsonl"
    code, _, err = run("analyze", corpus, "--model", tiny_analyzer_dir, "-f", "jsonl", "-o", out_file)
    assert code == 0, err
    inputs = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    outputs = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in outputs] == [i["id"] for i in inputs]
    assert [o["text"] for o in outputs] == [i["text"] for i in inputs]


def test_resume_after_interruption(tiny_analyzer_dir: Path, corpus: Path, tmp_path: Path) -> None:
    full = tmp_path / "full.jsonl"
    assert run("analyze", corpus, "--model", tiny_analyzer_dir, "-f", "jsonl", "-o", full)[0] == 0
    expected = full.read_text(encoding="utf-8").splitlines(keepends=True)
    partial = tmp_path / "partial.jsonl"
    # An interrupted run: three complete lines, then half of the fourth.
    partial.write_text("".join(expected[:3]) + expected[3][: len(expected[3]) // 2], encoding="utf-8")
    code, _, err = run("analyze", corpus, "--model", tiny_analyzer_dir, "-f", "jsonl", "-o", partial, "--resume")
    assert code == 0, err
    assert partial.read_text(encoding="utf-8").splitlines(keepends=True) == expected
    code, _, err = run("analyze", corpus, "--model", tiny_analyzer_dir, "-f", "jsonl", "-o", partial, "--resume")
    assert code == 0, err
    assert partial.read_text(encoding="utf-8").splitlines(keepends=True) == expected


def one_line_error(code: int, err: str) -> str:
    """Assert the CLI failed with exit code 2 and a single ``error:`` line; return it."""
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_missing_file(tiny_analyzer_dir: Path, tmp_path: Path) -> None:
    code, _, err = run("analyze", tmp_path / "nope.txt", "--model", tiny_analyzer_dir)
    assert "nope.txt: no such file" in one_line_error(code, err)


def test_bad_option(tiny_analyzer_dir: Path, seed: Path) -> None:
    code, _, err = run("analyze", seed, "--model", tiny_analyzer_dir, "--format", "xml")
    assert "--format" in one_line_error(code, err)
    code, _, err = run("analyze", seed, "--bogus")
    assert "--bogus" in one_line_error(code, err)
    code, _, err = run("analyze", seed, "--model", tiny_analyzer_dir, "--backend", "tpu")
    assert "--backend" in one_line_error(code, err)


def test_invalid_utf8_names_file_and_byte_offset(tiny_analyzer_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("روسيا".encode() + b"\xff rest")
    code, _, err = run("analyze", bad, "--model", tiny_analyzer_dir)
    line = one_line_error(code, err)
    assert str(bad) in line and "byte offset 10" in line
    lines = tmp_path / "bad.jsonl"
    lines.write_bytes(b'{"id": 1, "text": "ok"}\n{"id": 2, "text": "\xc3("}\n')
    code, _, err = run("analyze", lines, "--model", tiny_analyzer_dir, "-f", "jsonl")
    assert "byte offset 43" in one_line_error(code, err)


def test_bad_model_dir(tmp_path: Path, seed: Path) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    code, _, err = run("analyze", seed, "--model", tmp_path)
    assert "config.json" in one_line_error(code, err)
    code, _, err = run("analyze", seed, "--model", tmp_path / "missing")
    assert "does not exist" in one_line_error(code, err)


def test_resume_needs_jsonl_output(tiny_analyzer_dir: Path, seed: Path) -> None:
    code, _, err = run("analyze", seed, "--model", tiny_analyzer_dir, "--resume")
    assert "--resume" in one_line_error(code, err)


def test_completed_ids_splits_on_newlines_only(tmp_path: Path) -> None:
    from nlpkit.cli import completed_ids

    out = tmp_path / "out.jsonl"
    lines = [json.dumps({"id": "a", "text": "سطر\u2028فاصل\u0085"}, ensure_ascii=False),
             json.dumps({"id": "b", "text": "نص"}, ensure_ascii=False)]
    out.write_bytes(("\n".join(lines) + "\n" + '{"id": "c", "te').encode("utf-8"))
    assert completed_ids(out) == {"a", "b"}
    assert out.read_bytes().endswith(b"}\n")


def test_version() -> None:
    from nlpkit import __version__

    code, out, err = run("--version")
    assert code == 0, err
    assert out.strip() == f"nlpkit {__version__}"


def test_info_reports_the_tiers_and_their_backends() -> None:
    code, out, err = run("info", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["packages"]["onnxruntime"] and report["packages"]["tokenizers"]
    tiers = {model["name"]: model for model in report["models"]}
    assert set(tiers) == {"accurate", "fast"} and tiers["accurate"]["default"] and not tiers["fast"]["default"]
    assert 0 < tiers["fast"]["megabytes"] < tiers["accurate"]["megabytes"] < 120
    ner = tiers["accurate"]["ner"]
    assert [member["weight"] for member in ner] == [0.5, 0.5] and ner[1]["path"] == tiers["fast"]["ner"][0]["path"]
    for model in tiers.values():  # both tiers run their int8 graphs, with or without PyTorch installed
        assert {member["backend"] for member in model["ner"] + model["stance"]} == {"onnx-int8"}
    assert tiers["accurate"]["stance"][0]["int8"] == "dynamic-qint8-per-channel+ffn-weight-only-block128"
    assert ner[0]["int8"] == "dynamic-qint8-per-channel"
    code, out, err = run("info", "--model", "accurate")
    assert code == 0 and "(dynamic-qint8-per-channel+ffn-weight-only-block128)" in out, err


def test_info_says_why_a_backend_cannot_run(tiny_analyzer_dir: Path) -> None:
    code, out, err = run("info", "--model", str(tiny_analyzer_dir), "--backend", "onnx-int8")
    assert code == 0, err
    assert f"model {tiny_analyzer_dir}: {tiny_analyzer_dir}" in out
    assert "ner     cannot run" in out and "model.int8.onnx is missing" in out
    code, out, err = run("info", "--model", str(tiny_analyzer_dir))
    assert code == 0 and "cannot run" not in out and "ner     torch" in out


def test_info_bad_model(tmp_path: Path) -> None:
    code, out, err = run("info", "--model", str(tmp_path / "missing"))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "does not exist" in err and "Traceback" not in err


def test_export_onnx_with_unsigned_int8_weights(tiny_stance_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    import onnx

    code, _, err = run("export-onnx", tiny_stance_dir, tmp_path / "out", "--int8", "--int8-weights", "quint8")
    assert code == 0, err
    metadata = {p.key: p.value for p in onnx.load(str(tmp_path / "out" / "model.int8.onnx")).metadata_props}
    assert metadata["nlpkit.quantization"] == "dynamic-quint8-per-channel"
    code, _, err = run("export-onnx", tiny_stance_dir, tmp_path / "bad", "--int8", "--int8-weights", "int4")
    assert code == 2 and "int4" in err


def test_export_onnx_with_weight_only_feed_forward(tiny_stance_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    import onnx

    code, _, err = run("export-onnx", tiny_stance_dir, tmp_path / "out", "--int8", "--int8-ffn", "weight-only")
    assert code == 0, err
    graph = onnx.load(str(tmp_path / "out" / "model.int8.onnx"))
    assert any(node.op_type == "MatMulNBits" for node in graph.graph.node)
    metadata = {p.key: p.value for p in graph.metadata_props}
    assert metadata["nlpkit.quantization"].endswith("+ffn-weight-only-block128")
    code, _, err = run("export-onnx", tiny_stance_dir, tmp_path / "bad", "--int8", "--int8-ffn", "int4")
    assert code == 2 and "int4" in err
