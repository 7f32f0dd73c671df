"""Mine (sentence, target, holder candidate) pairs from the raw news corpora for stance annotation (issue #12).

Pipeline, deterministic for a given ``--seed``:

1. **Read** ANT (Apache-2.0) and SaudiNewsNet (CC BY-NC-SA 4.0, research only) article by article;
   the document text is ``title + "\\n\\n" + body``, as :func:`nlpkit.data.iter_corpus` builds it,
   so every sentence is an exact slice of the corpus text.
2. **Prefilter** cheaply: nlpkit's sentence splitter, 8–60 words, no page boilerplate, no
   near-duplicate (normalised text seen before), and a keyword match against a gazetteer of
   states (CLDR territory names via Babel, plus common short forms), capitals/seats of
   government and international organisations. Only these sentences reach the model.
3. **NER** with the embedded compact model (``nlpkit.load("fast", threads=1)``) on the
   prefiltered sentences (plus the sentence before one that opens as a continuation, so the
   holder rules can inherit a speaker); targets are LOC/ORG entities that are states,
   government bodies or international organisations (and a few heads of state and ministers),
   canonicalised (capitals fold into their country); the holder candidate comes from
   :func:`nlpkit.analysis.holders.attribute_holders`. A pair whose holder speaks for the
   target is dropped, as the library does.
4. **Stratify** over target regions and a keyword event cue (used only to balance the
   sample, never as a label), with likely-NONE cues (talks, visit, reporting, history)
   weighted up; ANT pairs first in every cell. At most 4 pairs per document and 2 targets per
   sentence.
5. **Split** by whole documents (test, dev, train), assign ids ``ns-NNNNN``, write
   ``candidates.jsonl``, 11 shards of whole documents and a 200-pair double-annotation set.

An **extra batch** (``--extra``) adds candidates after annotation showed which ones are noise.
It skips every document of the batches mined before (every ``candidates*.jsonl`` beside
``--out``, and sentences seen there), numbers its ids after the highest existing ``ns-`` id, fills
the requested pairs per split (``--test``, ``--dev``, ``--train``) and writes its own file
(``candidates_extra.jsonl``, ``candidates_extra2.jsonl``, …) with shards numbered after the
existing ones (no double set). It also filters cheap noise: sentences about sport or markets,
sentences without an event verb (the target must act or be acted upon), and targets that are
only a place («في تونس»), part of a longer name («نداء تونس», «روسيا اليوم», «مركز … روسيا»)
or an NER misreading («المالي», «القطر», «تشاد» the verb); and it weights the sample toward
cues that give FAVOR/AGAINST, keeping about a quarter of likely-NONE cues. Once the unread
documents run out, ``--reuse-documents train`` (train pairs only; ``--reuse-train-documents`` for
short) also reads the documents that gave only train pairs before, for sentences not mined yet (at
most 4 more pairs a document); ``--reuse-documents dev`` does the same for dev documents, to grow the
dev split without letting a sentence of a train or test document into it.

**Model-guided selection** (``--select-with MODEL``, train batches): the kept data is mostly NONE
(two thirds of every extra batch), while the model's errors are FAVOR/AGAINST read as NONE and NONE
read as a position. The stance model scores every mined pair, and ``--polar-share`` of the batch
comes from pairs it gives at least ``--polar-threshold`` of FAVOR + AGAINST (its likely positions
and the pairs it is unsure of), the rest from the others, each part stratified as usual. The scores
only choose pairs; they are not written anywhere the annotators read.

Usage::

    python -m training.mine_stance --out training/data/news_stance/candidates.jsonl
    python -m training.mine_stance --extra --test 330 --train 570 \\
        --out training/data/news_stance/candidates_extra.jsonl
    python -m training.mine_stance --extra --test 0 --dev 250 --train 2450 --shards 8 --seed 13 \\
        --out training/data/news_stance/candidates_extra2.jsonl
    python -m training.mine_stance --extra --reuse-documents train --test 0 --dev 0 --train 2000 \\
        --shards 8 --seed 20 --oversample 8 --select-with nlpkit/resources/models/accurate/stance \\
        --out training/data/news_stance/candidates_extra9.jsonl
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from nlpkit.data.paths import data_file
from nlpkit.text.boilerplate import boilerplate_spans, inside
from nlpkit.text.normalize import normalize, normalize_name
from nlpkit.text.sentences import split_sentences
from training.jsonl import read_jsonl, write_jsonl

CORPORA: dict[str, dict[str, str]] = {
    "ant": {"path": "corpus/ant_news.jsonl.xz", "title": "title", "body": "text",
            "licence": "Apache-2.0"},
    "saudinewsnet": {"path": "corpus/saudinewsnet.jsonl.xz", "title": "title", "body": "content",
                     "licence": "CC BY-NC-SA 4.0 (research only)"},
}
ANT_CATEGORIES = frozenset({"internationalNews", "politic", "economy", "localNews"})
"""ANT sections read: sport, culture, society and technology name countries mostly as places or teams."""
SAUDINEWSNET_EVERY = 3
"""Read one SaudiNewsNet article in 3 (stable hash of its URL): enough candidates, a third of the prefilter time."""
MIN_WORDS, MAX_WORDS = 8, 60
REUSABLE_SPLITS = ("train", "dev")
"""Splits whose documents ``--reuse-documents`` may reopen; test documents never reopen, so the test set stays as annotated."""
MAX_PAIRS_PER_DOC = 4
MAX_TARGETS_PER_SENTENCE = 2
TOTAL, TEST, DEV = 3300, 560, 340
SHARDS = 11
DOUBLE = 200
OVERSAMPLE = 4
NONE_CUES = ("talks", "visit", "reporting", "history")
EXTRA_TEST, EXTRA_DEV, EXTRA_TRAIN = 330, 0, 570
EXTRA_SHARDS = 3
EXTRA_NONE_SHARE = 0.25
"""Share of likely-NONE cues in an extra batch; the rest comes from :data:`POLAR_CUES`."""
POLAR_CUES = ("sanctions", "asset_freeze", "ban", "expulsion", "accusation", "warning", "condemnation", "concern",
              "refusal", "territorial_claim", "military_move", "agreement", "cooperation", "support", "praise",
              "congratulation", "mediation")
"""Event cues whose pairs are often FAVOR or AGAINST (weighted up in an extra batch)."""

REGIONS = ("US", "China", "Russia", "EU/Europe", "Gulf", "Arab states", "Iran", "Turkey",
           "Israel/Palestine", "UN/intl orgs", "NATO", "Japan/Asia", "Africa", "Other")
_REGION_CODES = {
    "US": "US", "China": "CN", "Russia": "RU", "Iran": "IR", "Turkey": "TR",
    "Gulf": "SA AE QA KW BH OM",
    "Arab states": "EG JO LB SY IQ YE LY TN DZ MA SD MR SO DJ KM",
    "Israel/Palestine": "IL PS",
    "EU/Europe": ("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
                  "GB CH NO UA BY RS AL BA MK ME MD IS VA"),
    "Japan/Asia": ("JP KR KP IN PK AF BD LK NP MM TH VN LA KH MY SG ID PH TW HK MN KZ UZ TM KG TJ "
                   "AZ AM GE BN MV"),
    "Africa": ("NG ET KE ZA GH SN ML NE TD CM CF CD CG AO MZ ZW ZM UG TZ RW BI SS ER GN GM SL LR CI BF "
               "BJ TG GA GQ MG MW NA BW LS SZ MU SC CV ST GW"),
    "Other": "CA MX BR AR CL CO VE CU PE BO EC UY PY AU NZ",
}
# Canonical Arabic names where CLDR's differs from news usage, and extra short forms per code.
_CANONICAL = {"PS": "فلسطين", "OM": "سلطنة عمان", "SA": "السعودية", "AE": "الإمارات", "GB": "بريطانيا",
              "SY": "سوريا", "KP": "كوريا الشمالية", "KR": "كوريا الجنوبية"}
_ALIASES = {
    "US": "أمريكا|أميركا|واشنطن|البيت الأبيض|الولايات المتحدة الأمريكية|الولايات المتحدة الأميركية|البنتاغون|البنتاجون",
    "RU": "موسكو|الكرملين|روسيا الاتحادية", "CN": "بكين|بيجين", "JP": "طوكيو", "IR": "طهران",
    "TR": "أنقرة", "IL": "تل أبيب|إسرائيل", "PS": "فلسطين|السلطة الفلسطينية|دولة فلسطين|رام الله|غزة|قطاع غزة",
    "SA": "السعودية|الرياض|المملكة العربية السعودية", "AE": "الإمارات|أبوظبي|أبو ظبي|دولة الإمارات",
    "QA": "الدوحة", "KW": "دولة الكويت", "OM": "عمان|مسقط|سلطنة عمان", "BH": "المنامة|مملكة البحرين",
    "EG": "القاهرة", "SY": "سورية|دمشق", "IQ": "بغداد", "LB": "بيروت", "YE": "صنعاء", "LY": "طرابلس الغرب",
    "MA": "الرباط|المملكة المغربية", "SD": "الخرطوم", "JO": "المملكة الأردنية", 
    "GB": "بريطانيا|لندن", "FR": "باريس", "DE": "برلين|المانيا", "IT": "روما", "ES": "مدريد",
    "KP": "بيونغ يانغ|بيونغيانغ", "KR": "سيول", "IN": "نيودلهي", "PK": "إسلام آباد", "AF": "كابول",
    "UA": "كييف", "NL": "هولندا",
}
# (canonical, region, other spellings) of international organisations.
ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("الأمم المتحدة", "UN/intl orgs", "هيئة الأمم المتحدة|المنظمة الدولية|الامم المتحده"),
    ("مجلس الأمن الدولي", "UN/intl orgs", "مجلس الأمن"),
    ("الجمعية العامة للأمم المتحدة", "UN/intl orgs", "الجمعية العامة"),
    ("حلف شمال الأطلسي", "NATO", "الناتو|حلف الناتو|حلف الأطلسي|الحلف الأطلسي|شمال الأطلسي"),
    ("الاتحاد الأوروبي", "EU/Europe", "الاتحاد الاوروبي|المفوضية الأوروبية|بروكسل|البرلمان الأوروبي"),
    ("جامعة الدول العربية", "Arab states", "الجامعة العربية"),
    ("مجلس التعاون الخليجي", "Gulf", "مجلس التعاون لدول الخليج العربية|مجلس التعاون"),
    ("منظمة التعاون الإسلامي", "UN/intl orgs", "منظمة المؤتمر الإسلامي"),
    ("الاتحاد الأفريقي", "Africa", "الاتحاد الإفريقي|الاتحاد الافريقي"),
    ("صندوق النقد الدولي", "UN/intl orgs", "صندوق النقد"),
    ("البنك الدولي", "UN/intl orgs", ""),
    ("الوكالة الدولية للطاقة الذرية", "UN/intl orgs", "وكالة الطاقة الذرية"),
    ("منظمة الصحة العالمية", "UN/intl orgs", ""),
    ("منظمة التجارة العالمية", "UN/intl orgs", ""),
    ("اليونسكو", "UN/intl orgs", "منظمة اليونسكو"),
    ("اليونيسف", "UN/intl orgs", "اليونيسيف"),
    ("المفوضية السامية للأمم المتحدة لشؤون اللاجئين", "UN/intl orgs", "مفوضية اللاجئين"),
    ("منظمة أوبك", "UN/intl orgs", "أوبك"),
    ("الاتحاد من أجل المتوسط", "UN/intl orgs", ""),
    ("اتحاد المغرب العربي", "Arab states", ""),
)
# Heads of state and ministers (canonical, region, key words that must appear in the entity).
LEADERS: tuple[tuple[str, str, str], ...] = (
    ("فلاديمير بوتين", "Russia", "بوتين"), ("سيرغي لافروف", "Russia", "لافروف"),
    ("باراك أوباما", "US", "أوباما|اوباما"), ("دونالد ترامب", "US", "ترامب"), ("جون كيري", "US", "كيري"),
    ("رجب طيب أردوغان", "Turkey", "أردوغان|اردوغان"), ("حسن روحاني", "Iran", "روحاني"),
    ("علي خامنئي", "Iran", "خامنئي"), ("محمد جواد ظريف", "Iran", "ظريف"),
    ("بنيامين نتنياهو", "Israel/Palestine", "نتنياهو"), ("محمود عباس", "Israel/Palestine", "محمود عباس|أبو مازن"),
    ("بان كي مون", "UN/intl orgs", "بان كي مون"), ("أنطونيو غوتيريش", "UN/intl orgs", "غوتيريش|غوتيريس|جوتيريش"),
    ("أنغيلا ميركل", "EU/Europe", "ميركل"), ("فرانسوا هولاند", "EU/Europe", "هولاند"),
    ("إيمانويل ماكرون", "EU/Europe", "ماكرون"), ("ديفيد كاميرون", "EU/Europe", "كاميرون"),
    ("شي جين بينغ", "China", "شي جين بينغ|شي جينبينغ"), ("عبد الفتاح السيسي", "Arab states", "السيسي"),
    ("بشار الأسد", "Arab states", "بشار الأسد"), ("الملك سلمان بن عبد العزيز", "Gulf", "سلمان بن عبد العزيز"),
    ("الباجي قائد السبسي", "Arab states", "السبسي"), ("شينزو آبي", "Japan/Asia", "شينزو آبي|شينزو أبي"),
)
_GOVERNMENT_HEADS = ("وزاره", "خارجيه", "حكومه", "جيش", "رياسه", "برلمان", "سفاره", "قوات", "داخليه", "دفاع",
                     "مجلس", "بيت", "سلطات", "سلطه", "نظام", "بحريه", "كونغرس", "كنيست", "ديوان")
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")

EVENT_CUES: tuple[tuple[str, str], ...] = (
    ("sanctions", r"عقوب"),
    ("asset_freeze", r"تجميد|(?:^|\s)[وف]?[تي]?جمد"),
    ("ban", r"حظر|منع دخول|منعت دخول|يمنع دخول|حظرت"),
    ("expulsion", r"(?:^|\s)[وف]?(?:طرد|[يت]طرد)|ترحيل|ابعاد|غير مرغوب"),
    ("territorial_claim", r"سياد[هت]|احتلال|الاراضي المحتل|(?:^|\s)ضم(?:\s|$)|الجزر|ترسيم الحدود|نزاع حدودي"),
    ("condemnation", r"(?:^|\s)[وف]?(?:ادان|يدين|تدين|ادانه|استنكر|يستنكر|تستنكر|ندد|يندد|تندد|شجب|يشجب|تشجب)"),
    ("accusation", r"اتهم|يتهم|تتهم|اتهام|حمل[تا]? .{0,30}مسووليه"),
    ("warning", r"حذر|يحذر|تحذر|تحذير|هدد|يهدد|تهدد|تهديد|توعد"),
    ("concern", r"قلق|مخاوف|انزعاج"),
    ("refusal", r"رفض|يرفض|ترفض|اعترض|يعترض|تعترض|معارض"),
    ("mediation", r"وساط|وسيط|يتوسط|تتوسط"),
    ("congratulation", r"تهني|تهاني|يهني|(?:^|\s)[وف]?هنا (?:الرييس|الملك|امير|ولي|خادم|رييس|وزير)"),
    ("praise", r"اشاد|يشيد|تشيد|ثمن|يثمن|تثمن|رحب|يرحب|ترحب|ترحيب|شكر|يشكر|تشكر"),
    ("support", r"(?:^|\s)[وف]?(?:دعم|يدعم|تدعم|الدعم|بدعم|لدعم)|تاييد|(?:^|\s)[وف]?(?:ايد|يويد|تويد)|مسانده|ساند"),
    ("agreement", r"اتفاق|مذكره تفاهم|(?:^|\s)[وف]?(?:وقع|وقعت|توقيع|يوقع|توقع)(?:\s|$|ا)"),
    ("cooperation", r"تعاون|شراك|شريك|تنسيق"),
    ("military_move", r"مناور|(?:^|\s)[وبلف]?(?:ال)?قوات|عسكري|غارات|غاره|قصف|صواريخ|صاروخ|حشود|تدريبات"),
    ("talks", r"محادثات|مباحثات|مفاوضات|مشاورات|اجتماع|لقاء|التقي|يلتقي|اتصال هاتفي|اتصالا هاتفيا|قمه|بحث|يبحث|تبحث"),
    ("visit", r"زيار|(?:^|\s)[وف]?(?:زار|يزور|تزور)|وصل|يصل|تصل|استقبل|يستقبل"),
    ("history", r"يذكر ان|(?:عام|سنه|منذ) (?:19|20)\d\d|تاريخ|سابق"),
    ("reporting", r"افاد|ذكرت|ذكر|نقلت|وكاله|اعلن|حسب|وفقا|صحيفه|مصادر|تقرير|احصاي|بلغ|مليون|مليار|نسب"),
)
_EVENT_RE = [(name, re.compile(pattern)) for name, pattern in EVENT_CUES]
_CONTINUES = re.compile(r"^\s*(?:[وف](?:قال|اضاف|تابع|اكد|اوضح|اشار|شدد|اعتبر|لفت|اعرب|ذكر|اردف|قالت|اضافت|اكدت)"
                        r"|من جانب|من جهت|بدور|وبدور)")
# Country names that are also common words or events; the pair is kept only when the sentence shows the state.
_NEEDS_CONTEXT = {
    "مالي": re.compile(r"باماكو|(?:في|دوله|جمهوريه|شمال|جنوب|حكومه|رييس|سلطات|جيش|الى|من) مالي(?:\s|$|[،.,])"),
    "كوبا": re.compile(r"هافانا|كاسترو|(?:في|الى|مع|و|حكومه|رييس|خارجيه|وزير) كوبا(?! امريكا)"),
}
_JUNK = re.compile(r"https?://|www\.|@\w|#\w|اقرا ايضا|للمزيد|شاهد ايضا|تابعونا|الصوره:|صوره:|©")
_WORD = re.compile(r"[^\W\d_]+")


def _words_pattern(words: str, proclitics: str = "[وفل]?(?:ال)?") -> re.Pattern[str]:
    """A regex over normalised text matching any of the space-separated ``words`` as a whole word."""
    forms = "|".join(sorted({re.escape(normalize(word)) for word in words.split()}, key=len, reverse=True))
    return re.compile(rf"(?:^|[^\w]){proclitics}(?:{forms})(?![\w])")


# Extra batch only: sentences about sport or markets, where states are teams, venues or indices.
_SPORT = _words_pattern("مباراة مباريات منتخب بطولة كأس لاعب لاعبين لاعبو لاعبي هدفا هدفين مدرب ملعب مونديال "
                        "أولمبي الأولمبية تصفيات فيفا نادي")
_SPORT_PHRASES = re.compile(r"الدوري|كره (?:القدم|السله|اليد|الطاوله)|(?:سجل|احرز|يسجل|تسجيل|احراز)\w* (?:ال)?هدف")
_ECONOMY = _words_pattern("بورصة أسهم سهم برميل تداولات الروبل")
_ECONOMY_PHRASES = re.compile(r"سعر (?:ال)?صرف|الناتج المحلي|موشر (?:ال)?(?:سوق|بورص|اسهم|نيكي|داو|ناسداك|فوتسي|داكس|كاك)")
# The target must act or be acted upon: a word of the event-cue lists (reporting: its verbs only; history: none).
_ACT_CUES = [pattern for name, pattern in _EVENT_RE if name not in ("reporting", "history")]
_ACT_CUES.append(re.compile(r"(?:^|\s)[وف]?(?:افاد|افادت|ذكرت|ذكر|نقلت|اعلن|اعلنت)(?:\s|$)"))
# Names that are also words («تشاد» is built, «بنين» boys): kept only when the sentence shows the state.
_NEEDS_CONTEXT_EXTRA = {
    "تشاد": re.compile(r"نجامينا|انجامينا|(?:في|دوله|جمهوريه|رييس|حكومه|سلطات|جيش|الى|من|مع|و) تشاد(?:\s|$|[،.,])"),
    "بنين": re.compile(r"كوتونو|بورتو نوفو|(?:في|دوله|جمهوريه|رييس|حكومه|سلطات|جيش|الى|مع) بنين(?:\s|$|[،.,])"),
}
# A mention right after one of these words is part of a longer name (party, outlet, company, venue) or an office.
_NAME_HEADS = frozenset(normalize(word) for word in (
    "نداء تحيا آفاق حزب حركة كتلة مركز بنك مصرف بورصة جامعة مطار ميناء مرفأ بلدية والي ولاية قناة إذاعة "
    "تلفزيون صحيفة جريدة وكالة منتخب نادي ملعب قطار شركة مؤسسة مهرجان معرض فندق مستشفى شارع").split())
# One-word names whose form with the article is a common word («المالي» financial, «القطر» the country, «البنين» boys).
_ARTICLE_MISREADS = frozenset(normalize(name) for name in ("مالي", "قطر", "بنين"))
# A mention followed by one of these words is part of a longer name («روسيا اليوم», «تونس الإرادة»).
_NAME_TAILS = {normalize(name): frozenset(normalize(word) for word in tails.split()) for name, tails in (
    ("روسيا", "اليوم"), ("فرنسا", "24"), ("تونس", "أفريقيا إفريقيا الإرادة أولا المالي الكبرى"),
    ("قطر", "للبترول الخيرية"), ("مصر", "للطيران القوية الجديدة"))}
# A mention right after one of these words is a place, not a party («في تونس», «شمال مالي», «بتوقيت موسكو»).
_PLACE_HEADS = frozenset(normalize(word) for word in (
    "في داخل أنحاء عاصمة شمال جنوب شرق غرب شمالي جنوبي شرقي غربي وسط مدينة بتوقيت توقيت مقاطعة إقليم").split())
# «بـ» + a state is «in» the state unless a relation or an event word comes before («ندد بإسرائيل»).
_RELATION = re.compile(r"علاق|اعترف|اعتراف|اتصل|التقي|تربط|ربط|الحق|الحقت|طالب|يطالب|تطالب")
_CLITICS = ("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل", "")
_TOKEN = re.compile(r"[^\W_]+")


def _bare(word: str) -> set[str]:
    """Forms of a normalised word without proclitics and article («وللحزب» → «حزب»), the word itself included."""
    forms = {word}
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            rest = word[len(clitic):]
            forms.add(rest)
            if rest.startswith("ال") and len(rest) >= 4:
                forms.add(rest[2:])
            if clitic.endswith("ل") and rest.startswith("ل") and len(rest) >= 3:
                forms.add(rest[1:])
    return forms


def _with_article(head: str, name: str) -> bool:
    """True when ``head`` is ``name`` (one of :data:`_ARTICLE_MISREADS`) with the article («القطر», «للبنين»)."""
    if name not in _ARTICLE_MISREADS:
        return False
    return any(head == f"{clitic}ال{name}" for clitic in ("", "و", "ف", "ب", "ك", "وب", "فب", "وك")) or \
        any(head == f"{clitic}لل{name}" for clitic in ("", "و", "ف"))


def sentence_noise(sentence: str) -> str | None:
    """Why an extra-batch sentence is skipped (``sport``, ``economy``, ``no_event_cue``), or None.

    Market news is kept when it has a cue of :data:`POLAR_CUES` (sanctions hitting the rouble).
    """
    text = normalize(sentence)
    if _SPORT.search(text) or _SPORT_PHRASES.search(text):
        return "sport"
    if (_ECONOMY.search(text) or _ECONOMY_PHRASES.search(text)) and event_cue(sentence) not in POLAR_CUES:
        return "economy"
    if not any(pattern.search(text) for pattern in _ACT_CUES):
        return "no_event_cue"
    return None


def mention_noise(sentence: str, start: int, end: int, party: Party, table: dict[str, Party]) -> str | None:
    """Why the mention ``sentence[start:end]`` of ``party`` is not the party itself, or None.

    ``misread`` («المالي», «القطر»: a word the NER took for a state), ``context`` (a name that is
    also a word, with no sign of the state), ``inside_name`` (part of a longer name: «نداء تونس»,
    «روسيا اليوم», «مركز … روسيا», «بلدية تونس»), ``place`` (only a location: «في الصين»,
    «بتونس» with no relation or event word before it). A target is kept when one of its
    mentions passes.
    """
    surface = _TOKEN.findall(normalize(sentence[start:end]))
    before = _TOKEN.findall(normalize(sentence[:start]))
    after = _TOKEN.findall(normalize(sentence[end:]))
    if not surface:
        return "misread"
    head = surface[0]
    if _with_article(head, normalize(party.name)):
        return "misread"
    context = _NEEDS_CONTEXT_EXTRA.get(party.name)
    if context is not None and not context.search(normalize(sentence)):
        return "context"
    previous = before[-1] if before else ""
    if _bare(previous) & _NAME_HEADS or (after and after[0] in _NAME_TAILS.get(surface[-1], frozenset())):
        return "inside_name"
    if _bare(previous) & _PLACE_HEADS:
        return "place"
    for clitic in ("ب", "وب", "فب"):
        if head.startswith(clitic) and table.get(normalize_name(" ".join([head[len(clitic):], *surface[1:]]))):
            if not _RELATION.search(previous) and not any(pattern.search(previous) for _, pattern in _EVENT_RE):
                return "place"
    return None


@dataclass(frozen=True)
class Party:
    """A target party: its canonical Arabic name and its region."""

    name: str
    region: str


@dataclass
class Candidate:
    """One (sentence, target) pair to be labelled."""

    doc_id: str
    corpus: str
    licence: str
    title: str
    sentence_index: int
    sentence: str
    target: str
    holder_candidate: str | None
    event_cue: str
    region: str
    id: str = ""
    split: str = ""


def _party_table() -> dict[str, Party]:
    """Name key (:func:`normalize_name`) → party, for states, capitals, organisations and leaders."""
    from babel import Locale

    territories = Locale("ar").territories
    table: dict[str, Party] = {}
    for region, codes in _REGION_CODES.items():
        for code in codes.split():
            party = Party(_CANONICAL.get(code, territories[code]), region)
            names = [territories[code], *filter(None, _ALIASES.get(code, "").split("|"))]
            for name in names:
                table.setdefault(normalize_name(name), party)
    for canonical, region, variants in ORGANISATIONS:
        for name in (canonical, *filter(None, variants.split("|"))):
            table.setdefault(normalize_name(name), Party(canonical, region))
    for canonical, region, variants in LEADERS:
        for name in (canonical, *variants.split("|")):
            table.setdefault(normalize_name(name), Party(canonical, region))
    return table


@lru_cache(maxsize=200_000)
def _word_forms(word: str) -> tuple[str, ...]:
    """Name keys of a word with its proclitics (و ف ب ل ك, «لل») stripped, for gazetteer lookup."""
    forms = []
    for prefix in _PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix):]
            forms.append(rest[2:] if rest.startswith("ال") and len(rest) >= 4 else rest)
    if word.startswith(("لل", "ولل", "فلل")):
        forms.append(word.split("لل", 1)[1])
    return tuple(forms)


def find_parties(text: str, table: dict[str, Party], max_len: int = 7) -> list[Party]:
    """Parties named in ``text`` (longest match first, in order), by gazetteer lookup of word n-grams."""
    words = normalize_name(text).split()
    first_words = _first_words(id(table), table)
    found: list[Party] = []
    index = 0
    while index < len(words):
        match = 0
        if not any(form in first_words for form in _word_forms(words[index])):
            index += 1
            continue
        for length in range(min(max_len, len(words) - index), 0, -1):
            rest = " ".join(words[index + 1: index + length])
            for form in _word_forms(words[index]):
                party = table.get(f"{form} {rest}".strip())
                if party is not None:
                    found.append(party)
                    match = length
                    break
            if match:
                break
        index += max(match, 1)
    return found


_FIRST_WORDS: dict[int, frozenset[str]] = {}


def _first_words(key: int, table: dict[str, Party]) -> frozenset[str]:
    """First words of the gazetteer keys (cached per table), to skip words that start no name."""
    if key not in _FIRST_WORDS:
        _FIRST_WORDS[key] = frozenset(name.split()[0] for name in table)
    return _FIRST_WORDS[key]


def entity_party(text: str, label: str, table: dict[str, Party], nisba_keys: dict[str, Party]) -> Party | None:
    """The party an LOC/ORG/PER entity names: a state, organisation or leader; or a government body of a state.

    A government body («وزارة الخارجية الإيرانية», «الحكومة الليبية») keeps its own name as the
    target, in its state's region.
    """
    key = normalize_name(text)
    if label in ("LOC", "ORG"):
        forms = _word_forms(key.split()[0]) if key else []
        rest = " ".join(key.split()[1:])
        for form in forms:
            party = table.get(f"{form} {rest}".strip())
            if party is not None:
                return party
    if label == "ORG":
        words = key.split()
        if words and any(words[0].endswith(head) or words[0] == head for head in _GOVERNMENT_HEADS):
            for word in words[1:]:
                party = nisba_keys.get(word) or table.get(word)
                if party is not None and party.region not in ("UN/intl orgs", "NATO"):
                    return Party(text.strip(), party.region)
    if label == "PER":
        for canonical, region, variants in LEADERS:
            if any(normalize_name(v) in key for v in variants.split("|")):
                return Party(canonical, region)
    return None


def _nisba_keys(table: dict[str, Party]) -> dict[str, Party]:
    """Nisba adjective key → state («ايرانيه» → إيران), for government bodies named by nationality."""
    keys: dict[str, Party] = {}
    for key, party in table.items():
        if " " in key or party.region in ("UN/intl orgs", "NATO"):
            continue
        stems = {key, key[:-1] if key.endswith(("ا", "ي")) else key, key[:-2] if key.endswith("يا") else key}
        for stem in stems:
            for ending in ("ي", "يه", "يون", "يين"):
                keys.setdefault(stem + ending, party)
    return keys


def event_cue(sentence: str) -> str:
    """The first event type whose keyword cue matches the normalised sentence (``other`` when none)."""
    text = normalize(sentence)
    for name, pattern in _EVENT_RE:
        if pattern.search(text):
            return name
    return "other"


def dedupe_key(sentence: str) -> str:
    """Normalised letters only, to find near-identical sentences (wire copy repeated across papers)."""
    return " ".join(_WORD.findall(normalize(sentence)))


def iter_documents(corpus: str, max_docs: int | None, every: int = SAUDINEWSNET_EVERY) -> Iterator[tuple[str, str, str]]:
    """``(doc_id, title, text)`` per article; ``text`` is ``title\\n\\nbody`` as in :func:`nlpkit.data.iter_corpus`.

    SaudiNewsNet is sampled: one article in ``every`` (by a hash of its URL, so the sample is fixed).
    """
    spec = CORPORA[corpus]
    path = data_file(spec["path"], how_to_get=f"{corpus} raw corpus (docs/DATA.md)")
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if max_docs is not None and number >= max_docs:
                return
            if not line.strip():
                continue
            record = json.loads(line)
            title = (record.get(spec["title"]) or "").strip()
            body = (record.get(spec["body"]) or "").strip()
            text = f"{title}\n\n{body}" if title and body else title or body
            if corpus == "ant" and record.get("category") not in ANT_CATEGORIES:
                continue
            if corpus == "saudinewsnet" and zlib.crc32(str(record.get("url")).encode("utf-8")) % every:
                continue
            doc_id = f"ant:{record['id']}" if corpus == "ant" else f"saudinewsnet:{number:05d}"
            if text:
                yield doc_id, title, text


@dataclass
class Prefiltered:
    """A document with the indices of its sentences that passed the prefilter."""

    doc_id: str
    corpus: str
    title: str
    text: str
    sentences: list[tuple[int, int]]
    keep: list[int]
    regions: set[str]


@dataclass
class ExtraFilter:
    """What an extra batch leaves out: documents and sentences already mined, and noise (counted per reason)."""

    documents: frozenset[str]
    sentences: frozenset[str]
    dropped: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_candidates(cls, paths: Sequence[Path], reuse: str | None = None) -> ExtraFilter:
        """The documents and sentence keys (:func:`dedupe_key`) of the candidate files mined before.

        With ``reuse`` (a split name), documents whose earlier pairs are all of that split stay open
        (only their mined sentences are skipped); a document with a pair of any other split never
        reopens, so no sentence can cross from one split to another.
        """
        rows = _read_candidates(paths)
        closed = {row["doc_id"] for row in rows if reuse is None or row.get("split") != reuse}
        return cls(frozenset(closed), frozenset(dedupe_key(row["sentence"]) for row in rows))


def _read_candidates(paths: Sequence[Path]) -> list[dict[str, object]]:
    """Every row of the given candidate files."""
    return [row for path in paths for row in read_jsonl(path)]


def existing_batches(out: Path) -> list[Path]:
    """The candidate files beside ``out`` mined before it (``candidates*.jsonl``, ``out`` itself left out)."""
    return sorted(path for path in out.parent.glob("candidates*.jsonl") if path.resolve() != out.resolve())


def prefilter(corpora: Sequence[str], max_docs: int | None, table: dict[str, Party],
              extra: ExtraFilter | None = None, every: int = SAUDINEWSNET_EVERY) -> list[Prefiltered]:
    """Documents with at least one sentence of 8–60 words naming a party (no boilerplate, no duplicates).

    With ``extra``, documents and sentences already mined are skipped, and so are sentences that
    :func:`sentence_noise` rejects.
    """
    seen_sentences: set[str] = set(extra.sentences) if extra is not None else set()
    seen_docs: set[str] = set()
    result = []
    for corpus in corpora:
        for doc_id, title, text in iter_documents(corpus, max_docs, every):
            doc_key = dedupe_key(text[:400])
            if doc_key in seen_docs:
                continue
            seen_docs.add(doc_key)
            if extra is not None and doc_id in extra.documents:
                continue
            sentences = split_sentences(text)
            spans = boilerplate_spans(text)
            keep: list[int] = []
            regions: set[str] = set()
            for index, (start, end) in enumerate(sentences):
                sentence = text[start:end]
                if not MIN_WORDS <= len(sentence.split()) <= MAX_WORDS or "\n" in sentence.strip():
                    continue
                if _JUNK.search(normalize(sentence)) or (spans and inside((start, end), spans, text)):
                    continue
                parties = [party for party in find_parties(sentence, table)
                           if party.name not in _NEEDS_CONTEXT or _NEEDS_CONTEXT[party.name].search(normalize(sentence))]
                if not parties:
                    continue
                noise = sentence_noise(sentence) if extra is not None else None
                if noise is not None:
                    extra.dropped[f"sentence:{noise}"] += 1
                    continue
                key = dedupe_key(sentence)
                if key in seen_sentences:
                    continue
                seen_sentences.add(key)
                keep.append(index)
                regions.update(party.region for party in parties)
            if keep:
                result.append(Prefiltered(doc_id, corpus, title, text, sentences, keep, regions))
    return result


def choose_documents(docs: Sequence[Prefiltered], budget: int, rng: random.Random,
                     first: Callable[[Prefiltered], bool] | None = None) -> list[Prefiltered]:
    """Documents for the NER pass: round-robin over regions (ANT first), until ``budget`` sentences.

    A document is queued under the rarest region it names, so rare regions get their documents;
    documents for which ``first`` is true go before the others of their region.
    """
    rarity = Counter(region for doc in docs for region in doc.regions)
    by_region: dict[str, list[Prefiltered]] = defaultdict(list)
    for doc in docs:
        by_region[min(doc.regions, key=lambda region: rarity[region])].append(doc)
    queues = {}
    for region, items in by_region.items():
        ant = [doc for doc in items if doc.corpus == "ant"]
        other = [doc for doc in items if doc.corpus != "ant"]
        rng.shuffle(ant)
        rng.shuffle(other)
        queues[region] = ant + other
        if first is not None:
            queues[region].sort(key=lambda doc: not first(doc))
    chosen: list[Prefiltered] = []
    sentences = 0
    while sentences < budget and any(queues.values()):
        for region in sorted(queues):
            if queues[region]:
                doc = queues[region].pop(0)
                chosen.append(doc)
                sentences += min(len(doc.keep), MAX_PAIRS_PER_DOC + 2)
    return chosen


def run_ner(docs: Sequence[Prefiltered], table: dict[str, Party], log: bool = True,
            extra: ExtraFilter | None = None) -> list[Candidate]:
    """NER and holder rules on the prefiltered sentences; one candidate per (sentence, party target).

    With ``extra``, a party is a target only when one of its mentions passes :func:`mention_noise`.
    """
    import nlpkit
    from nlpkit.analysis.assemble import build_entities
    from nlpkit.analysis.holders import attribute_holders
    from nlpkit.analysis.nisba import drop_nisba
    from nlpkit.analysis.targets import Target

    analyzer = nlpkit.load("fast", threads=1)
    nisba_keys = _nisba_keys(table)
    candidates: list[Candidate] = []
    started = time.time()
    for chunk_start in range(0, len(docs), 16):
        chunk = docs[chunk_start: chunk_start + 16]
        asked = []
        for doc in chunk:
            indices = set(doc.keep)
            for index in doc.keep:
                start, end = doc.sentences[index]
                if index and _CONTINUES.match(normalize(doc.text[start:end])):
                    indices.add(index - 1)
            asked.append([doc.sentences[index] for index in sorted(indices)])
        predictions = analyzer.ner.predict_many([(doc.text, spans) for doc, spans in zip(chunk, asked, strict=True)])
        for doc, spans in zip(chunk, predictions, strict=True):
            entities, _ = build_entities(doc.text, drop_nisba(doc.text, spans, analyzer.places))
            holders = attribute_holders(doc.text, doc.sentences, entities)
            spec = CORPORA[doc.corpus]
            for index in doc.keep:
                start, end = doc.sentences[index]
                targets: dict[str, Party] = {}
                noise: dict[str, str] = {}
                for entity in entities:
                    if start <= entity.start < end and entity.label in ("LOC", "ORG", "PER"):
                        party = entity_party(entity.text, entity.label, table, nisba_keys)
                        context = _NEEDS_CONTEXT.get(party.name) if party is not None else None
                        if context is not None and not context.search(normalize(doc.text[start:end])):
                            continue
                        if party is not None and not Target(party.name).is_holder(holders[index]) \
                                and not _same_party(party.name, holders[index], table):
                            reason = None if extra is None else mention_noise(
                                doc.text[start:end], entity.start - start, entity.end - start, party, table)
                            if reason is None:
                                targets.setdefault(party.name, party)
                            else:
                                noise.setdefault(party.name, reason)
                if extra is not None:
                    extra.dropped.update(f"target:{reason}" for name, reason in noise.items() if name not in targets)
                sentence = doc.text[start:end]
                cue = event_cue(sentence)
                for party in list(targets.values())[:MAX_TARGETS_PER_SENTENCE]:
                    candidates.append(Candidate(doc.doc_id, doc.corpus, spec["licence"], doc.title, index, sentence,
                                                party.name, holders[index], cue, party.region))
        if log and (chunk_start // 16) % 25 == 0:
            print(f"  NER {chunk_start + len(chunk)}/{len(docs)} documents, {len(candidates)} pairs, "
                  f"{time.time() - started:.0f}s", file=sys.stderr, flush=True)
    return candidates


def candidates_from_pairs(path: Path, table: dict[str, Party], extra: ExtraFilter, every: int = 1
                          ) -> tuple[list[Candidate], list[float]]:
    """Candidates from the (target, sentence) pairs that ``analyze()`` asked, with the teacher's P(FAVOR) + P(AGAINST).

    ``path`` is a silver file of :mod:`training.distill_stance` (``target text holder doc_id corpus probs``):
    real questions of the library rather than keyword-mined ones, already scored by the model that labelled
    them. The miner's rules still apply: closed documents and sentences mined before are skipped, so are
    sentences of other than 8–60 words and sport and market sentences (:func:`sentence_noise`; a sentence
    without an event word stays, since the model's false positions are there too); the target must be a party
    (:func:`entity_party`, canonicalised), and one of its mentions must pass :func:`mention_noise`; a holder
    that speaks for the target drops the pair. Titles and sentence indices come from the corpora.
    """
    kept = _party_pairs(path, table, extra)
    documents = _documents_with(kept, every)
    candidates, polar = [], []
    for row, party in kept:
        title, text, sentences = documents.get(str(row["doc_id"]), ("", "", []))
        index = next((i for i, (start, end) in enumerate(sentences) if text[start:end].strip() == row["text"]), None)
        if index is None:
            extra.dropped["pair:not_in_corpus"] += 1
            continue
        probs = row["probs"]
        candidates.append(Candidate(str(row["doc_id"]), str(row["corpus"]), CORPORA[str(row["corpus"])]["licence"], title,
                                    index, str(row["text"]), party.name, row.get("holder"), event_cue(str(row["text"])),
                                    party.region))
        polar.append(float(probs["FAVOR"]) + float(probs["AGAINST"]))
    return candidates, polar


def _party_pairs(path: Path, table: dict[str, Party], extra: ExtraFilter) -> list[tuple[dict[str, object], Party]]:
    """The silver rows of ``path`` that pass the miner's rules (:func:`candidates_from_pairs`), each with its party."""
    from nlpkit.analysis.targets import Target

    nisba_keys = _nisba_keys(table)
    kept: list[tuple[dict[str, object], Party]] = []
    seen: set[tuple[str, str]] = set()
    for row in read_jsonl(path):
        sentence, target, holder = str(row["text"]), str(row["target"]), row.get("holder")
        if str(row["doc_id"]) in extra.documents or dedupe_key(sentence) in extra.sentences:
            extra.dropped["pair:mined_before"] += 1
            continue
        if not MIN_WORDS <= len(sentence.split()) <= MAX_WORDS or sentence_noise(sentence) in ("sport", "economy"):
            extra.dropped["pair:sentence"] += 1
            continue
        party = next(filter(None, (entity_party(target, label, table, nisba_keys) for label in ("LOC", "ORG", "PER"))), None)
        start = sentence.find(target)
        if party is None or start < 0 or (party.name, dedupe_key(sentence)) in seen:
            extra.dropped["pair:not_a_party"] += 1
            continue
        if Target(party.name).is_holder(holder) or _same_party(party.name, holder, table) \
                or mention_noise(sentence, start, start + len(target), party, table) is not None:
            extra.dropped["pair:target_noise"] += 1
            continue
        seen.add((party.name, dedupe_key(sentence)))
        kept.append((row, party))
    return kept


def _documents_with(kept: Sequence[tuple[dict[str, object], Party]], every: int
                    ) -> dict[str, tuple[str, str, list[tuple[int, int]]]]:
    """Title, text and sentence spans of every document that ``kept`` pairs come from, read from the corpora."""
    wanted = {str(row["doc_id"]) for row, _ in kept}
    documents: dict[str, tuple[str, str, list[tuple[int, int]]]] = {}
    for corpus in sorted({str(row["corpus"]) for row, _ in kept}):
        for doc_id, title, text in iter_documents(corpus, None, every):
            if doc_id in wanted:
                documents[doc_id] = (title, text, split_sentences(text))
    return documents


def _same_party(target: str, holder: str | None, table: dict[str, Party]) -> bool:
    """True when the holder is the target party itself under another name («موسكو» for «روسيا»)."""
    if holder is None:
        return False
    party = table.get(normalize_name(holder))
    return party is not None and party.name == target


def stratify(candidates: Sequence[Candidate], total: int, rng: random.Random) -> list[Candidate]:
    """Round-robin over regions, then over event cues (likely-NONE cues twice per cycle); ANT first per cell.

    At most :data:`MAX_PAIRS_PER_DOC` pairs per document.
    """
    cells = _cells(candidates, rng)
    cues = [name for name, _ in EVENT_CUES] + ["other"] + list(NONE_CUES)
    chosen: list[Candidate] = []
    _round_robin(cells, cues, total, Counter(), chosen)
    return chosen


def stratify_weighted(candidates: Sequence[Candidate], total: int, rng: random.Random,
                      none_share: float = EXTRA_NONE_SHARE, per_doc: Counter[str] | None = None) -> list[Candidate]:
    """Like :func:`stratify`, but ``1 - none_share`` of the pairs from :data:`POLAR_CUES` cells.

    The polar cues are filled first (round-robin over regions, then cues), then the likely-NONE
    cues up to ``total``; a shortfall of either is made up from the other, ``other`` last. ``per_doc``
    counts pairs already taken per document by an earlier draw of the same batch.
    """
    cells = _cells(candidates, rng)
    per_doc = Counter() if per_doc is None else per_doc
    chosen: list[Candidate] = []
    _round_robin(cells, list(POLAR_CUES), total - round(total * none_share), per_doc, chosen)
    _round_robin(cells, list(NONE_CUES), total, per_doc, chosen)
    _round_robin(cells, list(POLAR_CUES), total, per_doc, chosen)
    _round_robin(cells, ["other"], total, per_doc, chosen)
    return chosen


def polar_probabilities(candidates: Sequence[Candidate], model: str, batch_size: int = 32) -> list[float]:
    """P(FAVOR) + P(AGAINST) of each (target, sentence) pair under the stance model at ``model``."""
    from nlpkit.models.ensemble import load_stance

    stance = load_stance(model, threads=1)
    polar = [column for column, label in enumerate(stance.model.labels) if label != "NONE"]
    pairs = [(candidate.target, candidate.sentence) for candidate in candidates]
    return [float(row[polar].sum()) for row in stance.probabilities(pairs, batch_size=batch_size)]


def select_by_model(candidates: Sequence[Candidate], polar: Sequence[float], total: int, rng: random.Random,
                    polar_share: float, threshold: float) -> list[Candidate]:
    """``polar_share`` of ``total`` from pairs with ``polar >= threshold``, the rest from the others.

    Each part is drawn by :func:`stratify_weighted`; a shortfall of either part is made up from the other.
    """
    likely = [item for item, score in zip(candidates, polar, strict=True) if score >= threshold]
    others = [item for item, score in zip(candidates, polar, strict=True) if score < threshold]
    per_doc: Counter[str] = Counter()
    chosen = stratify_weighted(likely, round(total * polar_share), rng, per_doc=per_doc)
    chosen += stratify_weighted(others, total - len(chosen), rng, per_doc=per_doc)
    taken = {id(item) for item in chosen}
    rest = [item for item in likely if id(item) not in taken]
    chosen += stratify_weighted(rest, total - len(chosen), rng, per_doc=per_doc)
    return chosen


def _cells(candidates: Sequence[Candidate], rng: random.Random) -> dict[tuple[str, str], list[Candidate]]:
    """Candidates per (region, event cue), shuffled, ANT first."""
    cells: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        cells[(candidate.region, candidate.event_cue)].append(candidate)
    for items in cells.values():
        rng.shuffle(items)
        items.sort(key=lambda item: item.corpus != "ant")
    return cells


def _round_robin(cells: dict[tuple[str, str], list[Candidate]], cues: Sequence[str], total: int,
                 per_doc: Counter[str], chosen: list[Candidate]) -> None:
    """Append to ``chosen`` until it holds ``total`` pairs: round-robin over regions, then over ``cues``.

    Pops the cells it takes from; at most :data:`MAX_PAIRS_PER_DOC` pairs per document (``per_doc``).
    """
    cursor = {region: 0 for region in REGIONS}
    while len(chosen) < total:
        progress = False
        for region in REGIONS:
            for _ in range(len(cues)):
                cue = cues[cursor[region] % len(cues)]
                cursor[region] += 1
                queue = cells.get((region, cue), [])
                while queue and per_doc[queue[0].doc_id] >= MAX_PAIRS_PER_DOC:
                    queue.pop(0)
                if queue:
                    candidate = queue.pop(0)
                    per_doc[candidate.doc_id] += 1
                    chosen.append(candidate)
                    progress = True
                    break
            if len(chosen) >= total:
                break
        if not progress:
            break


def assign_splits(chosen: list[Candidate], rng: random.Random, test: int = TEST, dev: int = DEV,
                  first_id: int = 1) -> list[Candidate]:
    """Whole documents to test (≈``test`` pairs), dev (≈``dev``), train (the rest).

    Ids ``ns-NNNNN`` in file order, from ``first_id``.
    """
    by_doc: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in chosen:
        by_doc[candidate.doc_id].append(candidate)
    doc_ids = sorted(by_doc)
    rng.shuffle(doc_ids)
    counts = Counter()
    for doc_id in doc_ids:
        split = "test" if counts["test"] < test else "dev" if counts["dev"] < dev else "train"
        counts[split] += len(by_doc[doc_id])
        for candidate in by_doc[doc_id]:
            candidate.split = split
    order = {"train": 0, "dev": 1, "test": 2}
    ordered = sorted(chosen, key=lambda c: (order[c.split], c.corpus, c.doc_id, c.sentence_index, c.target))
    for number, candidate in enumerate(ordered, start=first_id):
        candidate.id = f"ns-{number:05d}"
    return ordered


def _row(candidate: Candidate) -> dict[str, object]:
    """The JSON line of a candidate (field order as documented in ANNOTATE.md)."""
    data = asdict(candidate)
    keys = ("id", "split", "doc_id", "corpus", "licence", "title", "sentence_index", "sentence", "target",
            "holder_candidate", "event_cue", "region")
    return {key: data[key] for key in keys}


def write_shards(ordered: list[Candidate], directory: Path, rng: random.Random, count: int = SHARDS,
                 first: int = 1) -> list[list[Candidate]]:
    """``count`` shards of whole documents (documents shuffled), cut near equal pair counts, numbered from ``first``."""
    by_doc: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in ordered:
        by_doc[candidate.doc_id].append(candidate)
    doc_ids = list(by_doc)
    rng.shuffle(doc_ids)
    shards: list[list[Candidate]] = [[] for _ in range(count)]
    done = 0
    shard = 0
    for doc_id in doc_ids:
        while shard < count - 1 and done >= (shard + 1) * len(ordered) / count:
            shard += 1
        shards[shard].extend(by_doc[doc_id])
        done += len(by_doc[doc_id])
    for number, items in enumerate(shards, start=first):
        write_jsonl(directory / f"shard_{number:02d}.jsonl", [_row(item) | {"shard": f"shard_{number:02d}"} for item in items])
    return shards


def double_set(shards: list[list[Candidate]], rng: random.Random) -> list[dict[str, object]]:
    """200 train pairs for a second annotator, round-robin over event cues (one pair per document)."""
    shard_of = {item.id: f"shard_{number:02d}" for number, items in enumerate(shards, start=1) for item in items}
    by_cue: dict[str, list[Candidate]] = defaultdict(list)
    for items in shards:
        for item in items:
            if item.split == "train":
                by_cue[item.event_cue].append(item)
    for items in by_cue.values():
        rng.shuffle(items)
    chosen: list[Candidate] = []
    docs: set[str] = set()
    while len(chosen) < DOUBLE and any(by_cue.values()):
        for cue in sorted(by_cue):
            while by_cue[cue] and by_cue[cue][0].doc_id in docs:
                by_cue[cue].pop(0)
            if by_cue[cue] and len(chosen) < DOUBLE:
                item = by_cue[cue].pop(0)
                chosen.append(item)
                docs.add(item.doc_id)
    chosen.sort(key=lambda item: item.id)
    return [_row(item) | {"shard": shard_of[item.id]} for item in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: mine, stratify, split, write candidates, shards and (first batch) the double-annotation set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="candidates.jsonl; shards go to shards/ beside it")
    parser.add_argument("--corpora", default="ant,saudinewsnet")
    parser.add_argument("--max-docs", type=int, default=None, help="read at most N documents per corpus")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--saudinewsnet-every", type=int, default=SAUDINEWSNET_EVERY,
                        help=f"read one SaudiNewsNet article in N, fixed by URL hash (default {SAUDINEWSNET_EVERY}; "
                        "1 reads the whole corpus, for extra batches once the sample is used up)")
    parser.add_argument("--total", type=int, default=TOTAL, help="pairs of the first batch (with --train: ignored)")
    parser.add_argument("--extra", action="store_true",
                        help="mine an extra batch: new documents only, ids and shards after the existing ones, noise filters")
    parser.add_argument("--existing", type=Path, nargs="+", default=None,
                        help="with --extra: the candidate files mined before (default: every candidates*.jsonl "
                             "beside --out but --out)")
    parser.add_argument("--reuse-documents", choices=REUSABLE_SPLITS, default=None,
                        help="with --extra: also mine unused sentences of documents that gave only pairs of this "
                             "split; every pair then goes to it (the other splits' counts must be 0)")
    parser.add_argument("--reuse-train-documents", dest="reuse_documents", action="store_const", const="train",
                        help="short for --reuse-documents train")
    parser.add_argument("--test", type=int, default=None, help=f"test pairs (default {TEST}; --extra: {EXTRA_TEST})")
    parser.add_argument("--dev", type=int, default=None, help=f"dev pairs (default {DEV}; --extra: {EXTRA_DEV})")
    parser.add_argument("--train", type=int, default=None,
                        help=f"train pairs (default: the rest of --total; --extra: {EXTRA_TRAIN})")
    parser.add_argument("--shards", type=int, default=None, help=f"shards (default {SHARDS}; --extra: {EXTRA_SHARDS})")
    parser.add_argument("--select-with", default=None, metavar="MODEL",
                        help="stance model folder that guides the choice of pairs (model-guided selection)")
    parser.add_argument("--polar-share", type=float, default=0.6,
                        help="with --select-with: share of the batch from pairs the model finds likely polar")
    parser.add_argument("--polar-threshold", type=float, default=0.3,
                        help="with --select-with: P(FAVOR) + P(AGAINST) from which a pair counts as likely polar")
    parser.add_argument("--from-pairs", type=Path, default=None, metavar="SILVER",
                        help="with --extra --reuse-documents train: candidates from the pairs analyze() asked "
                             "(a training.distill_stance silver.jsonl), chosen by its teacher's scores as --select-with does")
    parser.add_argument("--oversample", type=float, default=OVERSAMPLE,
                        help="NER on about this many prefiltered sentences per wanted pair")
    args = parser.parse_args(argv)
    if args.select_with is not None and not 0 <= args.polar_share <= 1:
        parser.error("--polar-share must be between 0 and 1")
    corpora = [name.strip() for name in args.corpora.split(",") if name.strip()]
    test = args.test if args.test is not None else EXTRA_TEST if args.extra else TEST
    dev = args.dev if args.dev is not None else EXTRA_DEV if args.extra else DEV
    train = args.train if args.train is not None else EXTRA_TRAIN if args.extra else None
    total = test + dev + train if train is not None else args.total
    if args.select_with is not None and (test or dev):
        parser.error("--select-with chooses train pairs only (a model must not pick the pairs it is scored on): "
                     "use it with --test 0 --dev 0")
    shard_count = args.shards if args.shards is not None else EXTRA_SHARDS if args.extra else SHARDS
    shard_dir = args.out.parent / "shards"
    extra: ExtraFilter | None = None
    first_id = first_shard = 1
    if args.reuse_documents is not None:
        others = {"test": test, "dev": dev, "train": train}
        others.pop(args.reuse_documents)
        if not args.extra or any(others.values()):
            zeros = " ".join(f"--{name} 0" for name in others)
            parser.error(f"--reuse-documents {args.reuse_documents} mines {args.reuse_documents} pairs only: "
                         f"use it with --extra {zeros}")
    if args.extra:
        existing = args.existing or existing_batches(args.out)
        if not existing:
            parser.error(f"--extra needs the candidates mined before; none beside {args.out}")
        if any(path.resolve() == args.out.resolve() for path in existing):
            parser.error("--extra needs an --out other than the existing candidates")
        extra = ExtraFilter.from_candidates(existing, args.reuse_documents)
        first_id, first_shard = _continuation(existing, shard_dir)
    started = time.time()
    table = _party_table()
    if args.saudinewsnet_every < 1:
        parser.error("--saudinewsnet-every must be at least 1")
    if args.from_pairs is not None:
        if extra is None or args.reuse_documents != "train" or args.select_with is not None:
            parser.error("--from-pairs mines train pairs: use it with --extra --reuse-documents train --test 0 --dev 0 "
                         "and without --select-with (the pairs carry their teacher's scores)")
        candidates, polar = candidates_from_pairs(args.from_pairs, table, extra, args.saudinewsnet_every)
        print(f"candidates from {args.from_pairs}: {len(candidates)} pairs, "
              f"{sum(p >= args.polar_threshold for p in polar)} likely polar, {time.time() - started:.0f}s",
              file=sys.stderr, flush=True)
        sample = select_by_model(candidates, polar, total, random.Random(args.seed + 1), args.polar_share,
                                 args.polar_threshold)
        return write_batch(args, sample, candidates, polar, extra, test, dev, first_id, first_shard, shard_count, started)
    docs = prefilter(corpora, args.max_docs, table, extra, args.saudinewsnet_every)
    print(f"prefilter: {len(docs)} documents, {sum(len(d.keep) for d in docs)} sentences, "
          f"{time.time() - started:.0f}s", file=sys.stderr, flush=True)
    chosen_docs = choose_documents(docs, round(args.oversample * total), random.Random(args.seed),
                                   _has_polar_cue if args.extra else None)
    chosen_docs.sort(key=lambda doc: doc.doc_id)
    print(f"NER on {len(chosen_docs)} documents, {sum(len(d.keep) for d in chosen_docs)} sentences",
          file=sys.stderr, flush=True)
    candidates = run_ner(chosen_docs, table, extra=extra)
    print(f"candidates: {len(candidates)} pairs, {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    polar: list[float] | None = None
    if args.select_with is not None:
        polar = polar_probabilities(candidates, args.select_with)
        print(f"scored with {args.select_with}: {sum(p >= args.polar_threshold for p in polar)} of {len(polar)} "
              f"likely polar, {time.time() - started:.0f}s", file=sys.stderr, flush=True)
        sample = select_by_model(candidates, polar, total, random.Random(args.seed + 1), args.polar_share,
                                 args.polar_threshold)
    elif args.extra:
        sample = stratify_weighted(candidates, total, random.Random(args.seed + 1))
    else:
        sample = stratify(candidates, total, random.Random(args.seed + 1))
    return write_batch(args, sample, candidates, polar, extra, test, dev, first_id, first_shard, shard_count, started)


def write_batch(args: argparse.Namespace, sample: list[Candidate], candidates: Sequence[Candidate],
                polar: Sequence[float] | None, extra: ExtraFilter | None, test: int, dev: int, first_id: int,
                first_shard: int, shard_count: int, started: float) -> int:
    """Split the chosen pairs, write the candidate file and its shards, and print the batch's summary."""
    ordered = assign_splits(sample, random.Random(args.seed + 2), test, dev, first_id)
    write_jsonl(args.out, [_row(item) for item in ordered])
    shards = write_shards(ordered, args.out.parent / "shards", random.Random(args.seed + 3), shard_count, first_shard)
    if not args.extra:
        write_jsonl(args.out.parent / "shards" / "double.jsonl", double_set(shards, random.Random(args.seed + 4)))
    summary = {
        "pairs": len(ordered),
        "ids": f"{ordered[0].id}..{ordered[-1].id}" if ordered else "",
        "documents": len({item.doc_id for item in ordered}),
        "split": Counter(item.split for item in ordered),
        "corpus": Counter(item.corpus for item in ordered),
        "region": Counter(item.region for item in ordered),
        "event_cue": Counter(item.event_cue for item in ordered),
        "likely_none_share": round(sum(item.event_cue in NONE_CUES for item in ordered) / max(len(ordered), 1), 3),
        "shards": {f"shard_{number:02d}": len(items) for number, items in enumerate(shards, start=first_shard)},
        "seconds": round(time.time() - started),
    }
    if polar is not None:
        scores = dict(zip((id(item) for item in candidates), polar, strict=True))
        summary["likely_polar_share"] = round(
            sum(scores[id(item)] >= args.polar_threshold for item in ordered) / max(len(ordered), 1), 3)
    if extra is not None:
        summary["dropped"] = extra.dropped
    print(json.dumps(summary, ensure_ascii=False, indent=1, default=dict))
    return 0


def _has_polar_cue(doc: Prefiltered) -> bool:
    """True when a prefiltered sentence of ``doc`` has a cue of :data:`POLAR_CUES`."""
    return any(event_cue(doc.text[slice(*doc.sentences[index])]) in POLAR_CUES for index in doc.keep)


def _continuation(existing: Sequence[Path], shard_dir: Path) -> tuple[int, int]:
    """The first id number and shard number after the existing batches (their highest ``ns-`` id, last shard)."""
    ids = {str(row["id"]) for row in _read_candidates(existing)}
    last_shard = 0
    for path in shard_dir.glob("shard_[0-9][0-9].jsonl"):
        with path.open(encoding="utf-8") as handle:
            line = handle.readline()
        if line.strip() and json.loads(line)["id"] in ids:
            last_shard = max(last_shard, int(path.stem.split("_")[1]))
    return max(int(item.split("-")[1]) for item in ids) + 1, last_shard + 1


if __name__ == "__main__":
    raise SystemExit(main())
