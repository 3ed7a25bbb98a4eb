#!/usr/bin/env bash
# Rebuilds examples/reuters/reuters-train.arff and reuters-test.arff, a two-task text problem,
# from the Debian package weka (3.6.14-3), which ships Weka's Reuters-21578 ModApte examples:
# ReutersCorn-{train,test}.arff and ReutersGrain-{train,test}.arff hold the same texts (1,554
# training and 604 test articles) labelled for the topics "corn" and "grain". The merged files
# keep each text once with both labels: attributes Text (string), corn {0,1}, grain {0,1}.
#
#   scripts/data/make-reuters.sh [OUT_DIR]      (default: examples/reuters)
#
# Needs: apt-get (download only; no installation), dpkg-deb, python3. Set WEKA_DEB=/path/to.deb
# to use a package file you already have. Output files are written next to the targets and
# renamed over them, so an interrupted run leaves no partial file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/examples/reuters}"
die() { echo "make-reuters.sh: error: $*" >&2; exit 1; }
for tool in dpkg-deb python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${WEKA_DEB:-}" ]; then
  [ -f "$WEKA_DEB" ] || die "WEKA_DEB=$WEKA_DEB: no such file"
  deb="$WEKA_DEB"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; download the weka package and set WEKA_DEB"
  sandbox=()
  if [ "$(id -u)" = 0 ]; then sandbox=(-o APT::Sandbox::User=root); fi
  (cd "$work" && apt-get download "${sandbox[@]}" weka >/dev/null) || die "apt-get download weka failed"
  deb="$(ls "$work"/weka_*.deb)"
fi
dpkg-deb -x "$deb" "$work/x"
ex="$work/x/usr/share/doc/weka/examples"
mkdir -p "$out"
python3 - "$ex" "$out" <<'PY'
import os, sys
ex, out = sys.argv[1], sys.argv[2]

def rows(path):
    """(text as written in the file, label) per data line; texts stay quoted and escaped."""
    data, result = False, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not data:
                data = line.strip().lower().startswith("@data")
                continue
            if not line.strip() or line.startswith("%"):
                continue
            text, label = line.rsplit(",", 1)
            result.append((text, label.strip()))
    return result

for split in ("train", "test"):
    corn = rows(os.path.join(ex, f"ReutersCorn-{split}.arff"))
    grain = rows(os.path.join(ex, f"ReutersGrain-{split}.arff"))
    if len(corn) != len(grain) or any(a[0] != b[0] for a, b in zip(corn, grain)):
        sys.exit(f"the corn and grain {split} files do not hold the same texts")
    target = os.path.join(out, f"reuters-{split}.arff")
    tmp = target + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"% Reuters-21578 ModApte {split} split: each text with its corn and grain labels,\n")
        f.write("% merged from Weka's ReutersCorn and ReutersGrain examples by scripts/data/make-reuters.sh\n")
        f.write(f"@relation reuters-corn-grain-{split}\n\n")
        f.write("@attribute Text string\n@attribute corn {0,1}\n@attribute grain {0,1}\n\n@data\n")
        for (text, c), (_, g) in zip(corn, grain):
            f.write(f"{text},{c},{g}\n")
    os.replace(tmp, target)
    print(f"{target}: {len(corn)} texts, corn {sum(c == '1' for _, c in corn)}, "
          f"grain {sum(g == '1' for _, g in grain)}")
PY
sha256sum "$out"/reuters-*.arff
