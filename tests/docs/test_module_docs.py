"""Module READMEs' Inputs and Outputs tables are written from the Terraform (tools/module_docs.py):
the committed ones are current, and a variable added without regenerating fails the check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tools import module_docs

NEW_VARIABLE = """
variable "retention_note" {
  type        = string
  default     = null
  description = "Added without regenerating the README."
}
"""


def test_committed_module_readmes_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert module_docs.main(["--check"]) == 0, capsys.readouterr().err
    assert len(module_docs.modules([])) == len(list((REPO_ROOT / "modules").glob("*/variables.tf")))


def test_the_pre_commit_hook_checks_a_changed_module() -> None:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == "module-docs"]
    assert hook["entry"] == ".venv/bin/python tools/module_docs.py --check"
    for changed in ("modules/kms/variables.tf", "modules/kms/outputs.tf", "modules/kms/README.md"):
        assert re.search(hook["files"], changed), changed
    assert hook.get("pass_filenames", True), "the hook checks the modules of the changed files"


def _module_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "kms"
    shutil.copytree(REPO_ROOT / "modules" / "kms", copy, ignore=shutil.ignore_patterns("tests", ".terraform*"))
    return copy


def test_a_variable_added_without_regenerating_fails_the_check(tmp_path: Path) -> None:
    module = _module_copy(tmp_path)
    with (module / "variables.tf").open("a", encoding="utf-8") as variables:
        variables.write(NEW_VARIABLE)
    check = [sys.executable, str(REPO_ROOT / "tools" / "module_docs.py"), "--check", str(module)]

    stale = subprocess.run(check, capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert f"{module / 'README.md'}: inputs missing: retention_note" in stale.stderr

    before = (module / "README.md").read_text(encoding="utf-8")
    assert module_docs.main([str(module)]) == 0
    after = (module / "README.md").read_text(encoding="utf-8")
    assert "| `retention_note` | Added without regenerating the README. | `string` | `null` | no |" in after
    assert after.split("<!-- begin inputs")[0] == before.split("<!-- begin inputs")[0], "the prose stays"
    files = [str(module / "variables.tf"), str(module / "README.md")]  # as a pre-commit hook passes them
    assert module_docs.modules(files) == [module]
    assert module_docs.main(["--check", *files]) == 0


def test_a_readme_without_markers_fails_in_both_modes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = _module_copy(tmp_path)
    (module / "README.md").write_text("# Module\n\n## Inputs\n\n| Name |\n|---|\n", encoding="utf-8")
    assert module_docs.main(["--check", str(module)]) == 1
    assert "no `<!-- begin inputs -->`" in capsys.readouterr().err
    assert module_docs.main([str(module)]) == 1


def test_types_and_defaults_render_as_written_on_one_line() -> None:
    written = """map(object({
    description           = string # what the key is for
    allow_cloudwatch_logs = optional(bool, false)
    via_services          = optional(list(string), [])
  }))"""
    assert module_docs.one_line(written) == (
        "map(object({ description = string, allow_cloudwatch_logs = optional(bool, false), via_services = optional(list(string), []) }))"
    )
    assert module_docs.one_line('[\n  "a  # b",\n  "c",\n]') == '["a  # b", "c"]'
    assert module_docs.one_line("list(\n  string\n)") == "list(string)"


def test_variables_read_from_hcl(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "untyped" {}\n\n'
        'variable "optional" {\n  type    = list(string)\n  default = null\n  description = "x"\n}\n',
        encoding="utf-8",
    )
    untyped, optional = module_docs.read_variables(tmp_path / "variables.tf")
    assert (untyped.type, untyped.default, untyped.description) == (None, None, "")
    assert (optional.type, optional.default) == ("list(string)", "null")
    table = module_docs.inputs_table([untyped, optional])
    assert "| `untyped` |  | `any` | n/a | yes |" in table
    assert "| `optional` | x | `list(string)` | `null` | no |" in table


def test_descriptions_escape_markdown_but_keep_code_spans() -> None:
    cell = module_docs.markdown_cell('One of "a" | "b", arn:*:role/<name>-*, `a | b <c>`, C:\\path')
    assert cell == 'One of "a" \\| "b", arn:\\*:role/\\<name>-\\*, `a \\| b <c>`, C:\\\\path'
    heredoc = "Keys:\n- data: the data key,\n  used by S3\n- logs: the logs key"
    assert module_docs.markdown_cell(heredoc) == "Keys:<br>- data: the data key, used by S3<br>- logs: the logs key"
    assert module_docs.outputs_table([module_docs.Output("x", "a|b")]).splitlines()[-1] == "| `x` | a\\|b |"
