#!/usr/bin/env bash
# Sets up everything phi_lab needs in ./.venv, from nothing but Python 3.11 and pip.
# Idempotent and quick when nothing changed (a stamp records what was installed).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need (nginx for the load-balancer tests, docker-compose 1.29 to
# validate the compose files without an engine). Installed only where missing.
bash scripts/system-packages.sh

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $($python --version)"
    "$python" -m venv .venv
fi

stamp=.venv/.phi_lab-setup
wanted=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    exit 0
fi

pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
# torch is pinned here, before the package, on purpose (see docs/development.md, "Why torch 2.13.0"):
# pyproject.toml only declares a range, and an unpinned resolve can pull a multi-GB CUDA build.
"${pip[@]}" "torch==2.13.0"
"${pip[@]}" --editable ".[test]"
echo "$wanted" > "$stamp"
echo "setup: done"
