"""Word tokenisation with exact offsets, and an optional proclitic split.

Tokens (always ``text[start - offset:end - offset] == token.text``):

- **words**: runs of letters and combining marks of one script (Arabic or not: «Sputnikالتعليق»
  is two words); tatweel, harakat and invisible format
  characters *inside* a word (ZWJ/ZWNJ, bidi marks) stay in the token so its offsets cover
  them; format characters before or after a word are skipped;
- **numbers**: digit runs (ASCII, Arabic-Indic, Persian) joined by ``. , : / + -`` or the
  Arabic separators ٫ ٬ when a digit follows, so «2+2», «3.5», «17:29», «1,000» and «2024»
  are one token; letters and digits are separate tokens («GMT28» → «GMT», «28»; «الـ12» →
  «الـ», «12»);
- **everything else** that is not whitespace or a control/format character is punctuation or a
  symbol: one token per character, a run of the same character being one token («...», «!!»).

See :func:`split_proclitic` for the clitic rule used with ``split_clitics=True``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from typing import NamedTuple

from nlpkit.text._unicode import FORMAT_CLASS, MARK_CLASS, TATWEEL, is_letter, is_mark
from nlpkit.text.lexicon import KNOWN_STEMS, NEVER_SPLIT
from nlpkit.text.normalize import normalize

_ARABIC_SCRIPT = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
_ARABIC_CHAR = rf"(?:(?=[^\W\d_])[{_ARABIC_SCRIPT}]|[{MARK_CLASS}])"
_OTHER_LETTER = rf"(?:(?![{_ARABIC_SCRIPT}])[^\W\d_]|[{MARK_CLASS}])"
_TOKEN = re.compile(
    rf"(?P<word>{_ARABIC_CHAR}(?:[{FORMAT_CLASS}]*{_ARABIC_CHAR})*"
    rf"|{_OTHER_LETTER}(?:[{FORMAT_CLASS}]*{_OTHER_LETTER})*)"
    r"|(?P<number>\d+(?:[.,:/+\-\u066b\u066c]\d+)*)"
    rf"|(?P<other>(?P<char>[^\s{FORMAT_CLASS}\x00-\x1f\x7f-\x9f])(?P=char)*)"
)
_FORMAT_CHAR = re.compile(rf"[{FORMAT_CLASS}]")

PROCLITICS = ("ولل", "فلل", "لل", "وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
"""Candidate proclitic clusters, longest first: conjunction و/ف, then preposition ب/ل/ك."""

_MIN_STEM_LETTERS = 3
_MIN_ARTICLE_STEM_LETTERS = 4
_MIN_COMPOUND_NAME_LETTERS = 5
"""Letters a stem opening with «عبد» needs to be split off a conjunction («وعبدالعزيز»)."""


class Token(NamedTuple):
    """A token and its character span ``[start, end)`` in the text given to :func:`tokenize`."""

    text: str
    start: int
    end: int


@functools.lru_cache(maxsize=16)
def _normalized_stems(stems: frozenset[str]) -> frozenset[str]:
    """Normalise a stem lexicon once (cached, so a gazetteer is not re-normalised per call)."""
    return frozenset(normalize(stem) for stem in stems)


_DEFAULT_STEMS = _normalized_stems(KNOWN_STEMS)
_NEVER_SPLIT = _normalized_stems(NEVER_SPLIT)


def _resolve_stems(known_stems: Collection[str] | None) -> frozenset[str]:
    """Return the normalised lexicon: the default one, or the caller's."""
    if known_stems is None:
        return _DEFAULT_STEMS
    return _normalized_stems(frozenset(known_stems))


def _is_attached(char: str) -> bool:
    """True for characters that belong to the letter before them (harakat, tatweel, ZWJ...)."""
    return char == TATWEEL or is_mark(char) or bool(_FORMAT_CHAR.match(char))


def _cut_after(word: str, prefix: str) -> int:
    """Return the index in ``word`` just after the letters of ``prefix`` (and their marks), or -1."""
    index = 0
    for letter in prefix:
        if index >= len(word) or word[index] != letter:
            return -1
        index += 1
        while index < len(word) and _is_attached(word[index]):
            index += 1
    return index


