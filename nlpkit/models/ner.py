"""Named-entity predictor: words → IOB2 tags → character spans in the original text.

Words come from :func:`nlpkit.text.tokenize.tokenize` (no clitic split) and are fed to the
model pre-split (:meth:`~nlpkit.models.tokenizer.ModelTokenizer.encode_words`); a word's tag
distribution is the one at its first sub-word, and a sentence's tags are the most probable
valid IOB2 sequence (:func:`iob2_viterbi`).
Sentences longer than the model's input are cut into overlapping windows of whole words
(:mod:`nlpkit.models.windows`), so every word gets a tag. A model trained with neighbouring
sentences as context (``nlpkit_context_words`` in its ``config.json``) reads each sentence that fits
in one window with up to that many words of the document's sentences before and after it, untagged
(:func:`~nlpkit.models.windows.fit_context`). Decoded spans are trimmed of
surrounding punctuation and of an attached proclitic, so «وروسيا» yields the span of «روسيا».

Batches are deterministic: inputs are batched with inputs of the same padded width
(:func:`padded_width`, from their own length only), and on the CPU the backends run each row
alone on its own tokens (:mod:`nlpkit.models.rows`), so an input's logits are the same bit for
bit whatever the batch size or the other documents.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from nlpkit.errors import ConfigError
from nlpkit.models.component import ModelComponent
from nlpkit.models.windows import assign_owners, check_window_settings, fit_context, neighbours, plan_windows
from nlpkit.text.lexicon import WEEKDAYS, YESTERDAY
from nlpkit.text.normalize import normalize
from nlpkit.text.tokenize import Token, split_proclitic, tokenize

if TYPE_CHECKING:
    from nlpkit.models.loading import LoadedModel

Span = tuple[int, int]
PAD_MULTIPLE = 8
"""Inputs are padded to a multiple of this many tokens (see :func:`padded_width`)."""


@dataclass(frozen=True)
class EntitySpan:
    """A predicted entity: ``text[start:end]`` with its type and mean tag probability."""

    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class WordTag:
    """The tag of one word and its probability (``"O"``, 0.0 for a word the tokenizer drops)."""

    token: Token
    label: str
    score: float


@dataclass
class _SentenceWork:
    """Per-sentence state while tagging: words, windows and the probabilities gathered so far."""

    words: list[Token]
    counts: list[int]
    windows: list[Span]
    owners: list[int]
    probs: np.ndarray
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    context_subwords: int = 0


def padded_width(length: int, max_length: int) -> int:
    """The width an input of ``length`` tokens is padded to: the next multiple of :data:`PAD_MULTIPLE`, at most ``max_length``."""
    return min(-(-length // PAD_MULTIPLE) * PAD_MULTIPLE, max(length, max_length))


def pad_rows(rows: dict[str, Sequence[Sequence[int]]], width: int, pad_id: int, side: str = "right") -> dict[str, np.ndarray]:
    """Pad unpadded token rows to ``width`` into int64 arrays (``input_ids`` with ``pad_id``, others with 0)."""
    arrays = {}
    for name, values in rows.items():
        array = np.full((len(values), max([width, *map(len, values)])), pad_id if name == "input_ids" else 0, dtype=np.int64)
        for index, row in enumerate(values):
            if side == "left":
                array[index, array.shape[1] - len(row) :] = row
            else:
                array[index, : len(row)] = row
        arrays[name] = array
    return arrays


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in float64 for stable rounding downstream."""
    shifted = logits.astype(np.float64) - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


NEG_INF = -1e9


