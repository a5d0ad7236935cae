"""Provider waits on the emulator: how long creating each of four resources takes on the local
emulator, side by side with the figures before (measured 2026-12-06, from the README apply's
progress lines: lifecycle configuration 55 s, KMS key 12 s, SQS queue 25 s, VPC 10 s) and with the
wait that the AWS provider 5.100.0 builds into each create whatever the cloud answers.

* per resource, one Terraform root holding the resource and what it needs, shaped as the platform's
  modules write it, applied on an emulator started for this run, one root after the other; the time
  is the resource's own, from Terraform's `apply_start` to its `apply_complete` (`-json`);
* the provider's debug log (TF_LOG_PROVIDER=DEBUG) gives the read-backs it made during that create:
  as many as the minimum means every read matched what it wrote the first time (the emulator
  answered as AWS does), so what is left is the provider's own wait;
* then N copies of one small stack holding the four resources, applied at the same time (each its
  own `terraform apply`), with wall time and CPU seconds against one stack alone: how much of a
  local apply is idle waiting that parallel stacks overlap on this machine.

Before timing, one call into each service warms the fresh emulator (moto builds a service's
backend on its first call: seconds for EC2); that cost is printed apart.

    .venv/bin/python benchmarks/emulator_waits.py [--rounds 1] [--stacks 1,3,6] [--work-dir /tmp/bench-emulator-waits]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_support import CpuMeter, claim_work_dir, code_version, load_average, output_tail, warn_if_code_changed  # noqa: E402

from orchestrator.emulator.process import Emulator, start_emulator  # noqa: E402
from orchestrator.engine import terraform_binary  # noqa: E402
from orchestrator.settings import load_settings  # noqa: E402
from orchestrator.targets.local import LOCAL_CREDENTIALS, LOCAL_MAX_RETRIES, PROVIDER_SERVICES  # noqa: E402
from orchestrator.terraform.cli_config import write_cli_config  # noqa: E402
from orchestrator.terraform.runner import go_runtime_settings  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # the emulator's default account, reached with the local fake credentials

# ---- the four resources ---------------------------------------------------------------------------
LIFECYCLE_HCL = """
resource "aws_s3_bucket" "{n}" {{
  bucket = "waits-{n}"
}}

resource "aws_s3_bucket_versioning" "{n}" {{
  bucket = aws_s3_bucket.{n}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "{n}" {{
  bucket = aws_s3_bucket.{n}.id
  rule {{
    id     = "default"
    status = "Enabled"
    filter {{}}
    abort_incomplete_multipart_upload {{
      days_after_initiation = 7
    }}
    noncurrent_version_expiration {{
      noncurrent_days = 90
    }}
  }}
  depends_on = [aws_s3_bucket_versioning.{n}]
}}
"""

KMS_HCL = """
resource "aws_kms_key" "{n}" {{
  description             = "waits {n}"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 7
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Sid = "Root", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::{account}:root" }}, Action = "kms:*", Resource = "*" }}]
  }})
  tags = {{ Name = "waits-{n}", Purpose = "benchmark" }}
}}
"""

SQS_HCL = """
resource "aws_kms_key" "{n}_queue" {{
  description             = "waits {n} queue"
  deletion_window_in_days = 7
}}

