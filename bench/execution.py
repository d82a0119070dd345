"""HTTP benchmark of the execution pages over 500,000 tasks and 2,000,000 progress reports.

Two staff pages are loaded, each with the session cookie of a demo account
that logs in through the login page before the load starts:

- the rate page (``/staff/duties/rate/?region=<county>``) as the city
  administrator, rotating over the nine county codes;
- the merit app's "my ledger" page (``/staff/merit/?page=<n>``) as a
  township operator whose person answers for that township's task trees.

Both alternate with ``/bench/minimal/`` (without a cookie, as in the other
benchmarks) in every round on the same gunicorn server. With Redis, sessions
and the per-session page cache (``sunshine.lib.staff_pages``) are on, so a
reload is a cache hit. Each page is therefore also loaded with a query
parameter that differs on every request: the cache misses and the view runs
(with its own fragment caches), which is what a first visit costs. Two
seconds pass between targets, so requests still queued from one target do
not count in the next. Before the load,
``sunshine.merit.rankings.rankings`` for a quarter and the whole city is
timed against the same SQL aggregate run directly.

The dataset (``bench.execution_data``) lives in its own PostgreSQL
database, ``sunshine_bench_execution``, or ``…_<scale>`` for a ``--scale``
other than 1. It is reused while the loader's audit entry records the
requested sizes.
"""

import http.client
import os
import re
import statistics
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench import databases, loadgen, server
from bench.execution_data import LEDGER_USERNAME, PASSWORD, USERNAME, sizes_for
from bench.report import Figure
from bench.runner import run_child

DATABASE = "sunshine_bench_execution"
MINIMAL_PATH = "/bench/minimal/"
RATE_PATH = "/staff/duties/rate/?region={code}"
LEDGER_PATH = "/staff/merit/?page={code}"
LUA_SCRIPT = Path(__file__).resolve().parent / "execution.lua"
CODES_FILE = databases.OUT_DIR / "execution-counties.txt"
PAGES_FILE = databases.OUT_DIR / "execution-ledger-pages.txt"
LEDGER_PAGES = 5
RANKING_PERIOD = "2026Q3"
RANKING_REPEATS = 5
MAX_RANKING_RATIO = 2.0
WARM_UP_SECONDS = 3
SETTLE_SECONDS = 2
P99_LIMIT_MS = 100
MIN_RATIO = 0.50
LOGIN_PATH = "/accounts/login/"
SESSION_COOKIE = "sessionid"


@dataclass
class ExecutionOptions:
    scale: float = 1.0
    duration: float = 10
    rounds: int = 3
    connections: int = 32
    threads: int = 2
    max_requests: int = 1_000_000
    server_config: server.ServerConfig = field(default_factory=server.ServerConfig)
    database: str = ""
    verify: bool = True

    @property
    def database_name(self) -> str:
        if self.database:
            return self.database
        if self.scale == 1:
            return DATABASE
        return f"{DATABASE}_{str(self.scale).replace('.', '_')}"


@dataclass
class Target:
    name: str
    path: str
    codes: Path
    # The user whose session cookie the requests carry; empty for none.
    username: str = ""
    min_ratio: float | None = None
    # A query parameter that differs on every request, so the page cache never hits.
    unique: bool = False
    results: list[loadgen.LoadResult] = field(default_factory=list)


