#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite: lint, types, layer contracts, pytest
# (unit, property, corpus, fuzz, server, fleet, container and browser tests) and the notebooks
# under nbval. Arguments go to pytest (and then the container tests run in line, if selected).
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
if [ $# -gt 0 ]; then
    echo "== pytest (tests and notebooks)"; .venv/bin/python -m pytest --nbval-lax tests notebooks "$@"
    exit
fi
# The container tests (tests/docker/: image builds, Compose and Swarm on a real engine) mostly wait
# on downloads and containers, so they run alongside the rest; their report follows it.
docker_log="$scratch/docker-tests.log"
.venv/bin/python -m pytest -p no:cacheprovider tests/docker >"$docker_log" 2>&1 &
docker_tests=$!
echo "== pytest (tests and notebooks; the container tests run alongside)"
status=0
.venv/bin/python -m pytest --nbval-lax tests notebooks --ignore=tests/docker || status=$?
docker_status=0
wait "$docker_tests" || docker_status=$?
echo "== pytest (container tests: tests/docker)"; cat "$docker_log"
[ "$status" -eq 0 ] || exit "$status"
exit "$docker_status"
