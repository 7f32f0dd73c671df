"""Terminal tables (rich) of a document's entities, stances and holder→target summary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from nlpkit.results import Document

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

LABEL_STYLES = {"FAVOR": "green", "AGAINST": "red", "NONE": "dim"}
TYPE_STYLES = {"PER": "cyan", "ORG": "magenta", "LOC": "green", "DATE": "yellow", "MISC": "blue"}
EXCERPT_CHARS = 60


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _table(title: str, columns: tuple[tuple[str, str], ...]) -> Table:
    """An empty rich table with ``(name, justify)`` columns (Arabic columns justify right)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column, justify in columns:
        table.add_column(column, justify=justify)
    return table


def entity_table(document: Document, title: str = "Entities") -> Table:
    """A table of the entities: text, type, canonical form, score, character span."""
    table = _table(title, (("text", "right"), ("type", "left"), ("canonical", "right"), ("score", "right"), ("span", "right")))
    for entity in document.entities:
        style = TYPE_STYLES.get(entity.label, "")
        table.add_row(entity.text, f"[{style}]{entity.label}[/]" if style else entity.label, entity.canonical,
                      f"{entity.score:.2f}", f"{entity.start}–{entity.end}")
    return table


def stance_table(document: Document, title: str = "Stances") -> Table:
    """A table of the stances: sentence excerpt, target, label, score, holder."""
    table = _table(title, (("sentence", "right"), ("target", "right"), ("label", "left"), ("score", "right"), ("holder", "right")))
    for stance in document.stances:
        style = LABEL_STYLES.get(stance.label, "")
        table.add_row(excerpt(document.text[stance.start:stance.end]), stance.target,
                      f"[{style}]{stance.label}[/]" if style else stance.label, f"{stance.score:.2f}", stance.holder or "—")
    return table


def summary_table(document: Document, title: str = "Holder → target") -> Table:
    """A table of the aggregated stance of each holder toward each target."""
    table = _table(title, (("holder", "right"), ("target", "right"), ("label", "left"), ("FAVOR", "right"),
                           ("AGAINST", "right"), ("NONE", "right")))
    for row in document.summary:
        style = LABEL_STYLES.get(row.label, "")
        table.add_row(row.holder or "(article)", row.target, f"[{style}]{row.label}[/]" if style else row.label,
                      str(row.favor), str(row.against), str(row.none))
    return table


def document_tables(document: Document, name: Any = None) -> list[Table]:
    """The entity, stance and summary tables of one document (titles carry ``name`` when given)."""
    suffix = f" — {name}" if name is not None else ""
    return [entity_table(document, "Entities" + suffix), stance_table(document, "Stances" + suffix),
            summary_table(document, "Holder → target" + suffix)]


def print_documents(items: Iterable[tuple[Any, Document]], console: Console) -> None:
    """Print the tables of every ``(name, document)`` pair to ``console``."""
    for name, document in items:
        for table in document_tables(document, name):
            console.print(table)
