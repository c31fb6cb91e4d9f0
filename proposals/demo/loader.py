"""Load the demo: agencies, sessions, people, the cases behind the seed letters, and
invented cases at every stage. Every step goes through the services, so the
demo's timelines are what real use would write. Loading twice changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import opencc
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyMembership, Body, CommitteeStaff
from deadlines import services as deadline_services
from deadlines.models import Deadline, Step
from disclosure.models import Publication
from disclosure.services import reply_publish
from portal import clock
from proposals import services as ps
from proposals import similarity
from proposals.models import Proposal, Proposer, Session, Topic
from responses import services as rs
from responses.models import ReplyLetter, ResultCategory

from .data import (
    AGENCIES,
    DEMO_CASES,
    DEMO_PROPOSERS,
    DEMO_REPEATS,
    DEMO_USERS,
    SEED_CASES,
    SEED_FILE_ENDS,
    SESSIONS,
    DemoCase,
    SeedCase,
)

SEEDS = Path(__file__).resolve().parent / "seeds"
TRADITIONAL_FILES = {"hangzhou-2020-emergency-cppcc-310.txt"}
SHENZHEN_HEADING = re.compile(r"\n\s*\d+\.第\d+号建议")
SUBTOPICS = {"应急管理": "综合政务", "民政": "民政、扶贫、救灾"}


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def seed_text(file: str) -> str:
    """Return a seed file's text in Simplified characters."""
    text = (SEEDS / file).read_text(encoding="utf-8")
    return _converter().convert(text) if file in TRADITIONAL_FILES else text


def letter_text(case: SeedCase) -> str:
    """Cut one letter out of its seed page and tidy its lines."""
    text = seed_text(case.file)
    start = text.index(case.start)
    if case.end:
        stop = text.index(case.end, start) + len(case.end)
    else:
        following = SHENZHEN_HEADING.search(text, start)
        end_marker = SEED_FILE_ENDS.get(case.file)
        stops = [len(text)]
        if following:
            stops.append(following.start())
        if end_marker and end_marker in text[start:]:
            stops.append(text.index(end_marker, start))
        stop = min(stops)
    lines = [line.strip() for line in text[start:stop].splitlines()]
    return "\n\n".join(line for line in lines if line)


