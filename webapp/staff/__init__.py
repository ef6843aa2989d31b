"""The desk's staff page: the roster and each person's account (rules in webapp/accounts)."""

from .views import bp

__all__ = ["bp"]
