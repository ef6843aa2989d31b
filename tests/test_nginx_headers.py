"""The nginx site the README installs (deploy/nginx/helpdesk.conf), run by Debian's nginx on
loopback in front of the real app:
the site's pages get their own policy, nosniff and HSTS, no version banner, and the app's pages
keep the app's headers. In Chromium, nothing on the site is blocked by the policy."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.live import LiveServer
from tests.support.nginx import DEPLOY_CONFIG, localize, running_nginx
from tests.support.site import PAGES
from tests.support.submissions import free_port

ROOT = Path(__file__).resolve().parent.parent


def readme_server_block() -> str:
    """deploy/nginx/helpdesk.conf, the one nginx site of the README (no copy in the README)."""
    return DEPLOY_CONFIG.read_text(encoding="utf-8")


def local_config(block: str, *, port: int, site: Path, app_url: str) -> str:
    """That site on plain HTTP on loopback (its HTTPS server block only), with this run's site
    and app (tests/support/nginx.py)."""
    return localize(block, https_port=None, http_port=port, site=site, app_servers=[app_url.split("://", 1)[1]])


@pytest.fixture
def behind_nginx(app, built_site, tmp_path):
    site = built_site("demo").root
    app.config["SITE_DIR"] = str(site)
    with LiveServer(app) as live:
        port = free_port()
        block = local_config(readme_server_block(), port=port, site=site, app_url=live.url)
        with running_nginx(tmp_path / "nginx", block, port):
            yield f"http://127.0.0.1:{port}"


def fetch(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_site_pages_through_nginx_carry_the_readmes_headers(behind_nginx):
    for path in [*PAGES, "/assets/vision/vision.js", "/no-such-page/"]:
        with fetch(behind_nginx + path) as response:
            headers = response.headers
            policy = headers["Content-Security-Policy"] or ""
            for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'",
                              "frame-ancestors 'self'"):  # fmt: skip
                assert directive in policy, (path, policy)
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert headers["Strict-Transport-Security"].startswith("max-age="), path
            assert headers["Server"] == "nginx", path  # no version banner
    with fetch(behind_nginx + "/app/form") as app_page:
        assert app_page.status == 200
        assert app_page.headers.get_all("Content-Security-Policy") == [
            app_page.headers["Content-Security-Policy"]
        ]  # only the app's own, not the site's as well
        assert "script-src 'self';" in app_page.headers["Content-Security-Policy"]


@pytest.mark.browser
def test_the_site_through_nginx_runs_under_its_policy(page, behind_nginx):
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    for path in PAGES:
        page.goto(behind_nginx + path)
        assert page.is_visible(".vision-toggle"), path  # the widget started
    page.goto(behind_nginx + "/obrashchenie/")
    page.frame_locator("iframe.form-frame").locator("form").first.wait_for()
    page.goto(behind_nginx + "/poryadok/")
    page.click(".vision-toggle")
    page.get_by_role("radio", name="Тёмно-синий на голубом", exact=True).check()
    assert page.eval_on_selector("body", "el => getComputedStyle(el).backgroundColor") == "rgb(157, 209, 255)"
    assert blocked == []


# Issue 11: three big phone photos through the README's nginx come back as the filled form.

def post_multipart(url: str, files: list[tuple[str, bytes]]):
    import io

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from tests.support.submissions import form_data

    data = MultiDict(form_data(description="Фото экрана: урок не открывается."))
    for name, content in files:
        data.add("attachments", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(data)
    request = urllib.request.Request(url + "/app/form", data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        return urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as error:
        return error


def test_three_big_photos_through_nginx_bring_back_the_filled_form(behind_nginx):
    from tests.support.submissions import field_error, jpeg_bytes

    photo = jpeg_bytes() + b"\x00" * (6 * 1024 * 1024)
    with post_multipart(behind_nginx, [(f"IMG_{i}.jpg", photo) for i in range(3)]) as response:
        assert response.status == 422
        html = response.read().decode("utf-8")
    assert "больше 5 МБ" in field_error(html, "attachments")
    assert "Фото экрана: урок не открывается.</textarea>" in html


def test_a_body_beyond_nginxs_limit_gets_the_russian_page_with_a_way_back(app, built_site, tmp_path):
    site = built_site("demo").root
    app.config["SITE_DIR"] = str(site)
    with LiveServer(app) as live:
        port = free_port()
        block = local_config(readme_server_block(), port=port, site=site, app_url=live.url)
        assert "client_max_body_size 48m;" in block and "error_page 413 /app/form/too-large;" in block
        block = block.replace("client_max_body_size 48m;", "client_max_body_size 1m;")  # a small body will do
        with running_nginx(tmp_path / "nginx", block, port):
            url = f"http://127.0.0.1:{port}"
            with post_multipart(url, [("big.jpg", b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024))]) as response:
                assert response.status == 413
                html = response.read().decode("utf-8")
    assert "файлы слишком большие" in html and "кнопкой «Назад»" in html
    assert "Вернуться к заполненной форме" in html
    assert "nginx" not in html
