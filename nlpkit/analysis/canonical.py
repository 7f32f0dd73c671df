"""Canonical entities: one name for the spelling variants and partial mentions of a document.

Mentions are grouped per entity type:

1. **Same key.** Mentions whose :func:`~nlpkit.text.normalize.normalize_name` keys are equal
   form one group («سيرجى لافروف», «سيرغي لافروف»: ج/غ, ى/ي and hamza forms collapse, «ال»
   is dropped, so «ولايات المتحدة» joins «الولايات المتحدة»).
2. **Long-vowel spellings of a person.** Foreign names are transliterated with or without a long
   vowel («ترمب»/«ترامب», «بوتن»/«بوتين», «نتنياهو»/«نتانياهو»): PER keys whose words are equal
   or differ by one ا or ي inside a word, or by a doubled و written once («تشاووش»/«تشاوش», «داوود»/«داود»;
   :func:`vowel_variant`) form one group. A single و is not dropped («محمد» is not «محمود») and the shorter
   word must have at least four letters («حسن» is not «حسين»). A foreign name's final sibilant is written
   س, ش or ز («غوتيريس»/«غوتيريش», «شولتس»/«شولتز»; :func:`sibilant_variant`), in words of five letters or more.
3. **Partial mentions.** A one-word PER mention (a surname, «لافروف») joins a longer PER
   group whose last word has the same key. A PER mention of several words joins a longer PER name that
   extends it (:func:`extends_name`): the same first and last words with middle names dropped
   («عادل الجبير» → «عادل بن أحمد الجبير», «جان ميلانشون» → «جان لوك ميلانشون»), or the same words followed by
   more lineage («سلمان بن عبدالعزيز» → «سلمان بن عبد العزيز آل سعود»); a family name said alone joins the name it
   ends (:func:`ends_with_family_name`: «بن حسين» → «الطاهر بن حسين»). An ORG mention joins a longer ORG group whose last
   words it equals («الخارجية الروسية» → «وزارة الخارجية الروسية»). When several groups fit,
   the one with the most mentions wins, ties going to the first mentioned.
4. **Spacing.** Keys that differ only in their spaces join one group, of any type («شي جين بينغ»/«شي جينبينغ»,
   «بيونغ يانغ»/«بيونغيانغ»).
5. **Display form.** Among the group's mentions with the most words, surface forms are
   counted up to :func:`~nlpkit.text.normalize.normalize` (so ى/ي, hamza and ة/ه spellings
   count together); the most frequent form wins (ties: first occurrence), shown in its most
   frequent exact spelling (ties: first occurrence).

With ``states`` (:func:`nlpkit.analysis.states.state_names`), every LOC form of one state is one
group first («أمريكا», «الولايات المتحدة الأميركية», «الولايات المتحدة»), shown under the state's
name, whatever form the document uses most; the group answers to every form of the state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nlpkit.text.normalize import normalize, normalize_name

MIN_VARIANT_LETTERS = 4
"""Letters the shorter word of a long-vowel spelling pair needs (:func:`vowel_variant`)."""
FINAL_SIBILANTS = "سشز"
"""Final letters that transliterate one foreign sibilant («غوتيريس»/«غوتيريش», «شولتس»/«شولتز»)."""
MIN_SIBILANT_LETTERS = 5
"""Letters a word needs before its final sibilant may vary (:func:`sibilant_variant`): «لويس» is not «لويز»."""
LINEAGE_WORDS = frozenset({"بن", "ابن", "بنت", "ال"})
"""Name keys that continue a person's name with more lineage («بن», «بنت», «آل» keyed as «ال»)."""
FAMILY_PREFIXES = frozenset({"بن", "ابن", "ال", "ابو"})
"""Name keys that open a family name said alone («بن حسين», «آل نهيان», «أبو مازن» keyed as «ابو مازن»)."""
SUFFIX_TYPES = ("ORG",)
"""Types whose multi-word mentions may join a group they end ("الخارجية الروسية")."""


@dataclass(frozen=True)
class EntityGroup:
    """The mentions of one canonical entity.

    Attributes:
        label: the entity type.
        canonical: the display name (see the module docstring).
        members: indices of the mentions (in the input order), ascending.
        keys: the :func:`normalize_name` keys of the members (of a state: of every form of its name).
    """

    label: str
    canonical: str
    members: tuple[int, ...]
    keys: frozenset[str]

    def matches(self, name: str) -> bool:
        """True when ``name`` spells a mention of the group (up to :func:`normalize_name`; for PER also up to a
        long vowel, :func:`same_name`), or a PER member's surname."""
        key = normalize_name(name)
        if key in self.keys or any(unspaced(other) == unspaced(key) for other in self.keys):
            return True
        return self.label == "PER" and (any(same_name(other, key) for other in self.keys) or (
            len(key.split()) == 1 and any(same_name(other.split()[-1], key) for other in self.keys)))


