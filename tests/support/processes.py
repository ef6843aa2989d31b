"""A server process of a test (gunicorn, a worker), with its output in a file of the test."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Process:
    """A server process of a test, in its own session; stop() by SIGTERM, SIGKILL if ignored."""

    def __init__(self, command: list[str], env: dict, log: Path, cwd: Path = ROOT):
        self.log = log
        self._log_file = open(log, "ab")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(command, cwd=cwd, env=env, stdout=self._log_file,
                                      stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
        self._log_file.close()

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
