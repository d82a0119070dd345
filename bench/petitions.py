"""HTTP benchmark of citizen reports over 1,000,000 stored reports, against the minimal view.

Two targets share one gunicorn server and alternate with ``/bench/minimal/``
and ``/bench/insert/`` in every round:

- **submit**: ``POST /api/v1/reports/`` files a named request in 海门街道
  (JSON body, a random phone number per request). It runs
  ``actions.register`` and the routing to the township's government.
- **track**: ``GET /api/v1/reports/{code}/`` with the secret in
  ``X-Tracking-Secret`` reads a report's status, steps and replies, over
  many distinct codes with their secrets (``bench/out/tracking-codes.txt``).

``/bench/insert/`` takes the submit body and only stores it as one
autocommitted row. Its ratio to the minimal view, printed without a target,
is what a durable write per request costs on this machine before any of
the product's work, so it shows how much of the submit ratio that leaves.

Both paths are limited per client address, and every request here comes
from 127.0.0.1. The loader therefore writes the versioned settings in
``bench.settings.PETITION_SETTING_OVERRIDES`` into the benchmark database.

The dataset lives in its own PostgreSQL database (``sunshine_bench_petitions``).
Reports, their registration events and replies are written with ``COPY``
in one pass per table: the rows point at the audit entry that is appended
right after them, whose id is taken under the lock of the chain head, so
``sunshine verify_audit`` passes. Run the loader only in a configured
Django process (``bench.child``).
"""

import dataclasses
import datetime
import hashlib
import http.client
import os
import secrets
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench import databases, loadgen, server
from bench.report import Figure
from bench.runner import run_child

DATABASE = "sunshine_bench_petitions"
MINIMAL_PATH = "/bench/minimal/"
INSERT_PATH = "/bench/insert/"
SUBMIT_PATH = "/api/v1/reports/"
TRACK_PATH = "/api/v1/reports/{code}/"
LUA_SCRIPT = Path(__file__).resolve().parent / "petitions.lua"
CODES_FILE = databases.OUT_DIR / "tracking-codes.txt"
WARM_UP_SECONDS = 3
# When wrk stops, up to 32 requests of the previous target are still queued at
# the server, about 0.3 s of submissions. The next target starts after them.
SETTLE_SECONDS = 2
P99_LIMIT_MS = 100
# The township, category and unit that submitted reports are filed in and routed to.
SUBMIT_REGION = "331002001"
CATEGORY_CODE = "bench_roads"
UNIT_NAME = "海门街道办事处"
LOAD_PURPOSE = "petition benchmark dataset"
SEED = 20261204
BATCH = 5000
NAMED_SHARE_PER_MILLE = 600
REPLIED_SHARE_PER_MILLE = 300


@dataclass
class PetitionOptions:
    reports: int = 1_000_000
    codes: int = 20_000
    duration: float = 10
    rounds: int = 3
    connections: int = 32
    threads: int = 2
    max_requests: int = 1_000_000
    server_config: server.ServerConfig = field(default_factory=server.ServerConfig)
    database: str = DATABASE
    verify: bool = True


@dataclass
class Target:
    name: str
    mode: str
    path: str
    min_ratio: float | None = None
    results: list[loadgen.LoadResult] = field(default_factory=list)
    cold: float | None = None
    # Reports waiting before each round and after the last, with the seconds the
    # registrar took to register them.
    drains: list[tuple[int, float]] = field(default_factory=list)


# The dataset, written inside a ``bench.child`` process.


def code_for(index: int) -> tuple[str, str]:
    """Return the tracking code and secret of report ``index``, the same on every call."""
    from sunshine.petitions import tracking

    digest = hashlib.sha256(f"{SEED}:{index}".encode()).digest()
    letters = [tracking.ALPHABET[byte % len(tracking.ALPHABET)] for byte in digest]
    return ("".join(letters[:tracking.CODE_LENGTH]),
            "".join(letters[tracking.CODE_LENGTH:tracking.CODE_LENGTH + tracking.SECRET_LENGTH]))


def _jsonb(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value) if isinstance(value, list | dict) else value


