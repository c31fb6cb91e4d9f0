"""往年相似建议提案: the earlier items most like a draft or an item, ranked by the words that
say what they are about, found only where the reader may find them, with their replies."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Body
from proposals import services as ps
from proposals import similarity
from proposals.demo.data import SEED_CASES, SESSIONS
from proposals.demo.loader import SUBTOPICS, letter_text
from proposals.models import Proposal, ProposalSearch, ProposalTerm, Session, Topic
from tests import factories
from tests import workflow as wf

from .precedents import TOPIC_BODY, TOPIC_TITLE, index_all, letter_of, replied

# -- the labelled set: the seed letters --------------------------------------------------------

# Each seed file and the case built from it (the Shenzhen page holds eleven letters: its
# first, 20210549, stands for it). The three civil-affairs letters must find each other
# ahead of the emergency-management one.
LABELLED = {
    "hangzhou-2023-civil-affairs-cppcc-607": "607",
    "suining-2021-civil-affairs-cppcc-52": "52",
    "shenzhen-2021-civil-affairs-npc-batch": "20210549",
    "hangzhou-2020-emergency-cppcc-310": "310",
}
CIVIL_AFFAIRS = [
    "hangzhou-2023-civil-affairs-cppcc-607",
    "suining-2021-civil-affairs-cppcc-52",
    "shenzhen-2021-civil-affairs-npc-batch",
]
EMERGENCY = "hangzhou-2020-emergency-cppcc-310"


@pytest.fixture(params=["points", "letter"])
def seed_items(db, request) -> dict[str, Proposal]:
    """Every seed case as an item replied to, indexed, keyed by its number, under its
    subject class as the demo files it.

    The proposals' own text was not published: an item's text is either the points its
    letter answers, as the demo files them, or the whole letter, which restates them.
    Each item was submitted ten weeks before its letter was written.
    """
    topics = {
        name: Topic.objects.get_or_create(
            name=name, parent=Topic.objects.get(name=parent, parent=None)
        )[0]
        for name, parent in SUBTOPICS.items()
    }
    sessions = {}
    for key, (region, body, level, term, number, opens_on, pattern) in SESSIONS.items():
        sessions[key] = Session.objects.create(
            region=region,
            body=body,
            level_name=level,
            term=term,
            number=number,
            opens_on=opens_on,
            number_pattern=pattern,
        )
    items = {}
    for case in SEED_CASES:
        written = case.written_on or case.published_on
        submitted = datetime.datetime.combine(
            written - datetime.timedelta(days=70), datetime.time(10), tzinfo=datetime.UTC
        )
        items[case.number] = factories.ProposalFactory(
            session=sessions[case.session],
            number=case.number,
            title=case.title,
            body=letter_text(case)
            if request.param == "letter"
            else "\n".join(f"关于{point}" for point in case.points),
            topic=topics[case.topic],
            status=Proposal.Status.REPLIED,
            submitted_at=submitted,
        )
    index_all()
    return items


@pytest.fixture
def both_bodies_staff(db):
    user = factories.UserFactory(username="both_staff")
    factories.CommitteeStaffFactory(user=user, body=Body.CPPCC)
    factories.CommitteeStaffFactory(user=user, body=Body.NPC)
    return user


def _order(precedents) -> list[int]:
    return [p.proposal.pk for p in precedents]


def _ahead_of_emergency(order: list[int], wanted: list[int], emergency: int) -> None:
    assert set(wanted) <= set(order), "each civil-affairs item is found"
    emergency_at = order.index(emergency) if emergency in order else len(order)
    for pk in wanted:
        assert order.index(pk) < emergency_at


@pytest.mark.parametrize("name", CIVIL_AFFAIRS)
def test_the_civil_affairs_letters_find_each_other_ahead_of_the_emergency_one(
    seed_items, both_bodies_staff, name
):
    item = seed_items[LABELLED[name]]
    found = similarity.similar_to(
        item.body,
        both_bodies_staff,
        title=item.title,
        topic_id=item.topic_id,
        exclude=item.pk,
        limit=20,
    )
    others = [seed_items[LABELLED[n]].pk for n in CIVIL_AFFAIRS if n != name]
    _ahead_of_emergency(_order(found), others, seed_items[LABELLED[EMERGENCY]].pk)
    assert item.pk not in _order(found)


def test_reviewing_the_2023_item_finds_the_earlier_civil_affairs_items_first(
    seed_items, both_bodies_staff
):
    item = seed_items["607"]
    found = similarity.similar_to(item, both_bodies_staff, limit=20)
    earlier = {p.proposal.pk for p in found}
    assert all(p.proposal.submitted_at < item.submitted_at for p in found), "earlier only"
    assert item.pk not in earlier
    _ahead_of_emergency(
        _order(found), [seed_items["52"].pk, seed_items["20210549"].pk], seed_items["310"].pk
    )


@pytest.mark.postgres
def test_on_postgresql_the_words_are_tsvectors_under_gin_indexes(seed_items):
    entry = ProposalSearch.objects.get(pk=seed_items["607"].pk)
    title_words = set(entry.title_words.split())
    in_title = sorted(title_words)[0]
    in_body_only = sorted(set(entry.body_words.split()) - title_words)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document @@ %s::tsquery, title_document @@ %s::tsquery, "
            "document @@ %s::tsquery, title_document @@ %s::tsquery "
            "FROM proposals_proposalsearch WHERE proposal_id = %s",
            [f"'{in_title}'", f"'{in_title}'", f"'{in_body_only}'", f"'{in_body_only}'", entry.pk],
        )
        assert cursor.fetchone() == (True, True, True, False)
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename = 'proposals_proposalsearch' AND indexdef ILIKE '%%USING gin%%'"
        )
        assert {name for (name,) in cursor.fetchall()} == {
            "proposal_search_document",
            "proposal_search_title_document",
        }


# -- the words a lookup asks for -----------------------------------------------------------------


def test_words_most_items_use_are_not_asked_for(world):
    # 60 items: every one says 关于…加强…的提案, a few say 老年助餐.
    for n in range(60):
        topic = "老年助餐" if n < 3 else f"第{n}类事项"
        item = factories.ProposalFactory(
            session=world.session, title=f"关于加强{topic}的提案", body="", status="accepted"
        )
        similarity.index(item)
    words = {t.word for t in similarity.choose_terms("关于加强老年助餐的提案", "")}
    assert "老年助餐" in words
    assert not words & {"关于", "加强", "提案"}


def test_the_rarest_words_weigh_most(world):
    for n in range(10):
        body = "社区养老服务" + ("老年助餐" if n == 0 else "")
        similarity.index(factories.ProposalFactory(session=world.session, body=body))
    terms = similarity.choose_terms("", "社区养老服务与老年助餐")
    weights = {t.word: t.weight for t in terms}
    assert weights["老年助餐"] > weights["养老"]


def test_editing_a_draft_reindexes_it_and_recounts_its_words(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = wf.draft(world, title="关于老年助餐的提案", body="")
    assert ProposalTerm.objects.get(word="老年助餐").documents == 1
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_update_draft(
            proposal=draft, title="关于托育服务的提案", by=world.lead_proposer_user
        )
    assert ProposalTerm.objects.get(word="老年助餐").documents == 0
    assert ProposalTerm.objects.get(word="托育服务").documents == 1
    assert " 托育服务 " in ProposalSearch.objects.get(pk=draft.pk).title_words
    similarity.recount_words()
    assert not ProposalTerm.objects.filter(word="老年助餐").exists()
    assert ProposalTerm.objects.get(word="托育服务").documents == 1


def test_rebuilding_writes_every_row_and_the_counts(world):
    for n in range(3):
        factories.ProposalFactory(session=world.session, title=f"关于老年助餐的提案{n}")
    assert similarity.rebuild() == 3
    assert ProposalTerm.objects.get(word="老年助餐").documents == 3
    ProposalSearch.objects.filter(proposal__title__endswith="0").delete()
    assert similarity.rebuild(missing=True) == 1


# -- who finds what -----------------------------------------------------------------------------


@pytest.fixture
def earlier(world):
    """Earlier items on one subject, each answered differently."""
    items = {
        # Another proposer's item, its letter sent but not published.
        "unpublished": replied(world, reply="未公开的答复:助餐补贴每人每餐三元。"),
        # Another proposer's item whose reply is on the public portal.
        "published": replied(world, reply="公开的答复:助餐点已有三百个。", publish=True),
        # Another agency's item, its letter sent but not published.
        "other_agency": replied(
            world,
            agency=world.other_agency,
            clerk=world.other_clerk,
            reply="交通局未公开的答复:送餐车辆通行。",
        ),
        # Not yet answered.
        "handling": replied(world, send=False),
    }
    withdrawn = ps.proposal_create(
        session=world.session,
        title=TOPIC_TITLE,
        body=TOPIC_BODY,
        lead_proposer=world.other_proposer,
        by=world.staff,
    )
    ps.proposal_submit(proposal=withdrawn, by=world.staff)
    ps.proposal_withdraw(proposal=withdrawn, note="拟与他人合并提出。", by=world.staff)
    items["withdrawn"] = withdrawn
    items["draft"] = ps.proposal_create(
        session=world.session,
        title=TOPIC_TITLE,
        body=TOPIC_BODY,
        lead_proposer=world.other_proposer,
        by=world.other_proposer_user,
    )
    index_all()
    return items


def _found(user, **kwargs) -> dict[int, similarity.Precedent]:
    found = similarity.similar_to(TOPIC_BODY, user, title=TOPIC_TITLE, limit=20, **kwargs)
    return {p.proposal.pk: p for p in found}


def _names(earlier, found) -> set[str]:
    return {name for name, item in earlier.items() if item.pk in found}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("lead_proposer_user", {"published"}),
        ("other_proposer_user", {"unpublished", "published", "other_agency", "handling"}),
        ("lead_clerk", {"unpublished", "published", "handling"}),
        ("other_clerk", {"published", "other_agency"}),
        ("co_clerk", {"published"}),
        ("staff", {"unpublished", "published", "other_agency", "handling"}),
        ("npc_staff", {"published"}),
    ],
)
def test_each_reader_finds_what_they_may_see_and_never_a_draft_or_a_withdrawn_item(
    world, earlier, role, expected
):
    found = _found(getattr(world, role))
    assert _names(earlier, found) == expected


def test_a_proposer_reads_only_the_published_reply(world, earlier):
    found = _found(world.lead_proposer_user)
    (published,) = found.values()
    (reply,) = published.replies
    assert reply.published and reply.url.startswith("/replies/")
    assert "公开的答复" in reply.body
    assert published.url == "", "another proposer's item page is not theirs to open"


def test_a_clerk_reads_their_own_agencys_letters_and_published_replies_only(world, earlier):
    found = _found(world.lead_clerk)
    letter = found[earlier["unpublished"].pk].replies[0]
    assert not letter.published and letter.url == reverse(
        "responses:detail", args=[letter_of(earlier["unpublished"]).pk]
    )
    assert found[earlier["published"].pk].replies[0].published
    assert found[earlier["handling"].pk].replies == []
    assert found[earlier["handling"].pk].result == "办理中"
    others = _found(world.other_clerk)
    bodies = str([r.body for p in others.values() for r in p.replies])
    assert "送餐车辆" in bodies, "its own agency's letter"
    assert "助餐补贴每人每餐三元" not in bodies, "never another agency's unpublished letter"


def test_the_panel_endpoint_never_shows_a_proposer_an_unpublished_reply(world, earlier, client):
    client.force_login(world.lead_proposer_user)
    response = client.get(reverse("proposals:similar"), {"title": TOPIC_TITLE, "body": TOPIC_BODY})
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("public:detail", args=[letter_of(earlier["published"]).publication.pk]) in page
    for name in ("unpublished", "other_agency"):
        assert reverse("responses:detail", args=[letter_of(earlier[name]).pk]) not in page
    assert page.count("<li>") == 1
    data = client.get("/api/v1/proposals/similar/", {"title": TOPIC_TITLE}).json()
    assert [row["id"] for row in data] == [earlier["published"].pk]
    assert "未公开" not in str(data)


def test_the_endpoints_want_some_text(world, client):
    client.force_login(world.staff)
    assert "填写标题和正文后" in client.get(reverse("proposals:similar")).content.decode()
    response = client.get("/api/v1/proposals/similar/", {"title": " "})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["title"]
    assert (
        client.get("/api/v1/proposals/similar/", {"title": "助餐", "limit": 0}).status_code == 400
    )


def test_an_item_nobody_may_see_is_a_404(world, earlier, client):
    client.force_login(world.other_clerk)
    item = earlier["unpublished"]
    assert client.get(f"/api/v1/proposals/{item.pk}/similar/").status_code == 404
    client.force_login(world.staff)
    response = client.get(f"/api/v1/proposals/{item.pk}/similar/")
    assert response.status_code == 200
    found = {row["id"] for row in response.json()}
    assert item.pk not in found, "never the item itself"
    assert earlier["draft"].pk not in found and earlier["withdrawn"].pk not in found


# -- order ---------------------------------------------------------------------------------------


def test_only_earlier_items_and_those_of_other_sessions_first(world):
    old_session = factories.SessionFactory(body=Body.CPPCC, term=11, number=4)
    moment = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)

    def item(session, title, days):
        return factories.ProposalFactory(
            session=session,
            title=title,
            body=TOPIC_BODY,
            status="accepted",
            submitted_at=moment + datetime.timedelta(days=days),
        )

    same_best = item(world.session, TOPIC_TITLE, 0)
    older = item(old_session, "关于老年助餐的提案", -300)
    subject = item(world.session, TOPIC_TITLE, 5)
    later = item(old_session, TOPIC_TITLE, 10)
    index_all()
    found = similarity.similar_to(subject, world.staff)
    assert _order(found) == [older.pk, same_best.pk]
    assert found[1].same_session and not found[0].same_session
    assert later.pk not in _order(found)


# -- queries ------------------------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_pages_and_endpoints_read_in_constant_queries(world, client):
    subject = wf.submitted(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    for n in range(2):
        replied(world, title=f"{TOPIC_TITLE}({n})", publish=n == 0)
    index_all()
    client.force_login(world.staff)
    urls = [
        (reverse("proposals:detail", args=[subject.pk]), None),
        (reverse("proposals:similar"), {"title": TOPIC_TITLE, "body": TOPIC_BODY}),
        (f"/api/v1/proposals/{subject.pk}/similar/", None),
    ]
    few = [_queries(client, url, params) for url, params in urls]
    assert "往年相似建议提案" in client.get(urls[0][0]).content.decode()
    for n in range(2, 6):
        replied(world, title=f"{TOPIC_TITLE}({n})", publish=n % 2 == 0)
    index_all()
    assert [_queries(client, url, params) for url, params in urls] == few


def test_the_proposers_draft_pages_show_the_panel(world, client):
    earlier = replied(world, publish=True)
    draft = wf.draft(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    index_all()
    client.force_login(world.lead_proposer_user)
    new = client.get(reverse("proposals:draft_new")).content.decode()
    assert "data-similar-url" in new and "填写标题和正文后" in new  # follows what is typed
    for url in (
        reverse("proposals:draft_edit", args=[draft.pk]),
        reverse("proposals:detail", args=[draft.pk]),
    ):
        page = client.get(url).content.decode()
        assert "往年相似建议提案" in page and earlier.title in page  # the saved text's list
    client.force_login(world.cosigner_user)
    page = client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    assert "往年相似建议提案" not in page, "for whoever edits the draft"
