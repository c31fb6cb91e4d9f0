"""The preview page shows the public version and its metadata to the agency and the
committee staff; the agency publishes from it. Others get a 404 (or a 403 when they may
see the letter but not its preview)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from disclosure.models import Publication
from proposals.models import Event, Verb
from tests import workflow as wf

from . import cases

PHONE = "13805712345"


@pytest.fixture
def letter(world):
    world.lead_proposer.phone = PHONE
    world.lead_proposer.save()
    body = f"<p>戚敏敏委员:</p><p>您的手机{PHONE}已记下。</p><p>(联系人:吴强,联系电话:89586323)</p>"
    return cases.sent(world, body=body)


def preview_url(letter):
    return reverse("disclosure:preview", args=[letter.pk])


def publish_url(letter):
    return reverse("disclosure:publish", args=[letter.pk])


def test_the_clerk_previews_the_public_version_and_its_metadata(world, client, letter):
    client.force_login(world.lead_clerk)
    page = client.get(preview_url(letter)).content.decode()
    assert "答复公开预览" in page
    assert PHONE not in page.split("公开版本隐去的内容")[0]
    assert "您的手机***已记下。" in page
    assert "(联系人:吴强,联系电话:89586323)" in page
    assert f"发布时生成({world.lead_agency.org_code}/" in page
    assert "主动公开" in page and "体裁分类" in page and "杭州市民政局" in page
    assert "提出人电话" in page  # the list of what the public version leaves out
    assert f'action="{publish_url(letter)}"' in page


def test_the_committee_staff_preview_but_do_not_publish(world, client, letter):
    client.force_login(world.staff)
    page = client.get(preview_url(letter)).content.decode()
    assert "您的手机***已记下。" in page
    assert publish_url(letter) not in page
    assert client.post(publish_url(letter)).status_code == 200
    assert not Publication.objects.exists()


@pytest.mark.parametrize("who", ["other_clerk", "other_proposer_user", "npc_staff", "stranger"])
def test_outsiders_get_404_and_publish_nothing(world, client, letter, who):
    client.force_login(getattr(world, who))
    assert client.get(preview_url(letter)).status_code == 404
    assert client.post(publish_url(letter)).status_code == 404
    assert not Publication.objects.exists()


@pytest.mark.parametrize("who", ["co_clerk", "co_leader", "lead_proposer_user"])
def test_those_who_see_the_letter_but_not_its_preview_get_403(world, client, letter, who):
    client.force_login(getattr(world, who))
    assert client.get(preview_url(letter)).status_code == 403
    assert client.post(publish_url(letter)).status_code == 403
    assert not Publication.objects.exists()


def test_the_clerk_publishes_from_the_preview(world, client, letter):
    client.force_login(world.lead_clerk)
    response = client.post(publish_url(letter), follow=True)
    publication = Publication.objects.get()
    assert response.redirect_chain[-1][0] == preview_url(letter)
    page = response.content.decode()
    assert f"答复已公开,索引号{publication.index_number}" in page
    assert "公开的内容不能修改" in page
    assert publish_url(letter) not in page
    assert Event.objects.filter(verb=Verb.REPLY_PUBLISHED).count() == 1


def test_the_publication_date_can_be_given(world, client):
    with time_machine.travel(datetime.datetime(2026, 5, 26, 2, tzinfo=datetime.UTC)):
        letter = cases.sent(world)
    client.force_login(world.lead_leader)
    client.post(publish_url(letter), {"published_on": "2026-06-12"})
    assert Publication.objects.get().published_on == datetime.date(2026, 6, 12)


def test_a_refused_publication_shows_why(world, client, letter):
    client.force_login(world.lead_clerk)
    response = client.post(publish_url(letter), {"published_on": "2000-01-01"})
    assert response.status_code == 200
    assert "不能早于答复发送日期" in response.content.decode()
    assert not Publication.objects.exists()


def test_a_letter_not_to_be_published_says_so(world, client):
    letter = cases.sent(world, disclosure="on_request")
    client.force_login(world.lead_clerk)
    page = client.get(preview_url(letter)).content.decode()
    assert "依申请公开,不主动发布" in page
    assert publish_url(letter) not in page


def test_the_letter_page_links_to_the_preview_once_sent(world, client):
    approved = wf.approved(world)
    client.force_login(world.lead_clerk)
    detail = reverse("responses:detail", args=[approved.pk])
    assert preview_url(approved) not in client.get(detail).content.decode()
    wf.rs.reply_send(letter=approved, by=world.lead_clerk)
    assert "公开预览与发布" in client.get(detail).content.decode()
    client.force_login(world.lead_proposer_user)
    assert "公开预览与发布" not in client.get(detail).content.decode()
