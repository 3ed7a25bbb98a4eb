#!/usr/bin/env bash
# Rebuilds examples/income/income.csv from the Debian package r-cran-kernlab (the R package
# kernlab, which ships the `income` marketing-survey data set as data/income.rda).
#
#   scripts/data/make-income.sh [OUT.csv]      (default: examples/income/income.csv)
#
# Needs: apt-get (to download the package; no installation, no root needed), dpkg-deb, Rscript
# (apt-get install -y r-base-core) and sha256sum. Set KERNLAB_DEB=/path/to/r-cran-kernlab_*.deb
# to use a package file you already have instead of downloading one, or
# KERNLAB_VERSION=0.9-32-1 to download that exact version.
# The CSV is written by scripts/data/income_to_csv.R into a temporary file next to the target and
# then renamed over it, so an interrupted run never leaves a partial file. The same package gives
# the same bytes every time; the script prints the SHA-256 and says whether it matches the
# published file (made from r-cran-kernlab 0.9-32-1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/examples/income/income.csv}"
expected_sha256="38841cb3f0d62efa43109fa38661786f47a35ec511efc9de80431bf114c49266"

die() { echo "make-income.sh: error: $*" >&2; exit 1; }
for tool in dpkg-deb sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (this script needs a Debian-based system)"
done
command -v Rscript >/dev/null 2>&1 || die "Rscript not found; install R with: apt-get install -y r-base-core"
[ -f "$here/income_to_csv.R" ] || die "missing $here/income_to_csv.R"

work="$(mktemp -d)"
tmp_out=""
cleanup() { rm -rf "$work"; if [ -n "$tmp_out" ]; then rm -f "$tmp_out"; fi; }
trap cleanup EXIT

if [ -n "${KERNLAB_DEB:-}" ]; then
  [ -f "$KERNLAB_DEB" ] || die "KERNLAB_DEB=$KERNLAB_DEB: no such file"
  deb="$KERNLAB_DEB"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; download r-cran-kernlab yourself and set KERNLAB_DEB=/path/to/the.deb"
  pkg="r-cran-kernlab${KERNLAB_VERSION:+=$KERNLAB_VERSION}"
  sandbox=()
  if [ "$(id -u)" = 0 ]; then sandbox=(-o APT::Sandbox::User=root); fi
  (cd "$work" && apt-get "${sandbox[@]}" -q download "$pkg") \
    || die "apt-get download $pkg failed (is the Debian archive reachable? try apt-get update first)"
  deb="$(ls "$work"/r-cran-kernlab_*.deb)"
fi
version="$(dpkg-deb -f "$deb" Version)"
echo "make-income.sh: using r-cran-kernlab $version ($(basename "$deb"))"

dpkg-deb -x "$deb" "$work/pkg"
rda="$(find "$work/pkg" -path '*/kernlab/data/income.rda' -print -quit)"
[ -n "$rda" ] || die "income.rda not found in $(basename "$deb")"

mkdir -p "$(dirname "$out")"
tmp_out="$(mktemp "$(dirname "$out")/.income.csv.XXXXXX")"
LC_ALL=C Rscript --vanilla "$here/income_to_csv.R" "$rda" "$tmp_out"
chmod 644 "$tmp_out"
mv -f "$tmp_out" "$out"
tmp_out=""

sha="$(sha256sum "$out" | cut -d' ' -f1)"
echo "make-income.sh: $out sha256 $sha"
if [ "$sha" = "$expected_sha256" ]; then
  echo "make-income.sh: identical to the published file"
else
  echo "make-income.sh: WARNING: differs from the published file (sha256 $expected_sha256); check the package version and the diff" >&2
fi
