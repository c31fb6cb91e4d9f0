"""Who may do what through the API: every role against every endpoint and action of
``/api/v1/``, one test per cell.

``MATRIX`` is the portal's rules as the API answers them. Each row names an endpoint and,
in braces, the record it is called on, brought to that state through the services
(``{assigned.lead}`` is the lead agency's assignment of an item just assigned); each column
is a role, and each cell the status that role gets:

- 200/201: the step is theirs and the state allows it; the step is taken (its effect is
  checked in ``EFFECTS``, and the timeline names the caller);
- 401: anonymous on an endpoint for signed-in users;
- 403: they may see the record, but the step is not theirs;
- 404: the record is outside what they may see, as the pages answer (an agency sees only
  items assigned to it, the public only what is published);
- 409: the step is theirs, but not in the record's current state;
- 400: a POST naming in its body an assignment they may not see (refused as an id that
  does not exist, as the serializers refuse every id the caller may not name).

Every refused call leaves every record as it was. ``SCOPES`` says which records each role
finds in each list.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import roles_of
from deadlines import services as deadline_services
from deadlines.models import Deadline, ExtensionRequest
from disclosure import services as disclosure_services
from disclosure.models import Publication
from notifications.models import Notification
from proposals import services as ps
from proposals import similarity
from proposals.models import (
    Assignment,
    Attachment,
    CoSigner,
    Event,
    Proposal,
    RepeatLink,
    Verb,
)
from responses import services as rs
from responses.models import (
    CoHandlingOpinion,
    ContactLog,
    Feedback,
    LetterRevision,
    ReplyLetter,
    ResultCategory,
)
from tests import factories
from tests import workflow as wf

API = "/api/v1/"
MARCH_18 = datetime.datetime(2026, 3, 18, 9, 0, tzinfo=datetime.UTC)
TODAY = "2026-03-18"
# A small file of each kind the portal takes, as their first bytes show them.
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
UPLOAD_NAME = "调研报告.pdf"


@pytest.fixture(autouse=True)
def march_18():
    # Deadlines and extension dates are counted from a fixed, unmoving day.
    with time_machine.travel(MARCH_18, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # The files kept with the items, each test its own.
    settings.MEDIA_ROOT = tmp_path / "media"


# -- the roles --------------------------------------------------------------------------

# Each role, in the order of the matrix's columns, and the ``world`` user who plays it:
# the item's lead proposer and co-signer, a proposer of another item, the clerk and the
# leader of the lead agency, the clerk of the co-handling agency, the clerk of an agency
# the item was never assigned to, the CPPCC committee staff and the NPC committee staff.
ROLES = {
    "anonymous": None,
    "proposer": "lead_proposer_user",
    "cosigner": "cosigner_user",
    "other_proposer": "other_proposer_user",
    "lead_clerk": "lead_clerk",
    "lead_leader": "lead_leader",
    "co_clerk": "co_clerk",
    "unrelated_clerk": "other_clerk",
    "staff": "staff",
    "npc_staff": "npc_staff",
}

# -- the matrix -------------------------------------------------------------------------

# Rows by resource: "METHOD {record}/action [note]"; the note's braces name records the
# call needs beside the one in the address. The records, on an item of the proposer's
# co-signed by the cosigner, each brought to its state through the services (``STATES``):
#   {draft}       a draft, not yet confirmed by the co-signer; {confirmed} once confirmed
#   {filed}       a draft the staff entered from the proposer's paper form
#   {submitted}   submitted; {submitted.into} another submitted item to merge it into
#   {accepted}    accepted, not yet assigned
#   {assigned}    assigned to the lead agency (.lead) with the co-handler (.co), unsigned
#   {attached}    assigned, with a file the staff kept with it (.attachment)
#   {adjusting}   assigned; the co-handler asked for an adjustment
#   {signed}      assigned and signed for by both agencies
#   {extending}   signed; the lead agency asked to extend its reply deadline
#   {drafted}     signed; with the co-handler's .opinion, a .contact and a draft .letter
#   {pending}     its letter awaiting sign-off; {approved} signed off; {sent} sent
#   {unhappy}     sent and rated 不满意 by the proposer
#   {referenced}  sent to both agencies for reference only and read by both: it may close
#   {published}   sent and published (.publication); {withdrawn} published, then withdrawn
#   {repeating}   assigned, and marked by the staff as repeating an earlier item whose
#                 reply was published (.earlier)
#   {notified}    assigned, with the notices it sent (.notice: the lead clerk's)
#   {retracted}   submitted, then withdrawn by the proposer; {merged} submitted, then
#                 merged into another; {rejected} submitted, then not accepted;
#                 {closed} referenced, then closed: finished items
#   {session}, {lead_agency}, {lead_proposer}, {category}: reference data.
# Columns as in ROLES:
#   ano anonymous, pro proposer, cos cosigner, opr other proposer, lcl lead clerk,
#   lld lead leader, ccl co-handler's clerk, ucl unrelated clerk, stf staff, nst NPC staff.
# fmt: off
MATRIX = {
    "me": {
        #                                           ano pro cos opr lcl lld ccl ucl stf nst
        "GET":                                     "401 200 200 200 200 200 200 200 200 200",
    },
    "public/replies": {
        "GET {published.publication}":             "200 200 200 200 200 200 200 200 200 200",
        "GET {withdrawn.publication}":             "404 404 404 404 404 404 404 404 404 404",
    },
    "public/stats": {
        "GET [with {sent}]":                       "200 200 200 200 200 200 200 200 200 200",
    },
    "stats": {
        #                                           ano pro cos opr lcl lld ccl ucl stf nst
        "GET [with {sent}]":                       "401 403 403 403 200 200 200 200 200 200",
    },
    "sessions": {
        "GET {session}":                           "401 200 200 200 200 200 200 200 200 200",
    },
    "agencies": {
        "GET {lead_agency}":                       "401 200 200 200 200 200 200 200 200 200",
    },
    "result-categories": {
        "GET {category}":                          "401 200 200 200 200 200 200 200 200 200",
    },
    "proposers": {
        "GET {lead_proposer}":                     "401 403 403 403 403 403 403 403 200 404",
    },
    "proposals": {
        #                                           ano pro cos opr lcl lld ccl ucl stf nst
        "GET {draft}":                             "401 200 200 404 404 404 404 404 404 404",
        "GET {assigned}":                          "401 200 200 404 200 200 200 404 200 404",
        "GET {assigned}/events":                   "401 200 200 404 200 200 200 404 200 404",
        "POST":                                    "401 201 403 403 403 403 403 403 201 403",
        "POST {draft}/confirm-cosign":             "401 403 200 404 404 404 404 404 404 404",
        "POST {retracted}/confirm-cosign":         "401 403 409 404 404 404 404 404 403 404",
        "POST {draft}/decline-cosign":             "401 403 200 404 404 404 404 404 404 404",
        "POST {retracted}/decline-cosign":         "401 403 409 404 404 404 404 404 403 404",
        "PATCH {draft}":                           "401 200 403 404 404 404 404 404 404 404",
        "PATCH {submitted}":                       "401 409 403 404 404 404 404 404 403 404",
        "POST {draft}/invite-cosigners":           "401 200 403 404 404 404 404 404 404 404",
        "POST {filed}/invite-cosigners":           "401 200 403 404 404 404 404 404 200 404",
        "POST {submitted}/invite-cosigners":       "401 409 403 404 404 404 404 404 403 404",
        "POST {draft}/remove-cosigner":            "401 200 403 404 404 404 404 404 404 404",
        "POST {confirmed}/submit":                 "401 200 403 404 404 404 404 404 404 404",
        "POST {submitted}/withdraw":               "401 200 403 404 404 404 404 404 403 404",
        "POST {submitted}/accept":                 "401 403 403 404 404 404 404 404 200 404",
        "POST {submitted}/merge [into {submitted.into}]":
                                                   "401 403 403 404 404 404 404 404 200 404",
        "POST {submitted}/reject":                 "401 403 403 404 404 404 404 404 200 404",
        "POST {accepted}/assign":                  "401 403 403 404 404 404 404 404 200 404",
        "POST {assigned}/accept":                  "401 403 403 404 403 403 403 404 409 404",
        "POST {assigned}/mark-key":                "401 403 403 404 403 403 403 404 200 404",
        "POST {referenced}/close":                 "401 403 403 404 403 403 403 404 200 404",
        "GET {attached}/attachments":              "401 200 200 404 200 200 200 404 200 404",
        "GET {attached}/attachments/{attached.attachment}":
                                                   "401 200 200 404 200 200 200 404 200 404",
        "POST {draft}/attachments":                "401 201 403 404 404 404 404 404 404 404",
        "POST {filed}/attachments":                "401 201 403 404 404 404 404 404 201 404",
        "POST {submitted}/attachments":            "401 403 403 404 404 404 404 404 201 404",
        "POST {assigned}/attachments":             "401 403 403 404 403 403 403 404 201 404",
        "POST {sent}/attachments":                 "401 403 403 404 403 403 403 404 201 404",
        "POST {retracted}/attachments":            "401 403 403 404 404 404 404 404 409 404",
        "POST {merged}/attachments":               "401 403 403 404 404 404 404 404 409 404",
        "POST {rejected}/attachments":             "401 403 403 404 404 404 404 404 409 404",
        "POST {closed}/attachments":               "401 403 403 404 403 403 403 404 409 404",
        "GET similar [by text]":                   "401 200 200 200 200 200 200 200 200 200",
        "GET {assigned}/similar":                  "401 200 200 404 200 200 200 404 200 404",
        "GET {assigned}/repeats":                  "401 200 200 404 200 200 200 404 200 404",
        "POST {assigned}/mark-repeat [of {published}]":
                                                   "401 403 403 404 403 403 403 404 200 404",
        "POST {retracted}/mark-repeat [of {published}]":
                                                   "401 403 403 404 404 404 404 404 409 404",
        "POST {repeating}/unmark-repeat [of {repeating.earlier}]":
                                                   "401 403 403 404 403 403 403 404 200 404",
    },
    "assignments": {
        #                                           ano pro cos opr lcl lld ccl ucl stf nst
        "GET {assigned.lead}":                     "401 200 200 404 200 200 200 404 200 404",
        "GET {assigned.co}":                       "401 200 200 404 200 200 200 404 200 404",
        "GET {extending.lead}":                    "401 200 200 404 200 200 200 404 200 404",
        "POST {assigned.lead}/sign-for":           "401 403 403 404 200 200 403 404 403 404",
        "POST {assigned.co}/sign-for":             "401 403 403 404 403 403 200 404 403 404",
        "POST {signed.lead}/sign-for":             "401 403 403 404 409 409 403 404 403 404",
        "POST {assigned.lead}/request-adjustment": "401 403 403 404 200 200 403 404 403 404",
        "POST {adjusting.co}/decide-adjustment":   "401 403 403 404 403 403 403 404 200 404",
        "POST {signed.lead}/request-extension":    "401 403 403 404 200 200 403 404 403 404",
        "POST {extending.lead}/decide-extension":  "401 403 403 404 403 403 403 404 200 404",
        "POST {sent.lead}/rate":                   "401 201 201 404 403 403 403 404 403 404",
        "POST {sent.lead}/rate [paper form]":      "401 201 403 404 403 403 403 404 201 404",
        "POST {unhappy.lead}/rehandle":            "401 200 403 404 403 403 403 404 200 404",
    },
    "notifications": {
        "GET {notified.notice}":                   "401 404 404 404 200 404 404 404 404 404",
        "POST {notified.notice}/read":             "401 404 404 404 200 404 404 404 404 404",
        "POST read-all [with {notified.notice}]":  "401 200 200 200 200 200 200 200 200 200",
    },
    "opinions": {
        #                                           ano pro cos opr lcl lld ccl ucl stf nst
        "GET {drafted.opinion}":                   "401 404 404 404 200 200 200 404 200 404",
        "POST [for {signed.co}]":                  "401 403 403 400 403 403 201 400 403 400",
    },
    "contacts": {
        "GET {drafted.contact}":                   "401 404 404 404 200 200 200 404 200 404",
        "POST [for {signed.lead}]":                "401 403 403 400 201 201 403 400 403 400",
    },
    "letters": {
        #                                           ano pro cos opr lcl lld ccl ucl stf nst
        "GET {drafted.letter}":                    "401 404 404 404 200 200 404 404 200 404",
        "GET {drafted.letter}/revisions":          "401 404 404 404 200 200 404 404 200 404",
        "GET {sent.letter}":                       "401 200 200 404 200 200 200 404 200 404",
        "GET {sent.letter}/revisions":             "401 403 403 404 200 200 403 404 200 404",
        "POST [for {signed.lead}]":                "401 403 403 400 201 201 403 400 403 400",
        "PATCH {drafted.letter}":                  "401 404 404 404 200 200 404 404 403 404",
        "PATCH {sent.letter}":                     "401 403 403 404 409 409 403 404 403 404",
        "POST {drafted.letter}/submit":            "401 404 404 404 200 200 404 404 403 404",
        "POST {sent.letter}/submit":               "401 403 403 404 409 409 403 404 403 404",
        "POST {pending.letter}/approve":           "401 404 404 404 403 200 404 404 403 404",
        "POST {pending.letter}/return":            "401 404 404 404 403 200 404 404 403 404",
        "POST {approved.letter}/send":             "401 404 404 404 200 200 404 404 403 404",
        "POST {sent.letter}/publish":              "401 403 403 404 200 200 403 404 403 404",
    },
}
# fmt: on

ROW = re.compile(r"^(GET|POST|PATCH)(?: ([^ \[]+))?(?: \[(.+)\])?$")
PLACEHOLDER = re.compile(r"\{([\w.]+)\}")


def label(resource: str, row: str) -> str:
    """A row as a test id reads it: ``POST assignments/{assigned.lead}/sign-for/``."""
    method, path, note = ROW.fullmatch(row).groups()
    text = f"{method} {resource}/" + (f"{path}/" if path else "")
    return text + (f" [{note}]" if note else "")


def _cells():
    for resource, rows in MATRIX.items():
        for row, statuses in rows.items():
            codes = [int(code) for code in statuses.split()]
            assert len(codes) == len(ROLES), row
            for role, code in zip(ROLES, codes, strict=True):
                yield pytest.param(
                    role, label(resource, row), code, id=f"{role}-{label(resource, row)}"
                )


CELLS = list(_cells())
LABELS = {cell.values[1] for cell in CELLS}

# -- the records, each brought to its state through the services ------------------------

REASON = "属于其他部门职责,建议改由市交通运输局承办。"
DRAFT_TEXT = "一、关于增加社区养老服务设施\n二、关于加强养老护理人才培养\n三、关于完善资金保障"
NEW_TITLE = "关于增设社区老年食堂的提案"
REVISED = wf.REPLY_TEXT + "\n二、关于老年食堂运营补贴……"


def _case(proposal: Proposal, **more) -> SimpleNamespace:
    proposal = Proposal.objects.get(pk=proposal.pk)
    active = proposal.assignments.active()
    return SimpleNamespace(
        proposal=proposal,
        lead=active.filter(mode=Assignment.Mode.LEAD).first(),
        co=active.filter(mode=Assignment.Mode.CO).first(),
        **more,
    )


def _letter_case(letter: ReplyLetter, **more) -> SimpleNamespace:
    letter = ReplyLetter.objects.get(pk=letter.pk)
    return _case(letter.assignment.proposal, letter=letter, **more)


def _confirmed(w):
    proposal = wf.draft(w)
    ps.cosign_confirm(proposal=proposal, by=w.cosigner_user)
    return _case(proposal)


def _submitted(w):
    into = wf.submitted(w, title="关于老旧小区加装电梯的提案")
    return _case(wf.submitted(w), into=into)


def _adjusting(w):
    proposal = wf.assigned(w)
    ps.assignment_request_adjustment(assignment=wf.co_of(proposal), reason=REASON, by=w.co_clerk)
    return _case(proposal)


def _extending(w):
    proposal = wf.signed(w)
    request = deadline_services.extension_request(
        deadline=Deadline.objects.get(assignment=wf.lead_of(proposal), step="reply"),
        proposed_date=datetime.date(2026, 8, 18),
        reason="需待年度预算批复后答复。",
        by=w.lead_clerk,
    )
    return _case(proposal, request=request)


def _with_notes(letter: ReplyLetter, **more) -> SimpleNamespace:
    """A letter's case with the co-handler's opinion and the contact logged before it."""
    return _letter_case(
        letter,
        opinion=CoHandlingOpinion.objects.get(assignment__proposal=letter.assignment.proposal),
        contact=ContactLog.objects.get(assignment=letter.assignment),
        **more,
    )


def _drafted(w):
    return _with_notes(wf.drafted(w))


def _unhappy(w):
    letter = wf.sent(w)
    rs.feedback_submit(
        letter=letter, rating="dissatisfied", comment="没有回答第二点。", by=w.lead_proposer_user
    )
    return _letter_case(letter)


def _referenced(w):
    """An item sent to the lead and co-handling agencies for reference only, both read:
    nothing keeps it open."""
    proposal = wf.accepted(w)
    for assignment in ps.proposal_assign(
        proposal=proposal, reference=[w.lead_agency, w.co_agency], by=w.staff
    ):
        clerk = w.lead_clerk if assignment.agency_id == w.lead_agency.pk else w.co_clerk
        ps.assignment_sign_for(assignment=assignment, by=clerk)
    return _case(proposal)


def _published(w):
    letter = wf.sent(w)
    publication = disclosure_services.reply_publish(letter=letter, by=w.lead_clerk)
    return _letter_case(letter, publication=publication)


def _withdrawn(w):
    case = _published(w)
    disclosure_services.publication_withdraw(
        publication=case.publication, reason="公开文本有误,需更正后重新发布。", by=w.lead_leader
    )
    return case


def _repeating(w):
    earlier = _published(w).proposal
    later = wf.assigned(w, title="关于增设社区老年食堂的提案")
    ps.proposal_mark_repeat(proposal=later, earlier=earlier, by=w.staff)
    return _case(later, earlier=earlier)


def _filed(w):
    """A draft the staff entered on the proposer's behalf, from the signed paper form."""
    proposal = ps.proposal_create(
        session=w.session,
        title="关于完善“15分钟公共服务圈”的建议",
        lead_proposer=w.lead_proposer,
        co_signers=[w.cosigner],
        by=w.staff,
    )
    return _case(proposal)


