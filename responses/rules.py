"""Who may write opinions and replies, sign them, and rate them."""

import rules

from accounts.roles import roles_of
from proposals.rules import is_agency_leader, is_agency_member, is_body_staff


def _assignment(obj):
    return getattr(obj, "assignment", obj)


@rules.predicate
def member_of_replying_agency(user, obj) -> bool:
    return obj is not None and is_agency_member(user, _assignment(obj))


@rules.predicate
def leader_of_replying_agency(user, obj) -> bool:
    """The agency's leader (负责人): only they sign replies off."""
    return obj is not None and is_agency_leader(user, _assignment(obj))


@rules.predicate
def staff_of_replys_body(user, obj) -> bool:
    return obj is not None and is_body_staff(user, _assignment(obj).proposal)


@rules.predicate
def is_a_proposer_of_reply(user, reply) -> bool:
    """One of the proposers of the item the reply answers (lead, co-signer, or merged in)."""
    if reply is None:
        return False
    proposer_id = roles_of(user).proposer_id
    if proposer_id is None:
        return False
    from proposals.models import Proposal

    proposal = reply.assignment.proposal
    related = Proposal.objects.filter(pk=proposal.pk) | Proposal.objects.filter(
        merged_into=proposal
    )
    return (
        related.filter(lead_proposer_id=proposer_id).exists()
        or related.filter(cosignatures__proposer_id=proposer_id).exists()
    )


rules.add_perm("responses.submit_opinion", member_of_replying_agency)
rules.add_perm("responses.log_contact", member_of_replying_agency)
rules.add_perm("responses.draft_reply", member_of_replying_agency)
rules.add_perm("responses.submit_reply", member_of_replying_agency)
rules.add_perm("responses.approve_reply", leader_of_replying_agency)
# The drafts behind a letter (its versions) are its agency's and the committee's.
rules.add_perm("responses.view_drafts", member_of_replying_agency | staff_of_replys_body)
rules.add_perm("responses.send_reply", member_of_replying_agency)
rules.add_perm("responses.rate_reply", is_a_proposer_of_reply)
rules.add_perm("responses.record_paper_rating", staff_of_replys_body)
rules.add_perm("responses.rehandle", staff_of_replys_body | is_a_proposer_of_reply)
