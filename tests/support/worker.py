"""`flask --app wsgi outbox work` as a real process, the way a school runs it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from webapp.config import ROOT


@contextlib.contextmanager
def running_worker(database_url: str, smtp_port: int, *options: str):
    """Yield the worker process; on exit stop it with SIGTERM (SIGKILL if that fails: the test
    fails) and keep its output in .output."""
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_port), "APP_ENV": "development", "SECRET_KEY": "worker-test"}  # fmt: skip
    env.pop("SCHOOL_PROFILE", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work", *options],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.output, _ = worker.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # never leave it running for the next test
            worker.kill()
            worker.output, _ = worker.communicate()
            raise AssertionError(f"the worker did not stop on SIGTERM:\n{worker.output}") from None


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()
