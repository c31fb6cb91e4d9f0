"""Who sees which item: the querysets decide, and the pages use them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from proposals import services as ps
from proposals.models import Assignment, Proposal
from tests import workflow as wf


@pytest.fixture
def assigned_item(world):
    return wf.assigned(world)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("staff", True),
        ("npc_staff", False),
        ("lead_clerk", True),
        ("lead_leader", True),
        ("co_clerk", True),
        ("other_clerk", False),
        ("lead_proposer_user", True),
        ("cosigner_user", True),
        ("other_proposer_user", False),
        ("stranger", False),
    ],
)
def test_who_sees_an_assigned_item(world, assigned_item, client, who, sees):
    user = getattr(world, who)
    assert Proposal.objects.visible_to(user).filter(pk=assigned_item.pk).exists() is sees
    assert Assignment.objects.visible_to(user).filter(proposal=assigned_item).exists() is sees
    client.force_login(user)
    response = client.get(reverse("proposals:detail", args=[assigned_item.pk]))
    assert response.status_code == (200 if sees else 404)


def test_staff_do_not_see_a_proposers_unsubmitted_draft(world):
    draft = wf.draft(world)
    assert not Proposal.objects.visible_to(world.staff).filter(pk=draft.pk).exists()
    assert Proposal.objects.visible_to(world.lead_proposer_user).filter(pk=draft.pk).exists()


def test_an_agency_moved_off_an_item_keeps_seeing_what_it_handled(world, assigned_item):
    co = wf.co_of(assigned_item)
    ps.assignment_request_adjustment(assignment=co, reason="职责不符。", by=world.co_clerk)
    ps.assignment_decide_adjustment(
        assignment=co, approve=True, new_agency=world.other_agency, by=world.staff
    )
    assert Proposal.objects.visible_to(world.other_clerk).filter(pk=assigned_item.pk).exists()
    assert Proposal.objects.visible_to(world.co_clerk).filter(pk=assigned_item.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, assigned_item):
    response = client.get(reverse("proposals:detail", args=[assigned_item.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Proposal.objects.visible_to(AnonymousUser()).exists()


def test_the_register_shows_only_the_staffs_body_with_constant_queries(
    world, client, django_assert_max_num_queries
):
    for n in range(3):
        wf.assigned(world, title=f"关于第{n}件事的建议")
    draft = ps.proposal_create(
        session=world.session,
        title="别人的草稿",
        lead_proposer=world.other_proposer,
        by=world.other_proposer_user,
    )
    client.force_login(world.staff)
    # The filters' choices (sessions, agencies, topics, result classes) are read once each.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("proposals:register"))
    assert response.status_code == 200
    assert response.content.decode().count("关于第") == 3
    assert draft.title not in response.content.decode()
    client.force_login(world.npc_staff)
    assert "关于第" not in client.get(reverse("proposals:register")).content.decode()
