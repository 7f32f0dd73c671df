"""The tokenizer the predictors use: a thin layer over a Rust ``tokenizers.Tokenizer``.

Inference needs neither transformers nor torch. A model folder's ``tokenizer.json`` is read
with the `tokenizers` library and its ``tokenizer_config.json`` supplies the settings that
transformers would apply on top (pad token, padding and truncation side, model inputs,
length limit). Each encoding sets truncation exactly as a transformers fast tokenizer does
for the same call and then runs the same ``encode_batch``, so the ids, type ids and word ids
are the ones transformers would give, whichever backend runs the model.

The hamza rule: a BERT normaliser that strips accents turns أ/إ/آ into ا, which costs entity
boundaries on Arabic names; such a normaliser is replaced by one that keeps accents
(:func:`keep_hamza`), here and in :func:`nlpkit.models.loading.load_tokenizer` alike.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenizers import Encoding, Tokenizer

from nlpkit.errors import ModelLoadError
from nlpkit.models.directory import TOKENIZER_FILES

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

logger = logging.getLogger("nlpkit")

HAMZA_PROBE = "أإآ"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "tokenizer_config.json"
SPECIAL_TOKENS_FILE = "special_tokens_map.json"
GENERIC_CLASSES = frozenset({"PreTrainedTokenizerFast", "TokenizersBackend"})
"""transformers classes whose default model inputs omit ``token_type_ids``."""
UNBOUNDED = int(1e30)
"""transformers' ``model_max_length`` when a tokenizer states none."""


@dataclass(frozen=True)
class Encoded:
    """Unpadded model inputs of a batch, one row per model input (overflow windows included).

    Attributes:
        inputs: rows per model input name (``input_ids``, ``token_type_ids``, ``attention_mask``).
        word_ids: per row, the word each token comes from (``None`` for special tokens).
        owners: per row, the index of the batch item it encodes.
    """

    inputs: dict[str, list[list[int]]]
    word_ids: list[list[int | None]]
    owners: list[int]


def keeps_hamza(tokenizer: Tokenizer) -> bool:
    """True when the tokenizer's normaliser leaves أ/إ/آ distinct from ا (no accent stripping)."""
    normalizer = tokenizer.normalizer
    return normalizer is None or normalizer.normalize_str(HAMZA_PROBE) == HAMZA_PROBE


def keep_hamza(tokenizer: Tokenizer) -> Tokenizer:
    """Return ``tokenizer``, or a copy whose normaliser no longer strips accents when it did.

    ``BertNormalizer`` gets ``strip_accents=False`` (what transformers' ``strip_accents=False``
    gives BERT tokenizers) and ``StripAccents`` steps are dropped; nothing else changes.
    """
    if keeps_hamza(tokenizer):
        return tokenizer
    spec = json.loads(tokenizer.to_str())
    spec["normalizer"] = _without_accent_stripping(spec["normalizer"])
    return Tokenizer.from_str(json.dumps(spec))


def _without_accent_stripping(normalizer: dict[str, Any]) -> dict[str, Any]:
    """A normaliser description with accent stripping turned off (recursing into sequences)."""
    if normalizer.get("type") == "BertNormalizer":
        return {**normalizer, "strip_accents": False}
    if normalizer.get("type") == "Sequence":
        steps = [step for step in normalizer["normalizers"] if step.get("type") != "StripAccents"]
        return {**normalizer, "normalizers": [_without_accent_stripping(step) for step in steps]}
    return normalizer


