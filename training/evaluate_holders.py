"""Score the holder rules on the seed articles: who takes the position in each annotated sentence.

``python -m training.evaluate_holders --model accurate --out reports/holders_accurate.json``

Each seed sentence with a FAVOR or AGAINST record has one gold holder (a canonical name, or null
when the article itself takes the position; ``seeds/GUIDELINES.md``). The predicted holder of that sentence comes from
the library's rules (:func:`nlpkit.analysis.holders.attribute_holders`), run twice: over the gold
entities (the rules alone) and over the entities that ``analyze()`` finds with ``--model`` (what
users get). ``--news dev`` adds the news_stance pairs of that split that take a position, each
sentence alone (no neighbours, so the continuation rule never applies), with the model's entities:
a check on news the rules were not written from. ``--context document`` reads each of those pairs inside its whole
article instead (title and body from the raw corpus, as a user passes it to ``analyze()``, holders as
:meth:`~nlpkit.analysis.analyzer.Analyzer.sentence_holders` reports them), so the continuation rule, titles, and
capitals speaking as their state count too; pairs whose sentence is not found in their article are
counted apart (``unmatched``). A prediction is right when both are null, or when its name key
(:func:`~nlpkit.text.normalize.normalize_name`) equals the gold key, is a run of its words
(«لافروف» for «سيرغي لافروف», «الخارجية الروسية» for «وزارة الخارجية الروسية») or holds it as one
(«محمد بن سلمان بن عبدالعزيز» for «محمد بن سلمان»: the same person, named in full), office and courtesy words at the
start left out of both («الملك سلمان بن عبد العزيز» is «سلمان بن عبدالعزيز آل سعود»), or when one is a fuller form of the
other as the library groups names (:func:`nlpkit.analysis.canonical.extends_name`: «عادل بن أحمد الجبير» is «عادل الجبير»), or
a spelling of it or of a run of its words (:func:`nlpkit.analysis.canonical.same_name`: «مولود تشاوش اوغلو» is «مولود
تشاووش أوغلو», «ميركيل» is in «أنجيلا ميركل»; or the same letters spaced otherwise).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlpkit.analysis.assemble import build_entities
from nlpkit.analysis.canonical import extends_name, same_name, unspaced
from nlpkit.analysis.holders import attribute_holders
from nlpkit.analysis.titles import HONORIFICS, OFFICE_WORDS
from nlpkit.data.paths import PROJECT_ROOT
from nlpkit.data.readers._common import read_text
from nlpkit.data.readers.seeds import read_annotations
from nlpkit.errors import NlpkitError
from nlpkit.models.ner import EntitySpan
from nlpkit.results import Entity
from nlpkit.text.mentions import name_contains
from nlpkit.text.normalize import normalize_name
from nlpkit.text.sentences import split_sentences
from training.articles import article_texts, news_stance_rows


def same_holder(predicted: str | None, gold: str | None) -> bool:
    """True when both are null or ``predicted`` names the gold holder (see the module docstring)."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    predicted, gold = _untitled(predicted), _untitled(gold)
    if name_contains(gold, predicted) or name_contains(predicted, gold):
        return True
    keys = normalize_name(predicted).split(), normalize_name(gold).split()
    first, second = (" ".join(key) for key in keys)
    return extends_name(*keys) or extends_name(*reversed(keys)) or _spelled_within(*keys) \
        or _spelled_within(*reversed(keys)) or unspaced(first) == unspaced(second)


def _spelled_within(part: list[str], whole: list[str]) -> bool:
    """True when the name key words ``part`` are a run of ``whole`` up to spelling (:func:`same_name`: «ميركيل» in
    «أنجيلا ميركل», «نتانياهو» in «بنيامين نتنياهو»)."""
    size = len(part)
    return any(same_name(" ".join(part), " ".join(whole[i:i + size])) for i in range(len(whole) - size + 1))


def _untitled(name: str) -> str:
    """``name`` without the office and courtesy words it opens with («الملك سلمان» → «سلمان»), when a name is left."""
    words = name.split()
    first = next((i for i, word in enumerate(words) if normalize_name(word) not in OFFICE_WORDS | HONORIFICS), len(words))
    return " ".join(words[first:]) if first < len(words) else name


def outcome(predicted: str | None, gold: str | None) -> str:
    """``right``, ``missed`` (gold holder, none found), ``spurious`` (none in gold) or ``wrong``."""
    if same_holder(predicted, gold):
        return "right"
    if predicted is None:
        return "missed"
    return "spurious" if gold is None else "wrong"


def gold_sentences(record: dict[str, Any]) -> dict[int, str | None]:
    """Start offset of each sentence that takes a position (a FAVOR or AGAINST record) → its gold holder.

    Sentences with only NONE records are left out: no position, so the guidelines ask for no holder.
    """
    found: dict[int, str | None] = {}
    for stance in record.get("stances", []):
        if stance["label"] != "NONE":
            found.setdefault(stance["start"], stance.get("holder"))
    return found


def sentence_holders(text: str, entities: Sequence[Entity]) -> tuple[list[tuple[int, int]], list[str | None]]:
    """The library's sentences of ``text`` and the holder its rules give each one."""
    sentences = split_sentences(text)
    return sentences, attribute_holders(text, sentences, entities)


