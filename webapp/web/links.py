"""Addresses in letters: built from the app's routes, on the school's public address.

A letter is written by a desk page or by the outbox worker, which has no request to take a
host from; both must link to PUBLIC_BASE_URL. So the route map is bound to that address, the
way `url_for` binds it with SERVER_NAME, and every link is built from an endpoint's name:
renaming a route cannot silently break a letter (`werkzeug.routing.BuildError` instead).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from ..models import SupportRequest


class EmailLinks:
    def __init__(self, app: Flask):
        self._app = app

    def build(self, endpoint: str, **values) -> str:
        """`https://help.school.ru/app/status/…` for an endpoint and its values."""
        base = urlsplit(self._app.config["PUBLIC_BASE_URL"])
        adapter = self._app.url_map.bind(
            base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
        )
        return adapter.build(endpoint, values, force_external=True)

    def status_page(self, req: SupportRequest) -> str:
        return self.build("public.status", token=req.status_token)

    def desk(self) -> str:
        return self.build("desk.queue")

    def desk_request(self, req: SupportRequest) -> str:
        return self.build("desk.request_page", request_id=req.id)

    def rating(self, req: SupportRequest, score: str | None = None) -> str:
        """The page that asks «Помог ли ответ?»; `score` preselects a face (nothing is recorded
        until the author confirms on the page)."""
        values = {"score": score} if score else {}
        return self.build("rating.rate", token=req.status_token, **values)

    def reports(self, **period) -> str:
        return self.build("oversight.reports", **period)
