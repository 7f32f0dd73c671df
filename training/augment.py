"""Rewritten copies of labelled data that teach a model what should not matter.

Two variants, chosen per data source (``data.train[].variant`` in a config):

- ``substituted_targets`` (stance): a pair whose target is a state named in the sentence by its
  whole name gets another state written in its place, and the question asks about that state;
  the label is kept. Sanctions on Iran and sanctions on Canada are both AGAINST the sanctioned
  state, so the event, not the name, should decide.
- ``replaced_mentions`` (NER; Dai & Adel 2020, "mention replacement"): each entity of a sentence
  is, with probability :data:`MENTION_P`, swapped for a random entity of the same type from the
  same data, so the context, not a memorised name, decides the type.

A variant yields only the rewritten rows (rows that cannot be rewritten are left out); list the
source twice to train on both the originals and the copies. Both are deterministic given the seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

import datasets

from nlpkit.analysis.states import state_names
from nlpkit.text.mentions import find_mentions
from nlpkit.text.normalize import normalize_name
from nlpkit.text.tokenize import PROCLITICS

Variant = Literal["substituted_targets", "replaced_mentions"]

# States written into sentences by ``substituted_targets``: every region of the news sets, with
# and without the article, one and two words.
STATE_POOL = ("الصين", "روسيا", "فرنسا", "ألمانيا", "تركيا", "مصر", "اليابان", "الهند", "البرازيل", "كندا",
              "إيطاليا", "بريطانيا", "إسبانيا", "الجزائر", "المغرب", "الأردن", "قطر", "الكويت", "باكستان",
              "إندونيسيا", "نيجيريا", "السويد", "أستراليا", "المكسيك", "الأرجنتين", "كوريا الجنوبية",
              "جنوب أفريقيا", "إثيوبيا", "كينيا", "النرويج", "اليونان", "تونس", "إيران", "السعودية",
              "الولايات المتحدة", "إسرائيل", "العراق", "سوريا", "لبنان", "ليبيا", "السودان", "بولندا")
MENTION_P = 0.7
_CLITICS = sorted(PROCLITICS, key=len, reverse=True)


def _clitic_of(word: str, first: str) -> str | None:
    """The proclitic before the name word ``first`` in ``word`` ("" for none), or None if it is another form."""
    if normalize_name(word) == first:
        return ""
    for clitic in _CLITICS:
        if word.startswith(clitic) and normalize_name(word[len(clitic):]) == first:
            return clitic
    return None


def substitute_target(text: str, target: str, rng: random.Random,
                      pool: Sequence[str] = STATE_POOL) -> tuple[str, str] | None:
    """``(text, new_target)`` with every mention of the state ``target`` replaced by another state.

    None when ``target`` is not a state's name as CLDR or nlpkit writes it, is not named in ``text``, or is named in a form other than
    its whole name with a proclitic (a nationality adjective such as «الإيرانية» has no clean swap).
    ``ل`` before an article contracts as Arabic writes it («لإيران» → «للصين»).
    """
    key = normalize_name(target)
    states = state_names()
    if states.get(key) != target and key not in {normalize_name(name) for name in states.values()}:
        return None
    spans = find_mentions(text, target)
    if not spans:
        return None
    body = normalize_name(text)
    choices = [name for name in pool
               if normalize_name(name) != key and normalize_name(name) not in body and name.split()[-1] not in text]
    new = rng.choice(choices)
    first = key.split()[0]
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        clitic = _clitic_of(text[start:end].split()[0], first)
        if clitic is None:
            return None
        written = new[1:] if clitic.endswith("ل") and new.startswith("ال") else new
        pieces += [text[last:start], clitic + written]
        last = end
    return "".join(pieces) + text[last:], new


def _spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) of each IOB2 entity."""
    found: list[tuple[int, int, str]] = []
    start: int | None = None
    for index, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            found.append((start, index, tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = index
    return found


def replace_mentions(tokens: Sequence[str], tags: Sequence[str], pool: dict[str, list[list[str]]],
                     rng: random.Random, p: float = MENTION_P) -> tuple[list[str], list[str]] | None:
    """A copy of the sentence with each entity swapped, with probability ``p``, for one of ``pool[type]``.

    None when the sentence has no entity or none was swapped.
    """
    new_tokens: list[str] = []
    new_tags: list[str] = []
    last, changed = 0, False
    for start, end, kind in _spans(tags):
        new_tokens += tokens[last:start]
        new_tags += tags[last:start]
        mention = list(tokens[start:end])
        if rng.random() < p:
            mention, changed = rng.choice(pool[kind]), True
        new_tokens += mention
        new_tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(mention) - 1)
        last = end
    if not changed:
        return None
    return new_tokens + list(tokens[last:]), new_tags + list(tags[last:])


def variant_rows(dataset: datasets.Dataset, variant: Variant, seed: int) -> list[dict[str, Any]]:
    """The rewritten rows of ``dataset`` (ids suffixed ``:subst`` or ``:mr``), in dataset order."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    if variant == "substituted_targets":
        for row in dataset:
            swapped = substitute_target(row["text"], row["target"], rng)
            if swapped is not None:
                rows.append({**row, "text": swapped[0], "target": swapped[1], "holder": None, "id": f"{row['id']}:subst"})
        return rows
    pool: dict[str, list[list[str]]] = defaultdict(list)
    for row in dataset:
        for start, end, kind in _spans(row["tags"]):
            pool[kind].append(row["tokens"][start:end])
    for row in dataset:
        replaced = replace_mentions(row["tokens"], row["tags"], pool, rng)
        if replaced is not None:
            rows.append({**row, "tokens": replaced[0], "tags": replaced[1], "id": f"{row['id']}:mr"})
    return rows
