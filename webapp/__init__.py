"""The help desk's Flask application; `create_app` (webapp/factory.py) builds it."""

from .factory import create_app

__all__ = ["create_app"]
