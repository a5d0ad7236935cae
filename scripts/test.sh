#!/usr/bin/env bash
# The whole test suite: unit tests, terraform module tests, fmt/validate, checkov, and the local
# integration tests that apply, re-plan and destroy on the embedded emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
