#!/usr/bin/env bash
# Regenerates docs/results/mmoe-correlation.md: the synthetic experiment of Ma et al. (KDD 2018,
# Figure 4): two regression tasks whose generating weight vectors have cosine rho; as rho falls
# from 1 to 0 the tasks become less related, and shared-bottom (hard parameter sharing) should
# degrade faster than MMoE. For each rho, architecture and seed: train, then the test MSE of each
# task; the page shows the mean over tasks and seeds, with each model's parameter count.
#
#   scripts/results-mmoe-correlation.sh [--rhos "1.0 0.9 0.5 0.0"] [--seeds "1 2 3"] [--threads N]
#
# Runs go to runs/results-mmoe-correlation/ (resumable: a run whose summary.json exists is kept);
# the page is written by scripts/results_mmoe_correlation.py from the summaries, never by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rhos="1.0 0.9 0.5 0.0"
seeds="1 2 3"
threads=1
epochs=30
while [ $# -gt 0 ]; do
  case "$1" in
    --rhos) rhos="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
runs="$root/runs/results-mmoe-correlation"
mkdir -p "$runs"
command="scripts/results-mmoe-correlation.sh --rhos \"$rhos\" --seeds \"$seeds\" --epochs $epochs"

# shared-bottom: one encoder 100 -> 64 -> 32; MMoE: 4 experts 100 -> 16 -> 8 with softmax gates;
# both with towers 16 -> 1 (the paper matches parameter counts roughly in the same way)
arch_yaml() {
  case "$1" in
    hps) echo "  encoder: {hidden: [64, 32]}" ;;
    mmoe) printf '  architecture: {type: mmoe, experts: 4}\n  encoder: {hidden: [16, 8]}\n' ;;
  esac
}

for seed in $seeds; do
  for rho in $rhos; do
    for arch in hps mmoe; do
      dir="$runs/rho$rho/$arch/seed$seed"
      [ -f "$dir/summary.json" ] && continue
      mkdir -p "$runs/configs"
      cfg="$runs/configs/rho$rho-$arch-$seed.yaml"
      cat > "$cfg" <<YAML
name: mmoe-correlation-rho$rho-$arch-$seed
seed: $seed
data:
  synthetic: {tasks: 2, rho: $rho, rows: 12000, features: 100, sin_terms: 10, noise_variance: 0.01}
  validation_fraction: 0.15
  test_fraction: 0.15
tasks:
  - {name: y0, type: regression}
  - {name: y1, type: regression}
model:
$(arch_yaml "$arch")
  head: {hidden: [16]}
balancer: ew
trainer: {epochs: $epochs, batch_size: 128, lr: 0.001, select: loss, patience: 5}
YAML
      echo "== rho $rho $arch seed $seed" >&2
      mkdir -p "$(dirname "$dir")"
      "$root/mtl4j" train "$cfg" --out "$dir" --threads "$threads" > "$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
    done
  done
done
python3 "$root/scripts/results_mmoe_correlation.py" "$runs" "$root/docs/results/mmoe-correlation.md" "$command"
echo "wrote docs/results/mmoe-correlation.md"
