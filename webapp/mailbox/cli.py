"""`flask --app wsgi mailbox ...`: Answers fetched from the support mailbox."""

import click
from flask.cli import AppGroup

mailbox = AppGroup("mailbox", help="Answers fetched from the support mailbox.")