def copy_audited(model, generate: Callable[[], Iterator[dict[str, Any]]]) -> int:
    """Write generated rows with COPY, then append the one audit entry that covers them.

    The rows carry the id the entry will get: the chain head is locked
    first, and ``chain.append`` takes the next id under the same lock.
    """
    from bench.dataset import TableWriter, write_rows
    from sunshine.audit import chain
    from sunshine.audit.models import ChainHead

    writer = TableWriter(model)
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    entry_id = (head.last_id if head else 0) + 1
    digest = {"count": 0, "total": 0}

    def rows() -> Iterator[tuple]:
        for values in generate():
            row = writer.complete(values)
            row["audit_entry_id"] = entry_id
            found = chain.digest_prepared(writer.model, writer.digest_fields,
                                          [row[name] for name in writer.digest_names])
            digest["total"] = (digest["total"] + int(found, 16)) % chain.MODULUS
            digest["count"] += 1
            yield (row["id"], *(_jsonb(row[f.attname]) for f in writer.fields))

    written = write_rows(model._meta.db_table, writer.columns(True), rows())
    entry = chain.append(None, "bulk_load", object_type=chain.object_type_of(model),
                         changes={"purpose": LOAD_PURPOSE, "rows": written},
                         row_digests=_digest_parts(digest["count"], digest["total"]))
    if entry.pk != entry_id:
        raise RuntimeError(f"audit entry {entry.pk} appended, expected {entry_id}")
    return written


def _digest_parts(count: int, total: int) -> Iterator[str]:
    """Yield ``count`` digests whose sum is ``total``: zeros and the total itself.

    ``chain.append`` needs the number of rows and the sum of their digests;
    the rows are already written, so their digests are not kept.
    """
    for _ in range(count - 1):
        yield "0" * 64
    if count:
        yield format(total, "064x")


class ReportRows:
    """Deterministic report rows; calling a method twice yields the same ids and codes."""

    def __init__(self, reports: int, first_id: int, category_id: int, unit_id: int,
                 author_id: int, regions: list[str]) -> None:
        self.reports = reports
        self.first_id = first_id
        self.category_id = category_id
        self.unit_id = unit_id
        self.author_id = author_id
        self.regions = regions

    def _received(self, index: int) -> datetime.date:
        return datetime.date(2023, 1, 1) + datetime.timedelta(days=index % 1400)

    def _moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        from django.utils import timezone

        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def petitions(self) -> Iterator[dict[str, Any]]:
        from sunshine.petitions import tracking
        from sunshine.petitions.models import Petition

        for index in range(self.reports):
            code, secret = code_for(index)
            received = self._received(index)
            replied = index % 1000 < REPLIED_SHARE_PER_MILLE
            petition = Petition(tracking_code=code)
            if index % 1000 < NAMED_SHARE_PER_MILLE:
                petition.set_reporter(f"群众{index % 997}", f"139{index % 100_000_000:08d}")
            yield {
                "id": self.first_id + index, "tracking_code": code,
                "secret_hash": tracking.secret_hash(code, secret), "kind": "request",
                "category_id": self.category_id, "channel": "web",
                "region_id": self.regions[index % len(self.regions)],
                "title": "村道维修", "text": f"村道路面破损，请求维修（第{index + 1}件）。",
                "is_anonymous": not petition.reporter_phone_hash,
                "reporter_name_encrypted": petition.reporter_name_encrypted,
                "reporter_phone_encrypted": petition.reporter_phone_encrypted,
                "reporter_phone_hash": petition.reporter_phone_hash,
                "state": "replied" if replied else "closed", "assigned_unit_id": self.unit_id,
                "received_on": received, "registered_at": self._moment(received, 9),
                "handled_on": received + datetime.timedelta(days=20) if replied else None,
                "handle_due": received + datetime.timedelta(days=60),
                "closed_at": None if replied else self._moment(received, 15),
            }

    def events(self) -> Iterator[dict[str, Any]]:
        for index in range(self.reports):
            received = self._received(index)
            yield {
                "id": self.first_id + index, "petition_id": self.first_id + index,
                "action": "register", "at": self._moment(received, 9), "on": received,
                "to_state": "received", "is_public": True, "by_reporter": True,
                "deadlines": [{"due": (received + datetime.timedelta(days=15)).isoformat(),
                               "rule": "petitions.accept_notice_days", "legal": True}],
                "notified": [],
            }

    def replies(self) -> Iterator[dict[str, Any]]:
        for index in range(self.reports):
            if index % 1000 >= REPLIED_SHARE_PER_MILLE:
                continue
            delivered = self._received(index) + datetime.timedelta(days=20)
            yield {
                "id": self.first_id + index, "petition_id": self.first_id + index,
                "stage": "reply", "text": "已安排维修，预计本月完成。", "outcome": "support",
                "unit_id": self.unit_id, "author_id": self.author_id, "delivered_on": delivered,
            }


