"""Silver stance labels from the accurate tier, for training the fast tier on them (issue #11, item 5).

``python -m training.distill_stance --pairs 30000 --out runs/silver_stance``

1. **Pairs**: ANT and SaudiNewsNet articles, one of each in turn, in corpus order
   (:func:`training.mine_stance.iter_documents`: ANT's news sections, every SaudiNewsNet article), minus every document that holds a news_stance dev or test pair, are
   analysed by the ``--pairs-from`` analyzer (default: the fast tier, for speed). Its stance
   pairs are the (target, sentence) questions ``analyze()`` asks: a document's main entities and
   the sentences that mention them, page boilerplate left out. A pair is dropped when its sentence
   has more than :data:`MAX_WORDS` words, when the same (target, sentence) is annotated in
   news_stance, and when its sentence is a near-copy of a dev or test sentence (wire copy repeats
   across papers), so that nothing of dev or test reaches training.
2. **Labels**: the teacher (default: the accurate tier's stance model, loaded as ``analyze()``
   loads it) gives each pair its most probable label, with the three probabilities.
3. **Shards**: ``shard_NNN.jsonl`` of ``--shard-docs`` documents each, written atomically; a
   rerun skips finished shards, so an interrupted run resumes where it stopped. The run stops
   after the shard that reaches ``--pairs``. ``silver.jsonl`` joins them in the stance schema
   (``id target text label holder source``, plus ``probs doc_id corpus licence``), ready for
   ``data.train`` in a config. SaudiNewsNet rows are research-only (CC BY-NC-SA 4.0), as in news_stance.

``--relabel-from DIR`` keeps the pairs of an earlier run's shards and labels them again with ``--teacher``
(a later round of self-training with a better model), shard by shard and resumable like the first run.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from nlpkit.analysis.api import load
from nlpkit.data.paths import project_file
from nlpkit.data.readers.news_stance import HOW_TO_GET as NEWS_STANCE_HOW_TO_GET
from nlpkit.data.readers.news_stance import RELATIVE as NEWS_STANCE
from nlpkit.errors import ConfigError, NlpkitError
from nlpkit.models.ensemble import load_stance
from nlpkit.text.normalize import normalize
from training.cli import fail
from training.jsonl import read_jsonl, write_jsonl
from training.mine_stance import CORPORA, dedupe_key, iter_documents

logger = logging.getLogger("training")

MAX_WORDS = 80
HELD_OUT = ("dev", "test")
DEFAULT_TEACHER = "nlpkit/resources/models/accurate/stance"
PAIR_KEYS = ("target", "text", "holder", "doc_id", "corpus", "licence")
"""What a pair is, before a teacher labels it."""


def held_out() -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """Documents and sentence keys of news_stance dev and test, and every annotated (target, sentence) key."""
    held_documents: set[str] = set()
    sentences: set[str] = set()
    annotated: set[tuple[str, str]] = set()
    for row in read_jsonl(project_file(NEWS_STANCE, how_to_get=NEWS_STANCE_HOW_TO_GET)):
        annotated.add((normalize(row["target"]), dedupe_key(row["text"])))
        if row["split"] in HELD_OUT:
            held_documents.add(row["doc_id"])
            sentences.add(dedupe_key(row["text"]))
    return held_documents, sentences, annotated


def documents(corpora: Sequence[str], skip: set[str]) -> Iterator[tuple[str, str, str]]:
    """``(doc_id, corpus, text)`` of every article outside ``skip``, one from each corpus in turn."""
    streams = [_tagged(corpus) for corpus in corpora]
    for document in roundrobin(*streams):
        if document[0] not in skip:
            yield document


def _tagged(corpus: str) -> Iterator[tuple[str, str, str]]:
    """``(doc_id, corpus, text)`` of every article of one corpus."""
    for doc_id, _, text in iter_documents(corpus, None, every=1):
        yield doc_id, corpus, text


def roundrobin(*iterables: Iterator[Any]) -> Iterator[Any]:
    """One item from each iterator in turn until all are exhausted (the ``itertools`` recipe)."""
    active = list(iterables)
    while active:
        for iterator in list(active):
            try:
                yield next(iterator)
            except StopIteration:
                active.remove(iterator)


def pairs_of(analyzer: Any, batch: Sequence[tuple[str, str, str]], held_sentences: set[str],
             annotated: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The analyzer's stance pairs of a batch of documents, minus held-out and annotated ones."""
    rows = []
    seen: set[tuple[str, str]] = set()
    for (doc_id, corpus, text), doc in zip(batch, analyzer.pipe([text for _, _, text in batch], tasks=("ner", "stance")),
                                           strict=True):
        for stance in doc.stances:
            sentence = text[stance.start : stance.end].strip()
            key = (normalize(stance.target), dedupe_key(sentence))
            if len(sentence.split()) > MAX_WORDS or key[1] in held_sentences or key in annotated or key in seen:
                continue
            seen.add(key)
            rows.append({"target": stance.target, "text": sentence, "holder": stance.holder, "doc_id": doc_id,
                         "corpus": corpus, "licence": CORPORA[corpus]["licence"]})
    return rows


