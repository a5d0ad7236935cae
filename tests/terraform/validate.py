"""`terraform validate` of the roots that hold the given files (every root without arguments), as
tests/terraform/test_modules.py validates them: the pre-commit hook `terraform-validate`.

    .venv/bin/python -m tests.terraform.validate [FILE ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.terraform.conftest import TESTED_ROOTS, init_and_validate, label, terraform_env


def roots_of(files: list[str]) -> list[Path]:
    """The tested roots that contain one of `files`; all of them when `files` is empty."""
    if not files:
        return list(TESTED_ROOTS)
    paths = [Path(file).resolve() for file in files]
    return [root for root in TESTED_ROOTS if any(path.is_relative_to(root) for path in paths)]


def main(argv: list[str]) -> int:
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        env = terraform_env(Path(work))
        for root in roots_of(argv):
            done = init_and_validate(root, env, Path(work) / label(root) / ".terraform")
            if done.returncode != 0:
                failed += 1
                print(f"== {label(root)}: terraform validate failed\n{done.stdout}{done.stderr}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
