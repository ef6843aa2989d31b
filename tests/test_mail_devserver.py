"""`make run`'s server: the help site at "/", and a submission made over HTTP ending up as .eml
files in the mail folder; SIGTERM or Ctrl-C stops the server, its worker and its mail catcher.

The server runs in a process group of its own, so a signal to the group reaches the server and
the worker it starts, as Ctrl-C in a terminal reaches the whole foreground job, and nothing else.
Whatever happens in a test, the group is gone at its end.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.submissions import first_number, form_data, free_port
from webapp.config import ROOT

pytestmark = pytest.mark.slow

# A terminal delivers Ctrl-C to a program that has not been told to ignore it. A test started in
# the background (`make test &`, setsid, CI) passes SIGINT on ignored; this undoes that.
WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'devserver'; runpy.run_module('webapp.devserver', run_name='__main__')"
)


def wait_for(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    return check()


def group_is_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@contextlib.contextmanager
def devserver(env: dict, port: int, folder: Path, *, ctrl_c: bool = False):
    """The server as `make run` starts it, printing to `folder`/output.txt (read it with
    `output()`); killed with its whole group if the test did not stop it."""
    start = ["-c", WITH_CTRL_C] if ctrl_c else ["-m", "webapp.devserver"]
    with open(folder / "output.txt", "w") as printed:
        server = subprocess.Popen(
            [sys.executable, *start, "--port", str(port), "--mail-port", "0",
             "--mail-dir", str(folder / "mail")],
            cwd=ROOT, env=env, stdout=printed, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server.output = lambda: (folder / "output.txt").read_text()
    try:
        yield server
    finally:
        if not group_is_gone(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def stop(server: subprocess.Popen, signum: int) -> str:
    """Send `signum` to the server's group; its output once every process of the group ended."""
    os.killpg(server.pid, signum)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        pytest.fail(f"the server did not stop on {signal.Signals(signum).name}:\n{server.output()}")
    gone = wait_for(lambda: group_is_gone(server.pid), timeout=10)
    assert gone, f"processes of the server's group outlived it:\n{server.output()}"
    return server.output()


def form_page(session: requests.Session, base: str):
    try:
        return session.get(f"{base}/app/form", timeout=5)
    except requests.ConnectionError:
        return None


@pytest.fixture
def environment(app, database_url, tmp_path, built_site) -> dict:
    """The server's environment: the test's database (its schema made by `app`) and site."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "devserver-test",
           "UPLOAD_DIR": str(tmp_path / "uploads"), "SITE_DIR": str(built_site("demo").root)}  # fmt: skip
    env.pop("SCHOOL_PROFILE", None)
    return env


def test_the_local_run_serves_the_site_and_the_form_and_saves_mail_as_eml_files(environment, tmp_path):
    port, mail_dir = free_port(), tmp_path / "mail"
    base = f"http://127.0.0.1:{port}"
    with devserver(environment, port, tmp_path) as server, requests.Session() as session:
        page = wait_for(lambda: form_page(session, base))
        assert page is not None and page.status_code == 200
        home = session.get(f"{base}/", timeout=5)
        assert home.status_code == 200 and "Поддержка обучения в дистанционный период" in home.text
        assert 'href="obrashchenie/"' in home.text or 'href="/obrashchenie/"' in home.text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        sent = session.post(f"{base}/app/form", data={**form_data(), "csrf_token": token},
                            allow_redirects=False, timeout=10)  # fmt: skip
        assert sent.status_code == 303
        files = wait_for(lambda: (lambda f: f if len(f) >= 4 else None)(sorted(mail_dir.glob("*.eml"))))
        assert files is not None, "the worker did not deliver the request's four messages"
        output = stop(server, signal.SIGTERM)  # what systemd, `kill` and a test's teardown send
    assert server.returncode == 0, output
    assert str(mail_dir) in output  # the folder is printed at start
    assert "Отправка писем остановлена." in output  # the worker stopped, not killed
    assert output.rstrip().endswith("Остановлено.")
    recipients = set()
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Subject"].startswith(f"[№ {first_number()}]")
        recipients.add(message["To"])
    assert "anna.smirnova@example.ru" in recipients
    assert "gromov@school7-zarechny.example.ru" in recipients


def test_ctrl_c_in_the_terminal_stops_the_server_its_worker_and_its_mail_catcher(environment, tmp_path):
    port = free_port()
    with devserver(environment, port, tmp_path, ctrl_c=True) as server, requests.Session() as session:
        page = wait_for(lambda: form_page(session, f"http://127.0.0.1:{port}"))
        assert page is not None and page.status_code == 200
        assert wait_for(lambda: "Отправка писем запущена" in server.output()), server.output()
        output = stop(server, signal.SIGINT)  # to the whole group, as the terminal sends it
    assert server.returncode == 0, output
    assert "Отправка писем остановлена." in output
    assert output.rstrip().endswith("Остановлено.")  # printed after the mail catcher stopped
