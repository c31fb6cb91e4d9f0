"""Who may ask for more time, who decides, and who reads why it was asked."""

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
# Why an agency asks for more time is read by those who ask (the clerks and leaders of the
# assignment's agency) and those who decide (committee staff of the item's body); the
# proposers and the item's other agencies read only that more time was asked. The object
# is the assignment whose deadline the request would extend.
rules.add_perm("deadlines.read_extension_reason", is_agency_member | is_body_staff)