def label(teacher: Any, rows: list[dict[str, Any]], shard: int) -> list[dict[str, Any]]:
    """Add the teacher's label, its probabilities, an id and the source to each row."""
    labels = teacher.model.labels
    probabilities = teacher.probabilities([(row["target"], row["text"]) for row in rows]) if rows else []
    for index, (row, probs) in enumerate(zip(rows, probabilities, strict=True)):
        row.update(id=f"silver-{shard:03d}-{index:04d}", label=labels[int(probs.argmax())], source="silver_stance",
                   probs={name: round(float(p), 4) for name, p in zip(labels, probs, strict=True)})
    return rows


def distill(out: Path, pairs: int, *, corpora: Sequence[str] = ("ant", "saudinewsnet"), shard_docs: int = 200,
            teacher: str = DEFAULT_TEACHER, pairs_from: str = "fast", skip_shards: int = 0) -> Path:
    """Write shards of silver pairs under ``out`` until ``pairs`` are reached; return ``silver.jsonl``.

    ``skip_shards`` reads past the documents of the first shards without analysing them: the pairs
    then come from documents that an earlier run of the same shard size never read (a further round
    on new documents, or a sample to measure), and the shards keep their numbers in the stream.
    """
    out.mkdir(parents=True, exist_ok=True)
    skip_docs, held_sentences, annotated = held_out()
    analyzer = load(pairs_from)
    model = load_stance(teacher, batch_size=64)
    stream = documents(corpora, skip_docs)
    for _ in range(skip_shards):
        next(islice(stream, shard_docs - 1, None), None)
    total, shard = 0, skip_shards
    while total < pairs:
        batch = list(islice(stream, shard_docs))
        if not batch:
            break
        path = out / f"shard_{shard:03d}.jsonl"
        if path.exists():
            rows = read_jsonl(path)
        else:
            started = time.perf_counter()
            rows = label(model, pairs_of(analyzer, batch, held_sentences, annotated), shard)
            write_jsonl(path, rows)
            logger.info("shard %d: %d pairs from %d documents in %.0f s", shard, len(rows), len(batch),
                        time.perf_counter() - started)
        total += len(rows)
        shard += 1
    return join_shards(out)


def join_shards(out: Path) -> Path:
    """Join ``out``'s shards, in order, into ``out/silver.jsonl`` and return it.

    Pairs whose sentence has been annotated in news_stance since the shards were written (a batch
    mined from these very pairs, ``training.mine_stance --from-pairs``) are left out: the gold labels
    replace the teacher's there, whatever name the annotator gave the target.
    """
    joined = out / "silver.jsonl"
    annotated = {sentence for _, sentence in held_out()[2]}
    rows = [row for path in sorted(out.glob("shard_*.jsonl")) for row in read_jsonl(path)]
    kept = [row for row in rows if dedupe_key(row["text"]) not in annotated]
    write_jsonl(joined, kept)
    logger.info("%d silver pairs in %s (%d left out: their sentence is annotated)", len(kept), joined,
                len(rows) - len(kept))
    return joined


def relabel(source: Path, out: Path, *, teacher: str = DEFAULT_TEACHER) -> Path:
    """Label the pairs of ``source``'s shards again with ``teacher`` into ``out``; return ``out/silver.jsonl``.

    Raises:
        ConfigError: ``source`` has no shards, or is ``out`` itself.
    """
    shards = sorted(source.glob("shard_*.jsonl"))
    if not shards:
        raise ConfigError(f"--relabel-from {source}: no shard_*.jsonl files there; write them with --out first.")
    if source.resolve() == out.resolve():
        raise ConfigError("--relabel-from must be another folder than --out (the earlier labels would be overwritten).")
    out.mkdir(parents=True, exist_ok=True)
    model = load_stance(teacher, batch_size=64)
    for number, path in enumerate(shards):
        target = out / path.name
        if target.exists():
            continue
        started = time.perf_counter()
        rows = [{key: row[key] for key in PAIR_KEYS if key in row} for row in read_jsonl(path)]
        write_jsonl(target, label(model, rows, number))
        logger.info("shard %d: %d pairs relabelled in %.0f s", number, len(rows), time.perf_counter() - started)
    return join_shards(out)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: write the silver shards; exit code 2 with one line on a missing model or data file."""
    parser = argparse.ArgumentParser(prog="python -m training.distill_stance", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="output folder (shards, silver.jsonl)")
    parser.add_argument("--pairs", type=int, default=30000, help="stop after the shard that reaches this many pairs")
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA), help="corpora in order (default: all)")
    parser.add_argument("--shard-docs", type=int, default=200, help="documents per shard")
    parser.add_argument("--teacher", default=DEFAULT_TEACHER, help="stance model folder that labels the pairs")
    parser.add_argument("--pairs-from", default="fast", help="analyzer that finds the pairs (tier name or folder)")
    parser.add_argument("--relabel-from", type=Path, help="label the pairs of this earlier run's shards again instead")
    parser.add_argument("--skip-shards", type=int, default=0, metavar="N",
                        help="read past the documents of the first N shards (fresh documents beyond an earlier run)")
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.shard_docs < 1 or args.skip_shards < 0:
        return fail(ConfigError("--pairs and --shard-docs must be at least 1, --skip-shards at least 0."))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        if args.relabel_from:
            relabel(args.relabel_from, args.out, teacher=args.teacher)
        else:
            distill(args.out, args.pairs, corpora=args.corpus or ("ant", "saudinewsnet"), shard_docs=args.shard_docs,
                    teacher=args.teacher, pairs_from=args.pairs_from, skip_shards=args.skip_shards)
    except NlpkitError as error:
        return fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
