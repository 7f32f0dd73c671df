"""Windows over the words of a long sentence, so no word is silently truncated.

A sentence whose words need more sub-words than the model takes is cut into windows of whole
words, each at most ``budget`` sub-words, consecutive windows overlapping by about ``stride``
sub-words. Every word then takes its prediction from the window where it is most central
(farthest from both window edges), so the words near a cut see context on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from nlpkit.errors import ConfigError

T = TypeVar("T")


def check_window_settings(budget: int, stride: int) -> None:
    """Validate a sub-word budget and overlap.

    Raises:
        ConfigError: ``budget < 1`` or ``stride`` outside ``0..budget // 2``.
    """
    if budget < 1:
        raise ConfigError(f"max_length leaves {budget} sub-words for text after the special tokens; use a larger max_length.")
    if not 0 <= stride <= budget // 2:
        raise ConfigError(f"stride={stride} must be between 0 and half the window ({budget // 2}); lower the stride.")


def plan_windows(counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Cut words with ``counts[i]`` sub-words into windows ``[start, end)`` of word indices.

    Each window holds at most ``budget`` sub-words, except a single word longer than the
    budget, which gets a window of its own. The next window starts at the earliest word such
    that the overlap is at most ``stride`` sub-words (and always after the previous start).

    Args:
        counts: sub-words per word (0 for a word the tokenizer drops).
        budget: sub-words per window, special tokens excluded.
        stride: wanted overlap in sub-words between consecutive windows.

    Returns:
        Windows in order, covering every word; ``[]`` for no words.
    """
    windows: list[tuple[int, int]] = []
    start = 0
    while start < len(counts):
        end, total = start, 0
        while end < len(counts) and (end == start or total + counts[end] <= budget):
            total += counts[end]
            end += 1
        windows.append((start, end))
        if end == len(counts):
            break
        next_start, overlap = end, 0
        while next_start - 1 > start and overlap + counts[next_start - 1] <= stride:
            next_start -= 1
            overlap += counts[next_start]
        start = next_start
    return windows


def neighbours(sentences: Sequence[Sequence[T]], index: int, limit: int) -> tuple[list[T], list[T]]:
    """The last ``limit`` items of the sentences before ``sentences[index]`` and the first ``limit`` after it
    (words, or words with their sub-word counts): the context a NER model trained with neighbouring sentences reads,
    in training and at inference, before :func:`fit_context` trims it to the room left."""
    before: list[T] = []
    for other in reversed(sentences[:index]):
        if len(before) >= limit:
            break
        before = [*other, *before]
    after: list[T] = []
    for other in sentences[index + 1 :]:
        if len(after) >= limit:
            break
        after.extend(other)
    return before[max(0, len(before) - limit) :], after[:limit]


def fit_context(before: Sequence[int], after: Sequence[int], room: int) -> tuple[int, int]:
    """How many context words fit beside a sentence in ``room`` sub-words: the last words of ``before`` and the
    first of ``after`` (given their sub-word counts), half the room before and the rest after.

    A NER model trained with neighbouring sentences as context reads them this way in training and at inference.
    """
    taken_before, used = 0, 0
    for count in reversed(before):
        if used + count > room // 2:
            break
        taken_before, used = taken_before + 1, used + count
    taken_after = 0
    for count in after:
        if used + count > room:
            break
        taken_after, used = taken_after + 1, used + count
    return taken_before, taken_after


def assign_owners(windows: Sequence[tuple[int, int]], n_words: int) -> list[int]:
    """Return, for each word, the index of the window where it is most central (ties: the earlier one)."""
    owners = [-1] * n_words
    best = [-1] * n_words
    for index, (start, end) in enumerate(windows):
        for word in range(start, end):
            centrality = min(word - start, end - 1 - word)
            if centrality > best[word]:
                best[word], owners[word] = centrality, index
    return owners
