"""The working pages of each role, driven as a browser would: GETs and form POSTs."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from deadlines.models import Deadline
from portal import clock
from proposals.models import Assignment, Event, Proposal
from responses import richtext
from responses.models import CoHandlingOpinion, ContactLog, Feedback, ReplyLetter
from tests import workflow as wf


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# Committee staff


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "养老"}, {"养老"}),
        ({"q": "第2号"}, {"公交"}),
        ({"status": "assigned"}, {"养老", "公交"}),
        ({"status": "submitted"}, {"食堂"}),
        ({"kind": "proposal"}, {"养老", "公交", "食堂"}),
        ({"is_key": "on"}, {"公交"}),
        ({"agency": "co_agency"}, {"养老"}),
        ({"agency": "other_agency"}, {"公交"}),
        ({"overdue": "on"}, {"养老"}),
    ],
)
def test_the_register_filters(world, client, query, expected):
    care = wf.assigned(world, title="关于养老服务的建议")
    bus = wf.accepted(world, title="关于公交线路的建议")
    wf.ps.proposal_assign(proposal=bus, lead=world.other_agency, by=world.staff)
    wf.ps.proposal_mark_key(proposal=bus, is_key=True, by=world.staff)
    wf.submitted(world, title="关于食堂的建议")
    assert bus.number == "2"
    # The care item's sign-for deadline has passed.
    Deadline.objects.filter(assignment__proposal=care, step="sign_for").update(
        effective_due_on=clock.today() - datetime.timedelta(days=3)
    )
    if "agency" in query:
        query = {"agency": getattr(world, query["agency"]).pk}
    client.force_login(world.staff)
    text = page(client.get(reverse("proposals:register"), query))
    shown = {word for word in ("养老", "公交", "食堂") if f"关于{word}" in text}
    assert shown == expected


def test_bad_filter_values_and_pages_are_shown_calmly(world, client):
    wf.assigned(world)
    client.force_login(world.staff)
    for query in (
        {"session": "abc"},
        {"agency": "999999"},
        {"status": "nonsense"},
        {"page": "abc"},
        {"page": "9999"},
        {"q": "第第号"},
    ):
        assert client.get(reverse("proposals:register"), query).status_code == 200, query


def test_staff_accept_and_reject_with_a_reason_the_proposer_sees(world, client):
    first = wf.submitted(world, title="关于养老服务的建议")
    second = wf.submitted(world, title="关于路灯的建议")
    client.force_login(world.staff)
    queue = page(client.get(reverse("proposals:review_queue")))
    assert "关于养老服务的建议" in queue and "关于路灯的建议" in queue

    client.post(reverse("proposals:accept", args=[first.pk]))
    assert Proposal.objects.get(pk=first.pk).status == Proposal.Status.ACCEPTED

    empty = page(client.post(reverse("proposals:reject", args=[second.pk]), {"reason": "  "}))
    # Django says 这个字段是必填项, DRF's catalogue (installed after it) 该字段是必填项.
    assert "字段是必填项" in empty or "请填写" in empty
    assert Proposal.objects.get(pk=second.pk).status == Proposal.Status.SUBMITTED
    client.post(
        reverse("proposals:reject", args=[second.pk]), {"reason": "属于个人诉求,不予立案。"}
    )
    assert Proposal.objects.get(pk=second.pk).status == Proposal.Status.REJECTED

    client.force_login(world.lead_proposer_user)
    assert "属于个人诉求,不予立案。" in page(
        client.get(reverse("proposals:detail", args=[second.pk]))
    )


def test_staff_assign_a_lead_and_co_handler_and_the_proposer_reads_it_plainly(world, client):
    proposal = wf.accepted(world)
    client.force_login(world.staff)
    form = page(client.get(reverse("proposals:assign", args=[proposal.pk])))
    assert "主办单位" in form
    nothing = page(client.post(reverse("proposals:assign", args=[proposal.pk]), {"note": ""}))
    assert "主办" in nothing and not proposal.assignments.exists()
    client.post(
        reverse("proposals:assign", args=[proposal.pk]),
        {"lead": world.lead_agency.pk, "co_handlers": [world.co_agency.pk]},
    )
    modes = dict(proposal.assignments.values_list("agency__short_name", "mode"))
    assert modes == {"市民政局": "lead", "市卫生健康委": "co"}

    client.force_login(world.lead_proposer_user)
    text = page(client.get(reverse("proposals:detail", args=[proposal.pk])))
    today = clock.today()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    assert "交办杭州市民政局(主办)、杭州市卫生健康委员会(会办)" in text or (
        "交办市民政局(主办)、市卫生健康委(会办)" in text
    )


def test_bulk_assignment_assigns_every_chosen_item(world, client):
    items = [wf.accepted(world, title=f"关于第{n}件事的建议") for n in range(3)]
    client.force_login(world.staff)
    chosen = [p.pk for p in items[:2]]
    page(client.get(reverse("proposals:bulk_assign"), {"proposals": chosen}))
    response = client.post(
        reverse("proposals:bulk_assign"),
        {"proposals": chosen, "lead": world.lead_agency.pk},
    )
    assert response.status_code == 302
    statuses = [Proposal.objects.get(pk=p.pk).status for p in items]
    assert statuses == [
        Proposal.Status.ASSIGNED,
        Proposal.Status.ASSIGNED,
        Proposal.Status.ACCEPTED,
    ]


def test_adjustment_request_and_decision_through_the_queue(world, client):
    proposal = wf.assigned(world)
    lead = wf.lead_of(proposal)
    client.force_login(world.lead_clerk)
    blank = page(
        client.post(reverse("proposals:request_adjustment", args=[lead.pk]), {"reason": ""})
    )
    assert "必填" in blank
    client.post(reverse("proposals:request_adjustment", args=[lead.pk]), {"reason": "职责不符。"})
    assert Assignment.objects.get(pk=lead.pk).status == Assignment.Status.ADJUSTMENT_REQUESTED

    client.force_login(world.staff)
    assert "职责不符。" in page(client.get(reverse("proposals:requests")))
    client.post(
        reverse("proposals:decide_adjustment", args=[lead.pk]),
        {f"a{lead.pk}-decision": "approve", f"a{lead.pk}-new_agency": world.other_agency.pk},
    )
    assert proposal.assignments.active().get(mode="lead").agency == world.other_agency


# Agencies


def test_agency_tabs_count_and_list_the_agencys_own_work(world, client):
    wf.assigned(world, title="关于养老服务的建议")
    wf.signed(world, title="关于社区食堂的建议")
    client.force_login(world.lead_clerk)
    text = page(client.get(reverse("agencies:workspace")))
    assert "关于养老服务的建议" in text and "关于社区食堂的建议" not in text
    assert '<span class="count">1</span>' in text
    handling = page(client.get(reverse("agencies:workspace"), {"tab": "handling"}))
    assert "关于社区食堂的建议" in handling
    client.force_login(world.other_clerk)
    assert "关于养老服务的建议" not in page(client.get(reverse("agencies:workspace")))


def test_the_clerks_steps_from_sign_for_to_sending(world, client):
    proposal = wf.assigned(world)
    lead, co = wf.lead_of(proposal), wf.co_of(proposal)

    client.force_login(world.co_clerk)
    client.post(reverse("proposals:sign_for", args=[co.pk]))
    client.post(reverse("responses:opinion", args=[co.pk]), {"body": "同意主办单位意见。"})
    assert CoHandlingOpinion.objects.filter(assignment=co).exists()

    client.force_login(world.lead_clerk)
    client.post(reverse("proposals:sign_for", args=[lead.pk]))
    assert Assignment.objects.get(pk=lead.pk).status == Assignment.Status.HANDLING
    detail = page(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert "同意主办单位意见。" in detail, "the lead sees the co-handler's opinion"

    bad = page(
        client.post(
            reverse("responses:contact", args=[lead.pk]),
            {"contacted_on": "2026-13-45", "way": "phone", "people": "吴强", "summary": "电话沟通"},
        )
    )
    assert "请填写有效日期" in bad
    client.post(
        reverse("responses:contact", args=[lead.pk]),
        {
            "contacted_on": clock.today().isoformat(),
            "way": "phone",
            "people": "吴强",
            "summary": "电话沟通",
        },
    )
    assert ContactLog.objects.filter(assignment=lead).count() == 1

    client.post(
        reverse("responses:new", args=[lead.pk]),
        {"body": wf.REPLY_TEXT, "result_category": wf.category().pk, "disclosure": "public"},
    )
    letter = ReplyLetter.objects.get(assignment=lead)
    stale = page(
        client.post(
            reverse("responses:edit", args=[letter.pk]),
            {
                "body": "改后的正文",
                "result_category": wf.category().pk,
                "disclosure": "public",
                "version": letter.version - 1,
            },
        )
    )
    assert "已被他人修改" in stale or "已被修改" in stale
    assert ReplyLetter.objects.get(pk=letter.pk).body == richtext.from_plain(wf.REPLY_TEXT)
    client.post(reverse("responses:submit", args=[letter.pk]))

    client.force_login(world.lead_leader)
    queue = page(client.get(reverse("agencies:workspace"), {"tab": "review"}))
    assert proposal.title in queue
    client.post(reverse("responses:approve", args=[letter.pk]))

    client.force_login(world.lead_clerk)
    client.post(reverse("responses:send", args=[letter.pk]))
    assert ReplyLetter.objects.get(pk=letter.pk).status == ReplyLetter.Status.SENT


# Proposers


def test_every_signer_rates_for_themself_and_may_ask_for_rehandling(world, client):
    letter = wf.sent(world)
    proposal = letter.assignment.proposal
    client.force_login(world.cosigner_user)
    text = page(client.get(reverse("proposals:detail", args=[proposal.pk])))
    assert reverse("responses:detail", args=[letter.pk]) in text
    letter_page = page(client.get(reverse("responses:detail", args=[letter.pk])))
    assert "现答复如下" in letter_page and "版)" not in letter_page
    client.post(
        reverse("responses:rate", args=[letter.pk]),
        {"rating": "dissatisfied", "comment": "没有回应养老护理人才问题。"},
    )
    client.force_login(world.lead_proposer_user)
    client.post(reverse("responses:rate", args=[letter.pk]), {"rating": "satisfied"})
    ratings = dict(Feedback.objects.values_list("proposer__name", "rating"))
    assert ratings == {"郭锦": "dissatisfied", "戚敏敏": "satisfied"}

    mine = page(client.get(reverse("proposals:mine")))
    assert proposal.title in mine


def test_a_rehandling_request_after_unsatisfied(world, client):
    letter = wf.sent(world)
    client.force_login(world.lead_proposer_user)
    no_reason = page(
        client.post(reverse("responses:rate", args=[letter.pk]), {"rating": "dissatisfied"})
    )
    assert "请写明不满意的原因" in no_reason and not Feedback.objects.exists()
    client.post(
        reverse("responses:rate", args=[letter.pk]),
        {"rating": "dissatisfied", "comment": "护理人才问题没有答复。"},
    )
    text = page(client.get(reverse("proposals:detail", args=[letter.assignment.proposal_id])))
    assert "不满意" in text
    form = reverse("responses:rehandle", args=[letter.assignment_id])
    assert form in text
    client.post(form, {"note": "养老护理人才问题没有答复。"})
    lead = Assignment.objects.get(pk=letter.assignment_id)
    assert lead.status == Assignment.Status.HANDLING
    assert Event.objects.filter(proposal=lead.proposal, note__contains="养老护理人才").exists()


def test_a_bad_rating_value_is_refused_in_chinese(world, client):
    letter = wf.sent(world)
    client.force_login(world.lead_proposer_user)
    text = page(client.post(reverse("responses:rate", args=[letter.pk]), {"rating": "great"}))
    assert "选择一个有效的选项" in text
    assert not Feedback.objects.exists()


# Everywhere


def test_a_post_without_the_csrf_token_is_refused_with_a_page(world):
    proposal = wf.submitted(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.post(reverse("proposals:accept", args=[proposal.pk]))
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode() or "安全" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SUBMITTED


def test_large_text_mode_is_remembered(client, world):
    client.force_login(world.staff)
    client.post(reverse("set_text_size"), {"size": "large", "next": "/proposals/"})
    assert 'class="large-text' in page(client.get(reverse("proposals:register")))
    client.post(reverse("set_text_size"), {"size": "normal", "next": "https://evil.example/"})
    assert 'class="large-text' not in page(client.get(reverse("proposals:register")))


def test_pages_have_a_skip_link_landmarks_and_labelled_fields(client, world):
    client.force_login(world.staff)
    text = page(client.get(reverse("proposals:register")))
    assert 'href="#main"' in text and '<main id="main"' in text and "<nav" in text
    assert '<label for="id_q"' in text


def test_the_login_throttle_locks_out_after_repeated_failures(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "staff", "password": "correct horse battery staple"}
    )
    assert response.status_code in (403, 429)
    assert "稍后" in response.content.decode()
    assert User.objects.filter(username="staff").exists()


# Query counts stay constant however many items a list holds


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


LIST_PAGES = [
    ("staff", "proposals:register", {}),
    ("staff", "proposals:register", {"overdue": "on", "agency": "lead"}),
    ("staff", "proposals:review_queue", {}),
    ("staff", "proposals:board", {}),
    ("staff", "proposals:requests", {}),
    ("lead_clerk", "agencies:workspace", {}),
    ("lead_clerk", "agencies:workspace", {"tab": "handling"}),
    ("lead_leader", "agencies:workspace", {"tab": "review"}),
    ("lead_proposer_user", "proposals:mine", {}),
    ("lead_clerk", "notifications:inbox", {}),
]


def _grow(world, n: int) -> None:
    for i in range(n):
        wf.submitted(world, title=f"关于第{i}件待审事的建议")
        assigned = wf.assigned(world, title=f"关于第{i}件交办事的建议")
        lead = wf.lead_of(assigned)
        wf.ps.assignment_request_adjustment(
            assignment=lead, reason="职责不符。", by=world.lead_clerk
        )
        wf.pending_approval(world, title=f"关于第{i}件答复事的建议")


@pytest.mark.parametrize(("who", "name", "params"), LIST_PAGES)
def test_list_pages_use_the_same_queries_for_2_and_8_items(
    world, client, django_capture_on_commit_callbacks, who, name, params
):
    if params.get("agency") == "lead":
        params = {**params, "agency": world.lead_agency.pk}
    client.force_login(getattr(world, who))
    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, 2)
    few = _queries(client, reverse(name), params)
    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, 6)
    many = _queries(client, reverse(name), params)
    assert many == few, f"{name}: {few} queries for 2 items, {many} for 8"
    assert many <= 20


def test_the_workspace_opens_where_the_work_is(world, client):
    wf.pending_approval(world)
    client.force_login(world.lead_leader)
    assert page(client.get(reverse("agencies:workspace"))).count('aria-current="page"') >= 1
    assert client.get(reverse("agencies:workspace")).context["tab"] == "review"
    client.force_login(world.lead_clerk)
    assert client.get(reverse("agencies:workspace")).context["tab"] == "handling"
    client.force_login(world.other_clerk)
    assert client.get(reverse("agencies:workspace")).context["tab"] == "pending"
