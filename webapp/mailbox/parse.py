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


def _single_sender(message: EmailMessage) -> str | None:
    addresses = [a for _name, a in getaddresses([header_text(message, "From")]) if a]
    if len(addresses) != 1 or addresses[0].count("@") != 1:
        return None
    return addresses[0].strip().lower()


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


def is_automatic(message: EmailMessage) -> bool:
    """Out-of-office replies, bounces and list mail: never an answer to forward."""
    auto = header_text(message, "Auto-Submitted").strip().lower()
    precedence = header_text(message, "Precedence").strip().lower()
    return (
        (auto not in ("", "no"))
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        or message.get_content_type() == "multipart/report"
    )


def fails_authentication(message: EmailMessage) -> bool:
    """The receiving server found the From domain forged (DMARC failed)."""
    results = message.get_all("Authentication-Results") or []
    return any(re.search(r"\bdmarc=fail\b", str(r), re.I) for r in results)
