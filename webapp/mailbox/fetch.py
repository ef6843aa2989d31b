"""`mailbox fetch`: read the support mailbox over IMAP and act on the specialists' replies.

The connection is TLS with the server's certificate verified, either from the start
(IMAP_USE_SSL, port 993: mail.ru, Yandex) or upgraded with STARTTLS (port 143); a plain-text
session is never used. Letters are read with BODY.PEEK, so the ones left alone stay unread.

A letter that was acted on is marked `\\Seen` and with the keyword `HelpdeskProcessed`, and moved
to IMAP_PROCESSED_FOLDER when one is set; the search skips the keyword, and the database receipt
(webapp/mailbox/answers.py) protects against a server that keeps no keywords. Everything else —
no number, an unknown sender, too large, not text — stays where it is and is reported.

A letter that must not be parsed (headers too large or with too many encoded words: the `email`
parser's cost grows with their square), one whose parsing failed, and the letters of a sender
that writes more than MAILBOX_LOOP_LIMIT letters an hour (two robots answering each other) are
set aside: reported once and marked `HelpdeskSetAside`, so no later run parses them again.
"""

from __future__ import annotations

import base64
import datetime as dt
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..extensions import db
from ..mail.privacy import without_addresses
from ..mail.transport import tls_context
from ..requests.context import Register
from ..vocabulary import LetterOutcome
from .answers import Outcome, Trust, handle
from .parse import read, screen

log = logging.getLogger(__name__)

KEYWORD = "HelpdeskProcessed"
SET_ASIDE_KEYWORD = "HelpdeskSetAside"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class MailboxError(Exception):
    """The mailbox cannot be read; `str()` is a Russian message for the person running it."""


@dataclass
class FetchReport:
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)  # (uid, outcome)

    def with_status(self, status: LetterOutcome) -> list[tuple[str, Outcome]]:
        return [(uid, o) for uid, o in self.outcomes if o.status == status]


def fetch_answers(reg: Register, config: Mapping, now: dt.datetime | None = None) -> FetchReport:
    """Act on every new letter in the support mailbox; MailboxError if it cannot be read.
    `config` holds the IMAP_* and MAILBOX_* settings (README, «Настройки»)."""
    report = FetchReport()
    trust = Trust(secret=config["SECRET_KEY"], authserv_id=config["MAILBOX_TRUSTED_AUTHSERV_ID"])
    try:
        with connect(config) as imap:
            uids = _candidates(imap, config, now)
            looping = _looping(imap, uids, config["MAILBOX_LOOP_LIMIT"], now)
            for uid in uids:
                outcome = looping.get(uid) or _process_safely(reg, imap, uid, config, trust)
                report.outcomes.append((uid, outcome))
                if outcome.done:
                    _mark_processed(imap, uid, config)
                elif outcome.status == LetterOutcome.SET_ASIDE:
                    imap.uid("STORE", uid, "+FLAGS.SILENT", f"({SET_ASIDE_KEYWORD})")
                _log(uid, outcome)
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailboxError(f"Связь с почтовым сервером прервалась: {exc}") from None
    return report


def _process_safely(reg: Register, imap: imaplib.IMAP4, uid: str, config, trust: Trust) -> Outcome:
    """One broken letter must not stop the others: it is set aside and the error logged."""
    try:
        return _process(reg, imap, uid, config, trust)
    except (OSError, imaplib.IMAP4.error, MailboxError):
        raise
    except Exception:
        db.session.rollback()
        log.exception("mailbox: letter uid %s could not be processed", uid)
        reason = "ошибка при разборе письма — подробности в журнале"
        return Outcome(LetterOutcome.SET_ASIDE, reason, "?", "?")


def _log(uid: str, outcome: Outcome) -> None:
    number = f" (request {outcome.number})" if outcome.number else ""
    level = logging.INFO if outcome.done else logging.WARNING
    log.log(level, "mailbox: letter uid %s %s%s: %s", uid, outcome.status, number,
            without_addresses(outcome.reason))


