import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyMembership, Body, CommitteeStaff
from deadlines import reminders
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline
from portal import clock
from proposals.models import Assignment, Proposal, Proposer, Session

AGENCIES = 20
BATCH = 5000


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "期限提醒基准测试:批量创建 N 个在办交办及其答复期限,计时一次提醒扫描,"
        "输出耗时、查询次数和生成的提醒数;紧接着的第二次扫描应不再生成提醒。"
        "默认在事务中运行并回滚,不留数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--n", type=int, nargs="+", default=[100_000], help="在办期限数,可给多个"
        )
        parser.add_argument("--keep", action="store_true", help="保留生成的数据")

    def handle(self, *args, n, keep, **options):
        calendar = WorkingCalendar.load()
        today = calendar.next_working_day(clock.today())
        self.stdout.write(f"数据库:{connection.vendor};扫描日期:{today.isoformat()}")
        for size in n:
            try:
                with transaction.atomic():
                    self.run(size, today)
                    if not keep:
                        raise Rollback
            except Rollback:
                pass

    def run(self, size: int, today) -> None:
        started = time.perf_counter()
        self.populate(size, today)
        built = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            first = reminders.sweep(today=today, force=True)
            first_time = time.perf_counter() - started
        with CaptureQueriesContext(connection) as again_queries:
            started = time.perf_counter()
            second = reminders.sweep(today=today, force=True)
            second_time = time.perf_counter() - started
        self.stdout.write(
            f"N={size}: 造数 {built:.1f} s;"
            f"第一次扫描 {first_time:.2f} s,{len(queries)} 次查询,"
            f"提醒 {first.reminders} 条,站内消息 {first.notifications} 条;"
            f"第二次扫描 {second_time:.2f} s,{len(again_queries)} 次查询,"
            f"提醒 {second.reminders} 条"
        )
        if second.reminders:
            self.stderr.write("第二次扫描不应再生成提醒。")

    def populate(self, size: int, today) -> None:
        """Create ``size`` assignments with open reply deadlines from 60 days overdue to
        120 days ahead, spread evenly, by the bulk path."""
        User = get_user_model()
        stamp = time.time_ns()
        session = Session.objects.create(
            body=Body.CPPCC, region=f"基准{stamp}", level_name="市政协", term=1, number=1
        )
        proposer = Proposer.objects.create(body=Body.CPPCC, name="基准委员")
        agencies = Agency.objects.bulk_create(
            Agency(name=f"基准单位{stamp}-{i}", short_name=f"基准单位{i}") for i in range(AGENCIES)
        )
        users = User.objects.bulk_create(
            User(username=f"bench{stamp}-{i}", full_name=f"基准用户{i}")
            for i in range(AGENCIES * 3 + 2)
        )
        AgencyMembership.objects.bulk_create(
            AgencyMembership(
                user=users[i],
                agency=agencies[i // 3],
                role=AgencyMembership.Role.LEADER if i % 3 == 2 else AgencyMembership.Role.CLERK,
            )
            for i in range(AGENCIES * 3)
        )
        CommitteeStaff.objects.bulk_create(
            CommitteeStaff(user=u, body=Body.CPPCC) for u in users[AGENCIES * 3 :]
        )
        now = clock.now()
        for first in range(0, size, BATCH):
            rows = range(first, min(first + BATCH, size))
            proposals = Proposal.objects.bulk_create(
                Proposal(
                    session=session,
                    number=str(i + 1),
                    serial=i + 1,
                    kind=Proposal.Kind.PROPOSAL,
                    title=f"关于第{i + 1}项工作的建议",
                    lead_proposer=proposer,
                    status=Proposal.Status.ASSIGNED,
                    created_at=now,
                )
                for i in rows
            )
            assignments = Assignment.objects.bulk_create(
                Assignment(
                    proposal=p,
                    agency=agencies[i % AGENCIES],
                    mode=Assignment.Mode.LEAD,
                    status=Assignment.Status.HANDLING,
                    assigned_at=now,
                )
                for i, p in zip(rows, proposals, strict=True)
            )
            deadlines = []
            for i, a in zip(rows, assignments, strict=True):
                due = today + timedelta(days=i % 181 - 60)
                deadlines.append(
                    Deadline(
                        assignment=a,
                        step="reply",
                        starts_on=due - timedelta(days=91),
                        unit="months",
                        amount=3,
                        due_on=due,
                        effective_due_on=due,
                    )
                )
            Deadline.objects.bulk_create(deadlines)
