"""A person's rights over their data (152-ФЗ art. 14, 21): what is kept about a phone or an
e-mail, a copy of it they can read, and its removal at once when consent is withdrawn."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..formatting import local_datetime
from ..models import HistoryEntry, SupportRequest
from ..requests.validation import InvalidInput, clean_email, clean_phone, format_phone
from ..school import SchoolProfile
from ..vocabulary import Anonymisation, AuthorRole, Event, RequestStatus
from .anonymise import anonymise


class PersonQueryError(ValueError):
    """`str()` is a Russian message: the phone or e-mail to look for cannot be read."""


def person_clause(phone: str | None, email: str | None) -> sa.ColumnElement[bool]:
    """The requests that give this phone (any spelling: +7, 8, brackets, an extension) or this
    e-mail (any case). Raises PersonQueryError when neither can be read."""
    r = SupportRequest
    conditions = []
    try:
        if phone and phone.strip():
            main = (clean_phone(phone) or "").partition(";ext=")[0]
            conditions.append(sa.or_(r.contact_phone == main, r.contact_phone.like(f"{main};ext=%")))
        if email and email.strip():
            address = clean_email(email, smtputf8=True) or ""
            conditions.append(sa.func.lower(r.contact_email) == address.lower())
    except InvalidInput as exc:
        raise PersonQueryError(str(exc)) from None
    if not conditions:
        raise PersonQueryError("Укажите телефон или адрес электронной почты человека.")
    return sa.and_(r.anonymised_at.is_(None), sa.or_(*conditions))


def find_person(session: Session, phone: str | None, email: str | None) -> list[SupportRequest]:
    """Every request still holding the person's data, oldest first (confidential ones too:
    the person has the right to know about all of them)."""
    query = sa.select(SupportRequest).where(person_clause(phone, email))
    return list(session.scalars(query.order_by(SupportRequest.received_at, SupportRequest.id)))


def person_report(profile: SchoolProfile, requests: list[SupportRequest], now: dt.datetime) -> str:
    """A plain-text copy, in Russian, of everything the register keeps in these requests."""
    lines = [
        f"Сведения, которые хранит {profile.school.short_name} в обращениях в службу поддержки",
        f"Составлено: {local_datetime(profile, now)}. Обращений: {len(requests)}.",
        f"Оператор: {profile.privacy.operator}.",
        f"Срок хранения: {profile.privacy.retention}",
        "",
    ]
    for req in requests:
        kind = profile.request_type(req.request_type)
        lines += [
            f"Обращение № {req.number} от {local_datetime(profile, req.received_at)}",
            f"  Состояние: {RequestStatus.label_of(req.status)}",
            f"  ФИО: {req.author_name}",
            f"  Кто обратился: {AuthorRole.label_of(req.author_role)}",
            f"  Класс: {req.class_name or '—'}",
            f"  Телефон: {format_phone(req.contact_phone) or '—'}",
            f"  Электронная почта: {req.contact_email or '—'}",
            f"  Вид обращения: {kind.title if kind else req.request_type}",
            f"  Описание: {req.description}",
            f"  Согласие на обработку данных: версия {req.consent_version}, "
            f"{'устно, записано сотрудником' if req.consent_oral else 'отмечено в форме'}, "
            f"{local_datetime(profile, req.consent_at)}",
        ]
        if req.attachments:
            lines.append("  Файлы: " + ", ".join(a.original_name for a in req.attachments))
        if req.rating_comment:
            lines.append(f"  Отзыв об ответе: {req.rating_comment}")
        lines.append("  История:")
        for entry in req.history:
            text = f" — {entry.text}" if entry.text else ""
            lines.append(f"    {local_datetime(profile, entry.at)}: {Event.label_of(entry.action)}{text}")
        lines.append("")
    return "\n".join(lines)


def withdraw_consent(
    session: Session, requests: list[SupportRequest], staff_id: str, basis: str, now: dt.datetime
) -> list[str]:
    """Anonymise the requests at once, in the caller's transaction, recording who did it and on
    what basis (a document's number and date, never the person's name). Returns the attachment
    files to delete after the commit."""
    files: list[str] = []
    for req in requests:
        files += anonymise(session, req, Anonymisation.WITHDRAWAL, now)
        session.add(HistoryEntry(request_id=req.id, at=now, actor=staff_id, action=Event.ANONYMISED,
                                 text=f"{Anonymisation.WITHDRAWAL.label}: {basis}"))  # fmt: skip
    return files
