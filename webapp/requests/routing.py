"""Who gets a request: the role its type routes to (seed 002) and the responsible person."""

from __future__ import annotations

from dataclasses import dataclass

from ..school import SchoolProfile
from ..school.model import StaffMember
from ..vocabulary import Permission


class UnknownRequestType(ValueError):
    pass


@dataclass(frozen=True)
class Route:
    role: str
    confidential: bool
    specialists: tuple[StaffMember, ...]  # everyone with the routed role
    # The responsible person (director's order) when they get this request and are not
    # already among the specialists.
    responsible: StaffMember | None


def route(profile: SchoolProfile, type_id: str) -> Route:
    request_type = profile.request_type(type_id)
    if request_type is None:
        raise UnknownRequestType(type_id)
    specialists = tuple(profile.staff_with_role(request_type.route_to))
    return Route(
        role=request_type.route_to,
        confidential=request_type.confidential,
        specialists=specialists,
        responsible=_responsible_copy(profile, type_id, specialists),
    )


def _responsible_copy(
    profile: SchoolProfile, type_id: str, specialists: tuple[StaffMember, ...]
) -> StaffMember | None:
    notify = profile.responsible.notify
    if notify != "all" and type_id not in notify:
        return None
    person = profile.responsible_person
    if any(s.id == person.id for s in specialists):
        return None
    return person


def may_see_details(profile: SchoolProfile, person: StaffMember, confidential: bool) -> bool:
    """A copy of a confidential request names no one and says nothing of its content to a
    person who may not see confidential requests on the desk."""
    if not confidential:
        return True
    return Permission.VIEW_CONFIDENTIAL in profile.permissions_of(person.id)
