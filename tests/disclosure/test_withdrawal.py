"""Withdrawing a published reply (撤回公开): its leader takes it off every public page,
feed, sitemap, export and search, with a reason on the record; the publication and its
index number stay, and the letter cannot be published again."""

import csv
import datetime
import io
import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyMembership
from disclosure import counting, public, search
from disclosure.models import Publication, PublicationStats, PublicationWithdrawal
from disclosure.services import publication_refusal, publication_withdraw, reply_publish
from portal.chinese import chinese_date
from proposals import timeline
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import Event, ProtectedFromDeletion, Verb
from tests import factories

from . import cases

REASON = "公开文本中遗留了提出人的家庭住址,须重新处理。"


def publish(world, title: str) -> Publication:
    """A reply of the lead agency, published and indexed for search (tests never commit)."""
    publication = reply_publish(letter=cases.sent(world, title=title), by=world.lead_clerk)
    search.index(publication)
    return publication


@pytest.fixture
def kept(world):
    return publish(world, "关于养老服务的建议")


@pytest.fixture
def gone(world, kept):
    return publish(world, "关于路灯维修的建议")


@pytest.fixture
def withdraw(django_capture_on_commit_callbacks):
    """Withdraw and run what waits for the commit (the cache invalidation among it)."""

    def run(publication, by, reason=REASON):
        with django_capture_on_commit_callbacks(execute=True):
            return publication_withdraw(publication=publication, by=by, reason=reason)

    return run


def other_leader(world):
    user = factories.UserFactory(username="other_leader")
    factories.MembershipFactory(
        user=user, agency=world.other_agency, role=AgencyMembership.Role.LEADER
    )
    return user


def body(response) -> str:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def preview_url(publication):
    return reverse("disclosure:preview", args=[publication.letter_id])


def withdraw_url(publication):
    return reverse("disclosure:withdraw", args=[publication.letter_id])


# -- the public no longer sees it --------------------------------------------------------


@pytest.mark.parametrize("name", ["public:detail", "public:print", "public:qr", "public:docx"])
def test_every_url_of_a_withdrawn_reply_is_a_404(world, client, kept, gone, withdraw, name):
    assert client.get(reverse(name, args=[gone.pk])).status_code == 200
    withdraw(gone, world.lead_leader)
    assert client.get(reverse(name, args=[gone.pk])).status_code == 404
    assert client.get(reverse(name, args=[kept.pk])).status_code == 200


def test_a_conditional_request_for_a_withdrawn_reply_is_a_404_not_a_304(
    world, client, gone, withdraw
):
    first = client.get(reverse("public:detail", args=[gone.pk]))
    withdraw(gone, world.lead_leader)
    again = client.get(
        reverse("public:detail", args=[gone.pk]),
        headers={"if-modified-since": first["Last-Modified"]},
    )
    assert again.status_code == 404


def _sitemap_entry(publication) -> str:
    return f"{reverse('public:detail', args=[publication.pk])}</loc>"


