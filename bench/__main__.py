"""Run the benchmarks and print their figures: ``python -m bench [options]``.

With no options it runs everything at full size: the ledger import of a
100,000-row workbook on PostgreSQL and SQLite, then the project page and
API under 32 connections over 200,000 projects and 2,000,000
disbursements, then filing and reading citizen reports through the API
over 1,000,000 stored reports, then the county execution-rate page over
500,000 tasks and 2,000,000 progress reports. ``--quick`` runs the same
steps on small sizes. Every figure that has a target is a ratio to a baseline measured in the same run, or an
absolute limit (latency, memory). Results are also written as JSON under
``bench/out/``.
"""

import argparse
import datetime
import json
import sys
import traceback
from dataclasses import asdict

from bench import execution, ledger, machine, petitions, report, server, web
from bench.databases import OUT_DIR

QUICK = {"rows": 2000, "projects": 2000, "disbursements": 20000, "duration": 3, "rounds": 1,
         "codes": 1000, "reports": 5000, "tracking_codes": 500, "scale": 0.01}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["ledger", "http", "petitions", "execution"],
                        action="append",
                        help="run only this benchmark (repeatable); default: all")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes for a check that the harness works: " + ", ".join(
                            f"{k}={v}" for k, v in QUICK.items()))
    parser.add_argument("--rounds", type=int, default=3,
                        help="measurements per figure; the table shows the median (default 3)")

    group = parser.add_argument_group("ledger import")
    group.add_argument("--rows", type=int, default=100_000,
                       help="payment rows in the workbook (default 100000)")
    group.add_argument("--backends", default="postgresql,sqlite",
                       help="comma-separated: postgresql, sqlite (default both)")

    group = parser.add_argument_group("project page and API")
    group.add_argument("--projects", type=int, default=200_000, help="projects (default 200000)")
    group.add_argument("--disbursements", type=int, default=2_000_000,
                       help="disbursements spread over the projects (default 2000000)")
    group.add_argument("--duration", type=float, default=10,
                       help="seconds of load per target and round (default 10)")
    group.add_argument("--connections", type=int, default=32, help="concurrent connections")
    group.add_argument("--threads", type=int, default=2, help="wrk threads")
    group.add_argument("--max-requests", type=int, default=1_000_000,
                       help="cap on requests per load run, on top of the duration")
    group.add_argument("--codes", type=int, default=2_000,
                       help="distinct project codes the requests rotate over, each requested "
                            "once before the rounds (default 2000)")
    group.add_argument("--page-path", default=web.WebOptions.page_path,
                       help="project page path; {code} is replaced (default %(default)s)")
    group.add_argument("--api-path", default=web.WebOptions.api_path,
                       help="project API path; {code} is replaced (default %(default)s)")
    group.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                       help="load generator; auto uses wrk when installed")
    group.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    group.add_argument("--worker-class", choices=["sync", "gthread"], default="sync",
                       help="gunicorn worker class (default sync)")
    group.add_argument("--worker-threads", type=int, default=1,
                       help="threads per gthread worker (default 1)")
    group.add_argument("--redis-url", default="redis://127.0.0.1:6379/15",
                       help="cache for the server; empty for local memory. Flushed before the run.")
    group.add_argument("--database", default=web.DATABASE,
                       help="PostgreSQL database of the dataset, named sunshine_bench* "
                            "(default %(default)s); it is dropped and reloaded when its sizes "
                            "differ from the requested ones")
    group.add_argument("--no-verify", action="store_true",
                       help="skip verify_audit after loading the dataset")

    group = parser.add_argument_group("citizen reports (load options as above)")
    group.add_argument("--reports", type=int, default=1_000_000,
                       help="stored reports (default 1000000)")
    group.add_argument("--tracking-codes", type=int, default=20_000,
                       help="distinct tracking codes the reads rotate over (default 20000)")
    group.add_argument("--petitions-database", default=petitions.DATABASE,
                       help="PostgreSQL database of the reports, named sunshine_bench* "
                            "(default %(default)s); reloaded when its report count differs")

    group = parser.add_argument_group("execution rate (load options as above)")
    group.add_argument("--scale", type=float, default=1.0,
                       help="execution dataset size as a fraction of 500000 tasks and 2000000 "
                            "progress reports (default 1)")
    group.add_argument("--execution-database", default="",
                       help="PostgreSQL database of the execution dataset, named "
                            "sunshine_bench* (default sunshine_bench_execution, with the scale "
                            "appended when it is not 1); reloaded when its sizes differ")

    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
        if args.database == web.DATABASE:
            args.database = web.DATABASE + "_quick"
        if args.petitions_database == petitions.DATABASE:
            args.petitions_database = petitions.DATABASE + "_quick"
    return args


