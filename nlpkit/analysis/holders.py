"""Who speaks: attributing a sentence to a holder (a PER or ORG canonical entity).

Rules, tried in this order on the words of a sentence (compared after
:func:`~nlpkit.text.normalize.normalize`, so hamza and ى/ي spellings match):

1. **Headline colon.** The sentence opens with a PER/ORG entity followed by «:»
   («لافروف: روسيا والصين ...»).
   **1b. Had said or done.** «(و)كان/كانت X (قد) + speech or event verb» at the opening («وكان الحرس الثوري
   الإيراني قد اتهم واشنطن», «وكانت تركيا قد أعلنت», «وكان بلاتر ألقى باللوم»): X, a PER/ORG entity, a place or a
   titled person.
2. **Verb, then speaker.** A speech or position verb (:data:`SPEECH_VERBS`, optionally with
   و/ف attached: «وذكرت») followed within :data:`MAX_GAP` words by a PER/ORG entity (a place right after the
   verb is its subject, rule 5, so the search stops there: «وانتقدت إيران … تنظيم داعش» is Iran's); titles
   between them are skipped because any word may stand between («أكد وزير الدفاع الروسى
   سيرجى شويجو»), but «أن/إن/أنه…» and «:» end the search (what follows is the content).
   «أضاف/تابع» also mean "added/followed": a speaker followed by a definite noun, the verb's
   object, is not speaking («وأضاف فارغاس الهدف الثاني», :data:`ADDING_VERBS`).
3. **Speaker, then verb.** A PER/ORG entity ending at most one word before a speech verb,
   with no punctuation between («الخارجية الروسية تدعو», «لافروف أن حذر»).
4. **Source.** «بحسب/حسب/وفق/وفقا/طبقا X» or «نقلا عن X», X a PER/ORG entity within
   :data:`MAX_SOURCE_GAP` words (skipping «موقع», «وكالة» and quotes).
5. **A state speaks.** The sentence opens with a speech verb and a place right after it («دعت
   إيران تركيا…», «وأعلنت الصين أنها…») or with a place right before one («إيران تدعو…»): in
   news the state is the holder. Only at the opening, so a place that is the object
   («الخارجية الروسية تدعو اليابان») never speaks.
   **5b. The actor of an event.** An event verb of the guidelines' table (:data:`ACTION_VERBS`:
   sanctions, bans, support, agreements, visits …) opening the sentence with a PER/ORG entity or place
   right after it («وفرضت اليابان عقوبات», «صادق مجلس النواب»), or with a person's title and the person
   right after it («هنأ رئيس الوزراء الإسرائيلي بنيامين نتنياهو»), or one opening it with such a verb right
   after («الهند تعلق محادثات»): the party that acts takes the position. A treaty signed or an agreement made
   «مع» another party («وقع المغرب اتفاقية مع …») is a joint act and gives no holder, like a joint subject.
   In rules 5 and 5b the opening may follow «من جانبه/بدوره…» or «كما», and «كذلك», «أيضا» or «دولة» may stand between
   the verb and its subject («من جانبها أعلنت كذلك دولة الإمارات …»).
6. **Continuation.** A sentence that opens with a speech verb carrying و/ف («وأضاف»,
   «وتابع», «وقال البيان») or with «من جانبه/بدوره…», and names no speaker, inherits the most
   recent holder of the :data:`INHERIT_WINDOW` previous sentences.

7. **Outlets report.** When the speaker found is a news outlet (:func:`nlpkit.analysis.media.is_media`:
   «وكالة شينخوا», «صحيفة …»), the party it reports holds the sentence: the PER/ORG after «عن», or the
   party opening the reported clause after «أن/بأن» with a speech or event verb right after it («ذكرت
   وكالة شينخوا أن بكين رحبت» → Beijing). «نقلت (وكالة …) عن X» reads as «نقلا عن X» (rule 4).

Otherwise the sentence has no holder (``None``: the article itself speaks).

Speakers are PER/ORG entities, plus **government bodies** that the NER model missed: a ministry
word (:data:`BODY_WORDS`, «الخارجية», «الدفاع», …), with «وزارة» before it when present, followed by a
nationality adjective in the feminine («الخارجية الروسية», «وزارة الدفاع اليابانية»). The masculine
«وزير الخارجية الروسي» is a title, not a body, and «باسم الخارجية …» names the body a spokesperson
speaks for, so neither counts. Such titles are read too (:func:`nlpkit.analysis.titles.official_titles`): the
state an official serves is not asked about in the sentences they hold. A title said alone («وبدوره أشار وزير
الخارجية المصري») speaks as the person the document introduced with it
(:func:`nlpkit.analysis.titles.title_mentions`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from nlpkit.analysis.media import is_media
from nlpkit.analysis.titles import HONORIFICS, OFFICE_WORDS, TITLE_WINDOW, opens_title, title_mentions
from nlpkit.results import Entity
from nlpkit.text.mentions import name_contains
from nlpkit.text.normalize import normalize, normalize_name
from nlpkit.text.tokenize import Token, tokenize

HOLDER_TYPES = frozenset({"PER", "ORG"})
STATE_TYPES = frozenset({"LOC"})
MAX_GAP = 8
MAX_SOURCE_GAP = 4
INHERIT_WINDOW = 3

_PAST = (
    "قال اكد اعلن اشار ذكر صرح اوضح اضاف تابع حذر شدد اعتبر لفت اعرب ندد رحب طالب اتهم انتقد اردف نوه كشف "
    "ختم اعترف وصف رفض جدد اشاد ادان استنكر ناشد بعث "
    "هدد حث شجب عارض كرر شرح ابان المح شكك قلل"
)
_PAST_IRREGULAR = "دعا دعت راي رات نفي نفت"
_PRESENT = "يقول تقول يوكد توكد يعلن تعلن يشير تشير يري تري يدعو تدعو يطالب تطالب يتهم تتهم ينتقد تنتقد يحذر تحذر " \
           "يرحب ترحب يعتبر تعتبر يرفض ترفض يشيد تشيد يدين تدين يستنكر تستنكر يناشد تناشد"
SPEECH_VERBS = frozenset(
    _PAST.split() + [verb + "ت" for verb in _PAST.split()] + _PAST_IRREGULAR.split() + _PRESENT.split()
)
"""Speech/position verbs in :func:`normalize` form (past masculine/feminine, 3rd-person present)."""

_ACTION_PAST = (
    "فرض جمد حظر منع طرد سحب علق الغي اوقف قطع ادرج صنف عاقب هاجم قصف اعتقل احتجز استدعي "
    "دعم ايد ساند ساعد قدم ارسل منح تبرع وقع ابرم اتفق عقد استقبل زار التقي بحث ناقش هنا شكر ثمن "
    "وافق صادق اقر قرر نفذ نظم اطلق بدا استانف توسط جدد تعهد طلب قبل رفع خفض وجه"
)
_ACTION_PAST_IRREGULAR = "الغت اوقفت استدعت التقت هنات ابدي ابدت اعطي اعطت"
_ACTION_PRESENT = (
    "يفرض تفرض يجمد تجمد يحظر تحظر يمنع تمنع يطرد تطرد يسحب تسحب يعلق تعلق يلغي تلغي يوقف توقف يقطع تقطع "
    "يدعم تدعم يويد تويد يساند تساند يقدم تقدم يرسل ترسل يمنح تمنح يوقع توقع يبرم تبرم يتفق تتفق يستقبل تستقبل "
    "يزور تزور يلتقي تلتقي يبحث تبحث يناقش تناقش يهنئ تهنئ يشكر تشكر يثمن تثمن يوافق توافق يقرر تقرر "
    "ينظم تنظم يطلق تطلق يبدا تبدا يتوسط تتوسط يجدد تجدد يتعهد تتعهد يطلب تطلب يهاجم تهاجم يعاقب تعاقب "
    "يخفض تخفض يرفع ترفع يقبل تقبل يصادق تصادق يقر تقر"
)
ACTION_VERBS = frozenset(
    [normalize(verb) for verb in _ACTION_PAST.split()] + [normalize(verb) + "ت" for verb in _ACTION_PAST.split()]
    + [normalize(verb) for verb in _ACTION_PAST_IRREGULAR.split()] + [normalize(verb) for verb in _ACTION_PRESENT.split()]
) - SPEECH_VERBS
"""Verbs of the guidelines' event table (sanctions, bans, support, agreements, visits, talks …): at the opening of a
sentence, their subject is the party that takes the position («فرضت اليابان عقوبات», «الهند تعلق محادثات»)."""
CLAUSE_OPENERS = (("كما",),)
"""Words that may open a sentence before the verb of rules 5 and 5b («كما فرضت اليابان …»), besides :data:`OPENERS`."""
PHRASE_PREPOSITIONS = frozenset(normalize(word) for word in ("في", "بعد", "على", "خلال", "عقب", "قبل", "إثر", "وسط"))
"""Prepositions that open a phrase before the clause («في غضون ذلك،», «وعلى جانب آخر،»)."""
PHRASE_REACH = 8
FILLERS = frozenset(normalize(word) for word in ("كذلك", "أيضا", "أيضاً", "دولة"))
"""Words that may stand between an opening verb and its subject («أعلنت كذلك دولة الإمارات»)."""
MUTUAL_VERBS = frozenset(normalize(verb) + ending for verb in ("وقع", "ابرم", "اتفق") for ending in ("", "ت"))
"""Acts that two parties do together: done «مع» another party, each holds the position toward the other."""
WITH = normalize("مع")
HERE = normalize("هنا")
"""«هنأ» (congratulated) normalised: the same letters as the adverb «هنا» (here)."""
WAS = frozenset(normalize(word) for word in ("كان", "كانت"))
QAD = normalize("قد")
"""«كان … قد + verb»: what a party had said or done (rule 1b)."""
POSITION_VERBS = SPEECH_VERBS | ACTION_VERBS
"""Verbs after which the party opening a reported clause holds it (rule 7)."""

PRONOUN_HONORIFICS = frozenset(normalize(word) for word in ("معاليه", "سموه", "فخامته", "سيادته", "جلالته", "سعادته"))
""""His Excellency" as the subject of a verb («وأضاف معاليه … عقب لقائه وزير الخارجية الأمريكي جون كيري»): the speaker
is the one already speaking, and a person named after it is not."""
EXPRESS_VERBS = frozenset(normalize(word) for word in ("عبر", "عبرت", "يعبر", "تعبر"))
WITH_ABOUT = normalize("عن")
EXPRESS_REACH = 10
TITLE_HEADS = OFFICE_WORDS | frozenset(normalize_name(word) for word in (
    "باسم", "مبعوث", "ممثل", "عضو", "مدير", "قائد", "أمين", "مشرف", "سكرتير", "منسق"))
"""Words after which an organisation is part of a person's title («المتحدث باسم الجيش الليبي العقيد أحمد المسماري»,
«مبعوث الأمم المتحدة الخاص إلى سوريا ستيفان دي ميستورا»)."""
CLOSING_QUOTES = frozenset('"»”\'')
QUOTES = frozenset('"«“\'')
RECEIVING_VERBS = frozenset(normalize(word) for word in ("تلقت", "تلقى", "تسلمت", "تسلم", "حصلت"))
"""Verbs whose outlet subject only received a statement («بيان تلقت الجوهرة أف أم نسخة منه»): it does not speak."""
ADDING_VERBS = frozenset("اضاف اضافت تابع تابعت".split())
"""Verbs that also mean "added / followed" («وأضاف فارغاس الهدف الثاني»): a speaker followed by a definite
noun, the verb's object, is not speaking."""
RELATIVE_PRONOUNS = frozenset("الذي التي الذين اللذين اللتين اللواتي".split())
NOT_STATE_VERBS = frozenset("يعتبر تعتبر".split())
"""Verbs that do not make a place the speaker: «وتعتبر تونس نموذجا» means Tunisia *is considered* one."""
QUOTING_VERBS = frozenset("نقل نقلت تنقل ينقل".split())
"""Verbs whose subject passes on someone else's words («نقلت وكالة تسنيم عن جعفري قوله»)."""
REPORT_LINKS = frozenset("ان بان".split())
"""«أن/إن/بأن» before a reported clause (normalised)."""
STOP_WORDS = frozenset("ان انه انها انهم اننا انني بان بانه بانها بانهم لان".split())
SOURCE_WORDS = frozenset("بحسب حسب وفق وفقا طبقا".split())
OPENERS = (("من", "جانبه"), ("من", "جانبها"), ("من", "جهته"), ("من", "جهتها"), ("بدوره",), ("بدورها",))
_HARD_STOPS = frozenset(":")
BODY_WORDS = frozenset(normalize(word) for word in (
    "الخارجية", "الدفاع", "الداخلية", "الخزانة", "التجارة", "الاقتصاد", "المالية", "العدل", "الطاقة", "الصحة"))
