"""Turning one letter from the support mailbox into an answer to the author, or refusing it.

A letter acts on a request only when it is proven to come from that request's people:

- a specialist's answer: the letter came back to the reply address of a letter we sent that
  specialist about that request (its secret token, webapp/mail/tokens.py), or the school's own
  receiving server vouches for the From domain (an aligned DMARC pass under the authserv-id of
  MAILBOX_TRUSTED_AUTHSERV_ID). A From header alone proves nothing: anyone can write one. The
  specialist must be staff of the profile, with no disabled account, allowed to answer it;
- the author's letter: from the author's own address, in reply to a letter we sent the author
  about that request (its token or its Message-ID in In-Reply-To/References).

Not automatic, a From that reads as exactly one address, a text left once the quote, the
signature and the mail client's advertising are cut, and nothing of our internal letter in it.
A specialist's answer is recorded and queued to the author from the service's address
(`lifecycle.answer_by_email`); the author's letter goes to the history and the specialist is
told (`lifecycle.author_letter`). Either is one transaction with a `MailboxReceipt` that makes
sure the letter is used once.

Everything else is left alone in the mailbox; `Outcome.reason` says why, in Russian.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..mail.tokens import letters_replied_to
from ..models import MailboxReceipt, OutboxMessage, StaffAccount, SupportRequest
from ..models.insert import insert_once
from ..models.types import utc_now
from ..requests import lifecycle
from ..requests.context import Register
from ..retention.anonymise import letter_fingerprint
from ..school.model import StaffMember
from ..vocabulary import Actor, Event, LetterOutcome, MailKind
from . import parse

# The letters a specialist answers by replying: the new request, a request handed to them,
# the author's letter passed on to them.
ANSWERABLE = (MailKind.REQUEST_ROUTED, MailKind.REQUEST_ASSIGNED, MailKind.AUTHOR_REPLIED)
# "2026-00042" alone, or after №, N, No, #: enough to find the request.
NUMBER = re.compile(r"(?:(?:№|\bN[o°º]?\.?|#)\s*)?(?<![\w-])(\d{4}-\d{5,})(?![\w-])", re.I)


@dataclass(frozen=True)
class Trust:
    """What may prove who wrote a letter: the key of the reply tokens (SECRET_KEY) and the
    authserv-id of the school's receiving server whose DMARC verdict is believed (or None)."""

    secret: str
    authserv_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: LetterOutcome
    reason: str
    sender: str
    subject: str
    number: str | None = None

    @property
    def done(self) -> bool:
        """Acted on, now or before: mark it on the server."""
        return self.status in (LetterOutcome.ANSWERED, LetterOutcome.AUTHOR_LETTER, LetterOutcome.ALREADY)


class Refused(Exception):
    """The letter is left in the mailbox; the message says why."""


class AlreadyDone(Exception):
    """The letter was acted on before (its receipt is in the database)."""


def handle(reg: Register, raw: bytes, trust: Trust, *, now: dt.datetime | None = None) -> Outcome:
    """Act on one letter; commits when it was acted on, rolls back otherwise."""
    reply = parse.read(raw)
    shown = reply.sender or parse.header_text(reply.message, "From")[:200]
    subject, now = reply.subject[:300], now or utc_now()
    number = None
    try:
        if _already_received(reply.key):
            raise AlreadyDone
        reason = parse.automatic_reason(reply.message)
        if reason:
            raise Refused(reason)
        if reply.sender is None:
            raise Refused("в поле «От» не один однозначно записанный адрес (так подделывают отправителя)")
        replied = letters_replied_to(trust.secret, parse.delivery_addresses(reply.message))
        member = next((s for s in reg.profile.staff if s.email.lower() == reply.sender), None)
        if member is None:
            req = _authors_request(reply, replied)
            number = req.number
            text = _letter_text(reply)
            _take_receipt(reply, req, Actor.AUTHOR)
            lifecycle.author_letter(reg, req, text, now=now)
            outcome = Outcome(LetterOutcome.AUTHOR_LETTER, "письмо автора добавлено к обращению, "
                              "специалисту сообщено", shown, subject, number)  # fmt: skip
        else:
            _check_account(member)
            req = _staffs_request(reply, member, replied, trust)
            number = req.number
            text = _letter_text(reply)
            _check_nothing_internal(reg, req, text)
            _take_receipt(reply, req, member.id)
            _answer(reg, req, member, reply, text, now)
            reason = f"ответ {member.name} переслан автору от имени службы"
            outcome = Outcome(LetterOutcome.ANSWERED, reason, shown, subject, number)
    except AlreadyDone:
        db.session.rollback()
        return Outcome(LetterOutcome.ALREADY, "уже обработано раньше", shown, subject, number)
    except Refused as exc:
        db.session.rollback()
        return Outcome(LetterOutcome.LEFT, str(exc), shown, subject, number)
    db.session.commit()
    return outcome


def _already_received(key: str) -> bool:
    # A request whose data was removed keeps its letters' keys only as fingerprints.
    query = sa.select(MailboxReceipt.id).where(MailboxReceipt.message_key.in_([key, letter_fingerprint(key)]))
    return db.session.scalar(query) is not None


def _take_receipt(reply: parse.Reply, req: SupportRequest, who: str) -> None:
    receipt = {"message_key": reply.key, "request_id": req.id, "staff_id": who}
    if not insert_once(MailboxReceipt, ["message_key"], **receipt):
        raise AlreadyDone  # another fetch running at the same time took it


