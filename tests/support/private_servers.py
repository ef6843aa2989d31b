"""Servers a fault test starts, breaks and stops itself, never the machine's shared ones."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.submissions import free_port


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def private_redis():
    """A Redis of this test on a free port; yields (url, stop) where stop() kills it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}", lambda: (process.kill(), process.wait(10))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.skip("PostgreSQL server binaries are not installed")
    return found[-1].parent


@contextlib.contextmanager
def private_postgres():
    """A PostgreSQL cluster of this test (initdb) on a free port, trust auth on loopback.

    Yields (url, restart). Run as the `postgres` user when the tests run as root (initdb refuses
    root); stopped with `pg_ctl stop -m immediate` whatever happens.
    """
    bindir = _postgres_bin()
    # Its own folder outside pytest's (which only root may enter), removed at the end.
    tmp_path = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
    data = tmp_path / "pgdata"
    port = free_port()
    as_owner: list[str] = []
    if os.geteuid() == 0:
        tmp_path.chmod(0o777)
        as_owner = ["runuser", "-u", "postgres", "--"]

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            [*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "30", *args],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    subprocess.run(
        [*as_owner, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--no-sync", "-E", "UTF8"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    options = f"-p {port} -k {tmp_path} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl("-o", options, "-l", str(tmp_path / "pg.log"), "start")
    try:
        yield (
            f"postgresql://postgres@127.0.0.1:{port}/postgres",
            lambda: pg_ctl("-o", options, "-m", "fast", "restart"),
        )
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(tmp_path, ignore_errors=True)


@contextlib.contextmanager
def small_filesystem(path: Path, size_kib: int):
    """A tmpfs of `size_kib` mounted at `path` (needs root, which CI has)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
