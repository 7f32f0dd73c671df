"""The inference tokenizer (``tokenizers`` only) against transformers' fast tokenizer, and the hamza rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

from nlpkit.models.loading import load_tokenizer
from nlpkit.models.tokenizer import ModelTokenizer
from nlpkit.text.sentences import split_sentences
from nlpkit.text.tokenize import tokenize

TARGETS = ("روسيا", "وزارة الخارجية الروسية", "اليابان")


def _sentences(texts: list[str]) -> list[str]:
    return [text[start:end] for text in texts for start, end in split_sentences(text)][:60]


def test_encodings_match_transformers(tiny_stance_dir: Path, seed_texts: list[str]) -> None:
    ours, theirs = ModelTokenizer.from_dir(tiny_stance_dir), load_tokenizer(tiny_stance_dir)
    sentences = _sentences(seed_texts)
    words = [[token.text for token in tokenize(sentence)] for sentence in sentences]
    assert len(ours) == len(theirs) and ours.pad_token_id == theirs.pad_token_id
    assert ours.model_input_names == tuple(theirs.model_input_names)
    assert ours.num_special_tokens(pair=False) == theirs.num_special_tokens_to_add(pair=False)
    for max_length, special in ((None, False), (24, True)):
        encoded = ours.encode_words(words, special_tokens=special, max_length=max_length)
        reference = theirs(words, is_split_into_words=True, add_special_tokens=special,
                           truncation=max_length is not None, max_length=max_length)
        assert encoded.inputs == {name: reference[name] for name in ours.model_input_names}
        assert encoded.word_ids == [reference.word_ids(row) for row in range(len(words))]
    pairs = [(TARGETS[i % len(TARGETS)], sentence) for i, sentence in enumerate(sentences)]
    encoded = ours.encode_pairs(pairs, max_length=32, stride=4)
    reference = theirs([t for t, _ in pairs], [s for _, s in pairs], truncation="only_second", max_length=32, stride=4,
                       return_overflowing_tokens=True)
    assert encoded.inputs == {name: reference[name] for name in ours.model_input_names}
    assert encoded.owners == reference["overflow_to_sample_mapping"] and len(encoded.owners) > len(pairs)
    assert ours.token_counts(list(TARGETS)) == [len(ids) for ids in theirs(list(TARGETS), add_special_tokens=False)["input_ids"]]


def _accent_stripping_tokenizer(directory: Path, tokenizer_class: str) -> Path:
    """A BERT-style folder whose normaliser strips accents (أ → ا), declared as ``tokenizer_class``."""
    from transformers import PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "أعلن", "اعلن", "روسيا"])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2))
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                            sep_token="[SEP]", mask_token="[MASK]").save_pretrained(directory)
    config_file = directory / "tokenizer_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config.pop("model_input_names", None)
    config_file.write_text(json.dumps({**config, "tokenizer_class": tokenizer_class}), encoding="utf-8")
    return directory


@pytest.mark.parametrize("tokenizer_class", ["BertTokenizer", "PreTrainedTokenizerFast"])
def test_hamza_forms_stay_distinct(tmp_path: Path, tokenizer_class: str) -> None:
    folder = _accent_stripping_tokenizer(tmp_path, tokenizer_class)
    ours, theirs = ModelTokenizer.from_dir(folder), load_tokenizer(folder)
    words = [["أعلن", "روسيا"], ["اعلن", "روسيا"]]
    encoded = ours.encode_words(words)
    assert encoded.inputs["input_ids"][0] != encoded.inputs["input_ids"][1]
    assert encoded.inputs["input_ids"] == theirs(words, is_split_into_words=True)["input_ids"]
    assert ours.model_input_names == tuple(theirs.model_input_names)
    assert ("token_type_ids" in ours.model_input_names) == (tokenizer_class == "BertTokenizer")
