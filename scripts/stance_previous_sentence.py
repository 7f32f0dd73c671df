"""news_stance train/dev pairs as JSONL whose text is «sentence </s> previous sentence», for
configs/stance_e5_prevsent.yaml: ``python scripts/stance_previous_sentence.py`` writes runs/ctx/news_ctx_{train,dev}.jsonl.

The previous sentence is the document's sentence before the pair's, by nlpkit's splitter, as the miner indexed it
(``sentence_index`` in candidates*.jsonl; the title for a body's first sentence). Reads the raw corpora ($NLPKIT_DATA).
"""
import glob
import json
from collections import defaultdict
from pathlib import Path

from training.mine_stance import iter_documents
from nlpkit.text.sentences import split_sentences

cands = {}
for path in glob.glob("training/data/news_stance/candidates*.jsonl"):
    for line in open(path, encoding="utf-8"):
        c = json.loads(line)
        cands[c["id"]] = c
rows = [json.loads(l) for l in open("training/data/news_stance/news_stance.jsonl", encoding="utf-8")]
rows = [r for r in rows if r["split"] in ("train", "dev")]
need = defaultdict(set)
for r in rows:
    need[r["doc_id"].split(":")[0]].add(r["doc_id"])
docs = {}
for corpus, ids in need.items():
    for doc_id, title, text in iter_documents(corpus, None, 1):
        if doc_id in ids:
            docs[doc_id] = (text, split_sentences(text))
ok = miss = first = 0
Path("runs/ctx").mkdir(parents=True, exist_ok=True)
out = {"train": open("runs/ctx/news_ctx_train.jsonl", "w"), "dev": open("runs/ctx/news_ctx_dev.jsonl", "w")}
for r in rows:
    c = cands.get(r["id"]); prev = ""
    if c and r["doc_id"] in docs:
        text, spans = docs[r["doc_id"]]
        i = c["sentence_index"]
        if i < len(spans) and text[spans[i][0]:spans[i][1]].strip() == c["sentence"].strip():
            ok += 1
            if i > 0:
                prev = text[spans[i - 1][0]:spans[i - 1][1]].strip()
            else:
                first += 1
        else:
            miss += 1
    else:
        miss += 1
    joined = f"{r['text']} </s> {prev}" if prev else r["text"]
    out[r["split"]].write(json.dumps({"id": r["id"], "target": r["target"], "text": joined, "label": r["label"],
                                      "holder": r["holder"], "event": r["event"]}, ensure_ascii=False) + "\n")
print("matched", ok, "first sentence", first, "unmatched", miss)
