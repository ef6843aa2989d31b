"""`make run`'s server: the help site at "/", and a submission made over HTTP ending up as .eml
files in the mail folder."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.support.submissions import first_number, form_data, free_port
from webapp.config import ROOT

pytestmark = pytest.mark.slow


def wait_for(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    return check()


def test_the_local_run_serves_the_site_and_the_form_and_saves_mail_as_eml_files(
    app, database_url, tmp_path, built_site
):
    port, mail_dir = free_port(), tmp_path / "mail"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "devserver-test",
           "UPLOAD_DIR": str(tmp_path / "uploads"), "SITE_DIR": str(built_site("demo").root)}  # fmt: skip
    env.pop("SCHOOL_PROFILE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "webapp.devserver", "--port", str(port), "--mail-port", "0",
         "--mail-dir", str(mail_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()

        def form_page():
            try:
                return session.get(f"{base}/app/form", timeout=5)
            except requests.ConnectionError:
                return None

        page = wait_for(form_page)
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
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = server.communicate(timeout=30)
    assert str(mail_dir) in output  # the folder is printed at start
    assert "Остановлено." in output
    recipients = set()
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Subject"].startswith(f"[№ {first_number()}]")
        recipients.add(message["To"])
    assert "anna.smirnova@example.ru" in recipients
    assert "gromov@school7-zarechny.example.ru" in recipients
