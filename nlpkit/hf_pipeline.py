"""The ``arabic-news-analysis`` task for :func:`transformers.pipeline`.

``pipeline("arabic-news-analysis", model=DIR)`` loads an analyzer folder (``ner/`` + ``stance/``
+ ``nlpkit.json``, with the small ``config.json`` that
:func:`nlpkit.pipeline_config.write_pipeline_config` adds) and
returns ``Document.to_dict()`` for each text, exactly what :func:`nlpkit.analyze` gives.
Without ``model`` it loads the embedded default model.

Registering needs ``transformers.pipelines``, which takes seconds to import, so ``import nlpkit``
only calls :func:`install`: it registers at once when transformers' pipelines are already
imported, and otherwise right after they are (an import hook that removes itself).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from nlpkit.pipeline_config import MODEL_TYPE, TASK, write_pipeline_config

__all__ = ["MODEL_TYPE", "TASK", "install", "register", "write_pipeline_config"]

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

    from nlpkit.analysis.analyzer import Analyzer

PIPELINES_MODULE = "transformers.pipelines"
_state = {"registered": False}


def _build_classes() -> tuple[type, type, type]:
    """Define the config, model and pipeline classes (imports torch and transformers)."""
    import torch
    from transformers import PretrainedConfig
    from transformers.pipelines import Pipeline

    from nlpkit.analysis.analyzer import EMBEDDED_MODELS, Analyzer

    class NlpkitAnalyzerConfig(PretrainedConfig):
        """Marker config of an analyzer folder (``model_type: nlpkit-analyzer``)."""

        model_type = MODEL_TYPE

    class NlpkitAnalyzerModel(torch.nn.Module):
        """Holds an :class:`Analyzer` where transformers expects a model; it always runs on CPU."""

        config_class = NlpkitAnalyzerConfig

        def __init__(self, analyzer: Analyzer, config: PretrainedConfig | None = None) -> None:
            super().__init__()
            self.analyzer = analyzer
            self.config = config or NlpkitAnalyzerConfig()

        @classmethod
        def from_pretrained(cls, path: str | os.PathLike[str] | None = None, *args: Any, **kwargs: Any) -> NlpkitAnalyzerModel:
            """Load the analyzer at ``path``; ``backend``/``threads``/``batch_size`` come from ``model_kwargs``."""
            options = {key: kwargs[key] for key in ("backend", "threads", "batch_size") if key in kwargs}
            location = None if path is None or Path(path).resolve() == EMBEDDED_MODELS.resolve() else path
            return cls(Analyzer.from_pretrained(location, **options), kwargs.get("config"))

        @property
        def device(self) -> torch.device:
            """Always the CPU (the backends manage their own placement)."""
            return torch.device("cpu")

        def can_generate(self) -> bool:
            """Analyzers do not generate text."""
            return False

    class ArabicNewsAnalysisPipeline(Pipeline):
        """Named entities and target-specific stance; each result is ``Document.to_dict()``."""

        _load_tokenizer = False
        _load_processor = False
        _load_image_processor = False
        _load_video_processor = False
        _load_feature_extractor = False

        def __init__(self, model: Any, *args: Any, device: Any = None, **kwargs: Any) -> None:
            if isinstance(model, Analyzer):
                model = NlpkitAnalyzerModel(model)
            super().__init__(model, *args, device=-1 if device is None else device, **kwargs)

        def _sanitize_parameters(
            self, targets: Any = None, tasks: Any = None, **kwargs: Any
        ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
            forward: dict[str, Any] = {}
            if targets is not None:
                forward["targets"] = [targets] if isinstance(targets, str) else list(targets)
            if tasks is not None:
                forward["tasks"] = [tasks] if isinstance(tasks, str) else list(tasks)
            return {}, forward, {}

        def preprocess(self, inputs: str) -> dict[str, str]:
            from nlpkit.errors import InputError

            if not isinstance(inputs, str):
                raise InputError(f"{TASK} takes a string (or a list of strings), got {type(inputs).__name__}.")
            return {"text": inputs}

        def _forward(self, model_inputs: dict[str, str], targets: list[str] | None = None,
                     tasks: list[str] | None = None) -> dict[str, Any]:
            analyzer = self.model.analyzer
            return {"document": analyzer(model_inputs["text"], targets=targets, tasks=tasks)}

        def postprocess(self, model_outputs: dict[str, Any]) -> dict[str, Any]:
            return model_outputs["document"].to_dict()

    return NlpkitAnalyzerConfig, NlpkitAnalyzerModel, ArabicNewsAnalysisPipeline


def register() -> type:
    """Register the task and the ``nlpkit-analyzer`` config type with transformers (idempotent).

    Returns:
        The pipeline class.
    """
    from transformers import AutoConfig
    from transformers.pipelines import PIPELINE_REGISTRY

    if _state["registered"]:
        return PIPELINE_REGISTRY.supported_tasks[TASK]["impl"]
    from nlpkit.analysis.analyzer import EMBEDDED_MODELS

    config_class, model_class, pipeline_class = _build_classes()
    AutoConfig.register(MODEL_TYPE, config_class, exist_ok=True)
    PIPELINE_REGISTRY.register_pipeline(
        TASK, pipeline_class=pipeline_class, pt_model=model_class,
        default={"model": (str(EMBEDDED_MODELS), None)}, type="text",
    )
    _state["registered"] = True
    return pipeline_class


class _RegisterAfterImport(importlib.abc.MetaPathFinder):
    """Import hook: once ``transformers.pipelines`` has executed, call :func:`register` (then step aside)."""

    def find_spec(self, fullname: str, path: Any = None, target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != PIPELINES_MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            try:
                register()
            except Exception as error:  # never break the user's transformers import
                logging.getLogger("nlpkit").warning("Could not register the %s pipeline: %s", TASK, error)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Make the task available to :func:`transformers.pipeline` without importing transformers now."""
    if _state["registered"]:
        return
    if PIPELINES_MODULE in sys.modules:
        register()
    elif not any(isinstance(finder, _RegisterAfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RegisterAfterImport())