def _attached(w):
    proposal = wf.assigned(w)
    attachment = ps.proposal_attach(
        proposal=proposal, upload=SimpleUploadedFile("现场照片.png", PNG), by=w.staff
    )
    return _case(proposal, attachment=attachment)


def _retracted(w):
    proposal = wf.submitted(w)
    ps.proposal_withdraw(proposal=proposal, note="拟与他人合并提出。", by=w.lead_proposer_user)
    return _case(proposal)


def _merged_away(w):
    case = _submitted(w)
    ps.proposal_merge(proposal=case.proposal, into=case.into, by=w.staff)
    return _case(case.proposal, into=case.into)


def _rejected(w):
    proposal = wf.submitted(w)
    ps.proposal_reject(proposal=proposal, reason="已有相关政策,不符合立案条件。", by=w.staff)
    return _case(proposal)


def _closed(w):
    case = _referenced(w)
    ps.proposal_close(proposal=case.proposal, by=w.staff)
    return _case(case.proposal)


STATES: dict[str, Callable] = {
    "draft": lambda w: _case(wf.draft(w)),
    "filed": _filed,
    "confirmed": _confirmed,
    "submitted": _submitted,
    "accepted": lambda w: _case(wf.accepted(w)),
    "assigned": lambda w: _case(wf.assigned(w)),
    "attached": _attached,
    "adjusting": _adjusting,
    "signed": lambda w: _case(wf.signed(w)),
    "extending": _extending,
    "drafted": _drafted,
    "pending": lambda w: _letter_case(wf.pending_approval(w)),
    "approved": lambda w: _letter_case(wf.approved(w)),
    "sent": lambda w: _letter_case(wf.sent(w)),
    "unhappy": _unhappy,
    "referenced": _referenced,
    "published": _published,
    "withdrawn": _withdrawn,
    "repeating": _repeating,
    "retracted": _retracted,
    "merged": _merged_away,
    "rejected": _rejected,
    "closed": _closed,
}


