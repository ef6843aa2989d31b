"""GET /app/health: for monitoring (Zabbix, uptime checks, nginx upstream checks).

200 with {"status": "ok", ...} when healthy, 503 with {"status": "fail", "problems": [...]}
otherwise. No personal data: counts, ages in seconds, times.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..config import ROOT
from ..extensions import db
from .checks import service_health

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    report = service_health(db.engine, current_app.config, ROOT / "migrations")
    response = jsonify(report.as_json())
    response.status_code = 200 if report.healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
