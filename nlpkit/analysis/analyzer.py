"""The :class:`Analyzer`: a thin pipeline over an entity predictor and an optional stance predictor.

For each document: sentences → entities (with canonical names) → holders → targets and
(target, sentence) pairs → stances → summary. Sentences of several documents share NER
batches and their pairs share stance batches (:meth:`Analyzer.pipe`). The logic of each step
lives in its own module (``canonical``, ``holders``, ``targets``, ``assemble``).

A saved analyzer is a directory with ``ner/``, ``stance/`` and an ``nlpkit.json`` manifest.

Inputs are checked by :mod:`nlpkit.analysis.inputs` (the contract is documented there). One
analyzer may be shared by several threads: its model calls (tokenizer and forward pass) run
under a per-analyzer lock, since fast tokenizers change their truncation/padding state on each
call; the rule-based steps run in parallel.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nlpkit._version import __version__
from nlpkit.analysis.assemble import build_entities, build_stance, summarize
from nlpkit.analysis.gazetteer import after_team_word
from nlpkit.analysis.media import named_as_outlet
from nlpkit.analysis.holders import attribute_holders
from nlpkit.analysis.titles import official_titles
from nlpkit.analysis.inputs import as_text, check_batch_size, check_targets, iter_texts
from nlpkit.analysis.canonical import EntityGroup
from nlpkit.analysis.targets import StancePair, fold_metonyms, resolve_targets, stance_pairs, state_holders
from nlpkit.errors import ConfigError, InputError, ModelLoadError
from nlpkit.analysis.nisba import drop_nisba
from nlpkit.models.ner import EntitySpan
from nlpkit.pipeline_config import write_pipeline_config
from nlpkit.results import Document, Entity, Sentence
from nlpkit.text.boilerplate import boilerplate_spans, inside
from nlpkit.text.sentences import split_sentences

MANIFEST = "nlpkit.json"
MANIFEST_FORMAT = "nlpkit-analyzer"
EMBEDDED_ROOT = Path(__file__).resolve().parents[1] / "resources" / "models"
TIERS = {"accurate": EMBEDDED_ROOT / "accurate", "fast": EMBEDDED_ROOT / "fast"}
"""The embedded model tiers, by name: ``nlpkit.load("fast")``, ``--model fast``."""
DEFAULT_TIER = "accurate"
"""The tier that ``nlpkit.load()`` / ``analyze()`` use when no model is named (alias ``"default"``)."""
EMBEDDED_MODELS = TIERS[DEFAULT_TIER]
TASKS = ("ner", "stance")
DOCUMENTS_PER_CHUNK = 32
"""Documents whose sentences :meth:`Analyzer.pipe` batches together."""


class EntityPredictor(Protocol):
    """What the analyzer needs from an NER component (see :class:`nlpkit.models.ner.NerModel`)."""

    def predict_many(
        self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]], *, batch_size: int | None = None
    ) -> list[list[EntitySpan]]:
        """Entity spans for each ``(text, sentence spans)``."""
        ...


class StancePredictor(Protocol):
    """What the analyzer needs from a stance component (see :class:`nlpkit.models.stance.StanceModel`)."""

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int | None = None) -> list[tuple[str, float]]:
        """``(label, probability)`` for each ``(target, text)`` pair."""
        ...


@dataclass
class _Work:
    """A document between the NER and the stance step."""

    text: str
    sentences: list[tuple[int, int]]
    entities: tuple[Entity, ...] = ()
    holders: Sequence[str | None] = ()
    pairs: Sequence[StancePair] = ()


def _holders(text: str, sentences: Sequence[tuple[int, int]], entities: Sequence[Entity],
             groups: Sequence[EntityGroup]) -> list[str | None]:
    """Each sentence's holder by the rules, a capital named as the state its group folded into."""
    return state_holders(attribute_holders(text, sentences, entities), entities, groups)


