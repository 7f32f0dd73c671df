"""Raw text for tokenizer training and masked-language-model pretraining.

:func:`iter_corpus` streams the news corpora (``corpus/*.jsonl.xz``, one JSON article a line)
one article at a time; :func:`iter_dataset_text` yields the text of the NER and stance sets.
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterator, Sequence

from nlpkit.data.paths import data_file
from nlpkit.data.readers import anercorp, ans, fane, mawqif, wojood
from nlpkit.data.readers._common import DataDir, UnknownDatasetError

CORPORA = {
    "ant": ("corpus/ant_news.jsonl.xz", "text"),
    "saudinewsnet": ("corpus/saudinewsnet.jsonl.xz", "content"),
}
HOW_TO_GET = {
    "ant": "Download the ANT corpus v1.1 (Chouigui et al. 2017, Apache-2.0) and store it as JSON lines "
    "(id, category, date, title, text) compressed with xz at corpus/ant_news.jsonl.xz.",
    "saudinewsnet": "Download SaudiNewsNet from https://github.com/parallelfold/SaudiNewsNet (CC BY-NC-SA 4.0) and "
    "store its articles as JSON lines (source, url, date_extracted, title, content) at corpus/saudinewsnet.jsonl.xz.",
}
TEXT_SOURCES = ("anercorp", "newsfane", "wikifane", "wojood", "mawqif", "ans")


def _iter_one(name: str, data_dir: DataDir) -> Iterator[str]:
    relative, body_key = CORPORA[name]
    path = data_file(relative, how_to_get=HOW_TO_GET[name], root=data_dir)
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            article = json.loads(line)
            parts = [str(article.get(key) or "").strip() for key in ("title", body_key)]
            text = "\n".join(p for p in parts if p)
            if text:
                yield text


def iter_corpus(name: str = "all", *, data_dir: DataDir = None) -> Iterator[str]:
    """Yield articles (title, newline, body) of ``"ant"``, ``"saudinewsnet"`` or ``"all"``, streaming."""
    if name != "all" and name not in CORPORA:
        raise UnknownDatasetError(f"Unknown corpus {name!r}; valid names: all, {', '.join(CORPORA)}.")
    for corpus in CORPORA if name == "all" else (name,):
        yield from _iter_one(corpus, data_dir)


def iter_dataset_text(
    names: Sequence[str] = TEXT_SOURCES, *, splits: Sequence[str] = ("train",), data_dir: DataDir = None
) -> Iterator[str]:
    """Yield the raw text of labelled sets: NER sentences (tokens joined by spaces), tweets, headlines.

    Args:
        names: datasets among :data:`TEXT_SOURCES`.
        splits: which splits to read (only the ones a dataset has); train only by default so that
            evaluation text stays unseen.
        data_dir: data directory override.
    """
    ner = {"anercorp": anercorp.load, "newsfane": fane.load_newsfane, "wikifane": fane.load_wikifane, "wojood": wojood.load}
    stance = {"mawqif": (mawqif.load, mawqif.SPLITS), "ans": (ans.load, ans.SPLITS)}
    split_sets = {"anercorp": anercorp.SPLITS, "newsfane": fane.SPLITS, "wikifane": fane.SPLITS, "wojood": wojood.SPLITS}
    for name in names:
        if name not in TEXT_SOURCES:
            raise UnknownDatasetError(f"No raw text for {name!r}; valid names: {', '.join(TEXT_SOURCES)}.")
        if name in ner:
            for split in (s for s in splits if s in split_sets[name]):
                for tokens in ner[name](split, data_dir=data_dir)["tokens"]:
                    yield " ".join(tokens)
            continue
        load, valid = stance[name]
        for split in (s for s in splits if s in valid):
            dataset = load(split, data_dir=data_dir)
            if name == "ans":
                yield from dataset["target"]
            yield from dataset["text"]
