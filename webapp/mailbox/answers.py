"""Turning one letter from the support mailbox into an answer to the author, or refusing it.

A letter is accepted only when it is a specialist's own reply to a request: not automatic, its
sender a staff member of the profile (with no disabled account) who may answer that request
(webapp/requests/access.py via the lifecycle), the request found by the number in the subject
(`[№ 2026-00042]`) and/or by In-Reply-To/References pointing at a message the service sent, the
two agreeing, and a text part with something left once the quote is cut. Then the lifecycle's
`answer_by_email` records it and queues it to the author from the service's address, in one
transaction with a `MailboxReceipt` that makes sure the letter is used once.

Everything else is left alone in the mailbox; `Outcome.reason` says why, in Russian.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import MailboxReceipt, OutboxMessage, StaffAccount, SupportRequest
from ..models.insert import insert_once
from ..models.types import utc_now
from ..requests import lifecycle
from ..school import current_school
from ..school.model import StaffMember
from . import parse

# The letters a specialist answers by replying: the new request, a request handed to them.
ANSWERABLE = ("request_routed", "request_assigned")
NUMBER = re.compile(r"(?:№|N[o°º]?\.?|#)\s*(\d{4}-\d{5,})\b", re.I)


@dataclass(frozen=True)
class Outcome:
    status: str  # "answered" now, "already" answered before, or "left" in the mailbox
    reason: str
    sender: str
    subject: str
    number: str | None = None

    @property
    def done(self) -> bool:
        """Acted on, now or before: mark it on the server."""
        return self.status != "left"


class Refused(Exception):
    """The letter is left in the mailbox; the message says why."""


class AlreadyDone(Exception):
    """The letter was acted on before (its receipt is in the database)."""


def handle(raw: bytes, *, now: dt.datetime | None = None) -> Outcome:
    """Act on one letter; commits when it was an answer, rolls back otherwise."""
    reply = parse.read(raw)
    sender, subject = reply.sender or parse.header_text(reply.message, "From"), reply.subject
    number = None
    try:
        if _already_received(reply.key):
            raise AlreadyDone
        member = _staff_sender(reply)
        req = _request_of(reply)
        number = req.number
        text = _answer_text(reply)
        receipt = {"message_key": reply.key, "request_id": req.id, "staff_id": member.id}
        if not insert_once(MailboxReceipt, ["message_key"], **receipt):
            raise AlreadyDone  # another fetch running at the same time took it
        _answer(req, member, reply, text, now or utc_now())
    except AlreadyDone:
        db.session.rollback()
        return Outcome("already", "уже обработано раньше", sender, subject, number)
    except Refused as exc:
        db.session.rollback()
        return Outcome("left", str(exc), sender, subject, number)
    db.session.commit()
    reason = f"ответ {member.name} переслан автору от имени службы"
    return Outcome("answered", reason, sender, subject, number)


def _already_received(key: str) -> bool:
    query = sa.select(MailboxReceipt.id).where(MailboxReceipt.message_key == key)
    return db.session.scalar(query) is not None


def _staff_sender(reply: parse.Reply) -> StaffMember:
    if parse.is_automatic(reply.message):
        raise Refused("автоматическое письмо (автоответ, уведомление о доставке или рассылка)")
    if parse.fails_authentication(reply.message):
        raise Refused("почтовый сервер не подтвердил подлинность отправителя (DMARC)")
    if reply.sender is None:
        raise Refused("в поле «От» не один адрес")
    member = next((s for s in current_school().staff if s.email.lower() == reply.sender), None)
    if member is None:
        raise Refused(
            "отправитель не сотрудник службы по профилю школы — если это новое обращение, "
            "зарегистрируйте его в рабочем месте"
        )
    account = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id=member.id))
    if account is not None and not account.active:
        raise Refused(f"учётная запись сотрудника {member.name} отключена")
    return member


def _request_of(reply: parse.Reply) -> SupportRequest:
    by_subject = NUMBER.search(reply.subject)
    by_thread = _request_in_thread(reply.references)
    if by_subject is None and by_thread is None:
        raise Refused("в теме нет номера обращения, и письмо не ответ на письмо службы")
    if by_subject is None:
        return by_thread
    number = by_subject.group(1)
    req = db.session.scalar(sa.select(SupportRequest).filter_by(number=number))
    if req is None:
        raise Refused(f"обращения № {number} нет в реестре")
    if by_thread is not None and by_thread.id != req.id:
        raise Refused(
            f"номер в теме (№ {number}) не совпадает с обращением письма, на которое "
            f"ответили (№ {by_thread.number})"
        )
    return req


def _request_in_thread(references: tuple[str, ...]) -> SupportRequest | None:
    """The request of the service's letters this one replies to, if it replies to any.

    Only a reply to a letter that hands a request to a specialist is an answer: a reply to a
    deadline alert or an extension request is talk between staff, never for the author.
    """
    if not references:
        return None
    query = sa.select(OutboxMessage).where(OutboxMessage.message_id.in_(references))
    sent = {m.message_id: m for m in db.session.scalars(query)}
    if not sent:
        return None
    if len({m.request_id for m in sent.values()}) > 1:
        raise Refused("письмо отвечает на письма о разных обращениях")
    parent = sent[next(ref for ref in references if ref in sent)]  # In-Reply-To comes first
    if parent.kind not in ANSWERABLE:
        raise Refused(f"это ответ на служебное письмо «{parent.subject}», а не на обращение")
    return db.session.get(SupportRequest, parent.request_id)


def _answer_text(reply: parse.Reply) -> str:
    body = parse.body_of(reply.message)
    if body.text is None:
        raise Refused("в письме нет текста")
    if body.has_attachments:
        raise Refused(
            "к письму приложены файлы — их нельзя переслать автору: ответьте в рабочем месте"
        )
    if not body.text.strip():
        raise Refused("после удаления цитаты и подписи в письме не осталось текста")
    return body.text


def _answer(
    req: SupportRequest, member: StaffMember, reply: parse.Reply, text: str, now: dt.datetime
) -> None:
    try:
        lifecycle.answer_by_email(req, member.id, text, now=now)
    except lifecycle.LifecycleError as exc:
        raise Refused(f"{member.name}: {exc}") from None
    note = f"Ответ пришёл письмом с адреса {reply.sender} в почтовый ящик службы."
    lifecycle.record(req, member.id, "note", note, public=False, now=now)
