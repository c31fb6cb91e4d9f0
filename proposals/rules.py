"""Who may do what to a proposal or an assignment, as named predicates.

Services check these with ``rules.has_perm`` (no superuser shortcut: signing a
reply is a role, not a technical privilege). What a user may *see* is decided
by the querysets' ``visible_to``; these predicates decide what they may *do*.
"""

import rules

from accounts.roles import roles_of


def _proposal(obj):
    return getattr(obj, "proposal", obj)


@rules.predicate
def is_body_staff(user, obj) -> bool:
    """Committee staff of the body the item belongs to."""
    return obj is not None and roles_of(user).is_staff_of(_proposal(obj).body_kind)


@rules.predicate
def is_session_staff(user, session) -> bool:
    """Committee staff of the body a session belongs to."""
    return session is not None and roles_of(user).is_staff_of(session.body)


@rules.predicate
def is_lead_proposer(user, obj) -> bool:
    if obj is None:
        return False
    proposer_id = roles_of(user).proposer_id
    return proposer_id is not None and _proposal(obj).lead_proposer_id == proposer_id


@rules.predicate
def is_cosigner(user, obj) -> bool:
    if obj is None:
        return False
    proposer_id = roles_of(user).proposer_id
    return proposer_id is not None and any(
        c.proposer_id == proposer_id for c in _proposal(obj).cosignatures.all()
    )


@rules.predicate
def started_it(user, obj) -> bool:
    """The user who entered the item (staff filing on paper, or the proposer online)."""
    return obj is not None and user.is_authenticated and _proposal(obj).created_by_id == user.pk


@rules.predicate
def is_agency_member(user, obj) -> bool:
    """A clerk or leader of the agency the assignment went to."""
    return obj is not None and roles_of(user).is_member_of(obj.agency_id)


@rules.predicate
def is_agency_leader(user, obj) -> bool:
    return obj is not None and roles_of(user).is_leader_of(obj.agency_id)


@rules.predicate
def works_on_items(user) -> bool:
    """Committee staff, or a member of an agency: those who read the register of items and
    the statistics (each what their querysets let them see)."""
    roles = roles_of(user)
    return bool(roles.staff_bodies or roles.agency_ids)


is_proposer = is_lead_proposer | is_cosigner

rules.add_perm("proposals.read_register", works_on_items)
rules.add_perm("proposals.edit_draft", is_lead_proposer | started_it)
rules.add_perm("proposals.submit_proposal", is_lead_proposer | started_it)
rules.add_perm("proposals.withdraw_proposal", is_lead_proposer | started_it)
rules.add_perm("proposals.confirm_cosign", is_cosigner)
rules.add_perm("proposals.decline_cosign", is_cosigner)
rules.add_perm("proposals.review_proposal", is_body_staff)
rules.add_perm("proposals.assign_proposal", is_body_staff)
rules.add_perm("proposals.decide_adjustment", is_body_staff)
rules.add_perm("proposals.close_proposal", is_body_staff)
rules.add_perm("proposals.mark_repeat", is_body_staff)
rules.add_perm("proposals.import_proposals", is_session_staff)
rules.add_perm("proposals.sign_for_assignment", is_agency_member)
rules.add_perm("proposals.request_adjustment", is_agency_member)
