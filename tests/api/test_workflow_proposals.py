"""The workflow API: proposals and assignments read as their pages show them, and every
step taken through the same service as the page, leaving the same events."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from agencies.models import Body
from deadlines import services as deadline_services
from deadlines.models import Deadline, ExtensionRequest
from notifications.models import Notification
from proposals import services as ps
from proposals import timeline
from proposals.models import Assignment, Event, Proposal, Topic, Verb
from tests import factories
from tests import workflow as wf

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def march_18():
    # Deadlines and extension dates below are counted from a fixed day.
    with time_machine.travel(MARCH_18, tick=False):
        yield


def url(name: str, *args) -> str:
    return reverse(f"{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, address: str, data: dict | None = None):
    return client.post(address, data or {}, content_type="application/json")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def refused(response, status: int) -> dict:
    """The one error shape, with a Chinese message."""
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert CHINESE.search(error["message"]), error["message"]
    return error


def ids(body: dict) -> set[int]:
    return {row["id"] for row in body["results"]}


# Each step through the page and through the API leaves the same events


NUMBER = re.compile(r"第\d+号")
ID_KEYS = {"assignment", "into", "into_number", "source", "source_number", "deadline", "request"}


def _plain(data):
    """Event data without the ids that differ between two runs of the same step."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items() if k not in ID_KEYS}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _events_since(last: int) -> list[tuple]:
    return [
        (e.verb, e.actor_id, e.from_state, e.to_state, NUMBER.sub("第N号", e.note), _plain(e.data))
        for e in Event.objects.filter(pk__gt=last).order_by("pk")
    ]


def _last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@dataclass
class Step:
    """A step set up by ``setup``, taken by ``who`` on the page and through the API."""

    who: str
    setup: Callable
    page: Callable  # (world, obj) -> (address, form data)
    api: Callable  # (world, obj) -> (address, JSON body)
    verbs: tuple[str, ...]


def _confirmed_draft(w):
    proposal = wf.draft(w)
    ps.cosign_confirm(proposal=proposal, by=w.cosigner_user)
    return proposal


def _two_submitted(w):
    return wf.submitted(w, title="关于老旧小区加装电梯的建议"), wf.submitted(w)


def _referenced_and_read(w):
    proposal = wf.accepted(w)
    (reference,) = ps.proposal_assign(proposal=proposal, reference=[w.lead_agency], by=w.staff)
    ps.assignment_sign_for(assignment=reference, by=w.lead_clerk)
    return proposal


def _co_adjustment(w):
    co = wf.co_of(wf.assigned(w))
    return ps.assignment_request_adjustment(assignment=co, reason="职责不符。", by=w.co_clerk)


def _lead_after_signing(w):
    return wf.lead_of(wf.signed(w))


def _reply_deadline(assignment) -> Deadline:
    return Deadline.objects.get(assignment=assignment, step="reply")


def _extension_asked(w):
    lead = _lead_after_signing(w)
    return deadline_services.extension_request(
        deadline=_reply_deadline(lead),
        proposed_date=datetime.date(2026, 8, 18),
        reason="需待年度预算批复后答复。",
        by=w.lead_clerk,
    )


