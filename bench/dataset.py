"""Bulk loader of the project-page dataset: projects, allocations, disbursements.

Rows are generated deterministically from a seed and written with
PostgreSQL ``COPY`` (SQLite: ``executemany``). Each table is covered by
one audit entry, appended inside the same transaction as the rows, so
``sunshine verify_audit`` still passes on the loaded database. The rows
are generated twice: the first pass feeds the row digests to
``chain.append``, and the second pass writes the rows with that entry's id.
This keeps memory flat at millions of rows.

Run it only in a configured Django process (``bench.child``).
"""

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from stdnum.cn import uscc

from sunshine.audit import chain
from sunshine.funds.models import Allocation, Disbursement, FundSource, Project, ProjectStatus
from sunshine.organisation.models import Level, Region

CODE_PREFIX = "BJ"
BATCH = 5000
CATEGORIES = ["道路硬化", "饮用水提升", "农房改造", "河道整治", "路灯亮化", "文化礼堂", "污水治理",
              "美丽乡村", "农田水利", "垃圾分类"]
PURPOSES = ["工程进度款", "材料款", "设计费", "监理费", "劳务费", "质保金", "设备采购款"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
COMPANY_WORDS = ["建设", "建筑工程", "市政工程", "水利工程", "园林绿化", "电力安装", "路桥"]
START = datetime.date(2023, 1, 1)


@dataclass(frozen=True)
class Sizes:
    projects: int
    disbursements: int
    seed: int = 20240601

    @property
    def allocations(self) -> int:
        return self.projects


def project_code(index: int) -> str:
    return f"{CODE_PREFIX}{index + 1:07d}"


def payee_pool(rng: random.Random, size: int = 500) -> list[tuple[str, str]]:
    """Return (company name, valid unified social credit code) pairs."""
    pool = []
    for i in range(size):
        body = f"91331002MA2{i:06d}"
        code = body + uscc.calc_check_digit(body)
        pool.append((f"台州市{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(COMPANY_WORDS)}有限公司",
                     code))
    return pool


def disbursement_counts(sizes: Sizes) -> list[int]:
    """Split the disbursements over the projects: varied per project, exact in total."""
    rng = random.Random(sizes.seed + 1)
    base, remainder = divmod(sizes.disbursements, sizes.projects)
    counts = [base] * sizes.projects
    for j in range(0, sizes.projects - 1, 2):
        delta = rng.randint(0, max(base - 1, 0))
        counts[j] += delta
        counts[j + 1] -= delta
    for j in range(remainder):
        counts[j] += 1
    return counts


class Generator:
    """Deterministic rows; calling a method twice yields the same rows again."""

    def __init__(self, sizes: Sizes, villages: list[str], first_project_id: int):
        self.sizes = sizes
        self.villages = villages
        self.first_project_id = first_project_id

    def project_budget(self, index: int) -> int:
        return (200_000 + (index * 7919) % 4_800_000) * 100

    def projects(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.sizes.seed)
        for i in range(self.sizes.projects):
            village = self.villages[i % len(self.villages)]
            start = START + datetime.timedelta(days=i % 700)
            yield {
                "id": self.first_project_id + i,
                "code": project_code(i),
                "name": f"{rng.choice(CATEGORIES)}工程（第{i + 1}期）",
                "category": rng.choice(CATEGORIES),
                "region_id": village,
                "responsible_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "budget": self.project_budget(i),
                "planned_start": start,
                "planned_end": start + datetime.timedelta(days=180 + i % 365),
                "progress": i % 101,
                "status": ProjectStatus.IN_PROGRESS if i % 101 < 100 else ProjectStatus.COMPLETED,
                "is_public": True,
                "source": "demo",
                "description": "",
            }

    def allocations(self) -> Iterator[dict[str, Any]]:
        sources = [c for c, _ in FundSource.choices]
        for i in range(self.sizes.projects):
            approved = self.project_budget(i)
            approved_on = START + datetime.timedelta(days=i % 700)
            yield {
                "project_id": self.first_project_id + i,
                "source": sources[i % len(sources)],
                "approved_amount": approved,
                "approved_on": approved_on,
                "arrived_amount": approved * 8 // 10,
                "arrived_on": approved_on + datetime.timedelta(days=30),
                "document_no": f"台财建〔2024〕{i % 999 + 1}号",
                "origin": "demo",
            }

    def disbursements(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.sizes.seed + 2)
        pool = payee_pool(random.Random(self.sizes.seed + 3))
        for i, count in enumerate(disbursement_counts(self.sizes)):
            arrived = self.project_budget(i) * 8 // 10
            paid = 0
            paid_on = START + datetime.timedelta(days=i % 700 + 40)
            for k in range(count):
                amount = rng.randint(1_000_00, max(arrived // max(count, 1), 1_000_00))
                paid += amount
                yield self.disbursement(rng, pool, i, k, amount, paid > arrived, paid_on)
                paid_on += datetime.timedelta(days=rng.randint(1, 20))

    def disbursement(self, rng, pool, project_index, k, amount, exceeds, paid_on):
        is_person = rng.random() < 0.2
        if is_person:
            name, credit_code = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), ""
        else:
            name, credit_code = rng.choice(pool)
        return {
            "project_id": self.first_project_id + project_index,
            "paid_on": paid_on,
            "amount": amount,
            "payee_name": name,
            "payee_is_person": is_person,
            "payee_credit_code": credit_code,
            "voucher_no": f"记-{paid_on:%Y%m}-{(project_index * 31 + k) % 10000:04d}",
            "purpose": rng.choice(PURPOSES),
            "exceeds_arrived": exceeds,
            "origin": "demo",
        }


class TableWriter:
    """Turn generated values into full rows of one model, and digest them as verify_audit does."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields
                       if not (f.primary_key and f.attname == "id")]
        self.digest_fields = chain.digest_fields(model)
        self.digest_names = [f.attname for f in self.digest_fields]
        self.defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection)
                         for f in self.fields}

    def complete(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**self.defaults, **values}

    def digest(self, values: dict[str, Any]) -> str:
        row = self.complete(values)
        return chain.digest_prepared(self.model, self.digest_fields,
                                     [row[name] for name in self.digest_names])

    def columns(self, with_id: bool) -> list[str]:
        columns = [f.column for f in self.fields]
        return ["id", *columns] if with_id else columns

    def rows(self, generated: Iterator[dict[str, Any]], entry_id: int,
             with_id: bool) -> Iterator[tuple]:
        for values in generated:
            row = self.complete(values)
            row["audit_entry_id"] = entry_id
            cells = [row[f.attname] for f in self.fields]
            yield (row["id"], *cells) if with_id else tuple(cells)


def write_rows(table: str, columns: list[str], rows: Iterator[tuple]) -> int:
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return count + len(batch)


def load_table(model: type[models.Model], generated: Callable[[], Iterator[dict[str, Any]]],
               *, with_id: bool) -> int:
    """Append one audit entry covering the rows, then write the rows pointing at it."""
    writer = TableWriter(model)
    label = chain.object_type_of(model)
    entry = chain.append(None, "bulk_load", object_type=label,
                         changes={"purpose": "benchmark dataset"},
                         row_digests=(writer.digest(v) for v in generated()))
    return write_rows(model._meta.db_table, writer.columns(with_id),
                      writer.rows(generated(), entry.pk, with_id))


def refresh_all_totals() -> None:
    """Fill the cached totals of every project with set-based updates."""
    project = Project._meta.db_table
    updates = [
        (Allocation._meta.db_table, "allocated_total", "approved_amount"),
        (Allocation._meta.db_table, "arrived_total", "arrived_amount"),
        (Disbursement._meta.db_table, "paid_total", "amount"),
    ]
    with connection.cursor() as cursor:
        for child, column, amount in updates:
            cursor.execute(
                f"UPDATE {project} SET {column} = s.total FROM "
                f"(SELECT project_id, SUM({amount}) AS total FROM {child} GROUP BY project_id) s "
                f"WHERE {project}.id = s.project_id"
            )


def reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Project, Allocation, Disbursement):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


def load(sizes: Sizes) -> dict[str, int]:
    """Load the dataset into the configured database in one transaction."""
    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("code")
                    .values_list("code", flat=True))
    if not villages:
        raise RuntimeError("no village regions found; run `sunshine load_regions` first")

    with transaction.atomic():
        first_id = (Project.all_objects.aggregate(m=models.Max("id"))["m"] or 0) + 1
        generator = Generator(sizes, villages, first_id)
        counts = {
            "projects": load_table(Project, generator.projects, with_id=True),
            "allocations": load_table(Allocation, generator.allocations, with_id=False),
            "disbursements": load_table(Disbursement, generator.disbursements, with_id=False),
        }
        refresh_all_totals()
        reset_sequences()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def public_codes(limit: int, seed: int = 7) -> list[str]:
    """Return up to limit project codes of the loaded dataset, spread over all of it."""
    total = Project.public_objects.filter(code__startswith=CODE_PREFIX).count()
    if not total:
        return []
    rng = random.Random(seed)
    picks = rng.sample(range(total), min(limit, total))
    return [project_code(i) for i in picks]
