import random
import statistics
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from disclosure import caching
from portal.benchmarks import constant_queries, percentile
from stats import benchdata, export, facts, tables
from stats.forms import StatsFilterForm

# The targets on PostgreSQL with 100,000 items (p95 in ms; the export in seconds).
TARGETS = {"dashboard": 200, "public_cached": 30, "export": 5.0}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "办理情况统计基准测试:批量创建 N 件建议提案及其交办、期限、会办意见、沟通、答复、"
        "评价(分属两类机关五个年度的十次会议、一百个承办单位),写入统计事实,然后测量:"
        "委员会一次会议的统计页、全部会议的统计页、承办单位的统计页、统计接口、统计数字"
        "所链接的清单、全部承办单位的 Excel 导出,以及缓存后的公开办理情况页;输出 p50、"
        "p95 和查询次数。数据提交并整理(VACUUM ANALYZE)后测量,像运行中的数据库一样,"
        "测后保留;数据库中已有基准数据时直接测量它。请使用单独的数据库。"
        "--rollback 则在事务中造数、测量后回滚(新写入、未提交的数据读得较慢,数字偏高)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, nargs="+", default=[100_000], help="件数,可多个")
        parser.add_argument("--repeat", type=int, default=30, help="每项计时次数(另有3次预热)")
        parser.add_argument("--seed", type=int, default=20261204, help="随机数种子")
        parser.add_argument(
            "--rollback", action="store_true", help="在事务中造数和测量,结束后回滚,不留数据"
        )

    def handle(self, *args, items, repeat, seed, rollback, **options):
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.stdout.write(f"数据库:{connection.vendor};每项 {repeat} 次(另预热 3 次)")
        counts = {}
        existing = benchdata.existing()
        if existing is not None and not rollback:
            self.stdout.write(
                f"数据库中已有基准数据 {existing.size} 件,直接测量(删除数据库可重新造数)"
            )
            self.measure(existing, repeat)
            return
        for size in items:
            if rollback:
                try:
                    with transaction.atomic():
                        counts[size] = self.run(size, repeat, random.Random(seed))
                        raise Rollback
                except Rollback:
                    pass
            else:
                counts[size] = self.run(size, repeat, random.Random(seed))
        if len(counts) > 1:
            self.stdout.write(constant_queries(counts))

    def run(self, size: int, repeat: int, rng: random.Random) -> dict[str, int]:
        started = time.perf_counter()
        with transaction.atomic():
            made = benchdata.populate(size, rng, stamp=uuid.uuid4().hex[:8])
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        facts.rebuild()
        rebuilt = time.perf_counter() - started
        if connection.vendor == "postgresql" and connection.get_autocommit():
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"N={size}:造数 {loaded:.1f} s,写入统计事实 {rebuilt:.1f} s({connection.vendor})"
        )
        return self.measure(made, repeat)

    def measure(self, made, repeat: int) -> dict[str, int]:
        session = max(made.sessions, key=lambda s: (s.opens_on, s.body))
        staff, clerk = Client(), Client()
        staff.force_login(made.staff)
        clerk.force_login(made.clerk)
        queries = {}
        pages = [
            ("统计页(一次会议)", staff, f"/stats/dashboard/?session={session.pk}", "dashboard"),
            ("统计页(全部会议)", staff, "/stats/dashboard/", None),
            ("统计页(承办单位)", clerk, f"/stats/dashboard/?session={session.pk}", "dashboard"),
            ("统计接口(一次会议)", staff, f"/api/v1/stats/?session={session.pk}", "dashboard"),
            ("数字所链接的清单", staff, f"/proposals/?session={session.pk}&stat=on_time", None),
        ]
        for label, client, url, target in pages:
            queries[label] = self.time_page(label, client, url, repeat, target)
        queries["公开办理情况页(缓存后)"] = self.time_public(repeat)
        self.time_export(made.staff, session, repeat=min(repeat, 5))
        return queries

    def time_page(self, label, client, url, repeat, target) -> int:
        times, counted = [], []
        for i in range(3 + repeat):
            with CaptureQueriesContext(connection) as captured:
                begun = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - begun) * 1000
            if response.status_code != 200:
                self.stderr.write(f"{label}:{url} 返回 {response.status_code}")
            if i >= 3:
                times.append(elapsed)
                counted.append(len(captured))
        self.report(label, times, max(counted), TARGETS.get(target))
        return max(counted)

    def time_public(self, repeat: int) -> int:
        caching.new_page_version()
        client = Client()
        begun = time.perf_counter()
        client.get("/stats/")
        first = (time.perf_counter() - begun) * 1000
        self.stdout.write(f"  公开办理情况页(首次,写入缓存):{first:.1f} ms")
        times, counted = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                begun = time.perf_counter()
                response = client.get("/stats/")
                times.append((time.perf_counter() - begun) * 1000)
            counted.append(len(captured))
            if response.status_code != 200:
                self.stderr.write(f"/stats/ 返回 {response.status_code}")
        self.report("公开办理情况页(缓存后)", times, max(counted), TARGETS["public_cached"])
        return max(counted)

    def time_export(self, user, session, repeat: int) -> None:
        for label, data in (("一次会议", {"session": str(session.pk)}), ("全部会议", {})):
            times = []
            for _ in range(repeat):
                begun = time.perf_counter()
                form = StatsFilterForm(data, user=user)
                form.is_valid()
                board = tables.dashboard(user, form.scope(), form.catalog())
                content = export.workbook(board)
                times.append(time.perf_counter() - begun)
            rows = len(board.tables["agency"].rows)
            worst = max(times)
            verdict = "达标" if worst <= TARGETS["export"] else "未达标"
            median = statistics.median(times)
            self.stdout.write(
                f"  Excel 导出(全部 {rows} 个承办单位,{label}):中位 {median:.2f} s,"
                f"最慢 {worst:.2f} s,{len(content) // 1024} KB;目标 ≤ {TARGETS['export']} s,"
                f"{verdict}"
            )

    def report(self, label, times, queries, target) -> None:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        line = f"  {label}:p50 {p50:.1f} ms,p95 {p95:.1f} ms,{queries} 次查询"
        if target is not None:
            verdict = "达标" if p95 <= target else f"未达标(超出 {p95 - target:.1f} ms)"
            line += f";目标 p95 ≤ {target} ms,{verdict}"
        self.stdout.write(line)
