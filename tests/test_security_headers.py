"""Headers on every page of the app: what a page may load, no sniffing, HSTS in production, and
no copy of personal data in any cache."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from tests.support.staff import PASSWORD, ensure_account, login
from tests.support.submissions import form_data, png_bytes
from webapp.extensions import db
from webapp.models import Attachment, SupportRequest

POLICY_MUST = (
    "default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'",
    "script-src 'self'",
)  # fmt: skip


def pages(app) -> tuple[dict[str, object], set[str]]:
    """Every GET page of the app as the people who see it, and which of them are private."""
    author, head = app.test_client(), app.test_client()
    sent = author.post(
        "/app/form", data={**form_data(), "attachments": [(io.BytesIO(png_bytes()), "s.png")]}
    )
    done = sent.location
    with app.app_context():
        req = db.session.scalar(sa.select(SupportRequest))
        file_id = db.session.scalar(sa.select(Attachment.id))
        token, request_id = req.status_token, req.id
    stranger = app.test_client()
    ensure_account(app, "lebedev")
    login(head, "orlova")
    desk = f"/app/desk/r/{request_id}"
    public = {
        "/app/form": stranger, "/app/form?embed=1": stranger, done: author,
        f"/app/status/{token}": author, "/app/staff/login": stranger, "/app/nothing-here": stranger,
        "/app/static/app.css": stranger, "/app/desk/": stranger,
    }  # fmt: skip
    private = {
        "/app/desk/": head, "/app/desk/?status=all": head, desk: head,
        f"{desk}/files/{file_id}": head, "/app/desk/hotline": head, "/app/desk/staff/": head,
        "/app/desk/staff/lebedev/password": head, "/app/staff/password": head,
        "/app/staff/logout": head,
    }  # fmt: skip
    return {**public, **{f"{p}#private": c for p, c in private.items()}}, {
        done, f"/app/status/{token}", *private
    }


def test_every_app_page_says_what_it_may_load_and_is_not_sniffed(app):
    found, private = pages(app)
    for key, client in found.items():
        path = key.split("#")[0]
        response = client.get(path)
        response.close()  # file responses hold their file open
        assert response.status_code < 500, path
        policy = response.headers.get("Content-Security-Policy", "")
        for directive in POLICY_MUST:
            assert directive in policy, (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        if path in private:
            assert response.headers["Cache-Control"] == "no-store", path
        assert "Strict-Transport-Security" not in response.headers  # not over plain http in tests


def test_pages_have_no_inline_script_or_style_the_policy_would_block(app):
    found, _ = pages(app)
    for key, client in found.items():
        path = key.split("#")[0]
        response = client.get(path)
        response.close()
        if not response.mimetype == "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path


def test_a_form_sent_back_with_what_was_typed_is_not_cached(client):
    response = client.post("/app/form", data=form_data(description=""))
    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "no-store"


def test_production_pages_demand_https_from_now_on(make_app):
    app = make_app(TESTING=False, APP_ENV="production", PUBLIC_BASE_URL="https://help.school.example")
    client = app.test_client()
    ensure_account(app, "lebedev")
    for path in ("/app/form", "/app/staff/login"):
        hsts = client.get(path).headers.get("Strict-Transport-Security", "")
        assert re.fullmatch(r"max-age=\d{8,}(; includeSubDomains)?", hsts), hsts
    signed_in = client.post("/app/staff/login", data={"login": "lebedev", "password": PASSWORD})
    assert "Strict-Transport-Security" in signed_in.headers
