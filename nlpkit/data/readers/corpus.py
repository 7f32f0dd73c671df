"""Raw Arabic news text (ANT, SaudiNewsNet) for tokenizer training and MLM pretraining.

:func:`iter_corpus` streams the news corpora one article at a time; :func:`iter_dataset_text`
yields the text of the labelled NER and stance sets.
"""

from __future__ import annotations

import json
import lzma
import os
from collections.abc import Iterator, Sequence

from nlpkit.data.paths import data_file
from nlpkit.data.readers import anercorp, ans, fane, mawqif, wojood
from nlpkit.data.readers._common import DataDir
from nlpkit.errors import UnknownDatasetError

CORPORA: dict[str, tuple[str, str, str]] = {
    # name: (relative path, title field, body field)
    "ant": ("corpus/ant_news.jsonl.xz", "title", "text"),
    "saudinewsnet": ("corpus/saudinewsnet.jsonl.xz", "title", "content"),
}
_HOW_TO_GET = {
    "ant": "ANT corpus v1.1 (Chouigui et al. 2017), saved as JSON lines compressed with xz.",
    "saudinewsnet": "SaudiNewsNet (Alhagri, GitHub parallelfold/SaudiNewsNet), saved as JSON lines compressed with xz.",
}


def iter_corpus(name: str = "all", *, data_dir: str | os.PathLike[str] | None = None) -> Iterator[str]:
    """Yield one article at a time (title, blank line, body), streaming from the ``.jsonl.xz`` file.

    Args:
        name: ``"ant"``, ``"saudinewsnet"`` or ``"all"``.
        data_dir: explicit data directory (else ``NLPKIT_DATA`` or ``../shared/data``).
    """
    names = list(CORPORA) if name == "all" else [name]
    for corpus in names:
        if corpus not in CORPORA:
            raise UnknownDatasetError(f"Unknown corpus {corpus!r}; choose one of {sorted(CORPORA)} or 'all'.")
        relative, title_key, body_key = CORPORA[corpus]
        path = data_file(relative, how_to_get=_HOW_TO_GET[corpus], root=data_dir)
        with lzma.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                title = (record.get(title_key) or "").strip()
                body = (record.get(body_key) or "").strip()
                text = f"{title}\n\n{body}" if title and body else title or body
                if text:
                    yield text


TEXT_SOURCES = ("anercorp", "newsfane", "wikifane", "wojood", "mawqif", "ans")


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