"""Ministry names that, with a feminine nationality adjective, name a government body."""
_MINISTRY = normalize("وزارة")
_NOT_BODY_BEFORE = frozenset(normalize(word) for word in ("باسم", "وزير", "وزيرة", "وكيل", "نائب", "مساعد"))


@dataclass(frozen=True)
class _Words:
    """A sentence's tokens, their normalised forms, and the speakers (PER/ORG entities, bodies) and
    places (LOC entities) they start or end."""

    tokens: list[Token]
    forms: list[str]
    starts: dict[int, Entity]
    ends: dict[int, Entity]
    place_starts: dict[int, Entity]
    place_ends: dict[int, Entity]


def _strip_conjunction(form: str) -> str:
    """Drop an attached و/ف when what remains is still a word of two letters or more."""
    return form[1:] if len(form) > 2 and form[0] in "وف" else form


def is_speech_verb(form: str) -> bool:
    """True when a normalised word is a speech verb, with or without an attached و/ف."""
    return form in SPEECH_VERBS or _strip_conjunction(form) in SPEECH_VERBS


def _is_word(token: Token) -> bool:
    """True for letter/digit tokens."""
    return any(char.isalnum() for char in token.text)


def _index_words(text: str, sentence: tuple[int, int], entities: Sequence[Entity], names: Sequence[str] = ()) -> _Words:
    """Tokenise a sentence and note which tokens start/end a speaker (PER/ORG entity or government body)."""
    tokens = tokenize(text[sentence[0] : sentence[1]], offset=sentence[0])
    forms = [normalize(token.text) for token in tokens]
    inside = [entity for entity in entities if sentence[0] <= entity.start < sentence[1]]
    bodies = _government_bodies(text, tokens, forms, inside, names)
    speakers = [entity for entity in inside if entity.label in HOLDER_TYPES and not _within(entity, bodies)]
    places = [entity for entity in inside if entity.label in STATE_TYPES]
    starts, ends = _token_bounds(tokens, speakers + bodies)
    return _Words(tokens, forms, starts, ends, *_token_bounds(tokens, places))


