"""A request's life on the desk, run in a Python process of its own so that the app's log goes
where it goes in production: the real stderr, through the handler the factory adds, at the
default LOG_LEVEL (pytest's logging plugin and captured streams are not in this process).

    python -m tests.support.logged_life < life.json > outcome.json 2> log.txt

life.json: {"settings": {...create_app's test config...}, "form": {...}, "call": {...},
"password": "..."}; outcome.json: {"number", "call_number", "status_token"}. The author sends
the form; the outbox delivers; a mistyped sign-in (the password typed as the login) is refused;
the hotline records a call and hands the web request to a specialist, who takes it, answers by
e-mail and closes it; both sign out; the outbox delivers again.
"""

from __future__ import annotations

import json
import re
import sys

from tests.support.request_life import HOTLINE, get_page, offered_channels, post_action
from tests.support.staff import LOGIN_URL, login, logout
from webapp import create_app
from webapp.extensions import db
from webapp.mail.outbox import deliver_due

DISPATCHER = "sidorova"  # the hotline: registers calls, hands requests over
SPECIALIST = "lebedev"  # a technical specialist: takes and answers
ANSWER = "Переустановите приложение дневника и войдите заново под своей учётной записью."


def live(life: dict) -> dict:
    app = create_app(life["settings"])
    password = life["password"]

    author = app.test_client()
    sent = author.post("/app/form", data=life["form"])
    assert sent.status_code == 303, sent.get_data(as_text=True)[:3000]
    confirmation = get_page(author, sent.location)
    number = re.search(r"Номер обращения: <strong>([\d-]+)</strong>", confirmation).group(1)
    token = re.search(r"/app/status/([\w-]+)", confirmation).group(1)
    get_page(author, f"/app/status/{token}")
    deliver_due(app)

    dispatcher, specialist = app.test_client(), app.test_client()
    mistyped = dispatcher.post(LOGIN_URL, data={"login": password, "password": DISPATCHER})
    assert mistyped.status_code == 400
    login(dispatcher, DISPATCHER, password)
    login(specialist, SPECIALIST, password)

    call = {**life["call"], "channel": offered_channels(get_page(dispatcher, HOTLINE))[0]}
    recorded = dispatcher.post(HOTLINE, data=call)
    assert recorded.status_code == 302, recorded.get_data(as_text=True)[:3000]
    call_number = re.search(r"под номером ([\d-]+)", get_page(dispatcher, recorded.location)).group(1)

    listing = get_page(dispatcher, "/app/desk/")
    page = re.search(rf'href="(/app/desk/r/\d+)">{number}<', listing).group(1)
    post_action(dispatcher, page, "assign", {"assign-assignee": SPECIALIST})
    post_action(specialist, page, "take")
    post_action(specialist, page, "answer", {"answer-text": ANSWER})
    post_action(specialist, page, "close", {"close-outcome": "resolved"})
    logout(specialist)
    logout(dispatcher)
    deliver_due(app)

    with app.app_context():
        db.engine.dispose()
    return {"number": number, "call_number": call_number, "status_token": token}


if __name__ == "__main__":
    json.dump(live(json.load(sys.stdin)), sys.stdout)
