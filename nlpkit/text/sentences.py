"""Sentence splitting for Arabic news, as spans into the original text.

Rules:

1. **Lines.** Every line break (``\\n``, ``\\r\\n``, ``\\r``, U+2028, U+2029, ...) ends a
   sentence, so headlines, datelines, captions and bullet lines are sentences of their own.
2. **Terminators.** Inside a line, a run of ``. ! ? ؟ … ۔`` ends a sentence when whitespace or
   the end of the line follows (closing quotes and brackets right after it belong to the
   sentence), or when it sits between two Arabic letters (a missing space, «الأمن.وقال»).
   So «3.5», «2+2», «د.ب.أ» and «www.rt.com» never split.
3. **Not terminators.** Exactly two dots («الأوكرانية.. أكد») are a pause in Arabic news, not
   an end; a single dot after a one-letter abbreviation («د.», «U.S.») or after a list number
   at the start of a sentence («1.») does not end it. ، and ؛ never end a sentence.
4. **Quotes.** A terminator inside a quotation that is closed later on the same line does not
   end the sentence: a quoted multi-sentence statement is one sentence with its reporting
   clause (as the seed guidelines want). Quotes are « » (and ‹ ›), and the symmetric ``"`` and
   curly “ ” „, whose direction is read from context (a quote before a word opens, after a word
   closes, otherwise it closes an open quote or opens a new one). A quote that is never closed
   on its line is ignored, so a stray quote cannot swallow a paragraph; a line break always
   ends the sentence, even inside a quote.

Spans are trimmed of whitespace (``str.isspace``), and together they cover every
non-whitespace character of the text exactly once.
"""

from __future__ import annotations

import re

from nlpkit.text._unicode import TATWEEL, is_arabic_letter, is_mark

_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_TERMINATORS = frozenset(".!?؟…۔‼⁇⁈⁉")
_GUILLEMETS = {"«": "»", "‹": "›"}
_SYMMETRIC_QUOTES = frozenset('"“”„‟″')
_CLOSING_BRACKETS = frozenset(")]}")
_OPENING_PUNCTUATION = "([{«‹\"“”„'"
_ABBREVIATION = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_LIST_NUMBER = re.compile(r"\d{1,3}")

_OPEN = 1
_CLOSE = -1


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences (see the module docstring for the rules).

    Args:
        text: the original document text.

    Returns:
        ``(start, end)`` spans into ``text``, in order, non-overlapping, trimmed of whitespace.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for match in _LINE_BREAK.finditer(text):
        _split_line(text, line_start, match.start(), spans)
        line_start = match.end()
    _split_line(text, line_start, len(text), spans)
    return spans


def _split_line(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the sentences of the line ``text[start:end]`` to ``spans``."""
    roles = _quote_roles(text, start, end)
    depth = 0
    sentence_start = start
    index = start
    while index < end:
        if index in roles:
            depth += roles[index]
            index += 1
            continue
        if text[index] not in _TERMINATORS:
            index += 1
            continue
        run_end = index
        while run_end < end and text[run_end] in _TERMINATORS:
            run_end += 1
        after = run_end
        while after < end and (roles.get(after) == _CLOSE or text[after] in _CLOSING_BRACKETS):
            depth += roles.get(after, 0)
            after += 1
        if depth == 0 and _ends_sentence(text, sentence_start, index, run_end, after, end):
            _append_trimmed(text, sentence_start, after, spans)
            sentence_start = after
        index = after
    _append_trimmed(text, sentence_start, end, spans)


def _ends_sentence(
    text: str, sentence_start: int, run_start: int, run_end: int, after: int, line_end: int
) -> bool:
    """Decide whether the terminator run ``text[run_start:run_end]`` ends a sentence.

    ``after`` is the position after the closing quotes and brackets that follow the run.
    """
    run = text[run_start:run_end]
    if run == "..":
        return False
    if after < line_end and not text[after].isspace():
        between_letters = run_start > 0 and is_arabic_letter(text[run_start - 1]) and is_arabic_letter(text[after])
        return after == run_end and between_letters
    if run == ".":
        word_start = run_start
        while word_start > sentence_start and not text[word_start - 1].isspace():
            word_start -= 1
        word = text[word_start:run_start].lstrip(_OPENING_PUNCTUATION)
        if _ABBREVIATION.fullmatch(word):
            return False
        if _LIST_NUMBER.fullmatch(word) and not text[sentence_start:word_start].strip():
            return False
    return True


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``[start, end)`` without surrounding whitespace, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _is_wordish(char: str) -> bool:
    """True for characters that can touch a quote from inside a word (letters, digits, marks, tatweel)."""
    return char.isalnum() or char == TATWEEL or is_mark(char)


def _quote_roles(text: str, start: int, end: int) -> dict[int, int]:
    """Return ``{position: _OPEN or _CLOSE}`` for the quotes of one line that form matched pairs."""
    stack: list[tuple[int, str]] = []
    roles: dict[int, int] = {}
    open_symmetric = 0
    for index in range(start, end):
        char = text[index]
        if char in _GUILLEMETS:
            stack.append((index, _GUILLEMETS[char]))
        elif char in _GUILLEMETS.values():
            open_symmetric -= _close(stack, roles, index, char)
        elif char in _SYMMETRIC_QUOTES:
            before = _is_wordish(text[index - 1]) if index > start else False
            following = _is_wordish(text[index + 1]) if index + 1 < end else False
            opens = following if before != following else open_symmetric == 0
            if opens:
                stack.append((index, '"'))
                open_symmetric += 1
            else:
                open_symmetric -= _close(stack, roles, index, '"')
    return roles


def _close(stack: list[tuple[int, str]], roles: dict[int, int], index: int, closer: str) -> int:
    """Match the closer at ``index`` with the nearest open quote of its kind.

    Quotes opened after that one are dropped as unmatched. Returns how many symmetric quotes
    were removed from the stack (0 when the closer matches nothing and is ignored).
    """
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][1] == closer:
            removed = stack[depth:]
            del stack[depth:]
            roles[removed[0][0]] = _OPEN
            roles[index] = _CLOSE
            return sum(kind == '"' for _, kind in removed)
    return 0
