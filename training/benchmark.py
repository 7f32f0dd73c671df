"""Time training steps of a randomly initialised BERT token classifier on this machine.

``python -m training.benchmark --layers 4 --hidden 256 --batch 32 --seq 128 --threads 2``

One step is forward + backward + AdamW update on random token ids (full-length sequences,
11 NER labels), the shape of a fine-tuning step. The first ``--warmup`` steps are not timed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch
from transformers import BertConfig, BertForTokenClassification


def time_steps(*, layers: int, hidden: int, batch: int, seq: int, steps: int = 5, warmup: int = 1,
               vocab: int = 16000, bf16: bool = False) -> list[float]:
    """Seconds per training step for one model shape (``hidden / 64`` heads, ``4 * hidden`` FFN)."""
    torch.manual_seed(0)
    config = BertConfig(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=max(1, hidden // 64),
                        intermediate_size=4 * hidden, max_position_embeddings=max(512, seq), num_labels=11)
    model = BertForTokenClassification(config).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ids = torch.randint(5, vocab, (batch, seq))
    labels = torch.randint(0, 11, (batch, seq))
    times: list[float] = []
    for step in range(warmup + steps):
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    """CLI: print the median and all step times."""
    parser = argparse.ArgumentParser(prog="python -m training.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bf16", action="store_true", help="CPU autocast to bfloat16")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    times = time_steps(layers=args.layers, hidden=args.hidden, batch=args.batch, seq=args.seq, steps=args.steps,
                       warmup=args.warmup, bf16=args.bf16)
    print(f"{args.layers}x{args.hidden} batch {args.batch} seq {args.seq} threads {args.threads} bf16 {args.bf16}: "
          f"median {statistics.median(times):.2f}s/step  ({', '.join(f'{t:.2f}' for t in times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
