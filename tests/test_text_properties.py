"""Property tests for nlpkit.text on random mixed-script text: spans always slice back exactly."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nlpkit.text import normalize, normalize_with_map, split_proclitic, split_sentences, tokenize

PIECES = [
    *"ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآىةؤئٱ",
    "ال", "و", "ب", "لل", "روسيا", "وروسيا", "بموسكو", "ولافروف", "للصين", "والد",
    "\u064e", "\u064b", "\u0651", "\u0652", "\u0670", "\u06d6", "\u0640", "\u0640\u0640",
    "\u200c", "\u200d", "\u200b", "\u200e", "\u200f", "\u202b", "\u202c", "\u2067", "\u2069", "\ufeff", "\u061c",
    "Lavrov", "U.S.", "RT", "ß", "İ", "e\u0301",
    "0", "7", "2+2", "3.5", "٣", "٫", "٬", "۱۹", "17:29",
    "😀", "👍🏽", "👨\u200d👩", "\ufefb", "\ufdfa",
    ".", "..", "...", "…", "!", "?", "؟", "؟!", "،", "؛", ":", "-", "/", "(", ")", "%",
    '"', "«", "»", "“", "”", "'",
    " ", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u2028", "\x85", "\x0b",
    "&nbsp;", "<br>", "<br/>", "</p><p>", "&amp;",
]

mixed_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(exclude_categories=("Cs",))),
    max_size=60,
).map("".join)

LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
PROPERTY_SETTINGS = settings(max_examples=250, deadline=None)


@PROPERTY_SETTINGS
@given(mixed_text)
def test_sentences_are_ordered_trimmed_and_cover_all_non_whitespace(text: str) -> None:
    spans = split_sentences(text)
    covered = [False] * len(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        previous_end = end
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert not LINE_BREAKS.search(text[start:end])
        for position in range(start, end):
            covered[position] = True
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))


@PROPERTY_SETTINGS
@given(mixed_text, st.booleans(), st.integers(min_value=0, max_value=10_000))
def test_tokens_slice_back_and_cover_every_word_character(text: str, split_clitics: bool, offset: int) -> None:
    tokens = tokenize(text, split_clitics=split_clitics, offset=offset)
    previous_end = offset
    covered = [False] * len(text)
    for token in tokens:
        assert previous_end <= token.start < token.end
        previous_end = token.end
        assert text[token.start - offset : token.end - offset] == token.text
        assert not any(char.isspace() for char in token.text)
        for position in range(token.start - offset, token.end - offset):
            covered[position] = True
    assert all(covered[i] for i, char in enumerate(text) if char.isalnum())


@PROPERTY_SETTINGS
@given(mixed_text)
def test_clitic_split_only_cuts_word_tokens(text: str) -> None:
    plain = tokenize(text)
    split = tokenize(text, split_clitics=True)
    assert {(t.start, t.end) for t in plain} <= {(t.start, t.end) for t in split} | {
        (t.start, t.end) for t in plain if split_proclitic(t.text)[0]
    }
    assert "".join(t.text for t in plain) == "".join(t.text for t in split)


@PROPERTY_SETTINGS
@given(mixed_text)
def test_sentence_tokens_carry_document_offsets(text: str) -> None:
    for start, end in split_sentences(text):
        for token in tokenize(text[start:end], split_clitics=True, offset=start):
            assert start <= token.start < token.end <= end
            assert text[token.start : token.end] == token.text


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(PIECES[:50]), min_size=1, max_size=6).map("".join))
def test_split_proclitic_is_a_cut(word: str) -> None:
    prefix, stem = split_proclitic(word)
    assert prefix + stem == word
    assert len(prefix) <= 3 + sum(1 for char in prefix if not char.isalpha() or char == "\u0640")


@PROPERTY_SETTINGS
@given(mixed_text, st.booleans(), st.data())
def test_normalized_spans_map_back_in_range_and_monotonic(text: str, casefold: bool, data: st.DataObject) -> None:
    mapped = normalize_with_map(text, casefold=casefold)
    assert mapped.text == normalize(text, casefold=casefold)
    assert mapped.original == text
    n = len(mapped.text)
    for k in range(n):
        start, end = mapped.to_original(k, k + 1)
        assert 0 <= start < end <= len(text)
        if k:
            previous = mapped.to_original(k - 1, k)
            assert previous[0] <= start and previous[1] <= end
    i = data.draw(st.integers(min_value=0, max_value=n))
    j = data.draw(st.integers(min_value=i, max_value=n))
    start, end = mapped.to_original(i, j)
    assert 0 <= start <= end <= len(text)
    assert (start == end) == (i == j)
    if i < j:
        assert mapped.text[i:j] in normalize(text[start:end], casefold=casefold)


@PROPERTY_SETTINGS
@given(mixed_text)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
