"""Who may preview a reply's public version, who publishes it, and who withdraws it."""

import rules

from proposals.rules import is_agency_leader, is_agency_member, is_body_staff


@rules.predicate
def member_of_replying_agency(user, letter) -> bool:
    """A clerk or leader of the agency that wrote the letter (not a co-handler's)."""
    return letter is not None and is_agency_member(user, letter.assignment)


@rules.predicate
def staff_of_letters_body(user, letter) -> bool:
    return letter is not None and is_body_staff(user, letter.assignment.proposal)


rules.add_perm("disclosure.preview_reply", member_of_replying_agency | staff_of_letters_body)
rules.add_perm("disclosure.publish_reply", member_of_replying_agency)

# Taking a reply off the public portal is the agency head's decision, as signing it was
# (a publication carries its agency, so the predicate reads it directly). The system
# administrator may too: an imported publication has no letter and no agency users.
rules.add_perm("disclosure.withdraw_publication", is_agency_leader | rules.is_superuser)