STEPS = {
    "create": Step(
        "staff",
        lambda w: None,
        lambda w, _: (
            url("proposals:file"),
            {
                "session": w.session.pk,
                "number": "",
                "title": "关于完善社区食堂的建议",
                "lead_proposer": "戚敏敏",
                "co_signers": "郭锦",
                "filed_during": "interim",
                "topic": "",
                "body": "一、关于社区食堂选址",
                "submit_now": "on",
            },
        ),
        lambda w, _: (
            url("proposal-list"),
            {
                "session": w.session.pk,
                "title": "关于完善社区食堂的建议",
                "lead_proposer": w.lead_proposer.pk,
                "co_signers": [w.cosigner.pk],
                "filed_during": "interim",
                "body": "一、关于社区食堂选址",
                "submit_now": True,
            },
        ),
        (Verb.CREATED, Verb.SUBMITTED),
    ),
    "submit": Step(
        "lead_proposer_user",
        _confirmed_draft,
        lambda w, p: (url("proposals:submit", p.pk), {}),
        lambda w, p: (url("proposal-submit", p.pk), {}),
        (Verb.SUBMITTED,),
    ),
    "accept": Step(
        "staff",
        wf.submitted,
        lambda w, p: (url("proposals:accept", p.pk), {}),
        lambda w, p: (url("proposal-accept", p.pk), {}),
        (Verb.ACCEPTED,),
    ),
    "reject": Step(
        "staff",
        wf.submitted,
        lambda w, p: (
            url("proposals:reject", p.pk),
            {"reason": "属于个人诉求,不符合立案条件。", "forward": "on"},
        ),
        lambda w, p: (
            url("proposal-reject", p.pk),
            {"reason": "属于个人诉求,不符合立案条件。", "forward": True},
        ),
        (Verb.REJECTED,),
    ),
    "merge": Step(
        "staff",
        _two_submitted,
        lambda w, pair: (
            url("proposals:merge", pair[0].pk),
            {"into_number": f"第{pair[1].number}号", "note": "内容相近。"},
        ),
        lambda w, pair: (
            url("proposal-merge", pair[0].pk),
            {"into": pair[1].pk, "note": "内容相近。"},
        ),
        (Verb.MERGED, Verb.MERGED),
    ),
    "mark-key": Step(
        "staff",
        wf.accepted,
        lambda w, p: (url("proposals:mark_key", p.pk), {"is_key": "1"}),
        lambda w, p: (url("proposal-mark-key", p.pk), {"is_key": True}),
        (Verb.MARKED_KEY,),
    ),
    "assign": Step(
        "staff",
        wf.accepted,
        lambda w, p: (
            url("proposals:assign", p.pk),
            {"lead": w.lead_agency.pk, "co_handlers": [w.co_agency.pk], "note": "请抓紧办理。"},
        ),
        lambda w, p: (
            url("proposal-assign", p.pk),
            {"lead": w.lead_agency.pk, "co_handlers": [w.co_agency.pk], "note": "请抓紧办理。"},
        ),
        (Verb.ASSIGNED,),
    ),
    "close": Step(
        "staff",
        _referenced_and_read,
        lambda w, p: (url("proposals:close", p.pk), {"note": "参阅件已签阅。"}),
        lambda w, p: (url("proposal-close", p.pk), {"note": "参阅件已签阅。"}),
        (Verb.CLOSED,),
    ),
    "sign-for": Step(
        "lead_clerk",
        lambda w: wf.lead_of(wf.assigned(w)),
        lambda w, a: (url("proposals:sign_for", a.pk), {}),
        lambda w, a: (url("assignment-sign-for", a.pk), {}),
        (Verb.SIGNED_FOR,),
    ),
    "request-adjustment": Step(
        "lead_clerk",
        lambda w: wf.lead_of(wf.assigned(w)),
        lambda w, a: (
            url("proposals:request_adjustment", a.pk),
            {"reason": "养老设施建设由市住建局负责。"},
        ),
        lambda w, a: (
            url("assignment-request-adjustment", a.pk),
            {"reason": "养老设施建设由市住建局负责。"},
        ),
        (Verb.ADJUSTMENT_REQUESTED,),
    ),
    "decide-adjustment": Step(
        "staff",
        _co_adjustment,
        lambda w, a: (
            url("proposals:decide_adjustment", a.pk),
            {
                f"a{a.pk}-decision": "approve",
                f"a{a.pk}-new_agency": w.other_agency.pk,
                f"a{a.pk}-note": "改由交通运输局会办。",
            },
        ),
        lambda w, a: (
            url("assignment-decide-adjustment", a.pk),
            {
                "decision": "approve",
                "new_agency": w.other_agency.pk,
                "note": "改由交通运输局会办。",
            },
        ),
        (Verb.ADJUSTMENT_APPROVED, Verb.ASSIGNED),
    ),
    "request-extension": Step(
        "lead_clerk",
        _lead_after_signing,
        lambda w, a: (
            url("deadlines:request_extension", _reply_deadline(a).pk),
            {"proposed_date": "2026-08-18", "reason": "需待年度预算批复后答复。"},
        ),
        lambda w, a: (
            url("assignment-request-extension", a.pk),
            {"proposed_date": "2026-08-18", "reason": "需待年度预算批复后答复。"},
        ),
        (Verb.EXTENSION_REQUESTED,),
    ),
    "decide-extension": Step(
        "staff",
        _extension_asked,
        lambda w, r: (
            url("proposals:decide_extension", r.pk),
            {
                f"e{r.pk}-decision": "approve",
                f"e{r.pk}-granted_date": "2026-08-10",
                f"e{r.pk}-note": "同意延期。",
            },
        ),
        lambda w, r: (
            url("assignment-decide-extension", r.deadline.assignment_id),
            {"decision": "approve", "granted_date": "2026-08-10", "note": "同意延期。"},
        ),
        (Verb.EXTENSION_APPROVED,),
    ),
}


@pytest.mark.parametrize("name", STEPS)
def test_each_step_through_the_api_leaves_the_events_the_page_leaves(world, client, name):
    step = STEPS[name]
    user = getattr(world, step.who)
    client.force_login(user)

    obj = step.setup(world)
    before = _last_event()
    address, form = step.page(world, obj)
    assert client.post(address, form).status_code == 302
    by_page = _events_since(before)

    obj = step.setup(world)
    before = _last_event()
    address, body = step.api(world, obj)
    response = post(client, address, body)
    assert response.status_code in (200, 201), response.content.decode()
    by_api = _events_since(before)

    assert [e[0] for e in by_api] == list(step.verbs)
    assert all(e[1] == user.pk for e in by_api)
    assert by_api == by_page


