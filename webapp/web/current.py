"""The running app's profile and register, for views and commands (never for domain code)."""

from __future__ import annotations

from flask import current_app

from ..requests.context import Register
from ..school import SchoolProfile

PROFILE_KEY = "school_profile"
REGISTER_KEY = "register"


def current_school() -> SchoolProfile:
    """The profile the running app was started with."""
    return current_app.extensions[PROFILE_KEY]


def current_register() -> Register:
    """The profile, links and upload folder that the register's rules take as an argument."""
    return current_app.extensions[REGISTER_KEY]
