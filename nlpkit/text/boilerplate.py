"""Boilerplate in scraped news pages: the lines around an article that are not the article.

News pages saved as text carry keyword lists («كلمات دلالية: …»), source and date lines
(«المصدر: RT», «تاريخ النشر: …»), share and follow buttons, "read also" lists of other
headlines and, after the keywords, whole unrelated stories appended by the site. Their
entities are real mentions, but a stance read from them is not the article's: the analysis
asks no stance questions of sentences that lie inside these spans.

Rules, per line (``seeds/GUIDELINES.md`` describes the gold annotation they were checked on):

- **marker lines**: keyword, source, publication-date, share/follow/subscribe lines, and
  "read also" / "see also" lines («اقرأ أيضا: عنوان»);
- **related block**: after a standalone "read also" marker, the next run of non-blank lines
  (blank lines right after the marker skipped) is a list of other headlines;
- **footer**: from the first keyword line to the end of the text (tags close the article;
  what follows them is related links and appended stories);
- **link line**: «رابط الخبر بصحيفة …: headline» that scrapers leave after the last sentence, on its
  own line or run into it: from the marker to the end of its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int]

_ALSO = r"(?:أيضا|أيضاً|ايضا|ايضاً)"
_KEYWORDS = re.compile(r"^(?:ال)?كلمات\s+(?:ال)?(?:دلالية|مفتاحية)|^(?:ال)?وسوم\s*:")
_MARKER = re.compile(
    r"^(?:المصدر\s*:|تاريخ\s+النشر\s*:|انسخ\s+الرابط|تابعنا\s+(?:عبر|على)|تابعونا\s+(?:عبر|على)"
    r"|[اإ]نضم\s+(?:ل|إلى\s+|الى\s+)?قناة|اشترك\s+(?:في|ب))"
)
_RELATED_HEAD = rf"^(?:[اإ]قر[أا]\s+(?:{_ALSO}|المزيد)|انظر\s+{_ALSO}|شاهد\s+{_ALSO})"
_RELATED = re.compile(_RELATED_HEAD + r"\s*:?\s*$")
_RELATED_INLINE = re.compile(_RELATED_HEAD + r"\s*:\s*\S")
_LINK = re.compile(r"(?:^|(?<=[.!?؟»\"]))\s*رابط\s+(?:الخبر|المقال|الموضوع)(?:\s+[^\s:]+){0,3}\s*:", re.M)
_LINE = re.compile(r"[^\n]*\n?")


def _lines(text: str) -> list[Span]:
    """``(start, end)`` of each line without its line break (``\\r`` stripped too)."""
    spans = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            break
        end = match.end()
        while end > match.start() and text[end - 1] in "\r\n":
            end -= 1
        spans.append((match.start(), end))
    return spans


def boilerplate_spans(text: str) -> list[Span]:
    """Character spans of ``text`` that are page boilerplate, sorted and merged."""
    lines = _lines(text)
    stripped = [text[start:end].strip() for start, end in lines]
    marked = [False] * len(lines)
    index = 0
    while index < len(lines):
        line = stripped[index]
        if _KEYWORDS.match(line):
            marked[index:] = [True] * (len(lines) - index)
            break
        if _MARKER.match(line) or _RELATED_INLINE.match(line):
            marked[index] = True
        elif _RELATED.match(line):
            marked[index] = True
            follow = index + 1
            while follow < len(lines) and not stripped[follow]:
                follow += 1
            while follow < len(lines) and stripped[follow] and not _KEYWORDS.match(stripped[follow]):
                marked[follow] = True
                follow += 1
            index = follow
            continue
        index += 1
    spans = [lines[i] for i, flag in enumerate(marked) if flag and stripped[i]]
    spans += [(match.start() + len(match.group()) - len(match.group().lstrip()), _line_end(text, match.end()))
              for match in _LINK.finditer(text)]
    return _merge(sorted(spans), text)


def _line_end(text: str, position: int) -> int:
    """The end of the line holding ``position`` (before its line break)."""
    end = text.find("\n", position)
    end = len(text) if end < 0 else end
    while end > position and text[end - 1] in "\r":
        end -= 1
    return end


def _merge(spans: Sequence[Span], text: str) -> list[Span]:
    """Join spans separated only by whitespace."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def inside(span: Span, spans: Sequence[Span], text: str) -> bool:
    """True when ``text[span]``, without surrounding whitespace, lies within one of ``spans``."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start < end and any(low <= start and end <= high for low, high in spans)
