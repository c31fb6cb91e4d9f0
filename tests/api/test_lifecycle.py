"""A proposal walks the whole process through the REST API alone, from filing to closing.

Every step is an HTTP call to ``/api/v1/`` (the lead agency's clerk through a personal API
token made on the token page, everyone else through the portal's session); the test writes
nothing to the database itself after the ``world`` fixture and asserts through the API's
answers: each step's status code and state, the public API, and at the end the timeline
as staff and as the proposer read it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from proposals.models import Verb

API = "/api/v1"
RAW_TOKEN = re.compile(r"pt_[A-Za-z0-9_-]{43}")
TITLE = "关于完善社区老年食堂布局的提案"
REPLY = "戚敏敏委员:\n\n您提出的提案收悉。现答复如下:\n\n一、关于社区老年食堂选址……"
REVISED = REPLY + "\n二、关于老年食堂运营补贴……"
SECOND_REPLY = "戚敏敏委员:\n\n经重新办理,现再次答复如下:\n\n一、新增老年食堂十二家……"


@pytest.fixture(autouse=True)
def march_18():
    # Deadlines, dates and the timeline's order are counted on a fixed, unmoving day.
    with time_machine.travel(datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@dataclass
class Actor:
    """One person's (or the public's) HTTP client; every answer goes into the shared log."""

    name: str
    client: Client
    log: list = field(repr=False)

    def _call(self, method: str, path: str, data, expect: int):
        if method == "get":
            response = self.client.get(path, data or {})
        else:
            call = getattr(self.client, method)
            response = call(path, data or {}, content_type="application/json")
        self.log.append((self.name, method.upper(), path, response.status_code))
        assert response.status_code == expect, (
            f"{self.name} {method.upper()} {path} answered {response.status_code}, "
            f"expected {expect}: {response.content.decode()[:800]}"
        )
        return response.json()

    def get(self, path: str, params: dict | None = None, expect: int = 200) -> dict:
        return self._call("get", path, params, expect)

    def post(self, path: str, data: dict | None = None, expect: int = 200) -> dict:
        return self._call("post", path, data, expect)

    def patch(self, path: str, data: dict, expect: int = 200) -> dict:
        return self._call("patch", path, data, expect)


def signed_in(name: str, user, log: list) -> Actor:
    client = Client()
    client.force_login(user)
    return Actor(name, client, log)


def with_token(name: str, user, log: list) -> Actor:
    """An actor sending only ``Authorization: Bearer``: the token is made on the token page
    (``/accounts/tokens/``, shown once in the answer to the POST) by a signed-in session
    that is then thrown away."""
    page = Client()
    page.force_login(user)
    made = page.post(reverse("accounts:tokens"), {"name": "办公系统对接", "expires_on": ""})
    assert made.status_code == 200, made.content.decode()[:800]
    (raw,) = set(RAW_TOKEN.findall(made.content.decode()))
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert not client.cookies, "no session: the token alone must open the API"
    return Actor(name, client, log)


def by_name(rows: list[dict], key: str, value) -> dict:
    (row,) = [r for r in rows if r[key] == value]
    return row


def test_the_whole_lifecycle_through_the_api_alone(world, django_capture_on_commit_callbacks):
    w = world
    log: list[tuple[str, str, str, int]] = []
    proposer = signed_in("proposer", w.lead_proposer_user, log)
    cosigner = signed_in("cosigner", w.cosigner_user, log)
    staff = signed_in("staff", w.staff, log)
    clerk = with_token("lead_clerk(token)", w.lead_clerk, log)
    leader = signed_in("lead_leader", w.lead_leader, log)
    co_clerk = signed_in("co_clerk", w.co_clerk, log)
    public = Actor("anonymous", Client(), log)

    # Who everyone is, as the API tells them.
    me = clerk.get(f"{API}/me/")
    assert me["username"] == "lead_clerk", "the Bearer token acts as its owner"
    proposer_id = proposer.get(f"{API}/me/")["roles"]["proposer_id"]
    cosigner_id = cosigner.get(f"{API}/me/")["roles"]["proposer_id"]
    assert proposer_id and cosigner_id
    session = by_name(proposer.get(f"{API}/sessions/")["results"], "body", "cppcc")
    agencies = proposer.get(f"{API}/agencies/", {"page_size": 100})["results"]
    lead_agency = by_name(agencies, "name", "杭州市民政局")["id"]
    co_agency = by_name(agencies, "name", "杭州市卫生健康委员会")["id"]

    # 1. The proposer files a draft with a co-signer, who confirms; the proposer submits.
    filed = proposer.post(
        f"{API}/proposals/",
        {
            "session": session["id"],
            "title": TITLE,
            "body": "一、关于社区老年食堂选址\n二、关于老年食堂运营补贴",
            "lead_proposer": proposer_id,
            "co_signers": [cosigner_id],
        },
        expect=201,
    )
    pid = filed["id"]
    item = f"{API}/proposals/{pid}/"
    assert (filed["status"], filed["number"], filed["kind"]) == ("draft", "", "proposal")
    assert [(c["id"], c["confirmed_at"]) for c in filed["co_signers"]] == [(cosigner_id, None)]

    confirmed = cosigner.post(f"{item}confirm-cosign/")
    assert confirmed["co_signers"][0]["confirmed_at"] is not None

    submitted = proposer.post(f"{item}submit/")
    assert (submitted["status"], submitted["number"]) == ("submitted", "1")

    # 2. CPPCC proposals go through 立案审查 (REVIEW_BODIES); staff accept, then assign.
    assert "cppcc" in settings.PORTAL["REVIEW_BODIES"]
    assert staff.post(f"{item}accept/")["status"] == "accepted"
    assigned = staff.post(
        f"{item}assign/", {"lead": lead_agency, "co_handlers": [co_agency], "note": "请认真办理。"}
    )
    assert assigned["status"] == "assigned"
    lead = by_name(assigned["assignments"], "mode", "lead")
    co = by_name(assigned["assignments"], "mode", "co")
    assert (lead["agency"]["id"], lead["status"]) == (lead_agency, "pending")
    assert (co["agency"]["id"], co["status"]) == (co_agency, "pending")
    lead_url, co_url = f"{API}/assignments/{lead['id']}/", f"{API}/assignments/{co['id']}/"

    # 3. Both agencies sign for; each finds its assignment in its own work queue.
    assert [a["id"] for a in clerk.get(f"{API}/assignments/", {"mine": "true"})["results"]] == [
        lead["id"]
    ]
    assert clerk.post(f"{lead_url}sign-for/")["status"] == "handling"
    assert co_clerk.post(f"{co_url}sign-for/")["status"] == "handling"

    # 4. The co-handler sends its opinion; the lead logs a contact with the proposer.
    opinion = co_clerk.post(
        f"{API}/opinions/", {"assignment": co["id"], "body": "同意主办单位意见。"}, expect=201
    )
    assert opinion["assignment"] == co["id"]
    assert co_clerk.get(co_url)["status"] == "opinion_sent"
    assert [o["id"] for o in clerk.get(f"{API}/opinions/", {"proposal": pid})["results"]] == [
        opinion["id"]
    ]
    clerk.post(
        f"{API}/contacts/",
        {
            "assignment": lead["id"],
            "contacted_on": "2026-03-18",
            "way": "face",
            "people": "吴强、戚敏敏",
            "summary": "面商选址和补贴问题。",
        },
        expect=201,
    )

    # 5. The clerk drafts the reply; the leader returns it; the clerk revises and resubmits;
    #    the leader approves; the clerk sends it.
    categories = clerk.get(f"{API}/result-categories/", {"body": "cppcc"})["results"]
    category = {c["code"]: c["id"] for c in categories}
    letter = clerk.post(
        f"{API}/letters/",
        {
            "assignment": lead["id"],
            "body": REPLY,
            "result_category": category["B"],
            "disclosure": "public",
        },
        expect=201,
    )
    letter_url = f"{API}/letters/{letter['id']}/"
    assert (letter["status"], letter["round"], letter["version"]) == ("draft", 1, 1)
    assert clerk.post(f"{letter_url}submit/")["status"] == "pending"
    comment = "请补充运营补贴的答复。"
    returned = leader.post(f"{letter_url}return/", {"comment": comment})
    assert (returned["status"], returned["return_comment"]) == ("returned", comment)

    read = clerk.get(letter_url)
    revised = clerk.patch(letter_url, {"version": read["version"], "body": REVISED})
    assert revised["version"] == read["version"] + 1 and "运营补贴" in revised["body_html"]
    # A save over the version just replaced is refused and saves nothing.
    stale = clerk.patch(letter_url, {"version": read["version"], "body": "旧稿"}, expect=409)
    assert stale["error"]["code"] == "edit_conflict"
    assert clerk.get(letter_url)["version"] == revised["version"]

    assert clerk.post(f"{letter_url}submit/")["status"] == "pending"
    approved = leader.post(f"{letter_url}approve/")
    assert approved["status"] == "approved" and approved["approved_by"] == str(w.lead_leader)
    sent = clerk.post(f"{letter_url}send/")
    assert sent["status"] == "sent" and sent["sent_at"]
    assert proposer.get(item)["status"] == "replied"

    # 6. The lead publishes it (indexed for search once the publishing commits).
    with django_capture_on_commit_callbacks(execute=True):
        published = clerk.post(f"{letter_url}publish/", {})
    publication = published["publication"]
    assert publication and publication["published_on"] == "2026-03-18"
    assert not publication["withdrawn"]

    # 7. Anyone reads it on the public API, and a search finds it.
    listed = public.get(f"{API}/public/replies/")["results"]
    assert [r["id"] for r in listed] == [publication["id"]]
    shown = public.get(f"{API}/public/replies/{publication['id']}/")
    assert shown["index_number"] == publication["index_number"]
    assert (shown["proposal_title"], shown["proposal_number"]) == (TITLE, "1")
    assert "运营补贴" in shown["body_text"]
    found = public.get(f"{API}/public/replies/", {"q": "老年食堂"})
    assert [r["id"] for r in found["results"]] == [publication["id"]]
    assert "<mark>" in found["results"][0]["snippet"]

    # 8. The proposer rates it 不满意; the agency may not start re-handling, staff do.
    rated = proposer.post(
        f"{lead_url}rate/", {"rating": "dissatisfied", "comment": "补贴标准未答复。"}, expect=201
    )
    assert rated["rating"] == "dissatisfied"
    assert proposer.get(item)["status"] == "replied"
    closing = staff.post(f"{item}close/", expect=400)
    assert "不满意" in closing["error"]["message"], "a 不满意 keeps the item open"
    clerk.post(f"{lead_url}rehandle/", {"note": "自行重办"}, expect=403)
    rehandled = staff.post(f"{lead_url}rehandle/", {"note": "请就补贴标准重新答复。"})
    assert (rehandled["status"], rehandled["round"]) == ("handling", 2)
    assert proposer.get(item)["status"] == "assigned"

    # 9. Round 2: draft, submit, approve, send.
    second = clerk.post(
        f"{API}/letters/",
        {"assignment": lead["id"], "body": SECOND_REPLY, "result_category": category["A"]},
        expect=201,
    )
    second_url = f"{API}/letters/{second['id']}/"
    assert (second["status"], second["round"]) == ("draft", 2)
    assert clerk.post(f"{second_url}submit/")["status"] == "pending"
    assert leader.post(f"{second_url}approve/")["status"] == "approved"
    assert clerk.post(f"{second_url}send/")["status"] == "sent"
    assert proposer.get(item)["status"] == "replied"

    # 10. The proposer rates it 满意: the item closes itself (close_if_complete), so the
    #     staff's close has nothing left to do.
    satisfied = proposer.post(f"{lead_url}rate/", {"rating": "satisfied"}, expect=201)
    assert satisfied["rating"] == "satisfied"
    closed = proposer.get(item)
    assert closed["status"] == "closed" and closed["closed_at"]
    staff.post(f"{item}close/", expect=409)

    # The timeline as staff read it: every step in order, with who took it.
    timeline = staff.get(f"{item}events/", {"page_size": 100})
    assert timeline["count"] == len(timeline["results"])
    steps = [(e["verb"], e["actor"]) for e in timeline["results"]]
    by = {
        "proposer": str(w.lead_proposer_user),
        "cosigner": str(w.cosigner_user),
        "staff": str(w.staff),
        "clerk": str(w.lead_clerk),
        "leader": str(w.lead_leader),
        "co_clerk": str(w.co_clerk),
    }
    assert steps == [
        (Verb.CREATED, by["proposer"]),
        (Verb.COSIGN_INVITED, by["proposer"]),
        (Verb.COSIGN_CONFIRMED, by["cosigner"]),
        (Verb.SUBMITTED, by["proposer"]),
        (Verb.ACCEPTED, by["staff"]),
        (Verb.ASSIGNED, by["staff"]),
        (Verb.SIGNED_FOR, by["clerk"]),
        (Verb.SIGNED_FOR, by["co_clerk"]),
        (Verb.OPINION_SUBMITTED, by["co_clerk"]),
        (Verb.CONTACT_LOGGED, by["clerk"]),
        (Verb.REPLY_DRAFTED, by["clerk"]),
        (Verb.REPLY_SUBMITTED, by["clerk"]),
        (Verb.REPLY_RETURNED, by["leader"]),
        (Verb.REPLY_SUBMITTED, by["clerk"]),
        (Verb.REPLY_APPROVED, by["leader"]),
        (Verb.REPLY_SENT, by["clerk"]),
        (Verb.ALL_REPLIED, by["clerk"]),
        (Verb.REPLY_PUBLISHED, by["clerk"]),
        (Verb.RATED, by["proposer"]),
        (Verb.REHANDLING, by["staff"]),
        (Verb.REPLY_DRAFTED, by["clerk"]),
        (Verb.REPLY_SUBMITTED, by["clerk"]),
        (Verb.REPLY_APPROVED, by["leader"]),
        (Verb.REPLY_SENT, by["clerk"]),
        (Verb.ALL_REPLIED, by["clerk"]),
        (Verb.RATED, by["proposer"]),
        (Verb.CLOSED, None),
    ]
    entries = timeline["results"]
    returned_entry = by_name(entries, "verb", Verb.REPLY_RETURNED)
    assert returned_entry["note"] == comment, "staff read the internal notes"
    assert by_name(entries, "verb", Verb.ASSIGNED)["note"] == "请认真办理。"
    assert by_name(entries, "verb", Verb.ACCEPTED)["text"] == "立案"

    # The proposer's timeline: only the steps that concern them (their own filing among them),
    # no actors, no internal notes.
    mine = proposer.get(f"{item}events/", {"page_size": 100})["results"]
    assert [e["verb"] for e in mine] == [
        Verb.CREATED,
        Verb.COSIGN_INVITED,
        Verb.COSIGN_CONFIRMED,
        Verb.SUBMITTED,
        Verb.ACCEPTED,
        Verb.ASSIGNED,
        Verb.SIGNED_FOR,
        Verb.SIGNED_FOR,
        Verb.CONTACT_LOGGED,
        Verb.REPLY_SENT,
        Verb.ALL_REPLIED,
        Verb.REPLY_PUBLISHED,
        Verb.RATED,
        Verb.REHANDLING,
        Verb.REPLY_SENT,
        Verb.ALL_REPLIED,
        Verb.RATED,
        Verb.CLOSED,
    ]
    assert all(e["actor"] is None for e in mine)
    assert by_name(mine, "verb", Verb.ASSIGNED)["note"] == "", "the assigning note is internal"
    assert by_name(mine, "verb", Verb.REHANDLING)["note"] == "请就补贴标准重新答复。"
    assert [e["note"] for e in mine if e["verb"] == Verb.RATED] == ["补贴标准未答复。", ""]
    assert comment not in str(mine)

    # Every call went over HTTP and none failed on the server's side.
    assert not [call for call in log if call[3] >= 500], log
    assert {call[0] for call in log} >= {"proposer", "lead_clerk(token)", "anonymous"}
    assert all(call[2].startswith(f"{API}/") for call in log)
