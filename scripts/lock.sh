#!/usr/bin/env bash
# Regenerate requirements.lock: every Python package of .venv (the orchestrator with its `local`
# and `test` extras, both seed packages with theirs), pinned with the sha256 of each of its files,
# for Python 3.11 and 3.12 on any platform. Run it after changing a dependency in one of the three
# pyproject.toml files (tests/gates/test_lock.py fails until then), then `bash scripts/setup.sh`.
# Packages already in the lock keep their version unless a pyproject.toml excludes it;
# `bash scripts/lock.sh --upgrade` moves everything to its newest allowed version.
set -euo pipefail
cd "$(dirname "$0")/.."

PYPROJECTS=(pyproject.toml seed_code/model_build/pyproject.toml seed_code/model_deploy/pyproject.toml)
compiled="$(mktemp)"
trap 'rm -f "$compiled"' EXIT
[ -f requirements.lock ] && cp requirements.lock "$compiled"  # the current pins are uv's preferences

.venv/bin/uv pip compile "${PYPROJECTS[@]}" --all-extras --generate-hashes --universal --python-version 3.11 \
  --custom-compile-command "bash scripts/lock.sh" --no-progress --quiet --output-file "$compiled" "$@"
{
  echo "# inputs: $(.venv/bin/python -c 'from tests.gates.test_lock import inputs_digest; print(inputs_digest())')"
  grep -v '^# inputs: ' "$compiled"
} > requirements.lock
echo "requirements.lock: $(grep -c '^[A-Za-z0-9]' requirements.lock) packages"
