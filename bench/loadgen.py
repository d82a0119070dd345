"""HTTP load generation against 127.0.0.1: wrk when installed, else a threaded Python client.

Every run is bounded twice: by its duration and by a cap on the number of
requests. Both clients spread requests over a list of project codes so the
database does not serve one hot row.
"""

import http.client
import json
import os
import random
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "rotate.lua"
HOST = "127.0.0.1"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    status_errors: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    client: str

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class LoadSpec:
    port: int
    path: str
    codes_file: Path | None
    duration: float
    connections: int = 32
    threads: int = 2
    max_requests: int = 1_000_000


def run(spec: LoadSpec, client: str = "auto") -> LoadResult:
    if client == "wrk" or (client == "auto" and shutil.which("wrk")):
        return run_wrk(spec)
    return run_python(spec)


def run_wrk(spec: LoadSpec) -> LoadResult:
    env = {
        **os.environ,
        "BENCH_PATH": spec.path,
        "BENCH_CODES": str(spec.codes_file or ""),
        "BENCH_MAX_REQUESTS": str(max(1, spec.max_requests // spec.threads)),
    }
    command = ["wrk", f"-t{spec.threads}", f"-c{spec.connections}", f"-d{spec.duration:.0f}s",
               "--timeout", "10s", "-s", str(LUA_SCRIPT), f"http://{HOST}:{spec.port}"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                               timeout=spec.duration + 30)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}\n{completed.stderr}")
    return parse_wrk_summary(line)


def parse_wrk_summary(line: str) -> LoadResult:
    data = json.loads(line.removeprefix("BENCH "))
    return LoadResult(
        requests=data["requests"], seconds=data["duration_us"] / 1e6,
        status_errors=data["status_errors"], socket_errors=data["socket_errors"],
        p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000, client="wrk",
    )


def read_codes(path: Path | None) -> list[str]:
    if path is None:
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


class PythonClient:
    """Keep-alive HTTP/1.1 connections in threads; reconnect when the server closes one."""

    def __init__(self, spec: LoadSpec):
        self.spec = spec
        self.codes = read_codes(spec.codes_file)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.status_errors = 0
        self.socket_errors = 0
        self.remaining = spec.max_requests

    def take_ticket(self) -> bool:
        with self.lock:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True

    def worker(self, seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, self.spec.port, timeout=10)
        latencies: list[float] = []
        while time.monotonic() < deadline and self.take_ticket():
            path = self.spec.path
            if self.codes:
                path = path.replace("{code}", rng.choice(self.codes))
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                with self.lock:
                    self.socket_errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            if response.status >= 400:
                with self.lock:
                    self.status_errors += 1
            if response.will_close:
                connection.close()
        connection.close()
        with self.lock:
            self.latencies.extend(latencies)

    def run(self) -> LoadResult:
        started = time.monotonic()
        deadline = started + self.spec.duration
        workers = [threading.Thread(target=self.worker, args=(i, deadline), daemon=True)
                   for i in range(self.spec.connections)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(self.spec.duration + 30)
        elapsed = time.monotonic() - started
        return LoadResult(
            requests=len(self.latencies), seconds=elapsed, status_errors=self.status_errors,
            socket_errors=self.socket_errors, p50_ms=percentile(self.latencies, 50) * 1000,
            p90_ms=percentile(self.latencies, 90) * 1000,
            p99_ms=percentile(self.latencies, 99) * 1000, client="python",
        )


def run_python(spec: LoadSpec) -> LoadResult:
    return PythonClient(spec).run()


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]
