"""What every signed-in page shows: names of staff, titles of codes, the menu's rights.

The desk, the staff page and the account pages all render with `staff_context`; the words for
codes come from webapp/vocabulary.py and the school's own names from its profile.
"""

from __future__ import annotations

from flask_login import current_user

from ..formatting import local_datetime
from ..requests.access import may_handle_personal_data, may_manage_staff, may_oversee, may_register_calls
from ..requests.service import channel_title
from ..requests.validation import format_phone
from ..school import SchoolProfile
from ..vocabulary import Actor
from .current import current_school


def helpers(profile: SchoolProfile) -> dict:
    """Functions for the staff pages' templates."""

    def staff_name(staff_id: str | None) -> str:
        if not staff_id:
            return "—"
        if staff_id in Actor.codes():
            return Actor(staff_id).label
        member = profile.staff_member(staff_id)
        return member.name if member else staff_id

    def type_title(type_id: str) -> str:
        found = profile.request_type(type_id)
        return found.title if found else type_id

    def channel_name(channel: str) -> str:
        """The profile's title of a way to apply; the code itself if the profile dropped it."""
        try:
            return channel_title(profile, channel)
        except ValueError:
            return channel

    return {
        "staff_name": staff_name,
        "type_title": type_title,
        "channel_name": channel_name,
        "local": lambda moment: local_datetime(profile, moment),
        "phone_text": format_phone,
    }


def staff_context() -> dict:
    """Template context of every staff page (the desk and the signed-in account pages)."""
    profile = current_school()
    me = current_user.staff_id if current_user.is_authenticated else None
    return {
        **helpers(profile),
        "me": me,
        "may_register_calls": bool(me) and may_register_calls(profile, me),
        "may_manage_staff": bool(me) and may_manage_staff(profile, me),
        "may_oversee": bool(me) and may_oversee(profile, me),
        "may_handle_personal_data": bool(me) and may_handle_personal_data(profile, me),
    }
