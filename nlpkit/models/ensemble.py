"""Ensembles: models of one task that vote by averaging their probability distributions.

NER: every member tags the same words (:func:`nlpkit.text.tokenize.tokenize`), so their per-word
distributions line up whatever their sub-word vocabularies; the weighted mean goes through the
same IOB2 Viterbi decoding as a single model. Stance: the weighted mean of each pair's label
distribution, whatever each member's label order. An ensemble directory holds ``ensemble.json``::

    {"format": "nlpkit-ner-ensemble", "members": [{"path": "e5", "weight": 0.5},
                                                  {"path": "../../fast/ner", "weight": 0.5}]}

(``"nlpkit-stance-ensemble"`` for stance). Member paths are relative to that directory (the
shipped accurate tier points at the fast tier's models instead of storing them twice);
``save_pretrained`` copies the members in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.backend import choose_backend
from nlpkit.models.directory import onnx_files
from nlpkit.models.ner import EntitySpan, NerModel, WordTag, spans_from_tags, tags_from_probabilities
from nlpkit.models.onnx import onnx_file_for
from nlpkit.models.stance import Pair, StanceModel, decide

ENSEMBLE_FILE = "ensemble.json"
ENSEMBLE_FORMAT = "nlpkit-ner-ensemble"
STANCE_ENSEMBLE_FORMAT = "nlpkit-stance-ensemble"
FORMATS = {"ner": ENSEMBLE_FORMAT, "stance": STANCE_ENSEMBLE_FORMAT}
TASK_NAMES = {"ner": "NER", "stance": "stance"}
Span = tuple[int, int]


def normalised_weights(count: int, weights: Sequence[float] | None) -> np.ndarray:
    """Member weights (equal by default) scaled to sum to 1.

    Raises:
        ConfigError: no members, a weight count that does not match, or non-positive weights.
    """
    if count == 0:
        raise ConfigError("An ensemble needs at least one member model.")
    weights = [1.0] * count if weights is None else list(weights)
    if len(weights) != count or any(w <= 0 for w in weights):
        raise ConfigError(f"Ensemble weights must be {count} positive numbers, got {weights!r}.")
    return np.asarray(weights, dtype=np.float64) / float(sum(weights))


def label_columns(members: Sequence[NerModel] | Sequence[StanceModel]) -> tuple[tuple[str, ...], list[list[int]]]:
    """The first member's labels and, per member, the column of each of those labels.

    Raises:
        ConfigError: members whose label sets differ.
    """
    labels = tuple(members[0].model.labels)
    for member in members[1:]:
        if set(member.model.labels) != set(labels):
            raise ConfigError(f"Ensemble members disagree on labels: {sorted(labels)} vs {sorted(member.model.labels)}.")
    return labels, [[list(member.model.labels).index(label) for label in labels] for member in members]


def save_members(members: Sequence[NerModel] | Sequence[StanceModel], weights: np.ndarray, directory: Path,
                 task: str) -> Path:
    """Write every member into ``member_<i>/`` and the ``ensemble.json`` that names them."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, member in enumerate(members):
        member.save_pretrained(directory / f"member_{index}")
    return write_ensemble_spec(directory, task, [(f"member_{index}", float(w)) for index, w in enumerate(weights)])


def write_ensemble_spec(directory: Path, task: str, members: Sequence[tuple[str, float]]) -> Path:
    """Write ``directory/ensemble.json`` naming ``(path, weight)`` members of a ``task`` ensemble."""
    spec = {"format": FORMATS[task], "members": [{"path": path, "weight": round(weight, 6)} for path, weight in members]}
    (directory / ENSEMBLE_FILE).write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    return directory


