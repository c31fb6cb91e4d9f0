"""批量导入: committee staff import an assignment list (交办清单) kept in Excel.

Each row becomes an item that is filed, submitted, accepted (立案/登记) and
assigned through the same services as one entered by hand, so every step
writes its events. Rows are checked when the file is uploaded, again when
staff confirm, and again when they are imported: the register may have
changed in between.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction

from agencies.models import Agency
from portal import clock, outbox

from .. import spreadsheet
from ..errors import InvalidInput, TransitionNotAllowed, WorkflowError
from ..models import ImportJob, Proposal, Proposer, Session
from ..workflow import require
from .assignment import assignment_plan, proposal_assign
from .filing import check_signers, proposal_create, proposal_submit
from .review import proposal_accept

logger = logging.getLogger(__name__)

# While a large import runs, its list of row results is saved this often (and at the end).
RESULTS_SAVED_EVERY = 50

YES, NO = ("是",), ("否", "")


def _key(name: str) -> str:
    # Names are compared without spaces, and with half-width brackets made full-width.
    return "".join(name.split()).replace("(", "(").replace(")", ")")


class Directory:
    """The agencies, the session's proposers and its taken numbers, each read in one query."""

    def __init__(self, session: Session):
        self.session = session
        self.by_name: dict[str, list[Agency]] = {}
        self.by_short_name: dict[str, list[Agency]] = {}
        for agency in Agency.objects.all():
            self.by_name.setdefault(_key(agency.name), []).append(agency)
            if agency.short_name:
                self.by_short_name.setdefault(_key(agency.short_name), []).append(agency)
        self.proposers: dict[str, list[Proposer]] = {}
        for proposer in Proposer.objects.filter(body=session.body, is_active=True):
            self.proposers.setdefault(_key(proposer.name), []).append(proposer)
        taken = Proposal.objects.filter(session=session).exclude(number="").order_by()
        self.numbers = set(taken.values_list("number", flat=True))

    def agency(self, name: str, errors: list[str]) -> Agency | None:
        # A full name is unique; a short name may be shared, and then says too little.
        found = self.by_name.get(_key(name)) or self.by_short_name.get(_key(name), [])
        if not found:
            errors.append(f"单位名录中没有“{name}”。")
        elif len(found) > 1:
            errors.append(f"“{name}”对应多个单位,请填写单位全称。")
        else:
            return found[0]
        return None

    def proposer(self, name: str, errors: list[str]) -> Proposer | None:
        found = self.proposers.get(_key(name), [])
        if not found:
            errors.append(f"提出人名册中没有“{name}”,请先在名册中登记。")
        elif len(found) > 1:
            errors.append(f"名册中有重名的“{name}”,请在数据管理中为重名者加注以区分。")
        else:
            return found[0]
        return None


@dataclass
class RowCheck:
    """One row of the list, what its names stand for, and why it cannot be imported if not."""

    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    lead_proposer: Proposer | None = None
    co_signers: list[Proposer] = field(default_factory=list)
    lead: Agency | None = None
    co_handlers: list[Agency] = field(default_factory=list)
    split: list[Agency] = field(default_factory=list)
    is_key: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def number(self) -> str:
        return self.values.get("number", "")

    @property
    def title(self) -> str:
        return self.values.get("title", "")


def _check_number(check: RowCheck, directory: Directory, lines: dict[str, list[int]]) -> None:
    number = check.number
    if not number:
        check.errors.append("请填写编号。")
    elif len(number) > Proposal._meta.get_field("number").max_length:
        check.errors.append("编号过长,不能超过 30 个字符。")
    elif number in directory.numbers:
        check.errors.append(f"本次会议已有第{number}号。")
    elif len(lines[number]) > 1:
        others = "、".join(str(n) for n in lines[number] if n != check.line)
        check.errors.append(f"编号与第{others}行重复。")


def _check_proposers(check: RowCheck, directory: Directory) -> None:
    errors = check.errors
    leads = spreadsheet.split_names(check.values.get("lead_proposer", ""))
    names = spreadsheet.split_names(check.values.get("co_signers", ""))
    if not leads:
        errors.append("请填写领衔人。")
    elif len(leads) > 1:
        errors.append("领衔人只能填一人,其他人请填在联名人中。")
    else:
        check.lead_proposer = directory.proposer(leads[0], errors)
    found = [directory.proposer(name, errors) for name in names]
    check.co_signers = [p for p in found if p is not None]
    if check.lead_proposer is not None and len(check.co_signers) == len(names):
        try:
            check_signers(directory.session, check.lead_proposer, check.co_signers)
        except InvalidInput as error:
            errors.append(error.message)


def _check_agencies(check: RowCheck, directory: Directory) -> None:
    errors = check.errors
    before = len(errors)
    leads = spreadsheet.split_names(check.values.get("lead_agency", ""))
    co = spreadsheet.split_names(check.values.get("co_agencies", ""))
    split = spreadsheet.split_names(check.values.get("split_agencies", ""))
    if len(leads) > 1:
        errors.append("主办单位只能填一个;其他单位请填在会办单位中,或改为分办。")
    elif leads:
        check.lead = directory.agency(leads[0], errors)
    check.co_handlers = [a for a in (directory.agency(n, errors) for n in co) if a]
    check.split = [a for a in (directory.agency(n, errors) for n in split) if a]
    if leads and split:
        errors.append("主办单位和分办单位只能填一种:主办(可加会办)或分办。")
    elif not leads and not split:
        errors.append("请填写主办单位或分办单位。")
    elif len(errors) == before:
        try:
            assignment_plan(lead=check.lead, co_handlers=check.co_handlers, split=check.split)
        except InvalidInput as error:
            errors.append(error.message)


