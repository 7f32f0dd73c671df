"""Turning model outputs into result objects: entities with canonical names, stances, summary rows.

Pure functions, no model code: the analyzer calls them once predictions are in. Scores are
rounded to 4 decimals here, when the results are created, so that
``Document.from_dict(doc.to_dict()) == doc``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from nlpkit.analysis.canonical import EntityGroup, group_entities
from nlpkit.analysis.document_names import document_spans
from nlpkit.models.ner import EntitySpan
from nlpkit.results import Entity, Stance, SummaryRow

SCORE_DECIMALS = 4


def build_entities(text: str, spans: Sequence[EntitySpan], states: Mapping[str, str] | None = None
                   ) -> tuple[tuple[Entity, ...], list[EntityGroup]]:
    """Entities of ``text`` sorted by offsets, with canonical names (``states``: see
    :func:`~nlpkit.analysis.canonical.group_entities`), and their groups. The spans are first read against the
    rest of the document (:func:`~nlpkit.analysis.document_names.document_spans`).

    Returns:
        ``(entities, groups)``; group members index ``entities``.
    """
    ordered = sorted(document_spans(text, spans), key=lambda span: (span.start, span.end, span.label))
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
