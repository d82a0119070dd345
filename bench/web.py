"""HTTP benchmark: the public project page and the project API against a minimal Django view.

All three targets run on the same gunicorn server in the same rounds, so
each ratio compares figures taken minutes apart on the same machine. The
dataset lives in its own PostgreSQL database (``sunshine_bench``).

Public pages are served from a shared cache that every write empties, so
the measured rounds are the steady state over a hot set of ``codes``
projects: before them, each code is requested once per target (the cold
pass, whose throughput is reported too).
"""

import http.client
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench import databases, loadgen, server
from bench.report import Figure
from bench.runner import run_child

DATABASE = "sunshine_bench"
MINIMAL_PATH = "/bench/minimal/"
WARM_UP_SECONDS = 3


@dataclass
class WebOptions:
    projects: int = 200_000
    disbursements: int = 2_000_000
    duration: float = 10
    rounds: int = 3
    connections: int = 32
    threads: int = 2
    codes: int = 2_000
    max_requests: int = 1_000_000
    page_path: str = "/projects/{code}/"
    api_path: str = "/api/v1/projects/{code}/"
    client: str = "auto"
    server_config: server.ServerConfig = field(default_factory=server.ServerConfig)
    database: str = DATABASE
    verify: bool = True


@dataclass
class Target:
    name: str
    path: str
    min_ratio: float | None = None
    results: list[loadgen.LoadResult] = field(default_factory=list)
    cold: float | None = None


def ensure_dataset(options: WebOptions) -> str:
    """Reuse the benchmark database when it contains the requested sizes, else reload it."""
    url = databases.postgres_url(options.database)
    wanted = {"projects": options.projects, "disbursements": options.disbursements}
    if databases.postgres_exists(options.database):
        try:
            databases.prepare(url)
            counts = run_child("dataset-counts", {}, url).data
            if all(counts[k] == v for k, v in wanted.items()):
                print(f"reusing {options.database}: {counts['projects']:,} projects, "
                      f"{counts['disbursements']:,} disbursements", flush=True)
                return url
        except Exception as error:  # noqa: BLE001 - any failure means "reload"
            print(f"{options.database} is not reusable ({error}); reloading", flush=True)

    print(f"loading {options.database}: {options.projects:,} projects, "
          f"{options.disbursements:,} disbursements", flush=True)
    databases.recreate_postgres(options.database)
    databases.prepare(url)
    loaded = run_child("load-dataset", wanted, url, timeout=3600)
    print(f"loaded in {loaded['seconds']:.0f} s (peak RSS {loaded.max_rss_kb / 1024:.0f} MiB)",
          flush=True)
    if options.verify:
        checked = run_child("verify-audit", {}, url, timeout=3600)
        if checked["problem_count"]:
            raise RuntimeError(f"verify_audit found {checked['problem_count']} problems: "
                               f"{checked['problems']}")
        print(f"verify_audit passed in {checked['seconds']:.0f} s", flush=True)
    return url


def write_codes(url: str, limit: int) -> Path:
    path = databases.OUT_DIR / "codes.txt"
    databases.OUT_DIR.mkdir(parents=True, exist_ok=True)
    run_child("write-codes", {"limit": limit, "path": str(path)}, url)
    return path


def available_targets(port: int, options: WebOptions, sample_code: str) -> list[Target]:
    """Return the targets that return 200 now, and print a notice for each one skipped."""
    targets = [Target("minimal view", MINIMAL_PATH),
               Target("project page", options.page_path, 0.50),
               Target("project API", options.api_path, 0.70)]
    found = []
    for target in targets:
        status = server.get_status(port, target.path.replace("{code}", sample_code))
        if status == 200:
            found.append(target)
        else:
            print(f"skipping {target.name}: GET {target.path} returned {status}", flush=True)
    return found


def load(port: int, options: WebOptions, target: Target, codes: Path, seconds: float):
    spec = loadgen.LoadSpec(port=port, path=target.path, codes_file=codes, duration=seconds,
                            connections=options.connections, threads=options.threads,
                            max_requests=options.max_requests)
    return loadgen.run(spec, options.client)


def prime(port: int, path: str, codes: Path, connections: int = 8) -> float:
    """Request every code once, filling the cache; return the cold throughput."""
    paths = [path.replace("{code}", code) for code in codes.read_text(encoding="utf-8").split()]

    def fetch(chunk: list[str]) -> None:
        connection = http.client.HTTPConnection(server.HOST, port, timeout=30)
        for item in chunk:
            connection.request("GET", item)
            connection.getresponse().read()
        connection.close()

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(fetch, [paths[i::connections] for i in range(connections)]))
    return len(paths) / (time.monotonic() - started)


def measure(options: WebOptions) -> tuple[list[Target], str]:
    url = ensure_dataset(options)
    codes = write_codes(url, options.codes)
    sample = codes.read_text(encoding="utf-8").split()[0]
    config = options.server_config
    if config.redis_url:
        server.flush_redis(config.redis_url)

    with server.running(url, config) as port:
        targets = available_targets(port, options, sample)
        for target in targets:
            if "{code}" in target.path:
                target.cold = prime(port, target.path, codes)
                print(f"cold pass {target.name}: {target.cold:,.0f} req/s", flush=True)
            load(port, options, target, codes, WARM_UP_SECONDS)
        for round_number in range(options.rounds):
            for target in targets:
                result = load(port, options, target, codes, options.duration)
                target.results.append(result)
                print(f"round {round_number + 1} {target.name}: {result.throughput:,.0f} req/s, "
                      f"p99 {result.p99_ms:.1f} ms, errors {result.status_errors}"
                      f"+{result.socket_errors}", flush=True)
    return targets, config.describe()


def figures(targets: list[Target], server_description: str, options: WebOptions) -> list[Figure]:
    if not targets or targets[0].path != MINIMAL_PATH:
        return []
    baseline = targets[0]
    client = baseline.results[0].client
    note = (f"{server_description}; {client} -t{options.threads} -c{options.connections} "
            f"{options.duration:.0f} s × {options.rounds}")
    rows = [Figure("http", "minimal view throughput",
                   statistics.median(r.throughput for r in baseline.results), "req/s", note=note)]
    for target in targets[1:]:
        rows.extend(target_figures(target, baseline))
    return rows


def target_figures(target: Target, baseline: Target) -> list[Figure]:
    ratios = [r.throughput / b.throughput
              for r, b in zip(target.results, baseline.results, strict=True) if b.throughput]
    ratio = statistics.median(ratios) if ratios else 0.0
    p99 = statistics.median(r.p99_ms for r in target.results)
    errors = sum(r.status_errors + r.socket_errors for r in target.results)
    error_note = f"{errors} failed requests" if errors else ""
    cold = [Figure("http", f"{target.name} cold-cache throughput", target.cold, "req/s",
                   note="one request per code, 8 connections")] if target.cold else []
    return cold + [
        Figure("http", f"{target.name} throughput",
               statistics.median(r.throughput for r in target.results), "req/s", note=error_note),
        Figure("http", f"{target.name} / minimal view", ratio, "ratio",
               target=f"≥ {target.min_ratio:.2f}",
               met=ratio >= (target.min_ratio or 0) and not errors),
        Figure("http", f"{target.name} p99 latency", p99, "ms", target="< 50 ms",
               met=p99 < 50 and not errors),
    ]


def run(options: WebOptions) -> list[Figure]:
    targets, description = measure(options)
    return figures(targets, description, options)
