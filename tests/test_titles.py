"""Office titles: a title said alone names the person the document gave it to (holders), and no one else."""

from __future__ import annotations

from nlpkit.analysis.holders import attribute_holders
from nlpkit.analysis.titles import official_titles, title_mentions
from nlpkit.results import Entity
from nlpkit.text.sentences import split_sentences


def _mention(text: str, written: str, label: str = "PER", canonical: str | None = None, occurrence: int = 0) -> Entity:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(written, start + 1)
    return Entity(written, label, start, start + len(written), 1.0, canonical or written)


def test_a_bare_title_names_the_person_introduced_with_it() -> None:
    text = ("قال وزير الخارجية السعودي عادل الجبير إن المملكة ترحب بالتعاون مع مصر، وذلك خلال لقائه وزير الخارجية "
            "المصري سامح شكري في القاهرة. "
            "وبدوره أشار وزير الخارجية المصري إلى أن هناك تطابقا في وجهتي النظر المصرية والسعودية.")
    entities = [_mention(text, "عادل الجبير"), _mention(text, "مصر", "LOC"), _mention(text, "سامح شكري"),
                _mention(text, "القاهرة", "LOC")]
    mentions = title_mentions(text, entities)
    assert [(m.text, m.canonical) for m in mentions] == [("وزير الخارجية المصري", "سامح شكري")]
    assert mentions[0].start == text.index("وزير الخارجية المصري إلى")
    # without the title the second sentence would continue the first speaker's words
    assert attribute_holders(text, split_sentences(text), entities) == ["عادل الجبير", "سامح شكري"]


def test_a_title_given_to_two_people_names_neither() -> None:
    text = ("وقال الرئيس الأمريكي باراك أوباما إن الاتفاق جيد. وانتقد الرئيس الأمريكي جورج بوش الاتفاق. "
            "وأضاف الرئيس الأمريكي أن العقوبات ستعود.")
    entities = [_mention(text, "باراك أوباما"), _mention(text, "جورج بوش")]
    assert title_mentions(text, entities) == []


def test_a_title_before_a_name_or_before_more_title_is_not_a_mention() -> None:
    text = ("وقال وزير الخارجية سعود الفيصل إن المملكة لن تتراجع. "
            "واجتمع وزير الخارجية الحالي مع نظيره الفرنسي. "
            "وقال وزير الخارجية الأسبق، عمرو موسى، إن الجامعة مستعدة. "
            "واتصل وزير الخارجية أمس بوزير خارجية البحرين. "
            "وأكد وزير الخارجية أن الحوار مستمر.")
    entities = [_mention(text, "سعود الفيصل"), _mention(text, "عمرو موسى"), _mention(text, "البحرين", "LOC")]
    mentions = title_mentions(text, entities)
    assert [(m.start, m.canonical) for m in mentions] == [(text.index("وزير الخارجية أمس"), "سعود الفيصل"),
                                                          (text.index("وزير الخارجية أن"), "سعود الفيصل")]


def test_the_deputy_of_a_title_is_someone_else() -> None:
    text = ("وفي يوم الأحد 8 فبراير، هنأ خادم الحرمين الشريفين الرئيس سيرجيو ماتاريلا بمناسبة فوزه. "
            "استقبل خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود في قصر السلام بجدة أمس رئيس وزراء باكستان. "
            "وقدم نائب خادم الحرمين الشريفين شكره وتقديره لملك المغرب على مشاعره الطيبة. "
            "وأعرب خادم الحرمين الشريفين عن شكره.")
    entities = [_mention(text, "سيرجيو ماتاريلا"), _mention(text, "سلمان بن عبدالعزيز آل سعود"), _mention(text, "قصر السلام", "LOC"),
                _mention(text, "جدة", "LOC"), _mention(text, "باكستان", "LOC"), _mention(text, "المغرب", "LOC")]
    # the president congratulated by the king does not take the king's title
    assert attribute_holders(text, split_sentences(text), entities) == [
        "سلمان بن عبدالعزيز آل سعود", "سلمان بن عبدالعزيز آل سعود", None, "سلمان بن عبدالعزيز آل سعود"]


