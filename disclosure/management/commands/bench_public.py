import random
import re
import statistics
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from disclosure import caching, counting, search
from disclosure.models import Publication, PublicationSearch, format_index_number
from portal import clock
from portal.benchmarks import constant_queries, percentile
from proposals.demo.loader import SEEDS, seed_text
from proposals.models import Topic

BATCH = 5000
YEARS = 8  # the replies are spread over this many years, up to today
AGENCIES = [
    ("深圳市民政局", "市民政局"),
    ("深圳市教育局", "市教育局"),
    ("深圳市卫生健康委员会", "市卫生健康委"),
    ("深圳市交通运输局", "市交通运输局"),
    ("深圳市住房和建设局", "市住房建设局"),
    ("深圳市应急管理局", "市应急管理局"),
]
TOPICS = ["民政", "养老服务", "教育", "医疗卫生", "交通", "住房保障", "应急管理", "社区治理"]
CATEGORIES = ["A类(解决采纳)", "B类(正在解决)", "C类(计划解决)", "D类(留作参考)"]
NAMES = ["张钜", "李明", "王芳", "陈静", "刘洋", "黄伟", "周敏", "吴磊", "郑洁", "孙强"]
ORDINALS = "一二三四五六七"
PROPOSAL_TITLES = [
    "关于打造我市智慧康养(养老)新格局的建议",
    "关于加强社区治理体系建设的建议",
    "关于推进一老一小服务体系建设的建议",
    "关于完善居家养老服务的建议",
    "关于加快智慧社区建设的建议",
    "关于优化公共交通出行的建议",
    "关于加强中小学课后服务的建议",
    "关于提升基层应急管理能力的建议",
    "关于增加保障性住房供给的建议",
    "关于完善困难群众救助制度的建议",
]
SENTENCE = re.compile(r"[^。!?;\n]*[。!?;]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# The 2-character word, the 4-character phrase and, found in the data, a proposal number.
WORD, PHRASE = "养老", "社区治理"
TARGETS = {"list": 40, "detail": 25, "search": 150}


class Rollback(Exception):
    pass


def seed_sentences() -> list[str]:
    """The sentences of the seed letters (Simplified), each once, that read as prose."""
    found: dict[str, None] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for match in SENTENCE.finditer(seed_text(path.name)):
            sentence = " ".join(match.group().split())
            if 12 <= len(sentence) <= 160 and len(CHINESE.findall(sentence)) * 2 > len(sentence):
                found[sentence] = None
    return list(found)


class Command(BaseCommand):
    help = (
        "公开页面基准测试:批量创建 N 条已公开的答复(中文正文与检索索引),用测试客户端"
        "请求列表、筛选列表、翻页、详情和检索(两字词、四字短语、建议编号),不经缓存,"
        "输出 p50、p95 耗时和查询次数。默认在事务中运行并回滚,不留数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replies", type=int, nargs="+", default=[100_000], help="答复条数,可给多个"
        )
        parser.add_argument("--repeat", type=int, default=30, help="每项计时次数(另有3次预热)")
        parser.add_argument("--seed", type=int, default=20240116, help="随机数种子")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据")
        parser.add_argument(
            "--existing",
            action="store_true",
            help="不造数,直接测量数据库中已有的已公开答复(如先前用 --keep 保留的)",
        )

    def handle(self, *args, replies, repeat, seed, keep, existing, **options):
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.stdout.write(f"数据库:{connection.vendor};每项 {repeat} 次(另预热 3 次),不经缓存")
        started = time.perf_counter()
        self.sentences = seed_sentences()
        search.tokenizer()
        self.stdout.write(
            f"种子句子 {len(self.sentences)} 句,分词器载入 {time.perf_counter() - started:.1f} s"
        )
        counts: dict[int, dict[str, int]] = {}
        if existing:
            facts = self.existing()
            self.stdout.write(f"已有 {facts['size']} 条已公开的答复({connection.vendor})")
            self.measure(facts, repeat, random.Random(seed))
            return
        for size in replies:
            try:
                with transaction.atomic():
                    counts[size] = self.run(size, repeat, random.Random(seed))
                    if not keep:
                        raise Rollback
            except Rollback:
                pass
        if len(counts) > 1:
            self.stdout.write(constant_queries(counts))

    # -- data ---------------------------------------------------------------------------

    def run(self, size: int, repeat: int, rng: random.Random) -> dict[str, int]:
        started = time.perf_counter()
        facts = self.populate(size, rng)
        # The bulk path sends no signals: what the pages share (the facets) is read afresh.
        caching.invalidate()
        loaded = time.perf_counter() - started
        self.stdout.write(f"N={size}:造数 {loaded:.1f} s({connection.vendor})")
        return self.measure(facts, repeat, rng)

    def existing(self) -> dict:
        """What to ask for among the publications already in the database."""
        public = Publication.objects.public()
        busiest = (
            public.order_by().values("agency_id", "year").annotate(n=Count("id")).order_by("-n")
        ).first()
        if busiest is None:
            raise CommandError("数据库中没有已公开的答复;去掉 --existing 以造数。")
        ids = list(public.order_by("?").values_list("id", flat=True)[:1000])
        numbers = public.exclude(proposal_number="").filter(pk__in=ids[:50])
        return {
            "size": public.count(),
            "ids": ids,
            "agency": busiest["agency_id"],
            "year": busiest["year"],
            "number": numbers.values_list("proposal_number", flat=True).first() or "1",
        }

    def measure(self, facts: dict, repeat: int, rng: random.Random) -> dict[str, int]:
        """Time each public page ``repeat`` times; return the most queries each took."""
        agency, year, number = facts["agency"], facts["year"], facts["number"]
        ids = facts["ids"]
        pages = [
            ("列表", "list", lambda i: "/replies/"),
            ("筛选列表", "list", lambda i: f"/replies/?agency={agency}&year={year}"),
            ("第50页", "list", lambda i: "/replies/?page=50"),
            ("详情", "detail", lambda i: f"/replies/{rng.choice(ids)}/"),
            (f"检索“{WORD}”", "search", lambda i: f"/replies/?q={WORD}"),
            (f"检索“{PHRASE}”", "search", lambda i: f"/replies/?q={PHRASE}"),
            (f"检索编号{number}", "search", lambda i: f"/replies/?q={number}"),
        ]
        client = Client()
        queries: dict[str, int] = {}
        for label, kind, url in pages:
            times, counted = [], []
            for i in range(3 + repeat):
                address = url(i)
                # Every page is rendered afresh; what all pages share (the facets, kept until
                # the next publication) stays cached, as it does in service.
                caching.new_page_version()
                counting.reset()
                with CaptureQueriesContext(connection) as captured:
                    begun = time.perf_counter()
                    response = client.get(address)
                    elapsed = (time.perf_counter() - begun) * 1000
                if response.status_code != 200:
                    self.stderr.write(f"{label}:{address} 返回 {response.status_code}")
                elif "已忽略" in response.content.decode():
                    self.stderr.write(f"{label}:{address} 的筛选条件被忽略")
                if i >= 3:
                    times.append(elapsed)
                    counted.append(len(captured))
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            queries[label.rstrip("0123456789")] = max(counted)  # the same key at every N
            target = TARGETS[kind]
            verdict = "达标" if p95 <= target else f"未达标(超出 {p95 - target:.1f} ms)"
            self.stdout.write(
                f"  {label}:p50 {p50:.1f} ms,p95 {p95:.1f} ms,{max(counted)} 次查询;"
                f"目标 p95 ≤ {target} ms,{verdict}"
            )
        return queries

    def populate(self, size: int, rng: random.Random) -> dict:
        """Create ``size`` published replies and their search rows by the bulk path."""
        stamp = time.time_ns()
        agencies = Agency.objects.bulk_create(
            Agency(
                name=f"{name}(基准{stamp})", short_name=short, org_code=f"9{n}{stamp % 10**7:07d}"
            )
            for n, (name, short) in enumerate(AGENCIES)
        )
        search.add_words(*(a.name for a in agencies), *(short for _, short in AGENCIES))
        parent = Topic.objects.create(name=f"基准主题{stamp}", position=900)
        topics = Topic.objects.bulk_create(
            Topic(name=name, parent=parent, position=i) for i, name in enumerate(TOPICS)
        )
        topics = list(Topic.objects.filter(parent=parent).order_by("position"))

        cut: dict[str, str] = {}

        def words(text: str) -> str:
            if text not in cut:
                cut[text] = " ".join(search.index_words(text))
            return cut[text]

        sentences = self.sentences
        postgres = connection.vendor == "postgresql"
        gin_indexes = []
        if postgres:
            # Filling a GIN index row by row is what makes a bulk load slow: drop the search
            # indexes inside the transaction and build them once at the end, as they were.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                    "current_schema() AND tablename = 'disclosure_publicationsearch' "
                    "AND indexdef ILIKE '%%USING gin%%'"
                )
                found = cursor.fetchall()
                for name, definition in found:
                    cursor.execute(f'DROP INDEX "{name}"')
                    gin_indexes.append(definition)
        serials: dict[tuple[int, int], int] = {}
        today = clock.today()
        years = range(today.year - YEARS + 1, today.year + 1)
        now = clock.now()
        numbers = []
        for first in range(0, size, BATCH):
            rows, entries = [], []
            for i in range(first, min(first + BATCH, size)):
                agency = agencies[i % len(agencies)]
                year = years[rng.randrange(len(years))]
                body_kind = "建议" if i % 3 else "提案"
                serial = serials[agency.pk, year] = serials.get((agency.pk, year), 0) + 1
                meeting = rng.randrange(1, 6)
                if body_kind == "建议":
                    session = f"市七届人大{ORDINALS[meeting - 1]}次会议"
                else:
                    session = f"市政协七届{ORDINALS[meeting - 1]}次会议"
                number = f"{year}{rng.randrange(1, 10000):04d}"
                numbers.append(number)
                proposal_title = rng.choice(PROPOSAL_TITLES)
                head = f"{agency.short_name}关于{session}第"
                tail = f"号{body_kind}的答复"
                title = f"{head}{number}{tail}"
                chosen = rng.sample(sentences, rng.randrange(8, 17))
                addressees = rng.sample(NAMES, rng.randrange(1, 4))
                salutation = f"{'、'.join(addressees)}{'代表' if body_kind == '建议' else '委员'}:"
                paragraphs = [salutation] + [
                    "".join(chosen[k : k + 4]) for k in range(0, len(chosen), 4)
                ]
                start = date(year, 1, 1)
                days = min(365, (today - start).days + 1)
                published = start + timedelta(days=rng.randrange(days))
                index_number = format_index_number(agency.org_code, year, serial)
                rows.append(
                    Publication(
                        source=Publication.Source.PORTAL,
                        agency=agency,
                        year=year,
                        serial=serial,
                        index_number=index_number,
                        title=title,
                        body="".join(f"<p>{p}</p>" for p in paragraphs),
                        document_number=f"深{agency.short_name[1:3]}函〔{year}〕{serial}号",
                        written_on=published - timedelta(days=3),
                        published_on=published,
                        publisher=agency.name,
                        topic=topics[i % len(topics)],
                        kind=body_kind,
                        session_label=session,
                        proposal_number=number,
                        proposal_title=proposal_title,
                        result_category=CATEGORIES[rng.randrange(len(CATEGORIES))],
                        addressees=addressees,
                        signed_on=published - timedelta(days=3),
                        disclosure="public",
                        created_at=now,
                    )
                )
                # As ``search.index`` writes it, each sentence cut once for all rows.
                title_words = " ".join(
                    w for w in [words(head), number, words(tail), words(proposal_title)] if w
                )
                body_words = " ".join(words(p) for p in [salutation, *chosen])
                plain_body = "\n".join(paragraphs)
                plain = "\n".join(
                    [
                        f"{title} {proposal_title}",
                        number,
                        index_number,
                        rows[-1].document_number,
                        plain_body,
                    ]
                ).lower()
                entries.append((title_words, body_words, plain))
            created = Publication.objects.bulk_create(rows)
            if created[0].pk is None:  # no RETURNING: read the ids back in order
                pks = list(
                    Publication.objects.filter(agency__in=agencies)
                    .order_by("-id")
                    .values_list("id", flat=True)[: len(rows)]
                )[::-1]
            else:
                pks = [p.pk for p in created]
            self.write_search_rows(pks, entries, now)
        ids = list(Publication.objects.filter(agency__in=agencies).values_list("id", flat=True))
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # The deferred foreign key checks must run before an index can be built.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for definition in gin_indexes:
                    cursor.execute(definition)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute("ANALYZE disclosure_publication")
                cursor.execute("ANALYZE disclosure_publicationsearch")
        return {
            "ids": ids,
            "agency": agencies[0].pk,
            "year": years[len(years) // 2],
            "number": numbers[len(numbers) // 2],
        }

    def write_search_rows(self, pks, entries, now) -> None:
        """The search rows; on PostgreSQL with ``document`` as ``search.index`` computes it
        (``SearchVector`` of the title words weighted A and the body words weighted B)."""
        if connection.vendor != "postgresql":
            PublicationSearch.objects.bulk_create(
                PublicationSearch(
                    publication_id=pk, title_tokens=t, body_tokens=b, plain=p, indexed_at=now
                )
                for pk, (t, b, p) in zip(pks, entries, strict=True)
            )
            return
        row = (
            "(%s, %s, %s, setweight(to_tsvector('simple'::regconfig, COALESCE(%s, '')), 'A')"
            " || setweight(to_tsvector('simple'::regconfig, COALESCE(%s, '')), 'B'), %s, %s)"
        )
        rows = [(pk, t, b, t, b, p, now) for pk, (t, b, p) in zip(pks, entries, strict=True)]
        with connection.cursor() as cursor:
            for first in range(0, len(rows), 1000):
                chunk = rows[first : first + 1000]
                cursor.execute(
                    "INSERT INTO disclosure_publicationsearch (publication_id, title_tokens,"
                    " body_tokens, document, plain, indexed_at) VALUES "
                    + ", ".join([row] * len(chunk)),
                    [value for values in chunk for value in values],
                )
