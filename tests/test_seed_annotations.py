"""The hand annotations of the seed articles are consistent with the article texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ENTITY_LABELS = {"PER", "ORG", "LOC", "DATE", "MISC"}
STANCE_LABELS = {"FAVOR", "AGAINST", "NONE"}
CLITICS = set("وفبلك")


def _is_arabic_letter(char: str) -> bool:
    return char.isalpha() and "\u0600" <= char <= "\u06ff"


def _records() -> list[dict]:
    with open(SEEDS / "annotations.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _text(doc: str) -> str:
    with open(SEEDS / doc, encoding="utf-8", newline="") as handle:
        return handle.read()


def test_every_seed_article_is_annotated_once() -> None:
    docs = [r["doc"] for r in _records()]
    assert docs == sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("record", _records(), ids=lambda r: r["doc"][:3])
def test_spans_match_text(record: dict) -> None:
    text = _text(record["doc"])
    for kind in ("entities", "stances", "boilerplate"):
        for span in record.get(kind, []):
            assert 0 <= span["start"] < span["end"] <= len(text), (kind, span)
            assert text[span["start"]:span["end"]] == span["text"], (kind, span)


@pytest.mark.parametrize("record", _records(), ids=lambda r: r["doc"][:3])
def test_entities_are_well_formed(record: dict) -> None:
    text = _text(record["doc"])
    entities = record["entities"]
    assert all(e["label"] in ENTITY_LABELS for e in entities)
    assert [e["start"] for e in entities] == sorted(e["start"] for e in entities)
    for left, right in zip(entities, entities[1:]):
        assert left["end"] <= right["start"], (left, right)
    for e in entities:
        assert e["text"] == e["text"].strip(), e
        # A span starts at a word boundary or right after a stripped proclitic
        # (scraper-glued Latin/Arabic pairs such as «GMT28» are boundaries too).
        before = text[e["start"] - 1] if e["start"] else " "
        glued = _is_arabic_letter(before) and _is_arabic_letter(e["text"][0])
        assert not glued or before in CLITICS, e


@pytest.mark.parametrize("record", _records(), ids=lambda r: r["doc"][:3])
def test_stances_are_well_formed(record: dict) -> None:
    for s in record["stances"]:
        assert s["label"] in STANCE_LABELS
        assert s["target"] and isinstance(s["target"], str)
        assert s["holder"] is None or isinstance(s["holder"], str)


def test_corpus_size_meets_the_brief() -> None:
    records = _records()
    assert sum(len(r["entities"]) for r in records) >= 250
    assert sum(len(r["stances"]) for r in records) >= 60


def test_known_gold_facts() -> None:
    by_doc = {r["doc"][:3]: r for r in _records()}
    lavrov = [e for e in by_doc["000"]["entities"] if "لافروف" in e["text"]]
    assert len(lavrov) >= 4 and {e["label"] for e in lavrov} == {"PER"}
    mfa_japan = [s for s in by_doc["003"]["stances"]
                 if s["target"] == "اليابان" and s["holder"] == "وزارة الخارجية الروسية"]
    assert mfa_japan and {s["label"] for s in mfa_japan} == {"AGAINST"}