def ensure_dataset(options: ExecutionOptions) -> str:
    """Reuse the benchmark database when it holds the requested sizes, else reload it."""
    name = options.database_name
    url = databases.postgres_url(name)
    sizes = sizes_for(options.scale)
    wanted = {"tasks": sizes.task_rows, "reports": sizes.reports}
    found: dict = {}
    if databases.postgres_exists(name):
        try:
            databases.prepare(url)
            found = run_child("execution-counts", {}, url).data
            if all(found[key] == value for key, value in wanted.items()) and found["entries"]:
                print(f"reusing {name}: {found['tasks']:,} tasks, {found['reports']:,} reports",
                      flush=True)
                return url
        except Exception as error:  # noqa: BLE001 - any failure means "reload"
            print(f"{name} is not reusable ({error}); reloading", flush=True)

    print(f"loading {name}: {wanted['tasks']:,} tasks, {wanted['reports']:,} reports", flush=True)
    databases.recreate_postgres(name)
    databases.prepare(url)
    loaded = run_child("load-execution", {"tasks": sizes.tasks}, url, timeout=7200)
    print(f"loaded in {loaded['seconds']:.0f} s (peak RSS {loaded.max_rss_kb / 1024:.0f} MiB)",
          flush=True)
    if options.verify:
        checked = run_child("verify-audit", {}, url, timeout=7200)
        if checked["problem_count"]:
            raise RuntimeError(f"verify_audit found {checked['problem_count']} problems: "
                               f"{checked['problems']}")
        print(f"verify_audit passed in {checked['seconds']:.0f} s", flush=True)
    return url


def log_in(port: int, username: str) -> str:
    """Log ``username`` in through the login page and return the Cookie header.

    The server signs sessions with a secret key made when it starts, so the
    session must come from the server itself.
    """
    connection = http.client.HTTPConnection(server.HOST, port, timeout=60)
    connection.request("GET", LOGIN_PATH)
    response = connection.getresponse()
    page = response.read().decode()
    cookies = cookies_of(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError(f"GET {LOGIN_PATH} returned {response.status} without a CSRF token")

    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": username,
                                   "password": PASSWORD})
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    connection.request("POST", LOGIN_PATH, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    cookies.update(cookies_of(response))
    if response.status != 302 or SESSION_COOKIE not in cookies:
        raise RuntimeError(f"logging in as {username} returned {response.status} without a session")
    # All cookies, as a browser sends them: the CSRF cookie too, which pages with
    # a form would otherwise set again on every response.
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def write_codes(url: str) -> None:
    """Write the county codes the rate page rotates over, and the ledger's page numbers."""
    codes = run_child("execution-counties", {}, url).data["codes"]
    databases.OUT_DIR.mkdir(parents=True, exist_ok=True)
    CODES_FILE.write_text("\n".join(codes) + "\n", encoding="utf-8")
    pages = [str(number) for number in range(1, LEDGER_PAGES + 1)]
    PAGES_FILE.write_text("\n".join(pages) + "\n", encoding="utf-8")


def run_wrk(port: int, options: ExecutionOptions, target: Target, cookie: str,
            seconds: float) -> loadgen.LoadResult:
    env = {
        **os.environ, "BENCH_PATH": target.path, "BENCH_CODES": str(target.codes),
        "BENCH_COOKIE": cookie, "BENCH_UNIQUE": "1" if target.unique else "",
        "BENCH_MAX_REQUESTS": str(max(1, options.max_requests // options.threads)),
    }
    command = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds:.0f}s",
               "--timeout", "10s", "-s", str(LUA_SCRIPT), f"http://{server.HOST}:{port}"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                               timeout=seconds + 30)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}\n{completed.stderr}")
    return loadgen.parse_wrk_summary(line)