class Scene:
    """The ``world`` and the records a cell names, each built once, on first use."""

    def __init__(self, world, capture):
        self.w = world
        self.capture = capture
        self.built: dict[str, SimpleNamespace] = {}

    def state(self, name: str) -> SimpleNamespace:
        if name not in self.built:
            if name == "notified":
                # The notices are written once the step commits: run them here.
                with self.capture(execute=True):
                    proposal = wf.assigned(self.w)
                notice = Notification.objects.filter(recipient=self.w.lead_clerk).get()
                self.built[name] = _case(proposal, notice=notice)
            else:
                self.built[name] = STATES[name](self.w)
        return self.built[name]

    def obj(self, ref: str):
        name, _, attribute = ref.partition(".")
        if name == "category":
            return wf.category()
        if name not in STATES and name != "notified":
            return getattr(self.w, name)
        return getattr(self.state(name), attribute or "proposal")

    def pk(self, ref: str) -> int:
        return self.obj(ref).pk

    def fill(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: str(self.pk(m[1])), text)

    def user(self, role: str):
        return getattr(self.w, ROLES[role]) if ROLES[role] else None


# -- what each action sends -------------------------------------------------------------


def _upload(s: Scene) -> dict:
    # A file is sent as a browser sends it: multipart/form-data, in the field ``file``.
    return {"file": SimpleUploadedFile(UPLOAD_NAME, PDF)}