def test_creating_answers_201_with_the_item_as_its_page_shows_it(world, client):
    topic = Topic.objects.filter(is_active=True).first()
    body = ok(
        post(
            as_user(client, world.staff),
            url("proposal-list"),
            {
                "session": world.session.pk,
                "title": "关于完善社区食堂的建议",
                "lead_proposer": world.lead_proposer.pk,
                "co_signers": [world.cosigner.pk],
                "topic": topic.pk,
                "number": "88",
                "is_key": True,
            },
        ),
        201,
    )
    assert (body["number"], body["status"], body["status_label"]) == ("88", "draft", "草稿")
    assert body["is_key"] is True and body["kind"] == "proposal"
    assert body["topic"] == {"id": topic.pk, "label": str(topic)}
    assert [c["name"] for c in body["co_signers"]] == ["郭锦"]
    assert body["co_signers"][0]["confirmed_at"] is not None, "staff hold the signed paper"
    assert body["lead_proposer"] == {
        "id": world.lead_proposer.pk,
        "name": "戚敏敏",
        "title": "委员",
    }


def test_a_proposer_files_their_own_draft_but_not_for_someone_else(world, client):
    client = as_user(client, world.lead_proposer_user)
    mine = ok(
        post(
            client,
            url("proposal-list"),
            {
                "session": world.session.pk,
                "title": "关于社区食堂的建议",
                "lead_proposer": world.lead_proposer.pk,
            },
        ),
        201,
    )
    assert mine["status"] == "draft" and mine["number"] == ""
    error = refused(
        post(
            client,
            url("proposal-list"),
            {
                "session": world.session.pk,
                "title": "代人录入",
                "lead_proposer": world.other_proposer.pk,
            },
        ),
        403,
    )
    assert error["message"] == "您没有权限为他人录入建议提案。"
    refused(
        post(
            client,
            url("proposal-list"),
            {
                "session": world.session.pk,
                "title": "自定编号",
                "lead_proposer": world.lead_proposer.pk,
                "number": "1",
            },
        ),
        403,
    )
    assert Proposal.objects.count() == 1


def test_a_cosigner_confirms_and_the_lead_then_submits(world, client):
    draft = wf.draft(world)
    refused(post(as_user(client, world.lead_proposer_user), url("proposal-submit", draft.pk)), 400)
    body = ok(post(as_user(client, world.cosigner_user), url("proposal-confirm-cosign", draft.pk)))
    assert body["co_signers"][0]["confirmed_at"] is not None
    assert Event.objects.filter(proposal=draft, verb=Verb.COSIGN_CONFIRMED).count() == 1
    body = ok(post(as_user(client, world.lead_proposer_user), url("proposal-submit", draft.pk)))
    assert body["status"] == "submitted" and body["number"]


def test_a_proposer_withdraws_before_review_and_the_timeline_says_so(world, client):
    proposal = wf.submitted(world)
    body = ok(
        post(
            as_user(client, world.lead_proposer_user),
            url("proposal-withdraw", proposal.pk),
            {"note": "另行提出。"},
        )
    )
    assert body["status"] == "withdrawn"
    event = Event.objects.get(proposal=proposal, verb=Verb.WITHDRAWN)
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        world.lead_proposer_user,
        "submitted",
        "withdrawn",
        "另行提出。",
    )


def test_assigning_returns_the_item_with_its_assignments(world, client):
    proposal = wf.accepted(world)
    body = ok(
        post(
            as_user(client, world.staff),
            url("proposal-assign", proposal.pk),
            {
                "split": [world.lead_agency.pk, world.co_agency.pk],
                "reference": [world.other_agency.pk],
            },
        )
    )
    assert body["status"] == "assigned"
    rows = {(a["agency"]["display_name"], a["mode"], a["status"]) for a in body["assignments"]}
    assert rows == {
        ("市民政局", "split", "pending"),
        ("市卫生健康委", "split", "pending"),
        ("市交通运输局", "reference", "pending"),
    }
    assert {a["display_name"] for a in body["replying_agencies"]} == {"市民政局", "市卫生健康委"}
    assert body["next_due"] is not None


def test_an_approved_adjustment_answers_with_the_replacement(world, client):
    co = _co_adjustment(world)
    body = ok(
        post(
            as_user(client, world.staff),
            url("assignment-decide-adjustment", co.pk),
            {"decision": "approve", "new_agency": world.other_agency.pk},
        )
    )
    assert body["id"] != co.pk
    assert (body["agency"]["id"], body["mode"], body["status"]) == (
        world.other_agency.pk,
        "co",
        "pending",
    )
    co.refresh_from_db()
    assert co.status == Assignment.Status.WITHDRAWN and co.replaced_by_id == body["id"]


