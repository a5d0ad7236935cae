"""Generated roots: the env's values, the target's provider/backend settings, and init only when needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from orchestrator.config import EnvConfig, load_env
from orchestrator.stacks import STACKS, stacks_for
from orchestrator.targets.base import Target
from orchestrator.terraform.workspace import Workspace, render_hcl_value


class FakeTarget(Target):
    name = "fake"

    def __init__(self, url: str = "http://127.0.0.1:1") -> None:
        self.url = url

    def session(self, env: EnvConfig) -> boto3.Session:  # pragma: no cover - not used
        raise NotImplementedError

    def client(self, env: EnvConfig, service: str) -> Any:  # pragma: no cover - not used
        raise NotImplementedError

    def provider_settings(self, env: EnvConfig) -> dict[str, Any]:
        return {"endpoints": [{"s3": self.url}]}

    def backend_settings(self, env: EnvConfig) -> dict[str, Any]:
        return {"endpoints": {"s3": self.url}}


@pytest.fixture(autouse=True)
def _work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_WORK_DIR", str(tmp_path / "work"))


def test_root_pins_the_account_and_passes_env_values() -> None:
    env = load_env("dev")
    ws = Workspace(FakeTarget(), env, STACKS["foundation"])
    doc = ws.root_document("s3")
    provider = doc["provider"]["aws"][0]
    assert provider["allowed_account_ids"] == ["111111111111"]
    assert provider["region"] == "eu-west-1"
    assert provider["default_tags"][0]["tags"]["environment"] == "dev"
    assert provider["endpoints"] == [{"s3": "http://127.0.0.1:1"}]
    module = doc["module"]["stack"]
    assert (ws.dir / module["source"]).resolve() == STACKS["foundation"].source.resolve()
    assert module["network"]["vpc_cidr"] == "10.10.0.0/16"
    assert module["deploy_role_arn"] == env.effective_deploy_role_arn


def test_init_needed_only_when_something_changed() -> None:
    env = load_env("dev")
    ws = Workspace(FakeTarget(), env, STACKS["foundation"])
    backend = {"bucket": "b", "key": "dev/foundation/terraform.tfstate"}
    assert ws.render("s3", backend) is True
    (ws.data_dir).mkdir(parents=True)
    (ws.data_dir / "terraform.tfstate").write_text("{}")
    ws.mark_initialised()
    assert ws.render("s3", backend) is False
    assert ws.render("s3", {**backend, "key": "other"}) is True
    again = Workspace(FakeTarget("http://127.0.0.1:2"), env, STACKS["foundation"])
    again.mark_initialised = ws.mark_initialised  # type: ignore[method-assign]  # same dir
    assert again.render("s3", backend) is True, "a new emulator URL must re-initialise the backend"


def test_backend_settings_render_as_hcl() -> None:
    text = render_hcl_value({"role_arn": "arn:aws:iam::1:role/x", "n": 1, "on": True})
    assert text == '{ role_arn = "arn:aws:iam::1:role/x", n = 1, on = true }'


def test_stacks_are_ordered_and_named() -> None:
    env = load_env("dev")
    assert [s.name for s in stacks_for(env)] == ["foundation", "identity", "platform", "projects"]
    assert STACKS["foundation"].state_key(env) == "dev/foundation/terraform.tfstate"
    rendered = json.dumps(Workspace(FakeTarget(), env, STACKS["foundation"]).root_document("s3"))
    assert "secret" not in rendered.lower()


def test_a_working_root_is_used_by_one_run_at_a_time() -> None:
    from orchestrator.errors import OrchestratorError

    env = load_env("dev")
    ws = Workspace(FakeTarget(), env, STACKS["foundation"])
    with ws.exclusive():
        with pytest.raises(OrchestratorError, match="another orchestrator run on this machine"):
            with Workspace(FakeTarget(), env, STACKS["foundation"]).exclusive():
                pass
    with ws.exclusive():
        pass


def test_parallel_stacks_take_turns_at_terraform_init(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin cache is not safe for concurrent `terraform init`: an engine's inits never overlap."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from orchestrator.engine import Engine
    from orchestrator.progress import Progress
    from orchestrator.settings import load_settings
    from orchestrator.terraform.runner import TerraformResult

    engine = Engine(FakeTarget(), load_settings(), Progress())
    inside, most, guard = 0, 0, threading.Lock()

    def fake_run(
        self: Any, args: list[str], cwd: Path, label: str, env: dict[str, str], log_file: Path
    ) -> TerraformResult:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with guard:
            inside -= 1
        return TerraformResult(args, 0, 0.05)

    monkeypatch.setattr(type(engine.runner), "run", fake_run)
    env = load_env("dev")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(
                lambda stack: engine._init(Workspace(FakeTarget(), env, stack), "s3", {"bucket": "b"}),
                stacks_for(env, None),
            )
        )
    assert most == 1