BODIES: dict[str, Callable[[Scene], dict]] = {
    "POST proposals/": lambda s: {
        "session": s.w.session.pk,
        "title": NEW_TITLE,
        "lead_proposer": s.w.lead_proposer.pk,
    },
    "POST proposals/{submitted}/merge/ [into {submitted.into}]": lambda s: {
        "into": s.pk("submitted.into")
    },
    "POST proposals/{submitted}/withdraw/": lambda s: {"note": "拟与他人合并提出。"},
    "PATCH proposals/{draft}/": lambda s: {"version": s.obj("draft").version, "body": DRAFT_TEXT},
    "PATCH proposals/{submitted}/": lambda s: {
        "version": s.obj("submitted").version,
        "body": DRAFT_TEXT,
    },
    "POST proposals/{draft}/invite-cosigners/": lambda s: {"co_signers": [s.w.other_proposer.pk]},
    "POST proposals/{filed}/invite-cosigners/": lambda s: {"co_signers": [s.w.other_proposer.pk]},
    "POST proposals/{submitted}/invite-cosigners/": lambda s: {
        "co_signers": [s.w.other_proposer.pk]
    },
    "POST proposals/{draft}/remove-cosigner/": lambda s: {"proposer": s.w.cosigner.pk},
    "POST proposals/{draft}/decline-cosign/": lambda s: {"reason": "本人不熟悉该领域。"},
    "POST proposals/{retracted}/decline-cosign/": lambda s: {"reason": "本人不熟悉该领域。"},
    "POST proposals/{submitted}/reject/": lambda s: {"reason": "已有相关政策,不符合立案条件。"},
    "POST proposals/{accepted}/assign/": lambda s: {
        "lead": s.w.lead_agency.pk,
        "co_handlers": [s.w.co_agency.pk],
    },
    "POST proposals/{assigned}/mark-key/": lambda s: {"is_key": True},
    "POST assignments/{assigned.lead}/request-adjustment/": lambda s: {"reason": REASON},
    "POST assignments/{adjusting.co}/decide-adjustment/": lambda s: {
        "decision": "refuse",
        "note": "属于你委职责,请签收。",
    },
    "POST assignments/{signed.lead}/request-extension/": lambda s: {
        "proposed_date": "2026-08-18",
        "reason": "需待年度预算批复后答复。",
    },
    "POST assignments/{extending.lead}/decide-extension/": lambda s: {"decision": "approve"},
    "POST assignments/{sent.lead}/rate/": lambda s: {"rating": "satisfied"},
    "POST assignments/{sent.lead}/rate/ [paper form]": lambda s: {
        "rating": "satisfied",
        "proposer": s.w.lead_proposer.pk,
    },
    "POST assignments/{unhappy.lead}/rehandle/": lambda s: {"note": "请答复第二点。"},
    "POST opinions/ [for {signed.co}]": lambda s: {
        "assignment": s.pk("signed.co"),
        "body": "我委同意市民政局的意见。",
    },
    "POST contacts/ [for {signed.lead}]": lambda s: {
        "assignment": s.pk("signed.lead"),
        "contacted_on": TODAY,
        "way": "face",
        "people": "吴强、戚敏敏",
        "summary": "当面听取意见。",
    },
    "POST letters/ [for {signed.lead}]": lambda s: {
        "assignment": s.pk("signed.lead"),
        "body": wf.REPLY_TEXT,
        "result_category": wf.category().pk,
    },
    "PATCH letters/{drafted.letter}/": lambda s: {
        "version": s.obj("drafted.letter").version,
        "body": REVISED,
    },
    "PATCH letters/{sent.letter}/": lambda s: {
        "version": s.obj("sent.letter").version,
        "body": REVISED,
    },
    "POST letters/{pending.letter}/return/": lambda s: {"comment": "请补充下一步打算。"},
    "GET proposals/similar/ [by text]": lambda s: {"title": NEW_TITLE, "body": "老年食堂"},
    "POST proposals/{assigned}/mark-repeat/ [of {published}]": lambda s: {
        "earlier": s.pk("published"),
        "note": "与此前所提相同。",
    },
    "POST proposals/{retracted}/mark-repeat/ [of {published}]": lambda s: {
        "earlier": s.pk("published")
    },
    "POST proposals/{repeating}/unmark-repeat/ [of {repeating.earlier}]": lambda s: {
        "earlier": s.pk("repeating.earlier"),
        "reason": "所提事项不同。",
    },
    "POST proposals/{draft}/attachments/": _upload,
    "POST proposals/{filed}/attachments/": _upload,
    "POST proposals/{submitted}/attachments/": _upload,
    "POST proposals/{assigned}/attachments/": _upload,
    "POST proposals/{sent}/attachments/": _upload,
    "POST proposals/{retracted}/attachments/": _upload,
    "POST proposals/{merged}/attachments/": _upload,
    "POST proposals/{rejected}/attachments/": _upload,
    "POST proposals/{closed}/attachments/": _upload,
}