def _token_bounds(tokens: Sequence[Token], entities: Sequence[Entity]) -> tuple[dict[int, Entity], dict[int, Entity]]:
    """Token index → the first of ``entities`` starting in it, and → the first ending in it."""
    starts: dict[int, Entity] = {}
    ends: dict[int, Entity] = {}
    for entity in entities:
        for index, token in enumerate(tokens):
            if token.start <= entity.start < token.end:
                starts.setdefault(index, entity)
            if token.start < entity.end <= token.end:
                ends.setdefault(index, entity)
    return starts, ends


def _government_bodies(text: str, tokens: Sequence[Token], forms: Sequence[str], entities: Sequence[Entity],
                       names: Sequence[str] = ()) -> list[Entity]:
    """Government bodies the entities do not cover, as ORG entities (see the module docstring).

    A body the model tagged only in part («الخارجية» of «الخارجية الروسية») counts too: the body then
    speaks in place of the part. A body takes the name of the first of ``names`` (the document's ORG
    canonical names) that holds its words in order («الخارجية الروسية» → «وزارة الخارجية الروسية»),
    else its own words.
    """
    bodies = []
    for index in range(len(tokens) - 1):
        adjective = forms[index + 1]
        if forms[index] not in BODY_WORDS or not (adjective.startswith("ال") and adjective.endswith("يه")):
            continue
        first = index - 1 if index and forms[index - 1] == _MINISTRY else index
        if first and forms[first - 1] in _NOT_BODY_BEFORE:
            continue
        start, end = tokens[first].start, tokens[index + 1].end
        overlapping = [entity for entity in entities if entity.start < end and start < entity.end]
        if all(_inside(entity, start, end) and entity.end - entity.start < end - start for entity in overlapping):
            bodies.append(Entity(text[start:end], "ORG", start, end, 1.0, _body_name(text[start:end], names)))
    return bodies


