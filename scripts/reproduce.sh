#!/usr/bin/env bash
# Rebuild the embedded default models and every number in model_card.md, in order.
# CPU (2 cores): about 1.5 hours of training in all; see model_card.md for the measured wall times.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m training.train configs/tokenizer_mini.yaml
python -m training.train configs/mlm_mini.yaml
python -m training.train configs/ner_mini.yaml
python -m training.train configs/ner_mini_more.yaml
python -m training.train configs/stance_mini.yaml
python -m training.train configs/ner_seeds.yaml
python -m training.train configs/stance_seeds.yaml
python -m training.ship

mkdir -p reports
python -m training.evaluate --model runs/ner_default --task ner \
    --data anercorp:test --data newsfane:test --data wikifane:test --data wojood:test --out reports/ner_default.json
python -m training.evaluate --model runs/ner_mini_more --task ner \
    --data anercorp:test --data newsfane:test --data wikifane:test --data wojood:test --data seeds_ner:test \
    --out reports/ner_mini_more.json
python -m training.evaluate --model runs/stance_default --task stance \
    --data mawqif:test --data ans:test --data authored:test --out reports/stance_default.json
python -m training.evaluate --model runs/stance_mini --task stance \
    --data mawqif:test --data ans:test --data authored:test --data seeds_stance:test --out reports/stance_mini.json
python -m training.seeds_loao --task ner
python -m training.seeds_loao --task stance
python benchmarks/bench_analyze.py --threads 2 | tee reports/bench_analyze.txt
