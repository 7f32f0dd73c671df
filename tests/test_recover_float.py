"""training.recover_float: float PyTorch weights rebuilt from an int8 ONNX-only model folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnx")
torch = pytest.importorskip("torch")

from nlpkit.errors import ModelLoadError  # noqa: E402
from nlpkit.models.onnx_export import export_onnx  # noqa: E402
from training.recover_float import main, recover  # noqa: E402


@pytest.mark.parametrize(("fixture", "weights", "ffn"),
                         [("tiny_ner_dir", "qint8", "dynamic"), ("tiny_stance_dir", "qint8", "dynamic"),
                          ("tiny_stance_dir", "quint8", "dynamic"), ("tiny_stance_dir", "qint8", "weight-only")])
def test_recovered_weights_are_the_float_weights_within_a_quantisation_step(
        fixture: str, weights: str, ffn: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    import transformers

    source: Path = request.getfixturevalue(fixture)
    shipped = export_onnx(source, tmp_path / "shipped", int8=True, onnx_only=True, int8_weights=weights, int8_ffn=ffn)
    (shipped / "metrics.json").write_text('{"steps": 7}\n', encoding="utf-8")
    assert not list(shipped.glob("*.safetensors"))
    out = recover(shipped, tmp_path / "recovered")

    config = transformers.AutoConfig.from_pretrained(str(source))
    architecture = getattr(transformers, config.architectures[0])
    original = architecture.from_pretrained(str(source)).eval()
    rebuilt = architecture.from_pretrained(str(out)).eval()
    before, after = original.state_dict(), rebuilt.state_dict()
    assert set(before) == set(after)
    for name, value in before.items():
        spread = float(value.abs().max()) if value.numel() else 0.0
        # int8 per output channel (or uint8 per table, or 8-bit per block of a row): at most one step of 2 * max / 255
        assert float((after[name] - value).abs().max()) <= 2 * spread / 255 + 1e-6, name
    assert "classifier.weight" in after and not torch.equal(after["classifier.weight"], torch.zeros_like(after["classifier.weight"]))

    ids = torch.tensor([[2, 5, 9, 14, 3]])
    with torch.no_grad():
        expected, got = original(input_ids=ids).logits.numpy(), rebuilt(input_ids=ids).logits.numpy()
    np.testing.assert_allclose(got, expected, atol=0.05)
    assert (out / "tokenizer.json").is_file() and (out / "PROVENANCE.json").is_file()
    assert (out / "metrics.json").read_text(encoding="utf-8") == '{"steps": 7}\n'  # training records travel along


def test_a_folder_without_an_int8_graph_is_refused_clearly(tiny_ner_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ModelLoadError, match="no model.int8.onnx"):
        recover(tiny_ner_dir, tmp_path / "out")
    assert main(["--model", str(tiny_ner_dir), "--out", str(tmp_path / "out")]) == 2
    assert "no model.int8.onnx" in capsys.readouterr().err