resource "aws_sqs_queue" "{n}" {{
  name                              = "waits-{n}"
  kms_master_key_id                 = aws_kms_key.{n}_queue.arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
  tags                              = {{ Name = "waits-{n}" }}
}}
"""

VPC_HCL = """
resource "aws_vpc" "{n}" {{
  cidr_block           = "10.42.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = {{ Name = "waits-{n}" }}
}}
"""


@dataclass(frozen=True)
class Case:
    """One resource whose create the provider follows with a wait."""

    key: str
    resource_type: str
    before: float  # seconds, measured 2026-12-06
    wait: float  # seconds the provider waits even when every read-back matches at once
    how: str  # how the provider's wait is built
    source: str  # where, in terraform-provider-aws 5.100.0 (internal/service/...)
    read_operations: tuple[str, ...]
    fewest_reads: int  # read-backs of those operations when each matches the first time (final read included)
    hcl: str

    def address(self, name: str) -> str:
        return f"{self.resource_type}.{name}"

    def resources(self, name: str) -> str:
        return self.hcl.format(n=name, account=ACCOUNT)


CASES = (
    Case(
        "lifecycle",
        "aws_s3_bucket_lifecycle_configuration",
        55.0,
        55.0,
        "10 s delay, then 10 equal reads 5 s apart",
        "s3/bucket_lifecycle_configuration.go:695-703 waitLifecycleConfigEquals",
        ("GetBucketLifecycleConfiguration",),
        10,
        LIFECYCLE_HCL,
    ),
    Case(
        "kms",
        "aws_kms_key",
        12.0,
        12.0,
        "rotation, policy, tags: 5 equal reads 1 s apart each",
        "kms/key.go:740-760, 709-731; kms/tags_gen.go:176",
        ("GetKeyRotationStatus", "GetKeyPolicy", "ListResourceTags"),
        18,
        KMS_HCL,
    ),
    Case(
        "sqs",
        "aws_sqs_queue",
        25.0,
        25.0,
        "6 equal reads 5 s apart",
        "sqs/queue.go:603-610 waitQueueAttributesPropagated",
        ("GetQueueAttributes",),
        7,
        SQS_HCL,
    ),
    Case(
        "vpc",
        "aws_vpc",
        10.0,
        10.0,
        "10 s delay before reading enableDnsHostnames",
        "ec2/wait.go:2718-2724 waitVPCAttributeUpdated",
        ("DescribeVpcAttribute",),
        4,
        VPC_HCL,
    ),
)


# ---- Terraform roots ------------------------------------------------------------------------------
def provider_config(url: str) -> dict[str, object]:
    """The AWS provider pointed at the emulator as the local target points it (default account)."""
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": ">= 5.100, < 6.0"}}},
        "provider": {
            "aws": {
                "region": REGION,
                "max_retries": LOCAL_MAX_RETRIES,
                "s3_use_path_style": True,
                "skip_credentials_validation": True,
                "skip_metadata_api_check": True,
                "skip_requesting_account_id": True,
                "endpoints": [{service: url for service in PROVIDER_SERVICES}],
            }
        },
    }


def write_root(directory: Path, url: str, resources: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "provider.tf.json").write_text(json.dumps(provider_config(url), indent=2), encoding="utf-8")
    (directory / "main.tf").write_text(resources, encoding="utf-8")
    return directory


def terraform_env(work: Path) -> dict[str, str]:
    """What the orchestrator's runner gives Terraform on the local target (CLI config, automation
    flags, Go runtime settings, fake credentials)."""
    cli_config = write_cli_config(load_settings(), work)
    return {
        **os.environ,
        **go_runtime_settings(),
        **LOCAL_CREDENTIALS,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }


def init_root(root: Path, env: dict[str, str]) -> None:
    """`terraform init`, one root at a time (the plugin cache is not safe for concurrent inits)."""
    result = subprocess.run(
        [terraform_binary(), "init", "-input=false", "-no-color"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"terraform init failed in {root}:\n{output_tail(result.stdout, result.stderr)}")


def apply_command() -> list[str]:
    return [terraform_binary(), "apply", "-auto-approve", "-input=false", "-no-color", "-json"]


def start_apply(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `terraform apply -json` in `root`: its events go to apply.jsonl, the provider's log to provider.log."""
    log_env = {**env, "TF_LOG_PATH": str(root / "provider.log")}
    with (
        (root / "apply.jsonl").open("w", encoding="utf-8") as events,
        (root / "apply.err").open("w", encoding="utf-8") as errors,
    ):
        return subprocess.Popen(apply_command(), cwd=root, env=log_env, stdout=events, stderr=errors, text=True)


def finish_apply(root: Path, process: subprocess.Popen[str]) -> None:
    if process.wait() != 0:
        events = (root / "apply.jsonl").read_text(encoding="utf-8", errors="replace")
        sys.exit(
            f"terraform apply failed in {root}:\n{output_tail(events, (root / 'apply.err').read_text(encoding='utf-8'))}"
        )