def tokenizer_hint(directory: Path) -> str:
    """Why a tokenizer did not load from ``directory``: the broken file when one is, else what is missing."""
    if not directory.exists():
        return "it is neither a local directory nor a model reachable on the Hugging Face Hub (offline?)"
    present = [name for name in TOKENIZER_FILES if (directory / name).is_file()]
    if not present:
        return "the directory has no tokenizer files (tokenizer.json / vocab.txt)"
    for name in present:
        if name.endswith(".json"):
            try:
                json.loads((directory / name).read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return f"{directory / name} is not valid JSON (corrupted); re-save the tokenizer with tokenizer.save_pretrained()"
    return (f"its tokenizer files ({', '.join(present)}) are corrupted or from an incompatible tokenizers version; "
            "re-save the tokenizer with tokenizer.save_pretrained()")


class ModelTokenizer:
    """What the NER and stance predictors need from a tokenizer, and nothing more.

    Not thread-safe (each call sets the Rust tokenizer's truncation); the analyzer serialises
    model calls.
    """

    def __init__(
        self,
        tokenizer: Tokenizer,
        *,
        model_input_names: Sequence[str],
        pad_token_id: int,
        model_max_length: int = UNBOUNDED,
        padding_side: str = "right",
        truncation_side: str = "right",
    ) -> None:
        """Wrap a Rust tokenizer with the settings transformers keeps beside it.

        Args:
            tokenizer: the Rust tokenizer (its hamza handling is fixed by :func:`keep_hamza`).
            model_input_names: the inputs to produce, in order (``input_ids`` first).
            pad_token_id: the id that pads ``input_ids``.
            model_max_length: the longest input the tokenizer declares.
            padding_side: ``"right"`` or ``"left"``.
            truncation_side: ``"right"`` or ``"left"``.
        """
        self._tokenizer = keep_hamza(tokenizer)
        self._tokenizer.no_padding()
        self._tokenizer.encode_special_tokens = False
        self.model_input_names = tuple(model_input_names)
        self.pad_token_id = pad_token_id
        self.model_max_length = model_max_length
        self.padding_side = padding_side
        self.truncation_side = truncation_side

    @classmethod
    def from_dir(cls, directory: str | Path) -> ModelTokenizer:
        """Read ``tokenizer.json`` and ``tokenizer_config.json`` of a saved model folder.

        Raises:
            ModelLoadError: no readable tokenizer in ``directory`` (the message says why and how to fix it).
        """
        path = Path(directory)
        if not (path / TOKENIZER_FILE).is_file():
            raise ModelLoadError(f"{path} has no {TOKENIZER_FILE}: {tokenizer_hint(path)}. Save the tokenizer there "
                                 "with tokenizer.save_pretrained() (it writes tokenizer.json).")
        try:
            tokenizer = Tokenizer.from_file(str(path / TOKENIZER_FILE))
        except Exception as error:  # noqa: BLE001 - the Rust tokenizers library raises bare Exception on bad files
            raise ModelLoadError(f"Cannot load a tokenizer from {str(path)!r}: {tokenizer_hint(path)}. "
                                 f"({type(error).__name__}: {error})") from None
        config = _read_json(path / CONFIG_FILE)
        pad_token = _token_text(config.get("pad_token") or _read_json(path / SPECIAL_TOKENS_FILE).get("pad_token"))
        pad_id = tokenizer.token_to_id(pad_token) if pad_token is not None else None
        names = config.get("model_input_names") or _default_input_names(config.get("tokenizer_class"))
        wrapped = cls(
            tokenizer, model_input_names=names, pad_token_id=pad_id or 0,
            model_max_length=int(config.get("model_max_length") or UNBOUNDED),
            padding_side=config.get("padding_side") or "right", truncation_side=config.get("truncation_side") or "right",
        )
        wrapped.warn_if_folding(path)
        return wrapped

    @classmethod
    def from_transformers(cls, tokenizer: PreTrainedTokenizerBase) -> ModelTokenizer:
        """Take over the Rust tokenizer and settings of a transformers fast tokenizer (copied, not shared)."""
        backend = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
        return cls(
            backend, model_input_names=tokenizer.model_input_names, pad_token_id=tokenizer.pad_token_id or 0,
            model_max_length=int(min(tokenizer.model_max_length, UNBOUNDED)),
            padding_side=tokenizer.padding_side, truncation_side=tokenizer.truncation_side,
        )

    def warn_if_folding(self, source: Path | str) -> None:
        """Log a warning when the normaliser still folds hamza forms (one :func:`keep_hamza` cannot fix)."""
        if not keeps_hamza(self._tokenizer):
            logger.warning("Tokenizer %s folds أ/إ/آ into ا; entity boundaries on hamza words may suffer.", source)

    def __len__(self) -> int:
        """Vocabulary size, added tokens included (what transformers' ``len(tokenizer)`` gives)."""
        return self._tokenizer.get_vocab_size(with_added_tokens=True)

    def num_special_tokens(self, pair: bool = False) -> int:
        """Special tokens the post-processor adds to one sequence (or to a pair)."""
        return self._tokenizer.num_special_tokens_to_add(pair)

    def encode_words(
        self, sentences: Sequence[Sequence[str]], *, special_tokens: bool = True, max_length: int | None = None
    ) -> Encoded:
        """Encode pre-split sentences (``is_split_into_words``), truncated to ``max_length`` when given."""
        truncation = None if max_length is None else {"max_length": max_length, "stride": 0, "strategy": "longest_first"}
        return self._encode([list(words) for words in sentences], truncation, pretokenized=True,
                            special_tokens=special_tokens, overflow=False)

    def encode_pairs(self, pairs: Sequence[tuple[str, str]], *, max_length: int, stride: int) -> Encoded:
        """Encode ``(first, second)`` pairs, cutting a long second segment into overlapping windows.

        Each window keeps the whole first segment; :attr:`Encoded.owners` maps windows to pairs.
        """
        truncation = {"max_length": max_length, "stride": stride, "strategy": "only_second"}
        return self._encode([tuple(pair) for pair in pairs], truncation, pretokenized=False, special_tokens=True,
                            overflow=True)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text, without special tokens or truncation."""
        return [len(row) for row in self._encode(list(texts), None, pretokenized=False, special_tokens=False,
                                                 overflow=False).inputs["input_ids"]]

    def _encode(self, batch: list[Any], truncation: dict[str, Any] | None, *, pretokenized: bool, special_tokens: bool,
                overflow: bool) -> Encoded:
        """Set truncation as transformers would for this call, encode, and flatten overflow windows."""
        if truncation is None:
            self._tokenizer.no_truncation()
        else:
            self._tokenizer.enable_truncation(**truncation, direction=self.truncation_side)
        encodings = self._tokenizer.encode_batch(batch, add_special_tokens=special_tokens, is_pretokenized=pretokenized)
        rows: list[tuple[int, Encoding]] = [
            (owner, window) for owner, encoding in enumerate(encodings)
            for window in ([encoding, *encoding.overflowing] if overflow else [encoding])
        ]
        fields = {"input_ids": "ids", "token_type_ids": "type_ids", "attention_mask": "attention_mask"}
        inputs = {name: [getattr(window, fields[name]) for _, window in rows]
                  for name in self.model_input_names if name in fields}
        return Encoded(inputs, [window.word_ids for _, window in rows], [owner for owner, _ in rows])


def _default_input_names(tokenizer_class: str | None) -> list[str]:
    """transformers' default model inputs for a tokenizer class that states none in its config.

    Generic fast tokenizers omit ``token_type_ids``; model-specific ones (BERT and kin) give
    them. Where a class omits them its post-processor writes only zeros, which is the default.
    """
    if tokenizer_class in GENERIC_CLASSES:
        return ["input_ids", "attention_mask"]
    return ["input_ids", "token_type_ids", "attention_mask"]


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, or ``{}`` when the file is absent.

    Raises:
        ModelLoadError: the file is not a valid JSON object.
    """
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelLoadError(f"{path} is not valid JSON (corrupted); re-save the tokenizer with "
                             "tokenizer.save_pretrained().") from None
    if not isinstance(value, dict):
        raise ModelLoadError(f"{path} must hold a JSON object; re-save the tokenizer with tokenizer.save_pretrained().")
    return value


def _token_text(token: Any) -> str | None:
    """A special token's text, whether saved as a string or as an ``AddedToken`` dict."""
    if isinstance(token, dict):
        return token.get("content")
    return token if isinstance(token, str) else None