def check_rows(session: Session, rows: list[dict]) -> list[RowCheck]:
    """Check every row against the register as it is now; a fixed number of queries in all."""
    directory = Directory(session)
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        lines[row.get("number", "")].append(row["line"])
    checks = []
    for row in rows:
        check = RowCheck(line=row["line"], values=row)
        _check_number(check, directory, lines)
        if not check.title:
            check.errors.append("请填写标题。")
        elif len(check.title) > Proposal._meta.get_field("title").max_length:
            check.errors.append("标题过长,不能超过 300 字。")
        _check_proposers(check, directory)
        _check_agencies(check, directory)
        key = row.get("is_key", "")
        if key in YES:
            check.is_key = True
        elif key not in NO:
            check.errors.append(f"“重点”只能填“是”或“否”,不能填“{key}”。")
        checks.append(check)
    return checks


def import_upload(*, session: Session, upload, by) -> ImportJob:
    """Read an uploaded assignment list and keep its rows for preview; nothing is imported yet.

    Raises ``InvalidInput`` for a file that cannot be read as an assignment list.
    """
    require(by, "proposals.import_proposals", session, "批量导入")
    rows = spreadsheet.read_rows(upload)
    name = PurePath(upload.name or "").name[:200]
    return ImportJob.objects.create(
        session=session, uploaded_by=by, file_name=name, rows=rows, row_count=len(rows)
    )


def import_confirm(*, job: ImportJob, by, valid_only: bool = False) -> ImportJob:
    """Import a previewed list, at once or, when large, in the background; return the job.

    Nothing is imported while a row has errors, unless ``valid_only`` says to
    leave those rows out. A list is imported once: confirming it again is refused.
    """
    require(by, "proposals.import_proposals", job.session, "批量导入")
    if job.status != ImportJob.Status.PENDING:
        raise TransitionNotAllowed(f"该文件{job.get_status_display()},不能再次导入。")
    checks = check_rows(job.session, job.rows)
    bad = [c for c in checks if not c.ok]
    if bad and not valid_only:
        raise InvalidInput(
            f"有 {len(bad)} 行存在问题,未导入任何内容。"
            "请修改文件后重新上传,或选择“只导入无误的行”。",
            field="valid_only",
        )
    total = len(checks) - len(bad)
    if total == 0:
        raise InvalidInput("没有无误的行可以导入。", field="valid_only")
    skipped = [_result(c, "skipped", " ".join(c.errors)) for c in bad]
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.QUEUED,
        valid_only=valid_only,
        total=total,
        results=skipped,
        confirmed_at=clock.now(),
    )
    if not claimed:
        raise TransitionNotAllowed("该文件已确认导入,不能重复导入。")
    if total > settings.PORTAL["IMPORT_BACKGROUND_ROWS"]:
        from ..tasks import run_import

        outbox.send_on_commit(run_import, job.pk)
    else:
        import_run(job=job)
    job.refresh_from_db()
    return job


def import_run(*, job: ImportJob) -> ImportJob:
    """Import the confirmed rows of ``job`` one by one, each in its own transaction.

    A row refused now (its number was taken meanwhile, an agency was closed)
    is recorded as failed with the reason and the others go on. A job is run
    once: whoever claims it first runs it, and a second call returns it as it is.
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    job = ImportJob.objects.select_related("session", "uploaded_by").get(pk=job.pk)
    if not claimed:
        return job
    results = list(job.results)
    skipped = {r["line"] for r in results}
    checks = [c for c in check_rows(job.session, job.rows) if c.line not in skipped]
    try:
        for check in checks:
            result = _import_row(job, check)
            results.append(result)
            job.done += 1
            if result["status"] == "created":
                job.created_count += 1
            else:
                job.failed_count += 1
            fields = ["done", "created_count", "failed_count"]
            if job.done % RESULTS_SAVED_EVERY == 0:
                job.results = results
                fields.append("results")
            job.save(update_fields=fields)
    except BaseException:
        # Whatever stopped the run (a bug, the worker shutting down), the page must say so.
        job.status = ImportJob.Status.FAILED
        raise
    else:
        job.status = ImportJob.Status.FINISHED
    finally:
        job.results = sorted(results, key=lambda r: r["line"])
        job.finished_at = clock.now()
        job.save(update_fields=["status", "results", "finished_at"])
    return job


def _result(check: RowCheck, status: str, message: str = "", proposal: int | None = None) -> dict:
    return {
        "line": check.line,
        "number": check.number,
        "title": check.title,
        "status": status,
        "message": message,
        "proposal": proposal,
    }


def _import_row(job: ImportJob, check: RowCheck) -> dict:
    if not check.ok:
        return _result(check, "failed", " ".join(check.errors))
    by = job.uploaded_by
    try:
        with transaction.atomic():
            proposal = proposal_create(
                session=job.session,
                number=check.number,
                title=check.title,
                body=check.values.get("body", ""),
                lead_proposer=check.lead_proposer,
                co_signers=check.co_signers,
                is_key=check.is_key,
                by=by,
            )
            proposal_submit(proposal=proposal, by=by)
            proposal_accept(proposal=proposal, by=by)
            proposal_assign(
                proposal=proposal,
                lead=check.lead,
                co_handlers=check.co_handlers,
                split=check.split,
                by=by,
            )
    except WorkflowError as error:
        return _result(check, "failed", error.message)
    except IntegrityError:
        # Someone saved the same number between the check and this row's insert.
        logger.info("Import job %s line %s: number %s taken", job.pk, check.line, check.number)
        return _result(check, "failed", f"本次会议已有第{check.number}号。")
    return _result(check, "created", proposal=proposal.pk)
