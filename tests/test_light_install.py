"""The base install: analyze() and the CLI on ONNX Runtime, with torch and transformers unimportable.

A child Python process gets an import hook that makes ``torch`` and ``transformers`` fail to
import (as on ``pip install nlpkit`` without extras) and runs the tiny models exported to ONNX;
its results are compared with the PyTorch backend on the same weights in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import THREADS, seed_paths

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.errors import ModelLoadError
from nlpkit.models import backend as backend_module
from nlpkit.models.backend import choose_backend
from nlpkit.models.directory import AUTO_BACKEND_KEY, INT8_FILE, ONNX_FILE, WEIGHT_FILES, validate_model_dir
from nlpkit.models.loading import load_model
from nlpkit.models.onnx import OnnxBackend
from nlpkit.models.onnx_export import drop_torch_files, export_onnx

ROOT = Path(__file__).resolve().parents[1]
NO_TORCH = '''
import sys

class NoTorch:
    """Import hook: torch and transformers are not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("torch", "transformers"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoTorch())
'''
ANALYZE = NO_TORCH + '''
import json
import nlpkit
model, paths = sys.argv[1], sys.argv[2:]
texts = [open(path, encoding="utf-8", newline="").read() for path in paths]
documents = [doc.to_dict() for doc in nlpkit.load(model, threads=1).pipe(texts)]
loaded = sorted(name for name in sys.modules if name.partition(".")[0] in ("torch", "transformers"))
print(json.dumps({"documents": documents, "loaded": loaded}))
'''
CLI = NO_TORCH + '''
from nlpkit.cli import app
sys.argv = ["nlpkit", *sys.argv[1:]]
app()
'''
SEEDS = [str(path) for path in seed_paths()[:3]]


def run_without_torch(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child Python whose torch and transformers imports fail."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env=env, check=False)


@pytest.fixture(scope="module")
def exported_dir(tmp_path_factory: pytest.TempPathFactory, tiny_analyzer_dir: Path) -> Path:
    """The tiny analyzer with PyTorch weights, model.onnx and model.int8.onnx."""
    return export_onnx(tiny_analyzer_dir, tmp_path_factory.mktemp("light") / "exported", int8=True)


@pytest.fixture(scope="module")
def fp32_only_dir(exported_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny analyzer with model.onnx only (no PyTorch weights, no int8 graph)."""
    folder = shutil.copytree(exported_dir, tmp_path_factory.mktemp("light") / "fp32")
    for part in ("ner", "stance"):
        drop_torch_files(folder / part)
        (folder / part / INT8_FILE).unlink()
    return folder


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory: pytest.TempPathFactory, tiny_ner_dir: Path, tiny_stance_dir: Path) -> Path:
    """The tiny models shipped ONNX-only by ``python -m training.ship --onnx-only``."""
    from training.ship import ship

    return ship({"ner": tiny_ner_dir, "stance": tiny_stance_dir}, tmp_path_factory.mktemp("light") / "shipped",
                onnx_only=True)


@pytest.fixture(scope="module")
def shipped_int8_dir(tmp_path_factory: pytest.TempPathFactory, tiny_ner_dir: Path, tiny_stance_dir: Path) -> Path:
    """The tiny models shipped as the fast tier is, by ``python -m training.ship --int8``: PyTorch weights and int8."""
    from training.ship import ship

    return ship({"ner": tiny_ner_dir, "stance": tiny_stance_dir}, tmp_path_factory.mktemp("light") / "int8", int8=True)


def _spans(document: dict) -> list[tuple[int, int, str, str]]:
    return [(e["start"], e["end"], e["label"], e["text"]) for e in document["entities"]]


def test_analyze_without_torch_matches_the_torch_backend(fp32_only_dir: Path, tiny_analyzer_dir: Path) -> None:
    result = run_without_torch(ANALYZE, str(fp32_only_dir), *SEEDS)
    assert result.returncode == 0, result.stderr
    light = json.loads(result.stdout)
    assert light["loaded"] == []
    texts = [open(path, encoding="utf-8", newline="").read() for path in SEEDS]
    reference = [doc.to_dict() for doc in
                 Analyzer.from_pretrained(tiny_analyzer_dir, backend="torch", threads=THREADS).pipe(texts)]
    assert sum(len(doc["entities"]) for doc in light["documents"]) > 0
    for got, expected, text in zip(light["documents"], reference, texts, strict=True):
        assert got["text"] == text
        assert all(text[start:end] == surface for start, end, _, surface in _spans(got))
        assert _spans(got) == _spans(expected)
        assert [e["score"] for e in got["entities"]] == pytest.approx([e["score"] for e in expected["entities"]], abs=1e-3)
        assert [(s["target"], s["label"]) for s in got["stances"]] == [(s["target"], s["label"]) for s in expected["stances"]]


def test_cli_without_torch(shipped_dir: Path) -> None:
    result = run_without_torch(CLI, "analyze", SEEDS[0], "--model", str(shipped_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    expected = Analyzer.from_pretrained(shipped_dir, threads=THREADS)(open(SEEDS[0], encoding="utf-8", newline="").read())
    assert _spans(document) == _spans(expected.to_dict()) and document["entities"]
    assert [s["label"] for s in document["stances"]] == [s.label for s in expected.stances]


def test_torch_only_model_without_torch_says_how_to_fix(tiny_analyzer_dir: Path, shipped_dir: Path) -> None:
    result = run_without_torch(CLI, "analyze", SEEDS[0], "--model", str(tiny_analyzer_dir))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert 'pip install "nlpkit[torch]"' in result.stderr and "nlpkit export-onnx" in result.stderr
    result = run_without_torch(CLI, "analyze", SEEDS[0], "--model", str(shipped_dir), "--backend", "torch")
    assert result.returncode == 2 and "only ONNX files" in result.stderr


def test_info_without_torch(tiny_analyzer_dir: Path) -> None:
    result = run_without_torch(CLI, "info", "--model", "fast", "--model", str(tiny_analyzer_dir))
    assert result.returncode == 0, result.stderr
    fast, tiny = result.stdout.split("\nmodel ")[1:]
    assert fast.count("onnx-int8") == 2 and "cannot run" not in fast
    assert tiny.count("cannot run") == 2 and 'pip install "nlpkit[torch]"' in tiny


def test_shipped_onnx_only_dir_runs_on_onnx_even_with_torch(shipped_dir: Path) -> None:
    for task in ("ner", "stance"):
        folder = shipped_dir / task
        assert not [name for name in (*WEIGHT_FILES, ONNX_FILE) if (folder / name).exists()]
        assert validate_model_dir(folder, task)
        loaded = load_model(folder, task, threads=THREADS)
        assert isinstance(loaded.backend, OnnxBackend) and loaded.backend.path.name == INT8_FILE
        with pytest.raises(ModelLoadError, match=r"only ONNX files.*backend='auto'"):
            load_model(folder, task, backend="torch")


def test_shipped_tier_with_torch_weights_runs_its_int8_graph_on_auto(shipped_int8_dir: Path, tmp_path: Path) -> None:
    folder = shipped_int8_dir / "ner"
    assert (folder / WEIGHT_FILES[0]).is_file() and (folder / INT8_FILE).is_file()
    assert json.loads((folder / "config.json").read_text(encoding="utf-8"))[AUTO_BACKEND_KEY] == "onnx-int8"
    assert choose_backend(folder, "auto") == "onnx-int8"
    assert choose_backend(folder, "torch") == "torch"
    analyzer = Analyzer.from_pretrained(shipped_int8_dir, threads=THREADS, gazetteer=False)
    for model in (analyzer.ner.model, analyzer.stance.model):  # type: ignore[union-attr]
        assert isinstance(model.backend, OnnxBackend) and model.backend.path.name == INT8_FILE
    copy = shutil.copytree(folder, tmp_path / "copy")
    (copy / INT8_FILE).unlink()
    assert choose_backend(copy, "auto") == "torch"  # a copy without the graph runs what it has
    config = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    (copy / "config.json").write_text(json.dumps({**config, AUTO_BACKEND_KEY: "tensorrt"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"nlpkit_auto_backend='tensorrt'.*onnx-int8, onnx"):
        choose_backend(copy, "auto")


def test_auto_backend_choice(exported_dir: Path, fp32_only_dir: Path, tiny_ner_dir: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_backend(exported_dir / "ner", "auto") == "torch"
    assert choose_backend(fp32_only_dir / "ner", "auto") == "onnx"
    monkeypatch.setattr(backend_module, "torch_available", lambda: False)
    assert choose_backend(exported_dir / "ner", "auto") == "onnx-int8"
    assert choose_backend(fp32_only_dir / "ner", "auto") == "onnx"
    with pytest.raises(ModelLoadError, match=r'pip install "nlpkit\[torch\]".*nlpkit export-onnx'):
        choose_backend(tiny_ner_dir, "auto")
    with pytest.raises(ModelLoadError, match=r'backend=.torch. needs PyTorch.*pip install "nlpkit\[torch\]"'):
        choose_backend(exported_dir / "ner", "torch")
