"""What this install can run (``nlpkit info``): versions, extras, and each model's size and backend.

Like ``spacy info``, for bug reports and for checking an install: which packages are present, and
for each embedded tier (or a given model folder) its files on disk and the backend that
``backend="auto"`` picks for every model on *this* install. Nothing is loaded or run; only the
folders' ``config.json`` and ``ensemble.json`` are read.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from nlpkit._version import __version__
from nlpkit.analysis.analyzer import DEFAULT_TIER, TIERS, resolve_model_dirs
from nlpkit.errors import NlpkitError
from nlpkit.models.backend import choose_backend
from nlpkit.models.directory import QUANTIZATION_KEY, read_config
from nlpkit.models.ensemble import ENSEMBLE_FILE, member_backends, read_ensemble_spec

PACKAGES = ("onnxruntime", "tokenizers", "numpy", "typer", "torch", "transformers", "datasets", "accelerate",
            "seqeval", "onnx", "ray")
"""Distributions reported: the base install's first, then the extras' (``None`` when not installed)."""


def package_versions() -> dict[str, str | None]:
    """Installed version of each of :data:`PACKAGES`, ``None`` for those not installed."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def folder_megabytes(directory: Path) -> float:
    """Size of the files under ``directory`` in MB (10⁶ bytes)."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file()) / 1e6


def resolved_backend(directory: Path, backend: str) -> dict[str, str | None]:
    """``{"backend": concrete name, "problem": None}``, or no backend and why this install cannot run the folder."""
    try:
        return {"backend": choose_backend(directory, backend), "problem": None}
    except NlpkitError as error:
        return {"backend": None, "problem": str(error)}


def int8_scheme(directory: Path) -> str | None:
    """How the folder's int8 graph was quantised, as its ``config.json`` records it (``None``: not recorded)."""
    try:
        return read_config(directory).get(QUANTIZATION_KEY)
    except NlpkitError:
        return None


def component_members(directory: Path, task: str, backend: str = "auto") -> list[dict[str, Any]]:
    """The models of one component (one, or an ensemble's members) with weight, resolved backend and int8 scheme."""
    if not (directory / ENSEMBLE_FILE).is_file():
        return [{"path": str(directory), "weight": 1.0, **resolved_backend(directory, backend),
                 "int8": int8_scheme(directory)}]
    spec = read_ensemble_spec(directory, task)
    folders = [directory / entry["path"] for entry in spec["members"]]
    kinds = member_backends(folders, backend) if backend == "auto" else [backend] * len(folders)
    return [{"path": os.path.normpath(folder), "weight": float(entry.get("weight", 1.0)), **resolved_backend(folder, kind),
             "int8": int8_scheme(folder)}
            for folder, entry, kind in zip(folders, spec["members"], kinds, strict=True)]


def model_info(name_or_path: str, backend: str = "auto") -> dict[str, Any]:
    """Where a tier or analyzer folder lives, its size, and its components' members and backends.

    Raises:
        ModelLoadError: nothing loadable at ``name_or_path`` (the message names the fix).
    """
    ner_dir, stance_dir = resolve_model_dirs(name_or_path)
    root = ner_dir.parent if stance_dir is not None else ner_dir
    return {
        "name": name_or_path,
        "path": str(root),
        "default": name_or_path == DEFAULT_TIER,
        "megabytes": round(folder_megabytes(root), 1),
        "ner": component_members(ner_dir, "ner", backend),
        "stance": component_members(stance_dir, "stance", backend) if stance_dir is not None else None,
    }


def info(models: list[str] | None = None, backend: str = "auto") -> dict[str, Any]:
    """The report behind ``nlpkit info``: nlpkit, Python, platform, packages, and ``models`` (default: every tier)."""
    return {
        "nlpkit": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        "models": [model_info(name, backend) for name in (models or list(TIERS))],
    }


def format_info(report: dict[str, Any]) -> str:
    """``report`` (from :func:`info`) as aligned plain text."""
    lines = [f"nlpkit {report['nlpkit']}  Python {report['python']}  {report['platform']}", "", "packages:"]
    lines += [f"  {name:<13} {version or 'not installed'}" for name, version in report["packages"].items()]
    for model in report["models"]:
        default = " (default)" if model["default"] else ""
        lines += ["", f"model {model['name']}{default}: {model['path']}, {model['megabytes']:.1f} MB"]
        for task in ("ner", "stance"):
            members = model[task] or []
            for member in members:
                weight = f"  weight {member['weight']:.2f}" if len(members) > 1 else ""
                scheme = f"  ({member['int8']})" if member.get("int8") and member["backend"] == "onnx-int8" else ""
                lines.append(f"  {task:<7} {member['backend'] or 'cannot run':<10}{weight}  {member['path']}{scheme}")
                if member["problem"]:
                    lines.append(f"          {member['problem']}")
    return "\n".join(lines)
