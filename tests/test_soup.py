"""training.soup: the weighted mean of checkpoints that share an architecture, or a clear refusal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

from safetensors.torch import load_file, save_file  # noqa: E402

from nlpkit.errors import ModelLoadError  # noqa: E402
from training.soup import main, make_soup  # noqa: E402


def _perturbed_copy(source: Path, out: Path, delta: float) -> Path:
    """``source`` with ``delta`` added to every floating-point weight."""
    shutil.copytree(source, out)
    state = load_file(str(out / "model.safetensors"))
    save_file({k: (v + delta if v.is_floating_point() else v) for k, v in state.items()}, str(out / "model.safetensors"))
    return out


def test_the_soup_is_the_weighted_mean_and_loads_as_the_same_model(tiny_ner_dir: Path, tmp_path: Path) -> None:
    import transformers

    other = _perturbed_copy(tiny_ner_dir, tmp_path / "other", 0.3)
    out = make_soup([tiny_ner_dir, other], tmp_path / "soup", weights=[2.0, 1.0])

    base, soup = load_file(str(tiny_ner_dir / "model.safetensors")), load_file(str(out / "model.safetensors"))
    assert soup.keys() == base.keys()
    for name, value in base.items():
        if value.is_floating_point():
            torch.testing.assert_close(soup[name], value + 0.1, rtol=0, atol=1e-5)
        else:
            assert torch.equal(soup[name], value)
    model = transformers.AutoModelForTokenClassification.from_pretrained(str(out))
    assert model.config.id2label == transformers.AutoConfig.from_pretrained(str(tiny_ner_dir)).id2label
    assert (out / "tokenizer.json").is_file()
    assert json.loads((out / "PROVENANCE.json").read_text())["weights"] == [2.0, 1.0]


def test_checkpoints_of_different_architectures_are_refused(tiny_ner_dir: Path, tiny_stance_dir: Path,
                                                            tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ModelLoadError, match="other parameters than the first"):
        make_soup([tiny_ner_dir, tiny_stance_dir], tmp_path / "soup")
    narrower = _perturbed_copy(tiny_ner_dir, tmp_path / "narrower", 0.0)
    state = load_file(str(narrower / "model.safetensors"))
    state["classifier.weight"] = state["classifier.weight"][:3].contiguous()
    save_file(state, str(narrower / "model.safetensors"))
    with pytest.raises(ModelLoadError, match="classifier.weight has shape"):
        make_soup([tiny_ner_dir, narrower], tmp_path / "soup")
    assert not (tmp_path / "soup" / "model.safetensors").exists()
    code = main(["--model", str(tiny_ner_dir), "--model", str(tmp_path / "missing"), "--out", str(tmp_path / "s")])
    assert code == 2 and "has no model.safetensors" in capsys.readouterr().err
    assert main(["--model", str(tiny_ner_dir), "--model", str(tiny_ner_dir), "--weight", "1",
                 "--out", str(tmp_path / "s")]) == 2
    assert "2 checkpoints but 1 weights" in capsys.readouterr().err


def test_a_soup_of_mid_run_checkpoints_keeps_the_run_config(tiny_stance_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "runs" / "stance"
    first = _perturbed_copy(tiny_stance_dir, run / "checkpoints" / "checkpoint-100", 0.0)
    (run / "config.resolved.yaml").write_text("task: stance\n", encoding="utf-8")
    out = make_soup([first, _perturbed_copy(tiny_stance_dir, tmp_path / "sibling", 0.2)], tmp_path / "soup")
    assert (out / "config.resolved.yaml").read_text(encoding="utf-8") == "task: stance\n"
    assert json.loads((out / "PROVENANCE.json").read_text())["soup_of"][0] == str(first)
