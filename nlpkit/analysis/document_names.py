"""Entity spans read against the rest of their document: a name written in full elsewhere shows where a mention
starts and ends.

- :func:`drop_seen_proclitics`: a proclitic («و», «ل», «ب» …) that opens a span is cut when the document also
  names the entity, with the same type, without it.
- :func:`complete_seen_names`: a span that the model cut short is extended when the words right after it complete
  a longer name of the same type that the document writes elsewhere («بوكو» + «حرام», «رياك» + «مشار»).

Both run in :func:`document_spans`, which :func:`nlpkit.analysis.assemble.build_entities` (what ``analyze()``
returns) and :mod:`training.evaluate_ruler` (what the NER scores measure) apply to a document's spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nlpkit.models.ner import EntitySpan
from nlpkit.text.normalize import normalize_name
from nlpkit.text.tokenize import PROCLITICS, tokenize

MIN_STEM_LETTERS = 3
LOOKAHEAD_CHARS = 160
"""Characters after a span searched for the rest of its name."""


def document_spans(text: str, spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """``spans`` with seen proclitics cut, then names completed (see the module docstring), sorted by offset."""
    return complete_seen_names(text, drop_seen_proclitics(text, spans))


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


def complete_seen_names(text: str, spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """``spans``, sorted, each extended over the words right after it when they complete a longer name of the same
    type written elsewhere in the document («بوكو» followed by «حرام» where «بوكو حرام» is a mention too).

    Only words follow, with nothing but spaces between them (punctuation or a line break stops the search); the
    longest such name wins. Spans lying wholly inside the extension are absorbed; a span reaching past it stops the extension.
    """
    names: dict[str, set[tuple[str, ...]]] = {}
    for span in spans:
        key = tuple(normalize_name(text[span.start : span.end]).split())
        if len(key) > 1:
            names.setdefault(span.label, set()).add(key)
    ordered = sorted(spans, key=lambda span: (span.start, span.end))
    kept: list[EntitySpan] = []
    reach = -1
    for index, span in enumerate(ordered):
        if span.end <= reach:
            continue
        end = _completed_end(text, span, names.get(span.label, set()))
        if end is not None and all(other.end <= end or other.start >= end for other in ordered[index + 1 :]):
            span, reach = replace(span, end=end), end
        kept.append(span)
    return kept


def _completed_end(text: str, span: EntitySpan, names: set[tuple[str, ...]]) -> int | None:
    """End offset of the longest of ``names`` that opens with ``span``'s words and whose rest follows it, if any."""
    key = tuple(normalize_name(text[span.start : span.end]).split())
    longer = [name for name in names if len(name) > len(key) and name[: len(key)] == key]
    if not key or not longer:
        return None
    following = []
    previous = span.end
    for token in tokenize(text[span.end : span.end + LOOKAHEAD_CHARS], offset=span.end):
        if not any(char.isalnum() for char in token.text) or "\n" in text[previous : token.start]:
            break
        following.append(token)
        previous = token.end
    best = None
    for name in longer:
        rest = name[len(key) :]
        words = following[: len(rest)]
        if len(words) == len(rest) and tuple(normalize_name(token.text) for token in words) == rest:
            if best is None or words[-1].end > best:
                best = words[-1].end
    return best