# -- what a step that succeeds must have done -------------------------------------------


def _reread(obj):
    return type(obj).objects.get(pk=obj.pk)


def _status_is(ref: str, status: str):
    def check(s: Scene, user) -> None:
        assert _reread(s.obj(ref)).status == status

    return check


def _created(s, user):
    proposal = Proposal.objects.get(title=NEW_TITLE)
    assert (proposal.status, proposal.created_by, proposal.lead_proposer) == (
        Proposal.Status.DRAFT,
        user,
        s.w.lead_proposer,
    )


def _cosign_confirmed(s, user):
    cosigner = CoSigner.objects.get(proposal=s.obj("draft"), proposer=s.w.cosigner)
    assert cosigner.confirmed_at is not None


def _cosign_declined(s, user):
    cosigner = CoSigner.objects.get(proposal=s.obj("draft"), proposer=s.w.cosigner)
    assert (cosigner.state, cosigner.decline_reason) == ("declined", "本人不熟悉该领域。")


def _draft_revised(s, user):
    draft = _reread(s.obj("draft"))
    assert (draft.body, draft.version) == (DRAFT_TEXT, 2)


def _invited(ref: str):
    def check(s, user):
        invited = CoSigner.objects.get(proposal=s.obj(ref), proposer=s.w.other_proposer)
        # Staff add a co-signer who signed the paper form; a proposer's invitation waits.
        on_paper = roles_of(user).is_staff_of(s.obj(ref).body_kind)
        assert invited.state == ("confirmed" if on_paper else "pending")

    return check


def _cosigner_removed(s, user):
    assert not CoSigner.objects.filter(proposal=s.obj("draft"), proposer=s.w.cosigner).exists()


def _merged(s, user):
    proposal = _reread(s.obj("submitted"))
    assert (proposal.status, proposal.merged_into) == (
        Proposal.Status.MERGED,
        s.obj("submitted.into"),
    )


def _marked_key(s, user):
    assert _reread(s.obj("assigned")).is_key


def _assigned(s, user):
    proposal = _reread(s.obj("accepted"))
    assert proposal.status == Proposal.Status.ASSIGNED
    assert set(proposal.assignments.active().values_list("agency_id", "mode")) == {
        (s.w.lead_agency.pk, Assignment.Mode.LEAD),
        (s.w.co_agency.pk, Assignment.Mode.CO),
    }


def _signed_by_caller(ref: str):
    def check(s, user):
        assignment = _reread(s.obj(ref))
        assert (assignment.status, assignment.signed_by) == (Assignment.Status.HANDLING, user)

    return check


def _extension_asked(s, user):
    request = ExtensionRequest.objects.get(deadline__assignment=s.obj("signed.lead"))
    assert (request.status, request.requested_by) == (ExtensionRequest.Status.PENDING, user)


def _extension_granted(s, user):
    request = _reread(s.obj("extending.request"))
    assert (request.status, request.decided_by) == (ExtensionRequest.Status.APPROVED, user)
    assert request.deadline.extended_to == datetime.date(2026, 8, 18)


def _rated_online(s, user):
    feedback = Feedback.objects.get(reply=s.obj("sent.letter"))
    assert feedback.proposer_id == roles_of(user).proposer_id
    assert (feedback.channel, feedback.rating) == (Feedback.Channel.ONLINE, "satisfied")


def _rated_for_the_proposer(s, user):
    feedback = Feedback.objects.get(reply=s.obj("sent.letter"))
    assert (feedback.proposer, feedback.entered_by) == (s.w.lead_proposer, user)
    by_proposer = roles_of(user).proposer_id == s.w.lead_proposer.pk
    paper = Feedback.Channel.ONLINE if by_proposer else Feedback.Channel.PAPER
    assert feedback.channel == paper


def _rehandling(s, user):
    assignment = _reread(s.obj("unhappy.lead"))
    assert (assignment.status, assignment.round) == (Assignment.Status.HANDLING, 2)


def _notice_read(s, user):
    assert _reread(s.obj("notified.notice")).read_at is not None


def _all_read(s, user):
    assert not Notification.objects.filter(recipient=user, read_at=None).exists()
    notice = _reread(s.obj("notified.notice"))
    assert (notice.read_at is not None) is (user == s.w.lead_clerk), "only one's own inbox"


def _opinion_sent(s, user):
    co = _reread(s.obj("signed.co"))
    assert co.status == Assignment.Status.OPINION_SENT
    assert CoHandlingOpinion.objects.get(assignment=co).author == user


def _contact_logged(s, user):
    assert ContactLog.objects.get(assignment=s.obj("signed.lead")).logged_by == user


def _letter_drafted(s, user):
    letter = ReplyLetter.objects.get(assignment=s.obj("signed.lead"))
    assert (letter.status, letter.drafted_by) == (ReplyLetter.Status.DRAFT, user)


def _letter_revised(s, user):
    before = s.obj("drafted.letter")
    letter = _reread(before)
    assert letter.version == before.version + 1
    assert "运营补贴" in letter.body
    assert letter.revisions.get(version=letter.version).saved_by == user


def _letter_approved(s, user):
    letter = _reread(s.obj("pending.letter"))
    assert (letter.status, letter.approved_by) == (ReplyLetter.Status.APPROVED, user)


def _letter_sent(s, user):
    letter = _reread(s.obj("approved.letter"))
    assert letter.status == ReplyLetter.Status.SENT
    assert letter.assignment.status == Assignment.Status.REPLIED


def _attached_by_caller(ref: str):
    def check(s, user):
        attachment = Attachment.objects.get(proposal=s.obj(ref))
        assert (attachment.name, attachment.uploaded_by, attachment.size) == (
            UPLOAD_NAME,
            user,
            len(PDF),
        )
        with attachment.file.open("rb") as kept:
            assert kept.read() == PDF
        event = Event.objects.get(proposal=s.obj(ref), verb=Verb.ATTACHED)
        assert (event.actor, event.note) == (user, UPLOAD_NAME)

    return check


