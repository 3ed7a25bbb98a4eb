#!/usr/bin/env bash
# Regenerates docs/results/multi-fashion.md: Multi-Fashion, LeNet encoder, 10 epochs, Adam lr 1e-3,
# batch 256, for EW, UW, DWA, RLW, PCGrad and MGDA plus single-task baselines, seeds 1-3; per-task
# test accuracy at the best validation epoch, mean ± std over the seeds.
#
#   scripts/results-multi-fashion.sh [--epochs N] [--train-limit N] [--seeds "1 2 3"] [--threads N]
#
# Needs: apt-get install dataset-fashion-mnist. Runs go to runs/results-multi-fashion/ (a full run
# is 24 trainings; about 40-50 minutes on 2 cores). The page is written by
# scripts/results_page.py from the runs' summary.json files, never by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs=10
train_limit=0
seeds="1 2 3"
threads=2
out_page="$root/docs/results/multi-fashion.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --train-limit) train_limit="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --page) out_page="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
runs="$root/runs/results-multi-fashion"
mkdir -p "$runs"
command="scripts/results-multi-fashion.sh --epochs $epochs --train-limit $train_limit --seeds \"$seeds\" --threads $threads"

config() { # seed method mode
  local cfg="$runs/multi-fashion-$1-$2$3.yaml"
  sed -e "s/^seed: .*/seed: $1/" \
      -e "s/^balancer: .*/balancer: {method: $2${3:+, mode: $3}}/" \
      -e "s/^  epochs: .*/  epochs: $epochs/" \
      -e "s/    train_limit: 0 .*/    train_limit: $train_limit/" \
      -e "s/^name: .*/name: multi-fashion-$1-$2$3/" \
      "$root/examples/multi-fashion.yaml" > "$cfg"
  echo "$cfg"
}

for seed in $seeds; do
  # EW multi-task and the single-task baselines
  "$root/mtl4j" compare "$(config "$seed" ew "")" --out "$runs/seed$seed/compare" --threads "$threads"
  for method in uw dwa rlw pcgrad mgda; do
    "$root/mtl4j" train "$(config "$seed" "$method" "")" --out "$runs/seed$seed/$method" --threads "$threads"
  done
done
python3 "$root/scripts/results_page.py" "$runs" "$out_page" "$command"
echo "wrote $out_page"
