"""NER ensembles: averaged word distributions, Viterbi decoding, saving and loading through the analyzer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.ensemble import ENSEMBLE_FILE, NerEnsemble, load_ner
from nlpkit.models.ner import NerModel, tags_from_probabilities
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
