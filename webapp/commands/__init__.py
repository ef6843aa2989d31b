"""Command-line groups: `flask --app wsgi outbox|staff|sla|mailbox|uploads|data|report|incident ...`.

They sit above every area: a command takes the running app's profile and register and hands
them to the rules, and one command may compose several areas (`outbox work` also runs the
deadline check).
"""

from flask import Flask

from .data import data
from .doctor import doctor
from .incident import incident
from .mailbox import mailbox
from .outbox import outbox
from .report import report
from .sla import sla
from .staff import staff
from .uploads import uploads


def register(app: Flask) -> None:
    for group in (outbox, staff, sla, mailbox, uploads, data, report, doctor, incident):
        app.cli.add_command(group)
