"""Reliability: the input contract, determinism, thread safety, broken model directories, bad configs.

Every bad input tried here is listed, with what it gets, in docs/RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import THREADS

import nlpkit
from nlpkit.analysis.analyzer import DOCUMENTS_PER_CHUNK, Analyzer
from nlpkit.errors import ConfigError, InputError, InputTypeError, ModelLoadError, NlpkitError
from nlpkit.models.ner import NerModel
from nlpkit.models.stance import StanceModel
from nlpkit.results import Document
from nlpkit.text.sentences import split_sentences

MESSY = {
    "zwj_zwnj": "قال\u200dلافروف إن \u200cروسيا\u200d ستفعل.",
    "bidi_marks": "\u202bقال لافروف\u202c \u200fإن روسيا\u200e \u2066Moscow\u2069 ستفعل.",
    "tatweel": "قـــال لافـــروف إن روســـيا ستـــفعل.",
    "diacritics": "قَالَ سِيرْجِي لَافْرُوفُ إِنَّ رُوسْيَا سَتَفْعَلُ.",
    "emoji": "قال لافروف 👨‍👩‍👧 إن روسيا 🇷🇺 ستفعل 😀.",
    "latin": "Sputnik: قال Sergei Lavrov إن Russia و«الصين» ستفعلان.",
    "html": "قال&nbsp;لافروف<br/>إن روسيا &amp; <b>الصين</b> ستفعلان.<p>وأضاف</p>",
    "crlf": "قال لافروف.\r\nإن روسيا\r\nستفعل.\r\n",
    "lone_cr": "قال لافروف.\rإن روسيا\rستفعل.\r",
    "controls": "قال\x00لافروف\x01 إن\x7f روسيا\x1b ستفعل.",
    "bom": "\ufeffقال لافروف إن روسيا ستفعل.",
    "line_separators": "قال لافروف\u2028إن روسيا\u2029ستفعل\x85و\x0bتابع\x0cالصين.",
    "presentation_forms": "ﻻ ﷲ ﺍﻟﻌﺮﺑﻴﺔ قال لافروف.",
    "long_word": "ا" * 3000 + " روسيا.",
    "digits": "في ٢٠٢٤/٣/١٥ قال لافروف إن 3.5% من ١٬٠٠٠ رجل.",
}


def assert_exact(doc: Document, text: str) -> None:
    """No text lost, and every span indexes the document text exactly."""
    assert doc.text == text
    for entity in doc.entities:
        assert doc.text[entity.start : entity.end] == entity.text
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
    for stance in doc.stances:
        sentence = doc.sentences[stance.sentence]
        assert (stance.start, stance.end) == (sentence.start, sentence.end)


@pytest.fixture(scope="module")
def model(tiny_analyzer_dir: Path) -> str:
    """The tiny analyzer directory, as analyze(model=...) takes it."""
    return str(tiny_analyzer_dir)


# --- input contract ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n", "\r\n\t  \u3000\u00a0\r"])
def test_blank_text_gives_an_empty_document(analyzer: Analyzer, model: str, text: str) -> None:
    for doc in (analyzer(text), nlpkit.analyze(text, model=model), next(analyzer.pipe([text]))):
        assert doc.text == text
        assert doc.sentences == doc.entities == doc.stances == doc.summary == ()


@pytest.mark.parametrize("bad", [None, 5, 1.5, True, {"text": "روسيا"}, object()])
def test_a_single_non_text_is_a_type_error(analyzer: Analyzer, model: str, bad: object) -> None:
    with pytest.raises(TypeError, match=r"not a str") as caught:
        analyzer(bad)  # type: ignore[arg-type]
    assert isinstance(caught.value, InputTypeError)
    with pytest.raises(InputTypeError):
        nlpkit.analyze(bad, model=model)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        analyzer.pipe(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("items", "index", "shown"), [
    (["روسيا", None], 1, "None"),
    (("روسيا", "الصين", 42), 2, "42"),
    ([b"bytes"], 0, "b'bytes'"),
    (["a", ["nested"]], 1, "['nested']"),
    (["a", {"text": "b"}], 1, "{'text': 'b'}"),
])
def test_lists_are_checked_eagerly_naming_item_and_index(analyzer: Analyzer, model: str, items: object, index: int,
                                                        shown: str) -> None:
    for call in (lambda: analyzer.pipe(items), lambda: nlpkit.analyze(items, model=model)):  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=rf"Text #{index} is {re.escape(shown)} \(a "):
            call()  # raised by the call itself, before any document is asked for


def test_generators_raise_at_the_bad_item_after_yielding_the_ones_before(analyzer: Analyzer) -> None:
    bad_index = DOCUMENTS_PER_CHUNK + 3

    def texts() -> Iterator[object]:
        for index in range(bad_index + 5):
            yield None if index == bad_index else f"نص رقم {index}."

    stream = analyzer.pipe(texts(), tasks=("ner",))  # type: ignore[arg-type]
    seen = []
    with pytest.raises(InputTypeError, match=rf"Text #{bad_index} is None"):
        for doc in stream:
            seen.append(doc.text)
    assert seen == [f"نص رقم {index}." for index in range(bad_index)]


@pytest.mark.parametrize("bad", [{"a": "b"}, {"روسيا", "الصين"}, frozenset(["x"])])
def test_mappings_and_sets_are_refused(analyzer: Analyzer, bad: object) -> None:
    with pytest.raises(InputTypeError, match="ordered iterable"):
        analyzer.pipe(bad)  # type: ignore[arg-type]


def test_bytes_are_decoded_as_utf8_and_offsets_index_the_decoded_text(analyzer: Analyzer, model: str,
                                                                    seed_texts: list[str]) -> None:
    text = seed_texts[0]
    expected = analyzer(text).to_json()
    assert analyzer(text.encode("utf-8")).to_json() == expected
    assert analyzer(bytearray(text.encode("utf-8"))).to_json() == expected
    assert nlpkit.analyze(text.encode("utf-8"), model=model).to_json() == expected
    with_bom = analyzer("\ufeff".encode() + text.encode())
    assert with_bom.text == "\ufeff" + text  # the BOM is kept: offsets count it
    assert_exact(with_bom, "\ufeff" + text)
    assert [(e.start - 1, e.end - 1, e.text) for e in with_bom.entities] == [
        (e.start, e.end, e.text) for e in analyzer(text).entities]


@pytest.mark.parametrize(("data", "offset"), [(b"\xff", 0), ("روسيا".encode() + b"\xc3(", 10),
                                              (b"abc" + "é".encode()[:1], 3), (b"ok \xed\xa0\x80", 3)])
def test_invalid_utf8_names_the_byte_offset(analyzer: Analyzer, model: str, data: bytes, offset: int) -> None:
    for call in (lambda: analyzer(data), lambda: nlpkit.analyze(data, model=model)):
        with pytest.raises(InputError, match=rf"not valid UTF-8: invalid byte 0x[0-9a-f]{{2}} at byte offset {offset};"):
            call()


def test_lone_surrogates_are_refused_with_their_offset(analyzer: Analyzer) -> None:
    broken = b"abc\xff".decode("utf-8", errors="surrogateescape")
    with pytest.raises(InputError, match=r"lone surrogate U\+DCFF at character offset 3"):
        analyzer(broken)
    with pytest.raises(InputError, match=r"Text #1 holds a lone surrogate"):
        analyzer.pipe(["ok", "x\ud800"])


@pytest.mark.parametrize("name", sorted(MESSY))
def test_messy_text_keeps_exact_offsets_and_every_character(analyzer: Analyzer, name: str) -> None:
    text = MESSY[name]
    doc = analyzer(text)
    assert_exact(doc, text)
    assert Document.from_json(doc.to_json()) == doc
    covered = "".join(text[start:end] for start, end in split_sentences(text))
    assert [char for char in covered if not char.isspace()] == [char for char in text if not char.isspace()]


def test_messy_text_in_a_seed_article(analyzer: Analyzer, seed_texts: list[str]) -> None:
    text = MESSY["html"] + seed_texts[1].replace("\n", "\r\n").replace("ال", "الـ", 5) + "\r" + MESSY["emoji"]
    assert_exact(analyzer(text, targets=["روسيا"]), text)


def test_targets_and_batch_size_are_checked(analyzer: Analyzer, seed_texts: list[str]) -> None:
    text = seed_texts[0]
    assert analyzer(text, targets="روسيا").to_json() == analyzer(text, targets=["روسيا"]).to_json()
    with pytest.raises(InputTypeError, match=r"Target #1 is 3"):
        analyzer(text, targets=["روسيا", 3])  # type: ignore[list-item]
    with pytest.raises(InputTypeError, match="targets must be a list of str"):
        analyzer(text, targets=5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Target #0 is blank"):
        analyzer(text, targets=["  "])
    for bad in (0, -1, 2.5, "3"):
        with pytest.raises(ConfigError, match="batch_size must be a positive integer"):
            analyzer(text, batch_size=bad)  # type: ignore[arg-type]


# --- determinism -------------------------------------------------------------------------------


def _corpus(seed_texts: list[str]) -> list[str]:
    return [*seed_texts, *MESSY.values(), "", seed_texts[2][:300], seed_texts[4][::2]]


def test_batch_size_and_list_vs_single_calls_are_byte_identical(analyzer: Analyzer, model: str,
                                                               seed_texts: list[str]) -> None:
    texts = _corpus(seed_texts)
    single = [analyzer(text).to_json() for text in texts]
    for batch_size in (1, 3, 16):
        assert [doc.to_json() for doc in analyzer.pipe(texts, batch_size=batch_size)] == single
    assert [doc.to_json() for doc in nlpkit.analyze(texts, model=model, batch_size=3)] == single
    assert [doc.to_json() for doc in nlpkit.analyze(iter(texts), model=model)] == single


def test_model_outputs_do_not_depend_on_the_batch(analyzer: Analyzer, seed_texts: list[str]) -> None:
    """The source of batch invariance: per-word and per-pair probabilities equal bit for bit."""
    ner: NerModel = getattr(analyzer.ner, "ner", analyzer.ner)  # the model under the gazetteer ruler
    stance: StanceModel = analyzer.stance  # type: ignore[assignment]
    assert isinstance(ner, NerModel)
    items = [(text, split_sentences(text)) for text in seed_texts]
    reference = [[[tag.score for tag in sentence] for sentence in doc] for doc in ner.tag_many(items, batch_size=1)]
    for batch_size in (2, 3, 16, 64):
        assert [[[tag.score for tag in sentence] for sentence in doc]
                for doc in ner.tag_many(items, batch_size=batch_size)] == reference
    pairs = [(target, text[start : start + 300]) for text in seed_texts for start in range(0, len(text), 250)
             for target in ("روسيا", "وزارة الخارجية")]
    expected = stance.predict(pairs, batch_size=1)
    for batch_size in (2, 3, 5, 16):
        assert stance.predict(pairs, batch_size=batch_size) == expected


def test_same_output_in_a_fresh_process(tiny_analyzer_dir: Path, analyzer: Analyzer, seed_texts: list[str]) -> None:
    """Another process (another hash seed) writes byte-identical JSON."""
    code = ("import sys, json; from nlpkit.analysis.analyzer import Analyzer; "
            "a = Analyzer.from_pretrained(sys.argv[1], threads=1); texts = json.load(sys.stdin); "
            "sys.stdout.write(json.dumps([d.to_json() for d in a.pipe(texts, targets=['روسيا'])]))")
    texts = seed_texts[:3]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TRANSFORMERS_VERBOSITY": "error"}
    result = subprocess.run([sys.executable, "-c", code, str(tiny_analyzer_dir)], input=json.dumps(texts),
                            capture_output=True, text=True, check=True, env=env, timeout=300)
    assert json.loads(result.stdout) == [analyzer(text, targets=["روسيا"]).to_json() for text in texts]


# --- thread safety -----------------------------------------------------------------------------


def test_one_analyzer_shared_by_four_threads(analyzer: Analyzer, seed_texts: list[str]) -> None:
    texts = [seed_texts[0], *MESSY.values()]
    settings = ((16, None), (3, ["روسيا"]))
    jobs = [(text, *settings[index % 2]) for index, text in enumerate(texts)]
    serial = [analyzer(text, batch_size=batch_size, targets=targets).to_json() for text, batch_size, targets in jobs]
    start = threading.Barrier(4)

    def run(job: tuple[str, int, list[str] | None]) -> str:
        text, batch_size, targets = job
        return analyzer(text, batch_size=batch_size, targets=targets).to_json()

    def worker(offset: int) -> list[tuple[int, str]]:
        start.wait()
        order = list(range(offset, len(jobs))) + list(range(offset))
        return [(index, run(jobs[index])) for index in order]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(worker, (0, len(jobs) // 4, len(jobs) // 2, 3 * len(jobs) // 4)))
    for per_thread in results:
        assert sorted(per_thread) == list(enumerate(serial))


# --- broken model directories ------------------------------------------------------------------


def _broken_copy(source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(source, tmp_path / source.name))


def _load_error(directory: Path, loader=NerModel.from_pretrained) -> str:
    """Load ``directory`` expecting one ModelLoadError; return its message (no chained trace)."""
    with pytest.raises(ModelLoadError) as caught:
        loader(directory)
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    return str(error)


@pytest.mark.parametrize("keep", [0, 5, 100, -1000])
def test_truncated_safetensors(tiny_ner_dir: Path, tmp_path: Path, keep: int) -> None:
    broken = _broken_copy(tiny_ner_dir, tmp_path)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:keep])
    message = _load_error(broken)
    assert str(weights) in message and "truncated" in message and "save_pretrained" in message


def test_safetensors_with_a_garbage_header(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_ner_dir, tmp_path)
    weights = broken / "model.safetensors"
    weights.write_bytes(struct.pack("<Q", 10) + b"not json!!" + b"\0" * 64)
    assert "header is not valid JSON" in _load_error(broken)
    weights.write_text("this is not a weights file at all, just some text", encoding="utf-8")
    assert "not a safetensors file" in _load_error(broken)


def test_config_json_is_not_json(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_ner_dir, tmp_path)
    for content in (b"{not json", b"\xff\xfe{}", b""):
        (broken / "config.json").write_bytes(content)
        assert f"{broken / 'config.json'} is not valid JSON" in _load_error(broken)
    (broken / "config.json").write_text("[1, 2]", encoding="utf-8")
    assert "must hold a JSON object" in _load_error(broken)


def test_id2label_with_a_non_iob_label(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_ner_dir, tmp_path)
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    config["id2label"]["1"] = "PER"
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    message = _load_error(broken)
    assert "config.json" in message and "unknown: ['PER']" in message and "'B-X'/'I-X'" in message


def test_label_count_differs_from_the_weights(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_ner_dir, tmp_path)
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = {"0": "O", "1": "B-PER", "2": "I-PER"}
    config["label2id"] = {"O": 0, "B-PER": 1, "I-PER": 2}
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    message = _load_error(broken)
    assert "lists 3 labels but the classifier in model.safetensors has 11 outputs" in message


@pytest.mark.parametrize(("content", "expected"), [
    (b"garbage{", "tokenizer.json is not valid JSON"),
    (b"\x00\xff\xfe" * 50, "tokenizer.json is not valid JSON"),
    (b'{"version": "1.0", "model": {"type": "NoSuchModel"}}', "corrupted or from an incompatible tokenizers version"),
])
def test_garbage_tokenizer_json(tiny_ner_dir: Path, tmp_path: Path, content: bytes, expected: str) -> None:
    broken = _broken_copy(tiny_ner_dir, tmp_path)
    (broken / "tokenizer.json").write_bytes(content)
    message = _load_error(broken)
    assert expected in message and "tokenizer.save_pretrained()" in message


def test_stance_directory_given_as_ner(tiny_stance_dir: Path, tiny_analyzer_dir: Path, tmp_path: Path) -> None:
    message = _load_error(tiny_stance_dir)
    assert "config.json" in message and "This is a stance model" in message
    assert "This is a stance model" in _load_error(tiny_stance_dir, Analyzer.from_pretrained)
    swapped = _broken_copy(tiny_analyzer_dir, tmp_path)
    manifest = json.loads((swapped / "nlpkit.json").read_text(encoding="utf-8"))
    manifest["ner"], manifest["stance"] = "stance", "ner"
    (swapped / "nlpkit.json").write_text(json.dumps(manifest), encoding="utf-8")
    message = _load_error(swapped, Analyzer.from_pretrained)
    assert str(swapped / "stance" / "config.json") in message and "This is a stance model" in message


def test_broken_stance_component_of_an_analyzer(tiny_analyzer_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_analyzer_dir, tmp_path)
    weights = broken / "stance" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    message = _load_error(broken, Analyzer.from_pretrained)
    assert str(weights) in message and "truncated" in message


# --- configs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("task: ner\noutput_dir: [unclosed\n", "Malformed YAML"),
    ("task: ner\n\toutput_dir: x\n", "Malformed YAML"),
    ("- task: ner\n", "top level must be a mapping"),
    ("task: ner\noutput_dir: x\ntrain:\n  learnin_rate: 0.1\n", "train.learnin_rate: unknown key"),
    ("task: ner\noutput_dir: x\nmodel:\n  nme_or_path: x\n", "model.nme_or_path: unknown key"),
    ("task: ner\noutput_dir: x\ntrain:\n  batch_size: many\n", "train.batch_size"),
    ("task: ner\noutput_dir: x\ntrain: 5\n", "train"),
    ("task: ner\noutput_dir: x\ndata:\n  train:\n    - name: anercorp\n      weight: -1\n", "data.train.0.weight"),
    ("task: translate\noutput_dir: x\n", "task"),
    ("output_dir: x\n", "task: required key is missing"),
])
def test_bad_configs_raise_one_config_error_with_the_key_path(tmp_path: Path, yaml_text: str, expected: str) -> None:
    from training.config import load_config

    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value) and str(path) in str(caught.value)
    assert isinstance(caught.value, NlpkitError) and caught.value.__cause__ is None


def test_bad_override_keys(tmp_path: Path) -> None:
    from training.config import load_config

    path = tmp_path / "ok.yaml"
    path.write_text("task: ner\noutput_dir: x\n", encoding="utf-8")
    assert load_config(path, ["train.max_steps=3"]).train.max_steps == 3
    with pytest.raises(ConfigError, match="task is not a section"):
        load_config(path, ["task.sub=1"])
    with pytest.raises(ConfigError, match="train.epochs"):
        load_config(path, ["train.epochs=-2"])


# --- regressions found by tests/test_fuzz.py ---------------------------------------------------


@pytest.mark.parametrize("text", ["ۥ", "ۥ قال", "\u06e5\u06e6 لافروف: روسيا"])
def test_words_that_normalise_to_nothing(analyzer: Analyzer, text: str) -> None:
    """U+06E5/U+06E6 (small waw/yeh) count as letters but normalisation drops them: no IndexError in holders."""
    assert_exact(analyzer(text), text)
