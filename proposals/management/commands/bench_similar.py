import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Body, CommitteeStaff
from disclosure.management.commands.bench_public import seed_sentences
from disclosure.models import Publication, format_index_number
from portal import clock
from portal.benchmarks import percentile
from proposals import similarity
from proposals.models import Assignment, Proposal, ProposalSearch, Proposer, Session
from responses.models import ReplyLetter

BATCH = 5000
YEARS = 8  # the items are spread over this many years' sessions, up to last year
PUBLISHED_SHARE = 0.3  # of the items, those whose reply is published
TARGET_MS = 100
INDEXES = {
    "proposal_search_document": "document",
    "proposal_search_title_document": "title_document",
}
PLACES = [
    "杭州", "深圳", "遂宁", "上海", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "丽水",
    "成都", "绵阳", "南充", "广州", "东莞", "佛山", "珠海", "南京", "苏州", "无锡", "常州", "合肥",
    "武汉", "长沙", "郑州", "济南", "青岛", "西安", "昆明", "贵阳", "南宁", "福州", "厦门", "泉州",
]  # fmt: skip
SUBJECTS = [
    "一老一小", "居家养老", "智慧养老", "养老服务", "托育服务", "社区治理", "社区服务综合体",
    "应急管理", "公共服务圈", "老旧小区改造", "加装电梯", "社区食堂", "困境儿童", "残疾人",
    "医养结合", "长期护理保险", "社会工作", "社会组织", "志愿服务", "基层减负", "智慧社区",
    "防汛应急", "心理健康", "课后服务", "校园周边交通", "电动自行车", "公共场所适老化",
]  # fmt: skip
VERBS = ["加强", "完善", "推进", "提升", "优化", "加快", "健全", "规范", "扩大", "发展"]
AGENCIES = [
    ("民政局", "市民政局"),
    ("卫生健康委员会", "市卫生健康委"),
    ("应急管理局", "市应急管理局"),
    ("教育局", "市教育局"),
    ("住房和城乡建设局", "市住房城乡建设局"),
    ("人力资源和社会保障局", "市人力社保局"),
]
CATEGORIES = ["A类(解决采纳)", "B类(正在解决)", "C类(计划解决)", "D类(留作参考)"]
NAMES = ["张钜", "李明", "王芳", "陈静", "刘洋", "黄伟", "周敏", "吴磊", "郑洁", "孙强", "唐佳佳"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "往年相似建议提案基准测试:批量创建 N 件此前的建议提案(取种子答复函的句子组成正文,"
        "变换地名和主题;约三成有已公开的答复),建好相似件索引,再以 M 份新草稿(不在库中)"
        "分别以委员会工作人员和提出人的身份查找相似件,输出 p50、p95、最大耗时和查询次数。"
        f"目标:PostgreSQL 上 10 万件时 p95 ≤ {TARGET_MS} ms。默认在事务中运行并回滚,不留数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000, help="此前的建议提案件数")
        parser.add_argument("--queries", type=int, default=200, help="每个身份查找的次数")
        parser.add_argument("--seed", type=int, default=20210629, help="随机数种子")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据")

    def handle(self, *args, items, queries, seed, keep, **options):
        rng = random.Random(seed)
        started = time.perf_counter()
        self.sentences = seed_sentences()
        similarity.item_words("分词器预热")
        self.stdout.write(
            f"数据库:{connection.vendor};种子句子 {len(self.sentences)} 句,"
            f"分词器载入 {time.perf_counter() - started:.1f} s"
        )
        if connection.vendor != "postgresql":
            self.stdout.write("(目标针对 PostgreSQL;SQLite 上按文本匹配,仅供参考)")
        try:
            with transaction.atomic():
                self.run(items, queries, rng)
                if not keep:
                    raise Rollback
        except Rollback:
            pass

    # -- the text --------------------------------------------------------------------------

    def words_of(self, text: str) -> set[str]:
        if text not in self.cut:
            self.cut[text] = set(similarity.item_words(text))
        return self.cut[text]

    def draft(self, rng: random.Random) -> tuple[str, str, set[str], set[str]]:
        """A title and a body like a proposal's, with their words as the index keeps them."""
        subject = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        title = f"关于{rng.choice(VERBS)}{place}{subject}的建议"
        chosen = rng.sample(self.sentences, rng.randrange(6, 15))
        # Vary the letters' sentences: another city, another subject.
        body_parts = [
            s.replace("杭州", place).replace("深圳", place).replace("遂宁", place) for s in chosen
        ]
        extra = f"建议{rng.choice(VERBS)}{rng.choice(SUBJECTS)}和{rng.choice(SUBJECTS)}工作。"
        body_parts.insert(0, extra)
        body = "\n".join(body_parts)
        body_words = set().union(*(self.words_of(p) for p in body_parts))
        return title, body, self.words_of(title), body_words

    # -- the data ---------------------------------------------------------------------------

    def run(self, size: int, queries: int, rng: random.Random) -> None:
        self.cut: dict[str, set[str]] = {}
        started = time.perf_counter()
        facts = self.populate(size, rng)
        self.stdout.write(
            f"N={size}:造数并建索引 {time.perf_counter() - started:.1f} s;"
            f"词语 {facts['terms']} 个,已公开答复 {facts['published']} 件"
        )
        self.measure("委员会工作人员", facts["staff"], queries, rng)
        self.measure("提出人", facts["proposer"], queries, rng)

    def populate(self, size: int, rng: random.Random) -> dict:
        stamp = time.time_ns() % 10**9
        User = get_user_model()
        staff = User.objects.create(username=f"bench-staff-{stamp}", full_name="基准工作人员")
        CommitteeStaff.objects.bulk_create(
            [CommitteeStaff(user=staff, body=Body.NPC), CommitteeStaff(user=staff, body=Body.CPPCC)]
        )
        clerk = User.objects.create(username=f"bench-clerk-{stamp}", full_name="基准经办人")
        reader = User.objects.create(username=f"bench-proposer-{stamp}", full_name="唐佳佳")
        region = f"基准市{stamp}"
        agencies = Agency.objects.bulk_create(
            Agency(name=f"{region}{name}", short_name=short, org_code=f"8{n}{stamp % 10**7:07d}")
            for n, (name, short) in enumerate(AGENCIES)
        )
        today = clock.today()
        sessions = []
        for offset in range(YEARS):
            year = today.year - YEARS + offset
            for body, level in ((Body.NPC, "市人大"), (Body.CPPCC, "市政协")):
                sessions.append(
                    Session.objects.create(
                        region=region,
                        body=body,
                        level_name=level,
                        term=10 + offset // 5,
                        number=offset % 5 + 1,
                        opens_on=date(year, 1, 10),
                    )
                )
        proposers = {
            body: Proposer.objects.bulk_create(
                Proposer(body=body, name=f"{rng.choice(NAMES)}{n}") for n in range(200)
            )
            for body in (Body.NPC, Body.CPPCC)
        }
        own = Proposer.objects.create(body=Body.CPPCC, name="唐佳佳", user=reader)
        postgres = connection.vendor == "postgresql"
        if postgres:
            # A GIN index filled row by row makes a bulk load slow: drop it within the
            # transaction and build it once at the end.
            with connection.cursor() as cursor:
                for name in INDEXES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
        statuses = [Proposal.Status.REPLIED, Proposal.Status.CLOSED, Proposal.Status.ASSIGNED]
        serials: dict[int, int] = {}
        index_serials: dict[tuple[int, int], int] = {}
        published = 0
        for first in range(0, size, BATCH):
            rows, words = [], []
            for i in range(first, min(first + BATCH, size)):
                session = sessions[rng.randrange(len(sessions))]
                serials[session.pk] = serial = serials.get(session.pk, 0) + 1
                title, body, title_words, body_words = self.draft(rng)
                submitted = datetime.combine(
                    session.opens_on + timedelta(days=rng.randrange(0, 300)),
                    datetime.min.time(),
                    tzinfo=UTC,
                )
                status = Proposal.Status.REJECTED if i % 23 == 0 else rng.choice(statuses)
                rows.append(
                    Proposal(
                        session=session,
                        number=str(serial),
                        serial=serial,
                        kind=Proposal.Kind.for_body(Body(session.body)),
                        title=title,
                        body=body,
                        lead_proposer=own if i % 997 == 0 else rng.choice(proposers[session.body]),
                        status=status,
                        created_by=staff,
                        created_at=submitted,
                        submitted_at=submitted,
                    )
                )
                words.append((title_words, body_words))
            created = Proposal.objects.bulk_create(rows)
            ProposalSearch.objects.bulk_create(
                ProposalSearch(
                    proposal=p,
                    title_words=similarity.padded(t),
                    body_words=similarity.padded(b),
                    document=similarity.lexemes(t | b) if postgres else None,
                    title_document=similarity.lexemes(t) if postgres else None,
                )
                for p, (t, b) in zip(created, words, strict=True)
            )
            published += self.replies(created, agencies, clerk, index_serials, rng)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for name, column in INDEXES.items():
                    cursor.execute(
                        f"CREATE INDEX {name} ON proposals_proposalsearch USING gin ({column})"
                    )
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        terms = similarity.recount_words()
        if postgres:
            with connection.cursor() as cursor:
                for table in (
                    "proposals_proposal",
                    "proposals_proposalsearch",
                    "proposals_proposalterm",
                    "proposals_assignment",
                    "responses_replyletter",
                    "disclosure_publication",
                ):
                    cursor.execute(f"ANALYZE {table}")
        cache.delete(similarity.DOCUMENTS_KEY)
        return {"staff": staff, "proposer": reader, "terms": terms, "published": published}

    def replies(self, proposals, agencies, clerk, index_serials, rng) -> int:
        """Lead assignments and sent letters for the items replied to; a share published."""
        answered = [p for p in proposals if p.status != Proposal.Status.REJECTED]
        assignments = Assignment.objects.bulk_create(
            Assignment(
                proposal=p,
                agency=agencies[p.pk % len(agencies)],
                mode=Assignment.Mode.LEAD,
                status=Assignment.Status.REPLIED
                if p.status != Proposal.Status.ASSIGNED
                else Assignment.Status.HANDLING,
                assigned_at=p.submitted_at + timedelta(days=20),
            )
            for p in answered
        )
        sent = [a for a in assignments if a.status == Assignment.Status.REPLIED]
        by_pk = {p.pk: p for p in answered}
        letters = ReplyLetter.objects.bulk_create(
            ReplyLetter(
                assignment=a,
                body="".join(f"<p>{s}</p>" for s in rng.sample(self.sentences, 6)),
                status=ReplyLetter.Status.SENT,
                drafted_by=clerk,
                sent_at=a.assigned_at + timedelta(days=80),
                written_on=(a.assigned_at + timedelta(days=78)).date(),
            )
            for a in sent
        )
        share = PUBLISHED_SHARE * len(proposals) / max(len(letters), 1)
        chosen = [letter for letter in letters if rng.random() < share]
        rows = []
        for letter in chosen:
            agency = letter.assignment.agency
            day = letter.sent_at.date() + timedelta(days=10)
            key = (agency.pk, day.year)
            index_serials[key] = serial = index_serials.get(key, 0) + 1
            proposal = by_pk[letter.assignment.proposal_id]
            rows.append(
                Publication(
                    letter=letter,
                    agency=agency,
                    year=day.year,
                    serial=serial,
                    index_number=format_index_number(agency.org_code, day.year, serial),
                    title=f"{agency.short_name}关于第{proposal.number}号的答复",
                    body=letter.body,
                    published_on=day,
                    publisher=agency.name,
                    kind=proposal.get_kind_display(),
                    session_label=proposal.session.label,
                    proposal_number=proposal.number,
                    proposal_title=proposal.title,
                    result_category=rng.choice(CATEGORIES),
                    disclosure="public",
                )
            )
        Publication.objects.bulk_create(rows)
        return len(rows)

    # -- the lookups ---------------------------------------------------------------------------

    def measure(self, who: str, user, queries: int, rng: random.Random) -> None:
        times, counted, found = [], [], []
        for i in range(3 + queries):
            title, body, _, _ = self.draft(rng)
            with CaptureQueriesContext(connection) as captured:
                begun = time.perf_counter()
                precedents = similarity.similar_to(body, user, title=title)
                elapsed = (time.perf_counter() - begun) * 1000
            if i >= 3:
                times.append(elapsed)
                counted.append(len(captured))
                found.append(len(precedents))
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = "达标" if p95 <= TARGET_MS else f"未达标(超出 {p95 - TARGET_MS:.1f} ms)"
        self.stdout.write(
            f"  {who}查找相似件({queries} 次):p50 {p50:.1f} ms,p95 {p95:.1f} ms,"
            f"最大 {max(times):.1f} ms;每次至多 {max(counted)} 次查询,"
            f"平均找到 {statistics.mean(found):.1f} 件;目标 p95 ≤ {TARGET_MS} ms,{verdict}"
        )