def group_entities(mentions: Sequence[tuple[str, str]], states: Mapping[str, str] | None = None) -> list[EntityGroup]:
    """Group ``(text, label)`` mentions, given in document order, into canonical entities.

    Args:
        mentions: ``(text, label)`` pairs in document order.
        states: name key of each form of a state → the state's display name (see the module docstring).

    Returns:
        Groups ordered by their first mention.
    """
    groups: list[EntityGroup] = []
    labels = sorted({label for _, label in mentions})
    for label in labels:
        indices = [i for i, (_, mention_label) in enumerate(mentions) if mention_label == label]
        groups.extend(_group_one_type(mentions, indices, label, states if label == "LOC" else None))
    return sorted(groups, key=lambda group: group.members[0])


def canonical_names(mentions: Sequence[tuple[str, str]], states: Mapping[str, str] | None = None) -> list[str]:
    """The canonical name of each ``(text, label)`` mention, in input order."""
    names = [text for text, _ in mentions]
    for group in group_entities(mentions, states):
        for index in group.members:
            names[index] = group.canonical
    return names


def _group_one_type(mentions: Sequence[tuple[str, str]], indices: list[int], label: str,
                    states: Mapping[str, str] | None = None) -> list[EntityGroup]:
    """Group the mentions of one type (see the module docstring)."""
    states = states or {}
    by_key: dict[str, list[int]] = {}
    for index in indices:
        key = normalize_name(mentions[index][0]) or mentions[index][0]
        by_key.setdefault(normalize_name(states[key]) if key in states else key, []).append(index)
    parent = {key: key for key in by_key}
    if label == "PER":
        roots: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for key in by_key:
            # a long vowel is dropped only inside a word, so spellings of one name share each word's ends
            bucket = roots.setdefault(tuple((word[0], _final_letter(word)) for word in key.split()), [])
            earlier = next((root for root in bucket if same_name(root, key)), None)
            if earlier is None:
                bucket.append(key)
            else:
                parent[key] = earlier
    for key in sorted(by_key, key=lambda k: len(k.split())):
        host = _host_key(key, by_key, label)
        if host is not None:
            parent[key] = host
    _join_spacing_variants(by_key, parent)
    members: dict[str, list[int]] = {}
    for key, key_members in by_key.items():
        members.setdefault(_root(parent, key), []).extend(key_members)
    groups = []
    for root, group in members.items():
        keys = {normalize_name(mentions[i][0]) or mentions[i][0] for i in group}
        state = states.get(root)
        if state is not None:
            keys |= {key for key, display in states.items() if display == state}
        canonical = state if state is not None else display_form([mentions[i][0] for i in sorted(group)])
        groups.append(EntityGroup(label, canonical, tuple(sorted(group)), frozenset(keys)))
    return groups


def _root(parent: dict[str, str], key: str) -> str:
    """The key that ``key``'s group is filed under."""
    while parent[key] != key:
        key = parent[key]
    return key


def _join_spacing_variants(by_key: Mapping[str, list[int]], parent: dict[str, str]) -> None:
    """Join the groups of keys that differ only in their spaces («شي جين بينغ»/«شي جينبينغ», «بيونغ يانغ»/«بيونغيانغ»)."""
    first_of: dict[str, str] = {}
    for key in by_key:
        earlier = first_of.setdefault(unspaced(key), key)
        root, earlier_root = _root(parent, key), _root(parent, earlier)
        if root != earlier_root:
            parent[root] = earlier_root


def unspaced(key: str) -> str:
    """A name key without its spaces: keys equal this way are one name spaced otherwise («شي جين بينغ»/«شي جينبينغ»)."""
    return key.replace(" ", "")


