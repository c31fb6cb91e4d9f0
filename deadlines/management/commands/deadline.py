from datetime import date

from django.core.management.base import BaseCommand, CommandError

from deadlines.calendar import Period, Unit, WorkingCalendar


class Command(BaseCommand):
    help = (
        "计算办理期限:按工作日、自然日或月从起算日推算截止日。"
        "第一行只输出截止日(ISO 格式),其后是计算说明。"
        "例:python manage.py deadline --from 2026-09-18 --working-days 5"
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="起算日,如 2026-09-18")
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--working-days", type=int, help="工作日数")
        amount.add_argument("--days", type=int, help="自然日数")
        amount.add_argument("--months", type=int, help="月数")

    def handle(self, *args, start, working_days, days, months, **options):
        try:
            start_date = date.fromisoformat(start)
        except ValueError as error:
            raise CommandError(
                f"起算日“{start}”不是有效日期,请按 2026-09-18 的格式填写。"
            ) from error
        if working_days is not None:
            period = (Unit.WORKING_DAYS, working_days)
        elif days is not None:
            period = (Unit.DAYS, days)
        else:
            period = (Unit.MONTHS, months)
        if not 0 <= period[1] <= 3660:
            raise CommandError("期限须在 0 到 3660 之间。")
        try:
            due = WorkingCalendar.load().due(start_date, Period(*period))
        except OverflowError as error:
            raise CommandError("推算结果超出了可表示的日期范围。") from error
        self.stdout.write(due.due_on.isoformat())
        self.stdout.write(due.explain())
