#!/usr/bin/env bash
# Regenerate the hash-pinned lock files that scripts/setup.sh installs from:
#   requirements.lock                every Python package of .venv: the orchestrator with its `local`
#                                    and `test` extras, both seed packages with theirs
#   tools/checkov/requirements.lock  checkov and its dependencies (.venv-checkov)
# each package pinned with the sha256 of each of its files, for Python 3.11 and 3.12 on any
# platform. Run it after changing a dependency in a pyproject.toml or tools/checkov/requirements.in
# (tests/gates/test_lock.py fails until then), then `bash scripts/setup.sh`. Packages already
# locked keep their version unless a requirement excludes it; `--upgrade` moves every package to
# its newest allowed version.
set -euo pipefail
cd "$(dirname "$0")/.."

# compile OUTPUT INPUT...: the lock OUTPUT from the requirement files INPUT, its current pins preferred.
compile() {
  local output="$1" compiled
  shift
  compiled="$(mktemp)"
  [ -f "$output" ] && cp "$output" "$compiled"
  local extras=()
  [[ "$1" == *.toml ]] && extras=(--all-extras)
  .venv/bin/uv pip compile "$@" "${extras[@]}" --generate-hashes --universal --python-version 3.11 \
    --custom-compile-command "bash scripts/lock.sh" --no-progress --quiet --output-file "$compiled" "${UPGRADE[@]}"
  {
    echo "# inputs: $(.venv/bin/python -c 'import sys; from tests.gates.test_lock import inputs_digest; print(inputs_digest(sys.argv[1:]))' "$@")"
    grep -v '^# inputs: ' "$compiled"
  } > "$output"
  rm -f "$compiled"
  echo "$output: $(grep -c '^[A-Za-z0-9]' "$output") packages"
}

UPGRADE=()
[ "${1:-}" = --upgrade ] && UPGRADE=(--upgrade)
compile requirements.lock pyproject.toml seed_code/model_build/pyproject.toml seed_code/model_deploy/pyproject.toml
compile tools/checkov/requirements.lock tools/checkov/requirements.in
