"""Every desk route for every person of the demo profile (and a stranger): the expected answer.

The expectations are written out by hand from the regulation and the demo profile's roles, not
computed by the code under test. A request a person may not see answers 404, exactly like an id
that does not exist, so ids cannot be probed; an action they may not do answers 403.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.staff import PASSWORD, ensure_account
from tests.support.submissions import png_bytes, request_data
from webapp.extensions import db
from webapp.models import StaffAccount, SupportRequest
from webapp.requests import lifecycle
from webapp.requests.attachments import inspect_upload
from webapp.requests.service import submit_request
from webapp.web.current import current_register

PEOPLE = ["orlova", "belov", "sidorova", "kuznetsova", "lebedev", "morozova", "gromov"]
ANON = "anonymous"
# orlova: head · belov: site admin + tech · sidorova: hotline · kuznetsova: e-journal admin
# lebedev: tech · morozova: psychologist · gromov: IT coordinator (view_all, answer)

SEES = {
    # request type -> who may open it
    "technical": {"orlova", "belov", "sidorova", "lebedev", "gromov"},
    "journal": {"orlova", "belov", "sidorova", "kuznetsova", "gromov"},
    "lesson_quality": {"orlova", "belov", "sidorova", "gromov"},
    "psychologist": {"orlova", "morozova"},
}


@pytest.fixture
def desk(app):
    """One signed-in client per person, and one request of each type (new, with a screenshot)."""
    for person in PEOPLE:
        ensure_account(app, person)
    clients = {ANON: app.test_client()}
    for person in PEOPLE:
        client = app.test_client()
        assert client.post("/app/staff/login", data={"login": person, "password": PASSWORD}).status_code == 302
        clients[person] = client
    with app.app_context():
        shot = inspect_upload("screen.png", png_bytes())
        ids = {t: submit_request(current_register(), request_data(request_type=t), attachments=[shot]).id for t in SEES}
        db.session.commit()
    return clients, ids


def fresh(app, request_type="technical") -> int:
    with app.app_context():
        req = submit_request(current_register(), request_data(request_type=request_type))
        db.session.commit()
        return req.id


def expect(clients, method: str, url: str, table: dict[str, int], data=None) -> None:
    got = {}
    for who, client in clients.items():
        response = client.open(url, method=method, data=data or {})
        got[who] = response.status_code
        response.close()  # a file download keeps its file open until closed
    assert got == table, url


def everyone(code: int, anon: int = 302) -> dict[str, int]:
    return {ANON: anon, **{p: code for p in PEOPLE}}


def by_sight(request_type: str, seen: int, others: dict[str, int] | None = None) -> dict[str, int]:
    """`seen` for those who see this type, 404 for those who do not, exceptions in `others`."""
    table = {ANON: 302, **{p: (seen if p in SEES[request_type] else 404) for p in PEOPLE}}
    table.update(others or {})
    return table


def test_lists_own_pages_and_the_hotline_form(desk):
    clients, _ = desk
    expect(clients, "GET", "/app/desk/", everyone(200))
    expect(clients, "GET", "/app/desk/?status=all&overdue=y&q=Смир", everyone(200))
    expect(clients, "GET", "/app/staff/password", everyone(200))
    expect(clients, "GET", "/app/staff/logout", everyone(200))
    # The hotline form is for the roles that register calls (head and hotline in the demo).
    hotline = {**everyone(403), "orlova": 200, "sidorova": 200}
    expect(clients, "GET", "/app/desk/hotline", hotline)
    expect(clients, "POST", "/app/desk/hotline", {**hotline, "orlova": 400, "sidorova": 400})


def test_the_staff_page_exists_only_for_those_who_manage_staff(desk):
    clients, _ = desk
    # Only the head's role has manage_staff in the demo; to everyone else the page is not there.
    head_only = {**everyone(404), "orlova": 200}
    expect(clients, "GET", "/app/desk/staff/", head_only)
    for action in ("create", "password", "disable"):
        expect(clients, "GET", f"/app/desk/staff/lebedev/{action}", head_only)
        # Someone not on the roster, even for the head, looks like an address that does not exist.
        expect(clients, "GET", f"/app/desk/staff/ivanov/{action}", everyone(404))
        expect(clients, "POST", f"/app/desk/staff/ivanov/{action}", everyone(404))
    expect(clients, "GET", "/app/desk/staff/lebedev/delete", everyone(404))
    expect(clients, "POST", "/app/desk/staff/lebedev/delete", everyone(404))
    # Refused with a message for the head (an account exists; one's own account): 409.
    expect(clients, "POST", "/app/desk/staff/lebedev/create", {**everyone(404), "orlova": 409})
    expect(clients, "POST", "/app/desk/staff/orlova/disable", {**everyone(404), "orlova": 409})
    expect(clients, "POST", "/app/desk/staff/orlova/password", {**everyone(404), "orlova": 409})


def _account_for(app, staff_id: str, wanted: bool) -> None:
    with app.app_context():
        db.session.execute(sa.delete(StaffAccount).filter_by(staff_id=staff_id))
        db.session.commit()
    if wanted:
        ensure_account(app, staff_id)


# What a staff action does when it goes through: the one-time password page, or back to the list.
STAFF_ACTIONS = {"create": (False, 200), "password": (True, 200), "disable": (True, 302)}


def test_staff_actions_are_done_only_by_those_who_manage_staff(app):
    """Each person, freshly signed in, tries each action on someone else's account."""
    for action, (has_account, done) in STAFF_ACTIONS.items():
        got = {}
        for who in [ANON, *PEOPLE]:
            client = app.test_client()
            if who != ANON:
                ensure_account(app, who)
                client.post("/app/staff/login", data={"login": who, "password": PASSWORD})
            target = "kuznetsova" if who == "lebedev" else "lebedev"
            _account_for(app, target, has_account)
            got[who] = client.post(f"/app/desk/staff/{target}/{action}").status_code
        assert got == {**everyone(404), "orlova": done}, action


