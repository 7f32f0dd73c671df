"""ONNX export and the ONNX Runtime backend, against PyTorch on the tiny models and the seed articles."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import THREADS

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.backend import make_backend
from nlpkit.models.directory import INT8_FILE, ONNX_FILE, QUANTIZATION_KEY, read_config
from nlpkit.models.loading import load_model, load_tokenizer
from nlpkit.models.onnx import OnnxBackend
from nlpkit.models.onnx_export import export_onnx, quantize_int8


@pytest.fixture(scope="module")
def onnx_analyzer_dir(tmp_path_factory: pytest.TempPathFactory, tiny_analyzer_dir: Path) -> Path:
    """The tiny analyzer exported (fp32 and int8) into a new folder."""
    return export_onnx(tiny_analyzer_dir, tmp_path_factory.mktemp("onnx") / "analyzer", int8=True)


def test_export_writes_loadable_model_dirs(onnx_analyzer_dir: Path) -> None:
    for part in ("ner", "stance"):
        folder = onnx_analyzer_dir / part
        assert (folder / ONNX_FILE).is_file() and (folder / INT8_FILE).is_file()
        assert (folder / "config.json").is_file() and (folder / "tokenizer.json").is_file()
        assert read_config(folder)[QUANTIZATION_KEY] == "dynamic-qint8-per-channel"  # what `nlpkit info` shows
        backend = OnnxBackend(folder, threads=THREADS)
        assert backend.metadata["max_length"] == "128"
        assert int(backend.metadata["embedding_rows"]) == int(backend.metadata["tokenizer_size"])
        assert backend.metadata["input_names"] == '["input_ids", "attention_mask", "token_type_ids"]'
    assert (onnx_analyzer_dir / "nlpkit.json").is_file()


@pytest.mark.parametrize("task", ["ner", "stance"])
def test_fp32_logits_match_torch(onnx_analyzer_dir: Path, seed_texts: list[str], task: str) -> None:
    torch_model = load_model(onnx_analyzer_dir / task, task, threads=THREADS)
    onnx_model = load_model(onnx_analyzer_dir / task, task, backend="onnx", threads=THREADS)
    int8_model = load_model(onnx_analyzer_dir / task, task, backend="onnx-int8", threads=THREADS)
    texts = [text[:300] for text in seed_texts]
    tokenizer = load_tokenizer(onnx_analyzer_dir / task)
    if task == "stance":
        encoding = tokenizer(["روسيا"] * len(texts), texts, padding=True, truncation=True, max_length=128,
                             return_tensors="np")
    else:
        encoding = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="np")
    batch = {name: encoding[name] for name in tokenizer.model_input_names if name in encoding}
    expected = torch_model.backend.logits(batch)
    got = onnx_model.backend.logits(batch)
    mask = batch["attention_mask"].astype(bool) if expected.ndim == 3 else slice(None)
    np.testing.assert_allclose(got[mask], expected[mask], atol=1e-4)
    quantized = int8_model.backend.logits(batch)
    assert quantized.shape == expected.shape and np.isfinite(quantized).all()


def _entities(documents) -> set[tuple[int, int, int, str]]:
    return {(number, e.start, e.end, e.label) for number, doc in enumerate(documents) for e in doc.entities}


def test_onnx_analyzer_agrees_with_torch(onnx_analyzer_dir: Path, seed_texts: list[str]) -> None:
    torch_docs = list(Analyzer.from_pretrained(onnx_analyzer_dir, threads=THREADS).pipe(seed_texts))
    onnx_docs = list(Analyzer.from_pretrained(onnx_analyzer_dir, backend="onnx", threads=THREADS).pipe(seed_texts))
    gold, predicted = _entities(torch_docs), _entities(onnx_docs)
    assert gold, "the tiny model should predict some entities on the seeds"
    true_positives = len(gold & predicted)
    f1 = 2 * true_positives / (len(gold) + len(predicted))
    assert f1 >= 0.98
    assert [s.label for d in onnx_docs for s in d.stances] == [s.label for d in torch_docs for s in d.stances]


def test_mismatched_tokenizer_is_refused(onnx_analyzer_dir: Path, tmp_path: Path, tiny_ner_dir: Path) -> None:
    from transformers import AutoTokenizer

    folder = tmp_path / "ner"
    shutil.copytree(onnx_analyzer_dir / "ner", folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.add_tokens(["كلمة_جديدة", "أخرى_جديدة"])
    tokenizer.save_pretrained(folder)
    with pytest.raises(ModelLoadError, match="belongs to another model"):
        OnnxBackend(folder)


def test_missing_and_corrupt_onnx_files(onnx_analyzer_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stance"
    shutil.copytree(onnx_analyzer_dir / "stance", folder)
    (folder / INT8_FILE).unlink()
    with pytest.raises(ModelLoadError, match="export-onnx"):
        make_backend(folder, "onnx-int8", "stance")
    (folder / ONNX_FILE).write_bytes(b"not an onnx graph")
    with pytest.raises(ModelLoadError, match="not a readable ONNX model"):
        load_model(folder, "stance", backend="onnx")


def test_old_onnxruntime_gets_an_upgrade_hint(onnx_analyzer_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release without an operator of the graph (onnxruntime 1.21 on 8-bit MatMulNBits) is not a damaged file."""
    import onnxruntime

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Exception during initialization: "
                           "matmul_nbits.cc:114 MatMulNBits nbits_ == 4 was false. Only 4b quantization is supported")

    monkeypatch.setattr(onnxruntime, "InferenceSession", refuse)
    with pytest.raises(ModelLoadError, match=r"cannot run an operator.*1\.22 or later: `pip install -U onnxruntime`"):
        load_model(onnx_analyzer_dir / "stance", "stance", backend="onnx-int8")


