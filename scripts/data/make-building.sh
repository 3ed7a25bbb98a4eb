#!/usr/bin/env bash
# Rebuilds examples/building/building-train.csv and building-test.csv from the Debian package
# libfann-doc (documentation and examples of FANN, the Fast Artificial Neural Network library),
# which ships the data set as examples/datasets/building.train and building.test in FANN's
# training-data format.
#
#   scripts/data/make-building.sh [OUT_DIR]      (default: examples/building)
#
# Needs: apt-get (to download the package; no installation, no root needed), dpkg-deb, python3
# (standard library only) and sha256sum. Set FANN_DOC_DEB=/path/to/libfann-doc_*.deb to use a
# package file you already have instead of downloading one, or FANN_DOC_VERSION=2.2.0+ds-8 to
# download that exact version.
#
# FANN format: the first line is "pairs inputs outputs"; then, for each pair, the inputs and then
# the outputs, separated by white space (normally one line of inputs and one line of outputs).
# Each pair becomes one CSV row: x1..x14 (the inputs), then y1..y3 (the outputs), every number
# copied as written in the FANN file (no reformatting). The package documents neither the inputs
# nor the outputs, hence the generic names. Each CSV is written to a temporary file next to the
# target and renamed over it, so an interrupted run never leaves a partial file. The script prints
# the SHA-256 of each file and says whether it matches the published one (made from
# libfann-doc 2.2.0+ds-8).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out_dir="${1:-$root/examples/building}"
expected_train="741e765b52a55357e2675611948d92321569837bd0aedba5a7ad259e837414eb"
expected_test="2e3b9bbf41f924007b2c3dfdd90e8235baa5bcd2bc46e66709a9c67b0c4da3e9"

die() { echo "make-building.sh: error: $*" >&2; exit 1; }
for tool in dpkg-deb sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (this script needs a Debian-based system)"
done
command -v python3 >/dev/null 2>&1 || die "python3 not found; install it with: apt-get install -y python3"

work="$(mktemp -d)"
tmp_files=()
cleanup() { rm -rf "$work"; if [ ${#tmp_files[@]} -gt 0 ]; then rm -f "${tmp_files[@]}"; fi; }
trap cleanup EXIT

if [ -n "${FANN_DOC_DEB:-}" ]; then
  [ -f "$FANN_DOC_DEB" ] || die "FANN_DOC_DEB=$FANN_DOC_DEB: no such file"
  deb="$FANN_DOC_DEB"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; download libfann-doc yourself and set FANN_DOC_DEB=/path/to/the.deb"
  pkg="libfann-doc${FANN_DOC_VERSION:+=$FANN_DOC_VERSION}"
  sandbox=()
  if [ "$(id -u)" = 0 ]; then sandbox=(-o APT::Sandbox::User=root); fi
  (cd "$work" && apt-get "${sandbox[@]}" -q download "$pkg") \
    || die "apt-get download $pkg failed (is the Debian archive reachable? try apt-get update first)"
  deb="$(ls "$work"/libfann-doc_*.deb)"
fi
version="$(dpkg-deb -f "$deb" Version)"
echo "make-building.sh: using libfann-doc $version ($(basename "$deb"))"
dpkg-deb -x "$deb" "$work/pkg"

mkdir -p "$out_dir"
for part in train test; do
  src="$(find "$work/pkg" \( -path "*/examples/datasets/building.$part" -o -path "*/examples/datasets/building.$part.gz" \) -print -quit)"
  [ -n "$src" ] || die "building.$part not found in $(basename "$deb")"
  tmp="$(mktemp "$out_dir/.building-$part.csv.XXXXXX")"
  tmp_files+=("$tmp")
  python3 - "$src" "$tmp" <<'PY'
import gzip, math, sys

src, dst = sys.argv[1], sys.argv[2]
opener = gzip.open if src.endswith(".gz") else open
with opener(src, "rt", encoding="ascii", newline=None) as f:
    tokens = f.read().split()
if len(tokens) < 3:
    sys.exit(f"{src}: no FANN header line")
pairs, n_in, n_out = (int(t) for t in tokens[:3])
if (n_in, n_out) != (14, 3):
    sys.exit(f"{src}: expected 14 inputs and 3 outputs, the header says {n_in} and {n_out}")
values = tokens[3:]
if len(values) != pairs * (n_in + n_out):
    sys.exit(f"{src}: the header announces {pairs} pairs = {pairs * (n_in + n_out)} numbers, found {len(values)}")
for v in values:
    if not math.isfinite(float(v)):          # float() also rejects anything that is not a number
        sys.exit(f"{src}: not a finite number: {v!r}")
width = n_in + n_out
header = [f"x{i}" for i in range(1, n_in + 1)] + [f"y{i}" for i in range(1, n_out + 1)]
with open(dst, "w", encoding="ascii", newline="\n") as out:
    out.write(",".join(header) + "\n")
    for p in range(pairs):
        out.write(",".join(values[p * width:(p + 1) * width]) + "\n")
print(f"make-building.sh: {src.rsplit('/', 1)[-1]}: {pairs} rows x {width} columns")
PY
  chmod 644 "$tmp"
done

status=0
i=0
for part in train test; do
  target="$out_dir/building-$part.csv"
  mv -f "${tmp_files[$i]}" "$target"
  i=$((i + 1))
  sha="$(sha256sum "$target" | cut -d' ' -f1)"
  if [ "$part" = train ]; then want="$expected_train"; else want="$expected_test"; fi
  echo "make-building.sh: $target sha256 $sha"
  if [ "$sha" = "$want" ]; then
    echo "make-building.sh: identical to the published file"
  else
    echo "make-building.sh: WARNING: differs from the published file (sha256 $want); check the package version and the diff" >&2
  fi
done
tmp_files=()
