#!/usr/bin/env bash
# Rebuild the embedded default models and every number in model_card.md, in order.
# The three *_gpu stages ran on one H200 GPU (7.2 + 4.1 + 2.6 min); every other step runs on the
# 2-core CPU (see model_card.md for the measured wall times). On a CPU-only machine the *_mini
# configs (mlm_mini, ner_mini, ner_mini_more, stance_mini) are the slower, weaker substitute.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m training.train configs/tokenizer_mini.yaml
python -m training.train configs/mlm_gpu.yaml
python -m training.train configs/ner_gpu.yaml
python -m training.train configs/stance_gpu.yaml
python -m training.train configs/ner_seeds.yaml
python -m training.train configs/stance_seeds.yaml
python -m training.ship

mkdir -p reports
python -m training.evaluate --model runs/ner_default --task ner \
    --data anercorp:test --data newsfane:test --data wikifane:test --data wojood:test --out reports/ner_default.json
python -m training.evaluate --model runs/ner_gpu --task ner \
    --data anercorp:test --data newsfane:test --data wikifane:test --data wojood:test --data seeds_ner:test \
    --out reports/ner_gpu.json
python -m training.evaluate --model runs/stance_default --task stance \
    --data mawqif:test --data ans:test --data authored:test --out reports/stance_default.json
python -m training.evaluate --model runs/stance_gpu --task stance \
    --data mawqif:test --data ans:test --data authored:test --data seeds_stance:test --out reports/stance_gpu.json
python -m training.evaluate_ruler --model nlpkit/resources/models/ner \
    --data anercorp:test --data newsfane:test --data wikifane:test --data wojood:test --out reports/ner_default_gazetteer.json
python -m training.seeds_loao --task ner
python -m training.seeds_loao --task stance
python benchmarks/bench_analyze.py --threads 2 | tee reports/bench_analyze.txt

# The accurate tier (CPU, about 140 min; docs/TRAINING.md) and the fast tier's news stance model,
# then both tiers scored through analyze()'s path and measured against BERT-base.
python -m training.import_encoder --out runs/e5
python -m training.prune_vocab --model runs/e5 --out runs/e5-pruned
python -m training.train configs/ner_e5.yaml
python -m training.train configs/ner_e5_more.yaml
python -m training.train configs/stance_e5_news4.yaml
python -m training.train configs/stance_e5_news4_marked.yaml     # tried on dev, not shipped
python -m training.train configs/stance_fast_news.yaml
python -m training.train configs/stance_fast_news2.yaml
python -m training.train configs/stance_fast_news3.yaml
python -m training.ship --ner nlpkit/resources/models/fast/ner --stance runs/stance_fast_news3 --int8 --out runs/tiers/fast
python -m training.ship --ner runs/ner_e5_more --stance runs/stance_e5_news4 --onnx-only \
    --ner-partner ../../fast/ner --ner-weight 0.5 --out runs/tiers/accurate
python -m training.tune_ensemble --member runs/tiers/accurate/ner/main --member runs/tiers/fast/ner \
    --data newsfane:dev --data wojood:dev
rm -rf nlpkit/resources/models/accurate nlpkit/resources/models/fast/stance
cp -r runs/tiers/accurate nlpkit/resources/models/ && cp -r runs/tiers/fast/stance nlpkit/resources/models/fast/
scripts/evaluate_tiers.sh
python -m training.evaluate_holders --model accurate --news dev --out reports/holders_accurate.json
python benchmarks/bench_analyze.py --threads 2 --words 10000 | tee reports/bench_analyze.txt

# The ANERcorp dev-track comparisons in model_card.md (CPU, about 25 min): WITH_DEV_TRACK=1
if [[ "${WITH_DEV_TRACK:-0}" == 1 ]]; then
    python -m training.train configs/ner_dev_base.yaml
    python -m training.evaluate --model runs/ner_dev_base --task ner \
        --data anercorp:dev --data newsfane:dev --data wojood:dev --out runs/ner_dev_base/dev_viterbi.json
    python -m training.train configs/ner_dev_anercorp.yaml
    python -m training.train configs/ner_dev_seeds.yaml
    python -m training.train configs/ner_dev_seeds.yaml \
        --set model.name_or_path=runs/ner_dev_base --set output_dir=runs/ner_dev_seeds_direct
fi