@contextmanager
def connect(config) -> Iterator[imaplib.IMAP4]:
    host, port = config["IMAP_HOST"], config["IMAP_PORT"]
    if not host or not config["IMAP_USERNAME"]:
        raise MailboxError(
            "Почтовый ящик службы не настроен: задайте IMAP_HOST, IMAP_USERNAME и IMAP_PASSWORD."
        )
    where = f"{host}:{port}"
    context = tls_context(config["IMAP_CA_FILE"])  # system CAs plus the school's own
    timeout = config["IMAP_TIMEOUT"]
    try:
        if config["IMAP_USE_SSL"]:
            imap = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
        else:
            imap = imaplib.IMAP4(host, port, timeout=timeout)
            imap.starttls(ssl_context=context)
    except ssl.SSLCertVerificationError as exc:
        raise MailboxError(
            f"Сертификат сервера {where} не прошёл проверку: {exc.verify_message}."
        ) from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"Не удалось подключиться к {where} по TLS: {exc}") from None
    try:
        _login_and_select(imap, config, where)
        yield imap
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _login_and_select(imap: imaplib.IMAP4, config, where: str) -> None:
    try:
        imap.login(config["IMAP_USERNAME"], config["IMAP_PASSWORD"] or "")
    except imaplib.IMAP4.error as exc:
        raise MailboxError(
            f"Сервер {where} не принял имя и пароль ящика ({_text(exc)}). Для mail.ru и Яндекса "
            "нужен пароль приложения, а в настройках ящика — разрешён доступ по IMAP."
        ) from None
    typ, data = imap.select(mailbox_name(config["IMAP_FOLDER"]))
    if typ != "OK":
        raise MailboxError(f"Папки «{config['IMAP_FOLDER']}» нет в ящике: {_text(data)}")


def _candidates(imap: imaplib.IMAP4, config, now: dt.datetime | None) -> list[str]:
    today = (now or dt.datetime.now(dt.timezone.utc)).date()
    since = today - dt.timedelta(days=config["IMAP_SINCE_DAYS"])
    since_text = f"{since.day}-{MONTHS[since.month - 1]}-{since.year}"
    typ, data = imap.uid(
        "SEARCH", "UNKEYWORD", KEYWORD, "UNKEYWORD", SET_ASIDE_KEYWORD, "SINCE", since_text
    )
    if typ != "OK":
        raise MailboxError(f"Сервер не выполнил поиск писем: {_text(data)}")
    return sorted((data[0] or b"").decode().split(), key=int)


def _process(reg: Register, imap: imaplib.IMAP4, uid: str, config, trust: Trust) -> Outcome:
    header = _fetch(imap, uid, "BODY.PEEK[HEADER]")
    limits = {"max_header_bytes": config["MAILBOX_MAX_HEADER_BYTES"],
              "max_encoded_words": config["MAILBOX_MAX_ENCODED_WORDS"]}  # fmt: skip
    refusal = screen(header, **limits)
    if refusal is not None:
        return Outcome(LetterOutcome.SET_ASIDE, refusal, _plain_sender(header) or "?", "?")
    size = _size(imap, uid)
    if size > config["MAILBOX_MAX_BYTES"]:
        reply = read(header)
        limit = config["MAILBOX_MAX_BYTES"] // 1024
        reason = f"письмо больше {limit} КБ ({size // 1024} КБ)"
        return Outcome(LetterOutcome.LEFT, reason, reply.sender or "?", reply.subject)
    raw = _fetch(imap, uid, "BODY.PEEK[]")
    refusal = screen(raw, **limits)  # the letter may have changed since its header was read
    if refusal is not None:
        return Outcome(LetterOutcome.SET_ASIDE, refusal, _plain_sender(raw) or "?", "?")
    return handle(reg, raw, trust)


