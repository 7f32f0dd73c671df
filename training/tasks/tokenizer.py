"""Task ``tokenizer``: train a WordPiece vocabulary on raw Arabic text with the `tokenizers` library.

The normaliser drops diacritics and tatweel (through an alignment-preserving ``Replace``, so
offsets still point into the original text) and never strips accents: أ/إ/آ stay distinct from ا.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from nlpkit.data import load
from nlpkit.data.readers.corpus import iter_corpus
from training.common import Stopwatch, prepare_run, write_metrics
from training.config import Config

logger = logging.getLogger("training")

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Arabic harakat, superscript alef, Quranic marks and tatweel: noise for matching, dropped in the model view.
ARABIC_MARKS = "[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]"


def build_normalizer() -> normalizers.Normalizer:
    """Normaliser for Arabic: drop marks, clean control chars, lowercase Latin, keep hamza forms."""
    return normalizers.Sequence(
        [
            normalizers.Replace(Regex(ARABIC_MARKS), ""),
            normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True),
        ]
    )


def iter_texts(config: Config) -> Iterator[str]:
    """Raw documents from the configured corpora, extra text files and the text of the labelled
    sets listed under ``data.train`` (labels unused), capped by ``max_documents``."""
    def generate() -> Iterator[str]:
        for name in config.data.corpora:
            yield from iter_corpus(name, data_dir=config.data.dir)
        for path in config.data.text_files:
            with open(path, encoding="utf-8") as handle:
                yield from (line.strip() for line in handle if line.strip())
        for source in config.data.train:
            yield from _source_texts(load(source.name, source.split, data_dir=config.data.dir))

    return itertools.islice(generate(), config.data.max_documents)


def _source_texts(dataset: Any) -> Iterator[str]:
    """Plain text of a labelled set: joined tokens (NER) or the text of each stance pair."""
    column = "tokens" if "tokens" in dataset.column_names else "text"
    for value in dataset[column]:
        text = " ".join(value) if column == "tokens" else value
        if text.strip():
            yield text


def wrap_fast_tokenizer(tokenizer: Tokenizer, model_max_length: int = 512) -> PreTrainedTokenizerFast:
    """Wrap a trained `tokenizers.Tokenizer` so transformers saves and reloads it unchanged."""
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=model_max_length,
        # Segment ids matter for (target, text) pairs; transformers 5 omits them unless asked.
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )


def train_tokenizer(texts: Iterator[str], *, vocab_size: int, min_frequency: int = 2, limit_alphabet: int = 500) -> Tokenizer:
    """Train a BERT-style WordPiece tokenizer on ``texts``."""
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = build_normalizer()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        limit_alphabet=limit_alphabet,
        continuing_subword_prefix="##",
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return tokenizer


def run(config: Config) -> dict[str, float]:
    """Train the vocabulary and save it as a transformers tokenizer directory."""
    out = prepare_run(config)
    clock = Stopwatch()
    counter = {"documents": 0}

    def counted() -> Iterator[str]:
        for text in iter_texts(config):
            counter["documents"] += 1
            yield text

    tokenizer = train_tokenizer(
        counted(),
        vocab_size=config.tokenizer.vocab_size,
        min_frequency=config.tokenizer.min_frequency,
        limit_alphabet=config.tokenizer.limit_alphabet,
    )
    wrap_fast_tokenizer(tokenizer, config.model.max_length if config.model.max_length > 128 else 512).save_pretrained(out)
    metrics = {"documents": counter["documents"], "vocab_size": tokenizer.get_vocab_size(), "train_seconds": clock.seconds}
    write_metrics(Path(out), metrics)
    logger.info("tokenizer: %d documents, vocabulary %d, %.1fs", metrics["documents"], metrics["vocab_size"], clock.seconds)
    return metrics