def check_target(port: int, target: Target, cookie: str) -> None:
    """Fail early when a target does not return 200, e.g. a login redirect for a bad cookie."""
    code = target.codes.read_text(encoding="utf-8").split()[0]
    connection = http.client.HTTPConnection(server.HOST, port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    connection.request("GET", target.path.replace("{code}", code), headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {target.path} for {code} returned {response.status}")


def measure(options: ExecutionOptions) -> tuple[list[Target], str, dict]:
    url = ensure_dataset(options)
    write_codes(url)
    timing = run_child("execution-rankings", {"period": RANKING_PERIOD, "region": "331000",
                                              "repeats": RANKING_REPEATS}, url).data
    print(f"rankings: {timing['rankings_ms']:.0f} ms, raw SQL {timing['sql_ms']:.0f} ms, "
          f"{timing['people']:,} people", flush=True)
    config = options.server_config
    if config.redis_url:
        server.flush_redis(config.redis_url)
    targets = [Target("minimal view", MINIMAL_PATH, CODES_FILE),
               Target("county execution rate", RATE_PATH, CODES_FILE, USERNAME, MIN_RATIO),
               Target("my merit ledger", LEDGER_PATH, PAGES_FILE, LEDGER_USERNAME, MIN_RATIO),
               Target("county execution rate, page cache missed", RATE_PATH, CODES_FILE,
                      USERNAME, unique=True),
               Target("my merit ledger, page cache missed", LEDGER_PATH, PAGES_FILE,
                      LEDGER_USERNAME, unique=True)]

    with server.running(url, config) as port:
        cookies = {t.username: log_in(port, t.username) for t in targets if t.username}
        cookies[""] = ""
        for target in targets:
            check_target(port, target, cookies[target.username])
            run_wrk(port, options, target, cookies[target.username], WARM_UP_SECONDS)
        for round_number in range(options.rounds):
            for target in targets:
                # Requests still queued from the previous target finish first.
                time.sleep(SETTLE_SECONDS)
                result = run_wrk(port, options, target, cookies[target.username],
                                 options.duration)
                target.results.append(result)
                print(f"round {round_number + 1} {target.name}: {result.throughput:,.0f} req/s, "
                      f"p99 {result.p99_ms:.1f} ms, errors {result.status_errors}"
                      f"+{result.socket_errors}", flush=True)
    return targets, config.describe(), timing


def figures(targets: list[Target], server_description: str,
            options: ExecutionOptions, timing: dict) -> list[Figure]:
    baseline = targets[0]
    sizes = sizes_for(options.scale)
    note = (f"{server_description}; wrk -t{options.threads} -c{options.connections} "
            f"{options.duration:.0f} s × {options.rounds}; {sizes.task_rows:,} tasks, "
            f"{sizes.reports:,} reports")
    rows = [Figure("execution", "minimal view throughput",
                   statistics.median(r.throughput for r in baseline.results), "req/s", note=note)]
    for target in targets[1:]:
        rows.extend(target_figures(target, baseline))
    return rows + ranking_figures(timing)


def ranking_figures(timing: dict) -> list[Figure]:
    ratio = timing["rankings_ms"] / timing["sql_ms"] if timing["sql_ms"] else 0.0
    note = (f"{RANKING_PERIOD}, whole city, {timing['people']:,} people, median of "
            f"{RANKING_REPEATS}")
    return [
        Figure("execution", "rankings() for a quarter", timing["rankings_ms"], "ms", note=note),
        Figure("execution", "same SQL aggregate run directly", timing["sql_ms"], "ms"),
        Figure("execution", "rankings() / SQL aggregate", ratio, "ratio",
               target=f"≤ {MAX_RANKING_RATIO:.1f}",
               met=ratio <= MAX_RANKING_RATIO and timing["same_totals"]),
    ]


def target_figures(target: Target, baseline: Target) -> list[Figure]:
    ratios = [r.throughput / b.throughput
              for r, b in zip(target.results, baseline.results, strict=True) if b.throughput]
    ratio = statistics.median(ratios) if ratios else 0.0
    p99 = statistics.median(r.p99_ms for r in target.results)
    errors = sum(r.status_errors + r.socket_errors for r in target.results)
    error_note = f"{errors} failed requests" if errors else ""
    rows = [
        Figure("execution", f"{target.name} throughput",
               statistics.median(r.throughput for r in target.results), "req/s", note=error_note),
    ]
    if target.min_ratio is None:
        # Shown for what a first visit costs; the targets apply to the pages as reloaded.
        return rows + [Figure("execution", f"{target.name} / minimal view", ratio, "ratio"),
                       Figure("execution", f"{target.name} p99 latency", p99, "ms")]
    return rows + [
        Figure("execution", f"{target.name} / minimal view", ratio, "ratio",
               target=f"≥ {target.min_ratio:.2f}",
               met=ratio >= target.min_ratio and not errors),
        Figure("execution", f"{target.name} p99 latency", p99, "ms",
               target=f"< {P99_LIMIT_MS} ms", met=p99 < P99_LIMIT_MS and not errors),
    ]


def run(options: ExecutionOptions) -> list[Figure]:
    targets, description, timing = measure(options)
    return figures(targets, description, options, timing)
