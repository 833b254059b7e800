#!/usr/bin/env bash
# Sets everything up, then runs the main job: for now, validate the original design's examples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/phi-lab validate "E = mc²"
echo
.venv/bin/phi-lab validate --file notebooks/seed_examples.txt
