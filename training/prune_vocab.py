"""Prune a SentencePiece-unigram encoder's vocabulary to the pieces Arabic news uses.

``python -m training.prune_vocab --model runs/e5 --out runs/e5-pruned``

multilingual-e5-small has 250,037 embedding rows (96 M of its 118 M parameters) for about 100
languages. Arabic news uses a small part of them: every piece that the tokenizer produces on the
raw news corpora and the training splits of the labelled sets is kept, plus every
single-character piece of the scripts that appear in Arabic news (everything but CJK, Hangul and
the like), so new text falls back to characters instead of ``<unk>``. Special tokens keep their
places. The embedding rows are copied in the pieces' original order, so on text made of kept
pieces the pruned tokenizer segments exactly as the full one does (unigram segmentation picks
the best path over the pieces that exist, and every piece of that path is kept).
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from nlpkit.errors import NlpkitError

logger = logging.getLogger("training")

DROPPED_SCRIPTS = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "YI", "TANGUT", "EGYPTIAN", "CUNEIFORM")
"""Scripts whose single-character pieces are not kept unless the text uses them."""
BATCH = 2000


def single_character_pieces(vocab: list[list]) -> set[int]:
    """Ids of pieces made of one character (with or without the ``▁`` word marker), outside :data:`DROPPED_SCRIPTS`."""
    keep = set()
    for index, (piece, _) in enumerate(vocab):
        bare = piece.replace("▁", "")
        if len(bare) == 1 and not unicodedata.name(bare, "").startswith(DROPPED_SCRIPTS):
            keep.add(index)
        elif piece == "▁":
            keep.add(index)
    return keep


def used_pieces(tokenizer_file: Path, texts: Iterable[str]) -> tuple[set[int], int]:
    """Ids the tokenizer produces on ``texts``, and how many texts were read."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_truncation()
    used: set[int] = set()
    count = 0
    iterator = iter(texts)
    while batch := list(itertools.islice(iterator, BATCH)):
        for encoding in tokenizer.encode_batch(batch, add_special_tokens=False):
            used.update(encoding.ids)
        count += len(batch)
    return used, count


def default_texts(data_dir: str | None) -> Iterator[str]:
    """The raw news corpora, the labelled sets' training text and the seed articles."""
    from nlpkit.data.readers.corpus import iter_corpus, iter_dataset_text

    yield from iter_corpus("all", data_dir=data_dir)
    yield from iter_dataset_text(data_dir=data_dir)
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        yield path.read_text(encoding="utf-8")


def prune(model_dir: Path, out: Path, keep: set[int]) -> dict[str, int]:
    """Write ``model_dir`` to ``out`` with only the pieces in ``keep`` (special tokens always kept)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    spec = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]
    specials = {token["id"] for token in spec["added_tokens"]}
    kept = sorted(keep | specials)
    new_id = {old: new for new, old in enumerate(kept)}
    spec["model"]["vocab"] = [vocab[i] for i in kept]
    spec["model"]["unk_id"] = new_id[spec["model"]["unk_id"]]
    for token in spec["added_tokens"]:
        token["id"] = new_id[token["id"]]
    for special in (spec.get("post_processor") or {}).get("special_tokens", {}).values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    model = AutoModel.from_pretrained(model_dir, dtype=torch.float32)
    old = model.get_input_embeddings().weight.data
    embedding = torch.nn.Embedding(len(kept), old.shape[1], padding_idx=new_id.get(model.config.pad_token_id))
    embedding.weight.data.copy_(old[torch.tensor(kept)])
    model.set_input_embeddings(embedding)
    model.config.vocab_size = len(kept)
    for name in ("pad_token_id", "bos_token_id", "eos_token_id"):
        value = getattr(model.config, name, None)
        if value is not None:
            setattr(model.config, name, new_id[value])
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    (out / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tokenizer.save_pretrained(out / "_tmp_tokenizer")
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        if (out / "_tmp_tokenizer" / name).is_file():
            (out / "_tmp_tokenizer" / name).replace(out / name)
    for leftover in (out / "_tmp_tokenizer").iterdir():
        leftover.unlink()
    (out / "_tmp_tokenizer").rmdir()
    provenance = model_dir / "PROVENANCE.json"
    record = json.loads(provenance.read_text(encoding="utf-8")) if provenance.is_file() else {}
    record["pruned"] = {"from_vocab": len(vocab), "to_vocab": len(kept),
                        "rule": "pieces used by the news corpora + labelled train text + seeds, single characters of non-CJK scripts"}
    (out / "PROVENANCE.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"from": len(vocab), "to": len(kept)}


def main(argv: list[str] | None = None) -> int:
    """CLI: prune ``--model`` into ``--out`` and log the counts."""
    parser = argparse.ArgumentParser(prog="python -m training.prune_vocab", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="encoder checkpoint with a unigram tokenizer.json")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data-dir", help="data directory (default $NLPKIT_DATA or ../shared/data)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        vocab = json.loads((args.model / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
        used, texts = used_pieces(args.model / "tokenizer.json", default_texts(args.data_dir))
        singles = single_character_pieces(vocab)
        logger.info("%d texts use %d pieces; %d single-character pieces; %d kept", texts, len(used), len(singles),
                    len(used | singles))
        counts = prune(args.model, args.out, used | singles)
    except (NlpkitError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    logger.info("vocabulary %d -> %d pieces in %s", counts["from"], counts["to"], args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
