"""End-to-end tests of the training module on a tiny random BERT (2 layers x 32), a few steps each.

Every run goes through ``training.train.main`` with ``--set`` overrides, as a user would.
Tests that read the shared data are marked ``data`` and skip when it is not there.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import datasets
import numpy as np
import pytest

from nlpkit.data.labels import NER_LABELS, NER_TYPES, STANCE_LABELS
from nlpkit.data.paths import data_dir
from training.config import Config, SourceConfig, load_config
from training.evaluate import main as evaluate_main
from training.train import main as train_main

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
HAS_DATA = (data_dir() / "ner" / "anercorp").is_dir() and (data_dir() / "stance" / "mawqif").is_dir()
needs_data = pytest.mark.skipif(not HAS_DATA, reason="shared data directory not found")

FAST = ["--set", "train.threads=1", "--set", "train.batch_size=8", "--set", "train.eval_batch_size=16",
        "--set", "train.logging_steps=1"]

NER_ROWS = [
    ("قال الرئيس محمد علي في القاهرة يوم 12 أيار 2003 .", "O O B-PER I-PER O B-LOC O B-DATE I-DATE I-DATE O"),
    ("وزارة الخارجية الأردنية أصدرت بيانا أمس في عمان .", "B-ORG I-ORG I-ORG O O B-DATE O B-LOC O"),
    ("التقى الملك عبدالله الثاني وفدا من الأمم المتحدة .", "O O B-PER I-PER O O B-ORG I-ORG O"),
    ("فاز نادي الهلال على النصر في الرياض .", "O B-ORG I-ORG O B-ORG O B-LOC O"),
]


def _set(key: str, value: object) -> list[str]:
    return ["--set", f"{key}={value}"]


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tokenizer trained on the seed articles and a random tiny BertForMaskedLM, saved together."""
    from transformers import BertConfig, BertForMaskedLM

    from training.tasks.tokenizer import train_tokenizer, wrap_fast_tokenizer

    directory = tmp_path_factory.mktemp("base")
    lines = [line.strip() for path in sorted((ROOT / "seeds").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tokenizer = wrap_fast_tokenizer(train_tokenizer(iter(lines * 2), vocab_size=1200, min_frequency=1), 512)
    tokenizer.save_pretrained(directory)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id)
    BertForMaskedLM(config).save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def ner_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small NER file in the shared schema (no id/source/annotated_types: defaults apply)."""
    path = tmp_path_factory.mktemp("jsonl") / "mini_ner.jsonl"
    rows = [{"tokens": text.split(), "tags": tags.split()} for text, tags in NER_ROWS] * 6
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def resumed_ner(base_dir: Path, ner_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """NER on the JSONL only: 4 steps saving every 2, then rerun to 6 steps (must resume at 4)."""
    out = tmp_path_factory.mktemp("ner_resume") / "run"
    args = [str(CONFIGS / "ner_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir), *_set("output_dir", out),
            *_set("data.train", f"[{{name: {ner_jsonl}}}]"), *_set("data.eval", "[]"), *_set("train.save_steps", 2)]
    assert train_main([*args, *_set("train.max_steps", 4)]) == 0
    first = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert train_main([*args, *_set("train.max_steps", 6)]) == 0
    return {"dir": out, "first": first, "second": json.loads((out / "metrics.json").read_text(encoding="utf-8"))}


def test_tokenizer_and_mlm_tasks(tmp_path: Path) -> None:
    seed_files = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    tok_dir, mlm_dir = tmp_path / "tok", tmp_path / "mlm"
    assert train_main([str(CONFIGS / "tokenizer_mini.yaml"), *_set("output_dir", tok_dir), *_set("data.corpora", "[]"),
                       *_set("data.text_files", json.dumps(seed_files)), *_set("tokenizer.vocab_size", 600),
                       *_set("tokenizer.min_frequency", 1), *_set("data.max_documents", 50)]) == 0
    assert (tok_dir / "tokenizer.json").is_file()
    assert train_main([str(CONFIGS / "mlm_mini.yaml"), *FAST, *_set("output_dir", mlm_dir), *_set("data.corpora", "[]"),
                       *_set("data.text_files", json.dumps(seed_files)), *_set("model.tokenizer", tok_dir),
                       *_set("model.max_length", 32), *_set("model.architecture.hidden_size", 32),
                       *_set("model.architecture.num_hidden_layers", 1), *_set("model.architecture.num_attention_heads", 2),
                       *_set("model.architecture.intermediate_size", 64), *_set("train.max_steps", 2)]) == 0
    assert json.loads((mlm_dir / "metrics.json").read_text())["steps"] == 2


def test_mlm_continues_a_headless_encoder(base_dir: Path, tmp_path: Path) -> None:
    """Task-adaptive pretraining starts from a saved BertModel (no MLM head, as e5 is imported): its encoder
    weights carry over (the MLM head it lacks starts from random)."""
    import torch
    from transformers import BertForMaskedLM, BertModel

    encoder_dir, out = tmp_path / "encoder", tmp_path / "tapt"
    encoder = BertModel.from_pretrained(base_dir)
    encoder.save_pretrained(encoder_dir)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(base_dir / name, encoder_dir / name)
    seed_files = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    assert train_main([str(CONFIGS / "mlm_e5_tapt.yaml"), *FAST, *_set("output_dir", out), *_set("data.train", "[]"),
                       *_set("data.text_files", json.dumps(seed_files)), *_set("model.name_or_path", encoder_dir),
                       *_set("model.tokenizer", encoder_dir), *_set("model.max_length", 32),
                       *_set("train.max_steps", 1), *_set("train.learning_rate", 1e-9),
                       *_set("train.warmup_ratio", 0.0)]) == 0
    continued = BertForMaskedLM.from_pretrained(out).bert.state_dict()
    for name, weight in encoder.state_dict().items():
        if not name.startswith("pooler."):
            assert torch.allclose(continued[name], weight, atol=1e-6), name


def test_resume_from_last_checkpoint(resumed_ner: dict) -> None:
    out = resumed_ner["dir"]
    assert resumed_ner["first"]["steps"] == 4 and resumed_ner["first"]["resumed_from"] is None
    assert resumed_ner["second"]["resumed_from"] == "checkpoint-4"
    assert resumed_ner["second"]["steps"] == 6
    state = json.loads((out / "checkpoints" / "checkpoint-6" / "trainer_state.json").read_text())
    assert state["global_step"] == 6
    assert resumed_ner["second"]["train_examples"] == {"mini_ner": 24}


def test_saved_ner_model_has_labels_and_outputs(resumed_ner: dict) -> None:
    out = resumed_ner["dir"]
    config = json.loads((out / "config.json").read_text())
    assert [config["id2label"][str(i)] for i in range(len(NER_LABELS))] == list(NER_LABELS)
    assert config["label2id"]["B-DATE"] == NER_LABELS.index("B-DATE")
    for name in ("model.safetensors", "tokenizer.json", "metrics.json", "config.resolved.yaml"):
        assert (out / name).is_file(), name


def test_ner_pipeline_loads_saved_dir(resumed_ner: dict, tmp_path: Path) -> None:
    """The HF pipeline reads our directory; a classifier biased to B-PER must yield spans with exact offsets."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    model = AutoModelForTokenClassification.from_pretrained(resumed_ner["dir"])
    with torch.no_grad():
        model.classifier.bias[model.config.label2id["B-PER"]] = 50.0
    model.save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(resumed_ner["dir"]).save_pretrained(tmp_path)
    text = "قال الرئيس محمد علي في القاهرة أمس"
    entities = pipeline("token-classification", model=str(tmp_path), aggregation_strategy="simple")(text)
    assert entities
    for entity in entities:
        assert entity["entity_group"] in NER_TYPES
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        assert text[entity["start"]:entity["end"]].strip() == text[entity["start"]:entity["end"]]


def test_evaluate_cli_on_saved_dir(resumed_ner: dict, ner_jsonl: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    report = tmp_path / "reports" / "mini.json"
    assert evaluate_main(["--model", str(resumed_ner["dir"]), "--task", "ner", "--data", str(ner_jsonl),
                          "--limit", "8", "--out", str(report)]) == 0
    written = json.loads(report.read_text(encoding="utf-8"))
    scores = written["results"]["mini_ner"]
    assert set(scores) >= {"precision", "recall", "f1", "per_type"}
    assert "micro avg" in written["report"] or "no gold entities" in written["report"]
    assert '"f1"' in capsys.readouterr().out


def test_evaluate_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert evaluate_main(["--model", str(tmp_path / "none"), "--task", "ner", "--data", "anercorp:test"]) == 2
    assert "--model" in capsys.readouterr().err
    assert evaluate_main(["--model", str(tmp_path), "--task", "stance", "--data", "mawqif"]) == 2
    assert "config.json" in capsys.readouterr().err


def test_ner_encoding_chunks_long_sentences_and_masks_dates(base_dir: Path) -> None:
    from nlpkit.models.loading import load_tokenizer
    from training.tasks.ner import chunk_words, encode

    assert chunk_words([1, 2, 3, 1, 1], 3) == [(0, 2), (2, 3), (3, 5)]
    tokenizer = load_tokenizer(base_dir)
    tokens = [t for text, _ in NER_ROWS for t in text.split()]
    tags = [t for _, tag in NER_ROWS for t in tag.split()]
    no_date = [t.replace("B-DATE", "O").replace("I-DATE", "O") for t in tags]
    dataset = datasets.Dataset.from_dict({"tokens": [tokens, tokens], "tags": [tags, no_date],
                                          "annotated_types": [list(NER_TYPES), ["PER", "ORG", "LOC", "MISC"]]})
    features, scorer = encode(dataset, tokenizer, 16)
    assert len(features) > 2 and max(len(ids) for ids in features["input_ids"]) <= 16
    labels = [list(row) for row in features["labels"]]
    width = max(len(row) for row in labels)
    padded = np.array([row + [-100] * (width - len(row)) for row in labels])
    first_sentence_labels = [x for row in labels[: len(labels) // 2] for x in row if x != -100]
    second_sentence_labels = [x for row in labels[len(labels) // 2:] for x in row if x != -100]
    assert len(first_sentence_labels) == len(tokens)
    assert len(tokens) - len(second_sentence_labels) >= 4  # أيار 2003 and أمس (and 12) are masked
    ids = np.where(padded == -100, NER_LABELS.index("O"), padded)
    log_probs = np.log(np.eye(len(NER_LABELS))[ids] * 0.98 + 0.002)  # the scorer gets log-probabilities
    metrics, report = scorer(log_probs, dict(enumerate(NER_LABELS)))
    assert metrics["f1"] == 1.0 and "DATE" in report


def test_ner_context_reads_neighbours_untagged(base_dir: Path) -> None:
    from nlpkit.models.loading import load_tokenizer
    from training.tasks.ner import add_context, encode

    rows = [(text.split(), tag.split()) for text, tag in NER_ROWS]
    dataset = datasets.Dataset.from_dict({"tokens": [t for t, _ in rows], "tags": [g for _, g in rows],
                                          "annotated_types": [list(NER_TYPES)] * len(rows)})
    with_context = add_context(dataset, 3)
    assert with_context["left"][0] == [] and with_context["right"][-1] == []
    assert with_context["left"][1] == rows[0][0][-3:] and with_context["right"][0] == rows[1][0][:3]
    tokenizer = load_tokenizer(base_dir)
    plain, _ = encode(dataset, tokenizer, 64)
    features, scorer = encode(with_context, tokenizer, 64)
    assert len(features) == len(plain) and max(len(ids) for ids in features["input_ids"]) <= 64
    assert sum(map(len, features["input_ids"])) > sum(map(len, plain["input_ids"]))  # the neighbours are read
    assert [[x for x in row if x != -100] for row in features["labels"]] == \
        [[x for x in row if x != -100] for row in plain["labels"]]  # and only the sentence is tagged
    width = max(map(len, features["labels"]))
    padded = np.array([list(row) + [-100] * (width - len(row)) for row in features["labels"]])
    ids = np.where(padded == -100, NER_LABELS.index("O"), padded)
    assert scorer(np.log(np.eye(len(NER_LABELS))[ids] * 0.98 + 0.002), dict(enumerate(NER_LABELS)))[0]["f1"] == 1.0


def test_mix_sources_by_weight_is_deterministic() -> None:
    from training.sources import mix_sources

    data = datasets.Dataset.from_dict({"x": list(range(10))})
    loaded = [(SourceConfig(name="a", weight=0.5), data), (SourceConfig(name="b", weight=2.5), data)]
    mixed, counts = mix_sources(loaded, seed=1)
    assert counts == {"a_train": 5, "b_train": 25} and len(mixed) == 30
    assert mix_sources(loaded, seed=1)[0]["x"][:] == mixed["x"][:]


def test_ner_scores_ignore_types_the_source_lacks() -> None:
    from training.metrics import ner_scores

    gold = [["B-PER", "I-PER", "O", "O"]]
    pred = [["B-PER", "I-PER", "O", "B-DATE"]]
    assert ner_scores(gold, pred, ["PER", "ORG", "LOC", "MISC"])[0]["precision"] == 1.0
    assert ner_scores(gold, pred, list(NER_TYPES))[0]["precision"] == 0.5


def test_stance_scores() -> None:
    from training.metrics import stance_scores

    metrics, report = stance_scores(["FAVOR", "AGAINST", "NONE", "NONE"], ["FAVOR", "NONE", "NONE", "NONE"])
    assert metrics["accuracy"] == 0.75
    assert metrics["macro_f1_favor_against"] == 0.5
    assert set(metrics["per_class"]) == set(STANCE_LABELS) and "AGAINST" in report


def test_bootstrap_intervals_hold_the_score_and_narrow_with_more_data() -> None:
    from sklearn.metrics import f1_score

    from training.metrics import macro_f1_from_counts, ner_scores, pair_counts, stance_scores

    labels = list(STANCE_LABELS)
    gold = ["FAVOR", "AGAINST", "NONE", "NONE", "AGAINST", "FAVOR", "NONE", "AGAINST"] * 10
    pred = ["FAVOR", "NONE", "NONE", "FAVOR", "AGAINST", "FAVOR", "NONE", "NONE"] * 10
    counts = pair_counts(gold, pred, labels)
    assert macro_f1_from_counts(counts.sum(axis=0, keepdims=True))[0] == pytest.approx(
        f1_score(gold, pred, labels=labels, average="macro"))
    small, report = stance_scores(gold, pred)
    low, high = small["macro_f1_ci95"]
    assert low < small["macro_f1"] < high and "bootstrap interval" in report
    large = stance_scores(gold * 10, pred * 10)[0]
    assert large["macro_f1"] == small["macro_f1"]
    assert large["macro_f1_ci95"][1] - large["macro_f1_ci95"][0] < (high - low) / 2
    assert stance_scores(gold, gold)[0]["macro_f1_ci95"] == [1.0, 1.0]

    ner_gold = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG", "O"], ["B-LOC", "O", "O"]] * 20
    ner_pred = [["B-PER", "I-PER", "O", "O"], ["O", "B-ORG", "O"], ["B-PER", "O", "O"]] * 20
    metrics = ner_scores(ner_gold, ner_pred, ["PER", "ORG", "LOC"])[0]
    assert metrics["f1_ci95"][0] <= metrics["f1"] <= metrics["f1_ci95"][1] < 1.0


@pytest.mark.parametrize("name", sorted(path.stem for path in CONFIGS.glob("*.yaml")))
def test_shipped_configs_validate(name: str) -> None:
    from nlpkit.data import list_datasets

    config = load_config(CONFIGS / f"{name}.yaml", ["train.max_steps=3", "output_dir=/tmp/x", "model.name_or_path=/tmp/m"])
    assert config.train.max_steps == 3 and config.output_dir == "/tmp/x" and config.model.name_or_path == "/tmp/m"
    for source in [*config.data.train, *config.data.eval]:
        # a registered set, or a JSONL file that a step before writes (silver labels)
        assert source.name in list_datasets(None if config.task == "mlm" else config.task) or source.name.endswith(".jsonl")


def test_configs_readme_lists_every_key() -> None:
    readme = (CONFIGS / "README.md").read_text(encoding="utf-8")

    def keys(model: type, prefix: str = "") -> list[str]:
        found = []
        for name, field in model.model_fields.items():
            found.append(prefix + name)
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                found += keys(annotation, f"{prefix}{name}.")
        return found

    missing = [key for key in keys(Config) + [f"data.train[].{k}" for k in SourceConfig.model_fields] if f"`{key}`" not in readme]
    assert not missing


@pytest.mark.parametrize(("override", "expected"), [
    ("train.learning_rat=0.1", "train.learning_rat: unknown key"),
    ("train.max_steps=abc", "train.max_steps"),
    ("data.train=[{name: /nonexistent/x.jsonl}]", "/nonexistent/x.jsonl"),
    ("model.name_or_path=no-such-org/no-such-model", "model.name_or_path: no-such-org/no-such-model not found locally"),
])
def test_config_errors_exit_2_with_the_key(override: str, expected: str, base_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    args = [str(CONFIGS / "ner_mini.yaml"), *_set("output_dir", tmp_path / "out"), *_set("model.name_or_path", base_dir)]
    assert train_main([*args, "--set", override]) == 2
    assert expected in capsys.readouterr().err


def test_malformed_yaml_and_missing_shared_data(base_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("task: ner\noutput_dir: [unclosed\n", encoding="utf-8")
    assert train_main([str(bad)]) == 2
    assert "Malformed YAML" in (err := capsys.readouterr().err) and str(bad) in err
    monkeypatch.setenv("NLPKIT_DATA", str(tmp_path / "empty"))
    assert train_main([str(CONFIGS / "ner_mini.yaml"), *_set("output_dir", tmp_path / "o"),
                       *_set("model.name_or_path", base_dir)]) == 2
    assert "Data file not found" in (err := capsys.readouterr().err) and "anercorp" in err
    (tmp_path / "nomodel").mkdir()
    assert train_main([str(CONFIGS / "ner_mini.yaml"), *_set("output_dir", tmp_path / "o"),
                       *_set("model.name_or_path", tmp_path / "nomodel")]) == 2
    assert "model.name_or_path" in (err := capsys.readouterr().err) and "config.json" in err


@pytest.mark.data
@needs_data
@pytest.mark.parametrize("config_name", ["ner_mini", "ner_arabert"])
def test_ner_on_real_sources(config_name: str, base_dir: Path, ner_jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / config_name
    train = f"[{{name: anercorp, split: train, limit: 64}}, {{name: wojood, split: train, limit: 32, weight: 0.5}}, {{name: {ner_jsonl}}}]"
    assert train_main([str(CONFIGS / f"{config_name}.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", out), *_set("train.max_steps", 4), *_set("train.eval_steps", 2),
                       *_set("data.train", train),
                       *_set("data.eval", "[{name: anercorp, split: test, limit: 32}, {name: wojood, split: test, limit: 16}]")]) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["train_examples"] == {"anercorp_train": 64, "wojood_train": 16, "mini_ner": 24}
    assert set(metrics["eval"]) == {"anercorp_test", "wojood_test"}
    assert "DATE" not in metrics["eval"]["anercorp_test"]["per_type"]  # ANERcorp does not annotate DATE
    assert metrics["best_checkpoint"] in ("checkpoint-2", "checkpoint-4")
    assert "== anercorp_test ==" in (out / "report.txt").read_text(encoding="utf-8")


@pytest.mark.data
@needs_data
@pytest.mark.parametrize("config_name", ["stance_mini", "stance_arabert"])
def test_stance_on_real_sources(config_name: str, base_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / config_name
    assert train_main([str(CONFIGS / f"{config_name}.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", out), *_set("train.max_steps", 3),
                       *_set("data.train", "[{name: mawqif, limit: 64}, {name: ans, limit: 64}, {name: authored, limit: 16}]"),
                       *_set("data.eval", "[{name: mawqif, split: test, limit: 32}, {name: ans, split: test, limit: 32}]")]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {str(i): label for i, label in enumerate(STANCE_LABELS)}
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for name in ("mawqif_test", "ans_test"):
        assert set(metrics["eval"][name]) >= {"accuracy", "macro_f1", "macro_f1_favor_against", "per_class"}
    assert evaluate_main(["--model", str(out), "--task", "stance", "--data", "mawqif:test", "--limit", "16"]) == 0


def test_marked_target_pairs_train_and_are_recorded(base_dir: Path, ner_jsonl: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    from nlpkit.models.stance import StanceModel
    from training.tasks.stance import mark_targets

    path = tmp_path / "pairs.jsonl"
    rows = [{"target": "روسيا", "text": "فرضت اليابان عقوبات على روسيا", "label": "AGAINST"},
            {"target": "اليابان", "text": "رحبت روسيا بالحوار مع اليابان", "label": "FAVOR"},
            {"target": "الصين", "text": "زار الوفد الصيني موسكو", "label": "NONE"}] * 4
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    marked = mark_targets(datasets.Dataset.from_list(rows[:3]), "marked-target")
    assert marked["text"] == ["فرضت اليابان عقوبات على [ روسيا ]", "رحبت روسيا بالحوار مع [ اليابان ]",
                              "زار الوفد [ الصيني ] موسكو"]
    out = tmp_path / "marked"
    sources = f"[{{name: {path}}}]"
    assert train_main([str(CONFIGS / "stance_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", out), *_set("train.max_steps", 2), *_set("model.pair_format", "marked-target"),
                       *_set("data.train", sources), *_set("data.eval", sources)]) == 0
    assert json.loads((out / "config.json").read_text())["nlpkit_pair_format"] == "marked-target"
    assert StanceModel.from_pretrained(out).model.pair_format == "marked-target"
    assert train_main([str(CONFIGS / "ner_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", tmp_path / "ner"), *_set("model.pair_format", "marked-target"),
                       *_set("data.train", f"[{{name: {ner_jsonl}}}]"), *_set("data.eval", "[]")]) == 2
    assert "model.pair_format" in capsys.readouterr().err


def test_ner_context_is_trained_and_recorded(base_dir: Path, ner_jsonl: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture) -> None:
    from nlpkit.models.ner import NerModel

    out = tmp_path / "ner"
    sources = f"[{{name: {ner_jsonl}}}]"
    assert train_main([str(CONFIGS / "ner_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", out), *_set("train.max_steps", 2), *_set("model.context_words", 8),
                       *_set("data.train", sources), *_set("data.eval", sources)]) == 0
    assert json.loads((out / "config.json").read_text())["nlpkit_context_words"] == 8
    assert NerModel.from_pretrained(out).model.context_words == 8
    assert evaluate_main(["--model", str(out), "--task", "ner", "--data", str(ner_jsonl)]) == 0
    assert train_main([str(CONFIGS / "stance_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", tmp_path / "stance"), *_set("model.context_words", 8),
                       *_set("data.train", "[{name: authored}]"), *_set("data.eval", "[]")]) == 2
    assert "model.context_words" in capsys.readouterr().err


def test_resume_logs_the_starting_step(resumed_ner: dict, base_dir: Path, ner_jsonl: Path, tmp_path: Path,
                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="training")
    out = tmp_path / "run"
    shutil.copytree(resumed_ner["dir"], out)
    assert train_main([str(CONFIGS / "ner_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", out), *_set("data.train", f"[{{name: {ner_jsonl}}}]"), *_set("data.eval", "[]"),
                       *_set("train.save_steps", 2), *_set("train.max_steps", 8)]) == 0
    assert "starting at step 6" in caplog.text and "resuming from" in caplog.text


def test_swap_pairs_adds_each_stance_pair_reversed(tmp_path: Path, ner_jsonl: Path) -> None:
    from nlpkit.errors import ConfigError
    from training.sources import load_source

    path = tmp_path / "pairs.jsonl"
    rows = [{"target": "روسيا", "text": "انتقدت طوكيو موسكو", "label": "AGAINST"},
            {"target": "اليابان", "text": "رحبت روسيا بالحوار", "label": "FAVOR"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    plain = load_source(SourceConfig(name=str(path)), "stance")
    swapped = load_source(SourceConfig(name=str(path), swap_pairs=True), "stance")
    assert len(swapped) == 2 * len(plain) == 4
    assert swapped[2]["target"] == "انتقدت طوكيو موسكو" and swapped[2]["text"] == "روسيا"
    assert swapped["label"] == ["AGAINST", "FAVOR", "AGAINST", "FAVOR"]
    assert len(set(swapped["id"])) == 4
    with pytest.raises(ConfigError, match="swap_pairs applies to stance pairs only"):
        load_source(SourceConfig(name=str(ner_jsonl), swap_pairs=True), "ner")


def test_holder_pairs_teach_that_the_actor_is_not_its_own_target(tmp_path: Path, ner_jsonl: Path) -> None:
    from nlpkit.errors import ConfigError
    from training.sources import holder_named, load_source

    path = tmp_path / "pairs.jsonl"
    rows = [
        {"target": "الصين", "text": "انتقدت وزارة الخارجية الأمريكية الصين بشدة", "label": "AGAINST",
         "holder": "وزارة الخارجية الأمريكية"},
        {"target": "ألبانيا", "text": "قدمت السعودية مساعدات لألبانيا", "label": "FAVOR", "holder": "السعودية"},
        {"target": "السعودية", "text": "قدمت السعودية مساعدات لألبانيا", "label": "NONE", "holder": None},
        {"target": "روسيا", "text": "رحبت واشنطن بالحوار مع روسيا", "label": "FAVOR", "holder": "الولايات المتحدة"},
        {"target": "اليابان", "text": "زار لافروف اليابان", "label": "NONE", "holder": "سيرغي لافروف"},
        {"target": "إيران", "text": "وحذر لافروف إيران من التصعيد", "label": "AGAINST", "holder": "سيرغي لافروف"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    added = load_source(SourceConfig(name=str(path), holder_pairs=True), "stance").select(range(len(rows), len(rows) + 2))
    assert added["target"] == ["وزارة الخارجية الأمريكية", "سيرغي لافروف"]
    assert added["text"] == [rows[0]["text"], rows[5]["text"]]
    assert added["label"] == ["NONE", "NONE"] and added["holder"] == [None, None]
    assert len(load_source(SourceConfig(name=str(path), holder_pairs=True), "stance")) == len(rows) + 2
    assert holder_named("سيرغي لافروف", "وقال ولافروف إن") and not holder_named("الولايات المتحدة", "رحبت واشنطن")
    with pytest.raises(ConfigError, match="holder_pairs needs stance pairs"):
        load_source(SourceConfig(name=str(ner_jsonl), holder_pairs=True), "ner")


def test_mlm_text_includes_labelled_sets(ner_jsonl: Path, tmp_path: Path) -> None:
    from nlpkit.errors import UnknownDatasetError
    from training.tasks.tokenizer import iter_texts

    text_file = tmp_path / "raw.txt"
    text_file.write_text("سطر أول\n\nسطر ثان\n", encoding="utf-8")
    config = load_config(CONFIGS / "mlm_gpu.yaml", ["data.corpora=[]", f"data.text_files=[{text_file}]",
                                                    f"data.train=[{{name: {ner_jsonl}}}]"])
    with pytest.raises(UnknownDatasetError, match="mini_ner"):  # mlm takes registry names only
        list(iter_texts(config))
    config = load_config(CONFIGS / "mlm_gpu.yaml", ["data.corpora=[]", f"data.text_files=[{text_file}]",
                                                    "data.train=[{name: seeds_ner, split: test}]"])
    texts = list(iter_texts(config))
    assert texts[:2] == ["سطر أول", "سطر ثان"]
    assert len(texts) == 2 + 108 and any("لافروف" in text for text in texts[2:])


@pytest.mark.parametrize("keep", ["best", "last"])
def test_keep_chooses_the_weights_the_run_folder_holds(keep: str, base_dir: Path, ner_jsonl: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    out = tmp_path / "ner"
    assert train_main([str(CONFIGS / "ner_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir), *_set("output_dir", out),
                       *_set("data.train", f"[{{name: {ner_jsonl}}}]"), *_set("data.eval", f"[{{name: {ner_jsonl}}}]"),
                       *_set("train.max_steps", 4), *_set("train.eval_steps", 2), *_set("train.save_total_limit", 3),
                       *_set("train.learning_rate", 1e-6), *_set("train.keep", keep)]) == 0
    # At this rate the predictions, and so the dev F1, do not change: a tie keeps the first checkpoint as the best,
    # while the weights still move, so the best (step 2) and the last (step 4) checkpoints differ.
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["best_checkpoint"] == "checkpoint-2"
    saved = load_file(out / "model.safetensors")
    step = {keep_name: load_file(out / "checkpoints" / checkpoint / "model.safetensors")
            for keep_name, checkpoint in (("best", "checkpoint-2"), ("last", "checkpoint-4"))}
    assert not all(np.array_equal(step["best"][name].numpy(), step["last"][name].numpy()) for name in saved)
    assert all(np.array_equal(saved[name].numpy(), step[keep][name].numpy()) for name in saved)


def test_fine_tuning_from_a_float16_checkpoint_trains_in_float32(base_dir: Path, ner_jsonl: Path, tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForMaskedLM, AutoModelForTokenClassification, AutoTokenizer

    half = tmp_path / "half"
    AutoModelForMaskedLM.from_pretrained(base_dir).to(torch.float16).save_pretrained(half)
    AutoTokenizer.from_pretrained(base_dir).save_pretrained(half)
    out = tmp_path / "ner"
    assert train_main([str(CONFIGS / "ner_gpu.yaml"), *FAST, *_set("model.name_or_path", half), *_set("output_dir", out),
                       *_set("data.train", f"[{{name: {ner_jsonl}}}]"), *_set("data.eval", "[]"),
                       *_set("train.max_steps", 2), *_set("train.bf16", "false")]) == 0
    model = AutoModelForTokenClassification.from_pretrained(out, dtype="auto")
    assert {p.dtype for p in model.parameters()} == {torch.float32}


def test_evaluate_library_path_matches_trainer_path(tiny_stance_dir: Path, tmp_path: Path) -> None:
    """--library scores through nlpkit's backend; on short pairs it predicts what the Trainer predicts."""
    rows = [{"target": target, "text": text, "label": label} for target, text, label in [
        ("روسيا", "أدانت اليابان بشدة الهجوم الروسي على أوكرانيا", "AGAINST"),
        ("الصين", "اتفق البلدان على توسيع التعاون الاقتصادي مع الصين", "FAVOR"),
        ("الأمم المتحدة", "وصل الوفد إلى نيويورك صباح اليوم", "NONE"),
        ("إيران", "حذرت واشنطن طهران من عواقب التصعيد", "AGAINST"),
        ("تركيا", "رحبت أنقرة بالاتفاق الجديد", "FAVOR"),
    ]]
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    outs = []
    for extra in ([], ["--library"]):
        out = tmp_path / f"report{len(extra)}.json"
        assert evaluate_main(["--model", str(tiny_stance_dir), "--task", "stance", "--data", str(data),
                              "--out", str(out), *extra]) == 0
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    trainer, library = (o["results"]["pairs"] for o in outs)
    assert library["confusion"] == trainer["confusion"]
    assert sum(sum(row.values()) for row in library["confusion"].values()) == len(rows)
    assert outs[1]["path"] == "library" and "gold \\ predicted" in outs[1]["report"]


def test_eval_keeps_dataset_order_with_group_by_length(tiny_ner_dir: Path, tmp_path: Path) -> None:
    """transformers 5 groups eval batches by length too; the scorers need predictions in row order."""
    from transformers import AutoModelForTokenClassification, Trainer, TrainingArguments

    from training.common import OrderedEvalTrainer

    lengths = [3, 30, 5, 28, 2, 31, 7, 25, 4, 29, 6, 27]
    features = datasets.Dataset.from_dict({"input_ids": [[5] * n for n in lengths]})
    args = TrainingArguments(output_dir=str(tmp_path), per_device_eval_batch_size=2, report_to="none",
                             train_sampling_strategy="group_by_length")
    model = AutoModelForTokenClassification.from_pretrained(tiny_ner_dir)

    def order(trainer_class: type) -> list[int]:
        trainer = trainer_class(model=model, args=args, data_collator=lambda rows: {"input_ids": [r["input_ids"] for r in rows]})
        return [len(row) for batch in trainer.get_eval_dataloader(features) for row in batch["input_ids"]]

    assert order(Trainer) != lengths  # the upstream behaviour this class exists for
    assert order(OrderedEvalTrainer) == lengths


def test_stance_loss_with_class_weights_and_label_smoothing() -> None:
    import torch
    import torch.nn.functional as F

    from nlpkit.errors import ConfigError
    from training.common import training_arguments
    from training.tasks.stance import _loss_for, class_weights

    mixed = datasets.Dataset.from_dict({"label": ["FAVOR", "NONE", "NONE", "NONE", "AGAINST", "NONE"]})
    logits = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [1.0, 1.0, -2.0]])
    labels = torch.tensor([0, 2, 1])
    weights = class_weights(list(mixed["label"]))
    assert weights.tolist() == pytest.approx([2.0, 2.0, 0.5])
    for smoothing in (0.0, 0.1):
        config = load_config(CONFIGS / "stance_e5_news8.yaml", [f"train.label_smoothing={smoothing}"])
        loss = _loss_for(config, mixed)({"logits": logits}, labels)
        expected = F.cross_entropy(logits, labels, weight=weights, reduction="sum", label_smoothing=smoothing) / 3
        assert float(loss) == pytest.approx(float(expected))
    plain = _loss_for(load_config(CONFIGS / "stance_e5_news8.yaml", []), mixed)({"logits": logits}, labels)
    assert float(loss) != pytest.approx(float(plain))  # smoothing changes the loss
    config = load_config(CONFIGS / "stance_e5_news8.yaml", ["train.label_smoothing=0.1", "train.class_weights=false"])
    assert _loss_for(config, mixed) is None
    assert training_arguments(config, has_eval=False).label_smoothing_factor == 0.1  # the Trainer smooths its own loss
    with pytest.raises(ConfigError):
        load_config(CONFIGS / "stance_e5_news8.yaml", ["train.label_smoothing=1.0"])


def test_event_head_learns_news_events_and_is_left_out_of_the_saved_model(base_dir: Path, tmp_path: Path) -> None:
    import math

    import torch
    import torch.nn.functional as F
    from safetensors import safe_open

    from nlpkit.models.stance import StanceModel
    from training.tasks.stance import EVENT2ID, PairClassifierWithEvents, _loss_for

    model = PairClassifierWithEvents.from_pretrained(base_dir, num_labels=3)
    batch = {"input_ids": torch.tensor([[2, 10, 3, 11, 3], [2, 12, 3, 13, 3], [2, 14, 3, 15, 3]]),
             "event_labels": torch.tensor([EVENT2ID["sanctions"], -100, EVENT2ID["talks"]])}
    model.train()
    torch.manual_seed(0)
    out = model(**batch)
    # the event head starts at zero: every type equally likely, whatever the encoder says
    assert out["logits"].shape == (3, 3) and float(out["event_loss"].detach()) == pytest.approx(math.log(len(EVENT2ID)))
    model.eval()
    assert "event_loss" not in model(**batch)  # evaluation sees the plain classifier
    config = load_config(CONFIGS / "stance_e5_news8.yaml", ["train.class_weights=false", "train.event_loss_weight=0.5"])
    loss = _loss_for(config, datasets.Dataset.from_dict({"label": ["NONE"]}))
    labels = torch.tensor([0, 1, 2])
    logits = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, -1.0]])
    assert float(loss({"logits": logits, "event_loss": torch.tensor(2.0)}, labels)) == pytest.approx(
        float(F.cross_entropy(logits, labels)) + 1.0)

    out_dir = tmp_path / "events"
    assert train_main([str(CONFIGS / "stance_mini.yaml"), *FAST, *_set("model.name_or_path", base_dir),
                       *_set("output_dir", out_dir), *_set("train.max_steps", 3), *_set("train.event_loss_weight", 0.5),
                       *_set("data.train", "[{name: news_stance, limit: 48}, {name: authored, limit: 16}]"),
                       *_set("data.eval", "[{name: news_stance, split: dev, limit: 16}]")]) == 0
    assert json.loads((out_dir / "config.json").read_text())["architectures"] == ["BertForSequenceClassification"]
    with safe_open(str(out_dir / "model.safetensors"), "pt") as weights:
        assert not [key for key in weights.keys() if key.startswith("event_classifier")]
    assert len(StanceModel.from_pretrained(out_dir).predict([("روسيا", "فرضت اليابان عقوبات على روسيا")])) == 1
    missing = train_main([str(CONFIGS / "stance_mini.yaml"), *FAST, *_set("model.name_or_path", tmp_path / "nowhere"),
                          *_set("output_dir", tmp_path / "x"), *_set("train.event_loss_weight", 0.5)])
    assert missing != 0  # a clear error, not an AutoConfig trace
