"""Personal data kept only as long as the profile promises, a person's rights, the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import sqlalchemy as sa

from tests.support.request_life import cast_of
from tests.support.staff import login
from tests.support.submissions import form_data, pdf_bytes, png_bytes, request_data
from webapp.extensions import db
from webapp.models import AuditEntry, HistoryEntry, MailboxReceipt, OutboxMessage, SupportRequest
from webapp.models.types import utc_now
from webapp.reports.compute import build_report
from webapp.reports.period import Period
from webapp.requests import lifecycle
from webapp.requests.service import submit_request
from webapp.retention.anonymise import REMOVED_NAME, token_fingerprint
from webapp.vocabulary import Anonymisation, AuditedPage, OutboxStatus
from webapp.web.audit import AUDITED_BLUEPRINTS
from webapp.web.current import current_register, current_school

ANSWER = "Пароль сброшен: новый пароль придёт на почту, указанную в Госуслугах."
NOTE = "Мама Смирновой звонила ещё раз, просила перезвонить после 18:00."
LONG_AGO = dt.timedelta(days=400)  # beyond the demo school's 365 days


def submit(client, **fields) -> str:
    """Send the form with two files; returns the request's status token."""
    files = [(io.BytesIO(png_bytes(3, 3)), "экран.png"), (io.BytesIO(pdf_bytes()), "справка.pdf")]
    response = client.post(
        "/app/form", data={**form_data(**fields), "attachments": files}, content_type="multipart/form-data"
    )
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].rsplit("/", 1)[-1]


def live_a_life(app, token: str, *, closed_ago: dt.timedelta | None) -> int:
    """Hand over, take, note, answer by e-mail and close; `closed_ago` moves the closing back."""
    with app.app_context():
        reg = current_register()
        cast = cast_of(current_school())
        req = db.session.scalar(sa.select(SupportRequest).where(SupportRequest.status_token == token))
        lifecycle.assign(reg, req, cast.head.id, cast.specialist.id)
        lifecycle.take_into_work(reg, req, cast.specialist.id)
        lifecycle.add_note(reg, req, cast.specialist.id, NOTE)
        lifecycle.answer_by_email(reg, req, cast.specialist.id, ANSWER)
        if closed_ago is not None:
            lifecycle.close(reg, req, cast.specialist.id)
            req.closed_at = utc_now() - closed_ago
        db.session.add(MailboxReceipt(message_key=f"<answer-{req.id}@mail.example.ru>", request_id=req.id,
                                      staff_id=cast.specialist.id))  # fmt: skip
        req.rating, req.rating_comment = "3", "Спасибо Белову, Аня снова может войти"
        db.session.commit()
        return req.id


def facts(app, request_id: int) -> dict:
    with app.app_context():
        req = db.session.get(SupportRequest, request_id)
        result = {
            "req": {c.key: getattr(req, c.key) for c in sa.inspect(SupportRequest).mapper.column_attrs},
            "history": [(h.action, h.actor, h.text) for h in req.history],
            "files": [a.stored_name for a in req.attachments],
            "mail": [
                (m.kind, m.status, m.recipient, m.subject, m.body_text, m.body_html, m.reply_to)
                for m in db.session.scalars(
                    sa.select(OutboxMessage).where(OutboxMessage.request_id == request_id).order_by(OutboxMessage.id))
            ],
            "receipts": list(db.session.scalars(
                sa.select(MailboxReceipt.message_key).where(MailboxReceipt.request_id == request_id))),
        }  # fmt: skip
        db.session.remove()
        return result


def report_figures(app):
    """The report over the whole range, without the rating comments (people's own words)."""
    with app.app_context():
        report = build_report(current_school(), Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), utc_now())
        db.session.remove()
    return dataclasses.replace(report, comments=[])


