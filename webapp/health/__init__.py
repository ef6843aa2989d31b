"""The installation's health: GET /app/health for monitoring, `flask --app wsgi doctor` for a person."""

from .checks import Health, service_health
from .views import bp

__all__ = ["Health", "bp", "service_health"]
