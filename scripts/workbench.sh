#!/usr/bin/env bash
# Sets everything up, then runs the main job: JupyterLab on notebooks/ with phi_lab, its widgets
# and this environment's kernel ready. Extra arguments go to `jupyter lab` (e.g. --port 8889).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
extra=()
[ "$(id -u)" -eq 0 ] && extra+=(--allow-root)   # Jupyter refuses root without it (containers, CI machines)
exec .venv/bin/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 "${extra[@]}" "$@"