# What stays after anonymisation, column by column (the list, and the consent record).
KEPT = {
    "id", "number", "channel", "received_at", "recorded_at", "recorded_by", "author_role", "class_name",
    "request_type", "consent_at", "consent_version", "consent_oral", "status", "routed_role", "assignee",
    "confidential", "assign_due", "take_due", "process_due", "assigned_at", "taken_at", "answered_at",
    "closed_at", "extension_due", "extension_requested_by", "extension_requested_at", "extended_by",
    "extended_at", "assign_done_at", "assign_took", "assign_late", "take_done_at", "take_took", "take_late",
    "process_done_at", "process_took", "process_late", "missed", "closing_outcome", "duplicate_of_id",
    "rating", "rated_at", "known_problem_id", "consultation_form", "consultation_mode",
}
REMOVED = {
    "author_name": REMOVED_NAME, "contact_phone": None, "contact_email": None, "description": "",
    "extension_reason": None, "rating_comment": None, "submission_key": None, "subject": None,
}  # fmt: skip


def test_purge_anonymises_exactly_what_is_listed_and_keeps_the_report(app, runner):
    old_token = submit(app.test_client())
    old = live_a_life(app, old_token, closed_ago=LONG_AGO)
    recent = live_a_life(app, submit(app.test_client(), author_name="Кузнецов Иван"), closed_ago=dt.timedelta(days=30))
    still_open = live_a_life(app, submit(app.test_client(), author_name="Орлов Пётр"), closed_ago=None)
    before = facts(app, old)
    others_before = facts(app, recent), facts(app, still_open)
    figures_before = report_figures(app)
    uploads = Path(app.config["UPLOAD_DIR"])
    assert all((uploads / name).is_file() for name in before["files"]) and len(before["files"]) == 2

    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert "Обезличено обращений: 1" in result.output

    after = facts(app, old)
    for column in KEPT:
        assert after["req"][column] == before["req"][column], column
    for column, value in REMOVED.items():
        assert after["req"][column] == value, column
    unlisted = set(before["req"]) - KEPT - set(REMOVED) - {"author_key", "status_token", "anonymised_at",
                                                           "anonymised_reason"}  # fmt: skip
    assert unlisted == set()  # a new column must be sorted into "kept" or "removed"
    assert after["req"]["status_token"] == token_fingerprint(old_token)
    assert after["req"]["anonymised_reason"] == Anonymisation.RETENTION
    assert after["files"] == []
    assert not any((uploads / name).exists() for name in before["files"])
    assert [(a, who) for a, who, _ in after["history"][:-1]] == [(a, who) for a, who, _ in before["history"]]
    assert all(text == "" for _, _, text in after["history"][:-1])
    assert after["history"][-1][0] == "anonymised"
    assert before["mail"] and all(m[2:] == ("", None, None, None, None) for m in after["mail"])
    waiting = {OutboxStatus.PENDING, OutboxStatus.FAILED}
    assert [(kind, OutboxStatus.CANCELLED if status in waiting else status) for kind, status, *_ in before["mail"]] \
        == [m[:2] for m in after["mail"]]  # sent stays sent; what waits never goes
    assert after["receipts"][0].startswith("sha256:") and "mail.example.ru" not in after["receipts"][0]
    person = [before["req"][k] for k in ("author_name", "contact_phone", "contact_email", "description")]
    with app.app_context():
        every_text = " ".join(str(v) for row in db.session.execute(
            sa.select(OutboxMessage.__table__).where(OutboxMessage.request_id == old)).all() for v in row)
        db.session.remove()
    assert not any(p and p in every_text for p in [*person, ANSWER, NOTE])

    assert (facts(app, recent), facts(app, still_open)) == others_before  # not yet due / never closed
    assert report_figures(app) == figures_before


