"""Benchmark databases: create, migrate and describe them, outside Django.

The benchmarks use their own databases (``sunshine_bench*`` on the local
PostgreSQL server, SQLite files under ``bench/out/``), never the demo
database, because they drop and refill them.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql

REPO_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_DIR / "bench" / "out"
SERVER_URL = os.environ.get("SUNSHINE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def postgres_url(name: str) -> str:
    return f"{SERVER_URL}/{name}"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(postgres_url("postgres"), autocommit=True, connect_timeout=5)


def postgres_exists(name: str) -> bool:
    with admin_connection() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def recreate_postgres(name: str) -> None:
    if not name.startswith("sunshine_bench"):
        raise ValueError(f"refusing to drop {name!r}: benchmark databases are named sunshine_bench*")
    with admin_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env.setdefault("SUNSHINE_LOG_LEVEL", "WARNING")
    # DEBUG off as in production: with DEBUG on, Django also records every query.
    env.setdefault("SUNSHINE_DEBUG", "0")
    env.update(extra)
    return env


def run_sunshine(database_url: str, *args: str, timeout: float = 900) -> None:
    """Run a management command against the given database; show its output only if it fails."""
    completed = subprocess.run(
        [sys.executable, "-m", "sunshine.manage", *args],
        cwd=REPO_DIR, env=child_env(database_url), timeout=timeout,
        capture_output=True, text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"sunshine {' '.join(args)} failed with exit code "
                           f"{completed.returncode}:\n{completed.stdout}{completed.stderr}")


def prepare(database_url: str) -> None:
    """Migrate the schema and load the Taizhou regions."""
    run_sunshine(database_url, "migrate", "--noinput", "-v", "0")
    run_sunshine(database_url, "load_regions", "-v", "0")


def postgres_version() -> str:
    with admin_connection() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return row[0] if row else "unknown"


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def clone_postgres(template: str, name: str) -> None:
    """Recreate database name as a copy of template, which must have no open connections."""
    if not name.startswith("sunshine_bench"):
        raise ValueError(f"refusing to drop {name!r}: benchmark databases are named sunshine_bench*")
    with admin_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)))


def clone_sqlite(template: Path, path: Path) -> None:
    """Copy a closed SQLite database file, checkpointing its write-ahead log first."""
    with sqlite3.connect(template) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