class Analyzer:
    """Named entities and target-specific stance for Arabic news articles."""

    def __init__(self, ner: EntityPredictor, stance: StancePredictor | None = None, *, batch_size: int = 16,
                 places: frozenset[str] = frozenset(), city_countries: dict[str, str] | None = None,
                 states: Mapping[str, str] | None = None, skip_boilerplate: bool = True) -> None:
        """Compose an analyzer from its components.

        Args:
            ner: the entity predictor.
            stance: the stance predictor; without one only ``tasks=("ner",)`` is available.
            batch_size: default number of model inputs per forward pass.
            places: name keys of known places, so their nisba adjectives («اليابانى») are not entities.
            city_countries: city → country name keys, so «طوكيو» and «اليابان» are one stance target.
            states: name key of every form of a state → its display name
                (:func:`nlpkit.analysis.states.state_names`), so «أمريكا» and «الولايات المتحدة» are one entity.
            skip_boilerplate: ask no stance questions of sentences inside page boilerplate
                (keyword, source and share lines, "read also" lists, stories appended after the
                keywords; :mod:`nlpkit.text.boilerplate`). Their entities are still reported.
        """
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
        self.ner = ner
        self.stance = stance
        self.batch_size = batch_size
        self._model_lock = threading.Lock()
        self.places = places
        self.city_countries = city_countries or {}
        self.states = states or {}
        self.skip_boilerplate = skip_boilerplate

    @classmethod
    def from_pretrained(
        cls,
        path_or_name: str | os.PathLike[str] | None = None,
        *,
        backend: str = "auto",
        threads: int | None = None,
        batch_size: int = 16,
        gazetteer: bool = True,
        skip_boilerplate: bool = True,
    ) -> Analyzer:
        """Load an analyzer directory, a single NER model directory, or the embedded model.

        Args:
            path_or_name: a directory with ``nlpkit.json`` (``ner/`` + ``stance/``), a
                token-classification directory (NER only), a Hub id, an embedded tier name
                (``"accurate"``, ``"fast"``; see :data:`TIERS`), or ``None``/``"default"`` for
                the default tier.
            backend: inference backend: ``"auto"`` (the graph a folder's config names, as the
                embedded tiers do; else PyTorch when installed and the folder has PyTorch
                weights; else the folder's ONNX graph, int8 first), ``"torch"``, ``"onnx"`` or
                ``"onnx-int8"``.
            threads: CPU threads for inference (left alone when ``None``).
            batch_size: model inputs per forward pass.
            gazetteer: add CLDR place names the model missed (``nlpkit.analysis.gazetteer``;
                +0.2 entity F1 on ANERcorp test for the default model, see model_card.md).
            skip_boilerplate: see :class:`Analyzer`.

        Raises:
            ModelLoadError: nothing loadable there; the message names the file and the fix.
        """
        from nlpkit.models.ensemble import load_ner, load_stance

        ner_dir, stance_dir = resolve_model_dirs(path_or_name)
        options: dict[str, Any] = {"backend": backend, "threads": threads, "batch_size": batch_size}
        ner: EntityPredictor = load_ner(ner_dir, **options)
        places: frozenset[str] = frozenset()
        city_countries: dict[str, str] = {}
        states: dict[str, str] = {}
        if gazetteer:
            from nlpkit.analysis.gazetteer import GazetteerRuler, cldr_city_countries
            from nlpkit.analysis.states import state_names

            ruler = GazetteerRuler.from_cldr(ner)
            ner, places, city_countries, states = ruler, ruler.places, cldr_city_countries(), state_names()
        stance = load_stance(stance_dir, **options) if stance_dir is not None else None
        return cls(ner, stance, batch_size=batch_size, places=places, city_countries=city_countries, states=states,
                   skip_boilerplate=skip_boilerplate)

    def save_pretrained(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``ner/``, ``stance/`` (when present) and ``nlpkit.json`` into ``directory``.

        Raises:
            ConfigError: a component that cannot save itself (e.g. a test stub).
        """
        target = Path(directory)
        components = {"ner": self.ner, "stance": self.stance}
        manifest: dict[str, Any] = {"format": MANIFEST_FORMAT, "format_version": 1, "nlpkit_version": __version__}
        for name, component in components.items():
            if component is None:
                manifest[name] = None
                continue
            save = getattr(component, "save_pretrained", None)
            if save is None:
                raise ConfigError(f"The {name} component {type(component).__name__} has no save_pretrained(); "
                                  "only analyzers built from model directories can be saved.")
            save(target / name)
            manifest[name] = name
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        write_pipeline_config(target)
        return target

    @property
    def tasks(self) -> tuple[str, ...]:
        """The tasks this analyzer can run."""
        return TASKS if self.stance is not None else ("ner",)

    def __call__(
        self,
        text: str | bytes,
        *,
        targets: Sequence[str] | None = None,
        tasks: Sequence[str] | None = None,
        batch_size: int | None = None,
    ) -> Document:
        """Analyse one text.

        Args:
            text: the article (``str``, or UTF-8 ``bytes``); empty or blank text gives an
                empty document.
            targets: extra stance targets (asked of every sentence) on top of the document's
                main entities.
            tasks: ``("ner",)``, ``("stance",)`` or both; default: every task the analyzer
                has (``("ner", "stance")`` with a stance model).
            batch_size: override the analyzer's batch size for this call.

        Raises:
            InputTypeError: ``text`` is not a ``str`` or bytes.
            InputError: undecodable bytes or lone surrogates (see :mod:`nlpkit.analysis.inputs`).
        """
        return next(self.pipe([as_text(text)], targets=targets, tasks=tasks, batch_size=batch_size))

    def pipe(
        self,
        texts: Iterable[str],
        *,
        targets: Sequence[str] | None = None,
        tasks: Sequence[str] | None = None,
        batch_size: int | None = None,
    ) -> Iterator[Document]:
        """Analyse texts lazily, batching the sentences of consecutive documents together.

        Returns:
            A generator of one :class:`~nlpkit.results.Document` per text, in order.

        Raises:
            ConfigError: unknown tasks, a bad batch size, or stance asked of an analyzer without
                a stance model (raised by this call, before any text is read).
            InputTypeError: ``texts`` is a single text, a mapping, a set or not iterable, or an
                item is not a ``str`` (raised by this call for a list or tuple, while iterating
                otherwise); the message names the item and its index.
        """
        chosen = self._check_tasks(tasks)
        size = check_batch_size(batch_size) or self.batch_size
        return self._stream(iter_texts(texts), check_targets(targets), chosen, size)

    def _stream(
        self, texts: Iterator[str], targets: Sequence[str] | None, tasks: tuple[str, ...], batch_size: int
    ) -> Iterator[Document]:
        """Analyse the texts chunk by chunk, lazily.

        A bad item raises once the documents before it have been yielded.
        """
        while True:
            chunk: list[str] = []
            try:
                chunk.extend(itertools.islice(texts, DOCUMENTS_PER_CHUNK))
            except InputError:
                yield from self._analyze_chunk(chunk, targets, tasks, batch_size)
                raise
            yield from self._analyze_chunk(chunk, targets, tasks, batch_size)
            if len(chunk) < DOCUMENTS_PER_CHUNK:
                return

    def _check_tasks(self, tasks: Sequence[str] | None) -> tuple[str, ...]:
        """Validate the requested tasks once, with one clear error."""
        if tasks is None:
            return self.tasks
        chosen = tuple(dict.fromkeys([tasks] if isinstance(tasks, str) else tasks))
        unknown = [task for task in chosen if task not in TASKS]
        if unknown or not chosen:
            raise ConfigError(f"Unknown tasks {unknown or chosen!r}; choose among {', '.join(TASKS)}.")
        if "stance" in chosen and self.stance is None:
            raise ConfigError("Stance was requested but this analyzer has no stance model; pass tasks=('ner',) or "
                              "load an analyzer directory with a stance/ model.")
        return chosen

    def _analyze_chunk(
        self, texts: list[str], targets: Sequence[str] | None, tasks: tuple[str, ...], batch_size: int
    ) -> list[Document]:
        """Run the pipeline on a few documents at once."""
        if not texts:
            return []
        work = [_Work(text, split_sentences(text)) for text in texts]
        with self._model_lock:
            predictions = self.ner.predict_many([(item.text, item.sentences) for item in work], batch_size=batch_size)
        for item, spans in zip(work, predictions, strict=True):
            item.entities, groups = build_entities(item.text, drop_nisba(item.text, spans, self.places), self.states)
            if "stance" in tasks:
                groups = self._fold_cities(item.text, item.entities, groups)
                item.holders = _holders(item.text, item.sentences, item.entities, groups)
                outlets = {entity.canonical for entity in item.entities
                           if named_as_outlet(item.text, entity.start, entity.text)}
                chosen = resolve_targets(groups, targets, outlets=outlets)
                skip = self._boilerplate_sentences(item) if self.skip_boilerplate else ()
                titles = official_titles(item.text, item.entities)
                item.pairs = stance_pairs(item.sentences, item.entities, chosen, item.holders, skip, titles)
        labels = self._classify(work, batch_size) if "stance" in tasks else iter(())
        return [self._document(item, labels, tasks) for item in work]

    def _fold_cities(self, text: str, entities: Sequence[Entity], groups: list[EntityGroup]) -> list[EntityGroup]:
        """Groups with each city folded into its state's when the document names the state (not a club's city)."""
        if not self.city_countries:
            return groups
        teams = {entity.canonical for entity in entities if after_team_word(text, entity.start)}
        return fold_metonyms(groups, self.city_countries, teams)

    def sentence_holders(self, text: str, entities: Sequence[Entity]) -> list[str | None]:
        """The holder of each sentence of ``text`` (:func:`~nlpkit.text.sentences.split_sentences`) as
        :meth:`analyze` reports it, from the document's ``entities`` (a :class:`~nlpkit.results.Document`'s), so a
        NER-only run (``tasks=("ner",)``) can still say who speaks where.

        Raises:
            InputError: ``text`` is not a text, or an entity does not stand in it where its offsets say.
        """
        text = as_text(text)
        misplaced = next((entity for entity in entities if not isinstance(entity, Entity)
                          or text[entity.start:entity.end] != entity.text), None)
        if misplaced is not None:
            raise InputError(f"{misplaced!r} is not an entity of this text (its offsets must give its text); pass the "
                             "entities of the Document that analyze() returned for the same text.")
        sentences = split_sentences(text)
        spans = [EntitySpan(entity.start, entity.end, entity.label, entity.score) for entity in entities]
        rebuilt, groups = build_entities(text, spans, self.states)
        return _holders(text, sentences, rebuilt, self._fold_cities(text, rebuilt, groups))

    @staticmethod
    def _boilerplate_sentences(item: _Work) -> list[bool]:
        """Per sentence: whether it lies inside page boilerplate."""
        spans = boilerplate_spans(item.text)
        return [bool(spans) and inside(sentence, spans, item.text) for sentence in item.sentences]

    def _classify(self, work: Sequence[_Work], batch_size: int) -> Iterator[tuple[str, float]]:
        """Stance labels for every pair of every document, in order."""
        if self.stance is None:
            return iter(())
        questions = [(pair.target.name, item.text[slice(*item.sentences[pair.sentence])])
                     for item in work for pair in item.pairs]
        with self._model_lock:
            return iter(self.stance.predict(questions, batch_size=batch_size))

    @staticmethod
    def _document(item: _Work, labels: Iterator[tuple[str, float]], tasks: tuple[str, ...]) -> Document:
        """Assemble one document's results."""
        stances = tuple(
            build_stance(item.sentences[pair.sentence], pair.sentence, pair.target.name, *next(labels),
                         item.holders[pair.sentence])
            for pair in item.pairs
        )
        return Document(
            text=item.text,
            sentences=tuple(Sentence(start, end, item.text[start:end]) for start, end in item.sentences),
            entities=item.entities if "ner" in tasks else (),
            stances=stances,
            summary=summarize(stances),
            meta={"tasks": list(tasks)},
        )