class Ensemble:
    """What every ensemble shares: members of one task, normalised weights, aligned label columns."""

    task: ClassVar[str]
    member_class: ClassVar[type[NerModel] | type[StanceModel]]

    def __init__(self, members: Sequence[Any], weights: Sequence[float] | None = None) -> None:
        """Combine ``members`` (weights default to equal and are normalised to sum to 1).

        Raises:
            ConfigError: no members, a weight count that does not match, non-positive weights, or
                members whose label sets differ.
        """
        self.weights = normalised_weights(len(members), weights)
        self.members = list(members)
        self.labels, self._columns = label_columns(self.members)

    @classmethod
    def from_pretrained(cls, directory: str | os.PathLike[str], backend: str = "auto", **options: Any) -> Self:
        """Load an ensemble directory (``ensemble.json`` + member model folders).

        Raises:
            ModelLoadError: a missing or malformed ``ensemble.json``, or a member that does not load.
        """
        root = Path(directory)
        spec = read_ensemble_spec(root, cls.task)
        folders = [root / entry["path"] for entry in spec["members"]]
        members = [cls.member_class.from_pretrained(folder, kind, **options)
                   for folder, kind in zip(folders, member_backends(folders, backend), strict=True)]
        return cls(members, [float(entry.get("weight", 1.0)) for entry in spec["members"]])

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write every member into ``member_<i>/`` and the ``ensemble.json`` that names them."""
        return save_members(self.members, self.weights, Path(directory), self.task)


class NerEnsemble(Ensemble):
    """Several :class:`NerModel` members whose word tag probabilities are averaged before decoding."""

    task = "ner"
    member_class = NerModel
    members: list[NerModel]

    def predict(self, text: str, sentences: Sequence[Span]) -> list[EntitySpan]:
        """Entity spans of ``text``, sentence by sentence, in text order."""
        return self.predict_many([(text, sentences)])[0]

    def predict_many(self, items: Sequence[tuple[str, Sequence[Span]]], *, batch_size: int | None = None
                     ) -> list[list[EntitySpan]]:
        """Entity spans for several documents (each member batches across all of them)."""
        return [[span for sentence in document for span in spans_from_tags(sentence)]
                for document in self.tag_many(items, batch_size=batch_size)]

    def tag_many(self, items: Sequence[tuple[str, Sequence[Span]]], *, batch_size: int | None = None
                 ) -> list[list[list[WordTag]]]:
        """Tag every word with the averaged distributions: ``result[document][sentence][word]``."""
        runs = [member.word_probabilities(items, batch_size=batch_size) for member in self.members]
        result = []
        for d, document in enumerate(runs[0]):
            tagged = []
            for s, (words, _) in enumerate(document):
                mixed = sum(weight * run[d][s][1][:, columns]
                            for weight, run, columns in zip(self.weights, runs, self._columns, strict=True))
                tagged.append(tags_from_probabilities(words, np.asarray(mixed), self.labels))
            result.append(tagged)
        return result


class StanceEnsemble(Ensemble):
    """Several :class:`StanceModel` members whose pair label distributions are averaged."""

    task = "stance"
    member_class = StanceModel
    members: list[StanceModel]

    def probabilities(self, pairs: Sequence[Pair], *, batch_size: int | None = None) -> list[np.ndarray]:
        """The weighted mean of the members' label probabilities, columns in :attr:`labels` order."""
        runs = [member.probabilities(pairs, batch_size=batch_size) for member in self.members]
        return [sum(weight * run[index][columns] for weight, run, columns in zip(self.weights, runs, self._columns, strict=True))
                for index in range(len(pairs))]

    def predict(self, pairs: Sequence[Pair], *, batch_size: int | None = None) -> list[tuple[str, float]]:
        """``(label, probability)`` for each ``(target, text)`` pair, from the averaged distribution."""
        return decide(self.probabilities(pairs, batch_size=batch_size), self.labels)


def read_ensemble_spec(directory: Path, task: str = "ner") -> dict[str, Any]:
    """Read and check ``ensemble.json`` of a ``task`` ensemble.

    Raises:
        ModelLoadError: missing, not JSON, of another task, or without a non-empty ``members`` list
            of ``{"path": …}``.
    """
    file = directory / ENSEMBLE_FILE
    fmt = FORMATS[task]
    try:
        spec = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{file} cannot be read ({error}); re-save the ensemble with save_pretrained().") from None
    members = spec.get("members") if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or spec.get("format") != fmt or not members \
            or not all(isinstance(m, dict) and m.get("path") for m in members):
        raise ModelLoadError(f"{file} is not an nlpkit {TASK_NAMES[task]} ensemble (needs format={fmt!r} and members "
                             "[{\"path\": …, \"weight\": …}]); re-save it with save_pretrained().")
    return spec


def member_backends(folders: Sequence[Path], backend: str) -> list[str]:
    """The backend of each member: with ``"auto"``, members run on the ONNX graph ``auto`` picks for the first, where they have it.

    The shipped accurate tier is ONNX-only and points at the fast tier's folder, which also holds
    PyTorch weights; without this, installing PyTorch would switch that member to PyTorch, so
    results would differ between installs and the tier would run 15 % slower.
    """
    if backend != "auto" or not folders:
        return [backend] * len(folders)
    first = choose_backend(folders[0], "auto")
    if first == "torch":
        return [backend] * len(folders)
    graph = onnx_file_for(first)
    return [first if graph in onnx_files(folder) else "auto" for folder in folders]


def load_ner(directory: str | os.PathLike[str], backend: str = "auto", **options: Any) -> NerModel | NerEnsemble:
    """An NER component from ``directory``: an ensemble when it holds ``ensemble.json``, else one model."""
    if (Path(directory) / ENSEMBLE_FILE).is_file():
        return NerEnsemble.from_pretrained(directory, backend, **options)
    return NerModel.from_pretrained(directory, backend, **options)


def load_stance(directory: str | os.PathLike[str], backend: str = "auto", **options: Any) -> StanceModel | StanceEnsemble:
    """A stance component from ``directory``: an ensemble when it holds ``ensemble.json``, else one model."""
    if (Path(directory) / ENSEMBLE_FILE).is_file():
        return StanceEnsemble.from_pretrained(directory, backend, **options)
    return StanceModel.from_pretrained(directory, backend, **options)
