"""Counts per dataset and split: ``python -m nlpkit.data.stats`` prints Markdown tables.

NER: sentences, tokens and entity mentions per library type. Stance: examples per label.
Datasets whose files are missing are listed as such instead of failing.
"""

from __future__ import annotations

import argparse
from collections import Counter

from nlpkit.data import NER_DATASETS, STANCE_DATASETS, list_datasets, load, splits
from nlpkit.data.labels import NER_TYPES, STANCE_LABELS, entity_spans
from nlpkit.errors import MissingDataError


def ner_row(name: str, split: str, data_dir: str | None = None) -> list[str | int]:
    """``[name, split, sentences, tokens, PER, ORG, LOC, DATE, MISC]`` for one split."""
    dataset = load(name, split, data_dir=data_dir)
    mentions = Counter(kind for tags in dataset["tags"] for kind, _, _ in entity_spans(tags))
    tokens = sum(len(t) for t in dataset["tokens"])
    return [name, split, len(dataset), tokens, *(mentions[t] for t in NER_TYPES)]


def stance_row(name: str, split: str, data_dir: str | None = None) -> list[str | int]:
    """``[name, split, examples, FAVOR, AGAINST, NONE]`` for one split."""
    dataset = load(name, split, data_dir=data_dir)
    labels = Counter(dataset["label"])
    return [name, split, len(dataset), *(labels[label] for label in STANCE_LABELS)]


def _table(header: list[str], rows: list[list[str | int]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the NER and stance count tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="datasets to count (default: all but 'fane', which repeats News/WikiFANE)")
    parser.add_argument("--data-dir", default=None, help="data directory (default: $NLPKIT_DATA or ../shared/data)")
    args = parser.parse_args(argv)
    names = args.names or [n for n in list_datasets() if n != "fane"]
    ner_rows: list[list[str | int]] = []
    stance_rows: list[list[str | int]] = []
    missing: list[str] = []
    for name in names:
        for split in splits(name):
            if split == "all":
                continue
            try:
                if name in NER_DATASETS:
                    ner_rows.append(ner_row(name, split, args.data_dir))
                elif name in STANCE_DATASETS:
                    stance_rows.append(stance_row(name, split, args.data_dir))
            except MissingDataError as error:
                missing.append(f"{name}/{split}: {error}")
    print(_table(["dataset", "split", "sentences", "tokens", *NER_TYPES], ner_rows))
    print()
    print(_table(["dataset", "split", "examples", *STANCE_LABELS], stance_rows))
    for line in missing:
        print(f"\nmissing: {line}")


if __name__ == "__main__":
    main()
