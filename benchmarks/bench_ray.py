"""Words/second of ``nlpkit analyze`` on JSONL: the serial CLI against the Ray engine with 1 and 2 workers.

``python benchmarks/bench_ray.py [--model fast] [--words 6000] [--out reports/bench_ray.txt]``

The seed articles are repeated into a JSONL corpus of at least ``--words`` words. Rows:

* ``serial CLI``: ``nlpkit analyze corpus.jsonl -f jsonl -o FILE`` (one process; ``--threads`` 1 and 2);
* ``ray CLI``: ``nlpkit analyze corpus.jsonl -f jsonl -o DIR --engine ray --workers N``, which
  starts a local Ray, loads one analyzer per worker, and stops Ray: what a one-off run costs;
* ``ray, warm cluster``: the same pipeline from Python on a Ray that is already running
  (:func:`nlpkit.integrations.ray_data.analyze_files`), so the figure leaves out Ray's start
  but still pays for the workers and their model loads.

Each CLI row is a fresh subprocess timed from start to exit, model load included. Every
variant's output is checked to hold one line per document.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_corpus(path: Path, words: int) -> tuple[int, int]:
    """Write seed articles, repeated, as ``{"id", "text"}`` lines; return (documents, words)."""
    seeds = [seed.read_text(encoding="utf-8") for seed in sorted((ROOT / "seeds").glob("*.txt"))]
    total, count = 0, 0
    with open(path, "w", encoding="utf-8") as handle:
        while total < words:
            text = seeds[count % len(seeds)]
            handle.write(json.dumps({"id": f"doc{count}", "text": text}, ensure_ascii=False) + "\n")
            total += len(text.split())
            count += 1
    return count, total


def count_lines(path: Path) -> int:
    """Lines in a file, or in every ``*.jsonl`` file of a folder."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return sum(1 for file in files for _ in open(file, "rb"))


def time_cli(args: list[str], output: Path, documents: int) -> float:
    """Run ``nlpkit analyze`` in a subprocess; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nlpkit.cli", "analyze", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    assert count_lines(output) == documents, f"{output}: expected {documents} lines"
    return elapsed


def time_warm(corpus: Path, scratch: Path, model: str, workers_list: list[int], documents: int) -> dict[int, float]:
    """Time the Ray pipeline from Python on one local Ray, started before the clock."""
    import ray

    from nlpkit.integrations.batches import AnalyzerSpec
    from nlpkit.integrations.ray_data import analyze_files

    ray.init(include_dashboard=False, logging_level="WARNING",
             runtime_env={"env_vars": {"TRANSFORMERS_VERBOSITY": "error", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}})
    times = {}
    try:
        for workers in workers_list:
            out = scratch / f"warm{workers}"
            start = time.perf_counter()
            analyze_files([str(corpus)], out, AnalyzerSpec(model=model), output_format="jsonl", workers=workers)
            times[workers] = time.perf_counter() - start
            assert count_lines(out) == documents
    finally:
        ray.shutdown()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="fast", help="analyzer directory or tier name")
    parser.add_argument("--words", type=int, default=6000, help="corpus size in words (at least)")
    parser.add_argument("--out", type=Path, help="also write the table here")
    parser.add_argument("--note", default="", help="a line to print under the table (e.g. what else ran)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        corpus = scratch / "corpus.jsonl"
        documents, words = write_corpus(corpus, args.words)
        table = Table(f"corpus: {documents} documents, {words} words; model: {args.model}; {os.cpu_count()} CPUs "
                      f"({platform.processor() or platform.machine()})", words, args.note, args.out)
        for threads in (1, 2):
            out = scratch / f"serial{threads}.jsonl"
            table.add(f"serial CLI, --threads {threads}", time_cli(
                [str(corpus), "-f", "jsonl", "-o", str(out), "--model", args.model, "--threads", str(threads),
                 "--no-progress"], out, documents))
        for workers in (1, 2):
            out = scratch / f"ray{workers}"
            table.add(f"ray CLI, --workers {workers} (local Ray started and stopped)", time_cli(
                [str(corpus), "-f", "jsonl", "-o", str(out), "--model", args.model, "--engine", "ray", "--workers",
                 str(workers), "--no-progress"], out, documents))
        for workers, seconds in time_warm(corpus, scratch, args.model, [1, 2], documents).items():
            table.add(f"ray, warm cluster, {workers} worker{'s' if workers > 1 else ''}", seconds)
    return 0


class Table:
    """The result table, printed and written (``--out``) again after each row, so a cut-short run keeps its rows."""

    def __init__(self, title: str, words: int, note: str, out: Path | None) -> None:
        self.title, self.words, self.note, self.out = title, words, note, out
        self.rows: list[str] = []

    def add(self, name: str, seconds: float) -> None:
        """Add a row, print it, rewrite ``--out``."""
        self.rows.append(f"| {name} | {seconds:.1f} | {self.words / seconds:,.0f} |")
        print(self.rows[-1], flush=True)
        if self.out:
            load = f"load average {os.getloadavg()[0]:.1f} (1 min) after the last row"
            lines = [f"{self.title}; {load}", "| variant | seconds | words/s |", "|---|---:|---:|", *self.rows]
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.out.write_text("\n".join(lines + ([self.note] if self.note else [])) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