def test_an_extension_is_asked_shown_pending_and_then_granted(world, client):
    lead = _lead_after_signing(world)
    body = ok(
        post(
            as_user(client, world.lead_clerk),
            url("assignment-request-extension", lead.pk),
            {"proposed_date": "2026-08-18", "reason": "需待年度预算批复后答复。"},
        )
    )
    pending = body["pending_extension"]
    assert pending["proposed_date"] == "2026-08-18" and pending["status"] == "pending"
    assert pending["reason"] == "需待年度预算批复后答复。"
    # The proposer reads that an extension is asked, not why.
    seen = ok(as_user(client, world.lead_proposer_user).get(url("assignment-detail", lead.pk)))
    assert seen["pending_extension"]["reason"] is None

    body = ok(
        post(
            as_user(client, world.staff),
            url("assignment-decide-extension", lead.pk),
            {"decision": "approve"},
        )
    )
    assert body["pending_extension"] is None
    (reply,) = [d for d in body["deadlines"] if d["step"] == "reply"]
    assert reply["extended_to"] == reply["effective_due_on"] == "2026-08-18"
    assert "已延期" in reply["state_label"]


# Who may see and act


def test_a_clerk_of_another_agency_can_neither_see_nor_act(world, client):
    proposal = wf.assigned(world)
    lead = wf.lead_of(proposal)
    client = as_user(client, world.other_clerk)
    for address in (
        url("proposal-detail", proposal.pk),
        url("proposal-events", proposal.pk),
        url("assignment-detail", lead.pk),
    ):
        refused(client.get(address), 404)
    for address, body in (
        (url("assignment-sign-for", lead.pk), {}),
        (url("assignment-request-adjustment", lead.pk), {"reason": "不归我管。"}),
        (
            url("assignment-request-extension", lead.pk),
            {"proposed_date": "2026-08-18", "reason": "忙。"},
        ),
        (url("proposal-close", proposal.pk), {}),
    ):
        refused(post(client, address, body), 404)
    lead.refresh_from_db()
    assert lead.status == Assignment.Status.PENDING
    assert not Event.objects.filter(actor=world.other_clerk).exists()


def test_a_proposer_cannot_accept_their_own_item(world, client):
    proposal = wf.submitted(world)
    error = refused(
        post(as_user(client, world.lead_proposer_user), url("proposal-accept", proposal.pk)), 403
    )
    assert error["message"] == "您没有权限立案。"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_co_handler_cannot_sign_for_the_leads_assignment(world, client):
    lead = wf.lead_of(wf.assigned(world))
    client = as_user(client, world.co_clerk)
    assert client.get(url("assignment-detail", lead.pk)).status_code == 200
    refused(post(client, url("assignment-sign-for", lead.pk)), 403)


def test_staff_of_the_other_body_are_told_404(world, client):
    proposal = wf.submitted(world)
    refused(post(as_user(client, world.npc_staff), url("proposal-accept", proposal.pk)), 404)


def test_a_step_the_state_does_not_allow_is_a_409_in_chinese(world, client):
    proposal = wf.accepted(world)
    client = as_user(client, world.staff)
    error = refused(post(client, url("proposal-accept", proposal.pk)), 409)
    assert error["code"] == "transition_not_allowed"
    assert error["message"] == "当前状态为“已立案”,不能立案。"
    lead = wf.lead_of(wf.signed(world))
    error = refused(
        post(as_user(client, world.lead_clerk), url("assignment-sign-for", lead.pk)), 409
    )
    assert error["message"] == "当前状态为“办理中”,不能签收。"


def test_there_is_no_extension_to_decide_until_one_is_asked(world, client):
    lead = _lead_after_signing(world)
    error = refused(
        post(
            as_user(client, world.staff),
            url("assignment-decide-extension", lead.pk),
            {"decision": "approve"},
        ),
        409,
    )
    assert error["message"] == "该交办没有延期申请。"


# What was sent


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("reject", {"reason": "   "}, "reason"),
        ("reject", {}, "reason"),
        ("reject", {"reason": "长" * 2001}, "reason"),
        ("reject", {"reason": "不符合条件。", "forward": "也许"}, "forward"),
        ("merge", {"into": 999999}, "into"),
        ("merge", {"into": "第1号"}, "into"),
        ("assign", {"lead": 999999}, "lead"),
        ("assign", {"co_handlers": "市卫生健康委"}, "co_handlers"),
        ("assign", {"co_handlers": [999999]}, "co_handlers"),
        ("mark-key", {"is_key": [1]}, "is_key"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, client, name, body, field):
    proposal = wf.submitted(world) if name in ("reject", "merge") else wf.accepted(world)
    before = _last_event()
    error = refused(
        post(as_user(client, world.staff), url(f"proposal-{name}", proposal.pk), body), 400
    )
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert all(CHINESE.search(m) for m in error["fields"][field]), error["fields"]
    assert _events_since(before) == []


