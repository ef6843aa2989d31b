"""The built help site from the app itself (`make run`, a one-process install): WhiteNoise sends
the compressed copies that `make site` writes, with long cache lifetimes for Material's hashed
assets and short ones for pages; the app's own paths never touch the site's files."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys

import brotli
import pytest

from webapp.config import ROOT


@pytest.fixture
def compressed_site(built_site, tmp_path):
    """A copy of the demo site, compressed as `make site` does."""
    site = tmp_path / "site"
    shutil.copytree(built_site("demo").root, site)
    subprocess.run([sys.executable, "-m", "whitenoise.compress", "--quiet", str(site)], check=True, cwd=ROOT)
    return site


class BufferedClient:
    """The test client, reading each response whole and closing its file."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **kwargs):
        return self.client.get(path, buffered=True, **kwargs)


@pytest.fixture
def site_client(make_app, compressed_site):
    return BufferedClient(make_app(SITE_DIR=str(compressed_site)).test_client())


def hashed_bundle(site) -> str:
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    return "/" + str(bundle.relative_to(site))


def test_pages_come_compressed_with_brotli_or_gzip_as_the_browser_asks(site_client, compressed_site):
    plain = site_client.get("/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    html = plain.get_data()
    br = site_client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == html
    gz = site_client.get("/poryadok/", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == (compressed_site / "poryadok" / "index.html").read_bytes()
    assert len(br.get_data()) < len(html) / 3
    assert "Accept-Encoding" in br.headers["Vary"]


def test_hashed_assets_are_kept_a_year_and_pages_briefly(site_client, compressed_site):
    bundle = site_client.get(hashed_bundle(compressed_site), headers={"Accept-Encoding": "br"})
    assert bundle.status_code == 200
    assert re.fullmatch(r"max-age=\d{8,}, public, immutable", bundle.headers["Cache-Control"])
    for path in ("/", "/assets/site.css"):
        page = site_client.get(path)
        assert page.status_code == 200, path
        assert page.headers["Cache-Control"] == "max-age=600, public", path
        assert "Access-Control-Allow-Origin" not in page.headers


def test_a_page_without_its_slash_is_redirected_and_a_missing_one_is_404(site_client):
    assert site_client.get("/poryadok").status_code in (301, 302)
    assert site_client.get("/poryadok").location.endswith("poryadok/")
    assert site_client.get("/no-such-page/").status_code == 404


def test_the_apps_own_paths_never_look_at_the_sites_files(site_client, compressed_site):
    (compressed_site / "app").mkdir()
    (compressed_site / "app" / "form").write_text("not the form")
    response = site_client.get("/app/form")
    assert response.status_code == 200
    assert "not the form" not in response.get_data(as_text=True)


def test_the_site_search_index_is_served_from_our_own_files(site_client):
    index = site_client.get("/search/search_index.json", headers={"Accept-Encoding": "gzip"})
    assert index.status_code == 200 and index.headers["Content-Encoding"] == "gzip"
    assert b"docs" in gzip.decompress(index.get_data())


def test_make_site_writes_the_compressed_copies():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-m whitenoise.compress --quiet build/site" in makefile
