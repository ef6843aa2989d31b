"""Request numbers: `YYYY-NNNNN`, unique per year, in the school's own year, safe under concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.requests.numbering import next_number
from webapp.requests.service import submit_request
from webapp.web.current import current_register

UTC = dt.timezone.utc


def submit_at(moment: dt.datetime) -> str:
    req = submit_request(current_register(), request_data(contact_email=None), received_at=moment)
    db.session.commit()
    return req.number


def test_numbers_count_up_with_five_digits(app):
    with app.app_context():
        moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert [submit_at(moment) for _ in range(3)] == ["2026-00001", "2026-00002", "2026-00003"]


def test_each_year_starts_again_at_one(app):
    with app.app_context():
        assert submit_at(dt.datetime(2026, 5, 1, 9, tzinfo=UTC)) == "2026-00001"
        assert submit_at(dt.datetime(2026, 5, 1, 10, tzinfo=UTC)) == "2026-00002"
        assert submit_at(dt.datetime(2027, 2, 1, 9, tzinfo=UTC)) == "2027-00001"
        assert submit_at(dt.datetime(2026, 6, 1, 9, tzinfo=UTC)) == "2026-00003"


def test_the_year_is_the_schools_local_year(app):
    # 20:00 UTC on 31 December is already 1 January in Yekaterinburg (UTC+5), the demo school.
    with app.app_context():
        assert submit_at(dt.datetime(2026, 12, 31, 20, 0, tzinfo=UTC)) == "2027-00001"
        assert submit_at(dt.datetime(2026, 12, 31, 18, 0, tzinfo=UTC)) == "2026-00001"


def test_a_rolled_back_submission_gives_its_number_back(app):
    with app.app_context():
        moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert submit_at(moment) == "2026-00001"
        submit_request(current_register(), request_data(contact_email=None), received_at=moment)
        db.session.rollback()
        assert submit_at(moment) == "2026-00002"


@pytest.mark.slow
def test_concurrent_transactions_never_share_a_number(app):
    """Many connections take numbers at once, including the very first of a new year."""
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(12, timeout=60)  # a thread that dies must fail the test, not hang it

    def take_numbers():
        try:
            with app.app_context():
                start.wait()
                for _ in range(10):
                    results.append(next_number(2031))
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=take_numbers) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sorted(results) == [f"2031-{n:05d}" for n in range(1, 121)]
