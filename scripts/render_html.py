"""Render an nlpkit HTML report in headless Chromium and save a PNG screenshot.

Usage::

    python scripts/render_html.py                       # seed article 0, gold annotations
    python scripts/render_html.py --chars 800 --window-size 1000,1300   # docs/html_example.png
    python scripts/render_html.py --seed 3 --out shot.png
    python scripts/render_html.py --html report.html --out shot.png

Without ``--html`` the page is built from a seed article's hand annotations (entities and
stance records), so the rendering can be checked before any model is trained. Nothing is
installed here: Chromium must already be on the machine (``apt-get install -y chromium``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlpkit.export.html import render_html  # noqa: E402
from nlpkit.results import Document, Entity, Sentence, Stance, SummaryRow  # noqa: E402

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(explicit: str | None) -> str:
    """The Chromium executable to use, or exit with an installation hint."""
    candidates = [explicit] if explicit else ["/usr/bin/chromium", *CHROMIUM_NAMES]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    sys.exit("error: Chromium not found; install it (apt-get update && apt-get install -y chromium) or pass --chromium PATH")


def gold_document(seed: int, chars: int | None = None) -> Document:
    """A document built from the hand annotations of seed article ``seed`` (scores 1.0).

    With ``chars``, only the first ``chars`` characters are kept (and the annotations inside them).
    """
    records = [json.loads(line) for line in (ROOT / "seeds" / "annotations.jsonl").read_text(encoding="utf-8").splitlines() if line]
    record = sorted(records, key=lambda r: r["doc"])[seed]
    with open(ROOT / "seeds" / record["doc"], encoding="utf-8", newline="") as handle:
        text = handle.read()[:chars]
    entities = tuple(Entity(e["text"], e["label"], e["start"], e["end"], 1.0, e["text"])
                     for e in record["entities"] if e["end"] <= len(text))
    stances = tuple(Stance(s["start"], s["end"], s["target"], s["label"], 1.0, s.get("holder"), number)
                    for number, s in enumerate(record["stances"]) if s["end"] <= len(text))
    counts: dict[tuple[str | None, str], Counter[str]] = {}
    for stance in stances:
        counts.setdefault((stance.holder, stance.target), Counter())[stance.label] += 1
    summary = tuple(
        SummaryRow(holder, target, c["FAVOR"], c["AGAINST"], c["NONE"], c.most_common(1)[0][0])
        for (holder, target), c in counts.items()
    )
    sentences = tuple(Sentence(s.start, s.end, text[s.start:s.end]) for s in stances)
    return Document(text, sentences, entities, stances, summary)


def screenshot(html_file: Path, png: Path, chromium: str, window: str) -> None:
    """Render ``html_file`` with headless Chromium into ``png``."""
    with tempfile.TemporaryDirectory() as profile:
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--hide-scrollbars",
            "--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000", f"--user-data-dir={profile}",
            f"--screenshot={png.resolve()}", f"--window-size={window}", html_file.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, timeout=120, capture_output=True)
    if not png.is_file():
        sys.exit(f"error: Chromium wrote no screenshot to {png}")


def main(argv: list[str] | None = None) -> int:
    """Build or read the page, render it, report the PNG path and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="an existing nlpkit HTML report (default: build one from a seed)")
    parser.add_argument("--seed", type=int, default=0, help="seed article index for the built page (default 0)")
    parser.add_argument("--chars", type=int, default=1400,
                        help="keep the first N characters of the seed article (default 1400; 0: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "html_example.png", help="PNG to write")
    parser.add_argument("--window-size", default="1200,1600", help="Chromium window WIDTH,HEIGHT")
    parser.add_argument("--chromium", help="Chromium executable")
    args = parser.parse_args(argv)
    chromium = find_chromium(args.chromium)
    with tempfile.TemporaryDirectory() as scratch:
        html_file = args.html
        if html_file is None:
            html_file = Path(scratch) / "report.html"
            html_file.write_text(render_html([(f"seed {args.seed}", gold_document(args.seed, args.chars or None))],
                                             title="تحليل الأخبار — مثال"), encoding="utf-8")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(html_file, args.out, chromium, args.window_size)
    print(f"{args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