class Loader:
    def __init__(self, password: str):
        self.password = password
        self.summary = Summary()
        self.User = get_user_model()

    # People and organisations

    def user(self, username: str, full_name: str, *, superuser: bool = False, login: bool = True):
        user, created = self.User.objects.get_or_create(
            username=username, defaults={"full_name": full_name}
        )
        if created:
            if login:
                user.set_password(self.password)
            else:
                user.set_unusable_password()
            user.is_staff = user.is_superuser = superuser
            user.save()
            self.summary.count("用户")
        return user

    def agencies(self) -> None:
        self.agency_by_name = {}
        for name, short, code, contact, phone in AGENCIES:
            agency, created = Agency.objects.get_or_create(
                name=name,
                defaults={
                    "short_name": short,
                    "org_code": code,
                    "contact_name": contact,
                    "contact_phone": phone,
                },
            )
            self.agency_by_name[name] = agency
            if created:
                self.summary.count("承办单位")

    def member(self, agency: Agency, role: str):
        """A user of ``agency`` in ``role``: a demo account where there is one, else a
        placeholder that cannot sign in (it stands for the agency's real staff)."""
        existing = AgencyMembership.objects.filter(agency=agency, role=role).first()
        if existing:
            return existing.user
        word = "经办人" if role == AgencyMembership.Role.CLERK else "负责人"
        user = self.user(f"agency{agency.pk}-{role}", f"{agency.display_name}{word}", login=False)
        AgencyMembership.objects.get_or_create(user=user, agency=agency, defaults={"role": role})
        return user

    def clerk(self, agency: Agency):
        return self.member(agency, AgencyMembership.Role.CLERK)

    def leader(self, agency: Agency):
        return self.member(agency, AgencyMembership.Role.LEADER)

    def topics(self) -> None:
        self.topic_by_name = {}
        for name, parent_name in SUBTOPICS.items():
            parent = Topic.objects.get(name=parent_name, parent=None)
            self.topic_by_name[name], _ = Topic.objects.get_or_create(name=name, parent=parent)

    def sessions(self) -> None:
        self.session_by_key = {}
        for key, (region, body, level, term, number, opens_on, pattern) in SESSIONS.items():
            session, created = Session.objects.get_or_create(
                region=region,
                body=body,
                level_name=level,
                term=term,
                number=number,
                defaults={"opens_on": opens_on, "number_pattern": pattern},
            )
            self.session_by_key[key] = session
            if created:
                self.summary.count("会议")

    def proposer(self, name: str, body: str, *, group: bool = False, constituency: str = ""):
        proposer, created = Proposer.objects.get_or_create(
            name=name,
            body=body,
            defaults={
                "kind": Proposer.Kind.GROUP if group else Proposer.Kind.PERSON,
                "group_kind": Proposer.GroupKind.MEMBER_GROUP if group else "",
                "constituency": constituency,
            },
        )
        if created:
            self.summary.count("提出人")
        return proposer

    def people(self) -> None:
        for name, body, constituency in DEMO_PROPOSERS:
            self.proposer(name, body, constituency=constituency)
        for case in SEED_CASES:
            body = self.session_by_key[case.session].body
            for name in case.proposers:
                self.proposer(name, body, group=case.group)
        self.staff = {}
        for spec in DEMO_USERS:
            user = self.user(spec.username, spec.full_name, superuser=spec.username == "admin")
            self.summary.users.append((spec.username, spec.role))
            if spec.body:
                CommitteeStaff.objects.get_or_create(
                    user=user,
                    body=spec.body,
                    defaults={"office": spec.role.removesuffix("工作人员")},
                )
                self.staff[spec.body] = user
            if spec.agency:
                role = "leader" if spec.username.endswith("leader") else "clerk"
                AgencyMembership.objects.get_or_create(
                    user=user, agency=self.agency_by_name[spec.agency], defaults={"role": role}
                )
            if spec.proposer:
                Proposer.objects.filter(name=spec.proposer, user=None).update(user=user)

    # Cases

    def seed_case(self, case: SeedCase) -> None:
        session = self.session_by_key[case.session]
        if Proposal.objects.filter(session=session, number=case.number).exists():
            return
        staff = self.staff[session.body]
        people = [Proposer.objects.get(name=n, body=session.body) for n in case.proposers]
        lead = self.agency_by_name[case.lead]
        co_handlers = [self.agency_by_name[n] for n in case.co_handlers]
        written = case.written_on or case.published_on
        points = "\n".join(f"{'一二三四五六七八九'[i]}、关于{p}" for i, p in enumerate(case.points))
        body = f"(建议原文未公开,以下为答复函所列的建议要点。)\n{points}"
        category = ResultCategory.objects.get(body=session.body, code=case.category or "A")
        steps = Steps(written, hour=10)
        steps.at(-75, lambda: self._seed_file(case, session, people, body, staff))
        proposal = steps.result
        steps.at(-70, lambda: ps.proposal_submit(proposal=proposal, by=staff))
        steps.at(-68, lambda: ps.proposal_accept(proposal=proposal, by=staff))
        steps.at(
            -60,
            lambda: ps.proposal_assign(
                proposal=proposal, lead=lead, co_handlers=co_handlers, by=staff
            ),
        )
        assignments = {a.agency_id: a for a in proposal.assignments.all()}
        for agency in [lead, *co_handlers]:
            steps.at(
                -58,
                lambda a=agency: ps.assignment_sign_for(
                    assignment=assignments[a.pk], by=self.clerk(a)
                ),
            )
        for agency in co_handlers:
            steps.at(
                -40,
                lambda a=agency: rs.opinion_submit(
                    assignment=assignments[a.pk],
                    body=f"{a.display_name}会办意见(原文未公开,演示数据)。",
                    by=self.clerk(a),
                ),
            )
        lead_assignment = assignments[lead.pk]
        steps.at(
            -5,
            lambda: rs.reply_draft(
                assignment=lead_assignment,
                body=letter_text(case),
                result_category=category,
                by=self.clerk(lead),
            ),
        )
        letter = steps.result
        steps.at(-3, lambda: rs.reply_submit(letter=letter, by=self.clerk(lead)))
        steps.at(0, lambda: rs.reply_approve(letter=letter, by=self.leader(lead)))
        steps.at(0, lambda: rs.reply_send(letter=letter, by=self.clerk(lead)))
        self.summary.count("真实答复案例")

    def seed_publication(self, case: SeedCase) -> None:
        """Record the seed letter's real publication, under the index number it was given."""
        if not case.index_number:
            return
        letter = ReplyLetter.objects.filter(
            assignment__proposal__session=self.session_by_key[case.session],
            assignment__proposal__number=case.number,
            assignment__agency=self.agency_by_name[case.lead],
            round=1,
        ).first()
        if letter is None or Publication.objects.filter(letter=letter).exists():
            return
        lead = letter.assignment.agency
        if not lead.org_code:
            lead.org_code = case.index_number.split("/")[0]
            lead.save(update_fields=["org_code"])
        Steps(case.published_on, hour=9).at(
            0,
            lambda: reply_publish(
                letter=letter,
                by=self.clerk(lead),
                published_on=case.published_on,
                index_number=case.index_number,
            ),
        )
        self.summary.count("公开答复")

    def _seed_file(self, case: SeedCase, session: Session, people, body: str, staff):
        return ps.proposal_create(
            session=session,
            number=case.number,
            title=case.title,
            body=body,
            lead_proposer=people[0],
            co_signers=people[1:],
            topic=self.topic_by_name.get(case.topic),
            by=staff,
        )

    def demo_case(self, case: DemoCase) -> None:
        session = self.session_by_key[case.session]
        if Proposal.objects.filter(session=session, title=case.title).exists():
            return
        body = session.body
        staff = self.staff[body]
        lead_proposer = Proposer.objects.get(name=case.lead_proposer, body=body)
        co_signers = [Proposer.objects.get(name=n, body=body) for n in case.co_signers]
        filer = lead_proposer.user or staff
        plan = DemoPlan(self, case, session, lead_proposer, co_signers, filer, staff)
        plan.run()
        self.summary.count("演示案例")

    def run(self) -> Summary:
        with transaction.atomic():
            self.agencies()
            self.topics()
            self.sessions()
            self.people()
            for case in SEED_CASES:
                self.seed_case(case)
                self.seed_publication(case)
            for case in DEMO_CASES:
                self.demo_case(case)
            self.published_pages()
            self.repeats()
        # Items filed before the similar-items index existed are indexed now; those just
        # filed were indexed as their filing committed.
        indexed = similarity.rebuild(missing=True)
        if indexed:
            self.summary.count("相似件索引", indexed)
        return self.summary

    def repeats(self) -> None:
        """An invented item marked as repeating the real 2023 proposal (重复提出)."""
        from proposals.models import RepeatLink

        for later_title, session, number, note in DEMO_REPEATS:
            later = Proposal.objects.filter(title=later_title).first()
            earlier = Proposal.objects.filter(
                session=self.session_by_key[session], number=number
            ).first()
            if later is None or earlier is None:
                continue
            if RepeatLink.objects.filter(proposal=later, earlier=earlier).exists():
                continue
            staff = self.staff[later.session.body]
            ps.proposal_mark_repeat(proposal=later, earlier=earlier, note=note, by=staff)
            self.summary.count("重复提出标记")

    def published_pages(self) -> None:
        """The seed letters the portal cannot publish itself (their agencies' organisation
        codes are not known) are shown on the public portal as the pages they were
        published on, through the importer; a page already imported changes nothing."""
        from io import StringIO

        from django.core.management import call_command

        from disclosure.models import Publication

        before = Publication.objects.count()
        for file in sorted({case.file for case in SEED_CASES}):
            lead = next(case.lead for case in SEED_CASES if case.file == file)
            call_command(
                "import_replies",
                str(SEEDS / file),
                agency=lead,
                stdout=StringIO(),
                stderr=StringIO(),
            )
        added = Publication.objects.count() - before
        if added:
            self.summary.count("导入已公开答复", added)


