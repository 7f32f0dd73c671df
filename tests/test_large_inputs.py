"""Large inputs (slow; run with ``python -m pytest -m slow``): a 5 MB article and a 50,000-document JSONL stream.

Memory is measured in child processes (``resource.getrusage`` peak for the article, ``psutil``
sampling for the CLI) so the test process's own allocations do not count. The measured
figures are written down in docs/RELIABILITY.md; the bounds below leave about 2x headroom.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import seed_paths

from nlpkit.analysis.analyzer import Analyzer
from nlpkit.export.json import dumps_jsonl_line

pytestmark = pytest.mark.slow

ARTICLE_BYTES = 5_000_000
ARTICLE_PEAK_GROWTH_MB = 450
"""Bound on the peak RSS growth of analyze() on the 5 MB article (measured: 210 MB)."""
STREAM_DOCUMENTS = 50_000
STREAM_PEAK_MB = 800
"""Bound on the CLI's peak RSS over the whole 50,000-document stream (measured: 407 MB, flat)."""
STREAM_GROWTH_MB = 64
"""Bound on how much the peak RSS may grow between the first and the second half of the stream."""
KILL_AFTER_LINES = 2_000
ENDING = "وقال سيرغي لافروف إن روسيا ستفعل ذلك."

ARTICLE_SCRIPT = """
import json, resource, sys
from nlpkit.analysis.analyzer import Analyzer
analyzer = Analyzer.from_pretrained(sys.argv[1], threads=1)
with open(sys.argv[2], encoding="utf-8", newline="") as handle:
    text = handle.read()
analyzer(text[:3000])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
doc = analyzer(text)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
exact = (doc.text == text and all(text[e.start:e.end] == e.text for e in doc.entities)
         and all(text[s.start:s.end] == s.text for s in doc.sentences))
print(json.dumps({"growth_mb": (after - before) / 1024, "peak_mb": after / 1024, "exact": exact,
                  "last_sentence": doc.sentences[-1].text, "last_end": doc.sentences[-1].end,
                  "last_entity_end": max(e.end for e in doc.entities), "length": len(text),
                  "sentences": len(doc.sentences), "entities": len(doc.entities), "stances": len(doc.stances)}))
"""


def _article() -> str:
    """About 5 MB of UTF-8: the seed articles with messy characters, repeated, then a known last sentence."""
    base = "\r\n".join(path.read_text(encoding="utf-8") for path in seed_paths())
    base += "\n«قـــال» لافروف\u200f: 😀 &nbsp;<br/> روسيا\u200d والصين.\r"
    text = base * (ARTICLE_BYTES // len(base.encode("utf-8")))
    return text + ENDING + "\n"


def test_a_5mb_article(tiny_analyzer_dir: Path, tmp_path: Path) -> None:
    text = _article()
    source = tmp_path / "article.txt"
    source.write_text(text, encoding="utf-8", newline="")
    result = subprocess.run([sys.executable, "-c", ARTICLE_SCRIPT, str(tiny_analyzer_dir), str(source)],
                            capture_output=True, text=True, check=True, timeout=900)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"5 MB article: {stats}")
    assert stats["exact"]
    assert stats["last_sentence"] == ENDING and stats["last_end"] == len(text) - 1
    assert stats["last_entity_end"] > len(text) - 200
    assert stats["growth_mb"] < ARTICLE_PEAK_GROWTH_MB


def _corpus(path: Path) -> list[tuple[object, str]]:
    """50,000 short documents from seed sentences (some messy), ids mixing strings and integers."""
    sentences = [line for path_ in seed_paths() for line in path_.read_text(encoding="utf-8").splitlines() if len(line) > 30]
    extras = ["", "  ", "قـــال\u200dلافروف 😀", "Lavrov &nbsp; روسيا\r\nالصين"]
    rng = random.Random(7)
    records = []
    for index in range(STREAM_DOCUMENTS):
        text = rng.choice(extras) if index % 97 == 0 else rng.choice(sentences)[: rng.randint(30, 90)]
        records.append((index if index % 5 == 0 else f"d{index}", text))
    with open(path, "w", encoding="utf-8") as handle:
        for doc_id, text in records:
            handle.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return records


def _cli(corpus: Path, output: Path, model: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "nlpkit.cli", "analyze", str(corpus), "--model", str(model), "-f", "jsonl",
            "-o", str(output), "--threads", "1", "--no-progress", *extra]


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def test_50k_document_stream_with_kill_and_resume(tiny_analyzer_dir: Path, analyzer: Analyzer, tmp_path: Path) -> None:
    import psutil

    corpus, output = tmp_path / "corpus.jsonl", tmp_path / "out.jsonl"
    records = _corpus(corpus)

    first = subprocess.Popen(_cli(corpus, output, tiny_analyzer_dir), stderr=subprocess.DEVNULL)
    while _count_lines(output) < KILL_AFTER_LINES and first.poll() is None:
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = _count_lines(output)
    assert KILL_AFTER_LINES <= killed_at < STREAM_DOCUMENTS

    errors = tmp_path / "stderr.txt"
    with open(errors, "wb") as stderr:
        second = subprocess.Popen(_cli(corpus, output, tiny_analyzer_dir, "--resume"), stderr=stderr)
    process = psutil.Process(second.pid)
    samples: list[tuple[int, float]] = []
    while second.poll() is None:
        try:
            samples.append((output.stat().st_size, process.memory_info().rss / 2**20))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.25)
    assert second.wait() == 0, errors.read_text(encoding="utf-8", errors="replace")

    final_size = output.stat().st_size
    first_half = max(rss for size, rss in samples if size < final_size / 2)
    second_half = max(rss for size, rss in samples if size >= final_size / 2)
    print(f"50k stream: killed after {killed_at} lines; resumed run peak RSS {max(r for _, r in samples):.0f} MB "
          f"(first half {first_half:.0f} MB, second half {second_half:.0f} MB, {len(samples)} samples)")
    assert max(rss for _, rss in samples) < STREAM_PEAK_MB
    assert second_half - first_half < STREAM_GROWTH_MB

    lines = output.read_text(encoding="utf-8").split("\n")[:-1]
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)) == STREAM_DOCUMENTS
    assert sorted(ids, key=str) == sorted((doc_id for doc_id, _ in records), key=str)
    by_id = dict(zip(ids, lines, strict=True))
    for index in (0, 1, killed_at - 1, killed_at, killed_at + 1, STREAM_DOCUMENTS - 1):
        doc_id, text = records[index]
        assert by_id[doc_id] + "\n" == dumps_jsonl_line(analyzer(text), doc_id)
