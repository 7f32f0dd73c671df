"""Stance targets of a document and the (target, sentence) pairs to classify.

- **Default targets**: the document's main LOC/ORG/PER canonical entities: those mentioned at
  least :data:`MIN_MENTIONS` times, the :data:`MAX_DEFAULT_TARGETS` most mentioned (ties: the
  first mentioned); when none is mentioned twice, the most mentioned ones anyway. A bare head
  word that the NER model cut from a name («جمهورية» of «جمهورية مصر العربية», «قناة» of «قناة
  السويس»; :data:`nlpkit.text.lexicon.BARE_HEADS`) names no one and is never a default target, and an outlet
  that reports the news («وكالة شينخوا», «الجوهرة أف أم», or a name the document writes after «صحيفة»;
  :func:`nlpkit.analysis.media.is_media`) is none either
  (ask for it as a caller target).
- **Caller targets** (strings) are matched against the canonical groups with
  :func:`~nlpkit.text.normalize.normalize_name` and keep the caller's spelling; a caller
  target replaces the default target of the same group.
- **Pairs**: a default target is paired with each sentence holding one of its mentions; a
  caller target with every sentence. A pair is skipped when the target is the sentence's holder
  or a state whose office the holder holds («الرئيس الروسي فلاديمير بوتين» and «روسيا»: the
  guidelines label an official's stance toward their own state NONE), and no pair is made for a
  sentence marked in ``skip`` (page boilerplate).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from nlpkit.analysis.canonical import EntityGroup
from nlpkit.analysis.media import is_media
from nlpkit.results import Entity
from nlpkit.text.mentions import is_nisba
from nlpkit.text.lexicon import is_bare_head
from nlpkit.text.normalize import normalize_name

TARGET_TYPES = frozenset({"LOC", "ORG", "PER"})
MIN_MENTIONS = 2
MAX_DEFAULT_TARGETS = 6


@dataclass(frozen=True)
class Target:
    """A stance target: its display name, its entity group (if any) and whether every sentence is asked."""

    name: str
    group: EntityGroup | None = None
    every_sentence: bool = False

    def is_holder(self, holder: str | None) -> bool:
        """True when ``holder`` is this target or speaks for it.

        Same canonical, the same name up to spelling (any of the group's names: «أمريكا» for «الولايات
        المتحدة»), or a holder named after the target's nationality («وزارة الخارجية الروسية» speaks
        for «روسيا», «الخارجية الأمريكية» for «الولايات المتحدة»): a party's stance toward itself is not asked.
        """
        if holder is None:
            return False
        if self.group is not None and holder == self.group.canonical:
            return True
        keys = self.name_keys()
        return normalize_name(holder) in keys or any(is_nisba(word, keys) for word in normalize_name(holder).split())

    def is_official(self, title: Collection[str]) -> bool:
        """True when a holder's ``title`` words (:func:`nlpkit.analysis.titles.official_titles`) name this
        target or its nationality («الرئيس الروسي» for «روسيا»): the holder holds an office of the target."""
        if not title:
            return False
        keys = self.name_keys()
        return any(word in keys or is_nisba(word, keys) for word in title)

    def name_keys(self) -> set[str]:
        """The name keys the target answers to: its own and its group's (every form of a state)."""
        return {normalize_name(self.name), *(self.group.keys if self.group is not None else ())}


@dataclass(frozen=True)
class StancePair:
    """One (target, sentence) question for the stance model."""

    sentence: int
    target: Target


def default_targets(groups: Sequence[EntityGroup], outlets: Collection[str] = ()) -> list[Target]:
    """The document's main entities as targets (see the module docstring); ``outlets`` are canonical names the
    document writes as outlets («صحيفة الشرق الأوسط»; :func:`nlpkit.analysis.media.named_as_outlet`)."""
    candidates = sorted((group for group in groups if group.label in TARGET_TYPES and not is_bare_head(group.canonical)
                         and not is_media(group.canonical) and group.canonical not in outlets),
                        key=lambda group: (-len(group.members), group.members[0]))
    frequent = [group for group in candidates if len(group.members) >= MIN_MENTIONS]
    chosen = (frequent or candidates)[:MAX_DEFAULT_TARGETS]
    return [Target(group.canonical, group) for group in sorted(chosen, key=lambda group: group.members[0])]