def _check_account(member: StaffMember) -> None:
    account = db.session.scalar(sa.select(StaffAccount).filter_by(staff_id=member.id))
    if account is not None and not account.active:
        raise Refused(f"учётная запись сотрудника {member.name} отключена")


def _staffs_request(
    reply: parse.Reply, member: StaffMember, replied: list[OutboxMessage], trust: Trust
) -> SupportRequest:
    """The request a specialist answers, once it is proven the letter is theirs."""
    own = [row for row in replied if row.recipient.lower() == member.email.lower() and row.request_id]
    if own:
        if len({row.request_id for row in own}) > 1:
            raise Refused("письмо отвечает на письма о разных обращениях")
        parent = own[0]
        if parent.kind not in ANSWERABLE:
            raise Refused(f"это ответ на служебное письмо «{parent.subject}», а не на обращение")
        req = db.session.get(SupportRequest, parent.request_id)
        _check_subject_agrees(reply, req)
        return req
    if parse.trusted_dmarc_pass(reply.message, trust.authserv_id, reply.sender):
        return _request_of(reply)
    if replied:
        raise Refused("письмо пришло на адрес для ответа из письма другому получателю")
    raise Refused(
        "не доказано, что письмо написал сотрудник: оно пришло не на адрес для ответа из письма "
        "службы этому сотруднику, и почтовый сервер школы не подтвердил отправителя (адрес в поле "
        "«От» может написать кто угодно)"
    )


def _check_subject_agrees(reply: parse.Reply, req: SupportRequest) -> None:
    found = NUMBER.search(reply.subject)
    if found is not None and found.group(1) != req.number:
        raise Refused(
            f"номер в теме (№ {found.group(1)}) не совпадает с обращением письма, на которое "
            f"ответили (№ {req.number})"
        )


def _request_of(reply: parse.Reply) -> SupportRequest:
    """By the number in the subject and/or the service's letter it replies to (they must agree)."""
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
        _check_subject_agrees(reply, by_thread)
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


def _authors_request(reply: parse.Reply, replied: list[OutboxMessage]) -> SupportRequest:
    """The request whose author writes back: from their own address, to one of our letters."""
    by_token = [row for row in replied if row.recipient.lower() == reply.sender and row.request_id]
    rows = by_token
    if not rows and reply.references:
        query = sa.select(OutboxMessage).where(OutboxMessage.message_id.in_(reply.references))
        rows = [row for row in db.session.scalars(query) if row.recipient.lower() == reply.sender]
    rows = [row for row in rows if row.request_id and _to_author(row)]
    req = db.session.get(SupportRequest, rows[0].request_id) if rows else None
    if req is None or (req.contact_email or "").lower() != reply.sender:
        raise Refused(
            "отправитель не сотрудник службы по профилю школы и не автор обращения, отвечающий "
            "на письмо службы — если это новое обращение, зарегистрируйте его в рабочем месте"
        )
    return req


def _to_author(row: OutboxMessage) -> bool:
    try:
        return MailKind(row.kind).reader == "author"
    except ValueError:
        return False


def _letter_text(reply: parse.Reply) -> str:
    body = parse.body_of(reply.message)
    if body.text is None:
        raise Refused("в письме нет текста")
    if body.has_attachments:
        raise Refused(
            "к письму приложены файлы — их нельзя переслать автору: ответьте в рабочем месте"
        )
    if not body.text.strip():
        raise Refused("после удаления цитаты, подписи и пересланного письма в письме не осталось текста")
    return body.text


def _check_nothing_internal(reg: Register, req: SupportRequest, text: str) -> None:
    """A forwarded or pasted copy of our letter to staff (deadlines, desk links) never goes to
    the author: when the answer holds any of it, it is left for the specialist to answer on the
    desk, where they see exactly what the author gets. Lines the author may read anyway (the
    description, the school's names, whatever our letters to the author say) do not count."""
    letters = sa.select(OutboxMessage.kind, OutboxMessage.body_text).where(OutboxMessage.request_id == req.id)
    internal, public = set(), set()
    for kind, body in db.session.execute(letters):
        lines = {line.strip() for line in (body or "").splitlines() if len(line.strip()) >= 25}
        (internal if kind in _STAFF_KINDS else public).update(lines)
    profile = reg.profile
    known = f"{req.description or ''}\n{profile.support.name}\n{profile.school.short_name}"
    marks = {line for line in internal - public if line not in known}
    marks |= {reg.links.desk(), reg.links.desk_request(req)}
    if any(mark in text for mark in marks):
        raise Refused(
            "в ответе есть текст служебного письма (его переслали или скопировали), автору он не "
            "отправлен — ответьте автору в рабочем месте"
        )


_STAFF_KINDS = [kind.value for kind in MailKind if kind.reader == "staff"]


def _answer(
    reg: Register, req: SupportRequest, member: StaffMember, reply: parse.Reply, text: str,
    now: dt.datetime,
) -> None:
    try:
        lifecycle.answer_by_email(reg, req, member.id, text, now=now)
    except lifecycle.LifecycleError as exc:
        raise Refused(f"{member.name}: {exc}") from None
    note = f"Ответ пришёл письмом с адреса {reply.sender} в почтовый ящик службы."
    lifecycle.record(req, member.id, Event.NOTE, note, public=False, now=now)