def _marked_repeat(s, user):
    link = RepeatLink.objects.active().get(proposal=s.obj("assigned"))
    assert (link.earlier, link.marked_by, link.note) == (
        s.obj("published"),
        user,
        "与此前所提相同。",
    )


def _unmarked_repeat(s, user):
    link = RepeatLink.objects.get(proposal=s.obj("repeating"))
    assert (link.is_active, link.unmarked_by, link.unmark_reason) == (False, user, "所提事项不同。")


def _published_by_caller(s, user):
    publication = Publication.objects.get(letter=s.obj("sent.letter"))
    assert publication.published_by == user
    assert Publication.objects.public().filter(pk=publication.pk).exists()


EFFECTS: dict[str, Callable[[Scene, object], None]] = {
    "POST proposals/": _created,
    "POST proposals/{draft}/confirm-cosign/": _cosign_confirmed,
    "POST proposals/{draft}/decline-cosign/": _cosign_declined,
    "PATCH proposals/{draft}/": _draft_revised,
    "POST proposals/{draft}/invite-cosigners/": _invited("draft"),
    "POST proposals/{filed}/invite-cosigners/": _invited("filed"),
    "POST proposals/{draft}/remove-cosigner/": _cosigner_removed,
    "POST proposals/{confirmed}/submit/": _status_is("confirmed", Proposal.Status.SUBMITTED),
    "POST proposals/{submitted}/withdraw/": _status_is("submitted", Proposal.Status.WITHDRAWN),
    "POST proposals/{submitted}/accept/": _status_is("submitted", Proposal.Status.ACCEPTED),
    "POST proposals/{submitted}/merge/ [into {submitted.into}]": _merged,
    "POST proposals/{submitted}/reject/": _status_is("submitted", Proposal.Status.REJECTED),
    "POST proposals/{accepted}/assign/": _assigned,
    "POST proposals/{assigned}/mark-key/": _marked_key,
    "POST proposals/{referenced}/close/": _status_is("referenced", Proposal.Status.CLOSED),
    "POST proposals/{draft}/attachments/": _attached_by_caller("draft"),
    "POST proposals/{filed}/attachments/": _attached_by_caller("filed"),
    "POST proposals/{submitted}/attachments/": _attached_by_caller("submitted"),
    "POST proposals/{assigned}/attachments/": _attached_by_caller("assigned"),
    "POST proposals/{sent}/attachments/": _attached_by_caller("sent"),
    "POST assignments/{assigned.lead}/sign-for/": _signed_by_caller("assigned.lead"),
    "POST assignments/{assigned.co}/sign-for/": _signed_by_caller("assigned.co"),
    "POST assignments/{assigned.lead}/request-adjustment/": _status_is(
        "assigned.lead", Assignment.Status.ADJUSTMENT_REQUESTED
    ),
    "POST assignments/{adjusting.co}/decide-adjustment/": _status_is(
        "adjusting.co", Assignment.Status.PENDING
    ),
    "POST assignments/{signed.lead}/request-extension/": _extension_asked,
    "POST assignments/{extending.lead}/decide-extension/": _extension_granted,
    "POST assignments/{sent.lead}/rate/": _rated_online,
    "POST assignments/{sent.lead}/rate/ [paper form]": _rated_for_the_proposer,
    "POST assignments/{unhappy.lead}/rehandle/": _rehandling,
    "POST notifications/{notified.notice}/read/": _notice_read,
    "POST notifications/read-all/ [with {notified.notice}]": _all_read,
    "POST opinions/ [for {signed.co}]": _opinion_sent,
    "POST contacts/ [for {signed.lead}]": _contact_logged,
    "POST letters/ [for {signed.lead}]": _letter_drafted,
    "PATCH letters/{drafted.letter}/": _letter_revised,
    "POST letters/{drafted.letter}/submit/": _status_is(
        "drafted.letter", ReplyLetter.Status.PENDING_APPROVAL
    ),
    "POST letters/{pending.letter}/approve/": _letter_approved,
    "POST letters/{pending.letter}/return/": _status_is(
        "pending.letter", ReplyLetter.Status.RETURNED
    ),
    "POST letters/{approved.letter}/send/": _letter_sent,
    "POST letters/{sent.letter}/publish/": _published_by_caller,
    "POST proposals/{assigned}/mark-repeat/ [of {published}]": _marked_repeat,
    "POST proposals/{repeating}/unmark-repeat/ [of {repeating.earlier}]": _unmarked_repeat,
}

# Steps that are not on the item's timeline: the inbox is one's own, and saving a draft
# letter or a draft item keeps a version instead (an item's timeline notes a save only when
# it sends confirmed co-signers back to confirm).
OFF_THE_TIMELINE = {
    "POST notifications/{notified.notice}/read/",
    "POST notifications/read-all/ [with {notified.notice}]",
    "PATCH letters/{drafted.letter}/",
    "PATCH proposals/{draft}/",
}

# -- what a read that succeeds must show ------------------------------------------------

SEES_DRAFTS = {"lead_clerk", "lead_leader", "staff"}


def _me(s, role, data):
    assert data["username"] == s.user(role).username


def _events(s, role, data):
    assert data["count"] > 0
    actors = {entry["actor"] for entry in data["results"]}
    if role in ("proposer", "cosigner"):
        assert actors == {None}, "the proposer's timeline names no one"
    else:
        assert actors - {None}


def _extension_reason(s, role, data):
    # Those who ask and those who decide read the reason; the proposers and the
    # co-handler do not.
    reason = data["pending_extension"]["reason"]
    assert (reason is not None) is (role in SEES_DRAFTS), reason


def _drafts_only_fields(s, role, data):
    # The drafts behind a letter are its agency's and the committee's.
    assert (data["version"] is not None) is (role in SEES_DRAFTS), data["version"]


def _revisions(s, role, data):
    assert data["count"] >= 1


def _attachments(s, role, data):
    attachment = s.obj("attached.attachment")
    assert [(entry["id"], entry["name"]) for entry in data] == [(attachment.pk, "现场照片.png")]


def _attachment_file(s, role, content):
    assert content == PNG


