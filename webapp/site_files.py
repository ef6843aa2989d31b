"""Serves the built help site at "/", so the site and the app share one origin.

The files go through WhiteNoise (a WSGI middleware made for this): the `.gz` and `.br` copies
that `make site` writes beside each file (`python -m whitenoise.compress build/site`) are sent
to browsers that accept them, Material's hashed assets (`bundle.f1b6f286.min.js`) are cached
for a year as immutable, everything else for SITE_MAX_AGE seconds. What WhiteNoise does not know
(a path that is not a file) falls through to the blueprint below, which answers 404 or adds the
missing slash. In production nginx serves these files itself and proxies only the app's prefix
(deploy/nginx/helpdesk.conf).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory
from whitenoise import WhiteNoise

bp = Blueprint("site", __name__)

# mkdocs-material's fingerprinted files: assets/javascripts/bundle.f1b6f286.min.js,
# assets/stylesheets/main.484c7ddc.min.css, workers/search.973d3a69.min.js.
HASHED_ASSET = re.compile(r"\.[0-9a-f]{8,}\.min\.(js|css)$")


def is_hashed_asset(_path: str, url: str) -> bool:
    return bool(HASHED_ASSET.search(url))


class SiteFiles:
    """WSGI middleware: the site's files from the app's current SITE_DIR, through WhiteNoise.

    SITE_DIR is read at every request (tests and the dev server point it at a site built later);
    each folder is scanned once, when first asked for, or on every request with `autorefresh`
    (development: `make site` while the app runs). Paths under APP_PREFIX never look at files.
    """

    def __init__(self, app: Flask, wsgi_app):
        self.config = app.config
        self.wsgi_app = wsgi_app
        self.autorefresh = app.config["APP_ENV"] == "development"
        self._servers: dict[str, WhiteNoise] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        prefix = self.config["APP_PREFIX"]
        if path == prefix or path.startswith(prefix + "/"):
            return self.wsgi_app(environ, start_response)
        server = self._server_for(self.config["SITE_DIR"])
        return (server or self.wsgi_app)(environ, start_response)

    def _server_for(self, root: str) -> WhiteNoise | None:
        server = self._servers.get(root)
        if server is None and Path(root).is_dir():
            with self._lock:
                server = self._servers.get(root) or WhiteNoise(
                    self.wsgi_app, root=root, index_file=True, autorefresh=self.autorefresh,
                    max_age=self.config["SITE_MAX_AGE"], allow_all_origins=False,
                    immutable_file_test=is_hashed_asset,
                )  # fmt: skip
                self._servers[root] = server
        return server


def serve_site(app: Flask) -> None:
    app.wsgi_app = SiteFiles(app, app.wsgi_app)


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def page(path: str):
    root = Path(current_app.config["SITE_DIR"])
    if not root.is_dir():
        abort(404)
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif (root / path).is_dir():
        path += "/index.html"
    return send_from_directory(root, path)
