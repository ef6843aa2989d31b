"""Checks every request passes before any view: what no browser sends is refused early."""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter


def refuse_nul_bytes():
    """A NUL in the address is never a page (404) and never a filter (400).

    PostgreSQL refuses NUL in text, so such a value must not reach a query; forms drop it
    themselves (webapp/web/forms.py).
    """
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)


class RowIdConverter(IntegerConverter):
    """`<id:request_id>`: a row id the database can hold; a longer number is no page (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)  # PostgreSQL's integer