def fold_metonyms(groups: Sequence[EntityGroup], city_countries: Mapping[str, str],
                  teams: Collection[str] = ()) -> list[EntityGroup]:
    """Fold each group naming a city into its country's group, when the document names the country.

    «طوكيو» and «اليابان» then form one stance target (named «اليابان»): news use capitals for
    their governments. A city typed ORG folds too when every name of its group is the city's
    («أعلنت واشنطن», which Wojood annotates ORG), not an organisation named after it. Groups of
    cities whose country is not mentioned stay as they are, and so do the ``teams``: canonical
    names the document also uses as a club's («نادي روما»).
    """
    by_key = {key: group for group in groups if group.label == "LOC" for key in group.keys}
    folded: dict[int, list[EntityGroup]] = {}
    kept: list[EntityGroup] = []
    for group in groups:
        country = next((by_key.get(city_countries[key]) for key in group.keys if key in city_countries), None)
        is_city = group.label == "LOC" or (group.label == "ORG" and all(key in city_countries for key in group.keys))
        if is_city and country is not None and country is not group and group.canonical not in teams:
            folded.setdefault(id(country), []).append(group)
        else:
            kept.append(group)
    return [
        EntityGroup(group.label, group.canonical, tuple(sorted({m for g in (group, *folded[id(group)]) for m in g.members})),
                    frozenset().union(*(g.keys for g in (group, *folded[id(group)]))))
        if id(group) in folded else group
        for group in kept
    ]


def state_holders(holders: Sequence[str | None], entities: Sequence[Entity], groups: Sequence[EntityGroup]
                  ) -> list[str | None]:
    """Holders named as the state whose group they belong to: a capital folded into its state
    (:func:`fold_metonyms`) speaks as the state («أدرجت واشنطن الجبهة» → «الولايات المتحدة»), as the stance
    target of the same document is named. ``groups`` index ``entities``."""
    states = {entities[member].canonical: group.canonical
              for group in groups if group.label == "LOC" for member in group.members}
    return [None if holder is None else states.get(holder, holder) for holder in holders]


def resolve_targets(groups: Sequence[EntityGroup], requested: Sequence[str] | None,
                    city_countries: Mapping[str, str] | None = None, teams: Collection[str] = (),
                    outlets: Collection[str] = ()) -> list[Target]:
    """Default targets plus the caller's, each caller target matched to its group when it has one.

    With ``city_countries`` (see :func:`nlpkit.analysis.gazetteer.cldr_city_countries`), cities are
    folded into their country's target first, except ``teams`` (:func:`fold_metonyms`). ``outlets`` are never
    default targets (:func:`default_targets`).
    """
    if city_countries:
        groups = fold_metonyms(groups, city_countries, teams)
    targets = default_targets(groups, outlets)
    for name in dict.fromkeys(requested or ()):
        group = next((group for group in groups if group.label in TARGET_TYPES and group.matches(name)), None)
        targets = [target for target in targets if group is None or target.group != group]
        targets.append(Target(name, group, every_sentence=True))
    return targets


def stance_pairs(
    sentences: Sequence[tuple[int, int]],
    entities: Sequence[Entity],
    targets: Sequence[Target],
    holders: Sequence[str | None],
    skip: Sequence[bool] = (),
    titles: Mapping[str, Collection[str]] | None = None,
) -> list[StancePair]:
    """The (target, sentence) pairs to classify, by sentence then target order.

    Args:
        sentences: sentence spans of the document.
        entities: the document's entities, in the order the groups index them.
        targets: from :func:`resolve_targets`.
        holders: the holder of each sentence.
        skip: per sentence, True to ask nothing of it (empty: ask every sentence).
        titles: holder → title words (:func:`nlpkit.analysis.titles.official_titles`); no pair is made of a
            target whose office the sentence's holder holds («الرئيس الروسي فلاديمير بوتين» and «روسيا»).
    """
    titles = titles or {}
    mentioned: list[set[int]] = [set() for _ in sentences]
    for target_index, target in enumerate(targets):
        for member in target.group.members if target.group is not None else ():
            sentence = _sentence_of(sentences, entities[member].start)
            if sentence is not None:
                mentioned[sentence].add(target_index)
    return [
        StancePair(sentence, target)
        for sentence in range(len(sentences))
        if not (skip and skip[sentence])
        for target_index, target in enumerate(targets)
        if (target.every_sentence or target_index in mentioned[sentence]) and not target.is_holder(holders[sentence])
        and not target.is_official(titles.get(holders[sentence] or "", ()))
    ]


def _sentence_of(sentences: Sequence[tuple[int, int]], offset: int) -> int | None:
    """Index of the sentence containing ``offset`` (sentences are sorted and disjoint)."""
    low, high = 0, len(sentences) - 1
    while low <= high:
        middle = (low + high) // 2
        start, end = sentences[middle]
        if offset < start:
            high = middle - 1
        elif offset >= end:
            low = middle + 1
        else:
            return middle
    return None
