#!/usr/bin/env bash
# Regenerates docs/results/speech-spoken-words.md: the spoken-words audio problem
# (examples/spoken-words/spoken-words.yaml: word, voice and speed from one audio_cnn encoder),
# single-task vs multi-task with `mtl4j compare`, for several balancers, seeds 1-3.
#
#   scripts/results-speech.sh [--seeds "1 2 3"] [--balancers "ew uw"] [--threads N] [--page FILE]
#                             [--select-variants "ew:geometric_loss"]
#
# --select-variants adds runs of a balancer with another trainer.select (best-epoch rule), as
# runs/results-speech/<balancer>-<select>/.
#
# Needs the clips: python3 scripts/data/make-spoken-words.py (apt-get install espeak-ng).
# RESULTS_NOTE="..." adds a sentence to the page's description (e.g. about the machine's load).
# Runs go to runs/results-speech/<balancer>/seed<N>/; a comparison whose compare.json exists is
# not repeated, so an interrupted grid resumes. The page is written by scripts/results_compare.py
# from the compare.json files, never by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds="1 2 3"
balancers="ew uw"
threads=1
select_variants="ew:geometric_loss"
page="$root/docs/results/speech-spoken-words.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --balancers) balancers="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --page) page="$2"; shift 2 ;;
    --select-variants) select_variants="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$root/runs/data/spoken-words/labels.csv" ]; then
  echo "runs/data/spoken-words/labels.csv missing: run python3 scripts/data/make-spoken-words.py" >&2
  exit 1
fi
runs="$root/runs/results-speech"
mkdir -p "$runs"
variants=()
for variant in $balancers $select_variants; do
  balancer="${variant%%:*}"
  select=""
  label="$balancer"
  if [ "$variant" != "$balancer" ]; then
    select="${variant#*:}"
    label="$balancer-$select"
  fi
  for seed in $seeds; do
    out="$runs/$label/seed$seed"
    [ -f "$out/compare.json" ] && continue
    cfg="$root/examples/spoken-words/spoken-words-$label-$seed.yaml.tmp"
    sed -e "s/^seed: .*/seed: $seed/" -e "s/^name: .*/name: spoken-words-$label-$seed/" \
        -e "s/^balancer: .*/balancer: $balancer/" \
        "$root/examples/spoken-words/spoken-words.yaml" > "$cfg"
    if [ -n "$select" ]; then
      printf '  select: %s\n' "$select" >> "$cfg"
    fi
    echo "== $label seed $seed" >&2
    "$root/mtl4j" compare "$cfg" --out "$out" --threads "$threads" --no-report
    rm -f "$cfg"
  done
  if [ -n "$select" ]; then
    variants+=("$balancer, select $select=$runs/$label")
  else
    variants+=("$balancer=$runs/$label")
  fi
done
python3 "$root/scripts/results_compare.py" "$page" "Speech: spoken words (word, voice, speed)" \
  "scripts/results-speech.sh --seeds \"$seeds\" --balancers \"$balancers\" --select-variants \"$select_variants\" --threads $threads" \
  "Spoken words (examples/spoken-words/spoken-words.yaml, clips from scripts/data/make-spoken-words.py): 1,200 clips of 20 words x 6 espeak-ng voices, 780 for training, 180 for validation, 240 for testing (random split by seed); log-mel spectrograms (40 bands to 8 kHz, 25 ms windows every 10 ms, 1.4 s); audio_cnn encoder [16, 32, 64] with 128 hidden units and dropout 0.2, linear heads; Adam lr 2e-3, batch 32, 25 epochs, best epoch by validation loss; $threads engine thread(s). The balancer applies to the multi-task run; single-task baselines are the same for every balancer of a seed.${RESULTS_NOTE:+ $RESULTS_NOTE}" \
  "${variants[@]}"
echo "wrote $page"
