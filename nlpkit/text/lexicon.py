"""Small word lists used by the proclitic splitter (see :func:`nlpkit.text.tokenize.split_proclitic`).

``KNOWN_STEMS`` are names and name heads that are often written with an attached proclitic
(«وروسيا», «بموسكو», «ولافروف», «ومنظمة», «لعام», «بمكة», «وفهد» in a list of people): a word that is a
proclitic plus one of these is split. Names with the article («الصين») need no entry, the article rule splits them.
``NEVER_SPLIT`` are whole words that the structural rules would split: a proclitic letter
followed by «ال» («والد», «بالغ», «كالينينغراد») or foreign names starting with «وو» («ووهان»).
Both are matched after :func:`normalize`, so spelling variants of hamza, alef maqsura and ta
marbuta need one entry only. ``WEEKDAYS`` and ``YESTERDAY`` date a statement in news; the DATE
pattern of the training labels and the NER span trimming both read them. ``BARE_HEADS`` are head words
of names that name no one alone (:func:`is_bare_head`); the NER ruler and the stance targets read them.
"""

from __future__ import annotations

from nlpkit.text.normalize import normalize

_PLACES = """
روسيا موسكو بطرسبورغ سوتشي أوكرانيا كييف كيف خاركوف أوديسا القرم بيلاروسيا بيلاروس مينسك
جورجيا تبليسي أرمينيا يريفان أذربيجان باكو كازاخستان أستانا أوزبكستان طاجيكستان قرغيزستان
تركمانستان مولدوفا بولندا وارسو ليتوانيا لاتفيا إستونيا فنلندا هلسنكي السويد ستوكهولم
ألمانيا برلين فرنسا باريس بريطانيا لندن إنجلترا إيطاليا روما إسبانيا مدريد البرتغال لشبونة
هولندا أمستردام بلجيكا بروكسل سويسرا جنيف النمسا فيينا اليونان أثينا صربيا بلغراد المجر
بودابست رومانيا التشيك براغ سلوفاكيا أوروبا آسيا أوراسيا أفريقيا إفريقيا أمريكا أميركا
واشنطن نيويورك كندا أوتاوا المكسيك البرازيل الأرجنتين فنزويلا كوبا هافانا
اليابان طوكيو أوساكا الصين بكين شنغهاي هونغ تايوان كوريا سيول بيونغيانغ الهند نيودلهي
مومباي باكستان إسلام كشمير أفغانستان كابول إيران طهران العراق بغداد سوريا دمشق حلب لبنان
بيروت الأردن عمان فلسطين القدس غزة إسرائيل مصر القاهرة السعودية الرياض الإمارات
أبوظبي دبي قطر الدوحة الكويت البحرين المنامة اليمن صنعاء ليبيا طرابلس تونس الجزائر
المغرب الرباط السودان الخرطوم إثيوبيا تركيا أنقرة إسطنبول قبرص أستراليا إندونيسيا ماليزيا
فيتنام تايلاند الفلبين منغوليا
مكة جدة أبها تبوك الطائف ينبع حائل نجران جازان الدمام بريدة القطيف
"""
_PEOPLE = """
بوتين لافروف شويغو شويجو بيسكوف زاخاروفا ميدفيديف ميشوستين بيلاوسوف نيبينزيا
زيلينسكي كوليبا شميهال ترامب بايدن بلينكن أوباما هاريس روبيو ماكرون شولتس ميركل
سوناك ستارمر جونسون أردوغان فيدان نتنياهو عباس السيسي رئيسي بزشكيان عراقجي ظريف الأسد
فلاديمير سيرغي سيرجي دميتري دونالد إيمانويل رجب بنيامين
كيشيدا كونو أبي إينادا أونوديرا كاميكاوا هاياشي وانغ وانج مودي شريف غوتيريش
محمد أحمد علي خالد فهد سعد سعود سلطان ناصر حسن حسين عمر يوسف إبراهيم صالح سالم سليمان ماجد طلال
تركي نايف مشعل منصور عادل سامي طارق ياسر هاني مصطفى محمود أسامة يحيى زيد جمال نبيل نواف عثمان
إسماعيل حمد حمدان راشد زايد ماهر عبد
"""
_ORGS_AND_DATES = """
منظمة وزارة مجلس حلف مؤسسة جامعة حزب حركة وكالة شركة صندوق اتحاد جمهورية مملكة دولة
جبهة هيئة لجنة محكمة برلمان الكرملين البنتاغون الناتو ناتو بريكس أوبك آسيان
عام سنة شهر أسبوع يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر
نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز أيلول تشرين
"""
KNOWN_STEMS: frozenset[str] = frozenset((_PLACES + _PEOPLE + _ORGS_AND_DATES).split())
"""Default stems that force a proclitic split (spelled as in news; matched after normalisation)."""

NEVER_SPLIT: frozenset[str] = frozenset(
    """
    والد والدة والدي والدين والدان والدته والدها والده والي والية بالغ بالغة بالغا بالون بالي
    فالح فالنتين فالنسيا فالديز والتر والاس كالينينغراد كاليننغراد كالفن بالتيك بالتيكا
    ووهان وولف وودوارد وورد ووتش
    """.split()
)
"""Whole words that look like proclitic + stem but must stay whole."""

WEEKDAYS: tuple[str, ...] = ("الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت")
"""Weekday names as news spells them."""

YESTERDAY: tuple[str, ...] = ("أمس", "الأمس")
"""«Yesterday», which follows the name it dates («قال لافروف أمس»)."""

BARE_HEADS: frozenset[str] = frozenset(normalize(word) for word in (
    "جمهورية", "مملكة", "دولة", "وزارة", "مجلس", "هيئة", "قناة", "شركة", "منظمة", "حركة", "وكالة", "صحيفة",
    "مدينة", "منطقة", "محافظة", "ولاية", "حكومة"))
"""Head words of names that, without the article or a name after them, name no one («قناة» cut from «قناة
السويس»; no evaluation set tags one alone). With the article they refer back to a named party («الوزارة»,
«المملكة»)."""


def is_bare_head(name: str) -> bool:
    """True for one of :data:`BARE_HEADS`, alone, with or without a proclitic («وحكومة»)."""
    form = normalize(name.strip())
    return form in BARE_HEADS or (form[:1] in "وفبل" and form[1:] in BARE_HEADS)
