"""Extensions: asked by the agency with a reason, decided by staff, at most six months."""

import datetime

import pytest
import time_machine

from deadlines import services
from deadlines.models import Deadline, ExtensionRequest
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import Event, Verb
from tests import workflow as wf

MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)
D = datetime.date


@pytest.fixture
def reply_deadline(world):
    with time_machine.travel(MARCH_18, tick=False):
        proposal = wf.signed(world)
    return Deadline.objects.get(assignment=wf.lead_of(proposal), step="reply")


def test_an_approved_extension_shows_its_new_date_and_is_not_overdue(world, reply_deadline):
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC)):
        request = services.extension_request(
            deadline=reply_deadline,
            proposed_date=D(2026, 8, 18),
            reason="需待年度预算批复后答复。",
            by=world.lead_clerk,
        )
        services.extension_decide(request=request, approve=True, by=world.staff)
    reply_deadline.refresh_from_db()
    assert reply_deadline.due_on == D(2026, 6, 18)
    assert reply_deadline.effective_due_on == D(2026, 8, 18)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=datetime.UTC)):
        assert not reply_deadline.is_overdue()
        assert reply_deadline.state_label() == "已延期"
        assert not Deadline.objects.overdue(D(2026, 7, 1)).filter(pk=reply_deadline.pk).exists()
    with time_machine.travel(datetime.datetime(2026, 8, 19, 9, tzinfo=datetime.UTC)):
        assert reply_deadline.state_label() == "已超期、已延期"
    assert "经批准延期至2026年8月18日" in reply_deadline.explanation_text
    verbs = list(Event.objects.filter(verb__startswith="extension").values_list("verb", flat=True))
    assert verbs == [Verb.EXTENSION_REQUESTED, Verb.EXTENSION_APPROVED]


def test_staff_may_grant_another_date(world, reply_deadline):
    request = services.extension_request(
        deadline=reply_deadline, proposed_date=D(2026, 9, 1), reason="理由", by=world.lead_clerk
    )
    services.extension_decide(
        request=request, approve=True, granted_date=D(2026, 7, 31), by=world.staff
    )
    reply_deadline.refresh_from_db()
    assert reply_deadline.effective_due_on == D(2026, 7, 31)


def test_no_extension_beyond_six_months_from_assignment(world, reply_deadline):
    with pytest.raises(InvalidInput, match="最晚2026年9月18日"):
        services.extension_request(
            deadline=reply_deadline,
            proposed_date=D(2026, 9, 19),
            reason="理由",
            by=world.lead_clerk,
        )
    services.extension_request(
        deadline=reply_deadline, proposed_date=D(2026, 9, 18), reason="理由", by=world.lead_clerk
    )


@pytest.mark.parametrize(
    ("who", "date", "reason", "error"),
    [
        ("co_clerk", D(2026, 8, 1), "理由", NotPermitted),
        ("staff", D(2026, 8, 1), "理由", NotPermitted),
        ("lead_clerk", D(2026, 8, 1), " ", InvalidInput),
        ("lead_clerk", D(2026, 6, 18), "理由", InvalidInput),
        ("lead_clerk", None, "理由", InvalidInput),
    ],
)
def test_bad_extension_requests_are_refused(world, reply_deadline, who, date, reason, error):
    with pytest.raises(error):
        services.extension_request(
            deadline=reply_deadline, proposed_date=date, reason=reason, by=getattr(world, who)
        )
    assert not ExtensionRequest.objects.exists()


def test_the_sign_for_deadline_cannot_be_extended(world):
    proposal = wf.assigned(world)
    deadline = Deadline.objects.get(assignment=wf.lead_of(proposal), step="sign_for")
    with pytest.raises(InvalidInput):
        services.extension_request(
            deadline=deadline, proposed_date=D(2030, 1, 1), reason="理由", by=world.lead_clerk
        )


def test_refusing_needs_a_reason_and_deciding_twice_is_refused(world, reply_deadline):
    request = services.extension_request(
        deadline=reply_deadline, proposed_date=D(2026, 8, 1), reason="理由", by=world.lead_clerk
    )
    with pytest.raises(NotPermitted):
        services.extension_decide(request=request, approve=True, by=world.lead_leader)
    with pytest.raises(InvalidInput):
        services.extension_decide(request=request, approve=False, by=world.staff)
    services.extension_decide(request=request, approve=False, note="理由不充分。", by=world.staff)
    with pytest.raises(TransitionNotAllowed):
        services.extension_decide(request=request, approve=True, by=world.staff)
    reply_deadline.refresh_from_db()
    assert reply_deadline.extended_to is None


def test_only_one_request_waits_at_a_time(world, reply_deadline):
    services.extension_request(
        deadline=reply_deadline, proposed_date=D(2026, 8, 1), reason="理由", by=world.lead_clerk
    )
    with pytest.raises(InvalidInput):
        services.extension_request(
            deadline=reply_deadline,
            proposed_date=D(2026, 8, 2),
            reason="再申请",
            by=world.lead_clerk,
        )