@functools.lru_cache(maxsize=8)
def _iob2_transitions(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``(start, step)`` penalties: 0 where allowed, ``NEG_INF`` where IOB2 forbids it."""
    def inside(label: str) -> str | None:
        return label[2:] if label.startswith("I-") else None

    def kind(label: str) -> str | None:
        return label[2:] if label[:2] in ("B-", "I-") else None

    start = np.array([NEG_INF if inside(label) else 0.0 for label in labels])
    step = np.array([[NEG_INF if inside(cur) and inside(cur) != kind(prev) else 0.0 for cur in labels] for prev in labels])
    return start, step


def iob2_viterbi(probs: np.ndarray, labels: Sequence[str]) -> list[int]:
    """Label ids of the most probable tag sequence that is valid IOB2.

    A per-word argmax can yield «O I-PER» or «B-ORG I-LOC»; strict scoring drops such
    entities and lenient decoding turns the stray ``I-`` into an entity of its own. Viterbi
    over log-probabilities with those transitions forbidden picks the best valid sequence.
    ``probs`` is ``(words, labels)``; labels without a ``B-``/``I-`` prefix are unconstrained.
    """
    if len(probs) == 0:
        return []
    start, step = _iob2_transitions(tuple(labels))
    log_probs = np.log(np.clip(probs, 1e-12, None))
    score = start + log_probs[0]
    back = np.empty((len(probs) - 1, len(labels)), dtype=np.int64)
    for t in range(1, len(probs)):
        candidates = score[:, None] + step
        back[t - 1] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probs[t]
    best = [int(score.argmax())]
    for pointers in back[::-1]:
        best.append(int(pointers[best[-1]]))
    return best[::-1]


def decode_iob2(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Turn word tags into ``(first, last, type)`` word ranges (inclusive).

    An ``I-X`` that does not continue an ``X`` span (no ``B-X`` before it, or after another
    type) starts a new span, as seqeval's lenient mode does.
    """
    spans: list[tuple[int, int, str]] = []
    open_kind: str | None = None
    for index, label in enumerate(labels):
        if label == "O":
            open_kind = None
            continue
        prefix, kind = label.split("-", 1)
        if prefix == "I" and open_kind == kind:
            spans[-1] = (spans[-1][0], index, kind)
        else:
            spans.append((index, index, kind))
            open_kind = kind
    return spans


def _is_wordlike(token: Token) -> bool:
    """True for letter/digit tokens (not punctuation or quotes)."""
    return any(char.isalnum() for char in token.text)


_BRACKETS = {"(": ")", "[": "]", "{": "}", "«": "»"}

# Weekdays and «أمس» follow the name they date in news («ورفض بولتون الأحد…», «قال لافروف أمس»), and
# models tag them into the name. Never part of a name; «اليوم» is («روسيا اليوم», «مصر اليوم»).
_TIME_WORDS = frozenset(normalize(word) for word in WEEKDAYS + YESTERDAY)


def _is_time_word(token: Token) -> bool:
    """True for a weekday or «أمس», with or without a proclitic."""
    return normalize(token.text) in _TIME_WORDS or normalize(split_proclitic(token.text)[1]) in _TIME_WORDS


def trim_span(words: Sequence[Token], first: int, last: int, kind: str | None = None) -> tuple[int, int, Span] | None:
    """Trim the word range ``first..last``: punctuation at both ends, weekdays and «أمس» at the end of
    anything but a ``DATE`` (``kind``), then a proclitic on its first word.

    A bracket the tags included is kept when the words inside open or close it, so that
    «( 26 / 4 / 1947 )» does not lose its closing bracket.

    Returns:
        ``(first, last, (start, end))`` with the kept word range and character span, or
        ``None`` when only punctuation remains.
    """
    low, high = first, last
    while first <= last and not _is_wordlike(words[first]):
        first += 1
    while last >= first and not _is_wordlike(words[last]):
        last -= 1
    while kind != "DATE" and first < last and _is_time_word(words[last]):
        last -= 1
        while last > first and not _is_wordlike(words[last]):
            last -= 1
    if first > last:
        return None
    first, last = _keep_matching_brackets(words, first, last, low, high)
    prefix, _ = split_proclitic(words[first].text)
    return first, last, (words[first].start + len(prefix), words[last].end)


def _keep_matching_brackets(words: Sequence[Token], first: int, last: int, low: int, high: int) -> tuple[int, int]:
    """Widen ``first..last`` (within the tagged ``low..high``) by a bracket the kept words leave open."""
    inside = "".join(word.text for word in words[first : last + 1])
    for opening, closing in _BRACKETS.items():
        if inside.count(opening) > inside.count(closing) and last < high and words[last + 1].text == closing:
            last += 1
        elif inside.count(closing) > inside.count(opening) and first > low and words[first - 1].text == opening:
            first -= 1
    return first, last


def spans_from_tags(tags: Sequence[WordTag]) -> list[EntitySpan]:
    """Decode one sentence's word tags into trimmed entity spans (score: mean over kept words)."""
    words = [tag.token for tag in tags]
    spans = []
    for first, last, kind in decode_iob2([tag.label for tag in tags]):
        trimmed = trim_span(words, first, last, kind)
        if trimmed is None:
            continue
        first, last, (start, end) = trimmed
        score = float(np.mean([tags[i].score for i in range(first, last + 1)]))
        spans.append(EntitySpan(start, end, kind, score))
    return spans


def tags_from_probabilities(words: Sequence[Token], probs: np.ndarray, labels: Sequence[str]) -> list[WordTag]:
    """Best valid IOB2 tags (:func:`iob2_viterbi`) for one sentence; words without sub-words get ``O``."""
    dropped = ~probs.any(axis=1)
    filled = probs.copy()
    if dropped.any() and "O" in labels:
        filled[dropped, list(labels).index("O")] = 1.0
    best = iob2_viterbi(filled, labels)
    return [
        WordTag(word, "O", 0.0) if gone else WordTag(word, labels[k], float(row[k]))
        for word, row, k, gone in zip(words, probs, best, dropped, strict=True)
    ]


class NerModel(ModelComponent):
    """Token-classification model over words, with windowing and batching."""

    task = "ner"

    def __init__(self, model: LoadedModel, *, batch_size: int = 16, stride: int | None = None) -> None:
        """Wrap a loaded model.

        Args:
            model: tokenizer, backend, IOB2 labels and max input length.
            batch_size: windows per forward pass.
            stride: overlap in sub-words between windows of a long sentence (default: a
                quarter of the window, at most 128).

        Raises:
            ConfigError: a non-positive batch size or a stride too large for the window.
        """
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        self.model = model
        self.batch_size = batch_size
        self.budget = model.max_length - model.tokenizer.num_special_tokens(pair=False)
        self.stride = min(self.budget // 4, 128) if stride is None else stride
        check_window_settings(self.budget, self.stride)


    def predict(self, text: str, sentences: Sequence[Span]) -> list[EntitySpan]:
        """Entity spans of ``text``, sentence by sentence, in text order."""
        return self.predict_many([(text, sentences)])[0]

    def predict_many(
        self, items: Sequence[tuple[str, Sequence[Span]]], *, batch_size: int | None = None
    ) -> list[list[EntitySpan]]:
        """Entity spans for several documents at once (sentences of all documents share batches)."""
        return [
            [span for sentence_tags in document for span in spans_from_tags(sentence_tags)]
            for document in self.tag_many(items, batch_size=batch_size)
        ]

    def tag_many(
        self, items: Sequence[tuple[str, Sequence[Span]]], *, batch_size: int | None = None
    ) -> list[list[list[WordTag]]]:
        """Tag every word of every sentence: ``result[document][sentence][word]``."""
        labels = self.model.labels
        return [[tags_from_probabilities(words, probs, labels) for words, probs in document]
                for document in self.word_probabilities(items, batch_size=batch_size)]

    def word_probabilities(
        self, items: Sequence[tuple[str, Sequence[Span]]], *, batch_size: int | None = None
    ) -> list[list[tuple[list[Token], np.ndarray]]]:
        """Words of every sentence with their tag distributions (``(words, labels)``, all zero for a
        word the tokenizer drops): ``result[document][sentence]``. Ensembles average these."""
        work = [self._prepare(text[start:end], start) for text, sentences in items for start, end in sentences]
        if self.model.context_words:
            position = 0
            for _, sentences in items:
                self._add_context(work[position : position + len(sentences)])
                position += len(sentences)
        self._run_windows(work, batch_size or self.batch_size)
        result, position = [], 0
        for _, sentences in items:
            result.append([(item.words, item.probs) for item in work[position : position + len(sentences)]])
            position += len(sentences)
        return result

    def _prepare(self, sentence: str, offset: int) -> _SentenceWork:
        """Tokenise one sentence into words and plan its windows."""
        words = tokenize(sentence, offset=offset)
        counts = self._subword_counts(words)
        windows = plan_windows(counts, self.budget, self.stride)
        probs = np.zeros((len(words), len(self.model.labels)))
        return _SentenceWork(words, counts, windows, assign_owners(windows, len(words)), probs)

    def _add_context(self, document: Sequence[_SentenceWork]) -> None:
        """Give each sentence of one document that fits in one window its neighbours' words as context."""
        rows = [list(zip((w.text for w in item.words), item.counts, strict=True)) for item in document]
        for index, item in enumerate(document):
            if len(item.windows) != 1:
                continue
            before, after = neighbours(rows, index, self.model.context_words)
            taken_before, taken_after = fit_context([c for _, c in before], [c for _, c in after],
                                                    self.budget - sum(item.counts))
            context = before[len(before) - taken_before :] if taken_before else []
            item.before = [text for text, _ in context]
            item.after = [text for text, _ in after[:taken_after]]
            item.context_subwords = sum(c for _, c in context + after[:taken_after])

    def _subword_counts(self, words: Sequence[Token]) -> list[int]:
        """Sub-words per word, as the tokenizer splits the pre-split sentence."""
        if not words:
            return []
        encoded = self.model.tokenizer.encode_words([[word.text for word in words]], special_tokens=False)
        counts = [0] * len(words)
        for word_id in encoded.word_ids[0]:
            if word_id is not None:
                counts[word_id] += 1
        return counts

    def _run_windows(self, work: Sequence[_SentenceWork], batch_size: int) -> None:
        """Run every window through the backend (same padded width batched together) and keep owned probabilities."""
        specials = self.model.tokenizer.num_special_tokens(pair=False)
        width = {
            (id(item), index): padded_width(sum(item.counts[start:end]) + item.context_subwords + specials,
                                            self.model.max_length)
            for item in work for index, (start, end) in enumerate(item.windows)
        }
        jobs = [(item, index, window) for item in work for index, window in enumerate(item.windows)]
        jobs.sort(key=lambda job: width[id(job[0]), job[1]])
        for _, group in itertools.groupby(jobs, key=lambda job: width[id(job[0]), job[1]]):
            same_width = list(group)
            for begin in range(0, len(same_width), batch_size):
                self._run_chunk(same_width[begin : begin + batch_size])

    def _run_chunk(self, chunk: Sequence[tuple[_SentenceWork, int, Span]]) -> None:
        """One forward pass over windows of the same padded width."""
        tokenizer = self.model.tokenizer
        encoded = tokenizer.encode_words(
            [item.before + [word.text for word in item.words[start:end]] + item.after for item, _, (start, end) in chunk],
            max_length=self.model.max_length,
        )
        longest = max(len(row) for row in encoded.inputs["input_ids"])
        batch = pad_rows(encoded.inputs, padded_width(longest, self.model.max_length), tokenizer.pad_token_id,
                         tokenizer.padding_side)
        probs = softmax(self.model.backend.logits(batch))
        for row, (item, index, (start, _)) in enumerate(chunk):
            word_ids = encoded.word_ids[row]
            if tokenizer.padding_side == "left":
                word_ids = [None] * (probs.shape[1] - len(word_ids)) + list(word_ids)
            self._keep_owned(item, index, start, word_ids, probs[row])

    @staticmethod
    def _keep_owned(item: _SentenceWork, index: int, start: int, word_ids: Sequence[int | None], probs: np.ndarray) -> None:
        """Store the first-sub-word probabilities of the words that window ``index`` owns (context words are read,
        not kept)."""
        previous, lead = None, len(item.before)
        end = item.windows[index][1]
        for position, word_id in enumerate(word_ids):
            if word_id is not None and word_id != previous and 0 <= word_id - lead < end - start \
                    and item.owners[start + word_id - lead] == index:
                item.probs[start + word_id - lead] = probs[position]
            previous = word_id

