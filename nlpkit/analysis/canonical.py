"""Canonical entities: one name for the spelling variants and partial mentions of a document.

Mentions are grouped per entity type:

1. **Same key.** Mentions whose :func:`~nlpkit.text.normalize.normalize_name` keys are equal
   form one group («سيرجى لافروف», «سيرغي لافروف»: ج/غ, ى/ي and hamza forms collapse, «ال»
   is dropped, so «ولايات المتحدة» joins «الولايات المتحدة»).
2. **Partial mentions.** A one-word PER mention (a surname, «لافروف») joins a longer PER
   group whose last word has the same key; an ORG mention joins a longer ORG group whose last
   words it equals («الخارجية الروسية» → «وزارة الخارجية الروسية»). When several groups fit,
   the one with the most mentions wins, ties going to the first mentioned.
3. **Display form.** Among the group's mentions with the most words, surface forms are
   counted up to :func:`~nlpkit.text.normalize.normalize` (so ى/ي, hamza and ة/ه spellings
   count together); the most frequent form wins (ties: first occurrence), shown in its most
   frequent exact spelling (ties: first occurrence).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nlpkit.text.normalize import normalize, normalize_name

SUFFIX_TYPES = ("ORG",)
"""Types whose multi-word mentions may join a group they end ("الخارجية الروسية")."""


@dataclass(frozen=True)
class EntityGroup:
    """The mentions of one canonical entity.

    Attributes:
        label: the entity type.
        canonical: the display name (see the module docstring).
        members: indices of the mentions (in the input order), ascending.
        keys: the :func:`normalize_name` keys of the members.
    """

    label: str
    canonical: str
    members: tuple[int, ...]
    keys: frozenset[str]

    def matches(self, name: str) -> bool:
        """True when ``name`` spells a mention of the group (up to :func:`normalize_name`), or a PER member's surname."""
        key = normalize_name(name)
        if key in self.keys:
            return True
        return self.label == "PER" and len(key.split()) == 1 and any(other.split()[-1] == key for other in self.keys)


def group_entities(mentions: Sequence[tuple[str, str]]) -> list[EntityGroup]:
    """Group ``(text, label)`` mentions, given in document order, into canonical entities.

    Returns:
        Groups ordered by their first mention.
    """
    groups: list[EntityGroup] = []
    labels = sorted({label for _, label in mentions})
    for label in labels:
        indices = [i for i, (_, mention_label) in enumerate(mentions) if mention_label == label]
        groups.extend(_group_one_type(mentions, indices, label))
    return sorted(groups, key=lambda group: group.members[0])


def canonical_names(mentions: Sequence[tuple[str, str]]) -> list[str]:
    """The canonical name of each ``(text, label)`` mention, in input order."""
    names = [text for text, _ in mentions]
    for group in group_entities(mentions):
        for index in group.members:
            names[index] = group.canonical
    return names


def _group_one_type(mentions: Sequence[tuple[str, str]], indices: list[int], label: str) -> list[EntityGroup]:
    """Group the mentions of one type (see the module docstring)."""
    by_key: dict[str, list[int]] = {}
    for index in indices:
        by_key.setdefault(normalize_name(mentions[index][0]) or mentions[index][0], []).append(index)
    parent = {key: key for key in by_key}
    for key in sorted(by_key, key=lambda k: len(k.split())):
        host = _host_key(key, by_key, label)
        if host is not None:
            parent[key] = host
    members: dict[str, list[int]] = {}
    for key, key_members in by_key.items():
        root = key
        while parent[root] != root:
            root = parent[root]
        members.setdefault(root, []).extend(key_members)
    return [
        EntityGroup(label, display_form([mentions[i][0] for i in sorted(group)]), tuple(sorted(group)),
                    frozenset(normalize_name(mentions[i][0]) or mentions[i][0] for i in group))
        for group in members.values()
    ]


def _host_key(key: str, by_key: dict[str, list[int]], label: str) -> str | None:
    """The longer key a partial mention ``key`` joins, or ``None``."""
    words = key.split()
    if label == "PER" and len(words) == 1:
        candidates = [other for other in by_key if len(other.split()) > 1 and other.split()[-1] == words[0]]
        if not candidates:
            # A first name alone («تارو») joins the full name only when exactly one starts with it.
            firsts = [other for other in by_key if len(other.split()) > 1 and other.split()[0] == words[0]]
            candidates = firsts if len(firsts) == 1 else []
    elif label in SUFFIX_TYPES:
        candidates = [other for other in by_key
                      if len(other.split()) > len(words) and other.split()[-len(words):] == words]
    else:
        return None
    if not candidates:
        return None
    return min(candidates, key=lambda other: (-len(by_key[other]), by_key[other][0]))


def display_form(surfaces: Sequence[str]) -> str:
    """Pick the display name among a group's surface forms (in document order).

    Only the forms with the most words compete; they are counted up to :func:`normalize`,
    and the winning class is shown in its most frequent exact spelling (ties: first seen).
    """
    longest = max(len(normalize_name(surface).split()) for surface in surfaces)
    full = [surface for surface in surfaces if len(normalize_name(surface).split()) == longest]
    classes = Counter(normalize(surface) for surface in full)
    first_seen = {form: full.index(next(s for s in full if normalize(s) == form)) for form in classes}
    best_class = min(classes, key=lambda form: (-classes[form], first_seen[form]))
    spellings = [surface for surface in full if normalize(surface) == best_class]
    counts = Counter(spellings)
    return min(counts, key=lambda spelling: (-counts[spelling], spellings.index(spelling)))
