"""Raw Arabic news text (ANT, SaudiNewsNet) for tokenizer training and MLM pretraining."""

from __future__ import annotations

import json
import lzma
import os
from collections.abc import Iterator

from nlpkit.data.paths import data_file

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
            raise ValueError(f"Unknown corpus {corpus!r}; choose one of {sorted(CORPORA)} or 'all'.")
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
