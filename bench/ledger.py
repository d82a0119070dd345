"""Ledger import benchmark: ``import_workbook`` against calamine plus a bulk insert.

Every timed run starts from a copy of a prepared database (schema, regions
and an administrator who imports), so runs do not see each other's rows.
Each run is a separate process: the import's peak resident set size comes
from wait4(2) on that process, interpreter and Django included.
"""

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench import databases
from bench.report import Figure
from bench.runner import ChildResult, run_child

ACTOR = "bench_importer"
TEMPLATE_DB = "sunshine_bench_ledger_template"
RUN_DB = "sunshine_bench_ledger"
MAX_RATIO = 2.0
MAX_RSS_MB = 500
IMPORT_TIMEOUT = 1800


@dataclass
class LedgerOptions:
    rows: int = 100_000
    rounds: int = 3
    backends: tuple[str, ...] = ("postgresql", "sqlite")


@dataclass
class Runs:
    backend: str
    imports: list[ChildResult] = field(default_factory=list)
    baselines: list[ChildResult] = field(default_factory=list)


class Backend:
    """A prepared template database and a way to get a fresh copy of it."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.template_path = databases.OUT_DIR / "ledger-template.sqlite3"
        self.run_path = databases.OUT_DIR / "ledger-run.sqlite3"

    def template_url(self) -> str:
        if self.vendor == "postgresql":
            return databases.postgres_url(TEMPLATE_DB)
        return databases.sqlite_url(self.template_path)

    def prepare_template(self) -> None:
        if self.vendor == "postgresql":
            databases.recreate_postgres(TEMPLATE_DB)
        else:
            databases.OUT_DIR.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                databases.OUT_DIR.joinpath(self.template_path.name + suffix).unlink(missing_ok=True)
        databases.prepare(self.template_url())
        run_child("make-actor", {"username": ACTOR}, self.template_url())

    def fresh_copy(self) -> str:
        if self.vendor == "postgresql":
            databases.clone_postgres(TEMPLATE_DB, RUN_DB)
            return databases.postgres_url(RUN_DB)
        databases.clone_sqlite(self.template_path, self.run_path)
        return databases.sqlite_url(self.run_path)


def measure(options: LedgerOptions) -> list[Runs]:
    generated = run_child("make-workbook", {"rows": options.rows},
                          Backend("sqlite").template_url(), timeout=900)
    path = Path(generated["path"])
    print(f"workbook {path.name}: {path.stat().st_size / 1e6:.1f} MB", flush=True)
    all_runs = []
    for vendor in options.backends:
        backend = Backend(vendor)
        backend.prepare_template()
        runs = Runs(vendor)
        for round_number in range(options.rounds):
            baseline = run_child("ledger-baseline", {"path": str(path)}, backend.fresh_copy())
            runs.baselines.append(baseline)
            imported = run_child("ledger-import", {"path": str(path), "username": ACTOR},
                                 backend.fresh_copy(), timeout=IMPORT_TIMEOUT)
            if imported["disbursements"] != options.rows:
                raise RuntimeError(f"the import stored {imported['disbursements']} disbursements, "
                                   f"expected {options.rows}: {imported['summary']}")
            runs.imports.append(imported)
            print(f"round {round_number + 1} {vendor}: baseline {baseline['seconds']:.2f} s "
                  f"(CPU {baseline['cpu_seconds']:.2f} s), import {imported['seconds']:.2f} s "
                  f"(CPU {imported['cpu_seconds']:.2f} s), "
                  f"import peak RSS {imported.max_rss_kb / 1024:.0f} MiB", flush=True)
        all_runs.append(runs)
    return all_runs


def figures(all_runs: list[Runs], options: LedgerOptions) -> list[Figure]:
    rows = []
    for runs in all_runs:
        name = f"ledger {runs.backend}"
        baseline = statistics.median(r["seconds"] for r in runs.baselines)
        imported = statistics.median(r["seconds"] for r in runs.imports)
        ratios = [i["seconds"] / b["seconds"]
                  for i, b in zip(runs.imports, runs.baselines, strict=True)]
        ratio = statistics.median(ratios)
        cpu_ratio = statistics.median(i["cpu_seconds"] / b["cpu_seconds"]
                                      for i, b in zip(runs.imports, runs.baselines, strict=True))
        peak_mb = max(r.max_rss_kb for r in runs.imports) / 1024
        kind = "COPY" if runs.backend == "postgresql" else "executemany"
        rows += [
            Figure(name, f"baseline: calamine + {kind}", baseline, "s",
                   note=f"{options.rows:,} rows, median of {len(runs.baselines)}"),
            Figure(name, "import_workbook", imported, "s",
                   note=f"{options.rows / imported:,.0f} rows/s"),
            Figure(name, "import / baseline", ratio, "ratio", target=f"≤ {MAX_RATIO:.1f}",
                   met=ratio <= MAX_RATIO),
            Figure(name, "import / baseline, CPU time", cpu_ratio, "ratio",
                   note="Python process only, excludes the database server"),
            Figure(name, "import peak RSS", peak_mb, "MiB", target=f"< {MAX_RSS_MB} MB",
                   met=peak_mb * 1.048576 < MAX_RSS_MB, note="whole process, wait4(2)"),
        ]
    return rows


def run(options: LedgerOptions) -> list[Figure]:
    return figures(measure(options), options)