def server_config(args: argparse.Namespace) -> server.ServerConfig:
    redis_url = args.redis_url
    if redis_url and not server.redis_available(redis_url):
        print(f"no Redis at {redis_url} or no redis client package; "
              "the server uses the local-memory cache", flush=True)
        redis_url = ""
    return server.ServerConfig(workers=args.workers, worker_class=args.worker_class,
                               threads=args.worker_threads, redis_url=redis_url)


def web_options(args: argparse.Namespace) -> web.WebOptions:
    return web.WebOptions(
        projects=args.projects, disbursements=args.disbursements, duration=args.duration,
        rounds=args.rounds, connections=args.connections, threads=args.threads,
        codes=args.codes, max_requests=args.max_requests, page_path=args.page_path,
        api_path=args.api_path, client=args.client, server_config=server_config(args),
        database=args.database, verify=not args.no_verify,
    )


def petition_options(args: argparse.Namespace) -> petitions.PetitionOptions:
    return petitions.PetitionOptions(
        reports=args.reports, codes=args.tracking_codes, duration=args.duration,
        rounds=args.rounds, connections=args.connections, threads=args.threads,
        max_requests=args.max_requests, server_config=server_config(args),
        database=args.petitions_database, verify=not args.no_verify,
    )


def execution_options(args: argparse.Namespace) -> execution.ExecutionOptions:
    return execution.ExecutionOptions(
        scale=args.scale, duration=args.duration, rounds=args.rounds,
        connections=args.connections, threads=args.threads, max_requests=args.max_requests,
        server_config=server_config(args), database=args.execution_database,
        verify=not args.no_verify,
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    selected = args.only or ["ledger", "http", "petitions", "execution"]
    started = datetime.datetime.now().astimezone()
    about = machine.describe()
    for key, value in about.items():
        print(f"{key}: {value}")

    figures: list[report.Figure] = []
    failed = []
    if "ledger" in selected:
        options = ledger.LedgerOptions(rows=args.rows, rounds=args.rounds,
                                       backends=tuple(args.backends.split(",")))
        figures += run_one("ledger", ledger.run, options, failed)
    if "http" in selected:
        figures += run_one("http", web.run, web_options(args), failed)
    if "petitions" in selected:
        figures += run_one("petitions", petitions.run, petition_options(args), failed)
    if "execution" in selected:
        figures += run_one("execution", execution.run, execution_options(args), failed)

    print()
    print(report.table(figures))
    save(started, about, vars(args), figures)
    for name in failed:
        print(f"the {name} benchmark failed; its error is printed above", file=sys.stderr)
    return 1 if failed else 0


def run_one(name: str, benchmark, options, failed: list[str]) -> list[report.Figure]:
    """Run one benchmark; on failure print the error and go on with the next one."""
    try:
        return benchmark(options)
    except Exception:  # noqa: BLE001 - a failed benchmark must not hide the others' figures
        traceback.print_exc()
        failed.append(name)
        return []


def save(started, about, arguments, figures) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"results-{started:%Y%m%d-%H%M%S}.json"
    record = {"started": started.isoformat(), "machine": about, "arguments": arguments,
              "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nresults written to {path}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