# ---- what the logs say ----------------------------------------------------------------------------
def resource_seconds(events_file: Path, address: str) -> float:
    """Seconds from Terraform's apply_start to apply_complete of `address` (its -json events)."""
    stamps: dict[str, datetime] = {}
    for line in events_file.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if (
            event.get("type") in ("apply_start", "apply_complete")
            and event.get("hook", {}).get("resource", {}).get("addr") == address
        ):
            stamps[event["type"]] = datetime.fromisoformat(event["@timestamp"].replace("Z", "+00:00"))
    if len(stamps) != 2:
        sys.exit(f"no apply_start/apply_complete for {address} in {events_file}")
    return (stamps["apply_complete"] - stamps["apply_start"]).total_seconds()


def log_entries(log_file: Path) -> list[str]:
    """The provider log split into entries (an entry's request body may span lines)."""
    return re.split(r"\n(?=\d{4}-\d\d-\d\dT)", log_file.read_text(encoding="utf-8", errors="replace"))


def read_backs(log_file: Path, case: Case) -> int:
    """Requests of the case's read operations that the provider sent while creating its resource."""
    wanted = {f"rpc.method={operation}" for operation in case.read_operations}
    count = 0
    for entry in log_entries(log_file):
        if "HTTP Request Sent" not in entry or f"tf_resource_type={case.resource_type}" not in entry:
            continue
        if "tf_rpc=ApplyResourceChange" in entry and any(re.search(rf"{re.escape(w)}\b", entry) for w in wanted):
            count += 1
    return count


# ---- measurements ---------------------------------------------------------------------------------
@dataclass
class Timed:
    case: Case
    seconds: list[float] = field(default_factory=list)
    reads: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Batch:
    stacks: int
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    emulator_cpu: list[float] = field(default_factory=list)


