"""Who gets what where the act has no head of the service and nobody appointed by order
(seeds 000, 001, 003, 004): the control role (`control_role`, `profile.controller`) gets the
breach alerts and the monthly report, acts for `incident` by default and sees every request;
no copy goes to a responsible person who does not exist; pages name the control role by its
title, not «руководитель службы».
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.support.staff import login
from tests.support.submissions import profile_variant, request_data
from webapp.extensions import db
from webapp.models import KnownProblem, OutboxMessage
from webapp.reports.mailing import mail_month
from webapp.reports.period import month_of
from webapp.requests.escalation import check_breaches
from webapp.requests.service import submit_request
from webapp.school import load_profile
from webapp.vocabulary import MailKind
from webapp.web.current import current_register, current_school

UTC = dt.timezone.utc


@pytest.fixture
def profile_path(tmp_path):
    """The demo school without a head (its controlling role kept as `control_role`), without a
    responsible person, with round-the-clock deadlines."""
    path = profile_variant(tmp_path, head_role=None, control_role="head", responsible=None,
                           support__deadlines__clock="calendar")  # fmt: skip
    profile = load_profile(path)
    assert (profile.has_head, profile.responsible, profile.controller.id) == (False, None, "orlova")
    return path


@pytest.fixture
def app(make_app, profile_path):
    return make_app(SCHOOL_PROFILE=profile_path)


def kinds_and_recipients(app) -> set[tuple[str, str]]:
    with app.app_context():
        return set(db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.recipient)).tuples())


def test_breach_alerts_and_the_monthly_report_go_to_the_controller(app):
    with app.app_context():
        controller = current_school().controller
        two_hours_ago = dt.datetime.now(UTC) - dt.timedelta(hours=2)
        submit_request(current_register(), request_data(), received_at=two_hours_ago)
        db.session.commit()
        assert check_breaches(current_register(), dt.datetime.now(UTC))
        now = dt.datetime.now(UTC)
        readers = mail_month(current_register(), month_of(now.year, now.month), now)
        db.session.commit()
    assert readers[0] == controller.email
    sent = kinds_and_recipients(app)
    assert (MailKind.SLA_BREACH, controller.email) in sent
    assert (MailKind.MONTHLY_REPORT, controller.email) in sent


def test_no_copy_goes_to_a_responsible_person_the_act_does_not_have(app):
    with app.app_context():
        submit_request(current_register(), request_data())
        db.session.commit()
    assert MailKind.REQUEST_COPY not in {kind for kind, _ in kinds_and_recipients(app)}


def test_incident_is_declared_by_the_controller_by_default(app):
    result = app.test_cli_runner().invoke(args=["incident", "open", "--title", "Не открывается Сферум",
                                                "--types", "technical"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(KnownProblem.declared_by)) == "orlova"


def test_the_controller_sees_every_request_and_the_sign_in_page_names_who_gives_accounts(app):
    with app.app_context():
        req = submit_request(current_register(), request_data(request_type="psychologist"))
        db.session.commit()
        request_id = req.id
    client = app.test_client()
    login_page = client.get("/app/staff/login").get_data(as_text=True)
    # Not «руководитель службы» (there is none): the person whose role may manage accounts.
    assert "к руководителю службы" not in login_page
    assert "Учётные записи выдаёт Орлова Марина Викторовна." in " ".join(login_page.split())
    login(client, "orlova")
    assert client.get(f"/app/desk/r/{request_id}").status_code == 200
