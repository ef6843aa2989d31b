"""Command-line groups: `flask --app wsgi outbox|staff|sla|mailbox ...`."""

from flask import Flask


def register(app: Flask) -> None:
    from .deadlines.cli import sla
    from .mail.cli import outbox
    from .mailbox.cli import mailbox
    from .staff.cli import staff

    for group in (outbox, staff, sla, mailbox):
        app.cli.add_command(group)
