"""Proposers file online: a draft, co-signers invited by name who confirm or decline in their
own workspace, submission once every co-signer confirmed and before the session's deadline,
withdrawal before review with a reason. Every refusal says why and loses nothing."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Body
from notifications.models import Notification
from proposals import services as ps
from proposals.errors import EditConflict, InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import CoSigner, Event, Proposal, Verb
from proposals.services.filing import BODY_MAX_CHARS, COSIGN_RULE
from tests import factories
from tests import workflow as wf

MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)
TITLE = "关于推进老旧小区加装电梯的提案"
BODY = "一、简化加装电梯审批流程\n二、设立专项补助资金"


@pytest.fixture(autouse=True)
def march_18():
    with time_machine.travel(MARCH_18, tick=False):
        yield


def reread(proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def states(proposal) -> list[tuple[str, str]]:
    return [
        (c.proposer.name, c.state)
        for c in CoSigner.objects.filter(proposal=proposal).select_related("proposer")
    ]


def snapshot(proposal) -> tuple:
    """Everything a refused step must leave as it was."""
    return (
        list(Proposal.objects.filter(pk=proposal.pk).values()),
        list(CoSigner.objects.filter(proposal=proposal).order_by("pk").values()),
        Event.objects.filter(proposal=proposal).count(),
    )


def npc_deputy():
    return factories.ProposerFactory(body=Body.NPC, name="周海峰")


# The services


def test_a_draft_is_submitted_once_every_invited_cosigner_confirmed(world):
    draft = wf.draft(world)
    (cosigner,) = CoSigner.objects.filter(proposal=draft)
    assert (cosigner.state, cosigner.invited_at) == (CoSigner.State.PENDING, MARCH_18)

    with pytest.raises(InvalidInput) as refused:
        ps.proposal_submit(proposal=draft, by=world.lead_proposer_user)
    assert refused.value.message == f"尚有联名人未确认:郭锦。({COSIGN_RULE})"
    assert reread(draft).status == Proposal.Status.DRAFT

    ps.cosign_confirm(proposal=draft, by=world.cosigner_user)
    assert states(draft) == [("郭锦", "confirmed")]
    submitted = ps.proposal_submit(proposal=draft, by=world.lead_proposer_user)
    assert (submitted.status, submitted.number) == (Proposal.Status.SUBMITTED, "1")


def test_a_cosigner_who_declines_is_taken_off_before_the_draft_goes_in(world):
    draft = wf.draft(world)
    ps.cosign_invite(proposal=draft, proposers=[world.other_proposer], by=world.lead_proposer_user)
    assert states(draft) == [("郭锦", "pending"), ("邱小燕", "pending")]
    ps.cosign_confirm(proposal=draft, by=world.other_proposer_user)
    ps.cosign_decline(proposal=draft, reason="  本人不熟悉该领域。 ", by=world.cosigner_user)
    declined = CoSigner.objects.get(proposal=draft, proposer=world.cosigner)
    assert (declined.state, declined.decline_reason) == ("declined", "本人不熟悉该领域。")

    with pytest.raises(InvalidInput, match="已谢绝联名:郭锦,请先将其移出联名人"):
        ps.proposal_submit(proposal=draft, by=world.lead_proposer_user)

    ps.cosign_remove(proposal=draft, proposer=world.cosigner, by=world.lead_proposer_user)
    assert list(CoSigner.objects.filter(proposal=draft).values_list("proposer", "position")) == [
        (world.other_proposer.pk, 1)
    ]
    ps.proposal_submit(proposal=draft, by=world.lead_proposer_user)
    verbs = list(draft.events.order_by("pk").values_list("verb", "note"))
    assert verbs == [
        (Verb.CREATED, ""),
        (Verb.COSIGN_INVITED, "郭锦"),
        (Verb.COSIGN_INVITED, "邱小燕"),
        (Verb.COSIGN_CONFIRMED, "邱小燕"),
        (Verb.COSIGN_DECLINED, "本人不熟悉该领域。"),
        (Verb.COSIGN_REMOVED, "郭锦"),
        (Verb.SUBMITTED, ""),
    ]
    # The removed co-signer no longer sees the item; the one who signed does.
    assert not Proposal.objects.visible_to(world.cosigner_user).filter(pk=draft.pk).exists()
    assert Proposal.objects.visible_to(world.other_proposer_user).filter(pk=draft.pk).exists()


def test_a_cosigner_may_change_their_mind_until_the_draft_is_submitted(world):
    draft = wf.draft(world)
    ps.cosign_decline(proposal=draft, by=world.cosigner_user)
    ps.cosign_confirm(proposal=draft, by=world.cosigner_user)
    cosigner = CoSigner.objects.get(proposal=draft)
    assert (cosigner.state, cosigner.declined_at, cosigner.decline_reason) == (
        "confirmed",
        None,
        "",
    )
    ps.cosign_decline(proposal=draft, reason="改变主意。", by=world.cosigner_user)
    assert states(draft) == [("郭锦", "declined")]
    # Declining twice records it once.
    ps.cosign_decline(proposal=draft, by=world.cosigner_user)
    assert draft.events.filter(verb=Verb.COSIGN_DECLINED).count() == 2


def test_only_serving_members_of_the_same_body_may_be_invited_once(world):
    draft = wf.draft(world)
    before = snapshot(draft)
    deputy = npc_deputy()
    retired = factories.ProposerFactory(name="已离任委员", is_active=False)
    refusals = [
        ([deputy], "提出人须为本届会议的委员:周海峰不是。"),
        ([world.cosigner], "郭锦已在联名人中。"),
        ([world.lead_proposer], "同一人不能重复联名。"),
        ([retired], "已离任委员已不在任,不能联名。"),
        ([], "请填写要邀请的联名人。"),
    ]
    for people, message in refusals:
        with pytest.raises(InvalidInput) as refused:
            ps.cosign_invite(proposal=draft, proposers=people, by=world.lead_proposer_user)
        assert (refused.value.message, refused.value.field) == (message, "co_signers")
    with pytest.raises(NotPermitted):
        ps.cosign_invite(proposal=draft, proposers=[world.other_proposer], by=world.cosigner_user)
    assert snapshot(draft) == before


def test_staff_adding_a_cosigner_from_the_paper_form_count_them_as_confirmed(world):
    filed = ps.proposal_create(
        session=world.session, title=TITLE, lead_proposer=world.lead_proposer, by=world.staff
    )
    ps.cosign_invite(proposal=filed, proposers=[world.cosigner], by=world.staff)
    assert states(filed) == [("郭锦", "confirmed")]
    ps.proposal_submit(proposal=filed, by=world.staff)


def test_every_step_on_a_withdrawn_item_is_refused_and_changes_nothing(world):
    proposal = wf.submitted(world)
    ps.proposal_withdraw(proposal=proposal, note="另行提出。", by=world.lead_proposer_user)
    before = snapshot(proposal)
    steps = [
        lambda: ps.proposal_update_draft(
            proposal=proposal, body="改", expected_version=1, by=world.lead_proposer_user
        ),
        lambda: ps.cosign_invite(
            proposal=proposal, proposers=[world.other_proposer], by=world.lead_proposer_user
        ),
        lambda: ps.cosign_remove(
            proposal=proposal, proposer=world.cosigner, by=world.lead_proposer_user
        ),
        lambda: ps.cosign_confirm(proposal=proposal, by=world.cosigner_user),
        lambda: ps.cosign_decline(proposal=proposal, by=world.cosigner_user),
        lambda: ps.proposal_submit(proposal=proposal, by=world.lead_proposer_user),
        lambda: ps.proposal_withdraw(proposal=proposal, note="再撤", by=world.lead_proposer_user),
    ]
    for step in steps:
        with pytest.raises(TransitionNotAllowed, match="当前状态为“已撤回”"):
            step()
    assert snapshot(proposal) == before


def test_withdrawing_needs_a_reason_which_the_timeline_keeps(world):
    proposal = wf.submitted(world)
    with pytest.raises(InvalidInput) as refused:
        ps.proposal_withdraw(proposal=proposal, note="  ", by=world.lead_proposer_user)
    assert (refused.value.message, refused.value.field) == ("请填写撤回理由。", "note")
    assert reread(proposal).status == Proposal.Status.SUBMITTED
    ps.proposal_withdraw(proposal=proposal, note="拟与他人合并提出。", by=world.lead_proposer_user)
    event = proposal.events.get(verb=Verb.WITHDRAWN)
    assert (event.from_state, event.to_state, event.note) == (
        "submitted",
        "withdrawn",
        "拟与他人合并提出。",
    )


def test_a_save_from_a_stale_second_tab_is_refused_and_the_first_save_is_kept(world):
    draft = wf.draft(world)
    first_tab = second_tab = draft.version
    ps.proposal_update_draft(
        proposal=draft, expected_version=first_tab, body="甲稿", by=world.lead_proposer_user
    )
    with pytest.raises(EditConflict, match="现为第2版"):
        ps.proposal_update_draft(
            proposal=draft, expected_version=second_tab, body="乙稿", by=world.lead_proposer_user
        )
    saved = reread(draft)
    assert (saved.body, saved.version) == ("甲稿", 2)
    ps.proposal_update_draft(
        proposal=draft, expected_version=2, body="甲稿\n乙稿", by=world.lead_proposer_user
    )
    assert (reread(draft).body, reread(draft).version) == ("甲稿\n乙稿", 3)


def test_a_huge_paste_is_refused_with_the_limit_and_the_count(world):
    draft = wf.draft(world)
    before = snapshot(draft)
    with pytest.raises(InvalidInput) as refused:
        ps.proposal_update_draft(
            proposal=draft, body="长" * (BODY_MAX_CHARS + 1), by=world.lead_proposer_user
        )
    assert refused.value.message == "正文不能超过20000字,现有20001字。"
    assert refused.value.field == "body"
    with pytest.raises(InvalidInput, match="标题不能超过300字,现有301字"):
        ps.proposal_create(
            session=world.session,
            title="长" * 301,
            lead_proposer=world.lead_proposer,
            by=world.lead_proposer_user,
        )
    assert snapshot(draft) == before
    # Exactly at the limit is accepted.
    ps.proposal_update_draft(
        proposal=draft, body="长" * BODY_MAX_CHARS, by=world.lead_proposer_user
    )


def test_changing_the_text_asks_the_confirmed_cosigners_to_confirm_again(
    world, django_capture_on_commit_callbacks
):
    draft = wf.draft(world)
    ps.cosign_confirm(proposal=draft, by=world.cosigner_user)
    # A change of the filing time alone keeps the confirmation.
    ps.proposal_update_draft(proposal=draft, filed_during="interim", by=world.lead_proposer_user)
    assert states(draft) == [("郭锦", "confirmed")]
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_update_draft(
            proposal=draft, body=BODY + "\n三、加强维护管理", by=world.lead_proposer_user
        )
    assert states(draft) == [("郭锦", "pending")]
    event = draft.events.get(verb=Verb.COSIGN_RESET)
    assert event.note == "标题或正文已修改,郭锦须重新确认联名。"
    notice = Notification.objects.get(recipient=world.cosigner_user, event=event)
    assert notice.title.startswith("请重新确认联名")


def test_the_session_deadline_binds_proposers_filing_online(world):
    world.session.filing_closes_at = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
    world.session.save()
    draft = wf.draft(world)
    ps.cosign_confirm(proposal=draft, by=world.cosigner_user)
    with pytest.raises(TransitionNotAllowed) as refused:
        ps.proposal_submit(proposal=draft, by=world.lead_proposer_user)
    assert "已于2026年3月1日18:00截止提交" in refused.value.message
    assert "闭会期间" in refused.value.message
    assert reread(draft).status == Proposal.Status.DRAFT
    # Filed as between sessions, it goes in.
    ps.proposal_update_draft(proposal=draft, filed_during="interim", by=world.lead_proposer_user)
    assert ps.proposal_submit(proposal=draft, by=world.lead_proposer_user).status == "submitted"
    # Staff enter a paper filing received in time after the deadline.
    paper = ps.proposal_create(
        session=world.session, title=TITLE, lead_proposer=world.lead_proposer, by=world.staff
    )
    assert ps.proposal_submit(proposal=paper, by=world.staff).status == "submitted"


def test_cosigners_hear_of_their_invitation_and_the_lead_of_a_refusal(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = wf.draft(world)
    invitation = Notification.objects.get(recipient=world.cosigner_user)
    assert invitation.title == (
        f"联名邀请:戚敏敏邀请您联名{world.session.label}提案《{draft.title}》"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ps.cosign_decline(proposal=draft, reason="时间冲突。", by=world.cosigner_user)
    refusal = Notification.objects.get(recipient=world.lead_proposer_user)
    assert refusal.title.startswith("谢绝联名:郭锦谢绝联名")
    assert "理由:时间冲突。" in refusal.body
    # Staff filing on paper invite nobody.
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_create(
            session=world.session,
            title=TITLE,
            lead_proposer=world.lead_proposer,
            co_signers=[world.other_proposer],
            by=world.staff,
        )
    assert not Notification.objects.filter(recipient=world.other_proposer_user).exists()


# The pages


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_proposer_files_online_and_the_cosigner_confirms_from_their_workspace(world, client):
    client.force_login(world.lead_proposer_user)
    mine = page(client.get(reverse("proposals:mine")))
    assert reverse("proposals:draft_new") in mine and "起草提案" in mine
    form = page(client.get(reverse("proposals:draft_new")))
    assert "邀请联名人" in form and COSIGN_RULE in form
    response = client.post(
        reverse("proposals:draft_new"),
        {
            "session": world.session.pk,
            "title": TITLE,
            "filed_during": "session",
            "body": BODY,
            "co_signers": "郭锦",
        },
    )
    draft = Proposal.objects.get(title=TITLE)
    assert response.url == reverse("proposals:detail", args=[draft.pk])
    assert (draft.created_by, draft.lead_proposer, draft.status) == (
        world.lead_proposer_user,
        world.lead_proposer,
        "draft",
    )
    detail = page(client.get(response.url))
    assert "联名与提交" in detail and "待确认" in detail and "尚有联名人未确认:郭锦。" in detail
    refused = page(client.post(reverse("proposals:submit", args=[draft.pk]), follow=True))
    assert 'class="message error"' in refused and f"({COSIGN_RULE})" in refused
    assert reread(draft).status == "draft"

    client.force_login(world.cosigner_user)
    workspace = page(client.get(reverse("proposals:mine")))
    assert "邀请我联名的" in workspace and TITLE in workspace and "确认联名" in workspace
    client.post(
        reverse("proposals:confirm_cosign", args=[draft.pk]),
        {"next": reverse("proposals:mine")},
    )
    assert states(draft) == [("郭锦", "confirmed")]
    assert "已确认" in page(client.get(reverse("proposals:mine")))

    client.force_login(world.lead_proposer_user)
    client.post(reverse("proposals:submit", args=[draft.pk]))
    assert reread(draft).status == "submitted"
    timeline = page(client.get(reverse("proposals:detail", args=[draft.pk])))
    assert "郭锦确认联名" in timeline


def test_declining_with_a_reason_shows_on_the_leads_page_and_timeline(world, client):
    draft = wf.draft(world)
    client.force_login(world.cosigner_user)
    assert "谢绝理由" in page(client.get(reverse("proposals:decline_cosign", args=[draft.pk])))
    response = client.post(
        reverse("proposals:decline_cosign", args=[draft.pk]), {"reason": "本人不熟悉该领域。"}
    )
    assert response.url == reverse("proposals:mine")
    client.force_login(world.lead_proposer_user)
    detail = page(client.get(reverse("proposals:detail", args=[draft.pk])))
    assert "已谢绝" in detail and "本人不熟悉该领域。" in detail
    assert "郭锦谢绝联名" in detail
    assert "请先将其移出联名人" in detail
    client.post(
        reverse("proposals:remove_cosigner", args=[draft.pk, world.cosigner.pk]),
        {"next": reverse("proposals:detail", args=[draft.pk])},
    )
    assert states(draft) == []


def test_inviting_someone_not_in_the_body_is_refused_and_the_names_stay(world, client):
    npc_deputy()
    draft = wf.draft(world)
    client.force_login(world.lead_proposer_user)
    text = page(client.post(reverse("proposals:cosigners", args=[draft.pk]), {"names": "周海峰"}))
    assert "政协委员名册中没有:周海峰" in text and 'value="周海峰"' in text
    assert states(draft) == [("郭锦", "pending")]
    client.post(reverse("proposals:cosigners", args=[draft.pk]), {"names": "邱小燕"})
    assert states(draft) == [("郭锦", "pending"), ("邱小燕", "pending")]


def test_a_stale_save_from_a_second_tab_keeps_the_typed_text(world, client):
    draft = wf.draft(world)
    client.force_login(world.lead_proposer_user)
    edit = reverse("proposals:draft_edit", args=[draft.pk])
    assert 'name="version" value="1"' in page(client.get(edit))
    form = {"title": draft.title, "filed_during": "session", "topic": "", "version": 1}
    assert client.post(edit, {**form, "body": "第一个标签页的修改"}).status_code == 302
    text = page(client.post(edit, {**form, "body": "第二个标签页的修改"}))
    assert "已在别处保存为第2版" in text
    assert "第二个标签页的修改" in text and "第一个标签页的修改" in text
    assert 'name="version" value="2"' in text
    assert reread(draft).body == "第一个标签页的修改"
    client.post(edit, {**form, "version": 2, "body": "合并后的正文"})
    assert (reread(draft).body, reread(draft).version) == ("合并后的正文", 3)


def test_a_huge_paste_is_refused_on_the_page_with_the_text_kept(world, client):
    draft = wf.draft(world)
    client.force_login(world.lead_proposer_user)
    huge = "长" * (BODY_MAX_CHARS + 5)
    edit = reverse("proposals:draft_edit", args=[draft.pk])
    form = {"title": draft.title, "filed_during": "session", "version": 1, "body": huge}
    text = page(client.post(edit, form))
    assert "正文不能超过20000字,现有20005字。" in text
    assert huge in text and "maxlength" not in text
    assert reread(draft).body == draft.body
    new = page(
        client.post(
            reverse("proposals:draft_new"),
            {
                "session": world.session.pk,
                "title": "新草稿",
                "filed_during": "session",
                "body": huge,
            },
        )
    )
    assert "正文不能超过20000字" in new and huge in new
    assert not Proposal.objects.filter(title="新草稿").exists()


def test_withdrawing_on_the_page_asks_for_the_reason(world, client):
    proposal = wf.submitted(world)
    client.force_login(world.lead_proposer_user)
    detail = page(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert reverse("proposals:withdraw", args=[proposal.pk]) in detail
    url = reverse("proposals:withdraw", args=[proposal.pk])
    assert "请填写撤回理由" in page(client.post(url, {"note": ""}))
    assert reread(proposal).status == "submitted"
    client.post(url, {"note": "已与其他委员合并提出。"})
    assert reread(proposal).status == "withdrawn"
    text = page(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert "撤回" in text and "已与其他委员合并提出。" in text
    # Acting on it afterwards is refused with the reason, nothing changed.
    client.force_login(world.cosigner_user)
    refused = page(
        client.post(reverse("proposals:confirm_cosign", args=[proposal.pk]), follow=True)
    )
    assert "当前状态为“已撤回”" in refused


def test_draft_pages_are_for_those_who_may_take_the_step(world, client):
    draft = wf.draft(world)
    client.force_login(world.cosigner_user)
    assert client.get(reverse("proposals:draft_edit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("proposals:cosigners", args=[draft.pk])).status_code == 403
    client.force_login(world.other_proposer_user)
    assert client.get(reverse("proposals:draft_edit", args=[draft.pk])).status_code == 404
    assert client.get(reverse("proposals:decline_cosign", args=[draft.pk])).status_code == 404
    client.force_login(world.lead_proposer_user)
    assert client.get(reverse("proposals:decline_cosign", args=[draft.pk])).status_code == 403
    for who in (world.staff, world.lead_clerk, world.stranger):
        client.force_login(who)
        assert client.get(reverse("proposals:draft_new")).status_code == 403


# Query counts


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _invite_cosigner_to(world, n: int) -> None:
    """``n`` drafts by other members, each inviting the co-signer."""
    for i in range(n):
        lead = factories.ProposerFactory(user=factories.UserFactory())
        ps.proposal_create(
            session=world.session,
            title=f"关于第{i}件事的提案",
            lead_proposer=lead,
            co_signers=[world.cosigner],
            by=lead.user,
        )


def test_the_invitations_list_reads_in_constant_queries(
    world, client, django_assert_max_num_queries
):
    client.force_login(world.cosigner_user)
    _invite_cosigner_to(world, 2)
    few = _queries(client, reverse("proposals:mine"))
    _invite_cosigner_to(world, 6)
    with django_assert_max_num_queries(few):
        text = page(client.get(reverse("proposals:mine")))
    assert text.count("确认联名</button>") == 8


def test_the_cosigners_page_and_the_draft_read_in_constant_queries(
    world, client, django_assert_max_num_queries
):
    draft = ps.proposal_create(
        session=world.session,
        title=TITLE,
        lead_proposer=world.lead_proposer,
        by=world.lead_proposer_user,
    )
    people = [factories.ProposerFactory(user=factories.UserFactory()) for _ in range(8)]
    ps.cosign_invite(proposal=draft, proposers=people[:2], by=world.lead_proposer_user)
    client.force_login(world.lead_proposer_user)
    pages = [
        reverse("proposals:cosigners", args=[draft.pk]),
        reverse("proposals:detail", args=[draft.pk]),
    ]
    few = [_queries(client, url) for url in pages]
    ps.cosign_invite(proposal=draft, proposers=people[2:], by=world.lead_proposer_user)
    for url, count in zip(pages, few, strict=True):
        with django_assert_max_num_queries(count):
            text = page(client.get(url))
        assert text.count("待确认") == 8
