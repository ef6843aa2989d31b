"""Checks every request passes before any view: what no browser sends is refused early."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_wtf.csrf import CSRFError
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


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_foreign_origin():
    """A form sent from another site's page is refused, whatever token it carries.

    Browsers send `Origin` with every POST; `null` (a privacy-restricted or sandboxed context)
    and no header at all say nothing, and then the CSRF token alone decides, as it does when
    no Referer comes (WTF_CSRF_SSL_STRICT is off). Ours is the address the request came to and
    PUBLIC_BASE_URL (a proxy may pass the host without its port). Raises CSRFError, which each
    area shows as its own «page is out of date» message.
    """
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return
    ours = {_origin(request.host_url), _origin(current_app.config["PUBLIC_BASE_URL"])}
    if _origin(origin) not in ours:
        raise CSRFError("The request came from another site.")


def _origin(url: str) -> tuple[str, str]:
    """(scheme, host[:port]) in lower case, without the scheme's default port."""
    parts = urlsplit(url.strip())
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return scheme, netloc


class RowIdConverter(IntegerConverter):
    """`<id:request_id>`: a row id the database can hold; a longer number is no page (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)  # PostgreSQL's integer