def test_an_item_the_caller_may_not_see_cannot_be_merged_into(world, client):
    proposal = wf.submitted(world)
    hidden = wf.draft(world)  # a proposer's draft: staff do not see it
    error = refused(
        post(as_user(client, world.staff), url("proposal-merge", proposal.pk), {"into": hidden.pk}),
        400,
    )
    assert error["fields"]["into"] == [f"没有编号为 {hidden.pk} 的建议提案。"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"lead": None}, "lead", "请选择承办单位。"),
        ({"split": ["{lead}"]}, "split", "分办须有两个及以上单位;只有一个单位时请设为主办。"),
        ({"lead": "{lead}", "split": ["{co}", "{other}"]}, "split", "主办和分办不能同时使用。"),
        ({"lead": "{inactive}"}, "lead", "没有编号为 {inactive} 的启用中的承办单位。"),
    ],
)
def test_an_assignment_plan_the_rules_refuse_is_a_400(world, client, body, field, message):
    inactive = factories.AgencyFactory(name="已撤并的局", is_active=False)
    ids_by_name = {
        "lead": world.lead_agency.pk,
        "co": world.co_agency.pk,
        "other": world.other_agency.pk,
        "inactive": inactive.pk,
    }

    def fill(value):
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str):
            return int(value.format(**ids_by_name))
        return value

    proposal = wf.accepted(world)
    error = refused(
        post(
            as_user(client, world.staff),
            url("proposal-assign", proposal.pk),
            {k: fill(v) for k, v in body.items()},
        ),
        400,
    )
    assert error["fields"][field] == [message.format(**ids_by_name)]
    assert not proposal.assignments.exists()


def test_adjustment_and_extension_input_is_checked(world, client):
    co = _co_adjustment(world)
    client = as_user(client, world.staff)
    error = refused(
        post(client, url("assignment-decide-adjustment", co.pk), {"decision": "refuse"}), 400
    )
    assert error["fields"] == {"note": ["请填写不同意调整的理由。"]}
    error = refused(
        post(client, url("assignment-decide-adjustment", co.pk), {"decision": "maybe"}), 400
    )
    assert list(error["fields"]) == ["decision"]
    error = refused(
        post(
            client,
            url("assignment-decide-adjustment", co.pk),
            {"decision": "approve", "new_agency": 999999},
        ),
        400,
    )
    assert error["fields"] == {"new_agency": ["没有编号为 999999 的启用中的承办单位。"]}

    lead = _lead_after_signing(world)
    client = as_user(client, world.lead_clerk)
    for body, field in (
        ({"proposed_date": "2026-02-30", "reason": "忙。"}, "proposed_date"),
        ({"proposed_date": "2027-01-01", "reason": "忙。"}, "proposed_date"),
        ({"proposed_date": "2026-08-18", "reason": ""}, "reason"),
        ({"proposed_date": "2026-08-18", "reason": "忙。", "deadline": 999999}, "deadline"),
    ):
        error = refused(post(client, url("assignment-request-extension", lead.pk), body), 400)
        assert list(error["fields"]) == [field], error
    # Another assignment's deadline is not this one's.
    other = Deadline.objects.exclude(assignment=lead).first()
    error = refused(
        post(
            client,
            url("assignment-request-extension", lead.pk),
            {"proposed_date": "2026-08-18", "reason": "忙。", "deadline": other.pk},
        ),
        400,
    )
    assert error["fields"] == {"deadline": [f"本交办没有编号为 {other.pk} 的期限。"]}
    assert not ExtensionRequest.objects.exists()


def test_a_body_that_is_not_json_is_a_400_not_a_500(world, client):
    proposal = wf.submitted(world)
    response = as_user(client, world.staff).post(
        url("proposal-reject", proposal.pk), "{reason:", content_type="application/json"
    )
    assert refused(response, 400)["code"] == "parse_error"


def test_unknown_ids_in_the_address_are_404(world, client):
    client = as_user(client, world.staff)
    refused(client.get(url("proposal-detail", 999999)), 404)
    refused(post(client, url("proposal-accept", 999999)), 404)
    refused(post(client, url("assignment-sign-for", 999999)), 404)
    refused(client.get(url("proposal-events", 999999)), 404)


def test_creating_with_unknown_ids_is_a_400_per_field(world, client):
    error = refused(
        post(
            as_user(client, world.staff),
            url("proposal-list"),
            {
                "session": 999999,
                "title": "",
                "lead_proposer": 999999,
                "co_signers": [world.cosigner.pk, 999999],
                "topic": 999999,
            },
        ),
        400,
    )
    assert set(error["fields"]) == {"session", "title", "lead_proposer", "co_signers", "topic"}
    assert error["fields"]["session"] == ["没有编号为 999999 的会议。"]
    assert not Proposal.objects.exists()


