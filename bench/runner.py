"""Running one ``bench.child`` task in a subprocess and reading its result and peak memory."""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bench.databases import REPO_DIR, child_env


class ChildError(RuntimeError):
    """Raised when a benchmark subprocess fails, times out or prints no result."""


@dataclass
class ChildResult:
    data: dict[str, Any]
    # Peak resident set size of the subprocess, from wait4(2), in kibibytes.
    max_rss_kb: int

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def run_child(task: str, args: dict[str, Any], database_url: str, *, timeout: float = 1800,
              env: dict[str, str] | None = None) -> ChildResult:
    """Run a task to completion and return its result; kill it after timeout seconds."""
    command = [sys.executable, "-m", "bench.child", task, json.dumps(args)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=REPO_DIR,
                                   env=child_env(database_url, **(env or {})),
                                   stdout=out, stderr=err, text=True)
        status, rusage = wait_with_usage(process, timeout, task)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()

    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if status != 0 or not lines:
        raise ChildError(f"task {task} failed with exit code {status}:\n{stderr[-4000:]}")
    return ChildResult(json.loads(lines[-1]), rusage.ru_maxrss)


def wait_with_usage(process: subprocess.Popen, timeout: float, task: str):
    """Reap the process with wait4(2), which also returns its resource usage."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, rusage
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ChildError(f"task {task} timed out after {timeout:.0f} s")
        time.sleep(0.05)
