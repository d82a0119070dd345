"""The benchmark web server: gunicorn on 127.0.0.1 with the production-like overlay."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.databases import OUT_DIR, REPO_DIR, child_env

HOST = "127.0.0.1"
REGISTRAR_NICE = 10


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 2
    worker_class: str = "sync"
    threads: int = 1
    redis_url: str = ""
    # Deferred registration of reports, with the registrar beside gunicorn at the
    # niceness that docs/deployment.md gives its service.
    deferred_registration: bool = False

    def describe(self) -> str:
        text = f"gunicorn {self.worker_class}, {self.workers} workers"
        if self.worker_class == "gthread":
            text += f" × {self.threads} threads"
        if self.deferred_registration:
            text += f", deferred registration (registrar at nice {REGISTRAR_NICE})"
        return text + (", Redis cache" if self.redis_url else ", local-memory cache")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url: str, config: ServerConfig) -> dict[str, str]:
    extra = {
        "SUNSHINE_DEBUG": "0",
        "SUNSHINE_SECRET_KEY": secrets.token_urlsafe(50),
        "SUNSHINE_LOG_LEVEL": "WARNING",
    }
    env = child_env(database_url, **extra)
    env.pop("REDIS_URL", None)
    if config.redis_url:
        env["REDIS_URL"] = config.redis_url
    env["SUNSHINE_DEFERRED_REGISTRATION"] = "1" if config.deferred_registration else "0"
    return env


@contextmanager
def running(database_url: str, config: ServerConfig, *, start_timeout: float = 60) -> Iterator[int]:
    """Start gunicorn, wait until it responds, yield its port, then stop it."""
    port = free_port()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = OUT_DIR / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "sunshine.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(config.workers),
        "--worker-class", config.worker_class, "--threads", str(config.threads),
        "--timeout", "60", "--error-logfile", str(log_path), "--log-level", "warning",
    ]
    env = server_env(database_url, config)
    with log_path.open("a") as log:
        process = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=log, stderr=log)
        registrar = None
        if config.deferred_registration:
            registrar = subprocess.Popen(
                [sys.executable, "-c", "from sunshine.manage import main; main()",
                 "register_reports", "--follow"],
                cwd=REPO_DIR, env=env, stdout=log, stderr=log,
                preexec_fn=lambda: os.nice(REGISTRAR_NICE))  # noqa: PLW1509 - no threads yet
    try:
        wait_until_ready(port, process, start_timeout, log_path)
        yield port
    finally:
        for child in (process, registrar):
            if child is not None:
                stop(child)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_ready(port: int, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}; see {log}")
        if get_status(port, "/bench/minimal/") == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not respond on port {port} within {timeout:.0f} s; see {log}")


def get_status(port: int, path: str) -> int | None:
    """Return the HTTP status of one GET, or None when the server is not reachable."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def redis_available(url: str) -> bool:
    """Return whether the redis client package is installed and the server responds to PING."""
    try:
        import redis  # type: ignore[import-not-found]
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def flush_redis(url: str) -> None:
    import redis  # type: ignore[import-not-found]

    redis.Redis.from_url(url, socket_timeout=2).flushdb()
