"""`flask --app wsgi outbox ...`: delivery of queued e-mail (for cron, a systemd timer, a worker)."""

from __future__ import annotations

import logging
import signal
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..formatting import local_datetime
from ..mail.outbox import DeliveryReport, deliver_due, failed_messages, requeue
from ..models.marks import OUTBOX_WORKER, record_run
from ..models.types import utc_now
from ..requests.escalation import check_breaches
from ..vocabulary import MailKind
from ..web.current import current_register, current_school
from .data import purge_expired
from .uploads import clean_uploads

log = logging.getLogger(__name__)
UPLOAD_CLEANUP_SECONDS = 3600  # files of failed submissions are removed a day later anyway
PURGE_SECONDS = 24 * 3600  # the retention rule counts in days: once a day is on time

outbox = AppGroup("outbox", help="Отправка писем из очереди (outbox).")


@outbox.command("send")
@click.option("--limit", default=1000, show_default=True, help="Не больше стольких писем за запуск.")
def send_command(limit: int) -> None:
    """Отправить письма, которым пришёл срок, и выйти (для cron или таймера systemd)."""
    report = deliver_due(current_app._get_current_object(), limit=limit)
    _mark_run(report)
    _print_report(report)
    if report.server_unreachable:
        raise SystemExit(1)


@outbox.command("work")
@click.option("--interval", type=float, default=None, help="Пауза между проверками, секунд.")
@click.option(
    "--sla-every", type=float, default=60, show_default=True,
    help="Заодно проверять сроки (как sla check) раз в столько секунд; 0 — не проверять.",
)  # fmt: skip
def work_command(interval: float | None, sla_every: float) -> None:
    """Отправлять письма постоянно, пока процесс не остановят (Ctrl-C, SIGTERM)."""
    app = current_app._get_current_object()
    pause = interval if interval is not None else app.config["OUTBOX_POLL_SECONDS"]
    next_sla_check = next_upload_cleanup = next_purge = time.monotonic()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Отправка писем запущена: сервер {app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}, "
               f"проверка каждые {pause:g} с. Остановить: Ctrl-C.")  # fmt: skip
    while not stop.is_set():
        if sla_every and time.monotonic() >= next_sla_check:
            next_sla_check = time.monotonic() + sla_every
            _check_deadlines()
        if time.monotonic() >= next_upload_cleanup:
            next_upload_cleanup = time.monotonic() + UPLOAD_CLEANUP_SECONDS
            _clean_uploads()
        if time.monotonic() >= next_purge:
            next_purge = time.monotonic() + PURGE_SECONDS
            _purge()
        try:
            report = deliver_due(app)
        except Exception as exc:  # the database restarting, say: keep the worker alive
            log.exception("outbox delivery round failed")
            click.echo(f"Ошибка при отправке, повтор через {pause:g} с: {exc}", err=True)
        else:
            _mark_run(report)
            if report.sent or report.errors:
                _print_report(report)
        stop.wait(pause)
    click.echo("Отправка писем остановлена.")


@outbox.command("failed")
def failed_command() -> None:
    """Показать письма, которые так и не удалось отправить."""
    messages = failed_messages()
    if not messages:
        click.echo("Неотправленных писем нет.")
        return
    profile = current_school()
    click.echo(f"Не удалось отправить писем: {len(messages)}")
    for m in messages:
        click.echo(f"#{m.id}  {local_datetime(profile, m.created_at)}  {MailKind.label_of(m.kind)}  → {m.recipient}  "
                   f"попыток: {m.attempts}")  # fmt: skip
        click.echo(f"     {m.subject or unwritten_subject(m)}")
        click.echo(f"     ошибка: {m.last_error}")
    click.echo("Повторить отправку: flask --app wsgi outbox retry ID … или outbox retry --all")


def unwritten_subject(message) -> str:
    """A message of a new request whose words could not be written has no subject yet."""
    if message.request is not None:
        return f"(письмо не составлено; обращение № {message.request.number})"
    return "(письмо не составлено)"


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Все неотправленные письма.")
def retry_command(ids: tuple[int, ...], everything: bool) -> None:
    """Вернуть неотправленные письма в очередь с новым набором попыток."""
    if not ids and not everything:
        raise click.UsageError("Укажите номера писем (из outbox failed) или --all.")
    count = requeue(None if everything else list(ids))
    db.session.commit()
    click.echo(f"Возвращено в очередь писем: {count}")


def _mark_run(report: DeliveryReport) -> None:
    """For /app/health and doctor: this worker ran now (counts only); never stops the mail."""
    summary = f"sent={report.sent} retried={report.retried} failed={report.failed}"
    try:
        record_run(db.session, OUTBOX_WORKER, ok=not report.server_unreachable, summary=summary)
    except Exception:  # the database going away between delivery and the mark
        db.session.rollback()
        log.exception("recording the worker's run failed")


def _clean_uploads() -> None:
    try:
        clean_uploads()
    except Exception:  # a full or unreadable folder must not stop the mail
        db.session.rollback()
        log.exception("uploads cleanup failed")


def _purge() -> None:
    """The retention rule, once a day; a failure here must not stop the delivery of mail."""
    try:
        result = purge_expired()
    except Exception:
        db.session.rollback()
        log.exception("retention purge failed")
    else:
        if result.numbers:
            click.echo(f"Срок хранения истёк, обезличено обращений: {len(result.numbers)}.")


def _check_deadlines() -> None:
    """Queue deadline alerts; a failure here must not stop the delivery of mail."""
    try:
        breaches = check_breaches(current_register(), utc_now())
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("deadline check failed")
    else:
        if breaches:
            profile = current_school()
            readers = ", ".join(m.name for m in profile.staff_with_role(profile.control_role_id))
            click.echo(f"Новых нарушений сроков: {len(breaches)}, письма для {readers} поставлены в очередь.")


def _print_report(report: DeliveryReport) -> None:
    click.echo(f"Отправлено: {report.sent}; отложено до следующей попытки: {report.retried}; "
               f"не отправлено окончательно: {report.failed}")  # fmt: skip
    for error in report.errors[:10]:
        click.echo(f"  ошибка: {error}", err=True)