def test_request_pages_and_attachments_open_only_for_those_who_may_see_them(app, desk):
    clients, ids = desk
    for request_type, request_id in ids.items():
        expect(clients, "GET", f"/app/desk/r/{request_id}", by_sight(request_type, 200))
        with app.app_context():
            attachment_id = db.session.get(SupportRequest, request_id).attachments[0].id
        url = f"/app/desk/r/{request_id}/files/{attachment_id}"
        expect(clients, "GET", url, by_sight(request_type, 200))
        # The right attachment id under another request's id is not found.
        other = ids["journal" if request_type != "journal" else "technical"]
        assert clients["orlova"].get(f"/app/desk/r/{other}/files/{attachment_id}").status_code == 404


def test_the_psychologists_request_is_hidden_even_from_the_technical_specialist(desk):
    clients, ids = desk
    response = clients["lebedev"].get(f"/app/desk/r/{ids['psychologist']}")
    assert response.status_code == 404
    assert "Смирнова" not in response.get_data(as_text=True)
    listed = clients["lebedev"].get("/app/desk/?status=all").get_data(as_text=True)
    assert f"/app/desk/r/{ids['technical']}\"" in listed
    assert f"/app/desk/r/{ids['psychologist']}\"" not in listed


def test_guessed_ids_and_unknown_actions_look_the_same_as_hidden_requests(desk):
    clients, ids = desk
    missing = max(ids.values()) + 1000
    expect(clients, "GET", f"/app/desk/r/{missing}", everyone(404))
    expect(clients, "POST", f"/app/desk/r/{missing}/note", everyone(404), {"note-text": "x"})
    expect(clients, "GET", f"/app/desk/r/{missing}/files/1", everyone(404))
    expect(clients, "POST", f"/app/desk/r/{ids['technical']}/delete", everyone(404))


# Actions on a new technical request, posted with an empty form: a person who may act gets the
# form back with a message (400), one who may not gets 403, one who may not see it 404.
NEW_TECHNICAL = {
    "assign": {"orlova": 400, "belov": 400, "sidorova": 400, "lebedev": 403, "gromov": 403},
    "note": {"orlova": 400, "belov": 400, "sidorova": 400, "lebedev": 400, "gromov": 400},
    "contact": {"orlova": 403, "belov": 400, "sidorova": 403, "lebedev": 400, "gromov": 403},
    "answer": {"orlova": 403, "belov": 400, "sidorova": 403, "lebedev": 400, "gromov": 403},
    "oral-answer": {"orlova": 403, "belov": 400, "sidorova": 403, "lebedev": 400, "gromov": 403},
    "extension": {"orlova": 403, "belov": 403, "sidorova": 403, "lebedev": 403, "gromov": 403},
    "extension-decision": {"orlova": 400, "belov": 403, "sidorova": 403, "lebedev": 403, "gromov": 403},
    "reopen": {"orlova": 400, "belov": 403, "sidorova": 403, "lebedev": 403, "gromov": 403},
}




NEW_CONFIDENTIAL = {
    "assign": {"orlova": 400, "morozova": 403},
    "note": {"orlova": 400, "morozova": 400},
    "answer": {"orlova": 403, "morozova": 400},
    "extension-decision": {"orlova": 400, "morozova": 403},
}


def test_actions_on_new_requests(desk):
    clients, ids = desk
    for action, exceptions in NEW_TECHNICAL.items():
        table = by_sight("technical", 0, exceptions)
        expect(clients, "POST", f"/app/desk/r/{ids['technical']}/{action}", table)
    for action, exceptions in NEW_CONFIDENTIAL.items():
        table = by_sight("psychologist", 0, exceptions)
        expect(clients, "POST", f"/app/desk/r/{ids['psychologist']}/{action}", table)


# Taking into work and closing need no form: each person tries on a request of their own.
TAKE_NEW = {"technical": {"orlova": 403, "belov": 302, "sidorova": 403, "lebedev": 302, "gromov": 403},
            "psychologist": {"orlova": 403, "morozova": 302}}  # fmt: skip


def test_taking_a_new_request_into_work(app, desk):
    clients, _ = desk
    for request_type, exceptions in TAKE_NEW.items():
        got = {}
        for who, client in clients.items():
            got[who] = client.post(f"/app/desk/r/{fresh(app, request_type)}/take").status_code
        assert got == by_sight(request_type, 0, exceptions), request_type


def test_closing_an_answered_request(app, desk):
    clients, _ = desk
    expected = by_sight("technical", 403, {"orlova": 302, "lebedev": 302})
    got = {}
    for who, client in clients.items():
        request_id = fresh(app)
        with app.app_context():
            req = db.session.get(SupportRequest, request_id)
            lifecycle.assign(current_register(), req, "sidorova", "lebedev")
            lifecycle.record_oral_answer(current_register(), req, "lebedev", "Помог по телефону.")
            db.session.commit()
        got[who] = client.post(f"/app/desk/r/{request_id}/close", data={"close-outcome": "resolved"}).status_code
    assert got == expected


def test_a_step_the_status_does_not_allow_is_refused_with_a_message(desk):
    clients, ids = desk
    response = clients["orlova"].post(f"/app/desk/r/{ids['technical']}/close", data={"close-outcome": "resolved"})
    assert response.status_code == 409
    assert "Нельзя закрыть обращение" in response.get_data(as_text=True)
