"""Find where a sentence names a party, and mark it for a stance model.

A stance question names its target by a canonical name («الولايات المتحدة», «روسيا») while the
sentence may write it with a proclitic («ولروسيا»), without the article, in another spelling
(«سيرغي»/«سيرجي», compared by :func:`~nlpkit.text.normalize.normalize_name`) or as a nationality
adjective («الروسية»). :func:`find_mentions` finds those spans; :func:`mark_target` brackets them
(«[ روسيا ]») so that a stance model trained on marked sentences sees which words the question
is about. Aliases that share no word with the name («واشنطن» for the United States) are not found.
"""

from __future__ import annotations

from collections.abc import Collection

from nlpkit.text.normalize import normalize_name
from nlpkit.text.tokenize import PROCLITICS, tokenize

OPEN_MARK = "["
CLOSE_MARK = "]"
_NISBA_ENDINGS = ("يين", "يون", "يان", "يه", "ي")


def is_nisba(key: str, names: Collection[str]) -> bool:
    """True when the one-word name ``key`` is a nisba adjective of one of ``names``.

    ``key`` less a nisba ending (ي, ية, يين, يون, يان) is a name, or that stem plus ا, يا or ي is
    («اليابانى» → «اليابان», «الروسية» → «روسيا», «الأمريكي» → «أمريكا»).
    """
    if " " in key:
        return False
    for ending in _NISBA_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending) + 1:
            stem = key[: -len(ending)]
            if any(stem + tail in names for tail in ("", "ا", "يا", "ي")):
                return True
    return False


def name_contains(name: str, part: str) -> bool:
    """True when the name key of ``part`` is a run of words of the name key of ``name``.

    «لافروف» and «سيرجي لافروف» are in «سيرغي لافروف»; «الخارجية الروسية» is in «وزارة الخارجية الروسية».
    """
    words, wanted = normalize_name(name).split(), normalize_name(part).split()
    return bool(wanted) and any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def _word_keys(word: str) -> set[str]:
    """Name keys of a word as written and without each proclitic it may carry («ولروسيا» → «روسيا»)."""
    keys = {normalize_name(word)}
    for clitic in PROCLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            keys.add(normalize_name(word[len(clitic):]))
    return keys - {""}


def find_mentions(text: str, name: str) -> list[tuple[int, int]]:
    """Character spans in ``text`` where ``name`` is mentioned, left to right, not overlapping.

    A mention is the name's words in order (the first may carry a proclitic, each may differ in
    spelling as :func:`normalize_name` allows) or, for a one-word name, its nisba adjective.
    """
    target = normalize_name(name).split()
    if not target:
        return []
    tokens = tokenize(text)
    keys = [_word_keys(token.text) for token in tokens]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        size = len(target)
        whole = (index + size <= len(tokens) and target[0] in keys[index]
                 and all(normalize_name(tokens[index + k].text) == word for k, word in enumerate(target[1:], 1)))
        if whole or (size == 1 and any(is_nisba(key, {target[0]}) for key in keys[index])):
            size = size if whole else 1
            spans.append((tokens[index].start, tokens[index + size - 1].end))
            index += size
        else:
            index += 1
    return spans


def mark_target(text: str, name: str) -> str:
    """``text`` with each mention of ``name`` bracketed: «فرضت [ روسيا ] عقوبات» (unchanged when none is found)."""
    pieces: list[str] = []
    last = 0
    for start, end in find_mentions(text, name):
        pieces += [text[last:start], f"{OPEN_MARK} ", text[start:end], f" {CLOSE_MARK}"]
        last = end
    return "".join(pieces) + text[last:]
