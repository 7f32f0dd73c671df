"""CPU cost of ``Analyzer`` (NER + stance) on repeated seed articles: the embedded tiers against BERT-base.

``python benchmarks/bench_analyze.py [--tiers accurate,fast] [--model DIR] [--threads 2] [--words 20000]``

The seed articles are repeated until the corpus holds at least ``--words`` words; each
document is analysed on its own (``analyzer(text)``), so the latencies are per document and
words/second is the total words over the total time. Every variant runs in a fresh
subprocess, so its peak RSS (``resource.getrusage``) is its own. Rows:

* each embedded tier (``--tiers``; :data:`nlpkit.analysis.analyzer.TIERS`) with the backends it
  ships: ``auto`` (what ``analyze()`` uses) and ONNX int8 for the accurate tier, which ships ONNX
  only, PyTorch fp32 and ONNX int8 for the fast tier; ``--model DIR`` adds any analyzer folder
  (exported to ONNX here when an ONNX variant is asked for);
* a BERT-base-shaped model (12 × 768, random weights, the same tokenizer): the cost of the
  AraBERT path (``--base-variants`` to choose its backends, ``--skip-base`` to leave it out).

End to end, the two models do not do the same work: a random BERT-base finds other entities, so
the analyzer asks it a different number of stance questions (the ``stance pairs`` column). The
second table therefore times the two model components on identical inputs, through the same
code (``NerModel.predict_many`` on every sentence of the corpus, ``StanceModel.predict`` on every
sentence paired with two fixed targets): that ratio is the like-for-like speed-up.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = ("torch", "onnx", "onnx-int8")
COMPACT = {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024}
BASE = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072}


def corpus(words: int) -> list[str]:
    """Seed articles, repeated in order until they hold at least ``words`` words."""
    seeds = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    texts, total = [], 0
    while total < words:
        text = seeds[len(texts) % len(seeds)]
        texts.append(text)
        total += len(text.split())
    return texts


def tokenizer_dir(scratch: Path) -> Path:
    """The compact models' tokenizer (``runs/tokenizer_mini``), or one trained on the seeds."""
    trained = ROOT / "runs" / "tokenizer_mini"
    if (trained / "tokenizer.json").is_file():
        return trained
    from training.tasks.tokenizer import train_tokenizer, wrap_fast_tokenizer

    folder = scratch / "tokenizer"
    wrap_fast_tokenizer(train_tokenizer(iter(corpus(1)), vocab_size=2000, min_frequency=1)).save_pretrained(folder)
    return folder


