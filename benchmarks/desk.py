"""How fast the desk's pages are with a long register.

    python -m benchmarks.desk                         # SQLite in a temporary folder
    python -m benchmarks.desk --database postgresql   # a temporary database on 127.0.0.1:5432

Generates 100,000 requests (bulk insert, spread over three school years, mostly closed, with
their clock outcomes, closing outcomes and ratings), signs in as people of different roles and
times the queue, the filtered lists, the searches, a request's page, the control view and the
reports (a school year, and all three years: every one of the 100,000 requests) through the Flask
test client. Prints p50 and p99 per page in ms. Then streams the register of 10,000 and of all
100,000 requests as XLSX and CSV and prints the time and the growth of the process's memory
(resident set, sampled while streaming): it must not grow with the rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time

import sqlalchemy as sa

from benchmarks.common import temporary_database
from webapp import create_app
from webapp.extensions import db
from webapp.models import HistoryEntry, SupportRequest
from webapp.reports.period import Period
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
        outcomes = _outcomes(rng, received, status)
        yield {
            **outcomes,
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


def _outcomes(rng: random.Random, received: dt.datetime, status: str) -> dict:
    """Clock outcomes as the lifecycle keeps them (service seconds), a closing outcome, a rating."""
    row: dict = {"missed": False}
    steps = {"new": 0, "assigned": 1, "in_work": 2, "answered": 3, "closed": 3}[status]
    for clock, limit, done in (("assign", 1800, 1), ("take", 1800, 2), ("process", 86400, 3)):
        if steps >= done:
            took = int(rng.expovariate(1 / (limit * 0.6)))
            row[f"{clock}_took"], row[f"{clock}_late"] = took, max(took - limit, 0)
            row[f"{clock}_done_at"] = received + dt.timedelta(seconds=took)
            row["missed"] = row["missed"] or took > limit
    if status == "closed":
        row["closing_outcome"] = rng.choice(["resolved"] * 8 + ["not_resolved", "no_contact"])
        if rng.random() < 0.3:
            row["rating"] = rng.choice(["yes"] * 6 + ["partly"] * 3 + ["no"])
            row["rated_at"] = received + dt.timedelta(days=2)
            row["rating_comment"] = "Долго ждали ответа." if row["rating"] == "no" else None
    return row


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
        ("orlova", "filter: missed at any time", "/app/desk/?status=all&missed=y"),
        ("orlova", "filter: due within 30 minutes", "/app/desk/?due_soon=y"),
        ("orlova", "filter: low rating", "/app/desk/?status=all&low_rating=y"),
        ("orlova", "control view", "/app/desk/control"),
    ]


def heavy_pages(now: dt.datetime) -> list[tuple[str, str, str]]:
    """The reports: fewer rounds, each reads a whole period."""
    first = (now - dt.timedelta(days=3 * 365 + 2)).date()
    return [
        ("orlova", "report: this school year", "/app/desk/reports?period=year"),
        ("orlova", "report: every request (3 years)",
         f"/app/desk/reports?period=dates&from={first}&to={now.date() + dt.timedelta(days=1)}"),
    ]


def measure(app, rounds: int, now: dt.datetime, heavy_rounds: int = 5) -> list[tuple[str, float, float, int]]:
    clients = {}
    results = []
    timed = [(page, rounds) for page in pages(app, now)] + [(page, heavy_rounds) for page in heavy_pages(now)]
    for (who, label, url), count in timed:
        if who not in clients:
            clients[who] = app.test_client()
            answer = clients[who].post("/app/staff/login", data={"login": who, "password": PASSWORD})
            assert answer.status_code == 302, f"cannot sign in as {who}"
        client = clients[who]
        for _ in range(3):  # warm caches, as a working desk has them
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append((label, statistics.median(timings), _p99(timings), len(response.data)))
    return results


def _resident_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4  # pages of 4 KiB


def export_memory(app, now: dt.datetime) -> list[tuple[str, int, float, float, int]]:
    """(format, rows, seconds, MiB the resident set grew while streaming, bytes) per export:
    the register of about 10,000 recent requests, then of all of them."""
    client = app.test_client()
    assert client.post("/app/staff/login", data={"login": "orlova", "password": PASSWORD}).status_code == 302
    with app.app_context():
        arrivals = db.session.scalars(sa.select(SupportRequest.received_at).order_by(SupportRequest.received_at)).all()
        profile = current_school()
        last = (now + dt.timedelta(days=1)).date()
        periods = []
        for start in (arrivals[max(len(arrivals) - 10_000, 0)], arrivals[0] - dt.timedelta(days=1)):
            period = Period(start.date(), last)
            begin, end = period.bounds(profile)
            rows = db.session.scalar(sa.select(sa.func.count()).where(
                SupportRequest.received_at >= begin, SupportRequest.received_at < end))
            periods.append((period, rows))
    results = []
    for fmt in ("csv", "xlsx"):
        for period, rows in periods:
            url = (f"/app/desk/reports/export?what=register&format={fmt}&period=dates"
                   f"&from={period.first}&to={period.last}")  # fmt: skip
            baseline = _resident_kib()
            peak = [baseline]
            done = threading.Event()

            def sample():
                while not done.wait(0.05):
                    peak[0] = max(peak[0], _resident_kib())

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.perf_counter()
            response = client.get(url, buffered=False)
            size = sum(len(chunk) for chunk in response.response)
            response.close()
            elapsed = time.perf_counter() - started
            done.set()
            sampler.join()
            results.append((fmt, rows, elapsed, (peak[0] - baseline) / 1024, size))
    return results


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--report-rounds", type=int, default=5, help="rounds of each report page")
    parser.add_argument("--no-export", action="store_true", help="skip the export memory measure")
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
        results = measure(app, args.rounds, now, args.report_rounds)
        exports = [] if args.no_export else export_memory(app, now)
        with app.app_context():
            db.engine.dispose()
    print(f"\nDesk pages, {args.database}, {args.requests:,} requests, {args.rounds} rounds each (ms):")
    print(f"{'page':<40} {'p50':>8} {'p99':>8}")
    for label, p50, p99, _size in results:
        print(f"{label:<40} {p50:8.1f} {p99:8.1f}")
    if exports:
        print("\nRegister export, streamed (memory: growth of the resident set while streaming):")
        print(f"{'format':<8} {'rows':>8} {'seconds':>8} {'MiB':>8} {'size, KiB':>10}")
        for fmt, rows, seconds, grown, size in exports:
            print(f"{fmt:<8} {rows:>8} {seconds:8.1f} {grown:8.1f} {size / 1024:10.0f}")


if __name__ == "__main__":
    main()
