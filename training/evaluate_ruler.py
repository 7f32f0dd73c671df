"""End-to-end NER scores through the analyzer's path, with and without the place gazetteer.

``python -m training.evaluate_ruler --model DIR --data anercorp:test [--data ...]``

Each gold sentence is rebuilt as its words joined by spaces, and the sentences of a split, in order, as one
document (one sentence a line, the gold sentence boundaries kept), so that a model trained with neighbouring
sentences as context reads them as ``analyze()`` reads an article's. It is run through ``NerModel`` (which
trims clitics and punctuation from spans) with and without :class:`GazetteerRuler`, and the
predicted character spans are mapped back to word tags (a word overlapping a span takes its
type) for seqeval, after the document-level passes that ``analyze()`` runs on a document's spans
(:func:`nlpkit.analysis.document_names.document_spans`; the split is one document). This measures what
``analyze()`` returns, not the raw token classifier.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from pathlib import Path
from typing import Any

from nlpkit.analysis.document_names import document_spans
from nlpkit.analysis.gazetteer import GazetteerRuler
from nlpkit.models.ensemble import load_ner
from nlpkit.models.ner import EntitySpan
from training.evaluate import parse_data
from training.metrics import ner_scores
from training.sources import load_source


def rebuild(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A gold sentence as its words joined by spaces, with each word's character span."""
    starts, position = [], 0
    for token in tokens:
        starts.append((position, position + len(token)))
        position += len(token) + 1
    return " ".join(tokens), starts


def tags_for_spans(words: list[tuple[int, int]], spans: list[EntitySpan]) -> list[str]:
    """IOB2 word tags from predicted character spans (a word overlapping a span takes its type)."""
    tags = ["O"] * len(words)
    for span in spans:
        inside = [i for i, (start, end) in enumerate(words) if start < span.end and end > span.start]
        for rank, index in enumerate(inside):
            if tags[index] == "O":
                tags[index] = ("B-" if rank == 0 else "I-") + span.label
    return tags


def score(predictor: Any, dataset: Any) -> dict[str, Any]:
    """seqeval scores of ``predictor`` (``predict_many``) on a NER dataset."""
    return score_with_report(predictor, dataset)[0]


def score_with_report(predictor: Any, dataset: Any) -> tuple[dict[str, Any], str]:
    """seqeval scores and the text report of ``predictor`` (``predict_many``) on a NER dataset."""
    return ner_scores(list(dataset["tags"]), predicted_tags(predictor, dataset), dataset[0]["annotated_types"])


def as_document(dataset: Any) -> tuple[str, list[tuple[int, int]], list[list[tuple[int, int]]]]:
    """A split's gold sentences, in order, as one document (one sentence a line): its text, each sentence's span
    and each sentence's word spans."""
    lines, words, sentences, position = [], [], [], 0
    for tokens in dataset["tokens"]:
        text, offsets = rebuild(tokens)
        lines.append(text)
        words.append([(start + position, end + position) for start, end in offsets])
        sentences.append((position, position + len(text)))
        position += len(text) + 1
    return "\n".join(lines), sentences, words


def predicted_tags(predictor: Any, dataset: Any) -> list[list[str]]:
    """Word tags of ``predictor``'s character spans on each gold sentence, the split read as one document."""
    text, sentences, words = as_document(dataset)
    spans = document_spans(text, predictor.predict_many([(text, sentences)])[0])
    starts = [start for start, _ in sentences]
    by_sentence: list[list[EntitySpan]] = [[] for _ in sentences]
    for span in spans:
        by_sentence[bisect.bisect_right(starts, span.start) - 1].append(span)
    return [tags_for_spans(w, found) for w, found in zip(words, by_sentence, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate_ruler", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="NER model or ensemble directory")
    parser.add_argument("--data", action="append", required=True, metavar="NAME[:split]")
    parser.add_argument("--out", help="JSON report")
    args = parser.parse_args(argv)
    model = load_ner(args.model, batch_size=64)
    ruled = GazetteerRuler.from_cldr(model)
    results: dict[str, Any] = {"model": args.model, "results": {}}
    for item in args.data:
        source = parse_data(item, None)
        dataset = load_source(source, "ner")
        plain, with_ruler = score(model, dataset), score(ruled, dataset)
        results["results"][item] = {"model": plain, "model+gazetteer": with_ruler}
        print(f"{item}: F1 {plain['f1']:.4f} -> {with_ruler['f1']:.4f} with the gazetteer "
              f"(LOC {plain['per_type'].get('LOC', {}).get('f1', 0):.4f} -> {with_ruler['per_type'].get('LOC', {}).get('f1', 0):.4f})")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