def test_dry_run_says_what_would_go_and_changes_nothing(app, runner):
    token = submit(app.test_client())
    old = live_a_life(app, token, closed_ago=LONG_AGO)
    before = facts(app, old)
    result = runner.invoke(args=["data", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        number = db.session.get(SupportRequest, old).number
        db.session.remove()
    assert "Будет обезличено обращений: 1" in result.output and number in result.output
    assert "Файлов вложений будет удалено: 2" in result.output
    assert facts(app, old) == before
    assert all((Path(app.config["UPLOAD_DIR"]) / name).is_file() for name in before["files"])


def test_the_private_link_of_a_purged_request_says_it_was_removed(app, runner):
    client = app.test_client()
    token = submit(client)
    live_a_life(app, token, closed_ago=LONG_AGO)
    assert client.get(f"/app/status/{token}").status_code == 200
    runner.invoke(args=["data", "purge"])
    page = client.get(f"/app/status/{token}")
    assert page.status_code == 410
    assert "удалены по правилам хранения персональных данных" in page.get_data(as_text=True)
    assert client.get(f"/app/rate/{token}").status_code == 410
    assert client.get(f"/app/status/{token_fingerprint(token)}").status_code == 404  # the stored value opens nothing
    assert client.get(f"/app/status/{'x' * 43}").status_code == 404


def test_the_site_states_the_profiles_retention_number(built_site):
    demo, other = built_site("demo"), built_site("other_school")
    assert (demo.profile.privacy.retention_days, other.profile.privacy.retention_days) == (365, 183)
    for site, term, not_term in ((demo, "хранится 1 год после закрытия", "183 дня"),
                                 (other, "хранится 183 дня после закрытия", "1 год")):  # fmt: skip
        for url in ("/personalnye-dannye/", "/soglasie/"):
            text = site.article(url).text
            assert term in text, (site.name, url)
            assert not_term not in text


SPELLINGS = {
    "+7 912 345-67-89": ["89123456789", "+79123456789", "8 (912) 345-67-89", "+7 (912) 345 67 89"],
    "8 (343) 123-45-67 доб. 12": ["+7 343 123 45 67", "83431234567"],
}


def test_person_search_finds_every_spelling_and_the_copy_holds_them(app):
    client = app.test_client()
    submit(client, contact_phone="+7 912 345-67-89", contact_email="Anna.Smirnova@Example.ru")
    submit(client, contact_phone="8 (343) 123-45-67 доб. 12", contact_email=None, author_name="Смирнов Олег")
    submit(client, contact_phone=None, contact_email="anna.smirnova@example.ru", author_name="Смирнова Анна")
    submit(client, contact_phone="+7 900 000-00-01", contact_email="someone.else@example.ru", author_name="Чужой Человек")
    head = cast_of_app(app).head.id
    login(client, head)
    page = client.get("/app/desk/people")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]  # never cached
    for stored, spellings in SPELLINGS.items():
        for spelling in spellings:
            found = numbers_found(client.post("/app/desk/people", data={"phone": spelling}))
            assert len(found) == 1, spelling
    for spelling in ("anna.smirnova@example.ru", "ANNA.SMIRNOVA@EXAMPLE.RU", " Anna.Smirnova@example.RU "):
        assert len(numbers_found(client.post("/app/desk/people", data={"email": spelling}))) == 2, spelling
    both = numbers_found(client.post("/app/desk/people", data={"phone": "89123456789", "email": "anna.smirnova@example.ru"}))
    assert len(both) == 2
    bad = client.post("/app/desk/people", data={"phone": "12"})
    assert bad.status_code == 400 and "Проверьте номер телефона" in bad.get_data(as_text=True)
    empty = client.post("/app/desk/people", data={})
    assert empty.status_code == 400

    copy = client.post("/app/desk/people/export", data={"phone": "8 912 345 67 89", "email": "anna.smirnova@example.ru"})
    assert copy.status_code == 200
    assert copy.headers["Content-Disposition"].startswith("attachment;")
    text = copy.get_data(as_text=True)
    for number in both:
        assert f"Обращение № {number}" in text
    assert "Смирнова Анна Сергеевна" in text and "Чужой Человек" not in text
    assert "экран.png" in text and "справка.pdf" in text
    assert "Согласие на обработку данных: версия" in text


def test_withdrawal_anonymises_at_once_with_the_basis_recorded(app):
    client = app.test_client()
    tokens = [submit(client, contact_email="parent@example.ru", author_name=f"Родитель {n}") for n in range(2)]
    kept = submit(client, contact_email="other@example.ru")
    head = cast_of_app(app).head.id
    login(client, head)
    refused = client.post("/app/desk/people/anonymise", data={"withdraw-email": "parent@example.ru", "withdraw-basis": ""})
    assert refused.status_code == 400 and "Укажите основание" in refused.get_data(as_text=True)
    assert client.get(f"/app/status/{tokens[0]}").status_code == 200  # nothing changed
    done = client.post("/app/desk/people/anonymise", data={
        "withdraw-email": "PARENT@example.ru", "withdraw-basis": "заявление вх. № 45 от 12.03.2026", "withdraw-confirm": "y",
    })  # fmt: skip
    assert done.status_code == 303
    for token in tokens:
        assert client.get(f"/app/status/{token}").status_code == 410
    assert client.get(f"/app/status/{kept}").status_code == 200
    with app.app_context():
        rows = db.session.scalars(sa.select(SupportRequest).where(SupportRequest.anonymised_at.is_not(None))).all()
        assert len(rows) == 2
        assert {r.anonymised_reason for r in rows} == {Anonymisation.WITHDRAWAL}
        assert all(r.contact_email is None and r.author_name == REMOVED_NAME and not r.attachments for r in rows)
        last = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.action == "anonymised")).all()
        assert {(h.actor, h.text) for h in last} == {(head, "автор отозвал согласие: заявление вх. № 45 от 12.03.2026")}
        pending = db.session.scalars(sa.select(OutboxMessage.status).where(
            OutboxMessage.request_id.in_([r.id for r in rows]))).all()  # fmt: skip
        assert pending and set(pending) == {OutboxStatus.CANCELLED}  # nothing more goes to them
        first = rows[0]
        consent = (first.consent_version, first.consent_oral)
        db.session.remove()
    page = client.get(f"/app/desk/r/{first.id}").get_data(as_text=True)
    assert f"(текст от {consent[0]})" in page and "в форме на сайте" in page  # the consent record stays
    assert "Сведения удалены" in page and "автор отозвал согласие" in page
    assert "Родитель" not in page and "parent@example.ru" not in page