def random_analyzer(folder: Path, tokenizer_source: Path, shape: dict[str, int]) -> Path:
    """Save a random NER + stance analyzer of ``shape`` with the given tokenizer into ``folder``."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, BertForTokenClassification

    from nlpkit.data.labels import NER_LABELS, STANCE_LABELS

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    for part, labels, model_class in (("ner", NER_LABELS, BertForTokenClassification),
                                      ("stance", STANCE_LABELS, BertForSequenceClassification)):
        config = BertConfig(vocab_size=len(tokenizer), max_position_embeddings=512, id2label=dict(enumerate(labels)),
                            label2id={label: i for i, label in enumerate(labels)}, **shape)
        torch.manual_seed(0)
        model_class(config).save_pretrained(folder / part)
        tokenizer.save_pretrained(folder / part)
    manifest = {"format": "nlpkit-analyzer", "format_version": 1, "ner": "ner", "stance": "stance"}
    (folder / "nlpkit.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def tier_plans(tiers: list[str], scratch: Path) -> list[tuple[str, Path, list[str]]]:
    """(name, folder, backends) of each embedded tier that is installed (a random compact model when none is)."""
    from nlpkit.analysis.analyzer import MANIFEST, TIERS

    plans = []
    for tier in tiers:
        folder = TIERS[tier]
        if not (folder / MANIFEST).is_file():
            print(f"note: the {tier} tier is not installed in this checkout; skipped.", file=sys.stderr)
            continue
        has_torch = all(any((part / name).is_file() for name in ("model.safetensors", "pytorch_model.bin"))
                        for part in (folder / "ner", folder / "stance"))
        plans.append((f"{tier} tier", folder, ["torch", "onnx-int8"] if has_torch else ["auto", "onnx-int8"]))
    if not plans:
        print("note: measuring a RANDOM compact model (4x256) instead of the embedded tiers.", file=sys.stderr)
        plans.append(("compact 4x256 (random)", random_analyzer(scratch / "compact", tokenizer_dir(scratch), COMPACT),
                      ["torch", "onnx-int8"]))
    return plans


def base_tokenizer(plans: list[tuple[str, Path, list[str]]]) -> Path:
    """A tokenizer folder for the BERT-base-shaped model: the first plain (non-ensemble) NER folder."""
    for _, folder, _ in plans:
        if (folder / "ner" / "config.json").is_file():
            return folder / "ner"
    from nlpkit.analysis.analyzer import TIERS

    return TIERS["fast"] / "ner"


def prepare(folder: Path, scratch: Path, name: str, variants: list[str]) -> Path:
    """A copy of ``folder`` with ONNX files when an ONNX variant is measured and the folder has none."""
    from nlpkit.models.directory import INT8_FILE, ONNX_FILE

    present = all((folder / part / INT8_FILE).is_file() or (folder / part / ONNX_FILE).is_file()
                  for part in ("ner", "stance") if (folder / part / "config.json").is_file())
    if present or not any(variant.startswith("onnx") for variant in variants):
        return folder
    from nlpkit.models.onnx_export import export_onnx

    started = time.perf_counter()
    target = export_onnx(folder, scratch / f"{name}-onnx", int8="onnx-int8" in variants)
    print(f"exported {name} to ONNX in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return target


def worker(folder: str, backend: str, threads: int | None, words: int, batch_size: int) -> dict[str, object]:
    """Measure one variant in this process (run as a subprocess by :func:`measure`)."""
    from nlpkit.analysis.analyzer import Analyzer

    started = time.perf_counter()
    analyzer = Analyzer.from_pretrained(folder, backend=backend, threads=threads, batch_size=batch_size)
    load_seconds = time.perf_counter() - started
    texts = corpus(words)
    analyzer(texts[0])  # warm-up
    latencies, pairs = [], 0
    for text in texts:
        started = time.perf_counter()
        document = analyzer(text)
        latencies.append(time.perf_counter() - started)
        pairs += len(document.stances)
    result: dict[str, object] = {
        "words": sum(len(text.split()) for text in texts), "documents": len(texts), "seconds": sum(latencies),
        "latencies": latencies, "load_seconds": load_seconds, "stance_pairs": pairs}
    result.update(components(analyzer, texts, batch_size))
    result["peak_rss_mb"] = peak_rss_mb()
    return result


COMPONENT_TARGETS = ("روسيا", "اليابان")


def components(analyzer: object, texts: list[str], batch_size: int) -> dict[str, float]:
    """Seconds for NER over every sentence and stance over every (fixed target, sentence) pair."""
    from nlpkit.text import split_sentences

    items = [(text, split_sentences(text)) for text in texts]
    questions = [(target, text[start:end]) for text, spans in items for start, end in spans
                 for target in COMPONENT_TARGETS]
    started = time.perf_counter()
    analyzer.ner.predict_many(items, batch_size=batch_size)
    ner_seconds = time.perf_counter() - started
    started = time.perf_counter()
    analyzer.stance.predict(questions, batch_size=batch_size)
    return {"ner_seconds": ner_seconds, "stance_seconds": time.perf_counter() - started,
            "component_pairs": len(questions)}


def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` (reset by exec, unlike ``ru_maxrss``, which a
    child inherits from its parent on Linux), else ``ru_maxrss``."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(folder: Path, backend: str, args: argparse.Namespace) -> dict[str, object]:
    """Run :func:`worker` in a fresh interpreter and return its measurements."""
    command = [sys.executable, __file__, "--worker", str(folder), "--backend", backend, "--words", str(args.words),
               "--batch-size", str(args.batch_size)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: list[tuple[str, str, dict[str, object]]]) -> str:
    """A Markdown table: throughput, latency percentiles, peak RSS and ratios to the first row."""
    lines = ["| model | backend | words/s | × first | mean ms | p50 ms | p95 ms | stance pairs | peak RSS MB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    first = None
    for model, backend, result in rows:
        speed = float(result["words"]) / float(result["seconds"])
        first = first or speed
        latencies = sorted(1000 * value for value in result["latencies"])
        p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        lines.append(f"| {model} | {backend} | {speed:,.0f} | {speed / first:.2f} | {statistics.fmean(latencies):.1f} | "
                     f"{statistics.median(latencies):.1f} | {p95:.1f} | {result['stance_pairs']:,} | "
                     f"{float(result['peak_rss_mb']):.0f} |")
    return "\n".join(lines)


def component_table(rows: list[tuple[str, str, dict[str, object]]]) -> str:
    """Markdown table of the like-for-like component timings, with speed-ups over each BERT-base row."""
    lines = ["| model | backend | NER words/s | stance pairs/s | NER + stance s | × slowest |",
             "|---|---|---:|---:|---:|---:|"]
    totals = [float(r["ner_seconds"]) + float(r["stance_seconds"]) for _, _, r in rows]
    slowest = max(totals)
    for (model, backend, result), total in zip(rows, totals, strict=True):
        lines.append(f"| {model} | {backend} | {float(result['words']) / float(result['ner_seconds']):,.0f} | "
                     f"{float(result['component_pairs']) / float(result['stance_seconds']):,.1f} | {total:.2f} | "
                     f"{slowest / total:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Prepare the models, measure every variant, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="accurate,fast", help="embedded tiers to measure (default accurate,fast)")
    parser.add_argument("--model", help="also measure this analyzer folder")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for inference")
    parser.add_argument("--words", type=int, default=20_000, help="corpus size in words (default 20000)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--variants", default=",".join(VARIANTS), help="backends for --model")
    parser.add_argument("--base-variants", default=",".join(VARIANTS), help="backends for the BERT-base-shaped model")
    parser.add_argument("--skip-base", action="store_true", help="leave out the BERT-base-shaped model")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.backend, args.threads, args.words, args.batch_size)))
        return 0
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    scratch = Path(tempfile.mkdtemp(prefix="nlpkit-bench-"))
    try:
        plans = tier_plans([t for t in args.tiers.split(",") if t], scratch)
        if args.model:
            variants = args.variants.split(",")
            plans.append((f"model ({args.model})", prepare(Path(args.model), scratch, "model", variants), variants))
        if not args.skip_base:
            base = random_analyzer(scratch / "base", base_tokenizer(plans), BASE)
            plans.append(("BERT-base 12x768 (random)", prepare(base, scratch, "base", args.base_variants.split(",")),
                          args.base_variants.split(",")))
        rows = []
        for name, model_dir, variants in plans:
            for variant in variants:
                rows.append((name, variant, measure(model_dir, variant, args)))
                print(f"measured {name} / {variant}", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = rows[0][2]
    print(f"corpus: {result['documents']} documents, {result['words']} words; threads={args.threads or 'default'}; "
          f"batch_size={args.batch_size}")
    print(table(rows))
    pairs = rows[0][2]["component_pairs"]
    print(f"\nsame inputs for every model: NER on all {result['words']} words, stance on {pairs} (target, sentence) pairs")
    print(component_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
