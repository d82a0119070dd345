"""Entry point of the benchmark subprocesses, one Django task per process.

Usage: ``python -m bench.child TASK 'JSON arguments'`` with DATABASE_URL and
DJANGO_SETTINGS_MODULE set (``bench.databases.child_env``). The last line
of stdout is a JSON object with the result, so the parent can read it
whatever Django printed before. Each task times only its own work, not
interpreter start-up or ``django.setup()``.
"""

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def task(function: Callable[[dict[str, Any]], dict[str, Any]]):
    TASKS[function.__name__.replace("_", "-")] = function
    return function


@task
def load_dataset(args: dict[str, Any]) -> dict[str, Any]:
    from bench import dataset

    sizes = dataset.Sizes(projects=args["projects"], disbursements=args["disbursements"])
    started = time.perf_counter()
    counts = dataset.load(sizes)
    return {**counts, "seconds": time.perf_counter() - started}


@task
def dataset_counts(args: dict[str, Any]) -> dict[str, Any]:
    from sunshine.funds.models import Disbursement, Project

    return {"projects": Project.all_objects.count(), "disbursements": Disbursement.objects.count()}


@task
def write_codes(args: dict[str, Any]) -> dict[str, Any]:
    from bench import dataset

    codes = dataset.public_codes(args["limit"])
    Path(args["path"]).write_text("\n".join(codes) + "\n", encoding="utf-8")
    return {"codes": len(codes)}


@task
def verify_audit(args: dict[str, Any]) -> dict[str, Any]:
    from sunshine.audit.verify import verify

    started = time.perf_counter()
    problems = verify()
    return {"problems": [p.message for p in problems[:5]], "problem_count": len(problems),
            "seconds": time.perf_counter() - started}


@task
def make_actor(args: dict[str, Any]) -> dict[str, Any]:
    from bench import ledger_tasks

    return {"actor_id": ledger_tasks.make_actor(args["username"])}


@task
def make_workbook(args: dict[str, Any]) -> dict[str, Any]:
    from bench import workbook

    return {"path": str(workbook.ensure(args["rows"]))}


@task
def ledger_import(args: dict[str, Any]) -> dict[str, Any]:
    from bench import ledger_tasks

    return ledger_tasks.run_import(Path(args["path"]), args["username"])


@task
def ledger_baseline(args: dict[str, Any]) -> dict[str, Any]:
    from bench import ledger_tasks

    return ledger_tasks.run_baseline(Path(args["path"]))


@task
def load_petitions(args: dict[str, Any]) -> dict[str, Any]:
    from bench import petitions

    started = time.perf_counter()
    counts = petitions.load(args["reports"])
    return {**counts, "seconds": time.perf_counter() - started}


@task
def petition_counts(args: dict[str, Any]) -> dict[str, Any]:
    from bench import petitions

    return {"reports": petitions.loaded_reports()}


@task
def create_insert_table(args: dict[str, Any]) -> dict[str, Any]:
    from bench import petitions

    petitions.create_insert_table()
    return {}


@task
def write_tracking_codes(args: dict[str, Any]) -> dict[str, Any]:
    from bench import petitions

    return {"codes": petitions.write_codes(args["reports"], args["limit"], Path(args["path"]))}


@task
def load_execution(args: dict[str, Any]) -> dict[str, Any]:
    from bench import execution_data

    started = time.perf_counter()
    counts = execution_data.load(execution_data.Sizes(tasks=args["tasks"]))
    return {**counts, "seconds": time.perf_counter() - started}


@task
def execution_counts(args: dict[str, Any]) -> dict[str, Any]:
    from bench import execution_data

    return execution_data.loaded_counts()


@task
def execution_rankings(args: dict[str, Any]) -> dict[str, Any]:
    from bench import execution_points

    return execution_points.time_rankings(args["period"], args["region"], args["repeats"])


@task
def execution_counties(args: dict[str, Any]) -> dict[str, Any]:
    from sunshine.organisation.models import Level, Region

    codes = Region.objects.filter(level=Level.COUNTY).current().order_by("code")
    return {"codes": list(codes.values_list("code", flat=True))}


def main(argv: list[str]) -> int:
    import django

    name, raw = argv[1], argv[2] if len(argv) > 2 else "{}"
    if name not in TASKS:
        print(f"unknown task {name!r}; expected one of {', '.join(sorted(TASKS))}", file=sys.stderr)
        return 2
    django.setup()
    result = TASKS[name](json.loads(raw))
    result["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
