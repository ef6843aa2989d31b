"""Who reads a confidential request, in words, from the profile's access rules.

The rule itself (webapp/requests/access.py, `can_view`): a confidential request is seen by the
members of the role it is routed to and by every role with the `view_confidential` permission,
nobody else. Every promise of confidentiality on a page (the form's hint, the help site) is
written by `confidentiality_promise`, so it names exactly those roles; the test
tests/test_confidentiality_promise.py checks it against `can_view` for every staff member.
"""

from __future__ import annotations

from ..vocabulary import Permission
from .model import Role, SchoolProfile


def confidential_readers(profile: SchoolProfile, route_role: str) -> list[Role]:
    """The roles that see a confidential request routed to `route_role`: that role first, then
    the roles with `view_confidential`, in the profile's order, each once."""
    readers = [profile.role(route_role)]
    readers += [
        role for role in profile.roles
        if Permission.VIEW_CONFIDENTIAL in role.permissions and role.id != route_role
    ]  # fmt: skip
    return readers


def role_in_sentence(title: str) -> str:
    """«Педагог-психолог» -> «педагог-психолог»; an abbreviation («ИТ-координатор») stays."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def readers_text(profile: SchoolProfile, route_role: str) -> str:
    """'педагог-психолог и руководитель службы …': the readers joined as Russian prose."""
    names = [role_in_sentence(role.title) for role in confidential_readers(profile, route_role)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " и " + names[-1]


def confidentiality_promise(profile: SchoolProfile, route_role: str) -> str:
    """The sentence a page shows for a confidential request type routed to `route_role`."""
    readers = confidential_readers(profile, route_role)
    verb = "увидит" if len(readers) == 1 else "увидят"
    return f"Такое обращение {verb} только {readers_text(profile, route_role)}."
