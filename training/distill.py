"""Silver NER labels from a stronger model, for training the fast tier on them (issue #11, item 5).

``python -m training.distill --model nlpkit/resources/models/accurate/ner --out runs/silver --sentences 12000``

1. **Sentences**: ANT articles (Apache-2.0; SaudiNewsNet is left out so that shipped weights learn
   from no research-only text), read in corpus order, split with nlpkit's sentence splitter; a
   sentence is kept when it has 6 to 60 words, lies outside page boilerplate and its
   normalised text was not seen before. The order is fixed, so a shard always holds the same
   sentences.
2. **Labels**: the teacher (a NER model folder or an ensemble, loaded as ``analyze()`` loads it)
   tags every word with the most probable IOB2 sequence; its hard tags are written with the
   word-level probability of each tag. (Soft targets would need a loss over distributions that
   the token-classification head does not take; hard tags from the ensemble train the student
   with the unchanged NER task.)
3. **Shards**: ``shard_NNN.jsonl`` of ``--shard-size`` sentences, written atomically; a rerun
   skips finished shards, so an interrupted run resumes where it stopped. ``silver.jsonl``
   joins them in the NER schema (``id tokens tags source annotated_types``), ready for
   ``data.train`` in a config.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from nlpkit.data.labels import NER_TYPES
from nlpkit.data.readers.corpus import iter_corpus
from nlpkit.models.ensemble import NerEnsemble, load_ner
from nlpkit.models.ner import NerModel
from nlpkit.text.boilerplate import boilerplate_spans, inside
from nlpkit.text.normalize import normalize
from nlpkit.text.sentences import split_sentences
from training.jsonl import write_jsonl

logger = logging.getLogger("training")

MIN_WORDS, MAX_WORDS = 6, 60


def corpus_sentences(corpus: str = "ant", data_dir: str | None = None) -> Iterator[str]:
    """Distinct, boilerplate-free news sentences of 6–60 words, in corpus order."""
    seen: set[str] = set()
    for document in iter_corpus(corpus, data_dir=data_dir):
        noise = boilerplate_spans(document)
        for start, end in split_sentences(document):
            sentence = document[start:end]
            words = len(sentence.split())
            if not MIN_WORDS <= words <= MAX_WORDS or inside((start, end), noise, document):
                continue
            key = normalize(sentence)
            if key in seen:
                continue
            seen.add(key)
            yield sentence


def label_shard(teacher: NerModel | NerEnsemble, sentences: list[str], first_id: int) -> list[dict[str, object]]:
    """NER-schema rows for ``sentences``: the teacher's words, tags and tag probabilities."""
    tagged = teacher.tag_many([(text, [(0, len(text))]) for text in sentences])
    rows = []
    for index, document in enumerate(tagged):
        words = [word for sentence in document for word in sentence]
        rows.append({
            "id": f"silver:{first_id + index}",
            "tokens": [word.token.text for word in words],
            "tags": [word.label for word in words],
            "scores": [round(word.score, 4) for word in words],
            "source": "silver_ant",
            "annotated_types": list(NER_TYPES),
        })
    return rows


def distill(model: str, out: Path, *, sentences: int, shard_size: int, data_dir: str | None = None,
            threads: int | None = None) -> Path:
    """Label ``sentences`` corpus sentences in resumable shards; return the joined ``silver.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    teacher = load_ner(model, batch_size=32, threads=threads)
    stream = corpus_sentences("ant", data_dir)
    shards = (sentences + shard_size - 1) // shard_size
    written: list[Path] = []
    found = 0
    for shard in range(shards):
        batch = list(islice(stream, min(shard_size, sentences - shard * shard_size)))
        found += len(batch)
        if not batch:
            logger.warning("the corpus holds only %d usable sentences of the %d asked for; labelled those", found, sentences)
            break
        path = out / f"shard_{shard:03d}.jsonl"
        written.append(path)
        if path.is_file():
            continue
        clock = time.perf_counter()
        rows = label_shard(teacher, batch, shard * shard_size)
        write_jsonl(path, rows)
        words, seconds = sum(len(row["tokens"]) for row in rows), time.perf_counter() - clock
        logger.info("shard %d/%d: %d sentences, %d words in %.0fs (%.0f words/s)", shard + 1, shards, len(rows),
                    words, seconds, words / seconds)
    joined = out / "silver.jsonl"
    with joined.open("w", encoding="utf-8") as handle:
        for path in written:
            handle.write(path.read_text(encoding="utf-8"))
    return joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.distill", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="teacher NER folder or ensemble")
    parser.add_argument("--out", required=True, type=Path, help="shard directory")
    parser.add_argument("--sentences", type=int, default=12000)
    parser.add_argument("--shard-size", type=int, default=1000)
    parser.add_argument("--threads", type=int, help="CPU threads for the teacher")
    parser.add_argument("--data-dir", help="data directory (default $NLPKIT_DATA or ../shared/data)")
    args = parser.parse_args(argv)
    if args.sentences < 1 or args.shard_size < 1:
        parser.error("--sentences and --shard-size must be positive")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    joined = distill(args.model, args.out, sentences=args.sentences, shard_size=args.shard_size,
                     data_dir=args.data_dir, threads=args.threads)
    logger.info("silver labels: %s", joined)
    return 0


if __name__ == "__main__":
    sys.exit(main())
