#!/usr/bin/env bash
# Regenerates docs/results/multi-fashion.md: Multi-Fashion, LeNet encoder, 10 epochs, Adam lr 1e-3,
# batch 256, every balancing method (or those given) plus single-task baselines, seeds 1-3; per-task
# test accuracy at the best validation epoch, mean ± std over the seeds, Δm, and the training-step
# time relative to EW.
#
#   scripts/results-multi-fashion.sh [--epochs N] [--train-limit N] [--seeds "1 2 3"] [--threads N]
#                                    [--methods "uw dwa mgda mgda/representation ..."] [--page FILE]
#
# Needs: apt-get install dataset-fashion-mnist. Runs go to runs/results-multi-fashion/, one
# directory per seed and method (method-mode for a non-default mode); a run whose summary.json
# exists is not repeated, so an interrupted grid resumes where it stopped. One training takes about
# 2 minutes on 2 cores (gradient methods in parameters mode about 1.7 times that). The page is
# written by scripts/results_page.py from the runs' summary.json files, never by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs=10
train_limit=0
seeds="1 2 3"
threads=2
methods="uw dwa rlw gls imtl_l stch famo gradnorm graddrop mgda mgda/representation pcgrad pcgrad/representation gradvac imtl_g cagrad aligned_mtl config upgrad dualproj nash_mtl fairgrad moco db_mtl excess_mtl"
out_page="$root/docs/results/multi-fashion.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --train-limit) train_limit="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --methods) methods="$2"; shift 2 ;;
    --page) out_page="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
runs="$root/runs/results-multi-fashion"
mkdir -p "$runs"
command="scripts/results-multi-fashion.sh --epochs $epochs --train-limit $train_limit --seeds \"$seeds\" --threads $threads"

config() { # seed method mode
  local cfg="$runs/multi-fashion-$1-$2${3:+-$3}.yaml"
  sed -e "s/^seed: .*/seed: $1/" \
      -e "s/^balancer: .*/balancer: {method: $2${3:+, mode: $3}}/" \
      -e "s/^  epochs: .*/  epochs: $epochs/" \
      -e "s/    train_limit: 0 .*/    train_limit: $train_limit/" \
      -e "s/^name: .*/name: multi-fashion-$1-$2${3:+-$3}/" \
      "$root/examples/multi-fashion.yaml" > "$cfg"
  echo "$cfg"
}

for seed in $seeds; do
  if [ ! -f "$runs/seed$seed/compare/compare.json" ]; then
    # EW multi-task and the single-task baselines
    "$root/mtl4j" compare "$(config "$seed" ew "")" --out "$runs/seed$seed/compare" --threads "$threads"
  fi
  for spec in $methods; do
    method="${spec%%/*}"
    mode=""
    [ "$spec" = "$method" ] || mode="${spec#*/}"
    dir="$runs/seed$seed/$method${mode:+-$mode}"
    if [ -f "$dir/summary.json" ]; then
      continue
    fi
    echo "== seed $seed: $spec" >&2
    "$root/mtl4j" train "$(config "$seed" "$method" "$mode")" --out "$dir" --threads "$threads"
  done
done
python3 "$root/scripts/results_page.py" "$runs" "$out_page" "$command" ew $methods
echo "wrote $out_page"
