"""Model layer: directory validation, windowing, IOB2 decoding and span trimming, predictors vs a plain HF run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import THREADS

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.ner import NerModel, WordTag, decode_iob2, iob2_viterbi, spans_from_tags
from nlpkit.models.stance import StanceModel
from nlpkit.models.windows import assign_owners, plan_windows
from nlpkit.text.sentences import split_sentences
from nlpkit.text.tokenize import tokenize


@pytest.fixture(scope="module")
def ner(tiny_ner_dir: Path) -> NerModel:
    return NerModel.from_pretrained(tiny_ner_dir, threads=THREADS)


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def _reference_probs(model_dir: Path, words: list[str]) -> tuple[np.ndarray, list[str]]:
    """Run transformers directly on one input: each word's first sub-word distribution, and the labels."""
    import torch
    from transformers import AutoModelForTokenClassification

    from nlpkit.models.loading import load_tokenizer

    tokenizer = load_tokenizer(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    encoding = tokenizer(words, is_split_into_words=True, return_tensors="pt")
    with torch.inference_mode():
        probs = model(**encoding).logits[0].softmax(-1).numpy()
    first: dict[int, int] = {}
    for position, word in enumerate(encoding.word_ids(0)):
        if word is not None and word not in first:
            first[word] = position
    assert len(first) == len(words)
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    return np.stack([probs[first[w]] for w in range(len(words))]), labels


def _reference_labels(model_dir: Path, words: list[str]) -> list[str]:
    """The plain transformers run decoded with the library's IOB2 decoder."""
    probs, labels = _reference_probs(model_dir, words)
    return [labels[k] for k in iob2_viterbi(probs, labels)]


# --- model directories -------------------------------------------------------------------------


def test_missing_config_names_the_file(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _copy(tiny_ner_dir, tmp_path / "ner")
    (broken / "config.json").unlink()
    with pytest.raises(ModelLoadError, match=r"config\.json is missing.*save_pretrained"):
        NerModel.from_pretrained(broken)


def test_a_bad_context_setting_is_refused(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _copy(tiny_ner_dir, tmp_path / "ner")
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    (broken / "config.json").write_text(json.dumps({**config, "nlpkit_context_words": "32"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="nlpkit_context_words='32'"):
        NerModel.from_pretrained(broken)


def test_wrong_id2label_names_the_file(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _copy(tiny_ner_dir, tmp_path / "ner")
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = {"0": "O", "1": "B-PERSON", "2": "I-PERSON"}
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"config\.json.*not an IOB2 tag set.*B-PERSON"):
        NerModel.from_pretrained(broken)


def test_ner_directory_is_not_a_stance_model(tiny_ner_dir: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"config\.json.*not a stance label set"):
        StanceModel.from_pretrained(tiny_ner_dir)


def test_missing_weights_names_the_file(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _copy(tiny_ner_dir, tmp_path / "ner")
    (broken / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match=r"No weights file.*model\.safetensors"):
        NerModel.from_pretrained(broken)


def test_missing_tokenizer_is_reported(tiny_ner_dir: Path, tmp_path: Path) -> None:
    broken = _copy(tiny_ner_dir, tmp_path / "ner")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (broken / name).unlink()
    with pytest.raises(ModelLoadError, match=r"No tokenizer.*tokenizer\.json"):
        NerModel.from_pretrained(broken)


def test_missing_directory_and_bad_settings(tiny_ner_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        NerModel.from_pretrained(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="Unknown backend"):
        NerModel.from_pretrained(tiny_ner_dir, backend="tensorflow")
    with pytest.raises(ConfigError, match="max_length"):
        NerModel.from_pretrained(tiny_ner_dir, max_length=4096)


# --- windows -----------------------------------------------------------------------------------


@pytest.mark.parametrize("counts", [[1] * 50, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9] * 4, [0, 2, 0, 0, 7, 1, 30, 1]])
def test_windows_cover_every_word_within_budget(counts: list[int]) -> None:
    budget, stride = 12, 4
    windows = plan_windows(counts, budget, stride)
    assert windows[0][0] == 0 and windows[-1][1] == len(counts)
    for (start, end), (next_start, _) in zip(windows, windows[1:], strict=False):
        assert start < next_start <= end
        assert sum(counts[next_start:end]) <= stride
    for start, end in windows:
        assert sum(counts[start:end]) <= budget or end - start == 1
    owners = assign_owners(windows, len(counts))
    assert all(windows[owner][0] <= word < windows[owner][1] for word, owner in enumerate(owners))


def test_owner_is_the_most_central_window() -> None:
    windows = [(0, 10), (6, 16)]
    owners = assign_owners(windows, 16)
    assert owners[:8] == [0] * 8 and owners[8:] == [1] * 8
    assert plan_windows([], 10, 2) == []


# --- decoding and trimming ---------------------------------------------------------------------


def _tags(text: str, labels: list[str]) -> list[WordTag]:
    tokens = tokenize(text)
    assert len(tokens) == len(labels), [token.text for token in tokens]
    return [WordTag(token, label, 0.5) for token, label in zip(tokens, labels, strict=True)]


def test_iob2_repair() -> None:
    assert decode_iob2(["I-PER", "I-PER", "O", "B-LOC", "I-ORG", "I-ORG"]) == [(0, 1, "PER"), (3, 3, "LOC"), (4, 5, "ORG")]
    assert decode_iob2(["B-PER", "B-PER", "I-PER"]) == [(0, 0, "PER"), (1, 2, "PER")]


LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG")


def _rows(*rows: tuple[float, ...]) -> np.ndarray:
    return np.array(rows)


def test_viterbi_repairs_what_argmax_breaks() -> None:
    # argmax: O I-PER I-PER -> Viterbi must open the name with B-PER (0.3 beats O's 0.5 only jointly)
    probs = _rows((0.6, 0.05, 0.3, 0.0, 0.05), (0.5, 0.3, 0.05, 0.0, 0.15), (0.1, 0.0, 0.9, 0.0, 0.0))
    assert [LABELS[i] for i in probs.argmax(1)] == ["O", "O", "I-PER"]
    assert [LABELS[i] for i in iob2_viterbi(probs, LABELS)] == ["O", "B-PER", "I-PER"]
    # B-ORG then I-PER is not IOB2 either: the second word joins the organisation
    probs = _rows((0.1, 0.0, 0.0, 0.9, 0.0), (0.1, 0.0, 0.5, 0.0, 0.4))
    assert [LABELS[i] for i in iob2_viterbi(probs, LABELS)] == ["B-ORG", "I-ORG"]


def test_viterbi_keeps_a_valid_argmax_and_handles_edges() -> None:
    probs = _rows((0.1, 0.8, 0.1, 0.0, 0.0), (0.2, 0.1, 0.7, 0.0, 0.0), (0.9, 0.0, 0.0, 0.1, 0.0))
    assert iob2_viterbi(probs, LABELS) == list(probs.argmax(1))
    assert iob2_viterbi(np.zeros((0, 5)), LABELS) == []
    assert iob2_viterbi(_rows((0.2, 0.8)), ("O", "PER")) == [1]  # labels without prefixes: plain argmax


def test_spans_drop_proclitics_and_quotes() -> None:
    text = 'وقال "لافروف" إن روسيا وروسيا واليابان'
    labels = ["O", "B-PER", "I-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-LOC"]
    spans = spans_from_tags(_tags(text, labels))
    assert [(text[s.start : s.end], s.label) for s in spans] == [("لافروف", "PER"), ("روسيا", "LOC"), ("روسيا", "LOC"),
                                                                 ("اليابان", "LOC")]
    assert spans_from_tags(_tags('" .', ["B-ORG", "I-ORG"])) == []


def test_spans_leave_out_the_weekday_that_dates_a_name() -> None:
    text = "ورفض بولتون الأحد ، وقال لافروف أمس إن روسيا اليوم يوم الأحد"
    labels = ["O", "B-PER", "I-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-ORG", "I-ORG", "B-DATE", "I-DATE"]
    spans = spans_from_tags(_tags(text, labels))
    assert [(text[s.start : s.end], s.label) for s in spans] == [("بولتون", "PER"), ("لافروف", "PER"),
                                                                 ("روسيا اليوم", "ORG"), ("يوم الأحد", "DATE")]
    assert spans_from_tags(_tags("السبت", ["B-PER"]))[0].label == "PER"  # a lone word is the model's call


def test_spans_keep_a_bracket_the_words_inside_open() -> None:
    text = "في نيسان ( 26 / 4 / 1947 ) ، و( الأمم المتحدة )"
    labels = ["O", "B-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "O", "O",
              "B-ORG", "I-ORG", "I-ORG", "I-ORG"]
    spans = spans_from_tags(_tags(text, labels))
    # a bracket opened inside the span keeps its partner; a balanced pair around a name is trimmed whole
    assert [(text[s.start : s.end], s.label) for s in spans] == [("نيسان ( 26 / 4 / 1947 )", "DATE"),
                                                                 ("الأمم المتحدة", "ORG")]
    labels[8] = "O"  # the closing bracket untagged: nothing beyond the tags is added
    assert text[spans_from_tags(_tags(text, labels))[0].end - 4 :].startswith("1947")


# --- predictors --------------------------------------------------------------------------------


def test_short_sentence_matches_a_plain_transformers_run(ner: NerModel, tiny_ner_dir: Path, seed_texts: list[str]) -> None:
    text = seed_texts[0]
    start, end = next(span for span in split_sentences(text) if "سيرجى لافروف" in text[span[0] : span[1]])
    tags = ner.tag_many([(text, [(start, end)])])[0][0]
    words = [tag.token.text for tag in tags]
    assert [tag.token.start for tag in tags] == [token.start for token in tokenize(text[start:end], offset=start)]
    assert [tag.label for tag in tags] == _reference_labels(tiny_ner_dir, words)


def test_windowed_words_take_their_most_central_window(tiny_ner_dir: Path, seed_texts: list[str]) -> None:
    small = NerModel.from_pretrained(tiny_ner_dir, threads=THREADS, max_length=24, stride=6)
    text = seed_texts[0]
    start, end = max(split_sentences(text), key=lambda span: span[1] - span[0])
    tags = small.tag_many([(text, [(start, end)])])[0][0]
    words = [tag.token.text for tag in tags]
    windows = plan_windows(small._subword_counts([tag.token for tag in tags]), small.budget, small.stride)
    assert len(windows) > 3
    owned = np.zeros((len(words), len(small.model.labels)))
    for index, (first, last) in enumerate(windows):
        reference, labels = _reference_probs(tiny_ner_dir, words[first:last])
        for word, owner in enumerate(assign_owners(windows, len(words))):
            if owner == index:
                owned[word] = reference[word - first]
    expected = [labels[k] for k in iob2_viterbi(owned, labels)]  # one decode over the whole sentence
    assert [tag.label for tag in tags] == expected


def test_a_context_model_reads_the_neighbouring_sentences(tiny_ner_dir: Path, seed_texts: list[str], tmp_path: Path) -> None:
    context_dir = _copy(tiny_ner_dir, tmp_path / "ner")
    config = json.loads((context_dir / "config.json").read_text(encoding="utf-8"))
    (context_dir / "config.json").write_text(json.dumps({**config, "nlpkit_context_words": 4}), encoding="utf-8")
    text = seed_texts[0]
    sentences = split_sentences(text)[:3]
    plain = NerModel.from_pretrained(tiny_ner_dir, threads=THREADS)
    model = NerModel.from_pretrained(context_dir, threads=THREADS)
    document = model.word_probabilities([(text, sentences)])[0]
    alone = plain.word_probabilities([(text, sentences)])[0]
    words = [[token.text for token in tokens] for tokens, _ in document]
    assert [[t.text for t in tokens] for tokens, _ in alone] == words  # the same words are tagged
    reference, _ = _reference_probs(tiny_ner_dir, words[0][-4:] + words[1] + words[2][:4])
    np.testing.assert_allclose(document[1][1], reference[4 : 4 + len(words[1])], atol=1e-5)
    assert not np.allclose(document[1][1], alone[1][1], atol=1e-5)  # the neighbours change the reading
    first, _ = _reference_probs(tiny_ner_dir, words[0] + (words[1] + words[2])[:4])  # nothing before the first
    np.testing.assert_allclose(document[0][1], first[: len(words[0])], atol=1e-5)
    one_by_one = [model.word_probabilities([(text, [span])])[0][0][1] for span in sentences]
    np.testing.assert_allclose(one_by_one[1], alone[1][1], atol=1e-5)  # a sentence given alone has no context


def test_a_3000_word_sentence_is_tagged_word_by_word(ner: NerModel, seed_texts: list[str]) -> None:
    words = " ".join(seed_texts[0].split())
    text = " ".join((words.split() * 20)[:3000]).replace(".", "،")
    assert len(split_sentences(text)) == 1
    tags = ner.tag_many([(text, [(0, len(text))])])[0][0]
    assert [tag.token for tag in tags] == tokenize(text)
    assert len([tag for tag in tags if tag.token.text.isalpha()]) >= 3000 - 300
    assert all(tag.score > 0 for tag in tags)
    spans = ner.predict(text, [(0, len(text))])
    assert spans and spans[-1].end > len(text) - 2000
    assert all(text[s.start : s.end] == text[s.start : s.end].strip() for s in spans)


def test_stance_long_text_uses_every_window(tiny_stance_dir: Path, seed_texts: list[str]) -> None:
    stance = StanceModel.from_pretrained(tiny_stance_dir, threads=THREADS, max_length=32, stride=4)
    pairs = [("روسيا", seed_texts[0][:60]), ("اليابان", seed_texts[0]), ("روسيا", "")]
    batched = stance.predict(pairs, batch_size=2)
    one_by_one = [stance.predict([pair], batch_size=1)[0] for pair in pairs]
    assert [label for label, _ in batched] == [label for label, _ in one_by_one]
    assert np.allclose([score for _, score in batched], [score for _, score in one_by_one], atol=1e-6)
    assert all(label in ("FAVOR", "AGAINST", "NONE") and 0 < score <= 1 for label, score in batched)
