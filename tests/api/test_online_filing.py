"""Filing online through the API: a draft edited against its version, co-signers invited by
id or name who confirm or decline, submission refused until they all confirmed, withdrawal
with a reason; each step leaves the events its page leaves."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from agencies.models import Body
from proposals import services as ps
from proposals.models import CoSigner, Event, Proposal, Topic, Verb
from tests import factories
from tests import workflow as wf

MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def march_18():
    with time_machine.travel(MARCH_18, tick=False):
        yield


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def send(client, user, method: str, address: str, data: dict | None = None):
    client.force_login(user)
    return getattr(client, method)(address, data or {}, content_type="application/json")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (status, code)
    assert CHINESE.search(error["message"]), error["message"]
    return error


def test_a_draft_is_edited_against_its_version(world, client):
    draft = wf.draft(world)
    topic = Topic.objects.filter(is_active=True).first()
    address = url("proposal-detail", draft.pk)
    body = ok(
        send(
            client,
            world.lead_proposer_user,
            "patch",
            address,
            {"version": 1, "body": "甲稿", "topic": topic.pk},
        )
    )
    assert (body["body"], body["version"], body["topic"]["id"]) == ("甲稿", 2, topic.pk)

    stale = send(client, world.lead_proposer_user, "patch", address, {"version": 1, "body": "乙稿"})
    error = refused(stale, 409, "edit_conflict")
    assert "现为第2版" in error["message"]
    assert Proposal.objects.get(pk=draft.pk).body == "甲稿"

    cleared = ok(
        send(client, world.lead_proposer_user, "patch", address, {"version": 2, "topic": None})
    )
    assert (cleared["topic"], cleared["body"], cleared["version"]) == (None, "甲稿", 3)
    missing = refused(
        send(client, world.lead_proposer_user, "patch", address, {"body": "丙"}), 400, "invalid"
    )
    assert list(missing["fields"]) == ["version"]


def test_a_huge_body_is_refused_with_the_limit_and_the_count(world, client):
    draft = wf.draft(world)
    huge = "长" * 20_001
    error = refused(
        send(
            client,
            world.lead_proposer_user,
            "patch",
            url("proposal-detail", draft.pk),
            {"version": 1, "body": huge},
        ),
        400,
        "invalid",
    )
    assert error["fields"] == {"body": ["正文不能超过20000字,现有20001字。"]}
    created = send(
        client,
        world.lead_proposer_user,
        "post",
        url("proposal-list"),
        {"session": world.session.pk, "title": "标" * 301, "lead_proposer": world.lead_proposer.pk},
    )
    assert refused(created, 400, "invalid")["fields"] == {
        "title": ["标题不能超过300字,现有301字。"]
    }
    assert Proposal.objects.get(pk=draft.pk).version == 1
    assert Proposal.objects.count() == 1


def test_only_the_drafts_own_people_may_edit_it_and_only_while_a_draft(world, client):
    draft = wf.draft(world)
    address = url("proposal-detail", draft.pk)
    change = {"version": 1, "title": "改"}
    refused(send(client, world.cosigner_user, "patch", address, change), 403, "permission_denied")
    refused(send(client, world.other_proposer_user, "patch", address, change), 404, "not_found")
    submitted = wf.submitted(world, title="已提交的提案")
    refused(
        send(
            client, world.lead_proposer_user, "patch", url("proposal-detail", submitted.pk), change
        ),
        409,
        "transition_not_allowed",
    )


def test_cosigners_are_invited_by_id_or_name_within_the_body(world, client):
    draft = wf.draft(world)
    invite = url("proposal-invite-cosigners", draft.pk)
    factories.ProposerFactory(body=Body.NPC, name="周海峰")
    newcomer = factories.ProposerFactory(name="何珊珊")
    body = ok(
        send(
            client,
            world.lead_proposer_user,
            "post",
            invite,
            {"co_signers": [world.other_proposer.pk], "names": ["何珊珊"]},
        )
    )
    assert [(c["name"], c["position"], c["state"]) for c in body["co_signers"]] == [
        ("郭锦", 1, "pending"),
        ("邱小燕", 2, "pending"),
        ("何珊珊", 3, "pending"),
    ]
    assert body["co_signers"][2]["id"] == newcomer.pk
    unknown = refused(
        send(client, world.lead_proposer_user, "post", invite, {"names": ["周海峰"]}),
        400,
        "invalid",
    )
    assert unknown["fields"] == {
        "names": ["政协委员名册中没有:周海峰。联名人须为本届会议的政协委员,请核对姓名。"]
    }
    deputy = factories.ProposerFactory(body=Body.NPC, name="黄丽")
    other_body = refused(
        send(client, world.lead_proposer_user, "post", invite, {"co_signers": [deputy.pk]}),
        400,
        "invalid",
    )
    assert other_body["fields"] == {"co_signers": ["提出人须为本届会议的委员:黄丽不是。"]}
    malformed = refused(
        send(client, world.lead_proposer_user, "post", invite, {"names": ["邱小燕", None, ["何"]]}),
        400,
        "invalid",
    )
    # One flat list of messages, each naming its place, as every error's fields are.
    assert malformed["fields"] == {
        "names": ["第2个:该字段不能为 null。", "第3个:不是有效的字符串。"]
    }
    nobody = refused(send(client, world.lead_proposer_user, "post", invite, {}), 400, "invalid")
    assert list(nobody["fields"]) == ["co_signers"]
    assert CoSigner.objects.filter(proposal=draft).count() == 3


def test_a_declined_cosigner_keeps_the_draft_in_until_removed(world, client):
    draft = wf.draft(world)
    declined = ok(
        send(
            client,
            world.cosigner_user,
            "post",
            url("proposal-decline-cosign", draft.pk),
            {"reason": "本人不熟悉该领域。"},
        )
    )
    (row,) = declined["co_signers"]
    assert (row["state"], row["state_label"], row["decline_reason"]) == (
        "declined",
        "已谢绝",
        "本人不熟悉该领域。",
    )
    assert row["declined_at"] is not None and row["confirmed_at"] is None
    error = refused(
        send(client, world.lead_proposer_user, "post", url("proposal-submit", draft.pk)),
        400,
        "invalid",
    )
    assert "已谢绝联名:郭锦" in error["message"]
    removed = ok(
        send(
            client,
            world.lead_proposer_user,
            "post",
            url("proposal-remove-cosigner", draft.pk),
            {"proposer": world.cosigner.pk},
        )
    )
    assert removed["co_signers"] == []
    submitted = ok(send(client, world.lead_proposer_user, "post", url("proposal-submit", draft.pk)))
    assert submitted["status"] == "submitted"


def test_withdrawing_needs_a_reason(world, client):
    proposal = wf.submitted(world)
    address = url("proposal-withdraw", proposal.pk)
    error = refused(send(client, world.lead_proposer_user, "post", address, {}), 400, "invalid")
    assert error["fields"] == {"note": ["请填写撤回理由。"]}
    body = ok(send(client, world.lead_proposer_user, "post", address, {"note": "另行提出。"}))
    assert body["status"] == "withdrawn"
    again = send(client, world.cosigner_user, "post", url("proposal-confirm-cosign", proposal.pk))
    assert "已撤回" in refused(again, 409, "transition_not_allowed")["message"]


# The same step on the page and through the API leaves the same events.


def _since(last: int) -> list[tuple]:
    return [
        (e.verb, e.actor_id, e.from_state, e.to_state, e.note)
        for e in Event.objects.filter(pk__gt=last).order_by("pk")
    ]


def _last() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _confirmed(w):
    draft = wf.draft(w)
    ps.cosign_confirm(proposal=draft, by=w.cosigner_user)
    return draft


STEPS = {
    "invite": (
        "lead_proposer_user",
        wf.draft,
        lambda w, p: (url("proposals:cosigners", p.pk), {"names": "邱小燕"}),
        lambda w, p: (url("proposal-invite-cosigners", p.pk), {"names": ["邱小燕"]}),
        [Verb.COSIGN_INVITED],
    ),
    "remove": (
        "lead_proposer_user",
        wf.draft,
        lambda w, p: (url("proposals:remove_cosigner", p.pk, w.cosigner.pk), {}),
        lambda w, p: (url("proposal-remove-cosigner", p.pk), {"proposer": w.cosigner.pk}),
        [Verb.COSIGN_REMOVED],
    ),
    "confirm": (
        "cosigner_user",
        wf.draft,
        lambda w, p: (url("proposals:confirm_cosign", p.pk), {}),
        lambda w, p: (url("proposal-confirm-cosign", p.pk), {}),
        [Verb.COSIGN_CONFIRMED],
    ),
    "decline": (
        "cosigner_user",
        wf.draft,
        lambda w, p: (url("proposals:decline_cosign", p.pk), {"reason": "时间冲突。"}),
        lambda w, p: (url("proposal-decline-cosign", p.pk), {"reason": "时间冲突。"}),
        [Verb.COSIGN_DECLINED],
    ),
    "edit": (
        "lead_proposer_user",
        _confirmed,
        lambda w, p: (
            url("proposals:draft_edit", p.pk),
            {"title": p.title, "filed_during": "session", "body": "新正文", "version": 1},
        ),
        lambda w, p: (url("proposal-detail", p.pk), {"version": 1, "body": "新正文"}),
        [Verb.COSIGN_RESET],
    ),
    "withdraw": (
        "lead_proposer_user",
        wf.submitted,
        lambda w, p: (url("proposals:withdraw", p.pk), {"note": "另行提出。"}),
        lambda w, p: (url("proposal-withdraw", p.pk), {"note": "另行提出。"}),
        [Verb.WITHDRAWN],
    ),
}


@pytest.mark.parametrize("name", STEPS)
def test_each_step_through_the_api_leaves_the_events_the_page_leaves(world, client, name):
    who, setup, page, api, verbs = STEPS[name]
    user = getattr(world, who)
    client.force_login(user)

    address, form = page(world, setup(world))
    before = _last()
    assert client.post(address, form).status_code == 302
    by_page = _since(before)

    address, body = api(world, setup(world))
    before = _last()
    method = "patch" if name == "edit" else "post"
    response = getattr(client, method)(address, body, content_type="application/json")
    assert response.status_code == 200, response.content.decode()
    assert [e[0] for e in by_page] == verbs
    assert _since(before) == by_page


def test_the_new_operations_document_their_refusals():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        ("/api/v1/proposals/{id}/", "patch"),
        ("/api/v1/proposals/{id}/invite-cosigners/", "post"),
        ("/api/v1/proposals/{id}/remove-cosigner/", "post"),
        ("/api/v1/proposals/{id}/decline-cosign/", "post"),
    }
    for path, method in operations:
        documented = set(schema["paths"][path][method]["responses"])
        assert {"200", "400", "403", "404", "409"} <= documented, (path, documented)
