"""重复提出: committee staff mark an item as a repeat of an earlier one, with an event on both
items; the mark shows on both items' pages, and on the public pages only between two
published replies; staff take a mark off with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from proposals import services as ps
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import Event, RepeatLink, Verb
from tests import workflow as wf

from .precedents import index_all, letter_of, replied


@pytest.fixture
def pair(world):
    """An item answered and published, and a later one on the same subject."""
    earlier = replied(world, publish=True)
    later = wf.assigned(world, title="关于老年助餐服务再提的提案")
    index_all()
    return earlier, later


def _events(proposal, verb):
    return list(Event.objects.filter(proposal=proposal, verb=verb))


def test_staff_mark_a_repeat_with_an_event_on_both_items(world, pair):
    earlier, later = pair
    link = ps.proposal_mark_repeat(
        proposal=later, earlier=earlier, note="与去年所提相同。", by=world.staff
    )
    assert (link.proposal, link.earlier, link.marked_by, link.is_active) == (
        later,
        earlier,
        world.staff,
        True,
    )
    (on_later,) = _events(later, Verb.MARKED_REPEAT)
    (on_earlier,) = _events(earlier, Verb.MARKED_REPEAT)
    assert on_later.actor == on_earlier.actor == world.staff
    assert on_later.note == "与去年所提相同。"
    assert on_later.data["earlier"] == earlier.pk and on_earlier.data["later"] == later.pk


def test_the_mark_shows_on_both_items_pages(world, pair, client):
    earlier, later = pair
    ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    client.force_login(world.staff)
    later_page = client.get(reverse("proposals:detail", args=[later.pk])).content.decode()
    assert (
        f"本件重复提出{earlier.session.label}第{earlier.number}号《{earlier.title}》" in later_page
    )
    earlier_page = client.get(reverse("proposals:detail", args=[earlier.pk])).content.decode()
    assert f"第{later.number}号《{later.title}》重复提出本件" in earlier_page
    assert "标记本件重复提出" in later_page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "不能把本件标记为重复提出本件"),
        ("later", "是在本件之后提出的"),
        ("twice", "无需再标记"),
    ],
)
def test_refused_marks_say_why_and_change_nothing(world, pair, case, message):
    earlier, later = pair
    if case == "twice":
        ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    subject, other = {
        "itself": (later, later),
        "later": (earlier, later),
        "twice": (later, earlier),
    }[case]
    links = RepeatLink.objects.count()
    events = Event.objects.count()
    with pytest.raises(InvalidInput) as refused:
        ps.proposal_mark_repeat(proposal=subject, earlier=other, by=world.staff)
    assert message in refused.value.message and refused.value.field == "earlier"
    assert (RepeatLink.objects.count(), Event.objects.count()) == (links, events)


def test_only_the_items_committee_staff_mark(world, pair):
    earlier, later = pair
    for user in (world.lead_proposer_user, world.lead_clerk, world.npc_staff):
        with pytest.raises(NotPermitted):
            ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=user)
    assert not RepeatLink.objects.exists()


def test_a_draft_or_withdrawn_item_is_not_marked(world, pair):
    earlier, _ = pair
    retracted = wf.submitted(world, title="关于老年助餐的提案")
    ps.proposal_withdraw(proposal=retracted, note="拟与他人合并提出。", by=world.lead_proposer_user)
    with pytest.raises(TransitionNotAllowed):
        ps.proposal_mark_repeat(proposal=retracted, earlier=earlier, by=world.staff)


def test_staff_take_a_mark_off_with_a_reason_and_the_record_stays(world, pair):
    earlier, later = pair
    ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    for reason in ("", "不对"):
        with pytest.raises(InvalidInput) as refused:
            ps.proposal_unmark_repeat(
                proposal=later, earlier=earlier, reason=reason, by=world.staff
            )
        assert refused.value.field == "reason"
    with pytest.raises(NotPermitted):
        ps.proposal_unmark_repeat(
            proposal=later, earlier=earlier, reason="两件所提事项不同。", by=world.lead_clerk
        )
    link = ps.proposal_unmark_repeat(
        proposal=later, earlier=earlier, reason="两件所提事项不同。", by=world.staff
    )
    assert (link.unmarked_by, link.unmark_reason) == (world.staff, "两件所提事项不同。")
    assert RepeatLink.objects.filter(pk=link.pk).exists()
    for item in (later, earlier):
        (event,) = _events(item, Verb.UNMARKED_REPEAT)
        assert (event.actor, event.note) == (world.staff, "两件所提事项不同。")
    with pytest.raises(InvalidInput):
        ps.proposal_unmark_repeat(
            proposal=later, earlier=earlier, reason="两件所提事项不同。", by=world.staff
        )
    again = ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    assert again.pk != link.pk and RepeatLink.objects.active().get() == again


def test_the_staff_page_forms_mark_and_unmark(world, pair, client):
    earlier, later = pair
    client.force_login(world.lead_clerk)
    client.post(reverse("proposals:mark_repeat", args=[later.pk]), {"earlier": earlier.pk})
    assert not RepeatLink.objects.exists()
    client.force_login(world.staff)
    response = client.post(
        reverse("proposals:mark_repeat", args=[later.pk]), {"earlier": earlier.pk, "note": "同"}
    )
    assert response.status_code == 302
    assert RepeatLink.objects.active().get().note == "同"
    page = client.get(response.url).content.decode()
    assert "已标记本件重复提出" in page
    response = client.post(
        reverse("proposals:unmark_repeat", args=[later.pk]),
        {"earlier": earlier.pk, "reason": ""},
        follow=True,
    )
    assert "取消标记的理由" in response.content.decode()
    assert RepeatLink.objects.active().exists()
    client.post(
        reverse("proposals:unmark_repeat", args=[later.pk]),
        {"earlier": earlier.pk, "reason": "所提事项不同。"},
    )
    assert not RepeatLink.objects.active().exists()


# -- the public pages -----------------------------------------------------------------------------


def _public_page(client, item) -> str:
    publication = letter_of(item).publication
    response = client.get(reverse("public:detail", args=[publication.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_public_pages_link_two_published_replies_and_forget_when_unmarked(
    world, client, django_capture_on_commit_callbacks
):
    earlier = replied(world, publish=True)
    later = replied(world, title="关于老年助餐服务再提的提案", publish=True)
    assert "重复提出的相关答复" not in _public_page(client, later)  # kept in the cache now
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    later_page = _public_page(client, later)
    assert "重复提出的相关答复" in later_page
    assert reverse("public:detail", args=[letter_of(earlier).publication.pk]) in later_page
    assert reverse("public:detail", args=[letter_of(later).publication.pk]) in _public_page(
        client, earlier
    )
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_unmark_repeat(
            proposal=later, earlier=earlier, reason="两件所提事项不同。", by=world.staff
        )
    assert "重复提出的相关答复" not in _public_page(client, later)


def test_a_public_page_never_names_an_item_whose_reply_is_not_published(world, client):
    earlier = replied(world, title="关于内部事项的提案", publish=False)
    later = replied(world, title="关于老年助餐服务再提的提案", publish=True)
    ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    page = _public_page(client, later)
    assert "重复提出的相关答复" not in page and "关于内部事项的提案" not in page


def test_a_proposer_sees_the_mark_only_to_items_they_may_find(world, client):
    unpublished = replied(world, title="关于内部事项的提案", publish=False)
    published = replied(world, title="关于老年助餐服务的提案", publish=True)
    later = wf.assigned(world, title="关于老年助餐服务再提的提案")
    for earlier in (unpublished, published):
        ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=world.staff)
    client.force_login(world.lead_proposer_user)
    page = client.get(reverse("proposals:detail", args=[later.pk])).content.decode()
    assert "关于老年助餐服务的提案》" in page
    assert "关于内部事项的提案" not in page
    assert reverse("public:detail", args=[letter_of(published).publication.pk]) in page
