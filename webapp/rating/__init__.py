"""The author's rating page: «Помог ли ответ?» (public, no sign-in; the status link's secret)."""

from .views import bp

__all__ = ["bp"]