def test_a_title_holds_an_organisation_and_stops_at_a_verb() -> None:
    text = ("استقبل الملك سلمان رئيس حزب القوات اللبنانية سمير جعجع. "
            "وأعرب رئيس حزب القوات اللبنانية عن شكره وتقديره للمملكة. "
            "وأكد السفير الإماراتي نقل تحياته للشيخ خليفة بن زايد. "
            "وأشاد السفير الإماراتي بالعلاقات.")
    entities = [_mention(text, "سلمان"), _mention(text, "حزب القوات اللبنانية", "ORG"), _mention(text, "سمير جعجع"),
                _mention(text, "حزب القوات اللبنانية", "ORG", occurrence=1), _mention(text, "خليفة بن زايد")]
    mentions = title_mentions(text, entities)
    # «السفير الإماراتي نقل تحياته للشيخ» is not a title: a verb stands between it and the name
    assert [(m.text, m.canonical) for m in mentions] == [("رئيس حزب القوات اللبنانية", "سمير جعجع")]
    assert attribute_holders(text, split_sentences(text), entities)[1] == "سمير جعجع"


def test_official_titles_still_read_the_state_an_official_serves() -> None:
    text = ("وقال الرئيس الروسي فلاديمير بوتين إن موسكو سترد. وقال خادم الحرمين الشريفين الملك سلمان إن المملكة ترحب. "
            "التقى الرئيس الأمريكي دونالد ترامب. وقال ظريف إن طهران سترد.")
    entities = [_mention(text, "فلاديمير بوتين"), _mention(text, "الملك سلمان"), _mention(text, "دونالد ترامب"),
                _mention(text, "ظريف", canonical="محمد جواد ظريف")]
    # the words before «ظريف» are the end of another sentence and another person's title, not his
    assert official_titles(text, entities) == {"فلاديمير بوتين": frozenset({"روسي"}),
                                               "الملك سلمان": frozenset({"حرمين"}),
                                               "دونالد ترامب": frozenset({"امريكي"})}


def test_courtesy_words_do_not_push_the_speaker_out_of_reach() -> None:
    text = ("كما بعث نائب خادم الحرمين الشريفين صاحب السمو الملكي الأمير محمد بن نايف بن عبدالعزيز آل سعود برقية تهنئة "
            "لفخامة الرئيس عبدالفتاح السيسي. "
            "وأضاف معاليه للصحفيين عقب لقائه معالي وزير الخارجية الأمريكية جون كيري إن الاتفاق لا يكفي.")
    entities = [_mention(text, "محمد بن نايف بن عبدالعزيز آل سعود"), _mention(text, "عبدالفتاح السيسي"),
                _mention(text, "جون كيري")]
    # the second sentence's subject is «معاليه», the prince already speaking, not the minister he met
    assert attribute_holders(text, split_sentences(text), entities) == ["محمد بن نايف بن عبدالعزيز آل سعود"] * 2


def test_expressed_is_a_speech_verb_only_with_about() -> None:
    text = ("وعبر الرئيس المصري عبد الفتاح السيسي عن تقديره لمواقف المملكة. "
            "وبث التلفزيون المقابلة عبر قناة الجزيرة مساء أمس.")
    entities = [_mention(text, "عبد الفتاح السيسي"), _mention(text, "قناة الجزيرة", "ORG")]
    assert attribute_holders(text, split_sentences(text), entities) == ["عبد الفتاح السيسي", None]


