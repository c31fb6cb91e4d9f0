"""Thirteen items of one CPPCC session handled through the services on fixed days, each an
edge case the statistics must count right; the figures are read on 3 August 2026.

    A  lead and co-handler; replied 10 May, co opinion on time, met face to face, 满意, A类
    B  lead and co-handler; co opinion late (6 May), replied 1 June by phone, 基本满意, B类
    C  reply deadline extended to 18 August; replied 20 July (late by the first date), C类
    D  never replied: overdue
    E  extended to 18 August, not yet replied: neither due nor overdue
    F  replied 30 April, 不满意, handled again from 15 July (round 2 not yet sent)
    G  split between 民政局 (replied 1 May, A类) and 交通局 (never replied)
    H  merged into A before review
    I  withdrawn by its proposer;  J  not accepted;  K  still waiting for review
    L  sent to 卫健委 for reference only
    M  replied 29 June, after its deadline, without contact; 不满意, not handled again; D类
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from deadlines import services as deadline_services
from deadlines.models import Deadline, Step
from proposals import services as ps
from proposals.models import Proposal, Topic
from responses import services as rs
from stats import facts
from tests import workflow as wf

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime.datetime(2026, 8, 3, 10, 0, tzinfo=SHANGHAI)
EXTENDED_TO = datetime.date(2026, 8, 18)


def on(month: int, day: int):
    return time_machine.travel(
        datetime.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI), tick=False
    )


def _reply(w, assignment, *, sent: tuple[int, int], code: str, clerk=None, leader=None):
    clerk, leader = clerk or w.lead_clerk, leader or w.lead_leader
    with on(*sent):
        letter = rs.reply_draft(
            assignment=assignment,
            body=wf.REPLY_TEXT,
            result_category=wf.category(code),
            disclosure="on_request",
            by=clerk,
        )
        rs.reply_submit(letter=letter, by=clerk)
        rs.reply_approve(letter=letter, by=leader)
        return rs.reply_send(letter=letter, by=clerk)


def _rate(w, letter, rating: str, day: tuple[int, int]):
    with on(*day):
        comment = "没有回答第二点。" if rating == "dissatisfied" else ""
        rs.feedback_submit(letter=letter, rating=rating, comment=comment, by=w.lead_proposer_user)


def _contact(w, assignment, way: str):
    with on(4, 10):
        rs.contact_log(
            assignment=assignment,
            contacted_on=datetime.date(2026, 4, 10),
            way=way,
            people="吴强、戚敏敏",
            summary="听取意见。",
            by=w.lead_clerk,
        )


def _extend(w, assignment):
    deadline = Deadline.objects.get(assignment=assignment, step=Step.REPLY, round=1)
    with on(6, 10):
        request = deadline_services.extension_request(
            deadline=deadline, proposed_date=EXTENDED_TO, reason="需待预算批复。", by=w.lead_clerk
        )
    with on(6, 11):
        deadline_services.extension_decide(request=request, approve=True, by=w.staff)


@pytest.fixture
def handled(world):
    w = world
    civil = Topic.objects.get(name="民政、扶贫、救灾", parent=None)
    elderly = Topic.objects.create(name="养老服务", parent=civil)
    health = Topic.objects.get(name="卫生、体育", parent=None)
    topics = {"A": elderly, "B": civil, "C": health}
    items = {}
    with on(3, 10):
        for key in "ABCDEFGHIJKLM":
            items[key] = wf.submitted(
                w,
                title=f"关于{key}事项的提案",
                topic=topics.get(key),
                filed_during="interim" if key == "D" else "session",
            )
        ps.proposal_merge(proposal=items["H"], into=items["A"], by=w.staff)
        ps.proposal_withdraw(proposal=items["I"], note="另行提出。", by=w.lead_proposer_user)
        ps.proposal_reject(proposal=items["J"], reason="已有相关政策,不予立案。", by=w.staff)
        for key in "ABCDEFGLM":
            ps.proposal_accept(proposal=items[key], by=w.staff)
    parts = {}
    with on(3, 18):
        for key in "ABCDEFGLM":
            plan = {"lead": w.lead_agency}
            if key in "AB":
                plan["co_handlers"] = [w.co_agency]
            if key == "G":
                plan = {"split": [w.lead_agency, w.other_agency]}
            if key == "L":
                plan = {"reference": [w.co_agency]}
            for a in ps.proposal_assign(proposal=items[key], by=w.staff, **plan):
                parts[key, a.agency.short_name] = a
    with on(3, 19):
        clerks = {
            "市民政局": w.lead_clerk,
            "市卫生健康委": w.co_clerk,
            "市交通运输局": w.other_clerk,
        }
        for (_, agency), a in parts.items():
            ps.assignment_sign_for(assignment=a, by=clerks[agency])
    lead = {key: parts[key, "市民政局"] for key in "ABCDEFGM"}
    with on(4, 1):
        rs.opinion_submit(assignment=parts["A", "市卫生健康委"], body="同意。", by=w.co_clerk)
    with on(5, 6):
        rs.opinion_submit(assignment=parts["B", "市卫生健康委"], body="同意。", by=w.co_clerk)
    _contact(w, lead["A"], "face")
    _contact(w, lead["B"], "phone")
    _contact(w, lead["C"], "phone")
    _contact(w, lead["F"], "visit")
    _extend(w, lead["C"])
    _extend(w, lead["E"])
    letters = {
        "F": _reply(w, lead["F"], sent=(4, 30), code="A"),
        "G": _reply(w, lead["G"], sent=(5, 1), code="A"),
        "A": _reply(w, lead["A"], sent=(5, 10), code="A"),
        "B": _reply(w, lead["B"], sent=(6, 1), code="B"),
        "M": _reply(w, lead["M"], sent=(6, 29), code="D"),
        "C": _reply(w, lead["C"], sent=(7, 20), code="C"),
    }
    _rate(w, letters["F"], "dissatisfied", (5, 3))
    _rate(w, letters["A"], "satisfied", (5, 12))
    _rate(w, letters["B"], "basically", (6, 3))
    _rate(w, letters["M"], "dissatisfied", (7, 1))
    with on(7, 15):
        rs.assignment_rehandle(assignment=lead["F"], by=w.lead_proposer_user, note="请答复第二点。")
    with time_machine.travel(AS_OF, tick=False):
        yield SimpleNamespace(
            world=w,
            items={k: Proposal.objects.get(pk=p.pk) for k, p in items.items()},
            parts=parts,
            letters=letters,
            topics=topics,
        )


@pytest.fixture
def settled(handled):
    """The handled items with their statistics' facts refreshed, as a reader finds them."""
    facts.settle()
    return handled
