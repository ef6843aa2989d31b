"""`flask --app wsgi outbox ...`: Delivery of queued e-mail."""

import click
from flask.cli import AppGroup

outbox = AppGroup("outbox", help="Delivery of queued e-mail.")
