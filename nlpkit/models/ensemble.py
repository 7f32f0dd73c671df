"""NER ensembles: token classifiers that vote by averaging their word-level tag distributions.

Every member tags the same words (:func:`nlpkit.text.tokenize.tokenize`), so their per-word
distributions line up whatever their sub-word vocabularies; the weighted mean goes through the
same IOB2 Viterbi decoding as a single model. An ensemble directory holds ``ensemble.json``::

    {"format": "nlpkit-ner-ensemble", "members": [{"path": "e5", "weight": 0.5},
                                                  {"path": "../../fast/ner", "weight": 0.5}]}

Member paths are relative to that directory (the shipped accurate tier points at the fast tier's
NER model instead of storing it twice); :meth:`NerEnsemble.save_pretrained` copies the members in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlpkit.errors import ConfigError, ModelLoadError
from nlpkit.models.ner import EntitySpan, NerModel, WordTag, spans_from_tags, tags_from_probabilities

ENSEMBLE_FILE = "ensemble.json"
ENSEMBLE_FORMAT = "nlpkit-ner-ensemble"
Span = tuple[int, int]


class NerEnsemble:
    """Several :class:`NerModel` members whose word tag probabilities are averaged before decoding."""

    task = "ner"

    def __init__(self, members: Sequence[NerModel], weights: Sequence[float] | None = None) -> None:
        """Combine ``members`` (weights default to equal and are normalised to sum to 1).

        Raises:
            ConfigError: no members, a weight count that does not match, non-positive weights, or
                members whose label sets differ.
        """
        if not members:
            raise ConfigError("An NER ensemble needs at least one member model.")
        weights = [1.0] * len(members) if weights is None else list(weights)
        if len(weights) != len(members) or any(w <= 0 for w in weights):
            raise ConfigError(f"Ensemble weights must be {len(members)} positive numbers, got {weights!r}.")
        self.labels = tuple(members[0].model.labels)
        for member in members[1:]:
            if set(member.model.labels) != set(self.labels):
                raise ConfigError(f"Ensemble members disagree on labels: {sorted(self.labels)} vs {sorted(member.model.labels)}.")
        self.members = list(members)
        self.weights = np.asarray(weights, dtype=np.float64) / float(sum(weights))
        self._columns = [[list(member.model.labels).index(label) for label in self.labels] for member in members]

    @classmethod
    def from_pretrained(cls, directory: str | os.PathLike[str], backend: str = "auto", **options: Any) -> NerEnsemble:
        """Load an ensemble directory (``ensemble.json`` + member model folders).

        Raises:
            ModelLoadError: a missing or malformed ``ensemble.json``, or a member that does not load.
        """
        root = Path(directory)
        spec = read_ensemble_spec(root)
        members = [NerModel.from_pretrained(root / entry["path"], backend, **options) for entry in spec["members"]]
        return cls(members, [float(entry.get("weight", 1.0)) for entry in spec["members"]])

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write every member into ``member_<i>/`` and the ``ensemble.json`` that names them."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        entries = []
        for index, (member, weight) in enumerate(zip(self.members, self.weights, strict=True)):
            member.save_pretrained(target / f"member_{index}")
            entries.append({"path": f"member_{index}", "weight": round(float(weight), 6)})
        spec = {"format": ENSEMBLE_FORMAT, "members": entries}
        (target / ENSEMBLE_FILE).write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
        return target

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


def read_ensemble_spec(directory: Path) -> dict[str, Any]:
    """Read and check ``ensemble.json``.

    Raises:
        ModelLoadError: missing, not JSON, or without a non-empty ``members`` list of ``{"path": …}``.
    """
    file = directory / ENSEMBLE_FILE
    try:
        spec = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{file} cannot be read ({error}); re-save the ensemble with NerEnsemble.save_pretrained().") from None
    members = spec.get("members") if isinstance(spec, dict) else None
    if spec.get("format") != ENSEMBLE_FORMAT or not members or not all(isinstance(m, dict) and m.get("path") for m in members):
        raise ModelLoadError(f"{file} is not an nlpkit NER ensemble (needs format={ENSEMBLE_FORMAT!r} and members "
                             "[{\"path\": …, \"weight\": …}]); re-save it with NerEnsemble.save_pretrained().")
    return spec


def load_ner(directory: str | os.PathLike[str], backend: str = "auto", **options: Any) -> NerModel | NerEnsemble:
    """An NER component from ``directory``: an ensemble when it holds ``ensemble.json``, else one model."""
    if (Path(directory) / ENSEMBLE_FILE).is_file():
        return NerEnsemble.from_pretrained(directory, backend, **options)
    return NerModel.from_pretrained(directory, backend, **options)