def _inside(entity: Entity, start: int, end: int) -> bool:
    """True when ``entity`` lies within the characters ``start:end``."""
    return start <= entity.start and entity.end <= end


def _within(entity: Entity, bodies: Sequence[Entity]) -> bool:
    """True when ``entity`` lies inside one of ``bodies`` (a part of a government body)."""
    return any(_inside(entity, body.start, body.end) for body in bodies)


def _body_name(written: str, names: Sequence[str]) -> str:
    """The first of ``names`` that contains ``written`` (:func:`name_contains`), else ``written``."""
    return next((name for name in names if name_contains(name, written)), written)


def _headline_colon(words: _Words) -> Entity | None:
    """Rule 1: «X: ...» at the start of the sentence (an opening quote mark skipped)."""
    first = _opening(words)
    entity = words.starts.get(first) if first is not None else None
    if entity is None:
        return None
    following = next((token for token in words.tokens if token.start >= entity.end), None)
    return entity if following is not None and following.text == ":" else None


def _pluperfect(words: _Words) -> Entity | None:
    """Rule 1b: «(و)كان/كانت X (قد) + verb» at the opening («وكان الحرس الثوري الإيراني قد اتهم واشنطن», «وكانت
    تركيا قد أعلنت», «وكان ويب عارض»): X, a PER/ORG entity, a place or a titled person, holds what it had said or done;
    the verb is a speech or event verb, also in the dual or plural («قد أعلنتا»)."""
    first = _clause_opening(words)
    if first is None or _strip_conjunction(words.forms[first]) not in WAS:
        return None
    index = _next_word(words, first + 1)
    if index is None:
        return None
    subject = words.starts.get(index) or words.place_starts.get(index) or _titled_person(words, index)
    if subject is None:
        return None
    verb = _next_word(words, _last_token(words, subject) + 1)
    if verb is not None and words.forms[verb] == QAD:
        verb = _next_word(words, verb + 1)
    return subject if verb is not None and _is_position_verb(words.forms[verb]) else None


