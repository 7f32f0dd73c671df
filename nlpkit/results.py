"""Result objects: immutable, JSON-safe, with character offsets into the untouched input text.

``Document.to_dict()`` follows a versioned schema (``SCHEMA_VERSION``); ``Document.from_dict``
reads it back, so ``Document.from_dict(doc.to_dict()) == doc``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"
NER_LABELS = ("PER", "ORG", "LOC", "DATE", "MISC")
STANCE_LABELS = ("FAVOR", "AGAINST", "NONE")


@dataclass(frozen=True)
class Sentence:
    """A sentence span: ``doc.text[start:end] == text``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Entity:
    """A named-entity mention. ``canonical`` groups spelling variants and partial mentions."""

    text: str
    label: str
    start: int
    end: int
    score: float
    canonical: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "start": self.start, "end": self.end,
                "score": round(float(self.score), 4), "canonical": self.canonical}


@dataclass(frozen=True)
class Stance:
    """The stance a sentence (``start``/``end``) takes toward ``target``, and who holds it."""

    start: int
    end: int
    target: str
    label: str
    score: float
    holder: str | None = None
    sentence: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "sentence": self.sentence, "target": self.target,
                "label": self.label, "score": round(float(self.score), 4), "holder": self.holder}


@dataclass(frozen=True)
class SummaryRow:
    """Aggregate stance of one holder (``None``: the article itself) toward one target."""

    holder: str | None
    target: str
    favor: int
    against: int
    none: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"holder": self.holder, "target": self.target, "label": self.label,
                "counts": {"FAVOR": self.favor, "AGAINST": self.against, "NONE": self.none}}


@dataclass(frozen=True)
class Document:
    """The analysis of one text."""

    text: str
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    stances: tuple[Stance, ...] = ()
    summary: tuple[SummaryRow, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (schema ``SCHEMA_VERSION``, documented in docs/SCHEMA.md)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "entities": [e.to_dict() for e in self.entities],
            "stances": [s.to_dict() for s in self.stances],
            "summary": [r.to_dict() for r in self.summary],
            "meta": dict(self.meta),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise :meth:`to_dict` deterministically (sorted keys, Arabic kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document from :meth:`to_dict` output."""
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"Unsupported result schema version {version!r}; this nlpkit reads {SCHEMA_VERSION!r}.")
        return cls(
            text=data["text"],
            sentences=tuple(Sentence(**s) for s in data["sentences"]),
            entities=tuple(Entity(**e) for e in data["entities"]),
            stances=tuple(Stance(**s) for s in data["stances"]),
            summary=tuple(
                SummaryRow(holder=r["holder"], target=r["target"], label=r["label"], favor=r["counts"]["FAVOR"],
                           against=r["counts"]["AGAINST"], none=r["counts"]["NONE"])
                for r in data["summary"]
            ),
            meta=dict(data.get("meta", {})),
        )

    @classmethod
    def from_json(cls, text: str) -> Document:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))
