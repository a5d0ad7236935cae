"""Plan, apply and destroy stacks; bootstrap the state backend of an account."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestrator import paths
from orchestrator.accounts.recorded import write_record
from orchestrator.attribution import Attribution, attribute, state_identifiers
from orchestrator.config import EnvConfig
from orchestrator.errors import OrchestratorError
from orchestrator.faults import Failure, explain, rerun_command
from orchestrator.outcome import StackOutcome
from orchestrator.progress import Progress
from orchestrator.protected import administered_changes
from orchestrator.settings import PlatformSettings
from orchestrator.stacks import BOOTSTRAP_STACK, StackSpec, lock_table_name, state_bucket_name, state_key_alias
from orchestrator.stateful import backend_kept, stateful_addresses
from orchestrator.targets.base import Duty, Target
from orchestrator.terraform import errored_state
from orchestrator.terraform.cli_config import write_cli_config
from orchestrator.terraform.errored_state import ERRORED_STATE, Recovery, StateRecord
from orchestrator.terraform.runner import TerraformResult, TerraformRunner, go_runtime_settings
from orchestrator.terraform.workspace import Workspace

PLUGINS_NOT_INSTALLED = "Required plugins are not installed"
"""What Terraform says when a stack's link into the shared plugin cache does not resolve."""


def terraform_binary() -> str:
    return os.environ.get("ORCHESTRATOR_TERRAFORM") or shutil.which("terraform") or "terraform"