def test_the_person_named_after_an_organisation_in_their_title_speaks() -> None:
    text = ("وأكد المتحدث باسم الجيش الليبي العقيد أحمد المسماري أن قطر حاولت إفساد المجتمع الليبي. "
            "أعرب مبعوث الأمم المتحدة الخاص إلى سوريا ستيفان دي ميستورا عن قلقه العميق. "
            "وأعلن الجيش الليبي أن قواته تقدمت.")
    entities = [_mention(text, "الجيش الليبي", "ORG"), _mention(text, "أحمد المسماري"), _mention(text, "قطر", "LOC"),
                _mention(text, "الأمم المتحدة", "ORG"), _mention(text, "سوريا", "LOC"), _mention(text, "ستيفان دي ميستورا"),
                _mention(text, "الجيش الليبي", "ORG", occurrence=1)]
    assert attribute_holders(text, split_sentences(text), entities) == ["أحمد المسماري", "ستيفان دي ميستورا",
                                                                         "الجيش الليبي"]


def test_an_outlet_spoken_to_is_not_the_speaker() -> None:
    text = ("وقالت مصادر مطلعة لـ«الشرق الأوسط» إن الاتفاق جرى بين الطرفين. "
            "وكشف مسؤولون أمريكيون لرويترز أن واشنطن تعمل لإبرام عقود.")
    entities = [_mention(text, "الشرق الأوسط", "ORG"), _mention(text, "لرويترز", "ORG", canonical="رويترز"),
                _mention(text, "واشنطن", "LOC")]
    assert attribute_holders(text, split_sentences(text), entities) == [None, None]


def test_an_outlet_named_after_its_kind_and_spoken_to_leaves_the_speaker_to_the_previous_sentence() -> None:
    text = ("وأعلن وزير الخارجية الإيراني محمد جواد ظريف رفض بلاده للعقوبات. "
            "وقال لوكالة رويترز إن الولايات المتحدة تنتهك الاتفاق. "
            "وأضاف في حديث لصحيفة «الشرق الأوسط» أن طهران لن تتراجع. "
            "وقالت صحيفة «الشرق الأوسط» إن الحوار متوقف.")
    entities = [_mention(text, "محمد جواد ظريف"), _mention(text, "رويترز", "ORG"),
                _mention(text, "الولايات المتحدة", "LOC"), _mention(text, "الشرق الأوسط", "ORG"),
                _mention(text, "طهران", "LOC"), _mention(text, "الشرق الأوسط", "ORG", occurrence=1)]
    # the newspaper is spoken to in the third sentence, and speaks itself in the fourth
    assert attribute_holders(text, split_sentences(text), entities) == ["محمد جواد ظريف"] * 3 + ["الشرق الأوسط"]


def test_an_outlet_that_received_the_statement_does_not_speak() -> None:
    text = ("ووصفت الرابطة، في بيان تلقت الجوهرة أف أم نسخة منه، القرار بأنه انتهاك للسيادة التونسية. "
            "وأكد بلاغ صادر عن وزارة الشؤون الخارجية وتلقت الجوهرة أف أم نسخة منه تضامن تونس مع الإمارات.")
    entities = [_mention(text, "الجوهرة أف أم", "ORG"), _mention(text, "وزارة الشؤون الخارجية", "ORG"),
                _mention(text, "الجوهرة أف أم", "ORG", occurrence=1), _mention(text, "تونس", "LOC"),
                _mention(text, "الإمارات", "LOC")]
    # «وصفت» has no named subject here, so nothing speaks; the ministry, not the radio, holds the second
    assert attribute_holders(text, split_sentences(text), entities) == [None, "وزارة الشؤون الخارجية"]


def test_a_quoted_name_before_a_speech_verb_speaks() -> None:
    text = "«هيومن رايتس ووتش» تدين استخدام إسرائيل القوة «غير المبررة» لاعتقال أطفال فلسطينيين"
    entities = [_mention(text, "هيومن رايتس ووتش", "ORG"), _mention(text, "إسرائيل", "LOC")]
    assert attribute_holders(text, split_sentences(text), entities) == ["هيومن رايتس ووتش"]
