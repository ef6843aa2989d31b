"""Who may see a request and who may act on it, from the profile's roles and permissions.

Seeing: a role with `view_all` sees every request that is not confidential; anyone sees the
requests routed to their role, handed to them, or recorded by them. A confidential request (the
psychologist's) is seen only by the routed role's members and by roles with `view_confidential`
(the head of the service). `visible_clause` says the same as `can_view`, in SQL, for the lists.

Acting: `may` answers who may do an action at all; whether the request's status allows it now is
the lifecycle's rule (webapp/requests/lifecycle.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..models import SupportRequest
from ..school import SchoolProfile
from ..vocabulary import Action, Permission


@dataclass(frozen=True)
class Actor:
    staff_id: str
    roles: frozenset[str]
    permissions: frozenset[str]
    is_head: bool  # of the control role: the head of the service, or who controls without one

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


def actor(profile: SchoolProfile, staff_id: str) -> Actor:
    member = profile.staff_member(staff_id)
    roles = frozenset(member.roles) if member else frozenset()
    return Actor(
        staff_id=staff_id,
        roles=roles,
        permissions=frozenset(profile.permissions_of(staff_id)),
        is_head=profile.control_role_id in roles,
    )


def can_view(profile: SchoolProfile, staff_id: str, req: SupportRequest) -> bool:
    me = actor(profile, staff_id)
    routed = req.routed_role in me.roles
    if req.confidential:
        return routed or me.has(Permission.VIEW_CONFIDENTIAL)
    if me.has(Permission.VIEW_ALL) or routed:
        return True
    return staff_id in (req.assignee, req.recorded_by)


def visible_clause(profile: SchoolProfile, staff_id: str) -> sa.ColumnElement[bool]:
    """The SQL condition for the requests `staff_id` may see (same rule as `can_view`)."""
    me = actor(profile, staff_id)
    r = SupportRequest
    routed = r.routed_role.in_(sorted(me.roles))
    mine = sa.or_(r.assignee == staff_id, r.recorded_by == staff_id)
    if me.has(Permission.VIEW_ALL) and me.has(Permission.VIEW_CONFIDENTIAL):
        return sa.true()
    # `confidential == …` rather than IS: an equality an index on the column can serve.
    if me.has(Permission.VIEW_ALL):
        # Almost every row passes: written as NOT(…) so that it stays a filter and the list's
        # own index (its order, its search) serves the query rather than an OR of indexes.
        return sa.not_(sa.and_(r.confidential == sa.true(), r.routed_role.not_in(sorted(me.roles))))
    if me.has(Permission.VIEW_CONFIDENTIAL):
        return sa.or_(r.confidential == sa.true(), routed, mine)
    return sa.or_(routed, sa.and_(mine, r.confidential != sa.true()))


def may(profile: SchoolProfile, staff_id: str, action: Action, req: SupportRequest) -> bool:
    """Whether this person may ever do `action` on this request (status aside)."""
    if not can_view(profile, staff_id, req):
        return False
    me = actor(profile, staff_id)
    is_assignee = req.assignee == staff_id
    answers_here = me.has(Permission.ANSWER) and (
        is_assignee or (req.assignee is None and req.routed_role in me.roles)
    )
    rules = {
        Action.NOTE: True,
        Action.ASSIGN: me.has(Permission.ASSIGN),
        # A routed specialist may pick up an unassigned request themselves.
        Action.TAKE: answers_here,
        Action.CONTACT: answers_here,
        Action.ANSWER: answers_here,
        Action.REQUEST_EXTENSION: is_assignee,
        Action.DECIDE_EXTENSION: me.has(Permission.APPROVE_EXTENSIONS),
        Action.CLOSE: is_assignee or me.is_head,
        # Whoever hands requests over spots a repeat first; the assignee and the head too.
        Action.CLOSE_DUPLICATE: is_assignee or me.is_head or me.has(Permission.ASSIGN),
        Action.REOPEN: is_assignee or me.is_head,
    }
    return rules[Action(action)]


def can_assign_to(profile: SchoolProfile, staff_id: str, req: SupportRequest) -> bool:
    """A request goes to someone who answers requests; a confidential one only to those who
    may see it (once assigned, a request is visible to its assignee)."""
    if Permission.ANSWER not in profile.permissions_of(staff_id):
        return False
    return not req.confidential or can_view(profile, staff_id, req)


def assignable_staff(profile: SchoolProfile, req: SupportRequest) -> list:
    return [s for s in profile.staff if can_assign_to(profile, s.id, req)]


def may_register_calls(profile: SchoolProfile, staff_id: str) -> bool:
    return Permission.REGISTER_CALLS in profile.permissions_of(staff_id)


def may_manage_staff(profile: SchoolProfile, staff_id: str) -> bool:
    """The staff page; to everyone else it does not exist (404), like a request they may not see."""
    return Permission.MANAGE_STAFF in profile.permissions_of(staff_id)


def may_oversee(profile: SchoolProfile, staff_id: str) -> bool:
    """The control view and the reports (issue 12): the head of the service and the roles that
    see all requests. To everyone else they do not exist (404)."""
    me = actor(profile, staff_id)
    return me.is_head or me.has(Permission.VIEW_ALL)


def may_handle_personal_data(profile: SchoolProfile, staff_id: str) -> bool:
    """A person's data across requests (search, copy, removal) and the audit log: the head of
    the service only, who answers for the register (seed 002). To everyone else: 404."""
    return actor(profile, staff_id).is_head
