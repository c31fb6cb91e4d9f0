"""Items at scale for the statistics benchmark, written by the bulk path.

``populate`` creates sessions of both bodies over several years, a hundred agencies,
proposers, and N items at every stage: assignments with their deadlines (some extended,
some overdue, some met late), co-handling opinions, contacts, sent replies with their
result class, ratings and re-handling, in the proportions a large city sees. Nothing goes
through the services (that would take hours); the rows are what the services write.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from agencies.models import Agency, AgencyMembership, Body, CommitteeStaff
from deadlines.models import Deadline, Step
from portal import clock
from proposals.models import Assignment, Proposal, Proposer, Session, Topic
from responses.models import CoHandlingOpinion, ContactLog, Feedback, ReplyLetter, ResultCategory

BATCH = 5000
YEARS = 5
AGENCIES = 100
PROPOSERS = 800  # per body
S = Proposal.Status
Mode = Assignment.Mode


@dataclass
class Made:
    sessions: list[Session]
    agencies: list[Agency]
    staff: object
    clerk: object
    size: int


def existing() -> Made | None:
    """The benchmark's items already in the database (from an earlier run), if any."""
    User = get_user_model()
    staff = User.objects.filter(username__startswith="bench_staff_").order_by("-pk").first()
    if staff is None:
        return None
    stamp = staff.username.removeprefix("bench_staff_")
    sessions = list(Session.objects.filter(region=f"基准{stamp}"))
    clerk = User.objects.filter(username=f"bench_clerk_{stamp}").first()
    if not sessions or clerk is None:
        return None
    return Made(
        sessions=sessions,
        agencies=list(Agency.objects.filter(name__endswith=f"({stamp})")),
        staff=staff,
        clerk=clerk,
        size=Proposal.objects.filter(session__in=sessions).count(),
    )


