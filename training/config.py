"""Typed training configuration, loaded from YAML and validated before anything runs.

Every section forbids unknown keys, so a typo fails at load time with the key path named,
never deep inside the Trainer. ``--set a.b=value`` overrides are applied before validation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nlpkit.errors import ConfigError

Task = Literal["tokenizer", "mlm", "ner", "stance"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Section):
    """One labelled data source, as a name understood by ``nlpkit.data.load``."""

    name: str
    split: str = "train"
    weight: float = Field(1.0, gt=0, description="Sampling weight relative to the other sources.")
    limit: int | None = Field(None, gt=0, description="Keep at most this many examples (tests, probes).")
    swap_pairs: bool = Field(
        False, description="Stance only: also train on every pair with target and text swapped (symmetric sets such as ANS)."
    )
    holder_pairs: bool = Field(
        False, description="Stance only: also train on (holder, text) -> NONE for every FAVOR/AGAINST pair whose holder "
        "is named in the text and is not a target there already (a party's stance toward itself is NONE)."
    )
    variant: Literal["substituted_targets", "replaced_mentions"] | None = Field(
        None, description="Train on rewritten copies of the source instead of its rows (training.augment): "
        "'substituted_targets' (stance: another state in place of a state target) or 'replaced_mentions' "
        "(ner: entities swapped for others of the same type). List the source twice for both."
    )
    variant_seed: int = Field(0, description="Seed of the variant's random choices.")


class DataConfig(_Section):
    """Where the data comes from."""

    dir: str | None = Field(None, description="Data directory; default $NLPKIT_DATA or ../shared/data.")
    corpora: list[Literal["ant", "saudinewsnet"]] = Field(default_factory=lambda: ["ant", "saudinewsnet"])
    max_documents: int | None = Field(None, gt=0, description="Cap raw documents (tokenizer/mlm).")
    text_files: list[str] = Field(default_factory=list, description="Extra plain-text files, one document a line.")
    train: list[SourceConfig] = Field(default_factory=list)
    eval: list[SourceConfig] = Field(default_factory=list)


class ArchitectureConfig(_Section):
    """Shape of an encoder trained from scratch (task ``mlm``)."""

    hidden_size: int = Field(256, gt=0)
    num_hidden_layers: int = Field(4, gt=0)
    num_attention_heads: int = Field(4, gt=0)
    intermediate_size: int = Field(1024, gt=0)
    max_position_embeddings: int = Field(512, gt=0)
    hidden_dropout_prob: float = Field(0.1, ge=0, lt=1)
    attention_probs_dropout_prob: float = Field(0.1, ge=0, lt=1)


class ModelConfig(_Section):
    """The base model: a hub name or a local directory (``model.name_or_path`` is a fixed key)."""

    name_or_path: str | None = None
    tokenizer: str | None = Field(None, description="Tokenizer dir/name if it differs from name_or_path.")
    architecture: ArchitectureConfig = Field(default_factory=ArchitectureConfig)
    max_length: int = Field(128, gt=8)
    freeze_word_embeddings: bool = Field(
        False, description="ner/stance: keep the input word embeddings fixed (large multilingual vocabularies).")
    freeze_layers: int = Field(
        0, ge=0, description="ner/stance: also keep the lowest N encoder layers fixed (less backward work on a CPU).")
    pair_format: Literal["plain", "marked-target"] = Field(
        "plain", description="stance: 'marked-target' brackets the target's mentions in each sentence "
        "(nlpkit.text.mentions.mark_target), in training and, from config.json, at inference.")
    context_words: int = Field(
        0, ge=0, description="ner: read each sentence with at most this many words of the sentences before and after "
        "it in its source (untagged, within max_length), in training and, from config.json, at inference.")
    init_embeddings: Literal["word2vec"] | None = Field(
        None, description="mlm: initialise input embeddings with skip-gram vectors trained on the same text.")


class TokenizerConfig(_Section):
    """WordPiece vocabulary training (task ``tokenizer``)."""

    vocab_size: int = Field(16000, gt=100)
    min_frequency: int = Field(2, ge=1)
    limit_alphabet: int = Field(500, gt=0)


class TrainConfig(_Section):
    """Optimisation settings, passed on to ``transformers.TrainingArguments``."""

    max_steps: int = Field(-1, description="Cap on optimisation steps; -1 means run `epochs`.")
    epochs: float = Field(3.0, gt=0)
    batch_size: int = Field(32, gt=0)
    eval_batch_size: int = Field(64, gt=0)
    gradient_accumulation_steps: int = Field(1, gt=0)
    learning_rate: float = Field(5e-5, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.06, ge=0, lt=1)
    lr_scheduler_type: str = "linear"
    mlm_probability: float = Field(0.15, gt=0, lt=1)
    save_steps: int = Field(500, gt=0)
    save_total_limit: int = Field(2, gt=0)
    eval_steps: int | None = Field(None, gt=0, description="Evaluate every N steps; default once per epoch.")
    logging_steps: int = Field(50, gt=0)
    resume: bool = Field(True, description="Resume from the last checkpoint in output_dir when there is one.")
    threads: int | None = Field(None, gt=0, description="torch intra-op threads (CPU).")
    class_weights: bool = Field(False, description="Weight the stance loss by inverse class frequency (task stance).")
    label_smoothing: float = Field(
        0.0, ge=0.0, lt=1.0,
        description="Label smoothing of the cross-entropy (ner, stance): the gold class gets 1 - x plus its share of x.")
    event_loss_weight: float = Field(
        0.0, ge=0.0,
        description="Stance only: weight of an auxiliary loss that predicts each news pair's event type (news_stance's "
        "`event`) from the same pooled output; the event head is training-only and is not saved. BERT-type models.")
    bf16: bool = False
    best_on: Literal["first", "mean"] = Field(
        "first", description="Best checkpoint by the first eval set's metric, or by its mean over all eval sets.")
    keep: Literal["best", "last"] = Field(
        "best", description="Weights saved in output_dir at the end: the best checkpoint by best_on, restored, or the "
        "last step's (what a rule that names the last checkpoint scores); metrics.json names the best either way.")
    dataloader_num_workers: int = Field(0, ge=0)
    group_by_length: bool = Field(
        False, description="Batch inputs of similar length together (less padding; faster on CPU).")


class Config(_Section):
    """A whole training run."""

    task: Task
    output_dir: str
    seed: int = 42
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    tokenizer: TokenizerConfig = Field(default_factory=TokenizerConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)

    def resolved_dict(self) -> dict[str, Any]:
        """The fully-defaulted config as plain data (written next to the model)."""
        return self.model_dump(mode="json")


def _parse_scalar(raw: str) -> Any:
    """Parse an override value with YAML rules (``3`` → int, ``null`` → None); pydantic coerces the rest."""
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def apply_overrides(raw: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``key.path=value`` overrides to a raw config mapping (a copy is returned)."""
    result: dict[str, Any] = _deep_copy(raw)
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. --set train.max_steps=100")
        key, value = item.split("=", 1)
        parts = [p for p in key.strip().split(".") if p]
        if not parts:
            raise ConfigError(f"--set {item!r}: empty key")
        node = result
        for depth, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"--set {item!r}: {'.'.join(parts[: depth + 1])} is not a section")
            node = child
        node[parts[-1]] = _parse_scalar(value)
    return result


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _format_validation_error(error: ValidationError, source: str) -> str:
    lines = [f"Invalid training config {source}:"]
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see configs/README.md for the schema)"
        elif item["type"] == "missing":
            message = "required key is missing"
        else:
            message = item["msg"]
        lines.append(f"  {path}: {message}")
    return "\n".join(lines)


def parse_config(raw: Any, *, source: str = "<dict>") -> Config:
    """Validate a raw mapping into a :class:`Config`, raising :class:`ConfigError` with key paths."""
    if not isinstance(raw, dict):
        raise ConfigError(f"Invalid training config {source}: the top level must be a mapping of keys, got {type(raw).__name__}.")
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_format_validation_error(error, source)) from None


def load_config(path: str | os.PathLike[str], overrides: list[str] | None = None) -> Config:
    """Read a YAML config file, apply ``--set`` overrides, validate.

    Raises:
        ConfigError: missing file, malformed YAML, unknown keys or wrong types (key path named).
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"Config file not found: {file}. Pass a YAML file such as configs/ner_mini.yaml.")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"Malformed YAML in {file}{where}: {getattr(error, 'problem', error)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"Invalid training config {file}: the top level must be a mapping of keys.")
    return parse_config(apply_overrides(raw, overrides or []), source=str(file))
