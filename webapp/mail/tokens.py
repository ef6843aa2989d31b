"""The secret in the reply address of every letter we send: `support+r<id>-<mac>@school`.

Anyone can write a From header; only the people a letter went to know its reply address. The
token names the outbox row it was sent in and carries an HMAC of that row's Message-ID under the
application's secret, so a reply that comes back to the token proves it answers that very letter
(and the row says to whom it went and about which request). Mail.ru, Yandex, Gmail and most
servers deliver `name+anything@domain` to `name@domain` (sub-addressing).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from ..extensions import db
from ..models import OutboxMessage

_TOKEN = re.compile(r"\+r(\d{1,12})-([0-9a-f]{20})@", re.I)


def reply_token(secret: str, row_id: int, message_id: str) -> str:
    mac = hmac.new(secret.encode(), f"reply-to:{row_id}:{message_id}".encode(), hashlib.sha256)
    return f"r{row_id}-{mac.hexdigest()[:20]}"


def tokened_address(address: str, token: str) -> str:
    local, domain = address.rsplit("@", 1)
    return f"{local}+{token}@{domain}"


def letters_replied_to(secret: str, addresses: list[str]) -> list[OutboxMessage]:
    """The letters we sent whose valid reply token is in one of `addresses` (To, Delivered-To …)."""
    found: dict[int, OutboxMessage] = {}
    for address in addresses:
        for row_id, mac in _TOKEN.findall(address):
            row = db.session.get(OutboxMessage, int(row_id))
            if row is None or row.id in found:
                continue
            expected = reply_token(secret, row.id, row.message_id)
            if hmac.compare_digest(expected, f"r{row_id}-{mac.lower()}"):
                found[row.id] = row
    return list(found.values())


def untokened(address: str) -> str:
    """The mailbox behind a reply address: `support+r12-…@school` → `support@school`."""
    return _TOKEN.sub("@", str(address))