_ADDRESS = re.compile(rb"[\w.+=-]{1,64}@[\w.-]{1,255}")
_FROM_LINE = re.compile(rb"^from:(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


def _plain_sender(raw: bytes) -> str | None:
    """The From address read without the `email` parser (for letters it must not parse):
    the last one in angle brackets, else the first one; lower-cased. Linear in the header."""
    found = _FROM_LINE.search(raw[: 1024 * 1024])
    if found is None:
        return None
    value = found.group(1)
    bracketed = re.findall(rb"<(" + _ADDRESS.pattern + rb")>", value)
    plain = bracketed[-1] if bracketed else (_ADDRESS.search(value) or [None])[0]
    return plain.decode("ascii", "replace").lower() if plain else None


def _looping(imap: imaplib.IMAP4, uids: list[str], limit: int, now: dt.datetime | None) -> dict[str, Outcome]:
    """The letters of senders who wrote more than `limit` letters within the last hour."""
    if not uids or not limit:
        return {}
    typ, data = imap.uid("FETCH", ",".join(uids), "(INTERNALDATE BODY.PEEK[HEADER.FIELDS (FROM)])")
    if typ != "OK":
        return {}
    hour_ago = (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(hours=1)
    by_sender: dict[str, list[str]] = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        uid = re.search(rb"UID (\d+)", item[0])
        received = imaplib.Internaldate2tuple(item[0])
        sender = _plain_sender(item[1])
        if uid is None or received is None or sender is None:
            continue
        if time.mktime(received) < hour_ago.timestamp():  # imaplib gives local time
            continue
        by_sender.setdefault(sender, []).append(uid.group(1).decode())
    looping = {}
    for sender, letters in by_sender.items():
        if len(letters) > limit:
            reason = (f"похоже на петлю автоответов: {len(letters)} писем за час от одного "
                      f"отправителя (больше {limit}) — письма отложены, не разбираются")  # fmt: skip
            looping.update({uid: Outcome(LetterOutcome.SET_ASIDE, reason, sender, "?") for uid in letters})
    return looping


def _size(imap: imaplib.IMAP4, uid: str) -> int:
    typ, data = imap.uid("FETCH", uid, "(RFC822.SIZE)")
    found = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(d for d in data if isinstance(d, bytes)))
    if typ != "OK" or found is None:
        raise MailboxError(f"Сервер не сообщил размер письма {uid}: {_text(data)}")
    return int(found.group(1))


def _fetch(imap: imaplib.IMAP4, uid: str, item: str) -> bytes:
    typ, data = imap.uid("FETCH", uid, f"({item})")
    literal = next((d[1] for d in data if isinstance(d, tuple)), None)
    if typ != "OK" or literal is None:
        raise MailboxError(f"Сервер не отдал письмо {uid}: {_text(data)}")
    return literal


def _mark_processed(imap: imaplib.IMAP4, uid: str, config) -> None:
    typ, _ = imap.uid("STORE", uid, "+FLAGS.SILENT", f"(\\Seen {KEYWORD})")
    if typ != "OK":  # a server without keywords: the database receipt still holds
        imap.uid("STORE", uid, "+FLAGS.SILENT", "(\\Seen)")
    folder = config["IMAP_PROCESSED_FOLDER"]
    if not folder:
        return
    name = mailbox_name(folder)
    imap.create(name)  # "already exists" is fine
    capabilities = _capabilities(imap)
    if "MOVE" in capabilities:
        typ, data = imap.uid("MOVE", uid, name)
    else:
        typ, data = imap.uid("COPY", uid, name)
        if typ == "OK":
            imap.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)")
            if "UIDPLUS" in capabilities:
                imap.uid("EXPUNGE", uid)
    if typ != "OK":
        log.warning("mailbox: letter uid %s not moved to %s: %s", uid, folder, _text(data))


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    """Asked again: imaplib keeps the list from before login, which lacks MOVE on many servers."""
    _typ, data = imap.capability()
    return set((data[0] or b"").decode().upper().split())


def mailbox_name(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501), quoted."""
    out, run = [], []

    def flush() -> None:
        if run:
            encoded = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    quoted = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}"'


def _text(data) -> str:
    if isinstance(data, Exception):
        data = data.args
    if isinstance(data, (list, tuple)):
        return " ".join(_text(d) for d in data if d is not None)
    return data.decode(errors="replace") if isinstance(data, bytes) else str(data)
