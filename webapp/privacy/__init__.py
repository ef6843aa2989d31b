"""The head's pages for personal data: a person's requests, their copy and removal; the audit log."""

from .views import bp

__all__ = ["bp"]