class Engine:
    def __init__(
        self, target: Target, settings: PlatformSettings, progress: Progress, lock_timeout: str = "0s"
    ) -> None:
        self.target = target
        self.progress = progress
        self.lock_timeout = lock_timeout
        cli_config = write_cli_config(settings, paths.work_dir())
        base_env = {
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            **go_runtime_settings(),
            **target.terraform_env(),
        }
        self.runner = TerraformRunner(terraform_binary(), base_env, progress)
        # Stacks run in parallel threads; Terraform's plugin cache is not safe for concurrent
        # `terraform init`, so inits (a few seconds, and only when something changed) take turns.
        self._init_turn = threading.Lock()
        self._backends: dict[Path, tuple[str, dict[str, Any]]] = {}  # each stack's last init: to link it again

    # ---- plumbing -------------------------------------------------------------------------
    def _run(self, ws: Workspace, args: list[str], log_name: str, duty: Duty) -> TerraformResult:
        result = self._run_once(ws, args, log_name, duty)
        backend = self._backends.get(ws.dir)
        if (
            result.returncode != 0
            and args[0] != "init"
            and backend is not None
            and PLUGINS_NOT_INSTALLED in result.error_text()
        ):
            # Another stack's `terraform init` was writing the same provider into the shared plugin
            # cache while this command started (the cache is not safe for concurrent use, and inits
            # only take turns with each other): link the provider again and run the command once more.
            self.progress.say(ws.label, "the provider was being written to the plugin cache: initialising again")
            ws.forget_init()
            self._init(ws, *backend, duty=duty)
            result = self._run_once(ws, args, log_name, duty)
        return result

    def _run_once(self, ws: Workspace, args: list[str], log_name: str, duty: Duty) -> TerraformResult:
        environment = {**ws.terraform_env(), **self.target.terraform_credentials(ws.env, duty)}
        return self.runner.run(args, ws.dir, ws.label, environment, log_file=ws.dir / f"{log_name}.log")

    def _failure(
        self, ws: Workspace, error: str, output: str, returncode: int, log: Path, command: str | None
    ) -> Failure:
        return Failure(
            error=error,
            output=output,
            returncode=returncode,
            terraform_log=log,
            rerun=rerun_command(command, ws.env.name, self.target.name) if command else "the same command again",
            work_dir=paths.work_dir(),
            gone=self.target.gone(),
            endpoint="AWS" if self.target.name == "aws" else f"the {self.target.describe()}",
        )

    def _explained(self, ws: Workspace, result: TerraformResult, log_name: str, command: str | None) -> str:
        """A failed command's error as the report shows it: the fault behind it, if any (what
        happened, the log, the command that recovers: orchestrator/faults.py), over Terraform's own
        words; and the state Terraform left beside the root when it could not save it."""
        error = result.error_text()
        failure = self._failure(
            ws, error, "\n".join([error, *result.text]), result.returncode, ws.dir / f"{log_name}.log", command
        )
        errored = ws.dir / ERRORED_STATE
        note = (
            errored_state.left_behind_note(errored, ws.env.name, ws.stack.name, self.target.name)
            if log_name == "apply" and errored.is_file()
            else ""
        )
        return explain(failure, note)

    def explained_exception(self, env: EnvConfig, stack: StackSpec, command: str, exc: Exception) -> str:
        """An AWS call of the orchestrator's own (the state backend's key or bucket) that failed:
        the fault behind it, if any (the emulator died, the connection was lost), over its error."""
        ws = Workspace(self.target, env, stack)
        return explain(self._failure(ws, str(exc), str(exc), 1, ws.dir, command))

    def _init(
        self, ws: Workspace, backend_type: str, backend: dict[str, Any], migrate: bool = False, duty: Duty = Duty.READ
    ) -> None:
        self._backends[ws.dir] = (backend_type, backend)
        if not ws.render(backend_type, backend) and not migrate:
            return
        args = ["init", "-input=false", "-no-color", f"-backend-config={ws.backend_file.name}"]
        args.append("-migrate-state" if migrate else "-reconfigure")
        if migrate:
            args.append("-force-copy")
        with self._init_turn:
            self.progress.say(ws.label, "terraform init")
            result = self._run_once(ws, args, "init", duty)
        if result.returncode != 0:
            ws.forget_init()
            raise OrchestratorError(f"{ws.label}: terraform init failed:\n{self._explained(ws, result, 'init', None)}")
        ws.mark_initialised()

    def _backend_cache(self, env: EnvConfig) -> tuple[Path, str]:
        """Facts about the account's state backend are cached per target identity (emulator URL or
        account), so a steady-state plan makes no AWS call besides Terraform's own."""
        key = hashlib.sha256(
            json.dumps([self.target.identity(), state_bucket_name(env), state_key_alias(env)]).encode()
        ).hexdigest()
        return paths.work_dir() / self.target.name / env.workspace_name / "backend-cache.json", key

    def cached_state_key_arn(self, env: EnvConfig) -> str | None:
        path, key = self._backend_cache(env)
        if path.is_file():
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return str(cached["state_key_arn"])
        return None

    def _remember_state_key_arn(self, env: EnvConfig, arn: str) -> None:
        path, key = self._backend_cache(env)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"key": key, "state_key_arn": arn}), encoding="utf-8")

    def state_key_arn(self, env: EnvConfig) -> str:
        cached = self.cached_state_key_arn(env)
        if cached:
            return cached
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            arn = str(self.target.client(env, "kms").describe_key(KeyId=state_key_alias(env))["KeyMetadata"]["Arn"])
        except ClientError as exc:
            raise OrchestratorError(
                f"{env.name}: the state key {state_key_alias(env)} is missing ({exc}); run `python -m orchestrator bootstrap --env {env.name}`"
            ) from None
        self._remember_state_key_arn(env, arn)
        return arn

    def backend_settings(self, env: EnvConfig, stack: StackSpec) -> dict[str, Any]:
        return {
            "bucket": state_bucket_name(env),
            "key": stack.state_key(env) if stack is not BOOTSTRAP_STACK else f"{env.name}/bootstrap/terraform.tfstate",
            "region": env.region,
            "encrypt": True,
            "kms_key_id": self.state_key_arn(env),
            "use_lockfile": True,
            "dynamodb_table": lock_table_name(env),
            **self.target.backend_settings(env),
        }

    def state_bucket_exists(self, env: EnvConfig) -> bool:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            self.target.client(env, "s3").head_bucket(Bucket=state_bucket_name(env))
            return True
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchBucket", "NotFound"):
                return False
            raise OrchestratorError(
                f"{env.name}: cannot use state bucket {state_bucket_name(env)} ({code}); is the name taken by another account?"
            ) from None

    # ---- plan / apply ----------------------------------------------------------------------
    def plan(
        self,
        env: EnvConfig,
        stack: StackSpec,
        destroy: bool = False,
        backend: tuple[str, dict[str, Any]] | None = None,
        lock: bool = True,
        duty: Duty | None = None,
    ) -> StackOutcome:
        """A saved plan of the stack. `lock=False` for a plan only reviewed, never applied in this run:
        it writes nothing, so it takes no state lock (the plan role may not write one, and makes
        it), and a reviewed plan whose state changed meanwhile is refused as stale when applied.
        A plan about to be applied is made by the role that applies it."""
        duty = duty or (Duty.CHANGE if lock else Duty.READ)
        ws = Workspace(self.target, env, stack)
        outcome = StackOutcome(env.name, stack.name, "destroy" if destroy else "plan")
        backend_type, settings = backend or ("s3", self.backend_settings(env, stack))
        self._init(ws, backend_type, settings, duty=duty)
        locking = f"-lock-timeout={self.lock_timeout}" if lock else "-lock=false"
        args = ["plan", "-input=false", "-json", "-detailed-exitcode", locking, f"-out={ws.plan_file.name}"]
        if destroy:
            args.append("-destroy")
        self.progress.say(ws.label, "planning" + (" destroy" if destroy else ""))
        result = self._run(ws, args, "plan", duty)
        outcome.duration = result.duration
        if result.returncode not in (0, 2):
            outcome.result = "failed"
            outcome.error = self._explained(ws, result, "plan", "destroy" if destroy else "apply" if lock else "plan")
            return outcome
        _read_planned_changes(result, outcome)
        outcome.result = "changes" if result.returncode == 2 else "no changes"
        return outcome

    def unlock(self, env: EnvConfig, stack: StackSpec, lock_id: str) -> None:
        """`terraform force-unlock` of one stack's state lock (the caller has confirmed it)."""
        ws = Workspace(self.target, env, stack)
        with ws.exclusive():
            self._init(ws, "s3", self.backend_settings(env, stack), duty=Duty.CHANGE)
            result = self._run(ws, ["force-unlock", "-force", lock_id], "unlock", Duty.CHANGE)
        if result.returncode != 0:
            raise OrchestratorError(f"{ws.label}: the lock {lock_id} was not released:\n{result.error_text()}")

    def drift(self, env: EnvConfig, stack: StackSpec) -> StackOutcome:
        """Whether the real resources differ from what the stack's configuration says they are.

        A plan that is saved nowhere and takes no state lock (it writes nothing), so it never blocks
        or changes a run. Its planned changes are what `apply` would have to put back. Not a
        `-refresh-only` plan: that one also reports every computed attribute another resource
        changed after creation (a bucket's logging, a security group's rules), which is not drift.
        Run it on configuration that is applied (the main branch): unapplied changes show too."""
        ws = Workspace(self.target, env, stack)
        outcome = StackOutcome(env.name, stack.name, "drift")
        self._init(ws, "s3", self.backend_settings(env, stack), duty=Duty.READ)
        self.progress.say(ws.label, "checking drift")
        result = self._run(
            ws, ["plan", "-input=false", "-json", "-detailed-exitcode", "-lock=false"], "drift", Duty.READ
        )
        outcome.duration = result.duration
        if result.returncode not in (0, 2):
            outcome.result, outcome.error = "failed", self._explained(ws, result, "drift", "drift")
            return outcome
        _read_planned_changes(result, outcome)
        outcome.result = "drifted" if result.returncode == 2 else "in sync"
        if outcome.result == "drifted":
            outcome.attributions = self._attribute(ws, env, stack, outcome)
        return outcome

    def _attribute(self, ws: Workspace, env: EnvConfig, stack: StackSpec, outcome: StackOutcome) -> list[Attribution]:
        """Who changed each drifted address since the stack's last apply (the state object's last
        write): CloudTrail's newest event for the resource's identifiers in the state, looked up as
        the plan role (drift's own credentials). A failure is reported per address, never raised."""
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        addresses = [address for action, address in outcome.changes if action != "read"]
        try:
            shown = self._run(ws, ["show", "-json"], "drift-state", Duty.READ)
            identifiers = state_identifiers(_document(shown)) if shown.returncode == 0 else {}
            settings = self.backend_settings(env, stack)
            state = self.target.duty_client(env, Duty.READ, "s3").head_object(
                Bucket=settings["bucket"], Key=settings["key"]
            )
            cloudtrail = self.target.duty_client(env, Duty.READ, "cloudtrail")
            since: datetime = state["LastModified"]
        except (BotoCoreError, ClientError, OrchestratorError, KeyError, ValueError) as exc:
            return [Attribution(a, "", error=f"the stack's state or last apply is unknown: {exc!r}") for a in addresses]
        return [
            attribute(cloudtrail, a, identifiers[a], since)
            if identifiers.get(a)
            else Attribution(a, since.astimezone(UTC).isoformat(), error="the state names no identifier of it")
            for a in addresses
        ]

    def export_plan(self, env: EnvConfig, stack: StackSpec, out_dir: Path) -> Path:
        """Write the saved plan as JSON (`terraform show -json`) for policy checks and review."""
        ws = Workspace(self.target, env, stack)
        result = self._run(ws, ["show", "-json", ws.plan_file.name], "show", Duty.READ)
        if result.returncode != 0:
            raise OrchestratorError(f"{ws.label}: terraform show failed:\n{result.error_text()}")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{env.name}.{stack.name}.plan.json"
        document = _document(result)
        target.write_text(json.dumps(document, indent=1), encoding="utf-8")
        return target

    def save_plan(self, env: EnvConfig, stack: StackSpec, planned: StackOutcome, run_dir: Path) -> None:
        """Keep the saved plan (`<env>.<stack>.tfplan`) and its summary for `apply --from`."""
        ws = Workspace(self.target, env, stack)
        run_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ws.plan_file, run_dir / f"{env.name}.{stack.name}.tfplan")
        (run_dir / f"{env.name}.{stack.name}.summary.json").write_text(
            json.dumps(planned.to_dict(), indent=1), encoding="utf-8"
        )
        write_record(run_dir, env, stack)  # the OU accounts it was made for, used by `apply --from`

    def load_saved(self, env: EnvConfig, stack: StackSpec, run_dir: Path) -> StackOutcome:
        """Put the plan `plan --out-dir` saved in `run_dir` in place as this stack's plan; its summary."""
        planned = StackOutcome.from_dict(
            json.loads((run_dir / f"{env.name}.{stack.name}.summary.json").read_text(encoding="utf-8"))
        )
        planned.duration = 0.0  # planned by an earlier run: this run's time is the apply's
        ws = Workspace(self.target, env, stack)
        self._init(ws, "s3", self.backend_settings(env, stack), duty=Duty.CHANGE)
        if planned.result == "changes":
            shutil.copyfile(run_dir / f"{env.name}.{stack.name}.tfplan", ws.plan_file)
        return planned

    def apply_saved(self, env: EnvConfig, stack: StackSpec, run_dir: Path, planned: StackOutcome) -> StackOutcome:
        """Apply exactly the plan `load_saved` put in place; Terraform refuses a stale one."""
        outcome = self.apply(env, stack, planned)
        if outcome.result == "failed" and "stale" in outcome.error.lower():
            outcome.error = (
                f"the plan of {env.name}/{stack.name} in {run_dir} is stale: the state changed since it was made "
                "(another apply ran). Nothing was applied; plan again and review the new plan.\n" + outcome.error
            )
        return outcome

    def apply(self, env: EnvConfig, stack: StackSpec, planned: StackOutcome, duty: Duty | None = None) -> StackOutcome:
        """Apply exactly the plan written by `plan` (Terraform refuses it if the state moved since):
        as the apply role, or as the deploy role when the plan changes what only it may change."""
        ws = Workspace(self.target, env, stack)
        outcome = StackOutcome(env.name, stack.name, "destroy" if planned.action == "destroy" else "apply")
        outcome.changes, outcome.allowed, outcome.at_stake = planned.changes, planned.allowed, planned.at_stake
        if planned.result == "no changes":
            outcome.result, outcome.duration = "no changes", planned.duration
            return outcome
        errored = ws.dir / ERRORED_STATE
        if errored.is_file():
            outcome.result, outcome.error = (
                "failed",
                errored_state.pending_note(errored, env.name, stack.name, self.target.name),
            )
            return outcome
        administered = administered_changes(planned.changes)
        duty = duty or (Duty.ADMINISTER if administered else Duty.CHANGE)
        outcome.principal = self.target.principal(env, duty)
        if administered and duty is Duty.ADMINISTER:
            self.progress.say(
                ws.label,
                f"applying as {outcome.principal}: the plan changes {', '.join(administered)}, which the CI roles may never change",
            )
        self.progress.say(ws.label, f"applying {planned.add} add, {planned.change} change, {planned.destroy} destroy")
        result = self._run(
            ws,
            ["apply", "-input=false", "-json", f"-lock-timeout={self.lock_timeout}", ws.plan_file.name],
            "apply",
            duty,
        )
        outcome.duration = planned.duration + result.duration
        ws.plan_file.unlink(missing_ok=True)
        for message in result.of_type("change_summary"):
            changes = message.get("changes", {})
            outcome.add, outcome.change, outcome.destroy = (
                changes.get("add", 0),
                changes.get("change", 0),
                changes.get("remove", 0),
            )
        if result.returncode != 0:
            outcome.result, outcome.error = "failed", self._explained(ws, result, "apply", outcome.action)
        else:
            outcome.result = "destroyed" if planned.action == "destroy" else "applied"
        return outcome

    def recover_state(self, env: EnvConfig, stack: StackSpec) -> Recovery:
        """Push the state Terraform left in the stack's errored.tfstate back to the backend when the
        backend holds no state, or the same one at an equal or earlier serial (errored_state.py);
        then keep the file beside, renamed. Anything else is refused and explained; the file stays."""
        ws = Workspace(self.target, env, stack)
        path = ws.dir / ERRORED_STATE
        errored = errored_state.read_errored(path)
        with ws.exclusive():
            self._init(ws, "s3", self.backend_settings(env, stack), duty=Duty.CHANGE)
            backend = self._pulled_state(ws)
            refusal = errored_state.push_refusal(errored, backend)
            if refusal is not None:
                raise OrchestratorError(f"{ws.label}: not pushed: {refusal}.\n{errored_state.refusal_advice(path)}")
            self.progress.say(ws.label, f"pushing {path.name} ({errored.describe()})")
            result = self._run(ws, ["state", "push", ERRORED_STATE], "recover-state", Duty.CHANGE)
            if result.returncode != 0:
                explained = self._explained(ws, result, "recover-state", None)
                raise OrchestratorError(
                    f"{ws.label}: `terraform state push` failed; {path} stays where it is:\n{explained}"
                )
            pushed = self._pulled_state(ws)
        if pushed is None or pushed.lineage != errored.lineage or pushed.serial < errored.serial:
            found = pushed.describe() if pushed is not None else "no state"
            raise OrchestratorError(
                f"{ws.label}: after the push the backend holds {found}, not the errored state; {path} stays where it is"
            )
        kept = errored_state.set_aside(path, datetime.now(UTC))
        return Recovery(
            ws.label,
            errored,
            backend,
            pushed,
            kept,
            self.target.name,
            rerun_command("apply", env.name, self.target.name),
        )

    def _pulled_state(self, ws: Workspace) -> StateRecord | None:
        """The record of the state the backend holds now (`terraform state pull`); None if it holds none."""
        result = self._run(ws, ["state", "pull"], "state-pull", Duty.CHANGE)
        if result.returncode != 0:
            raise OrchestratorError(
                f"{ws.label}: cannot read the backend's state:\n{self._explained(ws, result, 'state-pull', None)}"
            )
        document = result.document()
        return (
            None
            if document is None
            else errored_state.parse_state(json.dumps(document), f"the backend's state of {ws.label}")
        )

    def output(self, env: EnvConfig, stack: StackSpec) -> dict[str, Any]:
        ws = Workspace(self.target, env, stack)
        self._init(ws, "s3", self.backend_settings(env, stack), duty=Duty.READ)
        result = self._run(ws, ["output", "-json"], "output", Duty.READ)
        if result.returncode != 0:
            raise OrchestratorError(f"{ws.label}: terraform output failed:\n{result.error_text()}")

        values = json.loads("\n".join(result.text) or "{}") if not result.messages else result.messages[0]
        return {k: v.get("value") for k, v in values.items()}

    # ---- bootstrap ---------------------------------------------------------------------------
    def bootstrap(self, env: EnvConfig, reconcile: bool) -> StackOutcome | None:
        """Create the account's state bucket, lock table and key if missing.

        First run: apply with a local state file, then move that state into the bucket it just
        created (`init -migrate-state`), so bootstrap's own state ends in the same encrypted,
        versioned, locked bucket as every other stack's. Later runs: a normal plan/apply on the
        S3 backend when `reconcile` is set, otherwise nothing.
        """
        with Workspace(self.target, env, BOOTSTRAP_STACK).exclusive():
            return self._bootstrap(env, reconcile)

    def _bootstrap(self, env: EnvConfig, reconcile: bool) -> StackOutcome | None:
        stack = BOOTSTRAP_STACK
        ws = Workspace(self.target, env, stack)
        local_state = ws.dir / "bootstrap.tfstate"
        # A local state file means a first bootstrap was interrupted: resume it from that file.
        # A cached state key for this very target means the backend exists (no AWS call needed).
        exists = not local_state.is_file() and (
            (not reconcile and self.cached_state_key_arn(env) is not None) or self.state_bucket_exists(env)
        )
        if exists:
            if not reconcile:
                return None
            planned = self.plan(env, stack, duty=Duty.ADMINISTER)
            removed = stateful_addresses(stack.name, planned.changes)
            if removed:
                planned.result, planned.error = "failed", backend_kept(env.name, removed)
                return planned
            return self.apply(env, stack, planned, Duty.ADMINISTER) if planned.result == "changes" else planned
        self.progress.say(ws.label, f"no state backend yet in account {env.account_id}: bootstrapping")
        planned = self.plan(env, stack, backend=("local", {"path": local_state.name}), duty=Duty.ADMINISTER)
        if planned.result == "failed":
            return planned
        outcome = self.apply(env, stack, planned, Duty.ADMINISTER)
        if outcome.result == "failed":
            return outcome
        self.progress.say(ws.label, "moving bootstrap state into the new state bucket")
        self._init(ws, "s3", self.backend_settings(env, stack), migrate=True, duty=Duty.ADMINISTER)
        for leftover in ws.dir.glob("bootstrap.tfstate*"):
            leftover.unlink()
        outcome.action = "bootstrap"
        return outcome


def _document(result: TerraformResult) -> dict[str, Any]:
    """The JSON document a `terraform show -json` printed."""
    document: dict[str, Any] = result.messages[0] if result.messages else json.loads("\n".join(result.text))
    return document


def _read_planned_changes(result: TerraformResult, outcome: StackOutcome) -> None:
    """The planned changes and their counts of a `plan -json` run, into the outcome."""
    for message in result.of_type("planned_change"):
        change = message.get("change", {})
        outcome.changes.append((change.get("action", "?"), change.get("resource", {}).get("addr", "?")))
    for message in result.of_type("change_summary"):
        changes = message.get("changes", {})
        outcome.add, outcome.change, outcome.destroy = (
            changes.get("add", 0),
            changes.get("change", 0),
            changes.get("remove", 0),
        )
