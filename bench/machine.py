"""A description of the machine a benchmark ran on, for the report."""

import os
import platform
from pathlib import Path

from bench import databases


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def describe() -> dict[str, str]:
    try:
        postgres = databases.postgres_version()
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
        postgres = f"not reachable ({error.__class__.__name__})"
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": cpu_model(),
        "memory": f"{memory_gib():.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "sqlite": databases.sqlite_version(),
        # Other work on a shared machine shows here; the ratios absorb some of it.
        "load average at start (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