def _is_position_verb(form: str) -> bool:
    """True when ``form`` is a speech or event verb (:data:`POSITION_VERBS`), also with a dual or plural ending."""
    stems = (form, form[:-1] if form.endswith("ا") else "", form[:-2] if form.endswith("وا") else "")
    return any(stem in POSITION_VERBS for stem in stems if stem)


def _speech_at(words: _Words, index: int) -> bool:
    """True when token ``index`` is a speech verb, or «عبّر» (expressed) with «عن» within :data:`EXPRESS_REACH` words
    after it («وعبر نائب خادم الحرمين الشريفين عن أبلغ التهاني»); without «عن», «عبر» is "via"."""
    form = words.forms[index]
    if is_speech_verb(form):
        return True
    return _strip_conjunction(form) in EXPRESS_VERBS and WITH_ABOUT in words.forms[index + 1:index + 1 + EXPRESS_REACH]


def _verb_then_speaker(words: _Words) -> Entity | None:
    """Rule 2: a speech verb followed by the speaker (courtesy words, «صاحب السمو الملكي», do not count towards
    :data:`MAX_GAP`; "His Excellency" right after the verb is the subject, so a name after it is not)."""
    for index, form in enumerate(words.forms):
        if not _speech_at(words, index):
            continue
        if index + 1 < len(words.forms) and words.forms[index + 1] in PRONOUN_HONORIFICS:
            continue
        if _past_fillers(words, index + 1) in words.place_starts:
            continue
        gap = 0
        for following in range(index + 1, len(words.tokens)):
            if following in words.starts and not _addressed(words, following, words.starts[following]):
                speaker = words.starts[following]
                if _strip_conjunction(form) in ADDING_VERBS and not _speech_follows(words, speaker):
                    break
                return _person_in_title(words, following, speaker) or speaker
            if words.forms[following] in STOP_WORDS or words.tokens[following].text in _HARD_STOPS:
                break
            gap += _is_word(words.tokens[following]) and normalize_name(words.tokens[following].text) not in HONORIFICS
            if gap >= MAX_GAP:
                break
    return None


def _addressed(words: _Words, first: int, entity: Entity) -> bool:
    """True when ``entity`` (starting at token ``first``) is spoken to, not a speaker: «لـ» before it («قالت المصادر
    لـ"الشرق الأوسط"»), an outlet with «ل» attached («وكشف مسؤولون أمريكيون لرويترز»), one after an outlet word with
    «ل» attached («وقال لوكالة رويترز», «في حديث لصحيفة الشرق الأوسط»), or an outlet that received the words («في
    بيان تلقت الجوهرة أف أم نسخة منه»)."""
    written = entity.text
    if written.startswith("ل") and is_media(written[1:]):
        return True
    previous = first - 1
    while previous >= 0 and words.tokens[previous].text in QUOTES:
        previous -= 1
    if previous < 0:
        return False
    before = words.tokens[previous].text
    if _strip_conjunction(normalize(before)) in RECEIVING_VERBS and is_media(written):
        return True
    return before == "لـ" or (before.startswith("ل") and is_media(written, before[1:]))


def _person_in_title(words: _Words, first: int, speaker: Entity) -> Entity | None:
    """The person named after an organisation or place that is part of their title («المتحدث باسم الجيش الليبي
    العقيد أحمد المسماري», «مبعوث الأمم المتحدة الخاص إلى سوريا ستيفان دي ميستورا»): ``speaker`` (starting at token
    ``first``) follows a :data:`TITLE_HEADS` word, and a PER starts within :data:`TITLE_WINDOW` words after it, before
    «أن», «:» or a comma."""
    if speaker.label == "PER" or first == 0:
        return None
    before = normalize_name(words.tokens[first - 1].text)
    if before not in TITLE_HEADS and normalize_name(words.tokens[first - 1].text[1:]) not in TITLE_HEADS:
        return None
    last = _last_token(words, speaker)
    for following in range(last + 1, min(last + 1 + TITLE_WINDOW, len(words.tokens))):
        entity = words.starts.get(following)
        if entity is not None and entity.label == "PER":
            return entity
        if (words.forms[following] in STOP_WORDS or words.tokens[following].text in _HARD_STOPS
                or words.tokens[following].text in ",،"):
            return None
    return None


