"""Serves the built help site at "/", so the site and the app share one origin.

In production nginx serves these files itself and proxies only the app's prefix (README).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("site", __name__)


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
