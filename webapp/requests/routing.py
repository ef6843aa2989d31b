"""Who gets a request: the role its type routes to (seed 002), or the author's own teacher
(seed 003: `route_by: class_teacher | subject_teacher`), and the responsible person's copy.

A request routed by class or subject goes straight to that one teacher, who is told by e-mail
and answers it on the desk; no other teacher is told. When the profile names no such teacher
(an unknown class, a subject nobody teaches in that class, an author who gave no class), or the
teacher could not answer it on the desk, the request goes to the type's `route_to` role as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..school import SchoolProfile
from ..school.model import RequestType, StaffMember
from ..vocabulary import Permission


class UnknownRequestType(ValueError):
    pass


@dataclass(frozen=True)
class Route:
    role: str
    confidential: bool
    # Who is told of the new request: everyone with the routed role, or the one teacher.
    specialists: tuple[StaffMember, ...]
    # The responsible person (director's order) when they get this request and are not
    # already among the specialists.
    responsible: StaffMember | None
    # The teacher the request is handed to at once (`route_by`); None: routed to the role.
    assignee: StaffMember | None = None
    # Why that teacher, in words for letters and history: «классный руководитель 5А».
    assigned_as: str = ""


def route(
    profile: SchoolProfile, type_id: str, *, class_name: str | None = None, subject: str | None = None
) -> Route:
    """The route of a request of `type_id` by an author of `class_name` about `subject`."""
    request_type = profile.request_type(type_id)
    if request_type is None:
        raise UnknownRequestType(type_id)
    teacher, assigned_as = _own_teacher(profile, request_type, class_name, subject)
    if teacher is not None:
        specialists: tuple[StaffMember, ...] = (teacher,)
    else:
        specialists = tuple(profile.staff_with_role(request_type.route_to))
    return Route(
        role=request_type.route_to,
        confidential=request_type.confidential,
        specialists=specialists,
        responsible=_responsible_copy(profile, type_id, specialists),
        assignee=teacher,
        assigned_as=assigned_as,
    )


def _own_teacher(
    profile: SchoolProfile, request_type: RequestType, class_name: str | None, subject: str | None
) -> tuple[StaffMember | None, str]:
    """The author's class teacher or subject teacher the type routes to, if the profile has one.

    Several teachers of one subject in one class: the first listed gets the request (the profile
    lists first the one who should answer)."""
    if request_type.route_by == "class_teacher":
        teacher = profile.class_teacher_of(class_name)
        candidates = [teacher] if teacher is not None else []
        why = f"классный руководитель {class_name}"
    elif request_type.route_by == "subject_teacher":
        candidates = profile.subject_teachers(subject, class_name) if subject else []
        why = f"учитель предмета «{subject}»" + (f", класс {class_name}" if class_name else "")
    else:
        return None, ""
    for teacher in candidates:
        if can_answer_routed(profile, teacher, request_type):
            return teacher, why
    return None, ""


def can_answer_routed(profile: SchoolProfile, member: StaffMember, request_type: RequestType) -> bool:
    """Whether a teacher handed a request of this type could open and answer it on the desk
    (webapp/requests/access.py): they answer requests, and see a confidential one."""
    permissions = profile.permissions_of(member.id)
    if Permission.ANSWER not in permissions:
        return False
    if not request_type.confidential:
        return True
    return request_type.route_to in member.roles or Permission.VIEW_CONFIDENTIAL in permissions


def _responsible_copy(
    profile: SchoolProfile, type_id: str, specialists: tuple[StaffMember, ...]
) -> StaffMember | None:
    """A copy for the person appointed by order, where the act has one."""
    if profile.responsible is None:
        return None
    notify = profile.responsible.notify
    if notify != "all" and type_id not in notify:
        return None
    person = profile.responsible_person
    if person is None or any(s.id == person.id for s in specialists):
        return None
    return person


def may_see_details(profile: SchoolProfile, person: StaffMember, confidential: bool) -> bool:
    """A copy of a confidential request names no one and says nothing of its content to a
    person who may not see confidential requests on the desk."""
    if not confidential:
        return True
    return Permission.VIEW_CONFIDENTIAL in profile.permissions_of(person.id)