def _speech_follows(words: _Words, speaker: Entity) -> bool:
    """False when the word right after ``speaker`` is a definite noun («الهدف»), the object of «أضاف/تابع»."""
    after = next((index for index, token in enumerate(words.tokens) if token.start >= speaker.end), None)
    if after is None or not _is_word(words.tokens[after]):
        return True
    form = words.forms[after]
    return not (form.startswith("ال") and len(form) > 3) or form in RELATIVE_PRONOUNS


def _speaker_then_verb(words: _Words) -> Entity | None:
    """Rule 3: a speaker right before a speech verb (one word between at most, no punctuation but the quote marks
    around a name: «"هيومن رايتس ووتش" تتهم …»)."""
    for index, form in enumerate(words.forms):
        if not is_speech_verb(form):
            continue
        before = index - 1
        while before >= 0 and words.tokens[before].text in CLOSING_QUOTES:
            before -= 1
        for candidate in (before, before - 1):
            if candidate < 0 or not _is_word(words.tokens[candidate]):
                break
            if candidate in words.ends:
                return words.ends[candidate]
    return None


def _source(words: _Words) -> Entity | None:
    """Rule 4: «بحسب X», «نقلا عن X», and «نقلت (وكالة …) عن X» (the outlet only passes X's words on)."""
    for index, form in enumerate(words.forms):
        bare = _strip_conjunction(form)
        anchor: int | None = index
        if bare in QUOTING_VERBS:
            anchor = next((later for later in range(index + 1, min(index + 1 + MAX_GAP, len(words.forms)))
                           if words.forms[later] == "عن"), None)
        elif not (bare in SOURCE_WORDS or (bare == "نقلا" and index + 1 < len(words.forms) and words.forms[index + 1] == "عن")):
            anchor = None
        if anchor is None:
            continue
        gap = 0
        for following in range(anchor + 1, len(words.tokens)):
            if following in words.starts:
                return words.starts[following]
            gap += _is_word(words.tokens[following])
            if gap > MAX_SOURCE_GAP or words.tokens[following].text in "،,:":
                break
    return None


def _state_speaker(words: _Words) -> Entity | None:
    """Rule 5: «(و)دعت إيران …» or «إيران تدعو …» at the opening of the sentence."""
    first = _clause_opening(words)
    if first is None:
        return None
    form = words.forms[first]
    subject = _past_fillers(words, first + 1)
    if _speech_at(words, first) and _strip_conjunction(form) not in NOT_STATE_VERBS and subject in words.place_starts:
        return words.place_starts[subject]
    place = words.place_starts.get(first)
    last = next((index for index, entity in words.place_ends.items() if entity is place), None)
    if place is None or last is None or last + 1 >= len(words.forms):
        return None
    return place if is_speech_verb(words.forms[last + 1]) else None


def _actor_at_opening(words: _Words) -> Entity | None:
    """Rule 5b: an event verb opening the sentence with its subject right after it («(و)فرضت اليابان …»,
    «صادق مجلس النواب …»), or a subject opening it with the verb right after («الهند تعلق …»).

    A joint subject («اتفقت السعودية ومصر …») gives no holder: each party holds the position toward the
    other, and one sentence holder would silence the question about the first.
    """
    first = _clause_opening(words)
    if first is None:
        return None
    after = _past_fillers(words, first + 1)
    if _is_action_verb(words, first) and after < len(words.forms):
        subject = words.starts.get(after) or words.place_starts.get(after) or _titled_person(words, after)
        if subject is None or _joint(words, subject) or _signed_with(words, first, subject):
            return None
        return subject
    subject = words.starts.get(first) or words.place_starts.get(first)
    if subject is None or _joint(words, subject):
        return None
    last = _last_token(words, subject)
    return subject if last + 1 < len(words.forms) and words.forms[last + 1] in ACTION_VERBS else None


