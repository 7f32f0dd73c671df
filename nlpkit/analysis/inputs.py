"""The input contract of :func:`nlpkit.analyze`, :meth:`Analyzer.__call__` and :meth:`Analyzer.pipe`.

- **One text** is a ``str``. ``bytes``/``bytearray`` given as *the* text are decoded as strict
  UTF-8; a byte-order mark is not stripped (it stays U+FEFF at offset 0), so offsets always
  index the decoded text, ``doc.text``. Undecodable bytes raise :class:`InputError` with the
  byte offset of the first invalid sequence.
- Empty or whitespace-only text is valid and gives an empty document.
- A ``str`` holding lone surrogates (U+D800–U+DFFF, e.g. from ``errors="surrogateescape"``)
  is not valid Unicode and raises :class:`InputError` with the character offset.
- **Several texts**: any iterable of ``str``, except a mapping or a set (their order is not
  the caller's). Lists and tuples are checked eagerly, when the call is made; other iterables
  item by item, as they are consumed. Items must be ``str`` (decode bytes first).
- Anything else (``None``, numbers, mappings, non-``str`` items) raises
  :class:`InputTypeError`, a :class:`TypeError` naming the item and, in an iterable, its index.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import Any

from nlpkit.errors import ConfigError, InputError, InputTypeError

SINGLE_TEXT_TYPES = (str, bytes, bytearray)
"""Types taken as one text by :func:`nlpkit.analyze` (anything else must be an iterable of ``str``)."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40


def describe(value: object) -> str:
    """A short description of ``value`` for error messages: its type and a truncated repr."""
    return f"{_REPR.repr(value)} (a {type(value).__name__})"


def is_single_text(value: object) -> bool:
    """True when ``value`` is one text (``str`` or bytes), not a collection of texts."""
    return isinstance(value, SINGLE_TEXT_TYPES)


def as_text(value: object) -> str:
    """Return ``value`` as one text: a ``str`` as is, bytes decoded as strict UTF-8.

    Raises:
        InputTypeError: ``value`` is neither ``str`` nor bytes.
        InputError: undecodable bytes (with the byte offset) or lone surrogates (with the offset).
    """
    if isinstance(value, (bytes, bytearray)):
        try:
            return _checked(bytes(value).decode("utf-8"), "The text")
        except UnicodeDecodeError as error:
            raise InputError(
                f"The text is not valid UTF-8: invalid byte 0x{value[error.start]:02x} at byte offset {error.start}; "
                "decode it yourself with the right codec (e.g. data.decode('cp1256')) and pass a str."
            ) from None
    if not isinstance(value, str):
        raise InputTypeError(f"The text is {describe(value)}, not a str (or UTF-8 bytes); pass the article text, "
                             "or an iterable of texts to analyze()/pipe().")
    return _checked(value, "The text")


def check_item(value: object, index: int) -> str:
    """Return item ``index`` of an iterable of texts, which must be a ``str``.

    Raises:
        InputTypeError: the item is not a ``str`` (the message names it and its index).
        InputError: the item holds lone surrogates.
    """
    if not isinstance(value, str):
        raise InputTypeError(f"Text #{index} is {describe(value)}, not a str; every item must be a str "
                             "(decode bytes first, e.g. data.decode('utf-8'); skip missing values).")
    return _checked(value, f"Text #{index}")


def iter_texts(texts: object) -> Iterator[str]:
    """Check a collection of texts and return an iterator over them, as ``str``.

    Lists and tuples are checked completely before this returns; other iterables are checked
    item by item as the returned iterator is consumed.

    Raises:
        InputTypeError: ``texts`` is one text, a mapping, a set or not iterable, or (for a list
            or tuple) one of its items is not a ``str``.
        InputError: (for a list or tuple) an item holds lone surrogates.
    """
    if is_single_text(texts):
        raise InputTypeError("pipe() takes an iterable of texts, not a single "
                             f"{type(texts).__name__}; for one text call the analyzer directly.")
    if isinstance(texts, (Mapping, Set)):
        raise InputTypeError(f"Texts must be an ordered iterable of str (a list, a generator), not a "
                             f"{type(texts).__name__}; pass e.g. list(texts.values()) or sorted(texts).")
    if isinstance(texts, (list, tuple)):
        return iter([check_item(value, index) for index, value in enumerate(texts)])
    if not isinstance(texts, Iterable):
        raise InputTypeError(f"Expected a text (str) or an iterable of texts, got {describe(texts)}.")
    return (check_item(value, index) for index, value in enumerate(texts))


def check_targets(targets: object) -> tuple[str, ...] | None:
    """Return the caller's stance targets as a tuple (one ``str`` counts as one target).

    Raises:
        InputTypeError: ``targets`` is not a string or a sequence of strings.
        InputError: a blank target.
    """
    if targets is None:
        return None
    if isinstance(targets, str):
        targets = (targets,)
    if not isinstance(targets, Sequence) or isinstance(targets, (bytes, bytearray)):
        raise InputTypeError(f"targets must be a list of str, got {describe(targets)}; e.g. targets=['روسيا'].")
    for index, target in enumerate(targets):
        if not isinstance(target, str):
            raise InputTypeError(f"Target #{index} is {describe(target)}, not a str; e.g. targets=['روسيا'].")
        if not target.strip():
            raise InputError(f"Target #{index} is blank; give a name or short phrase, e.g. targets=['روسيا'].")
        _checked(target, f"Target #{index}")
    return tuple(targets)


def check_batch_size(batch_size: Any) -> int | None:
    """Return ``batch_size`` (``None``: the analyzer's default) after checking it.

    Raises:
        ConfigError: not a positive integer.
    """
    if batch_size is None:
        return None
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}.")
    return batch_size


def _checked(text: str, where: str) -> str:
    """Refuse lone surrogates (``where`` names the text in the message); return ``text`` as a plain ``str``."""
    match = _SURROGATE.search(text)
    if match is not None:
        raise InputError(
            f"{where} holds a lone surrogate U+{ord(match.group()):04X} at character offset {match.start()}, which is not "
            "valid Unicode; decode the source with errors='strict' (or 'replace') instead of 'surrogateescape'."
        )
    return text if type(text) is str else str.__str__(text)
