import re
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Body
from portal import clock
from proposals.demo.data import SEED_CASES
from proposals.demo.loader import letter_text
from proposals.models import Assignment, CoSigner, Proposal, Proposer, Session
from responses import documents, drafting, richtext
from responses.models import CoHandlingOpinion, ReplyLetter

HTML_TARGET = 50
DOCX_TARGET = 20
CASE_NUMBER = "607"
CO_SIGNERS = ["郭锦", "邱小燕", "何珊珊", "张钜"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "答复函生成基准测试:造一个真实规模的案例(政协提案,五人联名,一家主办、四家会办并各有"
        "会办意见,答复函为杭州市民政局第607号提案答复的全文),由一个进程依次计时 N 次按模板"
        "生成 HTML 草稿(与后台任务相同,含其查询)和 N 次生成 Word 文档,输出每秒份数与目标"
        f"(HTML ≥{HTML_TARGET} 份/秒,Word ≥{DOCX_TARGET} 份/秒)。在事务中运行并回滚,不留数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=200, help="每种各生成多少份")

    def handle(self, *args, n, **options):
        self.stdout.write(f"数据库:{connection.vendor};每种 {n} 份")
        try:
            with transaction.atomic():
                self.run(n)
                raise Rollback
        except Rollback:
            pass

    def run(self, n: int) -> None:
        started = time.perf_counter()
        letter = self.populate()
        built = time.perf_counter() - started
        paragraphs = documents.letter_paragraphs(letter.body)
        self.stdout.write(
            f"造数 {built:.2f} s;答复函正文 {sum(len(p.text) for p in paragraphs)} 字,"
            f"{len(paragraphs)} 段"
        )

        started = time.perf_counter()
        documents.default_template()
        self.stdout.write(
            f"标准 Word 版式模板生成 {(time.perf_counter() - started) * 1000:.0f} ms(每个进程一次)"
        )
        # One of each first, counting its queries (and warming up imports and caches); the
        # timed runs are not wrapped in query capture, which would slow every query.
        with CaptureQueriesContext(connection) as html_queries:
            self.html_draft(letter.pk)
        with CaptureQueriesContext(connection) as docx_queries:
            size = len(self.docx(letter.pk))

        started = time.perf_counter()
        for _ in range(n):
            self.html_draft(letter.pk)
        html_time = time.perf_counter() - started
        self.report("HTML 草稿", n, html_time, len(html_queries), HTML_TARGET)

        started = time.perf_counter()
        for _ in range(n):
            self.docx(letter.pk)
        docx_time = time.perf_counter() - started
        self.report(
            "Word 文档", n, docx_time, len(docx_queries), DOCX_TARGET, f",每份 {size / 1024:.0f} KB"
        )

    def report(self, what, n, seconds, queries, target, extra="") -> None:
        rate = n / seconds
        verdict = "达标" if rate >= target else "未达标"
        line = (
            f"{what}:{n} 份 {seconds:.2f} s,{rate:.1f} 份/秒(目标 ≥{target}),"
            f"每份 {queries} 次查询{extra} —— {verdict}"
        )
        (self.stdout if rate >= target else self.stderr).write(line)

    @staticmethod
    def html_draft(letter_id: int) -> str:
        """What the draft-generating task reads and renders for one letter."""
        letter = ReplyLetter.objects.select_related(
            "assignment__agency",
            "assignment__proposal__session",
            "assignment__proposal__lead_proposer",
        ).get(pk=letter_id)
        template = drafting.template_for(letter.assignment)
        content = template.content if template else drafting.DEFAULT_TEMPLATE
        return drafting.render_draft(
            content, drafting.DraftContext.for_assignment(letter.assignment)
        )

    @staticmethod
    def docx(letter_id: int) -> bytes:
        """What the download page reads and renders for one letter."""
        letter = ReplyLetter.objects.select_related(
            "assignment__agency", "assignment__proposal__session"
        ).get(pk=letter_id)
        return documents.letter_docx(letter)

    def populate(self) -> ReplyLetter:
        """The 607 case as it stood when the letter was written, under names of its own."""
        case = next(c for c in SEED_CASES if c.number == CASE_NUMBER)
        stamp = time.time_ns()
        now = clock.now()
        user = get_user_model().objects.create(
            username=f"bench-drafts-{stamp}", full_name="基准经办人"
        )
        session = Session.objects.create(
            body=Body.CPPCC, region=f"基准{stamp}", level_name="市政协", term=12, number=2
        )
        lead_proposer, *cosigners = (
            Proposer.objects.create(body=Body.CPPCC, name=name)
            for name in [*case.proposers, *CO_SIGNERS]
        )
        points = "\n".join(
            f"{drafting.numeral(i + 1)}、关于{point}。建议进一步完善有关制度,加大工作力度。"
            for i, point in enumerate(case.points)
        )
        proposal = Proposal.objects.create(
            session=session,
            number=case.number,
            serial=int(case.number),
            kind=Proposal.Kind.PROPOSAL,
            title=case.title,
            body=f"社区是公共服务的最后一公里。为此建议:\n{points}",
            lead_proposer=lead_proposer,
            status=Proposal.Status.ASSIGNED,
            created_at=now,
        )
        CoSigner.objects.bulk_create(
            CoSigner(proposal=proposal, proposer=p, position=i + 1, confirmed_at=now)
            for i, p in enumerate(cosigners)
        )
        lead, *co_agencies = (
            Agency.objects.create(
                name=f"{name}(基准{stamp})",
                short_name=name.replace("杭州", "").replace("中共", ""),
                contact_name="吴强",
                contact_phone="89586323",
            )
            for name in [case.lead, *case.co_handlers]
        )
        assignment = Assignment.objects.create(
            proposal=proposal,
            agency=lead,
            mode=Assignment.Mode.LEAD,
            status=Assignment.Status.HANDLING,
            assigned_at=now,
        )
        for agency in co_agencies:
            co = Assignment.objects.create(
                proposal=proposal,
                agency=agency,
                mode=Assignment.Mode.CO,
                status=Assignment.Status.OPINION_SENT,
                assigned_at=now,
            )
            CoHandlingOpinion.objects.create(
                assignment=co,
                body=f"{agency.short_name}同意主办单位的答复意见,并将按职责做好相关工作。",
                author=user,
            )
        return ReplyLetter.objects.create(
            assignment=assignment,
            body=self.letter_body(letter_text(case)),
            document_number="杭民函〔2023〕45号",
            written_on=case.written_on,
            drafted_by=user,
        )

    @staticmethod
    def letter_body(text: str) -> str:
        """The published letter as a clerk would have formatted it: each point's lead
        sentence in bold, the contact details marked to be left out when published."""
        body = richtext.from_plain(text)
        body = re.sub(r"<p>([一二三四五六七八九十]是[^。]*。)", r"<p><strong>\1</strong>", body)
        return re.sub(
            r"(联系人[:\uff1a])(.+?)([,\uff0c]联系电话[:\uff1a])(.+?)([)\uff09])",
            r'\1<span class="redact">\2</span>\3<span class="redact">\4</span>\5',
            body,
        )
