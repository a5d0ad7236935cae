"""Tier 2: every module, the bootstrap and every stack pass `terraform validate` and their own
`terraform test` suites (mock provider, offline); the tree is `terraform fmt` clean; every module
has the files the project's standard requires."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.terraform.conftest import MODULE_ROOTS, TESTED_ROOTS, init_and_validate, label, terraform

REQUIRED_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")


@pytest.mark.terraform
@pytest.mark.parametrize("root", TESTED_ROOTS, ids=label)
def test_validate_and_terraform_test(root: Path, tf_env: dict[str, str], tmp_path: Path) -> None:
    env = {**tf_env, "TF_DATA_DIR": str(tmp_path / ".terraform")}
    validate = init_and_validate(root, tf_env, tmp_path / ".terraform")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    if not list(root.glob("tests/*.tftest.hcl")):
        pytest.fail(f"{label(root)} has no tests/*.tftest.hcl")
    result = terraform(["test", "-no-color"], root, env)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = re.search(r"(\d+) passed, (\d+) failed", result.stdout)
    assert summary and int(summary.group(1)) > 0 and summary.group(2) == "0", result.stdout


@pytest.mark.terraform
@pytest.mark.parametrize("root", MODULE_ROOTS, ids=label)
def test_module_has_required_files(root: Path) -> None:
    missing = [name for name in REQUIRED_FILES if not (root / name).is_file()]
    assert not missing, f"{label(root)} lacks {missing}"


@pytest.mark.terraform
@pytest.mark.parametrize("root", MODULE_ROOTS, ids=label)
def test_no_hard_coded_accounts_regions_or_providers_in_modules(root: Path) -> None:
    for file in root.glob("*.tf"):
        text = file.read_text(encoding="utf-8")
        assert not re.search(r"\b\d{12}\b", text), f"{file}: hard-coded account id"
        assert not re.search(
            r"\b(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast)-\d\b", text
        ), f"{file}: hard-coded region"
        assert not re.search(r'^\s*provider\s+"aws"', text, re.MULTILINE), (
            f"{file}: modules must not configure providers"
        )
