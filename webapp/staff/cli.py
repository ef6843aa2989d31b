"""`flask --app wsgi staff ...`: Staff accounts."""

import click
from flask.cli import AppGroup

staff = AppGroup("staff", help="Staff accounts.")
