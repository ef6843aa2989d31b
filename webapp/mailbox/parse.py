"""Reading a reply: headers and text in whatever Russian charset it came, without the quote.

Mail clients in Russia still send KOI8-R and Windows-1251 besides UTF-8, in quoted-printable or
base64, and some old ones put raw 8-bit bytes in headers. `text_of` returns the reply the person
wrote: the plain-text part (or the HTML one turned into text) with the quoted message, the
attribution line before it and the signature removed.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from .quotes import html_to_text, strip_quote

FALLBACK_CHARSETS = ("utf-8", "windows-1251", "koi8-r")
_CYR_LOWER = re.compile("[а-яё]")
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Reply:
    message: EmailMessage
    key: str  # Message-ID, or a hash of the message without one
    sender: str | None  # the single From address, lower-cased; None when not exactly one
    subject: str
    references: tuple[str, ...]  # In-Reply-To and References ids, most recent first


def read(raw: bytes) -> Reply:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = header_text(message, "Message-ID").strip()
    if not _MSGID.fullmatch(message_id) or len(message_id) > 250:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    refs = _MSGID.findall(header_text(message, "In-Reply-To"))
    refs += reversed(_MSGID.findall(header_text(message, "References")))
    return Reply(
        message=message,
        key=message_id,
        sender=_single_sender(message),
        subject=" ".join(header_text(message, "Subject").split()),
        references=tuple(dict.fromkeys(refs)),
    )


def header_text(message: EmailMessage, name: str) -> str:
    """A header as text: RFC 2047 words decoded, raw 8-bit bytes guessed as a Russian charset."""
    raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # undeclared 8-bit bytes
        return decode_bytes(raw.encode("ascii", "surrogateescape"), None).strip()
    try:
        return str(message.get(name))
    except Exception:  # a header the parser chokes on is treated as absent
        return ""


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def _single_sender(message: EmailMessage) -> str | None:
    """The one address of From, only when every reading of the header agrees on it.

    `lebedev@school <attacker@evil>` and an encoded word that decodes to an address are read
    differently by Python and by mail clients: a From with parse defects, with an address in
    its display name or comment, with more than one address or more than one From header is
    no sender at all."""
    raw = [v for k, v in message.raw_items() if k.lower() == "from"]
    if len(raw) != 1 or any("\udc80" <= ch <= "\udcff" for ch in raw[0]):
        return None
    try:
        header = message["From"]
        parsed = header.addresses
    except Exception:  # a header the parser chokes on
        return None
    if header.defects or len(parsed) != 1:
        return None
    literal = getaddresses([raw[0]])  # the undecoded header, as a plain reader sees it
    if len(literal) != 1 or literal[0][1].lower() != parsed[0].addr_spec.lower():
        return None
    names = (parsed[0].display_name, literal[0][0])
    if any("@" in name for name in names):
        return None
    address = parsed[0].addr_spec
    if not _PLAIN_ADDRESS.fullmatch(address):
        return None
    return address.lower()


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in the declared charset; if none is declared, or it lies, the likeliest one."""
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # KOI8-R and Windows-1251 swap the upper- and lower-case Cyrillic ranges: prose is mostly
    # lower case, so the charset that gives more lower-case letters is the right one.
    candidates = [data.decode(c, "replace") for c in FALLBACK_CHARSETS[1:]]
    return max(candidates, key=lambda text: len(_CYR_LOWER.findall(text)))


@dataclass(frozen=True)
class Body:
    text: str | None  # None: the message has no text part
    has_attachments: bool


def body_of(message: EmailMessage) -> Body:
    found: dict[str, str] = {}
    attachments = _collect(message, found, in_related=False)
    plain, html = found.get("text/plain"), found.get("text/html")
    if plain is not None and plain.strip():
        return Body(strip_quote(plain), attachments)
    if html is not None:
        return Body(strip_quote(html_to_text(html)), attachments)
    return Body(None, attachments)


def _collect(part: EmailMessage, found: dict[str, str], *, in_related: bool) -> bool:
    """Put the first text/plain and text/html into `found`; True if a file was attached.

    A picture inside multipart/related belongs to the HTML (a logo in a signature); any other
    non-text part, a forwarded message included, is a file the answer would lose.
    """
    ctype = part.get_content_type()
    if ctype.startswith("multipart/"):
        related = ctype == "multipart/related"
        flags = [_collect(p, found, in_related=related) for p in part.iter_parts()]
        return any(flags)
    if part.get_content_disposition() == "attachment":
        return True
    if ctype in ("text/plain", "text/html"):
        found.setdefault(ctype, _decoded(part))
        return False
    return not (in_related and part.get_content_maintype() == "image")