def prepare_routing(actor: Any = None) -> tuple[Any, Any, Any]:
    """Create the category, the township government that handles it, and a reply author."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from sunshine.audit.actions import create_row
    from sunshine.organisation import actions as org_actions
    from sunshine.organisation.models import Level, Region, Unit, UnitKind
    from sunshine.petitions.models import Category

    region = Region.objects.get(code=SUBMIT_REGION)
    unit = Unit.objects.filter(region=region, name=UNIT_NAME).first() or org_actions.create_unit(
        actor, name=UNIT_NAME, kind=UnitKind.GOVERNMENT, region=region)
    category = Category.objects.filter(code=CATEGORY_CODE).first()
    if category is None:
        with transaction.atomic():
            category = create_row(actor, Category(
                code=CATEGORY_CODE, name="农村道路", is_public=True,
                route_unit_kind=UnitKind.GOVERNMENT, route_level=Level.TOWNSHIP))
    author, _created = get_user_model().objects.get_or_create(username="bench_handler")
    return category, unit, author


def apply_setting_overrides() -> None:
    """Write the per-address limits of ``bench.settings`` as all-county setting versions."""
    from django.conf import settings

    from sunshine.rules.actions import add_setting
    from sunshine.rules.values import get_setting

    for key, value in settings.PETITION_SETTING_OVERRIDES.items():
        # Versions are append-only, so a value already in force is not added again.
        if get_setting(key) != value:
            add_setting(None, key, value, effective_from=datetime.date(2000, 1, 1),
                        source="benchmark: all requests come from 127.0.0.1")


def load(reports: int) -> dict[str, Any]:
    """Load the dataset into the configured database in one transaction."""
    from django.db import connection, transaction

    from sunshine.organisation.models import Level, Region
    from sunshine.petitions.models import Petition, PetitionEvent, Reply

    apply_setting_overrides()
    category, unit, author = prepare_routing()
    regions = list(Region.objects.filter(level=Level.VILLAGE, path__startswith="331000/331002/")
                   .order_by("code").values_list("code", flat=True))
    tables = (Petition, PetitionEvent, Reply)
    with transaction.atomic():
        if any(model._base_manager.exists() for model in tables):
            raise RuntimeError("the benchmark database already has petitions; recreate it first")
        generated = ReportRows(reports, 1, category.pk, unit.pk, author.pk, regions)
        counts = {"reports": copy_audited(Petition, generated.petitions),
                  "events": copy_audited(PetitionEvent, generated.events),
                  "replies": copy_audited(Reply, generated.replies)}
        reset_sequences(tables)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def reset_sequences(models) -> None:
    """Move each table's id sequence past the ids the COPY wrote."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - table names from the models
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


def loaded_reports() -> int:
    """Return how many reports the loader wrote, from its audit entries; 0 when none."""
    from sunshine.audit.models import AuditEntry

    entry = (AuditEntry.objects.filter(action="bulk_load", object_type="petitions.petition",
                                       changes__purpose=LOAD_PURPOSE).order_by("-id").first())
    return int(entry.changes["rows"]) if entry else 0


def create_insert_table() -> None:
    """Create the table of ``/bench/insert/`` empty, with the columns a minimal intake row needs."""
    from django.db import connection

    from bench.urls import INSERT_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {INSERT_TABLE}")
        cursor.execute(f"CREATE TABLE {INSERT_TABLE} (id bigserial PRIMARY KEY, "
                       "received_at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)")


