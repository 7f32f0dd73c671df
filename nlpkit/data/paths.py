"""Where nlpkit finds the shared training/evaluation data.

The data never ships with the package: it is read from a data directory, by default
``../shared/data`` relative to the project root, overridable with ``NLPKIT_DATA``.
"""

from __future__ import annotations

import os
from pathlib import Path

from nlpkit.errors import MissingDataError

ENV_VAR = "NLPKIT_DATA"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROJECT_ROOT = _PROJECT_ROOT
DEFAULT_DATA_DIR = _PROJECT_ROOT.parent / "shared" / "data"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``override``, else ``$NLPKIT_DATA``, else ``../shared/data``."""
    if override is not None:
        return Path(override)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_DATA_DIR


def data_file(relative: str, *, how_to_get: str, root: str | os.PathLike[str] | None = None) -> Path:
    """Resolve ``relative`` inside the data directory, or raise a clear :class:`MissingDataError`.

    Args:
        relative: path inside the data directory, e.g. ``"ner/anercorp/train.txt"``.
        how_to_get: one sentence telling the user where to download the file.
        root: explicit data directory (otherwise :func:`data_dir`).
    """
    path = data_dir(root) / relative
    if not path.is_file():
        raise MissingDataError(
            f"Data file not found: {path}. {how_to_get} "
            f"Put it under the data directory ({data_dir(root)}) or set {ENV_VAR} to the folder that holds it."
        )
    return path


def project_file(relative: str, *, how_to_get: str, root: str | os.PathLike[str] | None = None) -> Path:
    """Resolve a file of the project checkout itself (``seeds/``, ``training/data/``).

    Args:
        relative: path inside the project (or inside ``root``), e.g. ``"seeds/annotations.jsonl"``.
        how_to_get: one sentence telling the user how the file is produced.
        root: folder to resolve against instead of the project root.
    """
    path = Path(root if root is not None else PROJECT_ROOT) / relative
    if not path.is_file():
        raise MissingDataError(f"Project data file not found: {path}. {how_to_get}")
    return path
