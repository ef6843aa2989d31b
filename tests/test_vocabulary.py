"""The product's words come from one place: webapp/vocabulary.py.

The proof: a copy of the app whose vocabulary alone gains a status, a history event and a
letter kind shows their Russian words on the desk, on the author's status page and in the
letter to the head, with no other line of code changed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from webapp.vocabulary import Clock, Code, Event, RequestStatus

ROOT = Path(__file__).resolve().parent.parent

NEW_MEMBERS = {
    '    CLOSED = "closed", "закрыто"\n': '    ON_HOLD = "on_hold", "отложено до звонка автору"\n',
    '    REOPENED = "reopened", "открыто снова", "Обращение открыто снова"\n':
        '    CALLED_BACK = "called_back", "перезвонили автору", "Служба вам перезвонила"\n',
}  # fmt: skip

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from webapp import accounts, create_app
    from webapp.extensions import db
    from webapp.mail.outbox import deliver_due
    from webapp.models import HistoryEntry
    from webapp.requests import notifications
    from webapp.requests.service import RequestData, submit_request
    from webapp.vocabulary import Clock
    from webapp.web.current import current_register, current_school

    folder, smtp_port = sys.argv[1], int(sys.argv[2])
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "UPLOAD_DIR": f"{folder}/uploads", "MAIL_PORT": smtp_port, "MAIL_TIMEOUT": 5,
    })
    with app.app_context():
        db.create_all()
        reg = current_register()
        req = submit_request(reg, RequestData(
            author_name="Смирнова Анна", author_role="student", class_name="7А",
            request_type="technical", description="Не включается камера.",
            contact_phone="+79123456789", contact_email=None))
        db.session.flush()
        req.status = "on_hold"
        db.session.add(HistoryEntry(request=req, actor="belov", action="called_back", text="",
                                    public=True, at=req.received_at))
        notifications.sla_breach(reg, req, Clock.PROCESS, req.process_due)
        accounts.create_account(current_school(), "orlova", "correct-horse-battery")
        db.session.commit()
        token, request_id = req.status_token, req.id
    deliver_due(app)
    staff = app.test_client()
    staff.post("/app/staff/login", data={"login": "orlova", "password": "correct-horse-battery"})
    print(json.dumps({
        "desk": staff.get("/app/desk/?status=all").get_data(as_text=True),
        "request_page": staff.get(f"/app/desk/r/{request_id}").get_data(as_text=True),
        "status_page": app.test_client().get(f"/app/status/{token}").get_data(as_text=True),
    }))
    """
)


def test_a_status_and_an_event_added_to_the_vocabulary_alone_are_titled_everywhere(tmp_path, smtp):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "webapp", repo / "webapp", ignore=shutil.ignore_patterns("__pycache__"))
    vocabulary = repo / "webapp" / "vocabulary.py"
    text = vocabulary.read_text()
    for anchor, member in NEW_MEMBERS.items():
        assert text.count(anchor) == 1, anchor
        text = text.replace(anchor, anchor + member)
    vocabulary.write_text(text)

    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(smtp.port)],
        cwd=repo, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin", "APP_ENV": "development"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    pages = json.loads(run.stdout.splitlines()[-1])

    assert "Отложено до звонка автору" in pages["desk"]  # the list's badge
    assert '<option value="on_hold">Отложено до звонка автору</option>' in pages["desk"]  # its filter
    assert "Отложено до звонка автору" in pages["request_page"]
    assert "Перезвонили автору" in pages["request_page"]  # the history on the desk
    assert "Отложено до звонка автору" in pages["status_page"]  # what the author reads
    assert "Служба вам перезвонила" in pages["status_page"]
    [alert] = [message for _, message in smtp.messages if "Нарушен срок" in message["Subject"]]
    assert Clock.PROCESS.task in alert["Subject"]
    assert "Состояние обращения: отложено до звонка автору" in alert.get_body(("plain",)).get_content()


def test_every_code_has_russian_words_and_codes_are_unique():
    for family in Code.__subclasses__():
        codes = family.codes()
        assert len(set(codes)) == len(codes), family
        for member in family:
            assert member.label and any("а" <= ch <= "я" for ch in member.label.lower()), member
    assert all(member.task for member in Clock)
    internal = {Event.NOTE, Event.CONTACT_CALL, Event.CONTACT_EMAIL, Event.ANONYMISED, Event.RATED,
                Event.PROBLEM_UNLINKED}
    assert {e for e in Event if e.public_label is None} == internal  # never shown to the author
    assert RequestStatus("in_work") is RequestStatus.IN_WORK and RequestStatus.IN_WORK == "in_work"
