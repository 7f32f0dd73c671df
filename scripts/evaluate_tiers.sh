#!/usr/bin/env bash
# Score every embedded tier through nlpkit's own inference path (what analyze() runs: the shipped
# int8 ONNX graphs, NER ensembles, the place gazetteer for NER), once, on the test splits.
# Writes reports/ner_<tier>.json and reports/stance_<tier>.json (per-label F1 and confusion tables).
set -euo pipefail
cd "$(dirname "$0")/.."
for tier in ${TIERS:-accurate fast}; do
    models="nlpkit/resources/models/$tier"
    python -m training.evaluate_ruler --model "$models/ner" \
        --data anercorp:test --data newsfane:test --data wojood:test --data seeds_ner:test \
        --out "reports/ner_$tier.json"
    python -m training.evaluate --library --model "$models/stance" --task stance \
        --data news_stance:test --data mawqif:test --data ans:test --data seeds_stance:test \
        --out "reports/stance_$tier.json" > /dev/null
done
