"""User-facing errors, in one place. Every message says what went wrong and how to fix it."""

from __future__ import annotations


class NlpkitError(Exception):
    """Base class for every error nlpkit raises on purpose."""


class MissingDataError(NlpkitError, FileNotFoundError):
    """A data file is not in the data directory."""


class ConfigError(NlpkitError, ValueError):
    """A training/inference config is malformed; the message names the key path."""


class ModelLoadError(NlpkitError, OSError):
    """A model directory is missing, partial, corrupted or inconsistent; the message names the file."""


class InputError(NlpkitError, ValueError):
    """Input text that cannot be processed (e.g. undecodable bytes)."""


class InputTypeError(InputError, TypeError):
    """An input of the wrong type (``None``, a number, a mapping, ...); the message names the item and its index.

    It is a :class:`TypeError` (the Python convention for a wrong argument type) and an
    :class:`InputError`, so ``except InputError`` keeps catching every bad input.
    """


class UnknownDatasetError(NlpkitError, ValueError):
    """A dataset name that nlpkit does not know; the message lists the valid ones."""


class UnknownSplitError(UnknownDatasetError):
    """A split that a dataset does not have; the message lists the valid ones."""


class MissingDependencyError(NlpkitError, ImportError):
    """An optional dependency is not installed; the message names the ``pip install`` that adds it."""