def _stats(s, role, data):
    # Each reader's figures cover what their pages show: the committee its body's items, an
    # agency its own assignments (the sent item's lead and co-handler), the others nothing.
    agencies = {
        "lead_clerk": s.w.lead_agency,
        "lead_leader": s.w.lead_agency,
        "co_clerk": s.w.co_agency,
        "unrelated_clerk": s.w.other_agency,
    }
    agency = agencies.get(role)
    assert data["scope"]["agency"] == (agency.pk if agency else None)
    figures = data["total"]["figures"]
    expected = {
        "staff": {"assigned": 1, "replied": 1},
        "npc_staff": {"assigned": 0, "replied": 0},
        "lead_clerk": {"assigned": 1, "replied": 1},
        "lead_leader": {"assigned": 1, "replied": 1},
        "co_clerk": {"assigned": 1, "replied": 0},
        "unrelated_clerk": {"assigned": 0, "replied": 0},
    }[role]
    assert {k: figures.get(k, 0) for k in expected} == expected


def _public_stats(s, role, data):
    [year] = data["years"]
    assert year["total"]["replied"] == 1
    assert "戚敏敏" not in str(data)


READ_CHECKS: dict[str, Callable] = {
    "GET me/": _me,
    "GET stats/ [with {sent}]": _stats,
    "GET public/stats/ [with {sent}]": _public_stats,
    "GET proposals/{assigned}/events/": _events,
    "GET assignments/{extending.lead}/": _extension_reason,
    "GET letters/{sent.letter}/": _drafts_only_fields,
    "GET letters/{drafted.letter}/": _drafts_only_fields,
    "GET letters/{drafted.letter}/revisions/": _revisions,
    "GET letters/{sent.letter}/revisions/": _revisions,
    "GET proposals/{attached}/attachments/": _attachments,
    "GET proposals/{attached}/attachments/{attached.attachment}/": _attachment_file,
}

# -- the records a refused call must leave as they were ---------------------------------

MODELS = [
    Proposal,
    CoSigner,
    Attachment,
    Assignment,
    Event,
    Deadline,
    ExtensionRequest,
    CoHandlingOpinion,
    ContactLog,
    ReplyLetter,
    LetterRevision,
    Feedback,
    Publication,
    Notification,
    RepeatLink,
]


def snapshot() -> dict:
    records = {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}
    root = Path(settings.MEDIA_ROOT)
    # The files kept with the items, beside their records.
    records["files"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return records


def call(client: Client, method: str, url: str, body: dict):
    if method == "GET":
        return client.get(url, body)  # a read's parameters, if it takes any
    if any(isinstance(value, File) for value in body.values()):
        # An upload: multipart/form-data, as the test client encodes a file.
        return client.post(url, body)
    return getattr(client, method.lower())(url, body, content_type="application/json")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The error code each refusal carries (``portal.api.exception_handler``).
CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    409: "transition_not_allowed",
}


def assert_refused(response, status: int) -> dict:
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (status, CODES[status]), error
    return error


def test_the_matrix_names_every_action_it_describes():
    for table in (BODIES, EFFECTS, READ_CHECKS):
        assert set(table) <= LABELS, set(table) - LABELS
    successful_steps = {
        cell.values[1]
        for cell in CELLS
        if cell.values[2] in (200, 201) and not cell.values[1].startswith("GET")
    }
    assert successful_steps == set(EFFECTS), successful_steps ^ set(EFFECTS)


@pytest.mark.parametrize(("role", "row", "expected"), CELLS)
def test_each_role_against_each_endpoint(
    world, django_capture_on_commit_callbacks, role, row, expected
):
    scene = Scene(world, django_capture_on_commit_callbacks)
    method, rest = row.split(" ", 1)
    path, _, note = rest.partition(" ")
    for ref in PLACEHOLDER.findall(note):
        scene.obj(ref)
    url = API + scene.fill(path)
    body = BODIES.get(row, lambda s: {})(scene)
    user = scene.user(role)
    client = client_for(user)
    before = snapshot() if method != "GET" else None
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = call(client, method, url, body)

    assert response.status_code == expected, (
        f"{role} {method} {url} answered {response.status_code}, expected {expected}: "
        f"{response.content.decode()[:600]}"
    )
    if expected >= 400:
        error = assert_refused(response, expected)
        if expected == 400:
            # Only an assignment named in the body that the caller may not see, refused as
            # one that does not exist.
            assert list(error["fields"]) == ["assignment"], error
            assert "无权查看" in error["fields"]["assignment"][0]
        if before is not None:
            assert snapshot() == before, "a refused call must change nothing"
        return
    if method == "GET" and response.streaming:
        # A download answers with the file itself, which its check compares.
        READ_CHECKS[row](scene, role, b"".join(response.streaming_content))
        return
    data = response.json()
    if method == "GET":
        ends_with_record = PLACEHOLDER.fullmatch(path.rstrip("/").rsplit("/", 1)[-1])
        if ends_with_record:
            assert data["id"] == scene.pk(ends_with_record[1])
        if row in READ_CHECKS:
            READ_CHECKS[row](scene, role, data)
        return
    EFFECTS[row](scene, user)
    if row not in OFF_THE_TIMELINE:
        assert Event.objects.filter(pk__gt=last_event, actor=user).exists(), (
            "the step is on the timeline under the caller's name"
        )


# -- the lists --------------------------------------------------------------------------