# Lists, by role


@pytest.fixture
def items(world):
    """An assigned item of the lead proposer, a submitted one of another, an NPC suggestion."""
    npc_proposer = factories.ProposerFactory(body=Body.NPC, name="周海峰")
    npc = ps.proposal_create(
        session=world.npc_session,
        title="关于地铁延时的建议",
        lead_proposer=npc_proposer,
        by=world.npc_staff,
    )
    ps.proposal_submit(proposal=npc, by=world.npc_staff)
    other = ps.proposal_create(
        session=world.session,
        title="关于公交线路的提案",
        lead_proposer=world.other_proposer,
        by=world.other_proposer_user,
    )
    ps.proposal_submit(proposal=other, by=world.other_proposer_user)
    return {"assigned": wf.assigned(world), "other": other, "npc": npc}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("staff", {"assigned", "other"}),
        ("npc_staff", {"npc"}),
        ("lead_clerk", {"assigned"}),
        ("co_leader", {"assigned"}),
        ("other_clerk", set()),
        ("lead_proposer_user", {"assigned"}),
        ("cosigner_user", {"assigned"}),
        ("other_proposer_user", {"other"}),
        ("stranger", set()),
    ],
)
def test_each_role_lists_what_its_pages_show(world, client, items, who, sees):
    client = as_user(client, getattr(world, who))
    listed = ids(ok(client.get(url("proposal-list"))))
    assert listed == {items[name].pk for name in sees}
    assignments = ok(client.get(url("assignment-list")))["results"]
    assert {a["proposal"]["id"] for a in assignments} == listed & {items["assigned"].pk}


def test_a_clerk_lists_their_agencys_work_queue(world, client, items):
    client = as_user(client, world.co_clerk)
    everything = ok(client.get(url("assignment-list")))["results"]
    assert {a["agency"]["display_name"] for a in everything} == {"市民政局", "市卫生健康委"}
    mine = ok(client.get(url("assignment-list"), {"mine": "true", "status": "pending"}))["results"]
    assert [(a["agency"]["display_name"], a["mode"]) for a in mine] == [("市卫生健康委", "co")]
    assert mine[0]["deadlines"][0]["step"] == "sign_for"
    assert ok(client.get(url("assignment-list"), {"mode": "lead", "mine": "true"}))["results"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "养老"}, {"care"}),
        ({"q": "第2号"}, {"bus"}),
        ({"status": "assigned"}, {"care", "bus"}),
        ({"status": "submitted"}, {"canteen"}),
        ({"kind": "proposal"}, {"care", "bus", "canteen"}),
        ({"kind": "suggestion"}, set()),
        ({"is_key": "true"}, {"bus"}),
        ({"agency": "co_agency"}, {"care"}),
        ({"agency": "other_agency"}, {"bus"}),
        ({"overdue": "true"}, {"care"}),
        ({"session": "session"}, {"care", "bus", "canteen"}),
        ({"session": "npc_session"}, set()),
    ],
)
def test_the_list_filters_as_the_register_does(world, client, query, expected):
    made = {
        "care": wf.assigned(world, title="关于养老服务的建议"),
        "bus": wf.accepted(world, title="关于公交线路的建议"),
    }
    ps.proposal_assign(proposal=made["bus"], lead=world.other_agency, by=world.staff)
    ps.proposal_mark_key(proposal=made["bus"], is_key=True, by=world.staff)
    made["canteen"] = wf.submitted(world, title="关于食堂的建议")
    Deadline.objects.filter(assignment__proposal=made["care"], step="sign_for").update(
        effective_due_on=datetime.date(2026, 3, 15)
    )
    key, value = next(iter(query.items()))
    if key in ("agency", "session"):
        query = {key: getattr(world, value).pk}
    listed = ids(ok(as_user(client, world.staff).get(url("proposal-list"), query)))
    assert listed == {made[name].pk for name in expected}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"session": "abc"}, "session"),
        ({"agency": "999999"}, "agency"),
        ({"status": "nonsense"}, "status"),
        ({"q": "长" * 101}, "q"),
    ],
)
def test_a_filter_value_that_is_not_a_choice_is_a_400(world, client, query, field):
    error = refused(as_user(client, world.staff).get(url("proposal-list"), query), 400)
    assert list(error["fields"]) == [field]


def test_a_page_past_the_end_is_a_404(world, client):
    wf.submitted(world)
    refused(as_user(client, world.staff).get(url("proposal-list"), {"page": 9}), 404)


