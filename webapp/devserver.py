"""`make run`: the whole product on one machine, for a look, a demo or development.

Starts three things and stops them all on Ctrl-C or SIGTERM:
- a local mail catcher (aiosmtpd) on loopback that saves every message as an .eml file in
  instance/mail/ (open them with any mail program), so no real mail leaves the machine;
- the outbox worker, `flask --app wsgi outbox work`, sending through that catcher;
- the Flask server on http://127.0.0.1:5000: the built help site at "/", the app under /app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import threading
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

from .config import ROOT


class EmlWriter:
    """aiosmtpd handler: each message received becomes instance/mail/<time>-<n>.eml."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            number = next(self._numbers)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"{stamp}-{number:04d}.eml"
        path.write_bytes(envelope.content)
        subject = message_from_bytes(envelope.content, policy=policy.default)["Subject"]
        print(f"[почта] {', '.join(envelope.rcpt_tos)}: {subject} → {path.name}", flush=True)
        return "250 Сохранено"


def start_mail_catcher(folder: Path, port: int) -> Controller:
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(EmlWriter(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mail_settings(port: int) -> dict[str, str]:
    """Every setting that makes this run's mail go to the local catcher and nowhere else."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_USE_TLS": "false",
        "MAIL_USE_SSL": "false",
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Сайт, приложение, отправка почты и локальный почтовый ящик.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--mail-port", type=int, default=8025, help="0 — любой свободный")
    parser.add_argument("--mail-dir", default=str(ROOT / "instance" / "mail"))
    return parser.parse_args(argv)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM (the worker finishes the message in hand), then SIGKILL; reaped either way."""
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (`kill`, systemd, a test's teardown) stops everything as Ctrl-C does. Ctrl-C alone
    # is not enough: a job started in the background without job control ignores SIGINT.
    signal.signal(signal.SIGTERM, _interrupt)
    mail_dir = Path(args.mail_dir).resolve()
    catcher = worker = None
    try:
        catcher = start_mail_catcher(mail_dir, args.mail_port or free_port())
        os.environ.update(mail_settings(catcher.port))
        os.environ.setdefault("PUBLIC_BASE_URL", f"http://{args.host}:{args.port}")
        os.environ.setdefault("APP_ENV", "development")
        print(f"Письма не уходят наружу: они сохраняются файлами .eml в папке {mail_dir}", flush=True)

        from . import create_app  # after the environment is set: create_app reads it

        app = create_app()
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work", "--interval", "2"],
            cwd=ROOT, env=os.environ.copy(),
        )  # fmt: skip
        print(f"Сайт и приложение: http://{args.host}:{args.port}/ (форма: /app/form, "
              f"рабочее место: /app/desk/). Остановить всё: Ctrl-C.", flush=True)  # fmt: skip
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut this short
            signal.signal(signum, signal.SIG_IGN)
        if worker is not None:
            stop_worker(worker)
        if catcher is not None:
            catcher.stop()
        print("Остановлено.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