def _prefix_length(word: str, stems: frozenset[str]) -> int:
    """Return how many leading characters of ``word`` are a proclitic to split off (0: none)."""
    if not word or word[0] not in "وفبلك":
        return 0
    whole = normalize(word)
    if whole in stems or whole in _NEVER_SPLIT:
        return 0
    candidates: list[tuple[str, int, list[str]]] = []
    for prefix in PROCLITICS:
        cut = _cut_after(word, prefix)
        if cut <= 0:
            continue
        stem_letters = [char for char in word[cut:] if is_letter(char)]
        if len(stem_letters) >= _MIN_STEM_LETTERS:
            candidates.append((prefix, cut, stem_letters))
    for _, cut, _ in candidates:
        if normalize(word[cut:]) in stems:
            return cut
    for prefix, cut, stem_letters in candidates:
        if prefix.endswith("لل"):
            return cut
        if stem_letters[:2] == ["ا", "ل"] and len(stem_letters) >= _MIN_ARTICLE_STEM_LETTERS:
            return cut
        if prefix[0] in "وف" and stem_letters[0] in "أإآ":
            return cut
        if prefix == "و" and stem_letters[0] == "و":
            return cut
        if prefix[0] in "وف" and stem_letters[:3] == ["ع", "ب", "د"] and len(stem_letters) >= _MIN_COMPOUND_NAME_LETTERS:
            return cut
    return 0


def split_proclitic(word: str, known_stems: Collection[str] | None = None) -> tuple[str, str]:
    """Split a leading proclitic (و ف ب ل ك, or و/ف + ب/ل/ك) off an Arabic word.

    The prefix is split only when the rest (the stem) has at least 3 letters and one of these
    holds, checked in this order:

    1. the normalised stem is a known stem (``known_stems``, default
       :data:`nlpkit.text.lexicon.KNOWN_STEMS`): «وروسيا» → و + روسيا, «بموسكو» → ب + موسكو,
       «ولافروف» → و + لافروف, «وبكين» → و + بكين;
    2. the word starts with «لل» (preposition ل + the article, whose alef is dropped): the
       whole «لل» is split, as in the seed annotations: «للصين» → لل + صين;
    3. the stem starts with the article «ال» and has at least 4 letters: «واليابان» → و + اليابان,
       «وبالتالي» → وب + التالي (the article stays with the noun);
    4. the prefix starts with the conjunction و/ف and the stem with a hamza alef أ إ آ (a root
       starting with وأ/فأ is rare): «وإيتسونوري» → و + إيتسونوري, «وأكد» → و + أكد;
    5. the word starts with «وو» (no Arabic root does; foreign names such as «ووهان» are in
       ``NEVER_SPLIT``): «ووزير» → و + وزير;
    6. the prefix starts with the conjunction و/ف and the stem is a name written with «عبد» joined
       (at least five letters): «وعبدالعزيز» → و + عبدالعزيز.

    Nothing is split when the whole word is itself a known stem or in
    :data:`nlpkit.text.lexicon.NEVER_SPLIT` («والد», «كالينينغراد»), so «وزير», «بوتين»,
    «فلاديمير», «كونو», «لقاء» and «بشأن» stay whole. Diacritics and tatweel after a proclitic
    letter stay with the prefix.

    Args:
        word: one word token (surface form).
        known_stems: stems that force a split; replaces the default list (pass
            ``KNOWN_STEMS | mine`` to extend it). Compared after :func:`normalize`.

    Returns:
        ``(prefix, stem)`` with ``prefix + stem == word``; ``("", word)`` when nothing is split.
    """
    cut = _prefix_length(word, _resolve_stems(known_stems))
    return word[:cut], word[cut:]


def tokenize(
    text: str,
    *,
    split_clitics: bool = False,
    offset: int = 0,
    known_stems: Collection[str] | None = None,
) -> list[Token]:
    """Split ``text`` into word, number and punctuation tokens with character offsets.

    Args:
        text: the text to tokenise (e.g. one sentence of a document).
        split_clitics: split leading proclitics off words (see :func:`split_proclitic`).
        offset: added to every start/end, so tokens of a sentence carry document offsets.
        known_stems: lexicon for the proclitic split (default: the built-in one).

    Returns:
        Tokens in order, non-overlapping, each with ``text[start - offset:end - offset] == token.text``.
    """
    stems = _resolve_stems(known_stems) if split_clitics else frozenset()
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        cut = _prefix_length(match.group(), stems) if split_clitics and match.lastgroup == "word" else 0
        if cut:
            tokens.append(Token(text[start : start + cut], start + offset, start + cut + offset))
            start += cut
        tokens.append(Token(text[start:end], start + offset, end + offset))
    return tokens
