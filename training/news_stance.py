"""Build the news stance set from the mined candidates and the annotators' labels (issue #12).

``python -m training.news_stance [--root training/data/news_stance]``

Inputs (all in ``--root``): ``candidates.jsonl`` and the extra batches ``candidates_extra*.jsonl``
(from :mod:`training.mine_stance`, the extra ones with ``--extra``),
``labels/shard_XX.jsonl`` (one label line per candidate of a shard, see ``ANNOTATE.md``) and
``labels/double*.jsonl`` (second, independent annotations of samples: ``double`` 200 candidates of
the first batches, ``double5`` 120 of the fifth). Output:
``news_stance.jsonl``, one kept pair a line (``keep: true``) with its split, text, target, label,
holder, event, document and licence, read by ``nlpkit.data.load("news_stance", split)``; and
``stats.json``: counts per split, label, event type, corpus and region, and the agreement of the
double-annotated samples (observed agreement and Cohen's kappa on labels; holders and events too;
``agreement`` for ``double``, ``agreement_samples`` for every sample).
``labels/annotators.json`` names the annotator of each label file; agreement counts only pairs
whose two labels come from different annotators.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from nlpkit.data.labels import STANCE_LABELS
from nlpkit.errors import NlpkitError
from training.jsonl import read_jsonl, write_jsonl

ROOT = Path(__file__).resolve().parent / "data" / "news_stance"
CANDIDATE_GLOB = "candidates*.jsonl"
EVENTS = ("sanctions asset_freeze ban expulsion accusation warning condemnation concern refusal territorial_claim "
          "military_move agreement cooperation support praise talks visit congratulation mediation reporting history other").split()


class LabelFileError(NlpkitError, ValueError):
    """A label file that does not match its shard or the schema."""


def check_label(row: dict[str, Any], where: str) -> None:
    """Raise :class:`LabelFileError` for a label line outside the schema of ``ANNOTATE.md``."""
    problems = []
    if row.get("label") not in STANCE_LABELS:
        problems.append(f"label {row.get('label')!r}")
    if row.get("event") not in EVENTS:
        problems.append(f"event {row.get('event')!r}")
    if not isinstance(row.get("keep"), bool):
        problems.append(f"keep {row.get('keep')!r}")
    if not isinstance(row.get("target"), str) or not row["target"].strip():
        problems.append("empty target")
    if row.get("holder") is not None and not isinstance(row["holder"], str):
        problems.append(f"holder {row.get('holder')!r}")
    if problems:
        raise LabelFileError(f"{where}: {', '.join(problems)} (see training/data/news_stance/ANNOTATE.md)")


def read_labels(root: Path) -> dict[str, dict[str, Any]]:
    """Labels of every shard, by candidate id (with the shard name under ``"_shard"``); each shard
    must label exactly its own candidates."""
    labels: dict[str, dict[str, Any]] = {}
    for shard in sorted((root / "shards").glob("shard_*.jsonl")):
        file = root / "labels" / shard.name
        if not file.is_file():
            raise LabelFileError(f"{file} is missing: shard {shard.stem} has not been labelled.")
        expected = [row["id"] for row in read_jsonl(shard)]
        rows = read_jsonl(file)
        if [row.get("id") for row in rows] != expected:
            raise LabelFileError(f"{file}: ids differ from {shard} (one line per candidate, same order).")
        for number, row in enumerate(rows, start=1):
            check_label(row, f"{file}:{number}")
            labels[row["id"]] = {**row, "_shard": shard.stem}
    return labels


def cohen_kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa of two label sequences."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[k] * counts_b[k] for k in set(first) | set(second)) / (n * n)
    return round((observed - expected) / (1 - expected), 4) if expected < 1 else 1.0


def agreement(primary: dict[str, dict[str, Any]], double: list[dict[str, Any]],
              annotators: dict[str, str] | None = None, sample: str = "double") -> dict[str, Any]:
    """Agreement of the double annotation ``sample`` with the shard annotation on the same ids (pairs
    whose shard was labelled by the sample's annotator are left out when ``annotators`` says so)."""
    annotators = annotators or {}
    second = annotators.get(sample)
    both = [(primary[row["id"]], row) for row in double
            if row["id"] in primary and (second is None or annotators.get(primary[row["id"]]["_shard"]) != second)]
    kept = [(a, b) for a, b in both if a["keep"] and b["keep"]]
    labels_a, labels_b = [a["label"] for a, _ in kept], [b["label"] for _, b in kept]
    confusion = Counter(f"{a}->{b}" for a, b in zip(labels_a, labels_b, strict=True) if a != b)
    return {
        "pairs": len(both),
        "kept_by_both": len(kept),
        "keep_agreement": round(sum(a["keep"] == b["keep"] for a, b in both) / len(both), 4) if both else None,
        "label_agreement": round(sum(a == b for a, b in zip(labels_a, labels_b, strict=True)) / len(kept), 4) if kept else None,
        "label_kappa": cohen_kappa(labels_a, labels_b) if kept else None,
        "event_agreement": round(sum(a["event"] == b["event"] for a, b in kept) / len(kept), 4) if kept else None,
        "holder_agreement": round(sum((a["holder"] or None) == (b["holder"] or None) for a, b in kept) / len(kept), 4) if kept else None,
        "label_disagreements": dict(confusion.most_common()),
    }


def build(root: Path = ROOT) -> dict[str, Any]:
    """Write ``news_stance.jsonl`` and ``stats.json`` in ``root``; return the stats."""
    candidates = [row for file in sorted(root.glob(CANDIDATE_GLOB)) for row in read_jsonl(file)]
    labels = read_labels(root)
    rows = []
    for candidate in candidates:
        label = labels.get(candidate["id"])
        if label is None or not label["keep"]:
            continue
        rows.append({
            "id": candidate["id"], "split": candidate["split"], "text": candidate["sentence"], "target": label["target"].strip(),
            "label": label["label"], "holder": (label["holder"] or "").strip() or None, "event": label["event"],
            "doc_id": candidate["doc_id"], "corpus": candidate["corpus"], "licence": candidate["licence"],
            "region": candidate["region"],
        })
    write_jsonl(root / "news_stance.jsonl", rows)
    annotators = _annotators(root)
    samples = {file.stem: agreement(labels, read_jsonl(file), annotators, file.stem)
               for file in sorted((root / "labels").glob("double*.jsonl"))}
    stats: dict[str, Any] = {
        "candidates": len(candidates),
        "labelled": len(labels),
        "kept": len(rows),
        "per_split": {split: dict(sorted(Counter(r["label"] for r in rows if r["split"] == split).items()))
                      for split in ("train", "dev", "test")},
        "per_event": {event: dict(sorted(Counter(r["label"] for r in rows if r["event"] == event).items()))
                      for event in EVENTS if any(r["event"] == event for r in rows)},
        "per_corpus": dict(Counter(r["corpus"] for r in rows)),
        "per_region": dict(Counter(r["region"] for r in rows).most_common()),
        "with_holder": sum(r["holder"] is not None for r in rows),
        "documents": {split: len({r["doc_id"] for r in rows if r["split"] == split}) for split in ("train", "dev", "test")},
        "agreement": samples.get("double"),
        "agreement_samples": samples,
    }
    (root / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return stats


def _annotators(root: Path) -> dict[str, str]:
    file = root / "labels" / "annotators.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


def main(argv: list[str] | None = None) -> int:
    """CLI: build the set, print its stats; one ``error:`` line and exit 2 on a bad label file."""
    parser = argparse.ArgumentParser(prog="python -m training.news_stance", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    try:
        stats = build(args.root)
    except (NlpkitError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