def _decoded(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


# What mail clients and servers put before the subject of an automatic reply (Outlook/Exchange,
# Mail.ru, Yandex, Gmail, Thunderbird, in Russian and English).
_AUTOMATIC_SUBJECT = re.compile(
    r"^\s*(автоматический ответ|автоответ|автоответчик|нет на месте|вне офиса|в отпуске|"
    r"automatic reply|auto(matic)?[- ]?reply|auto[- ]?response|autoresponse|out of (the )?office|"
    r"ooo\b|on vacation|vacation reply|away from (the )?office|"
    r"undeliver(able|ed)|delivery status notification|mail delivery (failed|system)|"
    r"returned mail|не доставлено|недоставленное|ошибка доставки|сообщение не доставлено)",
    re.I,
)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|noreply-dmarc)@", re.I)


def automatic_reason(message: EmailMessage) -> str | None:
    """Why a letter is an automatic one (RFC 3834 and what servers really send), or None.

    Such a letter is never an answer: an out-of-office reply, a bounce, a mailing."""
    auto = header_text(message, "Auto-Submitted").strip().lower()
    if auto not in ("", "no"):
        return f"автоматическое письмо (Auto-Submitted: {auto[:40]})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Auto-Response"):
        if message.get(name) is not None:
            return f"автоматическое письмо (заголовок {name})"
    precedence = header_text(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"рассылка или автоответ (Precedence: {precedence})"
    if message.get_content_type() == "multipart/report" or _has_part(message, "message/delivery-status"):
        return "уведомление о доставке (письмо не дошло или дошло с задержкой)"
    sender = header_text(message, "From").strip()
    address = (getaddresses([sender]) or [("", "")])[0][1]
    if _BOUNCE_SENDER.match(address or "") or header_text(message, "Return-Path").strip() == "<>":
        return "уведомление почтового сервера (отправитель — служебный адрес сервера)"
    subject = " ".join(header_text(message, "Subject").split())
    if _AUTOMATIC_SUBJECT.match(subject):
        return "автоответ (тема начинается как у автоматического ответа)"
    if message.get("X-Auto-Response-Suppress") is not None and subject.lower().startswith(
        ("re:", "ответ:", "на:")
    ):
        return "автоответ Exchange (X-Auto-Response-Suppress в ответе)"
    return None


def is_automatic(message: EmailMessage) -> bool:
    return automatic_reason(message) is not None


def _has_part(message: EmailMessage, content_type: str) -> bool:
    return any(part.get_content_type() == content_type for part in message.walk())


def trusted_dmarc_pass(message: EmailMessage, authserv_id: str | None, sender: str) -> bool:
    """The school's own receiving server (`authserv_id`, from the settings) found the letter's
    From domain authentic: DMARC passed, aligned with that domain.

    Only the topmost Authentication-Results header counts, and only with the trusted
    authserv-id: the receiving server adds it above everything the sender wrote and removes
    forged ones with its own id (RFC 8601 §5). Without the setting no header is believed."""
    if not authserv_id:
        return False
    results = [v for k, v in message.raw_items() if k.lower() == "authentication-results"]
    if not results:
        return False
    top = " ".join(str(results[0]).split())
    server, _, rest = top.partition(";")
    if server.split()[:1] != [authserv_id]:
        return False
    domain = sender.rpartition("@")[2].lower()
    for clause in rest.split(";"):
        found = re.match(r"\s*dmarc\s*=\s*pass\b(.*)", clause, re.I)
        if found and re.search(r"header\.from\s*=\s*" + re.escape(domain) + r"(\s|$)", found.group(1), re.I):
            return True
    return False


def delivery_addresses(message: EmailMessage) -> list[str]:
    """Where the letter was sent: the reply address with its token shows in one of these."""
    names = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Delivered-To")
    return [str(v) for k, v in message.raw_items() if k.lower() in {n.lower() for n in names}]


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def screen(raw: bytes, *, max_header_bytes: int, max_encoded_words: int) -> str | None:
    """Why a letter must not be parsed at all, judged on its bytes; None when it may be.

    The `email` package's header parser slows down with the square of a header's encoded words
    (a 664 KB From of 40,000 words takes gigabytes), so size and count are checked first."""
    end = _HEADER_END.search(raw)
    head = raw if end is None else raw[: end.start()]
    if len(head) > max_header_bytes:
        return f"заголовки письма больше {max_header_bytes // 1024} КБ — письмо не разбирается"
    words = head.count(b"=?")
    if words > max_encoded_words:
        return f"в заголовках {words} закодированных фрагментов (больше {max_encoded_words}) — письмо не разбирается"
    return None
