"""Submissions per second and latency of the request form, beside a bare insert endpoint.

    python -m benchmarks.submissions [--database sqlite|postgresql] [--seconds 8] [--workers N] [--rounds 1]

Runs the app (`wsgi:app`) and the yardstick (`benchmarks.bare_app:app`) under gunicorn on free
loopback ports, each on a fresh temporary database, and loads both with wrk (Debian's `wrk`
package: a load generator in C, so the client takes little of the CPU the servers share) at 1,
8 and 32 concurrent connections, the two targets one after the other at each level. Every form submission is a real one: a session cookie with its
CSRF token (a pool of 64 sessions, opened the way a browser opens the form) and a one-time key
of its own. `--rounds` repeats the whole measurement, to show how much a shared machine varies.
Prints submissions/s, p50 and p99
latency, and the ratio of the app's throughput to the bare endpoint's.
Only 127.0.0.1 is contacted; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import requests

from benchmarks.common import free_port, temporary_database
from tests.support.submissions import form_data

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("submit.lua")
LEVELS = (1, 8, 32)
SESSIONS = 64
# The same valid student request the tests send (without the one-time key: made per send).
# The description comes last, so that submit.lua can end it with a number of its own: the form
# takes the same filled form sent again as the request it already made (webapp/requests/resent.py),
# and every request of the benchmark must be a new one.
FORM = {k: v for k, v in form_data().items() if k not in ("submission_key", "description")}
FORM["description"] = form_data()["description"] + " № "
AIM_RATIO, AIM_P99_MS, AIM_CLIENTS = 0.5, 100.0, 32


@dataclass
class Result:
    clients: int
    count: int
    seconds: float
    failed: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @classmethod
    def parse(cls, clients: int, output: str) -> Result:
        def numbers(label: str) -> list[int]:
            found = re.search(rf"^{label} ([\d ]+)$", output, re.M)
            if found is None:
                raise RuntimeError(f"wrk printed no {label}:\n{output}")
            return [int(n) for n in found.group(1).split()]

        (count, micros), (failed,), (p50, p99) = numbers("REQUESTS"), numbers("FAILED"), numbers("LATENCY")
        return cls(clients, count, micros / 1e6, failed, p50 / 1000, p99 / 1000)


def create_schema(env: dict) -> None:
    code = ("from webapp import create_app\nfrom webapp.extensions import db\n"
            "app = create_app()\nwith app.app_context(): db.create_all()\n")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(target: str, env: dict, workers: int):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "256", target]  # fmt: skip
    # The app logs a line per submission at the default level, as in production: to a file, so
    # the figures are not lost among them (the file is printed if gunicorn fails to start).
    log = tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log")
    # A session of its own: if gunicorn does not stop, its whole group (workers too) is killed.
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        else:
            log.seek(0)
            raise RuntimeError(f"gunicorn for {target} did not start:\n{log.read()[-3000:]}")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: the workers finish their requests
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def open_sessions(base: str, count: int) -> list[str]:
    """`cookie<TAB>token` lines: sessions that opened the form page, as a browser does."""
    lines = []
    for _ in range(count):
        with requests.Session() as session:
            page = session.get(f"{base}/app/form", timeout=30)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
            cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        lines.append(f"{cookie}\t{token}")
    return lines


def wrk(base: str, path: str, clients: int, seconds: float, sessions: Path, body: Path) -> str:
    command = ["wrk", "--threads", str(min(2, clients)), "--connections", str(clients),
               "--duration", f"{max(1, round(seconds))}s", "--timeout", "10s", "--script", str(SCRIPT),
               base, "--", str(sessions), str(body), path, secrets.token_hex(6)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=8, help="seconds per level and target")
    # One sync worker per core: the work is CPU-bound, and on this 2-core machine more workers
    # only made both targets slower at the tail (measured: README, «Замеры скорости»).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers per target")
    parser.add_argument("--rounds", type=int, default=1, help="how many times to measure every level")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print("Нужна программа wrk: sudo apt-get install wrk", file=sys.stderr)
        return 2
    results: dict[str, list[Result]] = {"app": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        body = folder / "form.txt"
        body.write_text(urllib.parse.urlencode(FORM))
        with temporary_database(args.database, "app") as app_db, \
             temporary_database(args.database, "bare") as bare_db:  # fmt: skip
            env_app, env_bare = bench_env(app_db, folder), bench_env(bare_db, folder)
            create_schema(env_app)
            create_schema(env_bare)
            with gunicorn("wsgi:app", env_app, args.workers) as app_base, \
                 gunicorn("benchmarks.bare_app:app", env_bare, args.workers) as bare_base:  # fmt: skip
                sessions = folder / "sessions.txt"
                sessions.write_text("\n".join(open_sessions(app_base, SESSIONS)) + "\n")
                no_session = folder / "no-session.txt"
                no_session.write_text("\t\n")
                targets = {"app": (app_base, "/app/form", sessions), "bare": (bare_base, "/submit", no_session)}
                for base, path, pool in targets.values():  # warm up every worker
                    wrk(base, path, 8, 1, pool, body)
                for _ in range(args.rounds):
                    for clients in LEVELS:
                        for name, (base, path, pool) in targets.items():
                            output = wrk(base, path, clients, args.seconds, pool, body)
                            results[name].append(Result.parse(clients, output))
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
          f"{os.cpu_count()} CPU cores, wrk, {args.seconds:g} s per cell\n")  # fmt: skip
    header = f"{'clients':>7} | {'form /s':>8} {'p50 ms':>7} {'p99 ms':>7} | {'bare /s':>8} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}"
    print(header)
    print("-" * len(header))
    met = True
    for app, bare in zip(results["app"], results["bare"]):
        ratio = app.per_second / bare.per_second
        met &= ratio >= AIM_RATIO and (app.clients != AIM_CLIENTS or app.p99_ms < AIM_P99_MS)
        print(f"{app.clients:>7} | {app.per_second:>8.1f} {app.p50_ms:>7.1f} {app.p99_ms:>7.1f} | "
              f"{bare.per_second:>8.1f} {bare.p50_ms:>7.1f} {bare.p99_ms:>7.1f} | {ratio:>5.2f}")  # fmt: skip
    print(f"\nAim (ratio >= {AIM_RATIO} at every level, form p99 < {AIM_P99_MS:g} ms at {AIM_CLIENTS} clients): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    failed = sum(r.failed for rs in results.values() for r in rs)
    if failed:
        print(f"failed requests (status 400 or more, socket errors, timeouts): {failed}")


if __name__ == "__main__":
    sys.exit(main())
