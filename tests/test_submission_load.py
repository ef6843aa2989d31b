"""Submissions against a running server with CSRF on: many at once, and a double click."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.support.live import LiveServer
from tests.support.submissions import first_number, form_data, stored_counts
from webapp.extensions import db
from webapp.models import SupportRequest

pytestmark = pytest.mark.slow

CLIENTS = 200


def open_form(base: str) -> tuple[requests.Session, dict]:
    """A visitor's session with the form as the server gave it (CSRF token, one-time key)."""
    session = requests.Session()
    page = session.get(f"{base}/app/form", timeout=30)
    page.raise_for_status()
    hidden = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', page.text))
    assert set(hidden) == {"csrf_token", "submission_key"}
    return session, hidden


@pytest.fixture
def server(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with LiveServer(app) as live:
        yield app, live.url


def test_200_concurrent_submissions_get_200_rows_with_200_different_numbers(server):
    app, base = server
    with ThreadPoolExecutor(max_workers=50) as pool:
        visitors = list(pool.map(lambda _: open_form(base), range(CLIENTS)))
    start = threading.Barrier(CLIENTS, timeout=60)

    def submit(n: int) -> requests.Response:
        session, hidden = visitors[n]
        data = form_data(author_name=f"Ученик Номер {n}", **hidden)
        start.wait()
        return session.post(f"{base}/app/form", data=data, allow_redirects=False, timeout=120)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(submit, range(CLIENTS)))

    assert [r.status_code for r in responses] == [303] * CLIENTS
    assert all("/app/form/done/" in r.headers["Location"] for r in responses)
    with app.app_context():
        numbers = list(db.session.scalars(sa.select(SupportRequest.number)))
        names = set(db.session.scalars(sa.select(SupportRequest.author_name)))
    year = first_number()[:4]
    assert sorted(numbers) == [f"{year}-{n:05d}" for n in range(1, CLIENTS + 1)]
    assert names == {f"Ученик Номер {n}" for n in range(CLIENTS)}
    assert stored_counts(app) == (CLIENTS, CLIENTS * 4)


def test_a_double_click_creates_one_request_and_both_clicks_see_it(server):
    app, base = server
    session, hidden = open_form(base)
    data = form_data(**hidden)
    start = threading.Barrier(2, timeout=30)

    def click(_):
        start.wait()
        return session.post(f"{base}/app/form", data=data, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(click, range(2))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert stored_counts(app) == (1, 4)
