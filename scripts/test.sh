#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite: lint, types, layer contracts, pytest
# (unit, property, corpus, fuzz, server, fleet, container and browser tests) and the notebooks
# under nbval. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PHI_LAB_DEVICE=${PHI_LAB_DEVICE:-cpu}
# Notebooks that save to "your master list" write to a throwaway one under test, never to yours.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export PHI_LAB_MASTER_LIST="$scratch/master.sqlite3"
echo "== ruff"; .venv/bin/ruff check phi_lab tests bench notebooks
echo "== ruff format"; .venv/bin/ruff format --check phi_lab tests bench notebooks
echo "== mypy"; .venv/bin/mypy
# The container tests (tests/docker/) run in the same pytest, not alongside: verdicts that need the
# prover have wall-clock deadlines, and containers starting on the same two cores can push one
# past its deadline (a test comparing validate_many with validate failed that way once).
echo "== pytest (tests and notebooks)"; .venv/bin/python -m pytest --nbval-lax tests notebooks "$@"
