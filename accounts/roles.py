"""What a user is in the handling process, read once per request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Roles:
    staff_bodies: frozenset[str]
    clerk_agency_ids: frozenset[int]
    leader_agency_ids: frozenset[int]
    proposer_id: int | None

    @property
    def agency_ids(self) -> frozenset[int]:
        return self.clerk_agency_ids | self.leader_agency_ids

    def is_staff_of(self, body: str) -> bool:
        return body in self.staff_bodies

    def is_member_of(self, agency_id: int) -> bool:
        return agency_id in self.agency_ids

    def is_leader_of(self, agency_id: int) -> bool:
        return agency_id in self.leader_agency_ids


NO_ROLES = Roles(frozenset(), frozenset(), frozenset(), None)


def roles_of(user) -> Roles:
    """Return ``user``'s roles, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    from agencies.models import AgencyMembership, CommitteeStaff
    from proposals.models import Proposer

    memberships = list(AgencyMembership.objects.filter(user=user).values_list("agency_id", "role"))
    roles = Roles(
        staff_bodies=frozenset(
            CommitteeStaff.objects.filter(user=user).values_list("body", flat=True)
        ),
        clerk_agency_ids=frozenset(
            a for a, role in memberships if role == AgencyMembership.Role.CLERK
        ),
        leader_agency_ids=frozenset(
            a for a, role in memberships if role == AgencyMembership.Role.LEADER
        ),
        proposer_id=Proposer.objects.filter(user=user).values_list("pk", flat=True).first(),
    )
    user._portal_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles, after memberships changed."""
    user.__dict__.pop("_portal_roles", None)