def write_codes(reports: int, limit: int, path: Path) -> int:
    """Write ``limit`` tracking codes with their secrets, spread over the loaded reports."""
    step = max(1, reports // max(1, limit))
    lines = [" ".join(code_for(index)) for index in range(0, reports, step)][:limit]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


# The load, run from ``python -m bench``.


def ensure_dataset(options: PetitionOptions) -> str:
    """Reuse the benchmark database when it holds the requested reports, else reload it."""
    url = databases.postgres_url(options.database)
    if databases.postgres_exists(options.database):
        try:
            databases.prepare(url)
            found = run_child("petition-counts", {}, url).data["reports"]
            if found == options.reports:
                print(f"reusing {options.database}: {found:,} loaded reports", flush=True)
                return url
        except Exception as error:  # noqa: BLE001 - any failure means "reload"
            print(f"{options.database} is not reusable ({error}); reloading", flush=True)

    print(f"loading {options.database}: {options.reports:,} reports", flush=True)
    databases.recreate_postgres(options.database)
    databases.prepare(url)
    loaded = run_child("load-petitions", {"reports": options.reports}, url, timeout=7200)
    print(f"loaded in {loaded['seconds']:.0f} s (peak RSS {loaded.max_rss_kb / 1024:.0f} MiB)",
          flush=True)
    if options.verify:
        checked = run_child("verify-audit", {}, url, timeout=7200)
        if checked["problem_count"]:
            raise RuntimeError(f"verify_audit found {checked['problem_count']} problems: "
                               f"{checked['problems']}")
        print(f"verify_audit passed in {checked['seconds']:.0f} s", flush=True)
    return url


def run_wrk(port: int, options: PetitionOptions, target: Target, seconds: float) -> loadgen.LoadResult:
    env = {
        **os.environ, "BENCH_MODE": target.mode, "BENCH_PATH": target.path,
        "BENCH_CODES": str(CODES_FILE), "BENCH_CATEGORY": CATEGORY_CODE,
        "BENCH_REGION": SUBMIT_REGION,
        "BENCH_MAX_REQUESTS": str(max(1, options.max_requests // options.threads)),
        "BENCH_SEED": str(secrets.randbelow(2**31)),
    }
    command = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds:.0f}s",
               "--timeout", "10s", "-s", str(LUA_SCRIPT), f"http://{server.HOST}:{port}"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                               timeout=seconds + 30)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}\n{completed.stderr}")
    return loadgen.parse_wrk_summary(line)


def check_targets(port: int) -> None:
    """Fail early when a target does not answer as the load expects."""
    code, secret = CODES_FILE.read_text(encoding="utf-8").split()[:2]
    status = server.get_status(port, MINIMAL_PATH)
    if status != 200:
        raise RuntimeError(f"GET {MINIMAL_PATH} returned {status}")
    connection = http.client.HTTPConnection(server.HOST, port, timeout=30)
    connection.request("GET", TRACK_PATH.replace("{code}", code),
                       headers={"X-Tracking-Secret": secret})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {TRACK_PATH} with a loaded code returned {response.status}")


def prime_tracking(port: int, connections: int = 8) -> float:
    """Read every tracking code once with its secret; return that cold-cache throughput.

    The product keeps a reporter's status view in the shared cache after
    the first read, so the rounds measure repeated reads and this pass the
    first read of each report.
    """
    pairs = [line.split() for line in CODES_FILE.read_text(encoding="utf-8").splitlines() if line]

    def fetch(chunk: list[list[str]]) -> None:
        connection = http.client.HTTPConnection(server.HOST, port, timeout=30)
        for code, secret in chunk:
            connection.request("GET", TRACK_PATH.replace("{code}", code),
                               headers={"X-Tracking-Secret": secret})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {TRACK_PATH} for {code} returned {response.status}")
        connection.close()

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(fetch, [pairs[i::connections] for i in range(connections)]))
    return len(pairs) / (time.monotonic() - started)


