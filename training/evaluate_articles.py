"""Score news_stance pairs through ``analyze()`` on their whole articles, as a user gets them.

``python -m training.evaluate_articles --model accurate --split dev [--out reports/F.json]``

Each article of the split is analysed once, with its pairs' targets requested; a pair's prediction is the stance
record of its sentence toward its target. A pair that ``analyze()`` does not ask (the sentence's holder is the
target or serves it, or the sentence is page boilerplate) counts as NONE, which is what the annotation guidelines
give a party's stance toward itself. :mod:`training.evaluate` scores the stance model alone on the same pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from nlpkit.errors import NlpkitError
from nlpkit.text.normalize import normalize_name
from training.articles import article_texts, news_stance_rows
from training.metrics import stance_scores


def predict_in_articles(analyzer: Any, rows: list[dict[str, Any]], texts: dict[str, str]) -> tuple[list[str], int]:
    """The label ``analyze()`` gives each row inside its article (NONE when it does not ask), and how many it asks."""
    by_document: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_document[row["doc_id"]].append(index)
    labels = ["NONE"] * len(rows)
    asked = 0
    for doc_id, indices in by_document.items():
        text = texts[doc_id]
        doc = analyzer(text, targets=sorted({rows[i]["target"] for i in indices}))
        for i in indices:
            offset = text.find(rows[i]["text"].strip())
            key = normalize_name(rows[i]["target"])
            found = next((stance for stance in doc.stances
                          if stance.start <= offset < stance.end and normalize_name(stance.target) == key), None)
            if found is not None:
                labels[i] = found.label
                asked += 1
    return labels, asked


def main(argv: list[str] | None = None) -> int:
    """CLI: print macro-F1 and per-label F1; write them with the confusion table to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate_articles", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="analyzer (default: the embedded default)")
    parser.add_argument("--split", default="dev", choices=("train", "dev", "test"))
    parser.add_argument("--out", type=Path, help="JSON report")
    args = parser.parse_args(argv)
    try:
        import nlpkit

        rows = news_stance_rows(args.split)
        texts = article_texts(rows)
        missing = sorted({row["doc_id"] for row in rows} - texts.keys())
        if missing:
            raise NlpkitError(f"{len(missing)} articles of news_stance {args.split} are not in the corpora "
                              f"(first: {missing[0]}); check $NLPKIT_DATA.")
        predicted, asked = predict_in_articles(nlpkit.load(args.model), rows, texts)
    except (NlpkitError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    metrics, report = stance_scores([row["label"] for row in rows], predicted)
    print(f"news_stance {args.split} through analyze() on {len(texts)} articles: macro-F1 {metrics['macro_f1']:.4f} "
          f"({asked} of {len(rows)} pairs asked)")
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"model": args.model or "default", "split": args.split, "pairs": len(rows),
                                        "asked": asked, **metrics}, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
