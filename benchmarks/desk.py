"""How fast the desk's pages are with a long register.

    python -m benchmarks.desk                         # SQLite in a temporary folder
    python -m benchmarks.desk --database postgresql   # a temporary database on 127.0.0.1:5432

Generates 100,000 requests (bulk insert, spread over three school years, mostly closed),
signs in as people of different roles and times the queue, the filtered lists, the searches
and a request's page through the Flask test client. Prints p50 and p99 per page in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import statistics
import sys
import tempfile
import time

import sqlalchemy as sa

from benchmarks.common import temporary_database
from webapp import create_app
from webapp.extensions import db
from webapp.models import HistoryEntry, SupportRequest
from webapp.accounts import create_account
from webapp.web.current import current_school

UTC = dt.timezone.utc
PASSWORD = "benchmark-password"

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
            "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
            "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин"]
FIRST = [("Анна", "а"), ("Мария", "а"), ("Иван", ""), ("Дмитрий", ""), ("Елена", "а"), ("Олег", ""),
         ("Софья", "а"), ("Артём", ""), ("Полина", "а"), ("Максим", "")]
PATRONYMIC = {"": ["Сергеевич", "Андреевич", "Игоревич"], "а": ["Сергеевна", "Андреевна", "Игоревна"]}
TYPES = ["technical"] * 8 + ["journal"] * 5 + ["lesson_quality"] * 2 + ["psychologist"] + ["other"] * 4
ROUTES = {"technical": "tech", "journal": "journal_admin", "lesson_quality": "head",
          "psychologist": "psychologist", "other": "head"}
ASSIGNEES = {"tech": ["belov", "lebedev"], "journal_admin": ["kuznetsova"], "head": ["orlova"],
             "psychologist": ["morozova"]}  # fmt: skip


def person(rng: random.Random) -> str:
    first, ending = rng.choice(FIRST)
    return f"{rng.choice(SURNAMES)}{ending} {first} {rng.choice(PATRONYMIC[ending])}"


def generate(count: int, now: dt.datetime, seed: int = 7):
    """Rows for a bulk insert: newest last, the recent few percent still open."""
    rng = random.Random(seed)
    span = dt.timedelta(days=3 * 365)
    counters: dict[int, int] = {}
    for i in range(count):
        received = now - span * (1 - i / count) + dt.timedelta(seconds=rng.randint(0, 3600))
        counters[received.year] = counters.get(received.year, 0) + 1
        request_type = rng.choice(TYPES)
        role = ROUTES[request_type]
        age = now - received
        status = _status_for(age, rng)
        assignee = rng.choice(ASSIGNEES[role]) if status != "new" else None
        yield {
            "number": f"{received.year}-{counters[received.year]:05d}",
            "status_token": secrets.token_urlsafe(24),
            "channel": rng.choice(["web"] * 4 + ["phone", "email"]),
            "received_at": received,
            "recorded_at": received,
            "author_name": person(rng),
            "author_role": rng.choice(["student", "parent", "teacher"]),
            "class_name": f"{rng.randint(1, 11)}{rng.choice('АБВ')}",
            "request_type": request_type,
            "description": "Не открывается урок в Сферуме, пишет «нет доступа».",
            "contact_email": f"user{i}@example.ru",
            "consent_at": received,
            "consent_version": "2026-11-20",
            "consent_oral": False,
            "status": status,
            "routed_role": role,
            "assignee": assignee,
            "confidential": request_type == "psychologist",
            "assign_due": received + dt.timedelta(minutes=30),
            "take_due": received + dt.timedelta(hours=1) if assignee else None,
            "process_due": received + dt.timedelta(hours=24),
            "assigned_at": received + dt.timedelta(minutes=10) if assignee else None,
        }


def _status_for(age: dt.timedelta, rng: random.Random) -> str:
    if age > dt.timedelta(days=14):
        return "closed"
    if age > dt.timedelta(days=3):
        return rng.choice(["closed"] * 3 + ["answered"])
    return rng.choice(["new", "assigned", "in_work", "in_work", "answered"])


def fill(app, count: int, now: dt.datetime) -> None:
    with app.app_context():
        rows = list(generate(count, now))
        started = time.perf_counter()
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(SupportRequest), rows[start : start + 5000])
        newest = sa.select(SupportRequest.id).order_by(SupportRequest.id.desc()).limit(200)
        note = {"at": now, "actor": "belov", "action": "note", "text": "Заметка", "public": False}
        db.session.execute(
            sa.insert(HistoryEntry),
            [{"request_id": i, **note} for i in db.session.scalars(newest) for _ in range(5)],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))  # what autovacuum does after a bulk load
            db.session.commit()
        print(f"inserted {count} requests in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for staff_id in ("orlova", "belov", "lebedev", "morozova"):
            create_account(current_school(), staff_id, PASSWORD)
        db.session.commit()


def pages(app, now: dt.datetime) -> list[tuple[str, str, str]]:
    """(who, label, url) for every page timed."""
    with app.app_context():
        newest = db.session.scalar(sa.select(SupportRequest).order_by(SupportRequest.id.desc()).limit(1))
        middle = db.session.get(SupportRequest, newest.id // 2)
    year = now.year
    return [
        ("orlova", "queue: open (head)", "/app/desk/"),
        ("lebedev", "queue: open (tech specialist)", "/app/desk/"),
        ("morozova", "queue: open (psychologist)", "/app/desk/"),
        ("belov", "register: all, page 1", "/app/desk/?status=all"),
        ("belov", "register: all, page 40", "/app/desk/?status=all&page=40"),
        ("lebedev", "register: all (tech specialist)", "/app/desk/?status=all"),
        ("orlova", "filter: closed", "/app/desk/?status=closed"),
        ("orlova", "filter: type journal", "/app/desk/?status=all&request_type=journal"),
        ("orlova", "filter: specialist lebedev", "/app/desk/?status=all&assignee=lebedev"),
        ("orlova", "filter: unassigned", "/app/desk/?status=all&assignee=none"),
        ("orlova", "filter: overdue", "/app/desk/?status=open&overdue=y"),
        ("orlova", "filter: waiting for a longer term", "/app/desk/?status=all&extension=y"),
        ("belov", "search: number", f"/app/desk/?q={middle.number}"),
        ("belov", "search: short number", f"/app/desk/?q={int(newest.number.split('-')[1])}"),
        ("belov", "search: name prefix «смирн»", "/app/desk/?q=смирн"),
        ("belov", "search: full name", f"/app/desk/?q={newest.author_name}"),
        ("belov", "search: no such name", "/app/desk/?q=Щукин"),
        ("orlova", "request page", f"/app/desk/r/{newest.id}"),
        ("belov", "search: number of another year", f"/app/desk/?q={year - 1}-00042"),
    ]


def measure(app, rounds: int, now: dt.datetime) -> list[tuple[str, float, float, int]]:
    clients = {}
    results = []
    for who, label, url in pages(app, now):
        if who not in clients:
            clients[who] = app.test_client()
            answer = clients[who].post("/app/staff/login", data={"login": who, "password": PASSWORD})
            assert answer.status_code == 302, f"cannot sign in as {who}"
        client = clients[who]
        for _ in range(3):  # warm caches, as a working desk has them
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append((label, statistics.median(timings), _p99(timings), len(response.data)))
    return results


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args(argv)
    now = dt.datetime.now(UTC)
    with temporary_database(args.database, "desk") as url, tempfile.TemporaryDirectory() as uploads:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "benchmark", "DATABASE_URL": url, "SCHOOL_PROFILE": None,
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "UPLOAD_DIR": uploads,
        })  # fmt: skip
        with app.app_context():
            db.create_all()
        fill(app, args.requests, now)
        results = measure(app, args.rounds, now)
        with app.app_context():
            db.engine.dispose()
    print(f"\nDesk pages, {args.database}, {args.requests:,} requests, {args.rounds} rounds each (ms):")
    print(f"{'page':<40} {'p50':>8} {'p99':>8}")
    for label, p50, p99, _size in results:
        print(f"{label:<40} {p50:8.1f} {p99:8.1f}")


if __name__ == "__main__":
    main()
