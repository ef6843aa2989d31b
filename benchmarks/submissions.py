"""Submissions per second and latency of the request form, beside a bare insert endpoint.

    python -m benchmarks.submissions [--database sqlite|postgresql] [--requests 400]

Runs the app (`wsgi:app`) and the yardstick (`benchmarks.bare_app:app`) under gunicorn on free
loopback ports, each on a fresh temporary database, and sends the same form data to both at 1, 8
and 32 concurrent clients (each with its own session and CSRF token, as a browser has). Prints
submissions/s, p50 and p99 latency, and the ratio of the app's throughput to the bare endpoint's.
Only 127.0.0.1 is contacted; every run is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from benchmarks.common import free_port, temporary_database
from tests.support.submissions import form_data

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 8, 32)
# The same valid student request the tests send (without the one-time key: made per send).
FORM = {k: v for k, v in form_data().items() if k != "submission_key"}


@dataclass
class Result:
    clients: int
    count: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def create_schema(env: dict) -> None:
    code = ("from webapp import create_app\nfrom webapp.extensions import db\n"
            "app = create_app()\nwith app.app_context(): db.create_all()\n")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(target: str, env: dict, workers: int):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "256", target]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn for {target} did not start")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def app_client(base: str):
    """A browser-like visitor of the real form: a session, a CSRF token, a fresh key per send."""
    session = requests.Session()
    page = session.get(f"{base}/app/form", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)

    def send() -> requests.Response:
        data = {**FORM, "csrf_token": token, "submission_key": secrets.token_urlsafe(24)}
        return session.post(f"{base}/app/form", data=data, allow_redirects=False, timeout=30)

    return send


def bare_client(base: str):
    session = requests.Session()

    def send() -> requests.Response:
        return session.post(f"{base}/submit", data=FORM, allow_redirects=False, timeout=30)

    return send


def measure(make_client, base: str, clients: int, total: int, time_limit: float) -> Result:
    senders = [make_client(base) for _ in range(clients)]
    for send in senders:  # warm up each connection and worker
        send()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [total]
    stop_at = time.monotonic() + time_limit

    def run(send):
        nonlocal errors
        while time.monotonic() < stop_at:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            response = send()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code != 303:
                    errors += 1

    threads = [threading.Thread(target=run, args=(send,)) for send in senders]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(clients, len(latencies), time.perf_counter() - started, latencies, errors)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=400, help="submissions per level and target")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per target")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per level and target at most")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    results: dict[str, list[Result]] = {"app": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with temporary_database(args.database, "app") as app_db, \
             temporary_database(args.database, "bare") as bare_db:  # fmt: skip
            env_app, env_bare = bench_env(app_db, folder), bench_env(bare_db, folder)
            create_schema(env_app)
            create_schema(env_bare)
            with gunicorn("wsgi:app", env_app, args.workers) as app_base, \
                 gunicorn("benchmarks.bare_app:app", env_bare, args.workers) as bare_base:  # fmt: skip
                for clients in LEVELS:
                    for name, client, base in (("app", app_client, app_base), ("bare", bare_client, bare_base)):
                        results[name].append(measure(client, base, clients, args.requests, args.time_limit))
    report(args, results)
    return 0


def bench_env(database_url: str, folder: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "benchmark",
           "SECRET_KEY": secrets.token_hex(16), "RATELIMIT_ENABLED": "false",
           "UPLOAD_DIR": str(folder / "uploads"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("SCHOOL_PROFILE", None)
    return env


def report(args: argparse.Namespace, results: dict[str, list[Result]]) -> None:
    print(f"\nSubmissions on {args.database}, gunicorn --workers {args.workers}, "
          f"{os.cpu_count()} CPU cores, {args.requests} submissions per cell\n")  # fmt: skip
    header = f"{'clients':>7} | {'form /s':>8} {'p50 ms':>7} {'p99 ms':>7} | {'bare /s':>8} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}"
    print(header)
    print("-" * len(header))
    for app, bare in zip(results["app"], results["bare"]):
        ratio = app.per_second / bare.per_second
        print(f"{app.clients:>7} | {app.per_second:>8.1f} {app.percentile(50):>7.1f} {app.percentile(99):>7.1f} | "
              f"{bare.per_second:>8.1f} {bare.percentile(50):>7.1f} {bare.percentile(99):>7.1f} | {ratio:>5.2f}")  # fmt: skip
    errors = sum(r.errors for rs in results.values() for r in rs)
    if errors:
        print(f"\nresponses other than 303: {errors}")


if __name__ == "__main__":
    sys.exit(main())
