"""The project's hand-annotated seed articles (``seeds/``; format in ``seeds/GUIDELINES.md``).

Annotations come from ``seeds/annotations.jsonl`` (one JSON object per article). NER examples
are the articles' sentences (``nlpkit.text.split_sentences``) cut into whole words
(``nlpkit.text.tokenize``, clitics attached as in ANERcorp); a word overlapping an entity's
character span is tagged with it (``B-`` on the first such word). Stance examples are the annotated
(sentence, target) records, minus any that overlap a boilerplate span. The only split is ``test``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets

from nlpkit.data.labels import ANNOTATED_TYPES, NER_TYPES, STANCE_LABELS, repair_iob
from nlpkit.data.paths import PROJECT_ROOT
from nlpkit.data.readers._common import Sentence, StanceRow, ner_dataset, read_text, resolve_split, stance_dataset
from nlpkit.errors import MissingDataError

SOURCE = "seeds"
SPLITS = ("test",)
SeedsDir = str | os.PathLike[str] | None


def _seeds_dir(seeds_dir: SeedsDir) -> Path:
    return Path(seeds_dir) if seeds_dir is not None else PROJECT_ROOT / "seeds"


def read_annotations(seeds_dir: SeedsDir = None) -> list[dict[str, Any]]:
    """Return the annotation records (one per article), sorted by file name.

    Raises:
        MissingDataError: ``annotations.jsonl`` does not exist.
    """
    folder = _seeds_dir(seeds_dir)
    combined = folder / "annotations.jsonl"
    if not combined.is_file():
        raise MissingDataError(
            f"Seed annotations not found: {combined}. They are written by hand following seeds/GUIDELINES.md; "
            "pull the latest project checkout."
        )
    lines = read_text(combined).splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return sorted(records, key=lambda r: r["doc"])


def _doc_text(folder: Path, name: str) -> str:
    path = folder / name
    if not path.is_file():
        raise MissingDataError(f"Seed article not found: {path}; copy it from ../shared/seeds/ (see seeds/GUIDELINES.md).")
    return read_text(path)


def _sentences(text: str, entities: list[dict[str, Any]], doc: str) -> Iterator[Sentence]:
    """Tokenised, tagged sentences of one article (imports ``nlpkit.text`` on first use)."""
    from nlpkit.text.sentences import split_sentences
    from nlpkit.text.tokenize import tokenize

    for entity in entities:
        if entity["label"] not in NER_TYPES:
            raise ValueError(f"seeds {doc}: entity label {entity['label']!r} is not one of {', '.join(NER_TYPES)}.")
    spans = sorted((e["start"], e["end"], e["label"]) for e in entities)
    for start, end in split_sentences(text):
        # Whole words, as in ANERcorp and as the NER model sees them at inference; a word whose
        # stem is an entity («وروسيا») is tagged whole and the clitic is trimmed from predicted spans.
        tokens = tokenize(text[start:end], split_clitics=False, offset=start)
        if not tokens:
            continue
        tags: list[str] = []
        opened: set[int] = set()
        for token in tokens:
            tag = "O"
            for index, (e_start, e_end, label) in enumerate(spans):
                if token.start < e_end and token.end > e_start:
                    tag = ("I-" if index in opened else "B-") + label
                    opened.add(index)
                    break
            tags.append(tag)
        yield {"tokens": [t.text for t in tokens], "tags": repair_iob(tags)}


def load_ner(split: str = "test", *, seeds_dir: SeedsDir = None) -> datasets.Dataset:
    """Seed sentences as NER examples (all five articles, boilerplate included)."""
    split = resolve_split(SOURCE, split, SPLITS)
    folder = _seeds_dir(seeds_dir)
    sentences: list[Sentence] = []
    for record in read_annotations(folder):
        sentences.extend(_sentences(_doc_text(folder, record["doc"]), record.get("entities", []), record["doc"]))
    return ner_dataset(SOURCE, split, sentences, ANNOTATED_TYPES[SOURCE])


def load_stance(split: str = "test", *, seeds_dir: SeedsDir = None) -> datasets.Dataset:
    """Seed (sentence, target) stance records as stance examples, boilerplate excluded."""
    split = resolve_split(SOURCE, split, SPLITS)
    folder = _seeds_dir(seeds_dir)
    rows: list[StanceRow] = []
    for record in read_annotations(folder):
        text = _doc_text(folder, record["doc"])
        boilerplate = [(b["start"], b["end"]) for b in record.get("boilerplate", [])]
        for stance in record.get("stances", []):
            start, end = stance["start"], stance["end"]
            if any(start < b_end and end > b_start for b_start, b_end in boilerplate):
                continue
            if stance["label"] not in STANCE_LABELS:
                valid = ", ".join(STANCE_LABELS)
                raise ValueError(f"seeds {record['doc']}: stance label {stance['label']!r} is not one of {valid}.")
            row: StanceRow = {"target": stance["target"], "text": text[start:end], "label": stance["label"], "holder": stance.get("holder")}
            rows.append(row)
    return stance_dataset(SOURCE, split, rows)