class Steps:
    """Run steps at given days relative to an anchor date, each at its own moment."""

    def __init__(self, anchor: date, hour: int = 10):
        self.anchor, self.hour, self.minute = anchor, hour, 0
        self.result = None

    def at(self, day_offset: int, step: Callable):
        self.minute += 1
        moment = datetime.combine(
            self.anchor + timedelta(days=day_offset), time(self.hour, self.minute % 60)
        )
        with clock.at(timezone.make_aware(moment)):
            self.result = step()
        return self.result


class DemoPlan:
    """The steps of an invented case, dated backwards from today so its deadlines are live."""

    ORDER = [
        "draft",
        "submitted",
        "accepted",
        "assigned",
        "handling",
        "drafted",
        "pending_approval",
        "approved",
        "sent",
        "rated",
        "rehandling",
    ]

    def __init__(self, loader, case, session, lead_proposer, co_signers, filer, staff):
        self.loader, self.case, self.session = loader, case, session
        self.lead_proposer, self.co_signers = lead_proposer, co_signers
        self.filer, self.staff = filer, staff

    def _reach(self, stage: str) -> list[str]:
        special = {
            "rejected": ["draft", "submitted"],
            "adjustment": [*self.ORDER[:4], "adjustment"],
            "merged": ["draft", "submitted"],
            "closed": [*self.ORDER[: self.ORDER.index("rated") + 1]],
            "rehandling": [*self.ORDER],
            "split_replied": self.ORDER[:4],
            "reference": self.ORDER[:4],
        }
        if stage in special:
            return special[stage]
        return self.ORDER[: self.ORDER.index(stage) + 1]

    def run(self) -> None:
        stages = self._reach(self.case.stage)
        extra = 1 if self.case.stage in ("rejected", "merged", "split_replied", "reference") else 0
        steps = Steps(clock.today() - timedelta(days=2 * (len(stages) + extra)), hour=9)
        self.steps = steps
        for n, stage in enumerate(stages):
            self.day = 2 * n
            getattr(self, f"do_{stage}")()
        self.day = 2 * len(stages)
        finish = getattr(self, f"finish_{self.case.stage}", None)
        if finish:
            finish()
        if self.case.extension:
            self.extend(approve=self.case.extension == "approved")

    def at(self, step: Callable, later: int = 0):
        return self.steps.at(self.day + later, step)

    @property
    def agencies(self):
        names = self.loader.agency_by_name
        return (
            names.get(self.case.lead),
            [names[n] for n in self.case.co_handlers],
            [names[n] for n in self.case.split],
            [names[n] for n in self.case.reference],
        )

    def do_draft(self):
        self.proposal = self.at(
            lambda: ps.proposal_create(
                session=self.session,
                title=self.case.title,
                body=self.case.body or "一、关于……",
                lead_proposer=self.lead_proposer,
                co_signers=self.co_signers,
                by=self.filer,
            )
        )

    def do_submitted(self):
        for cosigner in self.co_signers:
            if cosigner.user:
                self.at(lambda u=cosigner.user: ps.cosign_confirm(proposal=self.proposal, by=u))
            else:
                self.at(
                    lambda p=cosigner: ps.cosign_confirm(
                        proposal=self.proposal, proposer=p, by=self.staff
                    )
                )
        by = self.filer
        self.at(lambda: ps.proposal_submit(proposal=self.proposal, by=by))

    def do_accepted(self):
        self.at(lambda: ps.proposal_accept(proposal=self.proposal, by=self.staff))
        if self.case.is_key:
            self.at(
                lambda: ps.proposal_mark_key(proposal=self.proposal, is_key=True, by=self.staff)
            )

    def do_assigned(self):
        lead, co, split, reference = self.agencies
        self.assignments = self.at(
            lambda: ps.proposal_assign(
                proposal=self.proposal,
                lead=lead,
                co_handlers=co,
                split=split,
                reference=reference,
                by=self.staff,
            )
        )

    def _lead(self):
        return next(a for a in self.assignments if a.mode == "lead")

    def _co(self):
        return [a for a in self.assignments if a.mode == "co"]

    def do_adjustment(self):
        co = self._co()[0]
        clerk = self.loader.clerk(co.agency)
        self.at(
            lambda: ps.assignment_request_adjustment(
                assignment=co, reason="该事项主要涉及商务部门职责,建议调整承办单位。", by=clerk
            )
        )

    def do_handling(self):
        lead = self._lead()
        self.at(lambda: ps.assignment_sign_for(assignment=lead, by=self.loader.clerk(lead.agency)))
        for co in self._co():
            clerk = self.loader.clerk(co.agency)
            self.at(lambda c=co, u=clerk: ps.assignment_sign_for(assignment=c, by=u))
            self.at(
                lambda c=co, u=clerk: rs.opinion_submit(
                    assignment=c,
                    body=f"{c.agency.display_name}会办意见:同意主办单位的办理意见,"
                    "并将在职责范围内做好配合。",
                    by=u,
                ),
                later=1,
            )
        self.at(
            lambda: rs.contact_log(
                assignment=lead,
                contacted_on=clock.today(),
                way="face",
                people=f"{self.loader.clerk(lead.agency)}、{self.lead_proposer.name}",
                summary="当面听取提出人意见,介绍初步办理思路。",
                by=self.loader.clerk(lead.agency),
            ),
            later=1,
        )

    def do_drafted(self):
        lead = self._lead()
        title = self.lead_proposer.title
        text = (
            f"{self.lead_proposer.name}{title}:\n\n"
            f"您提出的《{self.case.title}》(第{self.proposal.number}号)收悉。现将办理情况答复如下:"
            "\n\n一、关于增加社区服务设施\n\n……\n\n感谢您对我们工作的关心和支持!"
        )
        category = ResultCategory.objects.get(body=self.session.body, code="B")
        self.letter = self.at(
            lambda: rs.reply_draft(
                assignment=lead,
                body=text,
                result_category=category,
                by=self.loader.clerk(lead.agency),
            )
        )

    def do_pending_approval(self):
        clerk = self.loader.clerk(self._lead().agency)
        self.at(lambda: rs.reply_submit(letter=self.letter, by=clerk))

    def do_approved(self):
        leader = self.loader.leader(self._lead().agency)
        self.at(lambda: rs.reply_approve(letter=self.letter, by=leader))

    def do_sent(self):
        clerk = self.loader.clerk(self._lead().agency)
        self.at(lambda: rs.reply_send(letter=self.letter, by=clerk))

    def do_rated(self):
        rating = "dissatisfied" if self.case.stage == "rehandling" else "satisfied"
        comment = "答复未说明具体实施时间表。" if rating == "dissatisfied" else "答复具体,感谢。"
        rater = self.lead_proposer.user
        self.at(
            lambda: rs.feedback_submit(letter=self.letter, rating=rating, comment=comment, by=rater)
        )

    def do_rehandling(self):
        rater = self.lead_proposer.user
        self.at(lambda: rs.assignment_rehandle(assignment=self._lead(), by=rater))

    def extend(self, approve: bool):
        lead = self._lead()
        deadline = Deadline.objects.get(assignment=lead, step=Step.REPLY)
        clerk = self.loader.clerk(lead.agency)
        request = self.at(
            lambda: deadline_services.extension_request(
                deadline=deadline,
                proposed_date=deadline.effective_due_on + timedelta(days=45),
                reason="所提事项需结合明年财政预算安排统筹研究,申请延期答复。",
                by=clerk,
            ),
            later=1,
        )
        if approve:
            self.at(
                lambda: deadline_services.extension_decide(
                    request=request, approve=True, by=self.staff, note="同意。"
                ),
                later=1,
            )

    def finish_rejected(self):
        self.at(
            lambda: ps.proposal_reject(
                proposal=self.proposal,
                reason="所提内容属个人具体诉求,不符合提案立案标准,已转有关部门按来信办理。",
                forward=True,
                by=self.staff,
            )
        )

    def finish_merged(self):
        target = Proposal.objects.get(
            session=self.session, title="关于发展社区嵌入式托育服务的建议"
        )
        self.at(lambda: ps.proposal_merge(proposal=self.proposal, into=target, by=self.staff))

    def finish_split_replied(self):
        first = self.assignments[0]
        clerk, leader = self.loader.clerk(first.agency), self.loader.leader(first.agency)
        for a in self.assignments:
            self.at(
                lambda a=a: ps.assignment_sign_for(assignment=a, by=self.loader.clerk(a.agency))
            )
        category = ResultCategory.objects.get(body=self.session.body, code="A")
        letter = self.at(
            lambda: rs.reply_draft(
                assignment=first,
                body=f"{self.lead_proposer.name}{self.lead_proposer.title}:\n\n就分办事项答复如下……",
                result_category=category,
                by=clerk,
            ),
            later=1,
        )
        self.at(lambda: rs.reply_submit(letter=letter, by=clerk), later=1)
        self.at(lambda: rs.reply_approve(letter=letter, by=leader), later=1)
        self.at(lambda: rs.reply_send(letter=letter, by=clerk), later=1)

    def finish_reference(self):
        first = self.assignments[0]
        self.at(
            lambda: ps.assignment_sign_for(assignment=first, by=self.loader.clerk(first.agency))
        )


def load_demo(password: str) -> Summary:
    """Create whatever of the demo is missing and return what was created."""
    return Loader(password).run()


__all__ = ["Body", "Summary", "letter_text", "load_demo", "seed_text"]
