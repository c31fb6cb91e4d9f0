import time

from django.core.management.base import BaseCommand

from stats import facts


class Command(BaseCommand):
    help = (
        "重写全部统计事实:按各件的期限、沟通、答复和评价重新计算办理情况统计所用的数据"
        "(如在数据管理中直接改动了期限等记录之后)。--check 只检查,不改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="只检查已存的统计事实是否与办理记录一致"
        )

    def handle(self, *args, check, **options):
        if check:
            facts.settle()
            if facts.is_current():
                self.stdout.write("统计事实与办理记录一致。")
                return
            self.stderr.write("统计事实与办理记录不一致,请运行 rebuild_stats_facts 重写。")
            raise SystemExit(1)
        started = time.perf_counter()
        count = facts.rebuild()
        self.stdout.write(
            f"已重写 {count} 条交办的统计事实,用时 {time.perf_counter() - started:.1f} 秒。"
        )
