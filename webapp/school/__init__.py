"""The school profile: one YAML file, validated once, the single source of a school's facts."""

from .loader import DEMO_PROFILE, ProfileError, load_profile, profile_path
from .model import SchoolProfile

__all__ = ["DEMO_PROFILE", "ProfileError", "SchoolProfile", "load_profile", "profile_path"]


def current_school() -> SchoolProfile:
    """The profile the running app was started with."""
    from flask import current_app

    return current_app.extensions["school_profile"]


__all__.append("current_school")