def _signed_with(words: _Words, verb: int, subject: Entity) -> bool:
    """True when the verb at ``verb`` is a mutual act (:data:`MUTUAL_VERBS`: signed, concluded, agreed) done «مع»
    another party later in the sentence («وقع المغرب اتفاقية مع مجموعة هيتي»): a joint act, as in :func:`_joint`."""
    if _verb_in(words.forms[verb], MUTUAL_VERBS) is None:
        return False
    return any(_strip_conjunction(form) == WITH for form in words.forms[_last_token(words, subject) + 1:])


def _is_action_verb(words: _Words, index: int) -> bool:
    """True when token ``index`` is an event verb (:data:`ACTION_VERBS`), with or without an attached و/ف (so verbs
    that begin with و, «وقع», «وافق», «وجه», are read too). «هنأ» (congratulated) is read only with its hamza: without
    it, «(و)هنا» is the adverb "here" («وهنا الرئيس …»)."""
    verb = _verb_in(words.forms[index], ACTION_VERBS)
    return verb is not None and (verb != HERE or "أ" in words.tokens[index].text)


def _verb_in(form: str, verbs: frozenset[str]) -> str | None:
    """The verb of ``verbs`` that ``form`` is, as written or without an attached و/ف (a verb may itself begin
    with و: «وقع»), or ``None``."""
    if form in verbs:
        return form
    bare = _strip_conjunction(form)
    return bare if bare in verbs else None


def _titled_person(words: _Words, index: int) -> Entity | None:
    """The person named after an office title that starts at token ``index`` («رئيس الوزراء الإسرائيلي بنيامين
    نتنياهو»), within :data:`TITLE_WINDOW` words and before «أن», «:» or another title («هنأ خادم الحرمين الشريفين
    الرئيس سيرجيو ماتاريلا»: the president is the object)."""
    if normalize_name(words.tokens[index].text) not in OFFICE_WORDS:
        return None
    for following in range(index + 1, min(index + 1 + TITLE_WINDOW, len(words.tokens))):
        entity = words.starts.get(following)
        if entity is not None:
            return entity if entity.label == "PER" else None
        if (words.forms[following] in STOP_WORDS or words.tokens[following].text in _HARD_STOPS
                or opens_title(words.tokens[following].text)):
            return None
    return None


def _last_token(words: _Words, entity: Entity) -> int:
    """Index of the last token that ``entity`` covers."""
    return max(index for index, token in enumerate(words.tokens) if token.start < entity.end)


def _joint(words: _Words, subject: Entity) -> bool:
    """True when ``subject`` is followed by «و» + another party («السعودية ومصر»)."""
    after = _last_token(words, subject) + 1
    if after >= len(words.forms) or not words.forms[after].startswith("و"):
        return False
    return (after in words.starts and words.starts[after] is not subject) or after in words.place_starts


def _reported(words: _Words, speaker: Entity) -> Entity | None:
    """Rule 7: when ``speaker`` is an outlet that reports («ذكرت وكالة شينخوا أن بكين رحبت …», «نقلت وكالة
    تسنيم عن محمد علي جعفري …»), the party it reports: the PER/ORG after «عن», or the party opening the
    reported clause after «أن/بأن» (a person may follow their title: «أن نائب رئيس المجلس فهمي حسين أكد») with a
    speech or event verb right after it. None when it reports no one.
    """
    first = _first_token(words, speaker)
    if not is_media(speaker.text, words.tokens[first - 1].text if first else ""):
        return None
    gap = 0
    for index in range(_last_token(words, speaker) + 1, len(words.forms)):
        form = words.forms[index]
        if form == "عن":
            return words.starts.get(index + 1)
        if form in REPORT_LINKS:
            party = words.starts.get(index + 1) or words.place_starts.get(index + 1) or _titled_person(words, index + 1)
            if party is None:
                return None
            after = _last_token(words, party) + 1
            return party if after < len(words.forms) and _strip_conjunction(words.forms[after]) in POSITION_VERBS else None
        gap += _is_word(words.tokens[index])
        if gap > MAX_GAP or words.tokens[index].text in _HARD_STOPS:
            return None
    return None


def _first_token(words: _Words, entity: Entity) -> int:
    """Index of the token in which ``entity`` starts."""
    return next(index for index, token in enumerate(words.tokens) if token.end > entity.start)


def _opening(words: _Words) -> int | None:
    """Index of the sentence's first word token (quotes and punctuation skipped), if any."""
    return next((index for index, token in enumerate(words.tokens) if _is_word(token) and words.forms[index]), None)