def _exported_titles(text: str, kind: str) -> set[str]:
    if kind == "csv":
        return {row["标题"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    return {row["title"] for row in json.loads(text)}


@pytest.mark.parametrize(
    ("surface", "params"),
    [
        ("home", {}),
        ("public:list", {}),
        ("public:list", {"q": "路灯维修"}),
        ("feed_replies", {}),
        ("feed_agency", {}),
        ("sitemap_section", {}),
        ("public:export_csv", {}),
        ("public:export_json", {}),
    ],
)
def test_a_withdrawn_reply_leaves_every_list(world, client, kept, gone, withdraw, surface, params):
    args = {"feed_agency": [world.lead_agency.pk], "sitemap_section": ["replies"]}.get(surface, [])

    def shown() -> set[str]:
        text = body(client.get(reverse(surface, args=args), params))
        if surface == "sitemap_section":
            return {p.title for p in (kept, gone) if _sitemap_entry(p) in text}
        if surface.startswith("public:export_"):
            return _exported_titles(text, surface.rsplit("_", 1)[1])
        return {p.title for p in (kept, gone) if p.title in text}

    searching = "q" in params
    assert shown() == ({gone.title} if searching else {kept.title, gone.title})
    withdraw(gone, world.lead_leader)
    assert shown() == (set() if searching else {kept.title})


def test_the_facets_and_the_agency_feed_forget_an_agency_with_nothing_public(
    world, client, kept, withdraw
):
    letter = cases.sent_by_co_agency(world, title="关于医疗服务的建议")
    only = reply_publish(letter=letter, by=world.co_clerk)
    feed = reverse("feed_agency", args=[world.co_agency.pk])
    assert client.get(feed).status_code == 200
    assert world.co_agency.pk in public.facets()["agencies"]
    assert public.facets()["total"] == 2
    withdraw(only, world.co_leader)
    assert client.get(feed).status_code == 404
    browse = public.facets()
    assert browse["agencies"] == [world.lead_agency.pk]
    assert browse["total"] == 1
    listing = body(client.get(reverse("public:list")))
    assert f'<option value="{world.co_agency.pk}"' not in listing


def test_a_page_cached_before_the_withdrawal_is_not_served_after(world, client, gone, withdraw):
    detail = reverse("public:detail", args=[gone.pk])
    assert gone.title in body(client.get(detail))
    assert gone.title in body(client.get(reverse("public:list")))
    withdraw(gone, world.lead_leader)
    assert client.get(detail).status_code == 404
    assert gone.title not in body(client.get(reverse("public:list")))


def test_visits_counted_before_the_withdrawal_are_dropped_quietly(world, client, gone, withdraw):
    counting.seen(gone.pk)
    withdraw(gone, world.lead_leader)
    assert counting.flush() == 0
    assert not PublicationStats.objects.filter(publication=gone).exists()


# -- what the withdrawal records ---------------------------------------------------------


def test_the_withdrawal_and_its_event_say_who_and_why(world, gone, withdraw):
    withdrawal = withdraw(gone, world.lead_leader, reason=f"  {REASON}\n")
    assert withdrawal.publication == gone
    assert withdrawal.withdrawn_by == world.lead_leader
    assert withdrawal.reason == REASON
    event = Event.objects.get(verb=Verb.REPLY_WITHDRAWN)
    assert event.proposal == gone.letter.assignment.proposal
    assert event.assignment == gone.letter.assignment
    assert event.actor == world.lead_leader
    assert event.note == REASON
    assert event.data["publication"] == gone.pk
    assert event.data["index_number"] == gone.index_number
    assert event.data["reason"] == REASON


def test_the_timeline_tells_the_proposer_and_staff_read_the_reason(world, gone, withdraw):
    withdraw(gone, world.lead_leader)
    proposal = gone.letter.assignment.proposal
    events = proposal.events.select_related("assignment__agency", "actor")
    said = f"市民政局的答复已撤回公开,索引号{gone.index_number}不再使用"
    for_proposer = timeline.entries(proposal, events, for_proposer=True)
    assert [e.note for e in for_proposer if e.text == said] == [""]
    for_staff = timeline.entries(proposal, events, for_proposer=False)
    assert [e.note for e in for_staff if e.text == said] == [REASON]


def test_the_publication_stays_and_its_index_number_is_not_given_again(world, gone, withdraw):
    withdraw(gone, world.lead_leader)
    assert Publication.objects.filter(pk=gone.pk).exists()
    assert not Publication.objects.public().filter(pk=gone.pk).exists()
    following = publish(world, "关于公交线路的建议")
    assert following.serial == gone.serial + 1
    assert following.index_number != gone.index_number


def test_a_withdrawal_cannot_be_changed_or_deleted(world, gone, withdraw):
    withdrawal = withdraw(gone, world.lead_leader)
    withdrawal.reason = "改写理由"
    with pytest.raises(ProtectedFromDeletion, match="撤回公开的记录不能修改"):
        withdrawal.save()
    with pytest.raises(ProtectedFromDeletion, match="不能删除"):
        withdrawal.delete()
    with pytest.raises(ProtectedFromDeletion, match="不能修改"):
        PublicationWithdrawal.objects.update(reason="改写理由")
    with pytest.raises(ProtectedFromDeletion, match="不能删除"):
        PublicationWithdrawal.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationWithdrawal(
            publication=gone, reason="再撤回一次", withdrawn_by=world.staff
        ).save()
    assert PublicationWithdrawal.objects.get().reason == REASON


def test_the_system_administrator_withdraws_an_imported_reply(world, client, withdraw):
    imported = Publication.objects.create(
        source=Publication.Source.IMPORTED,
        agency=world.other_agency,
        year=timezone.localdate().year,
        title="杭州市交通运输局关于市政协十二届二次会议第88号提案的答复",
        body="<p>现答复如下。</p>",
        published_on=timezone.localdate(),
        publisher="杭州市交通运输局",
        disclosure="public",
    )
    assert client.get(reverse("public:detail", args=[imported.pk])).status_code == 200
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    withdraw(imported, root)
    assert client.get(reverse("public:detail", args=[imported.pk])).status_code == 404
    assert not Event.objects.filter(verb=Verb.REPLY_WITHDRAWN).exists()


# -- refusals ----------------------------------------------------------------------------


def _nothing_withdrawn(client, publication):
    assert not PublicationWithdrawal.objects.exists()
    assert not Event.objects.filter(verb=Verb.REPLY_WITHDRAWN).exists()
    assert client.get(reverse("public:detail", args=[publication.pk])).status_code == 200


@pytest.mark.parametrize("who", ["lead_clerk", "co_leader", "other_leader", "staff"])
def test_only_a_leader_of_the_publishing_agency_may_withdraw(world, client, gone, who):
    user = other_leader(world) if who == "other_leader" else getattr(world, who)
    with pytest.raises(NotPermitted, match="您没有权限撤回这份答复的公开"):
        publication_withdraw(publication=gone, by=user, reason=REASON)
    _nothing_withdrawn(client, gone)


def test_a_clerk_is_not_offered_the_form_and_a_post_is_refused(world, client, gone):
    client.force_login(world.lead_clerk)
    page = body(client.get(preview_url(gone)))
    assert withdraw_url(gone) not in page
    refused = body(client.post(withdraw_url(gone), {"reason": REASON}))
    assert "您没有权限撤回这份答复的公开" in refused
    client.logout()
    _nothing_withdrawn(client, gone)


@pytest.mark.parametrize(("who", "status"), [("co_leader", 403), ("other_leader", 404)])
def test_a_leader_of_another_agency_cannot_post_a_withdrawal(world, client, gone, who, status):
    user = other_leader(world) if who == "other_leader" else getattr(world, who)
    client.force_login(user)
    assert client.post(withdraw_url(gone), {"reason": REASON}).status_code == status
    client.logout()
    _nothing_withdrawn(client, gone)


def test_an_anonymous_post_is_sent_to_sign_in(world, client, gone):
    response = client.post(withdraw_url(gone), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    _nothing_withdrawn(client, gone)


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写撤回理由。"), ("   ", "请填写撤回理由。"), ("有误", "至少写4个字")],
)
def test_the_form_redisplays_without_a_real_reason(world, client, gone, reason, message):
    client.force_login(world.lead_leader)
    page = body(client.post(withdraw_url(gone), {"reason": reason}))
    assert message in page
    assert f'action="{withdraw_url(gone)}"' in page
    client.logout()
    _nothing_withdrawn(client, gone)


@pytest.mark.parametrize("reason", ["", " \n ", "有误。"])
def test_the_service_refuses_a_blank_or_too_short_reason(world, client, gone, reason):
    with pytest.raises(InvalidInput) as refused:
        publication_withdraw(publication=gone, by=world.lead_leader, reason=reason)
    assert refused.value.field == "reason"
    _nothing_withdrawn(client, gone)


def test_a_reply_is_withdrawn_once(world, gone, withdraw):
    withdraw(gone, world.lead_leader)
    when = chinese_date(timezone.localdate())
    with pytest.raises(TransitionNotAllowed, match=f"已于{when}撤回公开,不能重复撤回"):
        publication_withdraw(publication=gone, by=world.lead_leader, reason="第二个理由写在这里")
    assert PublicationWithdrawal.objects.get().reason == REASON
    assert Event.objects.filter(verb=Verb.REPLY_WITHDRAWN).count() == 1


def test_a_withdrawn_reply_cannot_be_published_again(world, gone, withdraw):
    withdraw(gone, world.lead_leader)
    letter = gone.letter
    when = chinese_date(timezone.localdate())
    refusal = publication_refusal(letter)
    assert f"{when}由{world.lead_leader}撤回公开(理由:{REASON})" in refusal
    with pytest.raises(TransitionNotAllowed, match="不能再次发布"):
        reply_publish(letter=letter, by=world.lead_clerk)
    assert Publication.objects.filter(letter=letter).count() == 1


# -- the staff pages ---------------------------------------------------------------------


def test_the_leader_withdraws_from_the_preview_page(world, client, gone):
    client.force_login(world.lead_leader)
    page = body(client.get(preview_url(gone)))
    assert f'action="{withdraw_url(gone)}"' in page
    assert '<label for="id_reason">撤回理由' in page
    response = client.post(withdraw_url(gone), {"reason": REASON}, follow=True)
    assert response.redirect_chain[-1][0] == preview_url(gone)
    assert "答复已撤回公开" in body(response)
    assert PublicationWithdrawal.objects.get().withdrawn_by == world.lead_leader


@pytest.mark.parametrize("who", ["lead_leader", "lead_clerk", "staff"])
def test_the_preview_page_still_shows_a_withdrawn_reply_with_its_withdrawal(
    world, client, gone, withdraw, who
):
    withdraw(gone, world.lead_leader)
    client.force_login(getattr(world, who))
    page = body(client.get(preview_url(gone)))
    assert gone.index_number in page and "现答复如下" in page
    assert "已撤回公开" in page
    assert timezone.localdate().strftime("%Y年%-m月%-d日") in page
    assert str(world.lead_leader) in page and REASON in page
    assert withdraw_url(gone) not in page
    assert reverse("disclosure:publish", args=[gone.letter_id]) not in page


def test_the_admin_shows_the_withdrawal_read_only(world, client, kept, gone, withdraw):
    withdraw(gone, world.lead_leader)
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = body(client.get(reverse("admin:disclosure_publicationwithdrawal_changelist")))
    assert gone.index_number in listing and REASON in listing
    change = body(
        client.get(reverse("admin:disclosure_publicationwithdrawal_change", args=[gone.pk]))
    )
    assert 'name="_save"' not in change
    delete = reverse("admin:disclosure_publicationwithdrawal_delete", args=[gone.pk])
    assert client.post(delete).status_code == 403
    publication = body(client.get(reverse("admin:disclosure_publication_change", args=[gone.pk])))
    assert REASON in publication
    withdrawn = body(
        client.get(reverse("admin:disclosure_publication_changelist"), {"withdrawn": "yes"})
    )
    assert gone.index_number in withdrawn and kept.index_number not in withdrawn
    assert PublicationWithdrawal.objects.get().reason == REASON


# -- the page of its own, for any publication --------------------------------------------


def publication_withdraw_url(publication):
    return reverse("disclosure:withdraw_publication", args=[publication.pk])


def import_reply(agency, title="杭州市民政局关于市政协十二届二次会议第88号提案的答复"):
    """A reply imported from the old portal: published, but with no letter here."""
    return Publication.objects.create(
        source=Publication.Source.IMPORTED,
        agency=agency,
        year=2023,
        serial=88,
        index_number=f"{agency.org_code}/2023-00088",
        title=title,
        body="<p>现答复如下。</p>",
        published_on=datetime.date(2023, 6, 30),
        publisher=agency.name,
        disclosure="public",
    )


@pytest.fixture
def imported(world):
    return import_reply(world.lead_agency)


@pytest.fixture
def post_withdrawal(client, django_capture_on_commit_callbacks):
    """Post the page's form and run what waits for the commit (the cache invalidation)."""

    def run(publication, reason=REASON, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(publication_withdraw_url(publication), {"reason": reason}, **kwargs)

    return run


def _chinese_day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_leader_withdraws_an_imported_reply_from_its_page(
    world, client, imported, post_withdrawal
):
    detail = reverse("public:detail", args=[imported.pk])
    assert client.get(detail).status_code == 200
    client.force_login(world.lead_leader)
    page = body(client.get(publication_withdraw_url(imported)))
    for shown in (
        imported.title,
        imported.index_number,
        imported.publisher,
        _chinese_day(imported.published_on),
        f'action="{publication_withdraw_url(imported)}"',
        '<label for="id_reason">撤回理由',
    ):
        assert shown in page, shown
    assert 'required id="id_reason"' in page
    response = post_withdrawal(imported, follow=True)
    assert response.redirect_chain[0][0] == reverse("workspace")
    assert f"答复已撤回公开,公众不能再查看;索引号{imported.index_number}不再使用。" in body(
        response
    )
    withdrawal = PublicationWithdrawal.objects.get(publication=imported)
    assert withdrawal.withdrawn_by == world.lead_leader and withdrawal.reason == REASON
    client.logout()
    assert client.get(detail).status_code == 404


def test_the_system_administrator_withdraws_from_the_page_and_lands_in_the_admin(
    world, client, post_withdrawal
):
    imported = import_reply(world.other_agency, title="杭州市交通运输局关于第7号提案的答复")
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert imported.title in body(client.get(publication_withdraw_url(imported)))
    response = post_withdrawal(imported)
    change = reverse("admin:disclosure_publication_change", args=[imported.pk])
    assert response.status_code == 302 and response["Location"] == change
    assert REASON in body(client.get(change))
    assert PublicationWithdrawal.objects.get().withdrawn_by == root
    client.logout()
    assert client.get(reverse("public:detail", args=[imported.pk])).status_code == 404


def test_a_reply_published_here_can_be_withdrawn_from_the_page_too(
    world, client, gone, post_withdrawal
):
    client.force_login(world.lead_leader)
    response = post_withdrawal(gone)
    assert response.status_code == 302 and response["Location"] == preview_url(gone)
    assert PublicationWithdrawal.objects.get().publication == gone
    assert Event.objects.get(verb=Verb.REPLY_WITHDRAWN).actor == world.lead_leader


@pytest.mark.parametrize("who", ["lead_clerk", "co_leader", "staff"])
def test_who_may_not_withdraw_is_refused_the_page(world, client, imported, who):
    client.force_login(getattr(world, who))
    assert client.get(publication_withdraw_url(imported)).status_code == 403
    response = client.post(publication_withdraw_url(imported), {"reason": REASON})
    assert response.status_code == 403
    client.logout()
    _nothing_withdrawn(client, imported)


def test_the_page_sends_an_anonymous_visitor_to_sign_in(world, client, imported):
    for response in (
        client.get(publication_withdraw_url(imported)),
        client.post(publication_withdraw_url(imported), {"reason": REASON}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    _nothing_withdrawn(client, imported)


def test_an_unknown_publication_is_a_404(world, client, imported):
    client.force_login(world.lead_leader)
    assert client.get(reverse("disclosure:withdraw_publication", args=[9999])).status_code == 404


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写撤回理由。"), ("   ", "请填写撤回理由。"), ("有误", "至少写4个字")],
)
def test_the_page_redisplays_without_a_real_reason(world, client, imported, reason, message):
    client.force_login(world.lead_leader)
    page = body(client.post(publication_withdraw_url(imported), {"reason": reason}))
    assert message in page
    assert f'action="{publication_withdraw_url(imported)}"' in page
    assert 'aria-invalid="true"' in page
    client.logout()
    _nothing_withdrawn(client, imported)


def test_the_page_of_a_withdrawn_reply_shows_the_withdrawal_not_the_form(
    world, client, imported, withdraw
):
    withdraw(imported, world.lead_leader)
    client.force_login(world.lead_leader)
    page = body(client.get(publication_withdraw_url(imported)))
    assert "已撤回公开" in page and imported.index_number in page
    assert timezone.localdate().strftime("%Y年%-m月%-d日") in page
    assert str(world.lead_leader) in page and REASON in page
    assert 'name="reason"' not in page
    again = body(client.post(publication_withdraw_url(imported), {"reason": "第二个理由写在这里"}))
    assert REASON in again and 'name="reason"' not in again
    assert PublicationWithdrawal.objects.get().reason == REASON


def test_the_public_page_links_to_the_withdrawal_only_for_who_may_withdraw(world, client, imported):
    detail = reverse("public:detail", args=[imported.pk])
    link = f'href="{publication_withdraw_url(imported)}"'
    assert link not in body(client.get(detail))  # anonymous, and now cached
    client.force_login(world.lead_leader)
    assert link in body(client.get(detail))
    for who in ("lead_clerk", "co_leader", "staff"):
        client.force_login(getattr(world, who))
        assert link not in body(client.get(detail)), who
    client.logout()
    assert link not in body(client.get(detail))  # the leader's page was not cached
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert link in body(client.get(detail))


def test_the_leaders_page_is_not_served_to_anonymous_readers_from_the_cache(
    world, client, imported, django_assert_max_num_queries
):
    detail = reverse("public:detail", args=[imported.pk])
    link = f'href="{publication_withdraw_url(imported)}"'
    client.force_login(world.lead_leader)
    assert link in body(client.get(detail))
    client.logout()
    with django_assert_max_num_queries(3):
        assert link not in body(client.get(detail))


def test_the_admin_links_to_the_page_until_the_reply_is_withdrawn(
    world, client, imported, withdraw
):
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:disclosure_publication_change", args=[imported.pk])
    link = f'href="{publication_withdraw_url(imported)}"'
    assert link in body(client.get(change))
    withdraw(imported, world.lead_leader)
    assert link not in body(client.get(change))