def _host_key(key: str, by_key: dict[str, list[int]], label: str) -> str | None:
    """The longer key a partial mention ``key`` joins, or ``None``."""
    words = key.split()
    if label == "PER" and len(words) == 1:
        candidates = [other for other in by_key if len(other.split()) > 1 and same_name(other.split()[-1], words[0])]
        if not candidates:
            # A first name alone («تارو») joins the full name only when exactly one starts with it.
            firsts = [other for other in by_key if len(other.split()) > 1 and other.split()[0] == words[0]]
            candidates = firsts if len(firsts) == 1 else []
    elif label == "PER":
        candidates = [other for other in by_key
                      if extends_name(other.split(), words) or ends_with_family_name(other.split(), words)]
    elif label in SUFFIX_TYPES:
        candidates = [other for other in by_key
                      if len(other.split()) > len(words) and other.split()[-len(words):] == words]
    else:
        return None
    if not candidates:
        return None
    return min(candidates, key=lambda other: (-len(by_key[other]), by_key[other][0]))


def extends_name(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """True when the PER name key words ``longer`` are a fuller form of the two or more words ``shorter``.

    Either the first and last words agree and the shorter name's words appear in the longer one in order
    (middle names dropped), or the longer name is the shorter one continued by a lineage word
    (:data:`LINEAGE_WORDS`). Words compare up to a long vowel (:func:`vowel_variant`).
    """
    if len(shorter) < 2 or len(longer) <= len(shorter) or not _same_word(longer[0], shorter[0]):
        return False
    if all(_same_word(a, b) for a, b in zip(longer, shorter)) and longer[len(shorter)] in LINEAGE_WORDS:
        return True
    if not _same_word(longer[-1], shorter[-1]):
        return False
    position = 1
    for word in shorter[1:-1]:
        while position < len(longer) - 1 and not _same_word(longer[position], word):
            position += 1
        if position == len(longer) - 1:
            return False
        position += 1
    return True


def ends_with_family_name(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """True when ``shorter`` is a family name that ``longer`` ends with: it opens with «بن», «ابن», «آل» or «أبو»
    («بن حسين» of «الطاهر بن حسين», «آل نهيان» of «عبد الله بن زايد آل نهيان»)."""
    if len(shorter) < 2 or len(longer) <= len(shorter) or shorter[0] not in FAMILY_PREFIXES:
        return False
    return all(_same_word(a, b) for a, b in zip(longer[-len(shorter):], shorter, strict=True))


def _same_word(first: str, second: str) -> bool:
    """True when two name-key words are equal up to a long vowel or a final sibilant."""
    return first == second or vowel_variant(first, second) or sibilant_variant(first, second)


def sibilant_variant(first: str, second: str) -> bool:
    """True when two words of at least :data:`MIN_SIBILANT_LETTERS` letters differ only in a final س, ش or ز
    («غوتيريس»/«غوتيريش», «سواريس»/«سواريز»), the transliterations of one foreign sibilant."""
    return (len(first) == len(second) >= MIN_SIBILANT_LETTERS and first[:-1] == second[:-1] and first != second
            and first[-1] in FINAL_SIBILANTS and second[-1] in FINAL_SIBILANTS)


def _final_letter(word: str) -> str:
    """A word's last letter, with the final sibilants of :func:`sibilant_variant` as one."""
    if len(word) >= MIN_SIBILANT_LETTERS and word[-1] in FINAL_SIBILANTS:
        return FINAL_SIBILANTS[0]
    return word[-1]


def vowel_variant(first: str, second: str) -> bool:
    """True when one word is the other with one ا or ي removed from inside it («ترامب» → «ترمب»), or with a
    doubled و written once («تشاووش» → «تشاوش», «داوود» → «داود»).

    The shorter word needs at least :data:`MIN_VARIANT_LETTERS` letters, so short Arabic names that
    differ by a long vowel («حسن»/«حسين», «عمر»/«عمار») stay apart. A single و is never dropped: «محمود» is
    not «محمد».
    """
    short, long = sorted((first, second), key=len)
    if len(long) != len(short) + 1 or len(short) < MIN_VARIANT_LETTERS:
        return False
    return any(_droppable(long, i) and long[:i] + long[i + 1:] == short for i in range(1, len(long) - 1))


def _droppable(word: str, index: int) -> bool:
    """True when letter ``index`` of ``word`` may be left out of a spelling: ا, ي, or one و of a doubled و."""
    return word[index] in "اي" or (word[index] == "و" and "و" in (word[index - 1], word[index + 1]))


def same_name(first: str, second: str) -> bool:
    """True when two name keys have the same words up to :func:`vowel_variant` and :func:`sibilant_variant`."""
    words, others = first.split(), second.split()
    return len(words) == len(others) and all(_same_word(a, b) for a, b in zip(words, others, strict=True))


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
