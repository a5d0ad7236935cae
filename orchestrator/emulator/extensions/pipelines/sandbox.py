"""A job's container, as far as a local process can be one: its own mount namespace in which a
per-job directory is `/opt/ml`, so the job's code sees SageMaker's paths and no two jobs share files.

`run(work, command, ...)` starts `unshare --user --map-root-user --mount [--net]` with this file as
the launcher inside the namespace: it bind-mounts `<work>/ml` on `/opt/ml` (when the host has no
`/opt/ml` to mount on, a tmpfs goes over `/opt` first, with the host's `/opt` entries bound back
into it) and then execs the job's command. `--net` (a network namespace with nothing but a
loopback that is down) stands for `EnableNetworkIsolation`. A user namespace needs no privilege
where the kernel allows unprivileged ones (this machine does, for root and non-root users alike);
where it does not, or `unshare` is missing, `NamespaceUnavailable` says so and the job fails.

This file runs as the launcher with the standard library only (`python sandbox.py <work> -- cmd`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

JOB_ROOT = "/opt/ml"
READY = "namespace-ready"  # written by the launcher once the mounts are in place
OUTPUT = "output.log"


class NamespaceUnavailable(RuntimeError):
    """No mount namespace could be made for the job."""


@dataclass(frozen=True)
class Finished:
    returncode: int
    output: str
    timed_out: bool = False


def job_directory(work: Path) -> Path:
    """What the job sees as /opt/ml."""
    return work / "ml"


def _unshare(isolate_network: bool) -> list[str]:
    program = shutil.which("unshare")
    if program is None:
        raise NamespaceUnavailable(
            "no mount namespace can be made for the job: the unshare program (util-linux) is not installed"
        )
    return [program, "--user", "--map-root-user", "--mount", *(["--net"] if isolate_network else [])]


def run(work: Path, command: list[str], environment: dict[str, str], timeout: float, isolate_network: bool) -> Finished:
    """Run `command` with `<work>/ml` as /opt/ml; its output (stdout and stderr) is returned."""
    job_directory(work).mkdir(parents=True, exist_ok=True)
    (work / READY).unlink(missing_ok=True)
    launcher = [*_unshare(isolate_network), sys.executable, str(Path(__file__).resolve()), str(work), "--", *command]
    log = work / OUTPUT
    with log.open("wb") as output:
        process = subprocess.Popen(
            launcher,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code, timed_out = process.wait(), True
    text = log.read_text(errors="replace")
    if not (work / READY).exists() and not timed_out:
        raise NamespaceUnavailable(
            f"no mount namespace could be made for the job (unshare exited with {code}): {text.strip()[-500:]}"
        )
    return Finished(code, text, timed_out)


# --------------------------------------------------------------------------------------------
# Inside the namespace
# --------------------------------------------------------------------------------------------


def _mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True)


def _opt_with_a_job_root(work: Path) -> None:
    """Make /opt/ml a mount point: a tmpfs over /opt holding the host's entries and an empty ml/."""
    host = work / "host-opt"
    host.mkdir(exist_ok=True)
    _mount("--rbind", "/opt", str(host))
    _mount("-t", "tmpfs", "tmpfs", "/opt")
    for entry in sorted(host.iterdir()):
        target = Path("/opt") / entry.name
        if entry.is_dir() and not entry.is_symlink():
            target.mkdir()
        elif entry.is_symlink():
            target.symlink_to(os.readlink(entry))
            continue
        else:
            target.touch()
        _mount("--rbind", str(entry), str(target))
    Path(JOB_ROOT).mkdir()


def launch(work: Path, command: list[str]) -> None:
    """Mount the job's directory on /opt/ml, then become the job's command."""
    if not Path(JOB_ROOT).is_dir():
        _opt_with_a_job_root(work)
    _mount("--bind", str(job_directory(work)), JOB_ROOT)
    (work / READY).write_text("ready\n")
    os.chdir("/")
    os.execvpe(command[0], command, dict(os.environ))  # noqa: S606 - the job's own command


if __name__ == "__main__":
    separator = sys.argv.index("--")
    launch(Path(sys.argv[1]), sys.argv[separator + 1 :])
