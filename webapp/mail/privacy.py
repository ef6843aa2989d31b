"""Mail servers put addresses into their error texts («550 <anna@…>: Recipient address
rejected»). What goes to the log or to a worker's output is shown without them: an address of a
family is personal data (README, «Персональные данные»). The full text stays in the outbox row's
`last_error`, which only `outbox failed` shows to the person running it.
"""

from __future__ import annotations

import re

# Anything with an @ between characters that cannot end an address in an SMTP reply.
_ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")


def without_addresses(text: object) -> str:
    """`str(text)` with every e-mail address replaced by «<адрес>»."""
    return _ADDRESS.sub("<адрес>", str(text))
