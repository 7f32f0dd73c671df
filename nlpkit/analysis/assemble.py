"""Turning model outputs into result objects: entities with canonical names, stances, summary rows.

Pure functions, no model code: the analyzer calls them once predictions are in. Scores are
rounded to 4 decimals here, when the results are created, so that
``Document.from_dict(doc.to_dict()) == doc``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from nlpkit.analysis.canonical import EntityGroup, group_entities
from nlpkit.models.ner import EntitySpan
from nlpkit.results import Entity, Stance, SummaryRow
from nlpkit.text.normalize import normalize_name
from nlpkit.text.tokenize import PROCLITICS

SCORE_DECIMALS = 4
MIN_STEM_LETTERS = 3


def build_entities(text: str, spans: Sequence[EntitySpan], states: Mapping[str, str] | None = None
                   ) -> tuple[tuple[Entity, ...], list[EntityGroup]]:
    """Entities of ``text`` sorted by offsets, with canonical names (``states``: see
    :func:`~nlpkit.analysis.canonical.group_entities`), and their groups. A proclitic the document shows is not
    part of the name is left out first (:func:`drop_seen_proclitics`).

    Returns:
        ``(entities, groups)``; group members index ``entities``.
    """
    ordered = sorted(drop_seen_proclitics(text, spans), key=lambda span: (span.start, span.end, span.label))
    groups = group_entities([(text[span.start : span.end], span.label) for span in ordered], states)
    canonical = [""] * len(ordered)
    for group in groups:
        for member in group.members:
            canonical[member] = group.canonical
    entities = tuple(
        Entity(text[span.start : span.end], span.label, span.start, span.end, round(span.score, SCORE_DECIMALS), name)
        for span, name in zip(ordered, canonical, strict=True)
    )
    return entities, groups


def drop_seen_proclitics(text: str, spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """``spans``, each without the proclitic that opens it («و», «ل», «ب» …) when the document also names the same
    entity, of the same type, without it («وكلايف كريستيان» beside «كلايف كريستيان», «لسبكيم» beside «سبكيم»).

    Span trimming keeps a proclitic unless the rest is a known stem or has a safe shape, since names open with
    those letters too («وليد», «بشار»); a bare mention of the same name in the same document shows where it
    starts. At least :data:`MIN_STEM_LETTERS` letters must remain, and a person needs two words or more: one-word
    first names may be two people («كريم» and «ريم», «بسام» and «سام»).
    """
    bare = {(span.label, normalize_name(text[span.start : span.end])) for span in spans}
    kept = []
    for span in spans:
        written = text[span.start : span.end]
        cut = 0 if span.label == "PER" and len(written.split()) < 2 else _seen_proclitic(written, span.label, bare)
        kept.append(replace(span, start=span.start + cut) if cut else span)
    return kept


def _seen_proclitic(written: str, label: str, bare: set[tuple[str, str]]) -> int:
    """Length of the proclitic opening ``written`` whose rest is, by name key, a mention of type ``label`` in ``bare``."""
    for prefix in PROCLITICS:
        rest = written[len(prefix) :]
        if written.startswith(prefix) and sum(char.isalpha() for char in rest) >= MIN_STEM_LETTERS \
                and (label, normalize_name(rest)) in bare:
            return len(prefix)
    return 0


def build_stance(sentence: tuple[int, int], index: int, target: str, label: str, score: float,
                 holder: str | None) -> Stance:
    """One stance record, score rounded."""
    return Stance(sentence[0], sentence[1], target, label, round(score, SCORE_DECIMALS), holder, index)


def majority_label(favor: int, against: int, favor_mass: float = 0.0, against_mass: float = 0.0) -> str:
    """FAVOR or AGAINST by majority; a tie in counts goes to the larger summed score; NONE otherwise."""
    if (favor, favor_mass) > (against, against_mass):
        return "FAVOR"
    if (against, against_mass) > (favor, favor_mass):
        return "AGAINST"
    return "NONE"


def summarize(stances: Sequence[Stance]) -> tuple[SummaryRow, ...]:
    """One row per (holder, target): label counts and the overall label, sorted by holder then target.

    The article's own voice (holder ``None``) sorts first.
    """
    counts: dict[tuple[str | None, str], Counter[str]] = {}
    mass: dict[tuple[str | None, str], Counter[str]] = {}
    for stance in stances:
        counts.setdefault((stance.holder, stance.target), Counter())[stance.label] += 1
        mass.setdefault((stance.holder, stance.target), Counter())[stance.label] += stance.score
    rows = [
        SummaryRow(holder, target, tally["FAVOR"], tally["AGAINST"], tally["NONE"],
                   majority_label(tally["FAVOR"], tally["AGAINST"], mass[holder, target]["FAVOR"],
                                  mass[holder, target]["AGAINST"]))
        for (holder, target), tally in counts.items()
    ]
    return tuple(sorted(rows, key=lambda row: (row.holder is not None, row.holder or "", row.target)))
