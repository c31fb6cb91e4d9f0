"""Who may preview a reply's public version, and who publishes it."""

import rules

from proposals.rules import is_agency_member, is_body_staff


@rules.predicate
def member_of_replying_agency(user, letter) -> bool:
    """A clerk or leader of the agency that wrote the letter (not a co-handler's)."""
    return letter is not None and is_agency_member(user, letter.assignment)


@rules.predicate
def staff_of_letters_body(user, letter) -> bool:
    return letter is not None and is_body_staff(user, letter.assignment.proposal)


rules.add_perm("disclosure.preview_reply", member_of_replying_agency | staff_of_letters_body)
rules.add_perm("disclosure.publish_reply", member_of_replying_agency)
