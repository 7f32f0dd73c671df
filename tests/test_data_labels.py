"""Label sets, mapping tables, IOB2 helpers and the DATE pattern of nlpkit.data.labels."""

from __future__ import annotations

import pytest

from nlpkit.data.labels import (
    ANERCORP_MAP,
    ANNOTATED_TYPES,
    FANE_MAP,
    NER_LABELS,
    NER_TYPES,
    STANCE_LABELS,
    WOJOOD_MAP,
    date_like,
    date_mask,
    drop_unannotated,
    entity_spans,
    is_valid_iob2,
    map_tag,
    repair_iob,
)


def test_label_sets() -> None:
    assert NER_TYPES == ("PER", "ORG", "LOC", "DATE", "MISC")
    assert NER_LABELS[0] == "O" and len(NER_LABELS) == 11
    assert {f"{p}-{t}" for t in NER_TYPES for p in "BI"} == set(NER_LABELS[1:])
    assert STANCE_LABELS == ("FAVOR", "AGAINST", "NONE")


@pytest.mark.parametrize("table", [ANERCORP_MAP, WOJOOD_MAP, FANE_MAP])
def test_tables_map_into_library_types(table) -> None:
    assert all(value is None or value in NER_TYPES for value in table.values())


def test_table_coverage() -> None:
    assert len(WOJOOD_MAP) == 21
    assert len(FANE_MAP) == 51
    assert ANNOTATED_TYPES["wojood"] == NER_TYPES
    for source in ("anercorp", "newsfane", "wikifane"):
        assert "DATE" not in ANNOTATED_TYPES[source]


@pytest.mark.parametrize(
    ("tag", "table", "expected"),
    [
        ("B-PERS", ANERCORP_MAP, "B-PER"),
        ("I-GPE", WOJOOD_MAP, "I-LOC"),
        ("B-FAC", WOJOOD_MAP, "B-LOC"),
        ("B-TIME", WOJOOD_MAP, "B-DATE"),
        ("B-EVENT", WOJOOD_MAP, "B-MISC"),
        ("B-NORP", WOJOOD_MAP, "O"),
        ("I-OCC", WOJOOD_MAP, "O"),
        ("B-Politician", FANE_MAP, "B-PER"),
        ("I-Police", FANE_MAP, "I-PER"),
        ("B-Population-Center", FANE_MAP, "B-LOC"),
        ("B-Air", FANE_MAP, "B-MISC"),
        ("B-Group", FANE_MAP, "O"),
        ("O", FANE_MAP, "O"),
    ],
)
def test_map_tag(tag: str, table, expected: str) -> None:
    assert map_tag(tag, table, "test") == expected


@pytest.mark.parametrize("tag", ["B-PLANET", "X-PERS", "PERS"])
def test_map_tag_rejects_unknown(tag: str) -> None:
    with pytest.raises(ValueError, match="unknown tag"):
        map_tag(tag, ANERCORP_MAP, "anercorp")


def test_repair_iob() -> None:
    assert repair_iob(["I-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-LOC"]) == ["B-PER", "I-PER", "O", "B-LOC", "B-ORG", "B-LOC"]
    assert repair_iob(["B-PER", "I-PER", "B-PER"]) == ["B-PER", "I-PER", "B-PER"]


def test_is_valid_iob2() -> None:
    assert is_valid_iob2(["O", "B-PER", "I-PER", "B-LOC"])
    assert not is_valid_iob2(["O", "I-PER"])
    assert not is_valid_iob2(["B-PER", "I-LOC"])
    assert not is_valid_iob2(["B-PERS"])


def test_entity_spans() -> None:
    assert entity_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]) == [("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 6)]


def _marked(sentence: str) -> list[str]:
    tokens = sentence.split()
    return [t for t, m in zip(tokens, date_like(tokens)) if m]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("استضاف البرنامج الأربعاء 18 جانفي 2017 أبطال الفيلم", ["الأربعاء", "18", "جانفي", "2017"]),
        ("في 3 كانون الثاني الماضي", ["3", "كانون", "الثاني", "الماضي"]),
        ("وصل في 30 مايو الجاري", ["30", "مايو", "الجاري"]),
        ("وقعتا عام 1956 م على اتفاق", ["عام", "1956", "م"]),
        ("بتاريخ ( 12 / 4 / 1948 ) صدر", ["بتاريخ", "(", "12", "/", "4", "/", "1948", ")"]),
        ("في الأسبوع الماضي و هذا الشهر", ["الأسبوع", "الماضي", "هذا", "الشهر"]),
        ("وصل أمس الاثنين إلى بكين", ["أمس", "الاثنين"]),
        ("منذ أيار وحزيران وفي جوان", ["منذ", "أيار", "وحزيران", "جوان"]),
        ("في 5 آب وقال الأب", ["5", "آب"]),
        ("مارس الضغط على القرار 1701", []),
        ("قال وزير الخارجية الروسي سيرغي لافروف إن موسكو", []),
        ("١٤ فبراير ٢٠٢٤", ["١٤", "فبراير", "٢٠٢٤"]),
    ],
)
def test_date_like(sentence: str, expected: list[str]) -> None:
    assert _marked(sentence) == expected


def test_date_like_empty() -> None:
    assert date_like([]) == []


def test_date_mask_policy() -> None:
    tokens = ["زار", "بوتين", "بكين", "في", "مايو", "2024"]
    tags = ["O", "B-PER", "B-LOC", "O", "O", "O"]
    assert date_mask(tokens, tags, ANNOTATED_TYPES["anercorp"]) == [False, False, False, False, True, True]
    assert date_mask(tokens, tags, ANNOTATED_TYPES["wojood"]) == [False] * 6
    assert date_mask(["رمضان"], ["B-PER"], ANNOTATED_TYPES["newsfane"]) == [False]


def test_drop_unannotated_for_scoring() -> None:
    predicted = ["B-PER", "O", "B-DATE", "I-DATE", "B-LOC"]
    assert drop_unannotated(predicted, ANNOTATED_TYPES["anercorp"]) == ["B-PER", "O", "O", "O", "B-LOC"]
    assert drop_unannotated(predicted, ANNOTATED_TYPES["wojood"]) == predicted
