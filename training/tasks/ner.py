"""Task ``ner``: token classification over IOB2 ``PER ORG LOC DATE MISC`` (``NER_LABELS``).

- Sources come from ``data.train`` (registry names or ``.jsonl`` files in the NER schema) and
  are mixed by weight (``training/sources.py``).
- Each word is labelled on its first sub-word; the other sub-words get -100 (``word_ids()``).
- A sentence longer than ``model.max_length`` sub-words is split into consecutive chunks of
  whole words that fit; nothing is truncated. (A single word longer than the limit, which
  real text does not produce, is cut and logged.) Evaluation re-joins the chunks per sentence.
- Context (``model.context_words``): each sentence may be read with up to that many words of the
  sentences before and after it in its source (``add_context`` runs per source, before mixing, so the
  neighbours are the source's own), as much as fits in ``model.max_length`` beside the sentence, half
  before and the rest after. Context words get label -100 and are not scored; a sentence that needs
  several chunks is read without context.
- Unannotated dates: ANERcorp and FANE do not annotate DATE, so their ``O`` on "12 أيار 2003"
  is no evidence against DATE. For a source whose ``annotated_types`` lacks DATE, words that
  ``nlpkit.data.labels.date_like`` flags and that are tagged ``O`` get label -100 (no loss),
  see ``date_mask``. The same rule applies to the eval loss; the F1 scores use the gold tags.
- Scores are entity-level seqeval (strict IOB2) on words, decoded as the library decodes them:
  the most probable valid IOB2 sequence per sentence (``nlpkit.models.ner.iob2_viterbi``) over
  the first-sub-word distributions. When an eval source lacks a type, predictions of that type
  are mapped to ``O`` before scoring.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import datasets
import numpy as np
from transformers import AutoModelForTokenClassification, DataCollatorForTokenClassification, PreTrainedTokenizerBase

from nlpkit.data.labels import NER_LABELS, NER_TYPES, date_mask
from training.config import Config
from training.finetune import TaskSpec, fine_tune
from nlpkit.models.ner import iob2_viterbi
from nlpkit.models.windows import fit_context, neighbours
from training.metrics import Scores, log_probs, ner_scores

logger = logging.getLogger("training")

LABEL2ID = {label: i for i, label in enumerate(NER_LABELS)}


def chunk_words(counts: list[int], budget: int) -> list[tuple[int, int]]:
    """Split words with ``counts`` sub-words into consecutive ``(start, end)`` runs of at most ``budget`` sub-words."""
    chunks: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, count in enumerate(counts):
        if used + count > budget and i > start:
            chunks.append((start, i))
            start, used = i, 0
        used += count
    chunks.append((start, len(counts)))
    return chunks


def _subword_counts(tokenizer: PreTrainedTokenizerBase, sentences: list[list[str]]) -> list[list[int]]:
    encoded = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False, verbose=False)
    counts: list[list[int]] = []
    for i, words in enumerate(sentences):
        row = [0] * len(words)
        for word in encoded.word_ids(i):
            if word is not None:
                row[word] += 1
        counts.append(row)
    return counts


def add_context(dataset: datasets.Dataset, words: int) -> datasets.Dataset:
    """``dataset`` with ``left`` and ``right``: up to ``words`` words of the sentences before and after each row."""
    sentences = [list(tokens) for tokens in dataset["tokens"]]
    pairs = [neighbours(sentences, i, words) for i in range(len(sentences))]
    left, right = [before for before, _ in pairs], [after for _, after in pairs]
    return dataset.add_column("left", left).add_column("right", right)


def encode(dataset: datasets.Dataset, tokenizer: PreTrainedTokenizerBase, max_length: int
           ) -> tuple[datasets.Dataset, Callable[[np.ndarray, dict[int, str]], Scores]]:
    """Tokenise NER sentences into features; return them with a word-level scorer.

    Returns:
        Features (``input_ids``, ``attention_mask``, [``token_type_ids``], ``labels``), one row per
        chunk, and ``scorer(log_probs, id2label)`` for predictions over exactly these rows.
    """
    sentences, tags, types = (list(map(list, dataset[c])) for c in ("tokens", "tags", "annotated_types"))
    has_context = "left" in dataset.column_names
    lefts = [list(words) for words in dataset["left"]] if has_context else [[] for _ in sentences]
    rights = [list(words) for words in dataset["right"]] if has_context else [[] for _ in sentences]
    left_counts = _subword_counts(tokenizer, lefts) if has_context else lefts
    right_counts = _subword_counts(tokenizer, rights) if has_context else rights
    budget = max_length - tokenizer.num_special_tokens_to_add(pair=False)
    chunk_words_list: list[list[str]] = []
    origin: list[tuple[int, int, int, int]] = []  # (sentence, first word, context words before, own words)
    for s, counts in enumerate(_subword_counts(tokenizer, sentences)):
        if max(counts, default=0) > budget:
            logger.warning("ner: a word of %d sub-words in %s is cut to %d", max(counts), dataset[s]["id"], budget)
        chunks = chunk_words(counts, budget)
        if len(chunks) == 1:
            before, after = fit_context(left_counts[s], right_counts[s], budget - sum(counts))
            context_left = lefts[s][len(lefts[s]) - before:] if before else []
            chunk_words_list.append(context_left + sentences[s] + rights[s][:after])
            origin.append((s, 0, before, len(sentences[s])))
            continue
        for start, end in chunks:
            chunk_words_list.append(sentences[s][start:end])
            origin.append((s, start, 0, end - start))
    encoded = tokenizer(chunk_words_list, is_split_into_words=True, truncation=True, max_length=max_length)
    labels: list[list[int]] = []
    positions: list[list[tuple[int, int]]] = []  # (token position, word index in the sentence)
    masks = [date_mask(sentences[s], tags[s], types[s]) for s in range(len(sentences))]
    for c, (s, start, lead, own) in enumerate(origin):
        row = [-100] * len(encoded["input_ids"][c])
        where: list[tuple[int, int]] = []
        previous = None
        for pos, word in enumerate(encoded.word_ids(c)):
            if word is not None and word != previous and 0 <= word - lead < own:
                w = start + word - lead
                where.append((pos, w))
                if not masks[s][w]:
                    row[pos] = LABEL2ID[tags[s][w]]
            previous = word
        labels.append(row)
        positions.append(where)
    columns = {key: list(values) for key, values in encoded.items()}
    features = datasets.Dataset.from_dict({**columns, "labels": labels})

    def scorer(predicted: np.ndarray, id2label: dict[int, str]) -> Scores:
        """``predicted``: log-probabilities ``(rows, positions, labels)`` (see ``log_probs``)."""
        labels = [id2label[i] for i in range(len(id2label))]
        outside = np.zeros(len(labels))
        outside[labels.index("O")] = 1.0
        probs = [np.tile(outside, (len(words), 1)) for words in sentences]
        for c, (s, *_) in enumerate(origin):
            for pos, w in positions[c]:
                probs[s][w] = np.exp(predicted[c][pos])
        pred = [[labels[k] for k in iob2_viterbi(p, labels)] for p in probs]
        annotated = {t for row in types for t in row} or set(NER_TYPES)
        return ner_scores(tags, pred, annotated)

    return features, scorer


def _collator(tokenizer: PreTrainedTokenizerBase) -> Any:
    return DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=8)


SPEC = TaskSpec(
    name="ner",
    labels=NER_LABELS,
    best_metric="f1",
    auto_model=AutoModelForTokenClassification,
    encode=encode,
    collator=_collator,
    preprocess=log_probs,
    add_context=add_context,
)


def run(config: Config) -> dict[str, Any]:
    """Fine-tune a token classifier and save it with its scores in ``output_dir``."""
    return fine_tune(config, SPEC)
