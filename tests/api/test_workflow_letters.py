"""The reply side of the API: opinions, contact records and reply letters read as the pages
show them, and every step taken through the same service as the page, with the same event."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.models import Publication
from portal import clock
from proposals.models import Assignment, Event, Verb
from responses import services as rs
from responses.models import CoHandlingOpinion, ContactLog, Feedback, ReplyLetter
from tests import workflow as wf
from tests.disclosure import cases

API = "/api/v1"
TODAY = clock.today().isoformat()


def post(client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url: str, data: dict):
    return client.patch(url, data, content_type="application/json")


def as_user(client, user):
    client.force_login(user)
    return client


def letter_url(letter, step: str = "") -> str:
    return f"{API}/letters/{letter.pk}/" + (f"{step}/" if step else "")


def assert_refused(response, status: int, code: str, fields: set | None = None):
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    assert error["code"] == code
    if fields is not None:
        assert set(error["fields"]) == fields, error
    return error


# Every step writes the event the page writes


def _timeline(proposal) -> list[tuple]:
    """The item's events after sign-for, without what differs between two items (ids,
    index numbers), in order."""
    first = Event.objects.filter(proposal=proposal, verb=Verb.SIGNED_FOR).order_by("id").last()
    anonymous = {"reply", "contact", "index_number", "publication"}
    return [
        (
            e.verb,
            e.actor.username if e.actor else None,
            e.assignment.mode if e.assignment else None,
            e.from_state,
            e.to_state,
            e.note,
            {k: "*" if k in anonymous else v for k, v in e.data.items()},
        )
        for e in proposal.events.filter(id__gt=first.id).select_related("actor", "assignment")
    ]


def _through_the_pages(w, client, proposal):
    lead, co = wf.lead_of(proposal), wf.co_of(proposal)
    as_user(client, w.co_clerk).post(reverse("responses:opinion", args=[co.pk]), {"body": "同意。"})
    contact = {"contacted_on": TODAY, "way": "face", "people": "吴强、戚敏敏", "summary": "面商。"}
    as_user(client, w.lead_clerk).post(reverse("responses:contact", args=[lead.pk]), contact)
    client.post(
        reverse("responses:new", args=[lead.pk]),
        {"body": wf.REPLY_TEXT, "result_category": wf.category().pk, "disclosure": "public"},
    )
    letter = ReplyLetter.objects.get(assignment=lead)
    client.post(reverse("responses:submit", args=[letter.pk]))
    as_user(client, w.lead_leader).post(
        reverse("responses:return", args=[letter.pk]), {"comment": "请补充下一步打算。"}
    )
    as_user(client, w.lead_clerk).post(reverse("responses:submit", args=[letter.pk]))
    as_user(client, w.lead_leader).post(reverse("responses:approve", args=[letter.pk]))
    as_user(client, w.lead_clerk).post(reverse("responses:send", args=[letter.pk]))
    client.post(reverse("disclosure:publish", args=[letter.pk]), {"published_on": ""})
    as_user(client, w.lead_proposer_user).post(
        reverse("responses:rate", args=[letter.pk]),
        {"rating": "dissatisfied", "comment": "没有回答第二点。"},
    )
    client.post(reverse("responses:rehandle", args=[lead.pk]), {"note": "请答复第二点。"})


def _through_the_api(w, client, proposal):
    lead, co = wf.lead_of(proposal), wf.co_of(proposal)
    as_user(client, w.co_clerk)
    assert (
        post(client, f"{API}/opinions/", {"assignment": co.pk, "body": "同意。"}).status_code == 201
    )
    contact = {"contacted_on": TODAY, "way": "face", "people": "吴强、戚敏敏", "summary": "面商。"}
    as_user(client, w.lead_clerk)
    assert post(client, f"{API}/contacts/", {"assignment": lead.pk, **contact}).status_code == 201
    drafted = post(
        client,
        f"{API}/letters/",
        {
            "assignment": lead.pk,
            "body": wf.REPLY_TEXT,
            "result_category": wf.category().pk,
            "disclosure": "public",
        },
    )
    assert drafted.status_code == 201
    letter = ReplyLetter.objects.get(pk=drafted.json()["id"])
    assert post(client, letter_url(letter, "submit")).status_code == 200
    as_user(client, w.lead_leader)
    returned = post(client, letter_url(letter, "return"), {"comment": "请补充下一步打算。"})
    assert returned.status_code == 200
    assert post(as_user(client, w.lead_clerk), letter_url(letter, "submit")).status_code == 200
    assert post(as_user(client, w.lead_leader), letter_url(letter, "approve")).status_code == 200
    assert post(as_user(client, w.lead_clerk), letter_url(letter, "send")).status_code == 200
    assert post(client, letter_url(letter, "publish")).status_code == 200
    as_user(client, w.lead_proposer_user)
    rating = {"rating": "dissatisfied", "comment": "没有回答第二点。"}
    assert post(client, f"{API}/assignments/{lead.pk}/rate/", rating).status_code == 201
    rehandle = post(client, f"{API}/assignments/{lead.pk}/rehandle/", {"note": "请答复第二点。"})
    assert rehandle.status_code == 200


def test_every_step_through_the_api_writes_the_events_the_pages_write(world, client):
    by_pages = wf.signed(world, title="关于完善“15分钟公共服务圈”的建议")
    by_api = wf.signed(world, title="关于加强养老护理人才培养的建议")
    _through_the_pages(world, client, by_pages)
    _through_the_api(world, client, by_api)

    expected = _timeline(by_pages)
    assert [step[0] for step in expected] == [
        Verb.OPINION_SUBMITTED,
        Verb.CONTACT_LOGGED,
        Verb.REPLY_DRAFTED,
        Verb.REPLY_SUBMITTED,
        Verb.REPLY_RETURNED,
        Verb.REPLY_SUBMITTED,
        Verb.REPLY_APPROVED,
        Verb.REPLY_SENT,
        Verb.ALL_REPLIED,
        Verb.REPLY_PUBLISHED,
        Verb.RATED,
        Verb.REHANDLING,
    ], "the pages took every step"
    assert _timeline(by_api) == expected


# Reading


def test_a_letter_reads_with_its_text_and_metadata(world, client):
    letter = cases.sent(world, document_number="杭民函〔2026〕12号")
    data = as_user(client, world.lead_clerk).get(letter_url(letter)).json()
    assert data["id"] == letter.pk and data["assignment"] == letter.assignment_id
    assert data["proposal"]["id"] == letter.assignment.proposal_id
    assert data["agency"] == {"id": world.lead_agency.pk, "name": "杭州市民政局"}
    assert (data["status"], data["status_display"]) == ("sent", "已答复")
    assert data["result_category"]["code"] == "A"
    assert (data["disclosure"], data["document_number"]) == ("public", "杭民函〔2026〕12号")
    assert data["round"] == 1 and data["version"] == 2
    assert data["body_html"].startswith("<p>戚敏敏委员:</p>")
    assert data["approved_by"] == str(world.lead_leader)
    assert data["approved_at"] and data["sent_at"] and data["publication"] is None


def test_the_working_notes_are_for_the_agency_and_the_staff_only(world, client):
    letter = cases.sent(world)
    for user in (world.lead_clerk, world.staff):
        data = as_user(client, user).get(letter_url(letter)).json()
        assert data["version"] == 1 and data["drafted_by"] == str(world.lead_clerk)
    for user in (world.lead_proposer_user, world.co_clerk):
        data = as_user(client, user).get(letter_url(letter)).json()
        assert data["body_html"], "the sent letter itself is theirs to read"
        assert data["version"] is None and data["drafted_by"] is None
        assert data["return_comment"] is None
        response = client.get(letter_url(letter, "revisions"))
        assert_refused(response, 403, "permission_denied")


def test_a_draft_is_seen_by_its_agency_and_the_staff_only(world, client):
    letter = wf.drafted(world)
    for user in (world.lead_clerk, world.lead_leader, world.staff):
        assert as_user(client, user).get(letter_url(letter)).status_code == 200
    for user in (world.co_clerk, world.lead_proposer_user, world.other_clerk, world.npc_staff):
        assert_refused(as_user(client, user).get(letter_url(letter)), 404, "not_found")
        assert client.get(f"{API}/letters/").json()["count"] == 0


def test_an_unrelated_agency_sees_nothing_and_can_do_nothing(world, client):
    letter = wf.sent(world)
    lead = letter.assignment
    opinion, contact = CoHandlingOpinion.objects.get(), ContactLog.objects.get()
    as_user(client, world.other_clerk)
    for url in (
        letter_url(letter),
        letter_url(letter, "revisions"),
        f"{API}/opinions/{opinion.pk}/",
        f"{API}/contacts/{contact.pk}/",
    ):
        assert_refused(client.get(url), 404, "not_found")
    for url in (f"{API}/letters/", f"{API}/opinions/", f"{API}/contacts/"):
        assert client.get(url).json()["count"] == 0, url
    for step in ("submit", "approve", "send", "publish"):
        assert_refused(post(client, letter_url(letter, step)), 404, "not_found")
    assert_refused(patch(client, letter_url(letter), {"version": 1}), 404, "not_found")
    rating = {"rating": "satisfied"}
    assert_refused(post(client, f"{API}/assignments/{lead.pk}/rate/", rating), 404, "not_found")
    assert_refused(post(client, f"{API}/assignments/{lead.pk}/rehandle/"), 404, "not_found")
    assert not Publication.objects.exists()


def test_the_letters_list_filters(world, client):
    sent = cases.sent(world, title="关于甲的建议")
    draft = wf.drafted(world, title="关于乙的建议")
    as_user(client, world.lead_clerk)

    def ids(**query):
        response = client.get(f"{API}/letters/", query)
        assert response.status_code == 200, response.content.decode()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {sent.pk, draft.pk}
    assert ids(status="draft") == {draft.pk}
    assert ids(assignment=sent.assignment_id) == {sent.pk}
    assert ids(proposal=draft.assignment.proposal_id) == {draft.pk}
    assert ids(agency=world.lead_agency.pk) == {sent.pk, draft.pk}
    assert ids(agency=world.co_agency.pk) == set()
    bad = client.get(f"{API}/letters/", {"status": "lost", "agency": "x"})
    assert_refused(bad, 400, "invalid", {"status", "agency"})


def test_the_revisions_are_every_saved_version(world, client):
    letter = wf.drafted(world)
    rs.reply_update(letter=letter, body="第二稿", expected_version=1, by=world.lead_clerk)
    response = as_user(client, world.lead_clerk).get(letter_url(letter, "revisions"))
    rows = response.json()["results"]
    assert [(r["version"], r["note"]) for r in rows] == [(2, ""), (1, "起草")]
    assert rows[0]["body_html"] == "<p>第二稿</p>" and rows[0]["saved_by"] == str(world.lead_clerk)


def test_opinions_go_to_the_lead_not_the_proposer(world, client):
    wf.drafted(world)
    opinion = CoHandlingOpinion.objects.get()
    for user in (world.co_clerk, world.lead_clerk, world.staff):
        data = as_user(client, user).get(f"{API}/opinions/{opinion.pk}/").json()
        assert data["body"] == "我委同意市民政局的意见。"
        assert data["agency"]["name"] == "杭州市卫生健康委员会"
    as_user(client, world.lead_proposer_user)
    assert_refused(client.get(f"{API}/opinions/{opinion.pk}/"), 404, "not_found")


# Steps


def test_a_clerk_drafts_and_saves_against_the_version_last_seen(world, client):
    proposal = wf.signed(world)
    as_user(client, world.lead_clerk)
    response = post(
        client,
        f"{API}/letters/",
        {"assignment": wf.lead_of(proposal).pk, "body": "第一稿", "disclosure": "public"},
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["version"], data["body_html"]) == ("draft", 1, "<p>第一稿</p>")
    letter = ReplyLetter.objects.get(pk=data["id"])

    saved = patch(
        client,
        letter_url(letter),
        {"version": 1, "body": "第二稿", "document_number": "杭民函〔2026〕12号"},
    )
    assert saved.status_code == 200, saved.content.decode()
    assert (saved.json()["version"], saved.json()["body_html"]) == (2, "<p>第二稿</p>")
    assert saved.json()["document_number"] == "杭民函〔2026〕12号"

    stale = patch(client, letter_url(letter), {"version": 1, "body": "乙的修改"})
    assert_refused(stale, 409, "edit_conflict")
    letter.refresh_from_db()
    assert (letter.version, letter.body) == (2, "<p>第二稿</p>")

    assert_refused(
        patch(client, letter_url(letter), {"body": "没有版本号"}), 400, "invalid", {"version"}
    )


def test_a_draft_generated_from_the_template_is_queued_and_then_written(
    world, client, django_capture_on_commit_callbacks
):
    proposal = wf.signed(world)
    as_user(client, world.lead_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, f"{API}/letters/", {"assignment": wf.lead_of(proposal).pk, "generate": True}
        )
    assert response.status_code == 201
    assert response.json()["generation"] == "queued"
    data = client.get(f"{API}/letters/{response.json()['id']}/").json()
    assert data["generation"] == "done"
    assert "戚敏敏委员" in data["body_html"] and "收悉" in data["body_html"]


def test_a_clerk_cannot_sign_off(world, client):
    letter = wf.pending_approval(world)
    assert_refused(
        post(as_user(client, world.lead_clerk), letter_url(letter, "approve")),
        403,
        "permission_denied",
    )
    letter.refresh_from_db()
    assert letter.status == ReplyLetter.Status.PENDING_APPROVAL
    assert not Event.objects.filter(verb=Verb.REPLY_APPROVED).exists()


def test_a_draft_not_submitted_cannot_be_signed_off(world, client):
    letter = wf.drafted(world)
    response = post(as_user(client, world.lead_leader), letter_url(letter, "approve"))
    assert_refused(response, 409, "transition_not_allowed")
    letter.refresh_from_db()
    assert letter.status == ReplyLetter.Status.DRAFT


def test_the_leader_signs_off_and_the_clerk_sends(world, client):
    letter = wf.pending_approval(world)
    approved = post(as_user(client, world.lead_leader), letter_url(letter, "approve")).json()
    assert approved["status"] == "approved" and approved["approved_by"] == str(world.lead_leader)
    assert approved["written_on"] == TODAY
    sent = post(as_user(client, world.lead_clerk), letter_url(letter, "send")).json()
    assert sent["status"] == "sent" and sent["sent_at"]
    lead = Assignment.objects.get(pk=letter.assignment_id)
    assert lead.status == Assignment.Status.REPLIED
    assert_refused(post(client, letter_url(letter, "send")), 409, "transition_not_allowed")
    assert_refused(patch(client, letter_url(letter), {"version": 3}), 409, "transition_not_allowed")


def test_a_returned_letter_carries_the_leaders_comment(world, client):
    letter = wf.pending_approval(world)
    as_user(client, world.lead_leader)
    assert_refused(post(client, letter_url(letter, "return")), 400, "invalid", {"comment"})
    data = post(client, letter_url(letter, "return"), {"comment": "请补充下一步打算。"}).json()
    assert (data["status"], data["return_comment"]) == ("returned", "请补充下一步打算。")


def test_publishing_gives_the_index_number(world, client):
    letter = cases.sent(world)
    as_user(client, world.lead_clerk)
    future = (clock.today() + datetime.timedelta(days=3)).isoformat()
    late = post(client, letter_url(letter, "publish"), {"published_on": future})
    assert_refused(late, 400, "invalid", {"published_on"})
    bad = post(client, letter_url(letter, "publish"), {"published_on": "2026-13-40"})
    assert_refused(bad, 400, "invalid", {"published_on"})
    data = post(client, letter_url(letter, "publish")).json()
    publication = Publication.objects.get(letter=letter)
    assert data["publication"] == {
        "id": publication.pk,
        "index_number": publication.index_number,
        "published_on": TODAY,
        "withdrawn": False,
    }
    assert publication.index_number.startswith(f"{world.lead_agency.org_code}/")
    again = post(client, letter_url(letter, "publish"))
    assert "不能重复发布" in assert_refused(again, 409, "transition_not_allowed")["message"]


def test_a_withheld_reply_is_not_published(world, client):
    letter = cases.sent(world, disclosure="withheld", reason="涉及个人隐私。")
    response = post(as_user(client, world.lead_clerk), letter_url(letter, "publish"))
    assert_refused(response, 409, "transition_not_allowed")
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("endpoint", "sent", "fields"),
    [
        ("opinions", {"body": ""}, {"assignment", "body"}),
        ("opinions", {"assignment": "第一号", "body": "同意。"}, {"assignment"}),
        ("opinions", {"assignment": 999999, "body": "同意。"}, {"assignment"}),
        (
            "contacts",
            {"contacted_on": "昨天", "way": "email", "people": "人" * 301, "summary": ""},
            {"assignment", "contacted_on", "way", "people", "summary"},
        ),
        (
            "letters",
            {"disclosure": "secret", "result_category": 999999, "generate": "maybe"},
            {"assignment", "disclosure", "result_category", "generate"},
        ),
    ],
)
def test_what_is_sent_is_checked_first(world, client, endpoint, sent, fields):
    wf.signed(world)
    response = post(as_user(client, world.lead_clerk), f"{API}/{endpoint}/", sent)
    assert_refused(response, 400, "invalid", fields)


def test_the_services_refusals_name_their_field(world, client):
    proposal = wf.signed(world)
    lead = wf.lead_of(proposal)
    as_user(client, world.lead_clerk)
    withheld = {"assignment": lead.pk, "disclosure": "withheld", "nondisclosure_reason": " "}
    assert_refused(
        post(client, f"{API}/letters/", withheld), 400, "invalid", {"nondisclosure_reason"}
    )
    future = (clock.today() + datetime.timedelta(days=1)).isoformat()
    contact = {"assignment": lead.pk, "contacted_on": future, "way": "phone", "people": "吴强"}
    response = post(client, f"{API}/contacts/", {**contact, "summary": "电话。"})
    assert_refused(response, 400, "invalid", {"contacted_on"})
    generated_and_written = {"assignment": lead.pk, "generate": True, "body": "正文"}
    assert_refused(post(client, f"{API}/letters/", generated_and_written), 400, "invalid", {"body"})
    assert not ReplyLetter.objects.exists() and not ContactLog.objects.exists()


def test_a_lead_agency_cannot_write_a_co_handling_opinion(world, client):
    proposal = wf.signed(world)
    as_user(client, world.lead_clerk)
    co = {"assignment": wf.co_of(proposal).pk, "body": "同意。"}
    assert_refused(post(client, f"{API}/opinions/", co), 403, "permission_denied")
    assert not CoHandlingOpinion.objects.exists()


# Ratings and re-handling


def test_each_signer_rates_and_a_dissatisfied_one_has_it_handled_again(world, client):
    letter = cases.sent(world)
    lead = letter.assignment
    rate, rehandle = f"{API}/assignments/{lead.pk}/rate/", f"{API}/assignments/{lead.pk}/rehandle/"

    as_user(client, world.lead_clerk)
    assert_refused(post(client, rate, {"rating": "satisfied"}), 403, "permission_denied")

    as_user(client, world.cosigner_user)
    nothing_to_redo = assert_refused(post(client, rehandle), 400, "invalid")
    assert "不满意" in nothing_to_redo["message"]
    rated = post(client, rate, {"rating": "satisfied"})
    assert rated.status_code == 201
    assert rated.json()["proposer"] == {"id": world.cosigner.pk, "name": "郭锦"}
    assert_refused(post(client, rate, {"rating": "basically"}), 400, "invalid", {"rating"})

    as_user(client, world.lead_proposer_user)
    assert_refused(post(client, rate, {"rating": "great"}), 400, "invalid", {"rating"})
    no_reason = post(client, rate, {"rating": "dissatisfied"})
    assert_refused(no_reason, 400, "invalid", {"comment"})
    rated = post(client, rate, {"rating": "dissatisfied", "comment": "没有回答第二点。"})
    assert rated.status_code == 201
    assert (rated.json()["rating"], rated.json()["channel"]) == ("dissatisfied", "online")
    assert Feedback.objects.filter(reply=letter).count() == 2
    satisfied = post(as_user(client, world.cosigner_user), rehandle)
    assert_refused(satisfied, 403, "permission_denied")

    as_user(client, world.lead_proposer_user)
    again = post(client, rehandle, {"note": "请答复第二点。"})
    assert again.status_code == 200, again.content.decode()
    assert (again.json()["status"], again.json()["round"]) == ("handling", 2)
    event = Event.objects.get(verb=Verb.REHANDLING)
    assert (event.actor, event.assignment_id, event.note) == (
        world.lead_proposer_user,
        lead.pk,
        "请答复第二点。",
    )

    as_user(client, world.lead_clerk)
    second = post(client, f"{API}/letters/", {"assignment": lead.pk, "body": "再次答复。"})
    assert second.status_code == 201 and second.json()["round"] == 2


def test_no_rating_before_the_reply_is_sent(world, client):
    letter = wf.approved(world)
    as_user(client, world.lead_proposer_user)
    response = post(
        client, f"{API}/assignments/{letter.assignment_id}/rate/", {"rating": "satisfied"}
    )
    assert_refused(response, 409, "transition_not_allowed")


# Query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(captured)


@pytest.mark.parametrize("who", ["lead_clerk", "staff", "lead_proposer_user"])
def test_the_lists_cost_the_same_for_two_letters_as_for_six(
    world, client, who, django_assert_max_num_queries
):
    def some(start: int, count: int):
        for i in range(start, start + count):
            wf.sent(world, title=f"关于第{i}件事的建议")  # with an opinion and a contact

    some(0, 2)
    urls = [f"{API}/letters/", f"{API}/opinions/", f"{API}/contacts/"]
    user = getattr(world, who)
    as_user(client, user)
    with_two = {url: _queries(client, url) for url in urls}
    some(2, 4)
    assert client.get(f"{API}/letters/").json()["count"] == 6
    for url in urls:
        with django_assert_max_num_queries(with_two[url]):
            client.get(url)