def warm_up(emulator: Emulator) -> dict[str, float]:
    """One call into each service of the fresh emulator: the seconds each first call took."""
    import boto3

    session = boto3.Session(
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    calls = {"ec2": "describe_vpcs", "kms": "list_keys", "s3": "list_buckets", "sqs": "list_queues"}
    seconds: dict[str, float] = {}
    for service, operation in calls.items():
        client = session.client(service, endpoint_url=emulator.url)
        start = time.perf_counter()
        getattr(client, operation)()
        seconds[service] = time.perf_counter() - start
    return seconds


def time_case(case: Case, round_number: int, work: Path, url: str, env: dict[str, str]) -> tuple[float, int]:
    """Create the case's resource in a root of its own; its seconds and the read-backs made meanwhile."""
    name = f"{case.key}r{round_number}"
    root = write_root(work / "resources" / name, url, case.resources(name))
    init_root(root, env)
    process = start_apply(root, {**env, "TF_LOG_PROVIDER": "DEBUG"})
    finish_apply(root, process)
    return resource_seconds(root / "apply.jsonl", case.address(name)), read_backs(root / "provider.log", case)


def stack_resources(name: str) -> str:
    """One stack holding the four resources (each named after the stack)."""
    return "".join(case.resources(name) for case in CASES)


def run_batch(
    stacks: int, round_number: int, work: Path, url: str, env: dict[str, str], emulator_pid: int | None
) -> tuple[float, float, float]:
    """Apply `stacks` copies of the four-resource stack at once: wall seconds, CPU seconds of their
    process trees and of the emulator meanwhile."""
    roots = [
        write_root(
            work / "stacks" / f"n{stacks}c{copy}r{round_number}",
            url,
            stack_resources(f"n{stacks}c{copy}r{round_number}"),
        )
        for copy in range(stacks)
    ]
    for root in roots:
        init_root(root, env)
    with CpuMeter(emulator_pid) as cpu:
        start = time.perf_counter()
        running = [(root, start_apply(root, env)) for root in roots]
        for root, process in running:
            finish_apply(root, process)
        wall = time.perf_counter() - start
    return wall, cpu.tree, cpu.emulator


# ---- report ---------------------------------------------------------------------------------------
def print_resources(timed: list[Timed]) -> None:
    print()
    print(
        f"{'resource':<40}{'before':>8}{'now':>8}{'now/before':>11}{'provider wait':>15}{'now-wait':>10}{'read-backs (fewest)':>21}"
    )
    for t in timed:
        reads = f"{statistics.median(t.reads):.0f} ({t.case.fewest_reads})"
        print(
            f"{t.case.resource_type:<40}{t.case.before:>7.0f}s{t.median:>7.1f}s{t.median / t.case.before:>11.2f}"
            f"{t.case.wait:>14.0f}s{t.median - t.case.wait:>9.1f}s{reads:>21}"
        )
    print()
    for t in timed:
        print(f"  {t.case.resource_type}: {t.case.how} — {t.case.source}")
    print(
        "  read-backs equal to the fewest: every read matched what the provider wrote the first time;"
        " the time is the provider's own wait plus its calls"
    )


def print_batches(batches: list[Batch]) -> None:
    alone = next((statistics.median(b.wall) for b in batches if b.stacks == 1), None)
    print()
    print(
        f"{'stacks at once':<16}{'wall':>9}{'wall / 1 stack':>16}{'wall / one after another':>26}{'CPU (tree)':>12}{'emulator CPU':>14}"
    )
    for b in batches:
        wall = statistics.median(b.wall)
        ratios = f"{wall / alone:>16.2f}{wall / (alone * b.stacks):>26.2f}" if alone else f"{'':>42}"
        print(
            f"{b.stacks:<16}{wall:>8.1f}s{ratios}{statistics.median(b.cpu):>11.1f}s{statistics.median(b.emulator_cpu):>13.1f}s"
        )
    print(
        "  one after another: N times the wall time of one stack alone; CPU = user+sys seconds of the applies'"
        " process trees (median), emulator CPU = the emulator's meanwhile"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--stacks",
        default="1,3,6",
        help="copies of the four-resource stack applied at once (comma-separated; empty: skip)",
    )
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/bench-emulator-waits"))
    args = parser.parse_args()
    stack_counts = [int(n) for n in args.stacks.split(",") if n.strip()]

    wall = time.perf_counter()
    code_at_start = code_version()
    print(f"code: {code_at_start}", flush=True)
    work = claim_work_dir(args.work_dir, __file__)
    for stale in ("resources", "stacks"):
        shutil.rmtree(work / stale, ignore_errors=True)
    env = terraform_env(work)
    emulator = start_emulator(work / "emulator.log")
    print(f"emulator {emulator.url} (log {work / 'emulator.log'}); work dir {work}; load {load_average()}", flush=True)
    timed = [Timed(case) for case in CASES]
    batches = [Batch(n) for n in stack_counts]
    try:
        first_calls = warm_up(emulator)
        print(
            "first call into each service of the fresh emulator (untimed below): "
            + ", ".join(f"{service} {seconds:.2f}s" for service, seconds in first_calls.items()),
            flush=True,
        )
        for round_number in range(1, args.rounds + 1):
            for t in timed:
                seconds, reads = time_case(t.case, round_number, work, emulator.url, env)
                t.seconds.append(seconds)
                t.reads.append(reads)
                print(
                    f"round {round_number}: {t.case.resource_type:<40} {seconds:6.1f}s  read-backs {reads}  (load {load_average()})",
                    flush=True,
                )
            for b in batches:
                batch_wall, cpu, emulator_cpu = run_batch(b.stacks, round_number, work, emulator.url, env, emulator.pid)
                b.wall.append(batch_wall)
                b.cpu.append(cpu)
                b.emulator_cpu.append(emulator_cpu)
                print(
                    f"round {round_number}: {b.stacks} stack(s) at once {batch_wall:6.1f}s  CPU {cpu:5.1f}s  emulator CPU {emulator_cpu:4.1f}s"
                    f"  (load {load_average()})",
                    flush=True,
                )
    finally:
        emulator.stop()

    print_resources(timed)
    if batches:
        print_batches(batches)
    warn_if_code_changed(code_at_start)
    print(f"total wall time {time.perf_counter() - wall:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