# Which records each role finds in each list (names below, in ``Listing``); a number is
# the status the list answers instead. The records: ``main``, an item of the proposer
# (co-signed) assigned to the lead agency with a co-handler, with the co-handler's
# opinion, a contact and a draft letter; ``replied``, another of their items, whose reply
# was sent and published; ``draft``, their unsubmitted draft; ``other``, the other
# proposer's item, assigned to the unrelated agency, with a contact and a draft letter;
# for the public list, also a reply published and then withdrawn.
SCOPES = {
    "proposals": {
        "anonymous": 401,
        "proposer": "main replied draft",
        "cosigner": "main replied draft",
        "other_proposer": "other",
        "lead_clerk": "main replied",
        "lead_leader": "main replied",
        "co_clerk": "main replied",
        "unrelated_clerk": "other",
        "staff": "main replied other",
        "npc_staff": "",
    },
    "assignments": {
        "anonymous": 401,
        "proposer": "main.lead main.co replied.lead replied.co",
        "cosigner": "main.lead main.co replied.lead replied.co",
        "other_proposer": "other.lead",
        "lead_clerk": "main.lead main.co replied.lead replied.co",
        "lead_leader": "main.lead main.co replied.lead replied.co",
        "co_clerk": "main.lead main.co replied.lead replied.co",
        "unrelated_clerk": "other.lead",
        "staff": "main.lead main.co replied.lead replied.co other.lead",
        "npc_staff": "",
    },
    "opinions": {
        "anonymous": 401,
        "proposer": "",
        "cosigner": "",
        "other_proposer": "",
        "lead_clerk": "main.opinion replied.opinion",
        "lead_leader": "main.opinion replied.opinion",
        "co_clerk": "main.opinion replied.opinion",
        "unrelated_clerk": "",
        "staff": "main.opinion replied.opinion",
        "npc_staff": "",
    },
    "contacts": {
        "anonymous": 401,
        "proposer": "",
        "cosigner": "",
        "other_proposer": "",
        "lead_clerk": "main.contact replied.contact",
        "lead_leader": "main.contact replied.contact",
        "co_clerk": "main.contact replied.contact",
        "unrelated_clerk": "other.contact",
        "staff": "main.contact replied.contact other.contact",
        "npc_staff": "",
    },
    "letters": {
        "anonymous": 401,
        "proposer": "replied.letter",
        "cosigner": "replied.letter",
        "other_proposer": "",
        "lead_clerk": "main.letter replied.letter",
        "lead_leader": "main.letter replied.letter",
        "co_clerk": "replied.letter",
        "unrelated_clerk": "other.letter",
        "staff": "main.letter replied.letter other.letter",
        "npc_staff": "",
    },
    "notifications": {
        "anonymous": 401,
        "proposer": "own",
        "cosigner": "own",
        "other_proposer": "",
        "lead_clerk": "own",
        "lead_leader": "own",
        "co_clerk": "own",
        "unrelated_clerk": "own",
        "staff": "",
        "npc_staff": "",
    },
    "public/replies": dict.fromkeys(ROLES, "replied.publication"),
    "sessions": {
        **dict.fromkeys(ROLES, "session npc_session"),
        "anonymous": 401,
    },
    "agencies": {
        **dict.fromkeys(ROLES, "lead_agency co_agency other_agency"),
        "anonymous": 401,
    },
    "result-categories": {**dict.fromkeys(ROLES, "categories"), "anonymous": 401},
    "proposers": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 401,
        "staff": "lead_proposer cosigner other_proposer",
        "npc_staff": "npc_proposer",
    },
    # The earlier items like a draft naming every item's subject: those each role may see,
    # and the published one for everyone; never the draft.
    "proposals/similar": {
        "anonymous": 401,
        "proposer": "main replied",
        "cosigner": "main replied",
        "other_proposer": "other replied",
        "lead_clerk": "main replied",
        "lead_leader": "main replied",
        "co_clerk": "main replied",
        "unrelated_clerk": "other replied",
        "staff": "main replied other",
        "npc_staff": "replied",
    },
}

# What a list of SCOPES is asked with, beside its page size.
SCOPE_QUERIES = {
    "proposals/similar": {
        "title": "关于完善“15分钟公共服务圈”的建议 关于加强养老护理人才培养的提案 "
        "关于社区食堂的提案 关于优化公交线路的提案",
        "body": "一、关于增加社区养老服务设施\n二、关于加强养老护理人才培养",
        "limit": 20,
    },
}


class Listing:
    """The records the lists are read over, built through the services."""

    # The lists of the reference data (sessions, agencies, ...) read none of the items.
    REFERENCE_DATA = ("sessions", "agencies", "result-categories", "proposers")

    def __init__(self, w, capture, resource: str):
        self.w = w
        self.npc_proposer = factories.ProposerFactory(body="npc", name="周海峰")
        if resource in self.REFERENCE_DATA:
            return
        # The notices are written once each step commits: run them for the inbox only.
        with capture(execute=resource == "notifications"):
            self.main = _drafted(w)
            sent = wf.sent(w, title="关于加强养老护理人才培养的提案")
            self.draft = _case(wf.draft(w, title="关于社区食堂的提案"))
            self.other = self._others_item(w)
        self.replied = _with_notes(
            sent,
            publication=disclosure_services.reply_publish(letter=sent, by=w.lead_clerk),
        )
        if resource == "public/replies":
            # A withdrawn publication: on record, but no longer public.
            self.withdrawn = _withdrawn(w)
        if resource == "proposals/similar":
            # The index is written as each filing commits; these never commit.
            similarity.rebuild()

    @staticmethod
    def _others_item(w):
        proposal = ps.proposal_create(
            session=w.session,
            title="关于优化公交线路的提案",
            lead_proposer=w.other_proposer,
            by=w.other_proposer_user,
        )
        ps.proposal_submit(proposal=proposal, by=w.other_proposer_user)
        ps.proposal_accept(proposal=proposal, by=w.staff)
        (lead,) = ps.proposal_assign(proposal=proposal, lead=w.other_agency, by=w.staff)
        ps.assignment_sign_for(assignment=lead, by=w.other_clerk)
        contact = rs.contact_log(
            assignment=lead,
            contacted_on=datetime.date(2026, 3, 18),
            way="phone",
            people="邱小燕",
            summary="电话听取意见。",
            by=w.other_clerk,
        )
        letter = rs.reply_draft(assignment=lead, body=wf.REPLY_TEXT, by=w.other_clerk)
        return _case(proposal, contact=contact, letter=letter)

    def ids(self, name: str, user) -> set[int]:
        if name == "categories":
            return set(ResultCategory.objects.filter(is_active=True).values_list("pk", flat=True))
        if name == "own":
            own = set(Notification.objects.filter(recipient=user).values_list("pk", flat=True))
            assert own, "the role was told of some step"
            return own
        record, _, attribute = name.partition(".")
        found = getattr(self, record, None) or getattr(self.w, record)
        if isinstance(found, SimpleNamespace):
            found = getattr(found, attribute or "proposal")
        return {found.pk}


SCOPE_CELLS = [
    pytest.param(role, resource, expected, id=f"{role}-GET {resource}/")
    for resource, by_role in SCOPES.items()
    for role, expected in by_role.items()
]


@pytest.mark.parametrize(("role", "resource", "expected"), SCOPE_CELLS)
def test_each_role_lists_only_what_it_may_see(
    world, django_capture_on_commit_callbacks, role, resource, expected
):
    user = getattr(world, ROLES[role]) if ROLES[role] else None
    if isinstance(expected, int):
        # Refused whatever the list would hold.
        response = client_for(user).get(f"{API}{resource}/")
        assert response.status_code == expected, response.content.decode()[:600]
        assert_refused(response, expected)
        return
    listing = Listing(world, django_capture_on_commit_callbacks, resource)
    query = {} if resource == "public/replies" else {"page_size": 100}
    query.update(SCOPE_QUERIES.get(resource, {}))
    response = client_for(user).get(f"{API}{resource}/", query)
    assert response.status_code == 200, response.content.decode()[:600]
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data  # a lookup is not paged
    listed = {row["id"] for row in rows}
    wanted = set().union(*(listing.ids(name, user) for name in expected.split()))
    assert listed == wanted
