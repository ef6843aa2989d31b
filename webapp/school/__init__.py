"""The school profile: one YAML file, validated once, the single source of a school's facts.

Views and commands get the running app's profile from `webapp.web.current.current_school()`;
everything below them takes it as an argument.
"""

from .loader import DEMO_PROFILE, ProfileError, load_profile, profile_path
from .model import SchoolProfile

__all__ = ["DEMO_PROFILE", "ProfileError", "SchoolProfile", "load_profile", "profile_path"]
