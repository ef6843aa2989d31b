"""`flask --app wsgi sla ...`: Deadline control."""

import click
from flask.cli import AppGroup

sla = AppGroup("sla", help="Deadline control.")