def test_only_the_head_has_the_personal_data_pages(app):
    client = app.test_client()
    cast = cast_of_app(app)
    login(client, cast.specialist.id)
    for path in ("/app/desk/people", "/app/desk/audit"):
        assert client.get(path).status_code == 404
    assert client.post("/app/desk/people/export", data={"email": "a@example.ru"}).status_code == 404


def test_audit_log_records_a_page_view_and_a_download_without_personal_data(app):
    client = app.test_client()
    token = submit(client, contact_phone="+7 912 345-67-89", contact_email="anna.smirnova@example.ru")
    cast = cast_of_app(app)
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest).where(SupportRequest.status_token == token))
        request_id, number, attachment_id = req.id, req.number, req.attachments[0].id
        person = [req.author_name, req.contact_phone, req.contact_email, req.description, token, "Смирнова",
                  req.attachments[0].original_name, req.attachments[0].stored_name]  # fmt: skip
        db.session.remove()
    login(client, cast.head.id)
    assert client.get(f"/app/desk/r/{request_id}").status_code == 200
    with client.get(f"/app/desk/r/{request_id}/files/{attachment_id}") as download:
        assert download.status_code == 200 and download.get_data() == png_bytes(3, 3)
    assert client.get(f"/app/desk/r/{request_id + 1000}").status_code == 404  # nothing shown, nothing logged
    client.post("/app/desk/people", data={"email": "anna.smirnova@example.ru"})
    assert client.get("/app/desk/?q=Смирнова").status_code == 200  # a search by name: not kept
    with client.get("/app/desk/reports/export?what=register&format=csv&period=month") as export:
        assert export.status_code == 200 and number in export.get_data(as_text=True)
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        rows = [(e.staff_id, e.page, e.method, e.request_id, e.detail) for e in entries]
        stored = " ".join(str(v) for e in entries for v in (e.staff_id, e.page, e.method, e.detail, e.address))
        db.session.remove()
    assert (cast.head.id, "desk.request_page", "GET", request_id, "") in rows
    assert (cast.head.id, "desk.attachment", "GET", request_id, str(attachment_id)) in rows
    assert (cast.head.id, "privacy.people", "POST", None, "") in rows
    assert (cast.head.id, "desk.queue", "GET", None, "") in rows
    assert (cast.head.id, "oversight.export_file", "GET", None, "what=register&format=csv&period=month") in rows
    assert not any(r[3] == request_id + 1000 for r in rows)
    assert not any(p in stored for p in person)

    audit = client.get(f"/app/desk/audit?number={number}").get_data(as_text=True)
    assert "страница обращения" in audit and "вложение обращения" in audit
    assert cast.head.name in audit


