"""Staff accounts: the `staff` commands and the desk's staff page."""

from .views import bp

__all__ = ["bp"]