def holder_at(sentences: Sequence[tuple[int, int]], holders: Sequence[str | None], offset: int) -> str | None:
    """Holder of the sentence that contains ``offset`` (None when no sentence does)."""
    return next((holder for (start, end), holder in zip(sentences, holders, strict=True) if start <= offset < end), None)


def tally(cases: Sequence[tuple[dict[str, Any], str | None, str | None]], unit: str) -> dict[str, Any]:
    """Outcome counts, accuracy and the errors of ``(where, predicted, gold)`` cases; ``unit`` names the count."""
    counts: Counter[str] = Counter()
    errors = []
    for where, predicted, gold in cases:
        kind = outcome(predicted, gold)
        counts[kind] += 1
        if kind != "right":
            errors.append({**where, "gold": gold, "predicted": predicted, "outcome": kind})
    total = sum(counts.values())
    return {unit: total, "accuracy": round(counts["right"] / total, 4) if total else 0.0,
            "outcomes": dict(counts), "errors": errors}


def score(records: Sequence[dict[str, Any]], texts: dict[str, str], entities: dict[str, Sequence[Entity]]
          ) -> dict[str, Any]:
    """Outcome counts, accuracy and the errors over every annotated sentence."""
    cases = []
    for record in records:
        text = texts[record["doc"]]
        sentences, holders = sentence_holders(text, entities[record["doc"]])
        for start, gold in sorted(gold_sentences(record).items()):
            sentence = next((text[s:e] for s, e in sentences if s <= start < e), "")
            cases.append(({"doc": record["doc"], "sentence": sentence[:120]}, holder_at(sentences, holders, start), gold))
    return tally(cases, "sentences")


def score_news(analyzer: Any, split: str) -> dict[str, Any]:
    """Holder outcomes on the FAVOR/AGAINST pairs of a news_stance split, one sentence at a time."""
    from nlpkit.data import load

    rows = [row for row in load("news_stance", split) if row["label"] != "NONE"]
    sentences = list(dict.fromkeys(row["text"] for row in rows))
    entities = {text: doc.entities for text, doc in zip(sentences, analyzer.pipe(sentences, tasks=("ner",)), strict=True)}
    return tally([({"id": row["id"], "sentence": row["text"][:120]},
                   attribute_holders(row["text"], [(0, len(row["text"]))], entities[row["text"]])[0], row["holder"])
                  for row in rows], "pairs")


def score_news_documents(analyzer: Any, split: str) -> dict[str, Any]:
    """Holder outcomes on the FAVOR/AGAINST pairs of a news_stance split, each read inside its whole article."""
    rows = [row for row in news_stance_rows(split) if row["label"] != "NONE"]
    texts = article_texts(rows)
    order = sorted(texts)
    holders = {}
    for doc_id, doc in zip(order, analyzer.pipe([texts[doc_id] for doc_id in order], tasks=("ner",)), strict=True):
        holders[doc_id] = (split_sentences(doc.text), analyzer.sentence_holders(doc.text, doc.entities))
    cases, unmatched = [], 0
    for row in rows:
        offset = texts.get(row["doc_id"], "").find(row["text"].strip())
        if offset < 0:
            unmatched += 1
            continue
        sentences, found = holders[row["doc_id"]]
        cases.append(({"id": row["id"], "sentence": row["text"][:120]}, holder_at(sentences, found, offset), row["holder"]))
    return {**tally(cases, "pairs"), "unmatched": unmatched}


def gold_entities(text: str, record: dict[str, Any]) -> tuple[Entity, ...]:
    """The record's annotated entities with canonical names, as the analyzer would build them."""
    spans = [EntitySpan(item["start"], item["end"], item["label"], 1.0) for item in record["entities"]]
    return build_entities(text, spans)[0]


def main(argv: list[str] | None = None) -> int:
    """CLI: print both scores; write them (with the errors) to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate_holders", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="analyzer to find entities with (default: the embedded default)")
    parser.add_argument("--seeds", type=Path, default=PROJECT_ROOT / "seeds", help="folder of the seed articles")
    parser.add_argument("--news", metavar="SPLIT", help="also score the news_stance pairs of SPLIT (dev, test)")
    parser.add_argument("--context", choices=("sentence", "document"), default="sentence",
                        help="read each news pair alone (default) or inside its article")
    parser.add_argument("--out", type=Path, help="write the scores and errors to this JSON file")
    args = parser.parse_args(argv)
    try:
        import nlpkit

        records = read_annotations(args.seeds)
        texts = {record["doc"]: read_text(args.seeds / record["doc"]) for record in records}
        analyzer = nlpkit.load(args.model)
        found = {doc: analyzer(text, tasks=("ner",)).entities for doc, text in texts.items()}
        scorer = score_news_documents if args.context == "document" else score_news
        news = scorer(analyzer, args.news) if args.news else None
    except (NlpkitError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "model": args.model or "default",
        "gold_entities": score(records, texts, {r["doc"]: gold_entities(texts[r["doc"]], r) for r in records}),
        "model_entities": score(records, texts, found),
    }
    for name in ("gold_entities", "model_entities"):
        part = results[name]
        print(f"seeds, {name}: {part['accuracy']:.3f} of {part['sentences']} sentences {part['outcomes']}")
    if news is not None:
        results[f"news_stance_{args.news}"] = news
        print(f"news_stance {args.news} ({args.context}), model entities: {news['accuracy']:.3f} of {news['pairs']} pairs "
              f"{news['outcomes']}" + (f", {news['unmatched']} not found in their article" if "unmatched" in news else ""))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
