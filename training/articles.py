"""news_stance pairs with the articles they come from: the raw corpus text of each pair's document, as a user
would pass it to ``analyze()`` (``title\\n\\nbody``, :func:`training.mine_stance.iter_documents`)."""

from __future__ import annotations

import json
from typing import Any

from nlpkit.data.paths import PROJECT_ROOT
from nlpkit.data.readers._common import read_text
from nlpkit.data.readers.news_stance import RELATIVE


def news_stance_rows(split: str) -> list[dict[str, Any]]:
    """The rows of one news_stance split with every stored column (``doc_id`` included, which the reader drops)."""
    lines = read_text(PROJECT_ROOT / RELATIVE).splitlines()
    return [row for row in map(json.loads, filter(str.strip, lines)) if row["split"] == split]


def article_texts(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Document id → article text for the documents of ``rows``, read from the raw corpora ($NLPKIT_DATA)."""
    from training.mine_stance import iter_documents

    wanted = {row["doc_id"] for row in rows}
    return {doc_id: text for corpus in sorted({doc_id.split(":")[0] for doc_id in wanted})
            for doc_id, _, text in iter_documents(corpus, None, 1) if doc_id in wanted}
