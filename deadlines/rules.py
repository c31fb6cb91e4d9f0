"""Who may ask for more time, and who decides."""

import rules

from proposals.rules import is_agency_member, is_body_staff


@rules.predicate
def member_of_deadline_agency(user, deadline) -> bool:
    return deadline is not None and is_agency_member(user, deadline.assignment)


@rules.predicate
def staff_of_deadline_body(user, deadline) -> bool:
    return deadline is not None and is_body_staff(user, deadline.assignment.proposal)


rules.add_perm("deadlines.request_extension", member_of_deadline_agency)
rules.add_perm("deadlines.decide_extension", staff_of_deadline_body)
