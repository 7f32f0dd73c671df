"""Ensembles: averaged NER word distributions (Viterbi decoding) and stance label distributions; saving, loading, the analyzer and shipping."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.ensemble import ENSEMBLE_FILE, NerEnsemble, StanceEnsemble, load_ner, load_stance
from nlpkit.models.ner import NerModel, tags_from_probabilities
from nlpkit.models.stance import StanceModel
from nlpkit.text.sentences import split_sentences
from tests.conftest import THREADS


@pytest.fixture(scope="module")
def second_ner_dir(tmp_path_factory: pytest.TempPathFactory, tiny_ner_dir: Path) -> Path:
    """The tiny NER model with another classifier head, so the two members disagree."""
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(tiny_ner_dir)
    torch.manual_seed(1)
    torch.nn.init.normal_(model.classifier.weight, std=0.5)
    directory = tmp_path_factory.mktemp("ner_b")
    model.save_pretrained(directory)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tiny_ner_dir / name, directory / name)
    return directory


def _items(texts: list[str]) -> list[tuple[str, list[tuple[int, int]]]]:
    return [(text, split_sentences(text)) for text in texts]


def test_ensemble_decodes_the_weighted_mean_of_member_distributions(tiny_ner_dir: Path, second_ner_dir: Path,
                                                                    seed_texts: list[str]) -> None:
    a = NerModel.from_pretrained(tiny_ner_dir, threads=THREADS)
    b = NerModel.from_pretrained(second_ner_dir, threads=THREADS)
    items = _items([seed_texts[0][:1500]])
    ensemble = NerEnsemble([a, b], [3, 1])
    tagged = ensemble.tag_many(items)[0]
    probs_a, probs_b = a.word_probabilities(items)[0], b.word_probabilities(items)[0]
    assert not np.allclose(probs_a[0][1], probs_b[0][1])
    for sentence, (words, pa), (_, pb) in zip(tagged, probs_a, probs_b, strict=True):
        expected = tags_from_probabilities(words, 0.75 * pa + 0.25 * pb, a.model.labels)
        assert [(t.label, round(t.score, 9)) for t in sentence] == [(t.label, round(t.score, 9)) for t in expected]
    one = NerEnsemble([a])
    assert one.predict_many(items) == a.predict_many(items)


def test_ensemble_saves_loads_and_runs_in_the_analyzer(tiny_ner_dir: Path, second_ner_dir: Path, tiny_stance_dir: Path,
                                                       seed_texts: list[str], tmp_path: Path) -> None:
    members = [NerModel.from_pretrained(d, threads=THREADS) for d in (tiny_ner_dir, second_ner_dir)]
    ensemble = NerEnsemble(members)
    ensemble.save_pretrained(tmp_path / "ens")
    spec = json.loads((tmp_path / "ens" / ENSEMBLE_FILE).read_text(encoding="utf-8"))
    assert [m["path"] for m in spec["members"]] == ["member_0", "member_1"]
    loaded = load_ner(tmp_path / "ens", threads=THREADS)
    assert isinstance(loaded, NerEnsemble)
    items = _items([seed_texts[1][:1200]])
    assert loaded.predict_many(items) == ensemble.predict_many(items)

    analyzer_dir = tmp_path / "analyzer"
    shutil.copytree(tmp_path / "ens", analyzer_dir / "ner")
    shutil.copytree(tiny_stance_dir, analyzer_dir / "stance")
    (analyzer_dir / "nlpkit.json").write_text(json.dumps({"format": "nlpkit-analyzer", "ner": "ner", "stance": "stance"}),
                                              encoding="utf-8")
    doc = Analyzer.from_pretrained(analyzer_dir, threads=THREADS, gazetteer=False)(seed_texts[1][:1200], tasks=("ner",))
    expected = [(s.start, s.end, s.label) for s in ensemble.predict_many(items)[0]]
    assert doc.entities and {(e.start, e.end, e.label) for e in doc.entities} <= set(expected)  # nisba words may drop out
    assert all(doc.text[e.start:e.end] == e.text for e in doc.entities)


def test_broken_ensembles_are_refused(tiny_ner_dir: Path, tiny_stance_dir: Path, tmp_path: Path) -> None:
    (tmp_path / ENSEMBLE_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="cannot be read"):
        load_ner(tmp_path)
    (tmp_path / ENSEMBLE_FILE).write_text(json.dumps({"format": "nlpkit-ner-ensemble", "members": []}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not an nlpkit NER ensemble"):
        load_ner(tmp_path)
    member = NerModel.from_pretrained(tiny_ner_dir, threads=THREADS)
    with pytest.raises(ConfigError, match="positive"):
        NerEnsemble([member, member], [1, 0])
    with pytest.raises(ConfigError, match="at least one"):
        NerEnsemble([])


@pytest.fixture(scope="module")
def second_stance_dir(tmp_path_factory: pytest.TempPathFactory, tiny_stance_dir: Path) -> Path:
    """The tiny stance model with its labels in another order and another head, so columns must be aligned."""
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(tiny_stance_dir)
    torch.manual_seed(2)
    torch.nn.init.normal_(model.classifier.weight, std=2.0)
    order = ["NONE", "FAVOR", "AGAINST"]
    model.config.id2label = dict(enumerate(order))
    model.config.label2id = {label: index for index, label in enumerate(order)}
    directory = tmp_path_factory.mktemp("stance_b")
    model.save_pretrained(directory)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tiny_stance_dir / name, directory / name)
    return directory


def _pairs(seed_texts: list[str]) -> list[tuple[str, str]]:
    sentences = [seed_texts[0][start:end] for start, end in split_sentences(seed_texts[0])[:6]]
    return [(target, sentence) for sentence in sentences for target in ("اليابان", "روسيا")]


def test_stance_ensemble_averages_aligned_label_distributions(tiny_stance_dir: Path, second_stance_dir: Path,
                                                              seed_texts: list[str]) -> None:
    a = StanceModel.from_pretrained(tiny_stance_dir, threads=THREADS)
    b = StanceModel.from_pretrained(second_stance_dir, threads=THREADS)
    assert a.model.labels != b.model.labels
    pairs = _pairs(seed_texts)
    ensemble = StanceEnsemble([a, b], [3, 1])
    columns = [list(b.model.labels).index(label) for label in a.model.labels]
    expected = [0.75 * pa + 0.25 * pb[columns] for pa, pb in zip(a.probabilities(pairs), b.probabilities(pairs), strict=True)]
    mixed = ensemble.probabilities(pairs)
    assert np.allclose(mixed, expected)
    assert [label for label, _ in ensemble.predict(pairs)] == [a.model.labels[int(row.argmax())] for row in expected]
    assert StanceEnsemble([a]).predict(pairs) == a.predict(pairs)


def test_stance_ensemble_saves_loads_and_runs_in_the_analyzer(tiny_ner_dir: Path, tiny_stance_dir: Path,
                                                              second_stance_dir: Path, seed_texts: list[str],
                                                              tmp_path: Path) -> None:
    members = [StanceModel.from_pretrained(d, threads=THREADS) for d in (tiny_stance_dir, second_stance_dir)]
    ensemble = StanceEnsemble(members, [0.8, 0.2])
    ensemble.save_pretrained(tmp_path / "stance")
    loaded = load_stance(tmp_path / "stance", threads=THREADS)
    assert isinstance(loaded, StanceEnsemble)
    pairs = _pairs(seed_texts)
    assert loaded.predict(pairs) == ensemble.predict(pairs)
    with pytest.raises(ModelLoadError, match="not an nlpkit NER ensemble"):
        load_ner(tmp_path / "stance")

    shutil.copytree(tiny_ner_dir, tmp_path / "ner")
    (tmp_path / "nlpkit.json").write_text(json.dumps({"format": "nlpkit-analyzer", "ner": "ner", "stance": "stance"}),
                                          encoding="utf-8")
    analyzer = Analyzer.from_pretrained(tmp_path, threads=THREADS, gazetteer=False)
    assert isinstance(analyzer.stance, StanceEnsemble)
    text = seed_texts[0][:1500]
    doc = analyzer(text, targets=["اليابان"])
    in_memory = Analyzer(NerModel.from_pretrained(tiny_ner_dir, threads=THREADS), ensemble)(text, targets=["اليابان"])
    only_first = Analyzer(NerModel.from_pretrained(tiny_ner_dir, threads=THREADS), members[0])(text, targets=["اليابان"])
    assert doc.stances and doc.to_dict()["stances"] == in_memory.to_dict()["stances"]
    assert [round(r.score, 6) for r in doc.stances] != [round(r.score, 6) for r in only_first.stances]


def test_ship_makes_a_stance_ensemble_with_a_partner_folder(tiny_stance_dir: Path, second_stance_dir: Path,
                                                            tmp_path: Path) -> None:
    from training.ship import ensemble_component

    shutil.copytree(tiny_stance_dir, tmp_path / "tier" / "stance")
    shutil.copytree(second_stance_dir, tmp_path / "other" / "stance")
    with pytest.raises(ConfigError, match="between 0 and 1"):
        ensemble_component(tmp_path / "tier", "stance", "../../other/stance", 1.0)
    with pytest.raises(ConfigError, match="no model folder"):
        ensemble_component(tmp_path / "tier", "stance", "../../missing/stance", 0.8)
    folder = ensemble_component(tmp_path / "tier", "stance", "../../other/stance", 0.8)
    spec = json.loads((folder / ENSEMBLE_FILE).read_text(encoding="utf-8"))
    assert spec["format"] == "nlpkit-stance-ensemble"
    loaded = load_stance(folder, threads=THREADS)
    assert isinstance(loaded, StanceEnsemble) and [round(w, 6) for w in loaded.weights] == [0.8, 0.2]


def test_ship_only_replaces_one_component(tiny_ner_dir: Path, tiny_stance_dir: Path, second_stance_dir: Path,
                                         tmp_path: Path) -> None:
    from training.ship import replace_component, ship

    tier = ship({"ner": tiny_ner_dir, "stance": tiny_stance_dir}, tmp_path / "tier", onnx_only=True)
    ner_files = {path.name: path.read_bytes() for path in (tier / "ner").iterdir()}
    source = shutil.copytree(second_stance_dir, tmp_path / "marked")
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    (source / "config.json").write_text(json.dumps({**config, "nlpkit_pair_format": "marked-target"}), encoding="utf-8")
    replace_component(tier, "stance", source, onnx_only=True)
    assert {path.name: path.read_bytes() for path in (tier / "ner").iterdir()} == ner_files
    assert (tier / "stance" / "model.int8.onnx").is_file() and not list((tier / "stance").glob("*.safetensors"))
    assert not (tier / ".stance.new").exists()
    stance = Analyzer.from_pretrained(tier, threads=THREADS).stance
    assert isinstance(stance, StanceModel)
    assert stance.model.labels == ("NONE", "FAVOR", "AGAINST") and stance.model.pair_format == "marked-target"
    with pytest.raises(ConfigError, match="no stance/ folder"):
        replace_component(tmp_path / "missing", "stance", source)


def test_a_shipped_checkpoint_carries_its_step_and_dev_scores(tiny_ner_dir: Path, tmp_path: Path) -> None:
    from training.ship import write_component

    checkpoint = shutil.copytree(tiny_ner_dir, tmp_path / "run" / "checkpoints" / "checkpoint-200")
    (tmp_path / "run" / "config.resolved.yaml").write_text("task: ner\n", encoding="utf-8")
    state = {"global_step": 200, "log_history": [
        {"step": 100, "eval_loss": 0.2, "eval_anercorp_dev_f1": 0.77},
        {"step": 200, "loss": 0.04},
        {"step": 200, "eval_loss": 0.12, "eval_anercorp_dev_f1": 0.79}]}
    (checkpoint / "trainer_state.json").write_text(json.dumps(state), encoding="utf-8")
    folder = write_component("ner", checkpoint, tmp_path / "shipped")
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["shipped_checkpoint"] == "checkpoint-200" and metrics["steps"] == 200
    assert metrics["eval"] == {"loss": 0.12, "anercorp_dev_f1": 0.79}
    assert (folder / "config.resolved.yaml").read_text(encoding="utf-8") == "task: ner\n"


def test_tune_ensemble_scores_stance_weights_like_the_members(tiny_stance_dir: Path, second_stance_dir: Path,
                                                              seed_texts: list[str]) -> None:
    from training.metrics import stance_scores
    from training.tune_ensemble import stance_grid

    a = StanceModel.from_pretrained(tiny_stance_dir, threads=THREADS)
    b = StanceModel.from_pretrained(second_stance_dir, threads=THREADS)
    pairs = _pairs(seed_texts)
    gold = ["AGAINST", "NONE", "FAVOR"] * (len(pairs) // 3) + ["NONE"] * (len(pairs) % 3)
    dataset = {"target": [t for t, _ in pairs], "text": [x for _, x in pairs], "label": gold}
    scores = stance_grid([a, b], dataset, [1.0, 0.5, 0.0])
    for weight, member in ((1.0, a), (0.0, b)):
        assert scores[weight] == stance_scores(gold, [label for label, _ in member.predict(pairs)])[0]["macro_f1"]
    mixed = StanceEnsemble([a, b], [0.5, 0.5]).predict(pairs)
    assert scores[0.5] == stance_scores(gold, [label for label, _ in mixed])[0]["macro_f1"]


def test_auto_runs_every_member_on_the_onnx_graph_of_an_onnx_only_first_member(tiny_ner_dir: Path, second_ner_dir: Path,
                                                                               tmp_path: Path) -> None:
    """As the shipped accurate tier: an ONNX-only member beside a partner folder that also holds PyTorch weights."""
    from nlpkit.models.backend import TorchBackend
    from nlpkit.models.onnx import OnnxBackend
    from nlpkit.models.onnx_export import export_onnx

    export_onnx(tiny_ner_dir, tmp_path / "ens" / "main", int8=True, onnx_only=True)
    export_onnx(second_ner_dir, tmp_path / "partner", int8=True)
    assert list((tmp_path / "partner").glob("*.safetensors"))
    (tmp_path / "ens" / ENSEMBLE_FILE).write_text(json.dumps({"format": "nlpkit-ner-ensemble", "members": [
        {"path": "main", "weight": 1}, {"path": "../partner", "weight": 1}]}), encoding="utf-8")
    backends = [type(member.model.backend) for member in load_ner(tmp_path / "ens", threads=THREADS).members]
    assert backends == [OnnxBackend, OnnxBackend]
    torch_first = json.dumps({"format": "nlpkit-ner-ensemble", "members": [{"path": "../partner"}, {"path": "main"}]})
    (tmp_path / "ens" / ENSEMBLE_FILE).write_text(torch_first, encoding="utf-8")
    backends = [type(member.model.backend) for member in load_ner(tmp_path / "ens", threads=THREADS).members]
    assert backends == [TorchBackend, OnnxBackend]