def resolve_model_dirs(path_or_name: str | os.PathLike[str] | None) -> tuple[Path, Path | None]:
    """Find the NER and stance directories of an analyzer location.

    Raises:
        ModelLoadError: the location does not exist, has a broken manifest, or holds no model.
    """
    if path_or_name is None or str(path_or_name) == "default" or str(path_or_name) in TIERS:
        embedded = EMBEDDED_MODELS if path_or_name is None or str(path_or_name) == "default" else TIERS[str(path_or_name)]
        if not (embedded / MANIFEST).is_file():
            raise ModelLoadError(
                f"The embedded nlpkit model is missing ({embedded / MANIFEST} not found): this install ships "
                "without trained weights. Train the NER and stance models (python -m training.train CONFIG.yaml), "
                f"then save them with Analyzer(...).save_pretrained('{embedded}'), or pass a model directory: "
                "nlpkit.load('path/to/model')."
            )
        return _read_manifest(embedded)
    path = Path(path_or_name)
    if not path.is_dir():
        path = _hub_snapshot(str(path_or_name))
    if (path / MANIFEST).is_file():
        return _read_manifest(path)
    if (path / "ner").is_dir():
        return path / "ner", (path / "stance" if (path / "stance").is_dir() else None)
    if (path / "config.json").is_file() or (path / "ensemble.json").is_file():
        return path, None
    raise ModelLoadError(f"{path} holds no model: expected {MANIFEST} (an analyzer saved with save_pretrained()), "
                         "a ner/ folder, or config.json (a token-classification model).")


