"""The open known problems for families (webapp/requests/problems.py has the rules)."""

from .views import public_bp

__all__ = ["public_bp"]
