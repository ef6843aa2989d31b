"""Writing a header text so that every mail reader decodes it to exactly that text.

Python's own folder (3.11) splits a long Cyrillic display name inside a word, and leaves a
literal `=?…?=` in a subject to be decoded as if it were an encoded word. So a text that is not
plain short ASCII is written here in base64 encoded words (RFC 2047), spaces included, cut
between whole characters; the `email` package stores it as written (`set_raw`).

A subject is a run of short encoded words folded onto lines of at most 78 characters: readers
join adjacent encoded words with nothing between them. A display name is one encoded word,
however long (still far below the 998-octet line limit): inside a phrase, Python's parser and
some clients put a space between adjacent encoded words, RFC 2047 readers put none, and only a
name in one word reads the same everywhere.
"""

from __future__ import annotations

import base64
from email.headerregistry import Address
from email.message import EmailMessage

_BYTES_PER_WORD = 42  # 56 base64 characters: "Reply-To: =?utf-8?b?…?=" fits in 78


def needs_encoding(text: str) -> bool:
    return not text.isascii() or "=?" in text or len(text) > 60 or not text.isprintable()


def encoded_words(text: str, bytes_per_word: int = _BYTES_PER_WORD) -> list[str]:
    words, chunk = [], b""
    for ch in text:
        data = ch.encode("utf-8")
        if len(chunk) + len(data) > bytes_per_word:
            words.append(chunk)
            chunk = b""
        chunk += data
    if chunk:
        words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words]


def set_text(message: EmailMessage, name: str, text: str) -> None:
    """An unstructured header (Subject) holding exactly `text`."""
    if not needs_encoding(text):
        message[name] = text
        return
    message.set_raw(name, "\r\n ".join(encoded_words(text)))


def set_mailbox(message: EmailMessage, name: str, addr_spec: str) -> None:
    """A header with a bare address. One with Cyrillic before the @ (`Address` refuses it) is
    stored as is: it can only go with SMTPUTF8, whose headers are UTF-8 (RFC 6532)."""
    if addr_spec.isascii():
        message[name] = Address(addr_spec=addr_spec)
    else:
        message.set_raw(name, addr_spec)


def set_address(message: EmailMessage, name: str, address: Address) -> None:
    """From, To or Reply-To with one mailbox; the display name written as `set_text` writes."""
    display = address.display_name
    if not display or not needs_encoding(display):
        message[name] = address
        return
    addr_spec = address.addr_spec
    [word] = encoded_words(display, bytes_per_word=len(display.encode("utf-8")))
    message.set_raw(name, f"{word}\r\n <{addr_spec}>")