def test_the_item_reads_as_its_page(world, client):
    proposal = wf.assigned(world)
    body = ok(as_user(client, world.lead_proposer_user).get(url("proposal-detail", proposal.pk)))
    assert body["title"] == proposal.title and body["body"].startswith("一、")
    assert body["session"] == {"id": world.session.pk, "label": world.session.label}
    assert (body["status"], body["status_label"], body["kind_label"]) == (
        "assigned",
        "办理中",
        "提案",
    )
    assert [(c["name"], c["position"]) for c in body["co_signers"]] == [("郭锦", 1)]
    assert [
        (a["agency"]["display_name"], a["mode_label"], a["status_label"])
        for a in body["assignments"]
    ] == [
        ("市民政局", "主办", "待签收"),
        ("市卫生健康委", "会办", "待签收"),
    ]


# The timeline


def _page_entries(proposal, user) -> list[str]:
    agency_ids = proposal.assignments.values_list("agency_id", flat=True)
    for_proposer = timeline.for_proposer(user, proposal, agency_ids)
    events = proposal.events.select_related("actor", "assignment__agency")
    return [e.text for e in timeline.entries(proposal, events, for_proposer=for_proposer)]


def test_the_timeline_differs_for_the_proposer_as_on_the_page(world, client):
    proposal = wf.accepted(world)
    ps.proposal_assign(
        proposal=proposal, lead=world.lead_agency, note="请重点研究养老设施布局。", by=world.staff
    )
    lead = wf.lead_of(proposal)
    ps.assignment_request_adjustment(assignment=lead, reason="职责不符。", by=world.lead_clerk)
    ps.assignment_decide_adjustment(
        assignment=lead, approve=False, note="属于你局职责。", by=world.staff
    )
    merged = wf.submitted(world, title="关于养老设施的提案")
    ps.proposal_merge(proposal=merged, into=proposal, by=world.staff)

    staff = ok(as_user(client, world.staff).get(url("proposal-events", proposal.pk)))
    proposer = ok(
        as_user(client, world.lead_proposer_user).get(url("proposal-events", proposal.pk))
    )

    assert [e["text"] for e in staff["results"]] == _page_entries(proposal, world.staff)
    assert [e["text"] for e in proposer["results"]] == _page_entries(
        proposal, world.lead_proposer_user
    )
    staff_verbs = [e["verb"] for e in staff["results"]]
    assert {"created", "adjustment_requested", "adjustment_refused"} <= set(staff_verbs)
    assert staff_verbs.count("merged") == 1
    assigned = next(e for e in staff["results"] if e["verb"] == "assigned")
    assert assigned["actor"] == str(world.staff)
    assert assigned["note"] == "请重点研究养老设施布局。"
    assert (assigned["from_state"], assigned["to_state"]) == ("accepted", "assigned")
    assert (assigned["from_state_label"], assigned["to_state_label"]) == ("已立案", "办理中")
    refusal = next(e for e in staff["results"] if e["verb"] == "adjustment_refused")
    assert (refusal["agency"], refusal["to_state_label"]) == ("市民政局", "待签收")

    # The proposer reads their own filing steps and the handling, not the agencies' inside.
    proposer_verbs = [e["verb"] for e in proposer["results"]]
    assert proposer_verbs == [
        "created",
        "cosign_invited",
        "cosign_confirmed",
        "submitted",
        "accepted",
        "assigned",
    ]
    assert all(e["actor"] is None and e["note"] == "" for e in proposer["results"])
    assert proposer["count"] == 6


def test_the_timeline_is_paged(world, client):
    proposal = wf.signed(world)
    body = ok(
        as_user(client, world.staff).get(url("proposal-events", proposal.pk), {"page_size": 2})
    )
    assert body["count"] == proposal.events.count() and len(body["results"]) == 2
    assert body["next"]


# Sessions, agencies, proposers, notifications


def test_sessions_and_active_agencies_are_for_anyone_signed_in(world, client):
    factories.AgencyFactory(name="已撤并的局", is_active=False)
    assert client.get(url("session-list")).status_code == 401
    client = as_user(client, world.stranger)
    sessions = ok(client.get(url("session-list")))
    assert {s["label"] for s in sessions["results"]} == {
        "市政协十二届二次会议",
        "市十四届人大五次会议",
    }
    cppcc = ok(client.get(url("session-list"), {"body": "cppcc"}))["results"]
    assert [s["id"] for s in cppcc] == [world.session.pk]
    agencies = ok(client.get(url("agency-list")))
    assert {a["name"] for a in agencies["results"]} == {
        "杭州市民政局",
        "杭州市卫生健康委员会",
        "杭州市交通运输局",
    }
    assert ok(client.get(url("agency-list"), {"q": "民政"}))["count"] == 1


@pytest.mark.parametrize(
    ("who", "status", "names"),
    [
        ("staff", 200, {"戚敏敏", "郭锦", "邱小燕"}),
        ("npc_staff", 200, {"周海峰"}),
        ("lead_clerk", 403, None),
        ("lead_proposer_user", 403, None),
    ],
)
def test_the_proposer_register_is_for_committee_staff_of_its_body(
    world, client, who, status, names
):
    factories.ProposerFactory(body=Body.NPC, name="周海峰")
    factories.ProposerFactory(body=Body.CPPCC, name="已离任", is_active=False)
    response = as_user(client, getattr(world, who)).get(url("proposer-list"))
    if status == 403:
        refused(response, 403)
        return
    assert {p["name"] for p in ok(response)["results"]} == names