def _bulk(model, rows: list) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    if created and created[0].pk is None:  # SQLite before RETURNING: read the ids back
        last = model.objects.order_by("-pk").values_list("pk", flat=True)[: len(created)]
        for row, pk in zip(created, reversed(list(last)), strict=True):
            row.pk = pk
    return created


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def populate(size: int, rng: random.Random, *, stamp: str) -> Made:
    """Create ``size`` items and everything handled about them; return what to ask for."""
    today = clock.today()
    User = get_user_model()
    staff = User.objects.create_user(f"bench_staff_{stamp}", full_name="基准委员会工作人员")
    for body in Body.values:
        CommitteeStaff.objects.create(user=staff, body=body)
    agencies = _bulk(
        Agency,
        [
            Agency(name=f"基准单位{n:03d}({stamp})", short_name=f"基准单位{n:03d}")
            for n in range(AGENCIES)
        ],
    )
    clerk = User.objects.create_user(f"bench_clerk_{stamp}", full_name="基准经办人")
    AgencyMembership.objects.create(user=clerk, agency=agencies[0])
    sessions = []
    for y in range(YEARS):
        year = today.year - YEARS + 1 + y
        for body, level in ((Body.NPC, "市人大"), (Body.CPPCC, "市政协")):
            sessions.append(
                Session.objects.create(
                    body=body,
                    region=f"基准{stamp}",
                    level_name=level,
                    term=20,
                    number=y + 1,
                    opens_on=date(year, 1, 10),
                    closes_on=date(year, 1, 14),
                )
            )
    proposers = {
        body: _bulk(
            Proposer,
            [
                Proposer(
                    body=body,
                    name=f"基准{body}{n}",
                    kind=Proposer.Kind.GROUP if n % 40 == 0 else Proposer.Kind.PERSON,
                    group_kind=Proposer.GroupKind.PARTY if n % 40 == 0 else "",
                )
                for n in range(PROPOSERS)
            ],
        )
        for body in Body.values
    }
    topics = list(Topic.objects.filter(is_active=True))
    classes = {
        body: list(ResultCategory.objects.filter(body=body, is_active=True)) for body in Body.values
    }
    per_session = -(-size // len(sessions))
    for session in sessions:
        count = min(per_session, size - per_session * sessions.index(session))
        if count > 0:
            _session_items(session, count, rng, agencies, proposers, topics, classes, staff, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "proposals_proposal",
                "proposals_assignment",
                "deadlines_deadline",
                "responses_replyletter",
                "responses_feedback",
                "responses_contactlog",
                "responses_cohandlingopinion",
            ):
                cursor.execute(f"ANALYZE {table}")
    return Made(sessions=sessions, agencies=agencies, staff=staff, clerk=clerk, size=size)


def _session_items(session, count, rng, agencies, proposers, topics, classes, staff, today):
    body = session.body
    kind = Proposal.Kind.for_body(Body(body))
    people = proposers[body]
    assigned_on = session.opens_on + timedelta(days=30)
    items = []
    for n in range(count):
        roll = rng.random()
        status = (
            S.SUBMITTED
            if roll < 0.02
            else S.WITHDRAWN
            if roll < 0.03
            else S.MERGED
            if roll < 0.07
            else S.REJECTED
            if roll < 0.11
            else S.ACCEPTED
            if roll < 0.13
            else S.ASSIGNED
        )
        items.append(
            Proposal(
                session=session,
                number=str(n + 1),
                serial=n + 1,
                kind=kind,
                filed_during=Proposal.FiledDuring.SESSION
                if rng.random() < 0.8
                else Proposal.FiledDuring.INTERIM,
                title=f"关于第{n + 1}项民生事项的{kind.label}",
                lead_proposer=rng.choice(people),
                topic=rng.choice(topics) if rng.random() < 0.95 else None,
                status=status,
                created_by=staff,
                submitted_at=_at(session.opens_on),
            )
        )
    for first in range(0, len(items), BATCH):
        _bulk(Proposal, items[first : first + BATCH])
    handled = [p for p in items if p.status == S.ASSIGNED]
    plans = []
    for proposal in handled:
        chosen = rng.sample(agencies, 5)
        roll = rng.random()
        if roll < 0.05:
            modes = [Mode.REFERENCE, Mode.REFERENCE]
        elif roll < 0.10:
            modes = [Mode.SPLIT, Mode.SPLIT]
        else:
            modes = [Mode.LEAD] + [Mode.CO] * rng.choice([0, 1, 1, 1, 2, 3])
        day = assigned_on + timedelta(days=rng.randrange(0, 60))
        for agency, mode in zip(chosen, modes, strict=False):
            plans.append(_plan(proposal, agency, mode, day, rng, today))
    assignments = _bulk(
        Assignment,
        [
            Assignment(
                proposal=plan["proposal"],
                agency=plan["agency"],
                mode=plan["mode"],
                status=plan["status"],
                round=plan["round"],
                assigned_at=_at(plan["day"]),
                assigned_by=staff,
            )
            for plan in plans
        ],
    )
    deadlines, letters, contacts, opinions, rated = [], [], [], [], []
    for a, plan in zip(assignments, plans, strict=True):
        day = plan["day"]
        for step, due, extended, met_on in plan["deadlines"]:
            deadlines.append(
                Deadline(
                    assignment=a,
                    step=step,
                    round=2 if step == Step.REHANDLING else 1,
                    starts_on=day,
                    unit="working_days" if step == Step.SIGN_FOR else "months",
                    amount=5 if step == Step.SIGN_FOR else 1,
                    due_on=due,
                    extended_to=extended,
                    effective_due_on=extended or due,
                    status=Deadline.Status.MET if met_on else Deadline.Status.OPEN,
                    met_at=_at(met_on) if met_on else None,
                )
            )
        if plan["contact"]:
            contacts.append(
                ContactLog(
                    assignment=a,
                    contacted_on=day + timedelta(days=10),
                    way=rng.choice(ContactLog.Way.values),
                    people="经办人、提出人",
                    summary="听取意见。",
                    logged_by=staff,
                )
            )
        if plan["opinion_on"]:
            opinions.append(
                CoHandlingOpinion(
                    assignment=a,
                    body="同意主办单位意见。",
                    author=staff,
                    submitted_at=_at(plan["opinion_on"]),
                )
            )
        if plan["sent_on"]:
            sent_on = plan["sent_on"]
            letter = ReplyLetter(
                assignment=a,
                round=1,
                body="<p>答复正文。</p>",
                result_category=rng.choice(classes[session.body]),
                status=ReplyLetter.Status.SENT,
                drafted_by=staff,
                approved_by=staff,
                approved_at=_at(sent_on),
                written_on=sent_on,
                sent_at=_at(sent_on, 15),
            )
            letters.append(letter)
            if plan["rating"]:
                rated.append((letter, a, plan["rating"]))
    _bulk(Deadline, deadlines)
    _bulk(ContactLog, contacts)
    _bulk(CoHandlingOpinion, opinions)
    _bulk(ReplyLetter, letters)
    _bulk(
        Feedback,
        [
            Feedback(
                reply=letter,
                proposer=a.proposal.lead_proposer,
                rating=rating,
                comment="没有回答第二点。" if rating == "dissatisfied" else "",
                entered_by=staff,
                rated_at=letter.sent_at + timedelta(days=5),
            )
            for letter, a, rating in rated
        ],
    )


def _plan(proposal, agency, mode, day, rng, today) -> dict:
    """What happened to one assignment: its deadlines (step, due, extended to, met on),
    the status it reached, and what was written for it."""
    plan = {
        "proposal": proposal,
        "agency": agency,
        "mode": mode,
        "day": day,
        "round": 1,
        "status": Assignment.Status.PENDING,
        "contact": False,
        "opinion_on": None,
        "sent_on": None,
        "rating": None,
    }
    signed_on = day + timedelta(days=rng.randrange(1, 9))
    signed = signed_on <= today and rng.random() < 0.97
    plan["deadlines"] = [
        (Step.SIGN_FOR, day + timedelta(days=7), None, signed_on if signed else None)
    ]
    if not signed:
        return plan
    if mode == Mode.REFERENCE:
        plan["status"] = Assignment.Status.READ
        return plan
    plan["status"] = Assignment.Status.HANDLING
    if mode == Mode.CO:
        sent_on = day + timedelta(days=rng.randrange(5, 40))
        sent = sent_on <= today and rng.random() < 0.95
        plan["deadlines"].append(
            (Step.OPINION, day + timedelta(days=30), None, sent_on if sent else None)
        )
        if sent:
            plan["status"], plan["opinion_on"] = Assignment.Status.OPINION_SENT, sent_on
        return plan
    due = day + timedelta(days=91)
    extended = due + timedelta(days=45) if rng.random() < 0.06 else None
    sent_on = day + timedelta(days=rng.randrange(20, 120))
    sent = sent_on <= today and rng.random() < 0.97
    plan["deadlines"].append((Step.REPLY, due, extended, sent_on if sent else None))
    plan["contact"] = rng.random() < 0.75
    if not sent:
        return plan
    plan["status"], plan["sent_on"] = Assignment.Status.REPLIED, sent_on
    if rng.random() < 0.85:
        roll = rng.random()
        plan["rating"] = (
            "satisfied" if roll < 0.7 else "basically" if roll < 0.92 else "dissatisfied"
        )
        if plan["rating"] == "dissatisfied" and rng.random() < 0.6:
            plan["round"], plan["status"] = 2, Assignment.Status.HANDLING
            starts = sent_on + timedelta(days=10)
            plan["deadlines"].append((Step.REHANDLING, starts + timedelta(days=30), None, None))
    return plan
