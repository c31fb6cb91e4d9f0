"""Records the process keeps (``portal/records.py``): each refuses, in its own words, to go
and, when written once, to change, on the instance and in bulk."""

import pytest
from django.db import IntegrityError, transaction

from disclosure.models import IndexSerial, Publication, PublicationWithdrawal
from disclosure.services import publication_withdraw, reply_publish
from portal.records import ImmutableRecord, KeptRecord, ProtectedFromDeletion
from proposals.models import Assignment, Event
from responses import services as rs
from responses.models import CoHandlingOpinion, Feedback, LetterRevision, ReplyLetter
from tests import workflow as wf
from tests.disclosure import cases

KEPT = {
    Assignment: "交办记录不能删除。",
    CoHandlingOpinion: "会办意见不能删除。",
    ReplyLetter: "答复函不能删除。",
    Feedback: "评价不能删除。",
    IndexSerial: "索引号序号不能删除,否则会重复发号。",
}
IMMUTABLE = {
    Event: ("办理记录不可修改。", "办理记录不可删除。"),
    LetterRevision: ("答复函的历史版本不能修改。", "答复函的历史版本不能删除。"),
    Publication: ("已公开的答复不能修改。", "已公开的答复不能删除。"),
    PublicationWithdrawal: (
        "撤回公开的记录不能修改。",
        "撤回公开的记录不能删除,否则已撤回的答复会重新公开。",
    ),
}


@pytest.fixture
def everything(world):
    """One row of every kept model: a sent, rated, published and withdrawn reply."""
    letter = wf.sent(world)
    rs.feedback_submit(letter=letter, rating="satisfied", by=world.lead_proposer_user)
    publication_withdraw(
        publication=reply_publish(letter=letter, by=world.lead_clerk),
        reason="答复中含有应当隐去的个人信息。",
        by=world.lead_leader,
    )
    # A second publication stays public.
    reply_publish(letter=cases.sent(world, title="关于公交线路的建议"), by=world.lead_clerk)
    return letter


def test_each_kept_model_is_built_on_the_shared_records():
    assert all(issubclass(model, KeptRecord) for model in [*KEPT, *IMMUTABLE])
    assert all(issubclass(model, ImmutableRecord) for model in IMMUTABLE)
    assert not any(issubclass(model, ImmutableRecord) for model in KEPT)


@pytest.mark.parametrize("model", list(KEPT), ids=lambda m: m.__name__)
def test_a_kept_record_is_never_deleted_but_may_change(everything, model):
    row = model.objects.first()
    assert row is not None
    with pytest.raises(ProtectedFromDeletion, match=KEPT[model]):
        row.delete()
    with pytest.raises(ProtectedFromDeletion, match=KEPT[model]):
        model.objects.all().delete()
    assert model.objects.filter(pk=row.pk).exists()
    row.save()  # a kept record still changes through its services


@pytest.mark.parametrize("model", list(IMMUTABLE), ids=lambda m: m.__name__)
def test_an_immutable_record_is_never_changed_nor_deleted(everything, model):
    changed, deleted = IMMUTABLE[model]
    row = model.objects.first()
    assert row is not None
    with pytest.raises(ProtectedFromDeletion, match=changed):
        row.save()
    with pytest.raises(ProtectedFromDeletion, match=deleted):
        row.delete()
    with pytest.raises(ProtectedFromDeletion, match=changed):
        model.objects.filter(pk=row.pk).update(pk=row.pk)
    with pytest.raises(ProtectedFromDeletion, match=deleted):
        model.objects.all().delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_a_new_record_with_an_existing_key_does_not_overwrite_it(everything):
    event = Event.objects.order_by("pk").first()
    forged = Event(pk=event.pk, proposal=event.proposal, verb=event.verb, note="改写历史")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert Event.objects.get(pk=event.pk).note == event.note