def test_the_inbox_is_ones_own_and_can_be_read(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wf.assigned(world)
    notice = Notification.objects.get(recipient=world.lead_clerk)
    refused(as_user(client, world.co_clerk).get(url("notification-detail", notice.pk)), 404)
    refused(post(client, url("notification-read", notice.pk)), 404)

    client = as_user(client, world.lead_clerk)
    inbox = ok(client.get(url("notification-list"), {"unread": "true"}))
    assert [n["id"] for n in inbox["results"]] == [notice.pk]
    assert inbox["results"][0]["link"].endswith(f"/proposals/{notice.proposal_id}/")
    body = ok(post(client, url("notification-read", notice.pk)))
    assert body["read_at"] is not None
    assert ok(client.get(url("notification-list"), {"unread": "true"}))["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        wf.assigned(world, title="关于另一件事的提案")
    assert ok(post(client, url("notification-read-all"))) == {"marked": 1}
    assert not Notification.objects.filter(recipient=world.lead_clerk, read_at=None).exists()
    assert Notification.objects.filter(recipient=world.co_clerk, read_at=None).count() == 2


# Query counts stay constant however many items a list holds


def _queries(client, address: str, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        ok(client.get(address, params or {}))
    return len(captured)


def _grow(world, n: int) -> None:
    for i in range(n):
        proposal = wf.signed(world, title=f"关于第{i}件事的建议")
        ps.proposal_mark_key(proposal=proposal, is_key=True, by=world.staff)
        deadline_services.extension_request(
            deadline=_reply_deadline(wf.lead_of(proposal)),
            proposed_date=datetime.date(2026, 8, 18),
            reason="需待年度预算批复后答复。",
            by=world.lead_clerk,
        )


@pytest.mark.parametrize(
    ("who", "name", "params"),
    [
        ("staff", "proposal-list", {}),
        ("staff", "proposal-list", {"overdue": "false", "agency": "lead", "q": "事"}),
        ("lead_proposer_user", "proposal-list", {}),
        ("staff", "assignment-list", {}),
        ("lead_clerk", "assignment-list", {"mine": "true"}),
        ("lead_clerk", "notification-list", {}),
    ],
)
def test_lists_use_the_same_queries_for_2_and_6_items(
    world,
    client,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    who,
    name,
    params,
):
    if params.get("agency") == "lead":
        params = {**params, "agency": world.lead_agency.pk}
    client = as_user(client, getattr(world, who))
    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, 2)
    few = _queries(client, url(name), params)
    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, 4)
    assert ok(client.get(url(name), params))["count"] >= 6
    with django_assert_max_num_queries(few):
        client.get(url(name), params)
    assert few <= 12, f"{name}: {few} queries"


def test_the_timeline_reads_in_constant_queries(world, client, django_assert_max_num_queries):
    short = wf.assigned(world)
    long = wf.signed(world)
    ps.proposal_mark_key(proposal=long, is_key=True, by=world.staff)
    client = as_user(client, world.staff)
    few = _queries(client, url("proposal-events", short.pk))
    with django_assert_max_num_queries(few):
        client.get(url("proposal-events", long.pk))


# The schema


def test_every_workflow_operation_is_described_in_chinese():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    prefixes = (
        "/api/v1/sessions/",
        "/api/v1/agencies/",
        "/api/v1/proposers/",
        "/api/v1/proposals/",
        "/api/v1/notifications/",
    )
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        if path.startswith(prefixes)
        or (path.startswith("/api/v1/assignments/") and not path.endswith(("rate/", "rehandle/")))
        for method, op in item.items()
    ]
    assert len(operations) >= 25
    for path, method, op in operations:
        assert CHINESE.search(op.get("summary", "")), (path, method)
        assert CHINESE.search(op.get("description", "")), (path, method)
        if method == "post" and "requestBody" in op:
            (content,) = op["requestBody"]["content"].values()
            ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
            properties = schema["components"]["schemas"][ref]["properties"]
            for field, spec in properties.items():
                assert CHINESE.search(spec.get("description", "")), (path, field)
        for response in op["responses"].values():
            for content in response.get("content", {}).values():
                ref = content["schema"].get("$ref", "").rsplit("/", 1)[-1]
                description = schema["components"]["schemas"].get(ref, {}).get("description")
                assert description is None or CHINESE.search(description), (path, ref)
        if method == "post" and path.endswith("/{id}/") is False and "{id}" in path:
            assert {"403", "404", "409"} <= set(op["responses"]) or path.startswith(
                "/api/v1/notifications/"
            ), (path, op["responses"].keys())
