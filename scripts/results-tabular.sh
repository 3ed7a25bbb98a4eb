#!/usr/bin/env bash
# Regenerates docs/results/tabular.md: every architecture on the shipped tabular data sets —
# kernlab's income (two binary tasks; AUC) and FANN's building (three regression targets; MSE) —
# against single-task baselines, with Δm and parameter counts, over seeds 1-3.
#
#   scripts/results-tabular.sh [--seeds "1 2 3"] [--threads N] [--datasets "income building"]
#                              [--archs "hps mmoe cgc ple cross_stitch dselect_k soft_sharing mtan"]
#
# Runs go to runs/results-tabular/ (resumable: a run whose summary.json exists is kept). The
# page is written by scripts/results_tabular.py from the runs, never by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds="1 2 3"
threads=1
datasets="income building"
archs="hps mmoe cgc ple cross_stitch dselect_k soft_sharing mtan"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --datasets) datasets="$2"; shift 2 ;;
    --archs) archs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
runs="$root/runs/results-tabular"
mkdir -p "$runs/configs"
command="scripts/results-tabular.sh --seeds \"$seeds\" --datasets \"$datasets\" --archs \"$archs\""

arch_line() {
  case "$1" in
    hps) echo "  architecture: hps" ;;
    mmoe) echo "  architecture: {type: mmoe, experts: 4}" ;;
    cgc) echo "  architecture: {type: cgc, shared_experts: 2, task_experts: 1}" ;;
    ple) echo "  architecture: {type: ple, levels: 2, shared_experts: 2, task_experts: 1}" ;;
    mtan) echo "  architecture: mtan" ;;
    cross_stitch) echo "  architecture: {type: cross_stitch}" ;;
    dselect_k) echo "  architecture: {type: dselect_k, experts: 4, k: 2}" ;;
    soft_sharing) echo "  architecture: {type: soft_sharing, penalty: 0.01}" ;;
  esac
}

config() { # dataset arch seed -> path of a config derived from examples/<dataset>/<dataset>.yaml
  local src="$root/examples/$1/$1.yaml" cfg="$runs/configs/$1-$2-$3.yaml"
  # absolute data paths, this seed, the architecture inserted at the top of the model section,
  # and (building) at most 60 epochs
  sed -e "s|^seed: .*|seed: $3|" \
      -e "s|^name: .*|name: $1-$2-$3|" \
      -e "s|^\(  [a-z]*\): \([a-z-]*\.csv\)|\1: $root/examples/$1/\2|" \
      -e "s|^model:|model:\n$(arch_line "$2")|" \
      -e "s|^  epochs: 150|  epochs: 60|" \
      "$src" > "$cfg"
  echo "$cfg"
}

for seed in $seeds; do
  for ds in $datasets; do
    if [ ! -f "$runs/$ds/seed$seed/compare/compare.json" ]; then
      echo "== $ds seed $seed: single-task baselines and hps" >&2
      mkdir -p "$runs/$ds/seed$seed"
      "$root/mtl4j" compare "$(config "$ds" hps "$seed")" --out "$runs/$ds/seed$seed/compare" \
        --threads "$threads" > "$runs/$ds/seed$seed/compare.log" 2>&1 \
        || { cat "$runs/$ds/seed$seed/compare.log" >&2; exit 1; }
    fi
    for arch in $archs; do
      [ "$arch" = hps ] && continue
      dir="$runs/$ds/seed$seed/$arch"
      [ -f "$dir/summary.json" ] && continue
      echo "== $ds seed $seed: $arch" >&2
      "$root/mtl4j" train "$(config "$ds" "$arch" "$seed")" --out "$dir" --threads "$threads" \
        > "$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
    done
  done
done
python3 "$root/scripts/results_tabular.py" "$runs" "$root/docs/results/tabular.md" "$command" $archs
echo "wrote docs/results/tabular.md"
