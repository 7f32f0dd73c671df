"""Stance scored through analyze() on whole articles: each pair takes its sentence's record toward its target."""

from __future__ import annotations

from types import SimpleNamespace

from nlpkit.results import Stance
from training.evaluate_articles import predict_in_articles


class ArticleStub:
    """Answers like an Analyzer: the first sentence of the article AGAINST «اليابان», nothing about the second."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, text: str, targets: list[str]) -> SimpleNamespace:
        self.calls.append((text, targets))
        first = text.index(".") + 1
        return SimpleNamespace(stances=[Stance(0, first, "اليابان", "AGAINST", 0.9, "روسيا", 0),
                                        Stance(0, first, "روسيا", "FAVOR", 0.6, "روسيا", 0)])


def test_each_pair_takes_its_sentence_record_and_unasked_pairs_are_none() -> None:
    text = "انتقدت روسيا اليابان. وقالت الخارجية الروسية إن موسكو سترد."
    rows = [{"doc_id": "ant:1", "text": "انتقدت روسيا اليابان.", "target": "اليابان", "label": "AGAINST"},
            {"doc_id": "ant:1", "text": "انتقدت روسيا اليابان.", "target": "الولايات المتحدة", "label": "NONE"},
            {"doc_id": "ant:1", "text": "وقالت الخارجية الروسية إن موسكو سترد.", "target": "اليابان", "label": "AGAINST"}]
    stub = ArticleStub()
    labels, asked = predict_in_articles(stub, rows, {"ant:1": text})
    assert labels == ["AGAINST", "NONE", "NONE"] and asked == 1
    # one call per article, every pair's target requested
    assert stub.calls == [(text, ["الولايات المتحدة", "اليابان"])]
