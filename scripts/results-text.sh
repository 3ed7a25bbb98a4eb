#!/usr/bin/env bash
# Regenerates docs/results/text-reuters.md: the Reuters corn/grain text problem
# (examples/reuters/reuters.yaml), single-task vs multi-task (EW) with `mtl4j compare`, for four text
# encoders (mean-pooled word embeddings, Kim's convolutional encoder, a bidirectional GRU and a
# small Transformer encoder), seeds 1-3. The GRU and Transformer runs take far longer than the
# others (a loop over up to 300 words per batch, attention over 300 x 300 positions).
#
#   scripts/results-text.sh [--seeds "1 2 3"] [--threads N] [--page FILE]
#
# Runs go to runs/results-text/<encoder>/seed<N>/; a comparison whose compare.json exists is not
# repeated, so an interrupted grid resumes. The page is written by scripts/results_compare.py from
# the compare.json files, never by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds="1 2 3"
threads=2
page="$root/docs/results/text-reuters.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --page) page="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
runs="$root/runs/results-text"
mkdir -p "$runs"
for encoder in mean cnn gru transformer; do
  for seed in $seeds; do
    out="$runs/$encoder/seed$seed"
    [ -f "$out/compare.json" ] && continue
    cfg="$root/examples/reuters/reuters-$encoder-$seed.yaml.tmp"
    sed -e "s/^seed: .*/seed: $seed/" -e "s/^name: .*/name: reuters-$encoder-$seed/" \
        "$root/examples/reuters/reuters.yaml" > "$cfg"
    # the example's commented text_encoder line of this type, uncommented (mean: none)
    sed -i "s/^  # text_encoder: {type: $encoder,/  text_encoder: {type: $encoder,/" "$cfg"
    echo "== $encoder seed $seed" >&2
    "$root/mtl4j" compare "$cfg" --out "$out" --threads "$threads" --no-report
    rm -f "$cfg"
  done
done
python3 "$root/scripts/results_compare.py" "$page" "Text: Reuters corn and grain" \
  "scripts/results-text.sh --seeds \"$seeds\" --threads $threads" \
  "Reuters-21578 corn/grain (examples/reuters/reuters.yaml): 1,554 training texts (15 % of them for validation), 604 test texts; MLP encoder 64 over the text encoder's output (word embeddings of dim 32; cnn: 64 filters of widths 3, 4, 5; gru: bidirectional, hidden 64, max pooling; transformer: 2 pre-norm layers, 4 heads, feed-forward 128, dropout 0.1, mean pooling), linear heads, EW, Adam lr 3e-3, batch 64, 20 epochs, best epoch by validation loss.${RESULTS_NOTE:+ $RESULTS_NOTE}" \
  "mean=$runs/mean" "cnn=$runs/cnn" "gru=$runs/gru" "transformer=$runs/transformer"
echo "wrote $page"
