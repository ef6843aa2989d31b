"""Who sees what (webapp/requests/access.py): the SQL for the lists says the same as the rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.submissions import request_data
from webapp.extensions import db
from webapp.models import SupportRequest
from webapp.requests import access, lifecycle
from webapp.requests.service import submit_request
from webapp.web.current import current_register, current_school


@pytest.fixture
def register(app):
    """Requests of every type, some handed to people outside the routed role, one recorded by
    the hotline."""
    with app.app_context():
        made = {t.id: submit_request(current_register(), request_data(request_type=t.id)) for t in current_school().request_types}
        journal_to_tech = submit_request(current_register(), request_data(request_type="journal"))
        lifecycle.assign(current_register(), journal_to_tech, "orlova", "lebedev")
        tech_to_journal = submit_request(current_register(), request_data(request_type="technical"))
        lifecycle.assign(current_register(), tech_to_journal, "orlova", "kuznetsova")
        by_phone = submit_request(current_register(), request_data(request_type="other"), channel="phone", recorded_by="kuznetsova")
        db.session.commit()
        yield {**made, "journal_to_tech": journal_to_tech.id, "tech_to_journal": tech_to_journal.id,
               "by_phone": by_phone.id}  # fmt: skip
        db.session.remove()


def test_the_list_query_and_the_page_rule_agree_for_everyone(register):
    profile = current_school()
    everything = db.session.scalars(sa.select(SupportRequest)).all()
    for member in profile.staff:
        listed = set(db.session.scalars(
            sa.select(SupportRequest.id).where(access.visible_clause(profile, member.id))
        ))  # fmt: skip
        allowed = {r.id for r in everything if access.can_view(profile, member.id, r)}
        assert listed == allowed, member.id


def test_a_specialist_sees_what_is_routed_to_them_or_handed_to_them(register):
    profile = current_school()
    seen = {r.id for r in db.session.scalars(sa.select(SupportRequest)) if access.can_view(profile, "lebedev", r)}
    assert register["journal_to_tech"] in seen
    assert register["tech_to_journal"] in seen  # routed to his role, though handed to another
    assert db.session.get(SupportRequest, register["journal_to_tech"]).request_type == "journal"
    assert not any(db.session.get(SupportRequest, i).request_type == "psychologist" for i in seen)


def test_a_request_recorded_by_someone_stays_visible_to_them(register):
    profile = current_school()
    req = db.session.get(SupportRequest, register["by_phone"])
    assert access.can_view(profile, "kuznetsova", req)
    assert not access.can_view(profile, "lebedev", req)


def test_the_confidential_request_is_seen_by_the_psychologist_and_the_head_only(register):
    profile = current_school()
    req = db.session.scalar(sa.select(SupportRequest).filter_by(request_type="psychologist"))
    assert req.confidential
    seeing = {m.id for m in profile.staff if access.can_view(profile, m.id, req)}
    assert seeing == {"orlova", "morozova"}