def _clause_opening(words: _Words) -> int | None:
    """Index of the sentence's first word after an opener such as «من جانبها» or «بدوره», or after a prepositional
    phrase closed by a comma («في المقابل، حمل الحوثيون …», «وفي سياق متصل، نظمت الجالية …») (rules 5 and 5b)."""
    first = _opening(words)
    if first is None:
        return None
    for opener in (*OPENERS, *CLAUSE_OPENERS):
        end = first + len(opener)
        if tuple(words.forms[first:end]) == opener:
            return _next_word(words, end)
    if _strip_conjunction(words.forms[first]) in PHRASE_PREPOSITIONS:
        comma = next((index for index in range(first + 1, min(first + 1 + PHRASE_REACH, len(words.tokens)))
                      if words.tokens[index].text in "،,"), None)
        if comma is not None:
            return _next_word(words, comma + 1)
    return first


def _next_word(words: _Words, start: int) -> int | None:
    """Index of the first word token at or after ``start``, if any."""
    return next((index for index in range(start, len(words.tokens)) if _is_word(words.tokens[index]) and words.forms[index]),
                None)


def _past_fillers(words: _Words, index: int) -> int:
    """The first token at or after ``index`` that is not a filler between a verb and its subject (:data:`FILLERS`)."""
    while index < len(words.forms) and words.forms[index] in FILLERS:
        index += 1
    return index


def _continues(words: _Words) -> bool:
    """Rule 6's trigger: the sentence opens with «و/ف + speech verb» or «من جانبه/بدوره…».

    A place right after the verb is the sentence's own subject («وتعتبر تونس…»), so nothing is inherited. An office
    title that no named person holds does not stop it («وأضاف الوزير الألماني» mostly goes on with the previous
    speaker's words; measured on news_stance train, stopping there lost 26 holders right for 3 gained).
    """
    first = _opening(words)
    if first is None:
        return False
    form = words.forms[first]
    if form[0] in "وف" and _strip_conjunction(form) in SPEECH_VERBS:
        return first + 1 not in words.place_starts
    forms = [form for form, token in zip(words.forms[first:], words.tokens[first:], strict=True) if _is_word(token) and form]
    return any(tuple(forms[: len(opener)]) == opener for opener in OPENERS)


def find_holder(text: str, sentence: tuple[int, int], entities: Sequence[Entity],
                names: Sequence[str] = ()) -> tuple[str | None, bool]:
    """Apply rules 1–5b to one sentence, and rule 7 to the speaker found.

    Args:
        text: the document text.
        sentence: the sentence span in ``text``.
        entities: the document's entities (with canonical names); others are ignored.
        names: the document's ORG canonical names, to name government bodies after.

    Returns:
        ``(holder, continues)``: the canonical name found (or ``None``) and whether the
        sentence opens like a continuation (rule 6 applies when no holder was found).
    """
    words = _index_words(text, sentence, entities, names)
    for rule in (_headline_colon, _pluperfect, _verb_then_speaker, _speaker_then_verb, _source, _state_speaker,
                 _actor_at_opening):
        entity = rule(words)
        if entity is not None:
            entity = _reported(words, entity) or entity
            return entity.canonical, _continues(words)
    return None, _continues(words)


def entities_by_sentence(sentences: Sequence[tuple[int, int]], entities: Sequence[Entity]) -> list[list[Entity]]:
    """The entities starting in each sentence (sentences sorted and disjoint), in their given order.

    Linear in the number of entities (times a logarithm), so long documents do not pay
    sentences × entities.
    """
    starts = [start for start, _ in sentences]
    buckets: list[list[Entity]] = [[] for _ in sentences]
    for entity in entities:
        index = bisect.bisect_right(starts, entity.start) - 1
        if index >= 0 and entity.start < sentences[index][1]:
            buckets[index].append(entity)
    return buckets


def attribute_holders(text: str, sentences: Sequence[tuple[int, int]], entities: Sequence[Entity]) -> list[str | None]:
    """The holder of every sentence of a document (rules 1–6), in sentence order; a title said alone counts as a
    mention of the person the document gave it to (:func:`nlpkit.analysis.titles.title_mentions`)."""
    names = list(dict.fromkeys(entity.canonical for entity in entities if entity.label == "ORG"))
    entities = sorted([*entities, *title_mentions(text, entities)], key=lambda entity: entity.start)
    holders: list[str | None] = []
    for sentence, own in zip(sentences, entities_by_sentence(sentences, entities), strict=True):
        holder, continues = find_holder(text, sentence, own, names)
        if holder is None and continues:
            recent = [previous for previous in holders[-INHERIT_WINDOW:] if previous is not None]
            holder = recent[-1] if recent else None
        holders.append(holder)
    return holders