def _stance_batch(folder: Path) -> dict[str, np.ndarray]:
    tokenizer = load_tokenizer(folder)
    encoding = tokenizer(["روسيا", "اليابان"], ["أدانت روسيا العقوبات", "رحبت اليابان بالاتفاق"], padding=True,
                         return_tensors="np")
    return {name: encoding[name] for name in tokenizer.model_input_names if name in encoding}


@pytest.mark.parametrize(("weights", "dtype"), [("qint8", np.int8), ("quint8", np.uint8)])
def test_int8_weight_types(onnx_analyzer_dir: Path, tmp_path: Path, weights: str, dtype: type) -> None:
    import onnx
    from onnx import numpy_helper

    folder = tmp_path / "stance"
    shutil.copytree(onnx_analyzer_dir / "stance", folder)
    quantize_int8(folder / ONNX_FILE, folder / INT8_FILE, weights=weights)
    graph = onnx.load(str(folder / INT8_FILE))
    quantized = [numpy_helper.to_array(t) for t in graph.graph.initializer
                 if t.name.endswith("_quantized") and "MatMul" in t.name]
    assert quantized and all(array.dtype == dtype for array in quantized)
    metadata = {prop.key: prop.value for prop in graph.metadata_props}
    assert metadata["nlpkit.quantization"] == f"dynamic-{weights}-per-channel"
    assert metadata["nlpkit.max_length"] == "128"  # the export's metadata is carried over
    batch = _stance_batch(folder)
    expected = load_model(folder, "stance", backend="onnx", threads=THREADS).backend.logits(batch)
    got = load_model(folder, "stance", backend="onnx-int8", threads=THREADS).backend.logits(batch)
    np.testing.assert_allclose(got, expected, atol=0.1)


def test_unknown_int8_weight_type_is_refused(onnx_analyzer_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="qint8, quint8"):
        quantize_int8(onnx_analyzer_dir / "stance" / ONNX_FILE, tmp_path / INT8_FILE, weights="int4")
    assert not (tmp_path / INT8_FILE).exists()


def test_weight_only_feed_forward(onnx_analyzer_dir: Path, tmp_path: Path) -> None:
    """int8_ffn="weight-only": the feed-forward MatMuls become 8-bit MatMulNBits, the others stay dynamic int8."""
    import onnx

    folder = tmp_path / "stance"
    shutil.copytree(onnx_analyzer_dir / "stance", folder)
    quantize_int8(folder / ONNX_FILE, folder / INT8_FILE, ffn="weight-only")
    graph = onnx.load(str(folder / INT8_FILE))
    nbits = [node for node in graph.graph.node if node.op_type == "MatMulNBits"]
    integer = [node.name for node in graph.graph.node if node.op_type == "MatMulInteger"]
    assert len(nbits) == 2 * read_config(folder)["num_hidden_layers"]
    assert all({a.name: a.i for a in node.attribute}["bits"] == 8 for node in nbits)
    assert integer and not any("intermediate" in name or "/output/dense" in name.replace("attention/output", "")
                               for name in integer)
    assert not list(folder.glob("*.ffn"))  # the intermediate graph is removed
    metadata = {prop.key: prop.value for prop in graph.metadata_props}
    assert metadata["nlpkit.quantization"] == "dynamic-qint8-per-channel+ffn-weight-only-block128"
    batch = _stance_batch(folder)
    expected = load_model(folder, "stance", backend="onnx", threads=THREADS).backend.logits(batch)
    got = load_model(folder, "stance", backend="onnx-int8", threads=THREADS).backend.logits(batch)
    np.testing.assert_allclose(got, expected, atol=0.1)
    initializers = {tensor.name: tensor for tensor in graph.graph.initializer}
    assert all(initializers[node.input[1]].data_type == onnx.TensorProto.UINT8 for node in nbits)  # 8-bit weights


def test_weight_only_needs_feed_forward_names(onnx_analyzer_dir: Path, tmp_path: Path) -> None:
    import onnx

    graph = onnx.load(str(onnx_analyzer_dir / "stance" / ONNX_FILE))
    for number, node in enumerate(graph.graph.node):
        node.name = f"node_{number}"
    onnx.save(graph, str(tmp_path / ONNX_FILE))
    with pytest.raises(ModelLoadError, match="no feed-forward MatMul"):
        quantize_int8(tmp_path / ONNX_FILE, tmp_path / INT8_FILE, ffn="weight-only")
    with pytest.raises(ConfigError, match="dynamic, weight-only"):
        quantize_int8(tmp_path / ONNX_FILE, tmp_path / INT8_FILE, ffn="int4")


def test_int8_products_are_exact_on_every_cpu() -> None:
    """uint8 x int8 products whose pairs overflow 16 bits: exact with nlpkit's session options.

    On x86 CPUs without VNNI, ONNX Runtime's default kernel saturates each pair's sum at 32,767 (this
    graph then gives 32,767 x 32 instead of 255 x 127 x 64); the shipped int8 graphs rely on the exact path.
    """
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from nlpkit.models.onnx import session_options

    width = 64
    weights = numpy_helper.from_array(np.full((width, 1), 127, dtype=np.int8), "B")
    graph = helper.make_graph([helper.make_node("MatMulInteger", ["A", "B"], ["Y"])], "products",
                              [helper.make_tensor_value_info("A", TensorProto.UINT8, [None, width])],
                              [helper.make_tensor_value_info("Y", TensorProto.INT32, [None, 1])], [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    session = ort.InferenceSession(model.SerializeToString(), sess_options=session_options(THREADS),
                                   providers=["CPUExecutionProvider"])
    got = session.run(None, {"A": np.full((3, width), 255, dtype=np.uint8)})[0]
    assert got.ravel().tolist() == [255 * 127 * width] * 3
