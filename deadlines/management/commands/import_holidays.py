from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction

from deadlines.holidays import known_years, load_known_years
from deadlines.models import CalendarDay, CalendarYear
from deadlines.services import recompute_open


class Command(BaseCommand):
    help = (
        "从已安装的 chinese-calendar 数据包导入数据库中尚未录入的年度节假日安排,"
        "并重新计算受影响的办理期限。新一年的安排也可在管理后台直接录入。"
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            entered = load_known_years(CalendarYear, CalendarDay)
            moved = sum(recompute_open(first=date(y, 1, 1), last=date(y, 12, 31)) for y in entered)
        if entered:
            years = "、".join(str(y) for y in entered)
            self.stdout.write(f"已导入 {years} 年的节假日安排,调整了 {moved} 个办理期限。")
        else:
            self.stdout.write(
                f"数据包所含年份({known_years()[0]}-{known_years()[-1]})均已录入,无需导入。"
            )
