"""What the register's rules need from the running app, handed to them as one argument.

Views and commands take it from the app (`webapp.web.current.current_register()`); the rules
themselves import no Flask, so a newcomer can see what each one needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..models import SupportRequest
from ..school import SchoolProfile


class Links(Protocol):
    """Absolute addresses that letters link to (on the school's public address)."""

    def status_page(self, req: SupportRequest) -> str: ...

    def desk(self) -> str: ...

    def desk_request(self, req: SupportRequest) -> str: ...

    def rating(self, req: SupportRequest, score: str | None = None) -> str: ...

    def reports(self, **period: str) -> str: ...


@dataclass(frozen=True)
class Register:
    profile: SchoolProfile  # the school's facts and rules (webapp/school)
    links: Links
    upload_dir: Path  # where attachments are stored; never a served folder
    # The school's mail server delivers to non-Latin mailboxes (MAIL_SMTPUTF8): the form takes them.
    smtputf8: bool = False
    # `mailbox fetch` reads the support mailbox (IMAP_HOST is set): only then may a letter ask
    # its reader to answer it by e-mail; otherwise it says what they can really do.
    replies_read: bool = False