def _hub_snapshot(name: str) -> Path:
    """Download (or find in the local cache) a Hugging Face Hub repository such as ``org/ner-model``.

    Raises:
        ModelLoadError: not a local directory, and not a Hub repository reachable or cached here.
    """
    if name.count("/") != 1 or name.startswith((".", "/", "~")):
        raise ModelLoadError(f"Model directory {name} does not exist; pass a folder written by Analyzer.save_pretrained(), "
                             "a token-classification model folder, or a Hub id such as 'org/name'.")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    try:
        return Path(snapshot_download(name))
    except (OSError, ValueError, HFValidationError) as error:
        raise ModelLoadError(f"{name!r} is not a local directory and could not be fetched from the Hugging Face Hub "
                             f"({type(error).__name__}); check the name, or download it where the Hub is reachable "
                             "and pass the local folder.") from None


def _read_manifest(path: Path) -> tuple[Path, Path | None]:
    """Read ``nlpkit.json`` and return the component directories it names."""
    manifest_file = path / MANIFEST
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{manifest_file} cannot be read ({error}); re-save the analyzer with save_pretrained().") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT or not manifest.get("ner"):
        raise ModelLoadError(f"{manifest_file} is not an nlpkit analyzer manifest (needs format={MANIFEST_FORMAT!r} and "
                             "a 'ner' folder); re-save the analyzer with save_pretrained().")
    stance = manifest.get("stance")
    return path / manifest["ner"], (path / stance if stance else None)