def test_the_head_sees_confidential_requests_opened_by_others(app):
    client = app.test_client()
    profile = cast_of_app(app)
    with app.app_context():
        school = current_school()
        confidential = next(t for t in school.request_types if t.confidential)
        outsider = next(s for s in school.staff if confidential.route_to not in s.roles
                        and "view_confidential" in {p.value for p in school.permissions_of(s.id)})  # fmt: skip
        insider = next(s for s in school.staff if confidential.route_to in s.roles)
    token = submit(client, request_type=confidential.id)
    with app.app_context():
        request_id = db.session.scalar(sa.select(SupportRequest.id).where(SupportRequest.status_token == token))
        db.session.remove()
    for who in (insider, outsider):
        viewer = app.test_client()
        login(viewer, who.id)
        assert viewer.get(f"/app/desk/r/{request_id}").status_code == 200
    head = app.test_client()
    login(head, profile.head.id)
    page = head.get("/app/desk/audit").get_data(as_text=True)
    strangers = page.split('id="strangers-title"', 1)[1].split('id="log-title"', 1)[0]
    assert outsider.name in strangers
    assert insider.name not in strangers


def cast_of_app(app):
    with app.app_context():
        return cast_of(current_school())


def numbers_found(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return re.findall(r">(\d{4}-\d{5})</a>", response.get_data(as_text=True))


def test_requests_never_closed_beyond_the_term_are_listed_for_the_head_not_purged(app, runner):
    with app.app_context():
        old = submit_request(current_register(), request_data(author_name="Давний Автор"),
                             received_at=utc_now() - LONG_AGO)  # fmt: skip
        fresh = submit_request(current_register(), request_data(author_name="Свежий Автор"))
        db.session.commit()
        old_number, fresh_number, old_id = old.number, fresh.number, old.id
        db.session.remove()
    assert "Обезличено обращений: 0" in runner.invoke(args=["data", "purge"]).output
    client = app.test_client()
    login(client, cast_of_app(app).head.id)
    page = client.get("/app/desk/control").get_data(as_text=True)
    section = page.split('id="control-unclosed"', 1)[1].split("</section>", 1)[0]
    assert old_number in section and fresh_number not in section
    with app.app_context():
        assert db.session.get(SupportRequest, old_id).author_name == "Давний Автор"
        db.session.remove()


def test_every_page_the_audit_log_covers_has_its_russian_words(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in AUDITED_BLUEPRINTS}
    assert endpoints and endpoints <= set(AuditedPage.codes()), endpoints - set(AuditedPage.codes())
