"""A self-contained right-to-left HTML report: entities highlighted in place, stance and summary tables.

The page has no external assets (inline CSS, system fonts) and escapes every piece of text.
Entities are marked in the original text by their character offsets; an entity that overlaps
an earlier one, or whose offsets fall outside the text, is left unmarked. Hovering a mark
shows its type, canonical form and score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from nlpkit.results import NER_LABELS, STANCE_LABELS, Document, Entity

TYPE_NAMES = {"PER": "شخص", "ORG": "منظمة", "LOC": "مكان", "DATE": "تاريخ", "MISC": "متنوع"}
TYPE_COLOURS = {"PER": "#ffd6a5", "ORG": "#bde0fe", "LOC": "#caffbf", "DATE": "#fdffb6", "MISC": "#e4c1f9"}
STANCE_NAMES = {"FAVOR": "مؤيد", "AGAINST": "معارض", "NONE": "محايد"}
STANCE_COLOURS = {"FAVOR": "#2b9348", "AGAINST": "#d00000", "NONE": "#6c757d"}
FALLBACK_COLOUR = "#e9ecef"
ZWJ = "\u200d"

STYLE = """
body { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Arial", "DejaVu Sans", sans-serif;
       margin: 0 auto; max-width: 60rem; padding: 1.5rem; line-height: 1.9; color: #212529; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #dee2e6; padding-bottom: .25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.legend { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.legend li { padding: 0 .6rem; border-radius: .3rem; font-size: .9rem; }
.text { white-space: pre-wrap; font-size: 1.1rem; background: #f8f9fa; border: 1px solid #dee2e6;
        border-radius: .4rem; padding: 1rem; }
mark.ent { border-radius: .25rem; padding: 0 .15rem; unicode-bidi: isolate; cursor: help; color: inherit; }
mark.ent::after { content: attr(data-label); font: bold .6rem sans-serif; margin-inline-start: .2rem;
                  vertical-align: super; opacity: .7; direction: ltr; unicode-bidi: isolate; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { border: 1px solid #dee2e6; padding: .3rem .5rem; text-align: start; vertical-align: top; }
th { background: #f1f3f5; }
td.num { direction: ltr; text-align: end; font-variant-numeric: tabular-nums; }
.stance { color: #fff; border-radius: .25rem; padding: 0 .4rem; white-space: nowrap; }
.empty { color: #6c757d; font-style: italic; }
"""


def _type_colour(label: str) -> str:
    """Background colour of an entity type."""
    return TYPE_COLOURS.get(label, FALLBACK_COLOUR)


def _type_css() -> str:
    """One CSS rule per entity type."""
    return "\n".join(f"mark.ent-{label} {{ background: {colour}; }}" for label, colour in TYPE_COLOURS.items())


def legend() -> str:
    """The colour legend of the entity types."""
    items = "".join(
        f'<li class="ent-{label}" style="background: {_type_colour(label)}">{escape(TYPE_NAMES[label])} '
        f'<bdi dir="ltr">{label}</bdi></li>'
        for label in NER_LABELS
    )
    return f'<ul class="legend" aria-label="أنواع الكيانات">{items}</ul>'


def drawable_entities(text: str, entities: Iterable[Entity]) -> list[Entity]:
    """The entities that can be marked: inside ``text``, non-empty, not overlapping an earlier (or longer) one."""
    ordered = sorted(entities, key=lambda e: (e.start, -(e.end - e.start)))
    kept: list[Entity] = []
    for entity in ordered:
        if 0 <= entity.start < entity.end <= len(text) and (not kept or entity.start >= kept[-1].end):
            kept.append(entity)
    return kept


def _entity_mark(text: str, entity: Entity, *, join_before: bool = False, join_after: bool = False) -> str:
    """One ``<mark>`` with the entity's type class, label chip and tooltip (ZWJ inside at joined cuts)."""
    tooltip = f"{entity.label} · {entity.canonical} · {entity.score:.2f}"
    label = escape(entity.label, quote=True)
    inner = (ZWJ if join_before else "") + escape(text[entity.start:entity.end]) + (ZWJ if join_after else "")
    return (f'<mark class="ent ent-{label}" data-label="{label}" title="{escape(tooltip, quote=True)}">'
            f"{inner}</mark>")


def _joins(text: str, boundary: int) -> bool:
    """True when ``boundary`` falls inside an Arabic word (letters on both sides), e.g. after the «ل» of «لروسيا»."""
    return 0 < boundary < len(text) and all(
        "\u0600" <= char <= "\u06ff" and char.isalpha() for char in (text[boundary - 1], text[boundary])
    )


def highlight(text: str, entities: Iterable[Entity]) -> str:
    """``text`` escaped, with every drawable entity wrapped in a ``<mark>`` at its offsets.

    Where a mark cuts an Arabic word (an entity after a proclitic), zero-width joiners on both
    sides of the cut keep the letters in their connected forms.
    """
    parts, position = [], 0
    for entity in drawable_entities(text, entities):
        join_before, join_after = _joins(text, entity.start), _joins(text, entity.end)
        parts.append(escape(text[position:entity.start]) + (ZWJ if join_before else ""))
        parts.append(_entity_mark(text, entity, join_before=join_before, join_after=join_after))
        parts.append(ZWJ if join_after else "")
        position = entity.end
    parts.append(escape(text[position:]))
    return "".join(parts)


def _stance_badge(label: str) -> str:
    """A coloured stance label with its Arabic name."""
    colour = STANCE_COLOURS.get(label, STANCE_COLOURS["NONE"])
    name = STANCE_NAMES.get(label, label)
    return f'<span class="stance" style="background: {colour}">{escape(name)} <bdi dir="ltr">{escape(label)}</bdi></span>'


def _table(headers: Sequence[str], rows: list[str], empty: str) -> str:
    """A table with ``headers`` and pre-rendered ``<tr>`` rows, or an ``empty`` note."""
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def stance_rows(document: Document) -> list[str]:
    """``<tr>`` rows: sentence, target, label, score, holder."""
    rows = []
    for stance in document.stances:
        sentence = " ".join(document.text[stance.start:stance.end].split())
        rows.append(
            f"<tr><td>{escape(sentence)}</td><td>{escape(stance.target)}</td><td>{_stance_badge(stance.label)}</td>"
            f'<td class="num">{stance.score:.2f}</td><td>{escape(stance.holder or "—")}</td></tr>'
        )
    return rows


def summary_rows(document: Document) -> list[str]:
    """``<tr>`` rows: holder, target, label, FAVOR/AGAINST/NONE counts."""
    rows = []
    for row in document.summary:
        counts = "".join(f'<td class="num">{count}</td>' for count in (row.favor, row.against, row.none))
        rows.append(f"<tr><td>{escape(row.holder or 'المقال')}</td><td>{escape(row.target)}</td>"
                    f"<td>{_stance_badge(row.label)}</td>{counts}</tr>")
    return rows


def document_section(document: Document, name: Any = None) -> str:
    """The ``<section>`` of one document: highlighted text, stance table, summary table."""
    heading = f"<h2>{escape(str(name))}</h2>" if name is not None else ""
    stance_headers = ("الجملة", "الهدف", "الموقف", "الدرجة", "صاحب الموقف")
    summary_headers = ("صاحب الموقف", "الهدف", "الموقف", *(STANCE_NAMES[label] for label in STANCE_LABELS))
    return (
        f'<section class="document">{heading}'
        f'<div class="text">{highlight(document.text, document.entities)}</div>'
        f"<h3>المواقف</h3>{_table(stance_headers, stance_rows(document), 'لا توجد مواقف.')}"
        f"<h3>صاحب الموقف ← الهدف</h3>{_table(summary_headers, summary_rows(document), 'لا يوجد ملخص.')}"
        "</section>"
    )


def render_html(items: Document | Iterable[Document | tuple[Any, Document]], *, title: str = "تحليل الأخبار") -> str:
    """A complete right-to-left HTML page for one or several documents.

    Args:
        items: a document, or documents / ``(name, document)`` pairs (the name heads its section).
        title: page title and heading.

    Returns:
        The page, starting with ``<!DOCTYPE html>``.
    """
    pairs = [(None, items)] if isinstance(items, Document) else [
        (None, item) if isinstance(item, Document) else item for item in items
    ]
    sections = "".join(document_section(document, name) for name, document in pairs)
    return (
        '<!DOCTYPE html>\n<html dir="rtl" lang="ar">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="nlpkit">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{_type_css()}\n</style>\n</head>\n"
        f"<body>\n<h1>{escape(title)}</h1>\n{legend()}\n{sections}\n</body>\n</html>\n"
    )
