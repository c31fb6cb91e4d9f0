"""What cannot be published, and who cannot publish: each refusal says why and changes
nothing (no publication, no number taken, no event)."""

import datetime

import pytest

from disclosure.models import IndexSerial, Publication
from disclosure.services import reply_publish
from portal import clock
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import Event
from tests import workflow as wf

from . import cases


def test_a_letter_not_yet_sent_cannot_be_published(world):
    letter = wf.approved(world)
    with pytest.raises(TransitionNotAllowed, match="须发送提出人后才能公开"):
        reply_publish(letter=letter, by=world.lead_clerk)
    assert not Publication.objects.exists()


def test_a_reply_disclosed_on_request_is_not_published(world):
    letter = cases.sent(world, disclosure="on_request")
    with pytest.raises(TransitionNotAllowed, match="依申请公开"):
        reply_publish(letter=letter, by=world.lead_clerk)
    assert not Publication.objects.exists()


def test_a_withheld_reply_is_not_published_and_the_reason_is_given(world):
    letter = cases.sent(world, disclosure="withheld", reason="涉及个人隐私。")
    with pytest.raises(TransitionNotAllowed, match=r"不予公开.*涉及个人隐私"):
        reply_publish(letter=letter, by=world.lead_clerk)
    assert not Publication.objects.exists()


def test_a_reply_is_published_once(world):
    letter = cases.sent(world)
    first = reply_publish(letter=letter, by=world.lead_clerk)
    events = Event.objects.count()
    with pytest.raises(TransitionNotAllowed, match=f"已于.*公开,索引号{first.index_number}"):
        reply_publish(letter=letter, by=world.lead_leader)
    assert Publication.objects.count() == 1
    assert IndexSerial.objects.get().last == 1
    assert Event.objects.count() == events


def test_an_agency_without_an_org_code_cannot_publish(world):
    letter = cases.sent(world)
    world.lead_agency.org_code = ""
    world.lead_agency.save()
    with pytest.raises(TransitionNotAllowed, match="尚未登记组织机构代码"):
        reply_publish(letter=letter, by=world.lead_clerk)
    assert not Publication.objects.exists()


@pytest.mark.parametrize("who", ["co_clerk", "co_leader", "other_clerk", "staff", "stranger"])
def test_only_the_replying_agency_publishes(world, who):
    letter = cases.sent(world)
    events = Event.objects.count()
    with pytest.raises(NotPermitted, match="您没有权限公开答复"):
        reply_publish(letter=letter, by=getattr(world, who))
    assert not Publication.objects.exists()
    assert Event.objects.count() == events


def test_a_proposer_cannot_publish(world):
    letter = cases.sent(world)
    with pytest.raises(NotPermitted):
        reply_publish(letter=letter, by=world.lead_proposer_user)
    assert not Publication.objects.exists()


def test_the_publication_date_is_neither_before_sending_nor_in_the_future(world):
    letter = cases.sent(world)
    today = clock.today()
    with pytest.raises(InvalidInput, match="不能早于答复发送日期"):
        reply_publish(
            letter=letter, by=world.lead_clerk, published_on=today - datetime.timedelta(days=1)
        )
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        reply_publish(
            letter=letter, by=world.lead_clerk, published_on=today + datetime.timedelta(days=1)
        )
    assert not Publication.objects.exists()
    assert not IndexSerial.objects.filter(last__gt=0).exists()
