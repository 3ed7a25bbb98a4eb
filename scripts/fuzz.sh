#!/usr/bin/env bash
# Fuzzes each parser for its @FuzzTest maxDuration (60 s each; Jazzer): CSV, IDX, JSON Lines,
# serve requests, YAML configs, model.json. A finding fails the run and is written under
# src/test/resources/org/mtl4j/fuzz/ as a regression input, which `mvn -B verify` then replays.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Pfuzz