def measure(options: PetitionOptions) -> tuple[list[Target], str]:
    url = ensure_dataset(options)
    run_child("write-tracking-codes", {"reports": options.reports, "limit": options.codes,
                                       "path": str(CODES_FILE)}, url)
    run_child("create-insert-table", {}, url)
    config = dataclasses.replace(options.server_config, deferred_registration=True)
    if config.redis_url:
        server.flush_redis(config.redis_url)
    # Submission comes last in each round. The registrar runs throughout, as in
    # production, and waits while reports arrive; each round starts once it has
    # registered what the last one received, so no target shares the machine with
    # its work.
    targets = [Target("minimal view", "minimal", MINIMAL_PATH),
               Target("insert one row (floor)", "submit", INSERT_PATH),
               Target("track report (API)", "track", TRACK_PATH, 0.60),
               Target("submit report (API)", "submit", SUBMIT_PATH, 0.40)]

    with server.running(url, config) as port:
        check_targets(port)
        wait_for_registrar(url, "left by an earlier run")
        track = targets[2]
        track.cold = prime_tracking(port)
        print(f"cold pass {track.name}: {track.cold:,.0f} req/s", flush=True)
        for target in targets:
            run_wrk(port, options, target, WARM_UP_SECONDS)
        for round_number in range(options.rounds):
            targets[-1].drains.append(wait_for_registrar(url, "received in the warm-up"
                                                         if round_number == 0 else
                                                         f"received in round {round_number}"))
            for target in targets:
                time.sleep(SETTLE_SECONDS)
                result = run_wrk(port, options, target, options.duration)
                target.results.append(result)
                print(f"round {round_number + 1} {target.name}: {result.throughput:,.0f} req/s, "
                      f"p99 {result.p99_ms:.1f} ms, errors {result.status_errors}"
                      f"+{result.socket_errors}", flush=True)
        targets[-1].drains.append(wait_for_registrar(url, f"received in round {options.rounds}"))
    return targets, config.describe()


WAITING_SQL = "SELECT count(*) FROM petitions_receivedreport WHERE outcome = 'waiting'"


def waiting_reports(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(WAITING_SQL).fetchone()
    return int(row[0]) if row else 0


def wait_for_registrar(url: str, what: str, timeout: float = 3600) -> tuple[int, float]:
    """Wait until no received report waits; return how many waited and the seconds taken."""
    before, started = waiting_reports(url), time.monotonic()
    while waiting_reports(url):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"received reports still wait after {timeout:.0f} s; see "
                               f"{databases.OUT_DIR / 'gunicorn.log'}")
        time.sleep(1)
    taken = time.monotonic() - started
    if before:
        print(f"registrar: {before:,} reports {what} registered in {taken:.0f} s", flush=True)
    return before, taken


def figures(targets: list[Target], server_description: str, options: PetitionOptions) -> list[Figure]:
    baseline = targets[0]
    note = (f"{server_description}; wrk -t{options.threads} -c{options.connections} "
            f"{options.duration:.0f} s × {options.rounds}; {options.reports:,} stored reports")
    rows = [Figure("petitions", "minimal view throughput",
                   statistics.median(r.throughput for r in baseline.results), "req/s", note=note)]
    for target in targets[1:]:
        rows.extend(target_figures(target, baseline))
    registered = sum(count for count, _seconds in targets[-1].drains)
    seconds = sum(taken for _count, taken in targets[-1].drains)
    if registered and seconds:
        rows.append(Figure("petitions", "registrar with the server idle", registered / seconds,
                           "reports/s", note=f"{registered:,} received reports registered "
                                             f"between the rounds in {seconds:.0f} s"))
    return rows


def target_figures(target: Target, baseline: Target) -> list[Figure]:
    ratios = [r.throughput / b.throughput
              for r, b in zip(target.results, baseline.results, strict=True) if b.throughput]
    ratio = statistics.median(ratios) if ratios else 0.0
    p99 = statistics.median(r.p99_ms for r in target.results)
    errors = sum(r.status_errors + r.socket_errors for r in target.results)
    error_note = f"{errors} failed requests" if errors else ""
    cold = [Figure("petitions", f"{target.name} cold-cache throughput", target.cold, "req/s",
                   note="first read of each code, 8 connections")] if target.cold else []
    throughput = Figure("petitions", f"{target.name} throughput",
                        statistics.median(r.throughput for r in target.results), "req/s",
                        note=error_note)
    if target.min_ratio is None:
        return [throughput, Figure("petitions", f"{target.name} / minimal view", ratio, "ratio",
                                   note="reference, no target")]
    return cold + [
        throughput,
        Figure("petitions", f"{target.name} / minimal view", ratio, "ratio",
               target=f"≥ {target.min_ratio:.2f}",
               met=ratio >= target.min_ratio and not errors),
        Figure("petitions", f"{target.name} p99 latency", p99, "ms",
               target=f"< {P99_LIMIT_MS} ms", met=p99 < P99_LIMIT_MS and not errors),
    ]


def run(options: PetitionOptions) -> list[Figure]:
    targets, description = measure(options)
    return figures(targets, description, options)
