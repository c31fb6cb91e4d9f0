"""Reply drafts generated for the cases behind the published letters match those letters.

The demo builds the real cases (``proposals/demo/data.py``); each draft is generated with
the default template on the day the real letter was written and compared, part by part,
with the published text in ``proposals/demo/seeds/``.
"""

from pathlib import Path

import opencc
import pytest
from django.core.management import call_command
from django.db import transaction

from proposals.demo.data import SEED_CASES
from proposals.models import CoSigner, Proposal, Proposer
from responses import drafting, richtext

SEEDS = Path(__file__).resolve().parents[2] / "proposals" / "demo" / "seeds"
_t2s = opencc.OpenCC("t2s")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def seed_lines(case) -> list[str]:
    text = _t2s.convert((SEEDS / case.file).read_text(encoding="utf-8"))
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines()]
    return [line for line in lines if line]


def seed_letter(case) -> list[str]:
    """The lines of the one letter answering ``case`` (a seed file may hold several)."""
    lines = seed_lines(case)
    start = next(i for i, line in enumerate(lines) if line.startswith(case.start))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("(联系人")), None)
    return lines[start : (end + 1 if end else None)]


def case_by(file: str, number: str | None = None):
    return next(c for c in SEED_CASES if c.file == file and (number is None or c.number == number))


def draft_lines(case, *, extra_signers: int = 0) -> tuple[list[str], Proposal]:
    proposal = Proposal.objects.get(number=case.number, title=case.title)
    if extra_signers:
        # The published letter names only the lead deputy "等"; its co-signers are not public.
        for n in range(extra_signers):
            co = Proposer.objects.create(body=proposal.session.body, name=f"联名代表{n + 1}")
            CoSigner.objects.create(proposal=proposal, proposer=co, position=100 + n)
    lead = proposal.assignments.get(mode__in=["lead", "split"], agency__name=case.lead)
    context = drafting.DraftContext.for_assignment(lead, on=case.written_on)
    body = drafting.render_draft(drafting.DEFAULT_TEMPLATE, context)
    return richtext.to_plain(body).splitlines(), proposal


PERSONAL = [
    ("hangzhou-2023-civil-affairs-cppcc-607.txt", None, "戚敏敏委员:", 0),
    ("suining-2021-civil-affairs-cppcc-52.txt", None, "唐佳佳委员:", 0),
    ("hangzhou-2020-emergency-cppcc-310.txt", None, "民进界别小组委员工作站:", 0),
    ("shenzhen-2021-civil-affairs-npc-batch.txt", "20210549", "张钜等人大代表:", 3),
    ("shenzhen-2021-civil-affairs-npc-batch.txt", "20210249", None, 0),
]


@pytest.mark.parametrize(("file", "number", "addressee", "extra"), PERSONAL)
def test_the_addressee_line_follows_the_published_letter(demo, db, file, number, addressee, extra):
    case = case_by(file, number)
    lines, _ = draft_lines(case, extra_signers=extra)
    expected = addressee or "许少琼等人大代表:"
    assert lines[0] == expected
    if addressee:
        assert seed_letter(case)[0] == addressee


def test_a_few_signers_are_each_named():
    """何珊珊代表、郭锦代表、邱小燕代表: three deputies, fewer than the "等" threshold."""
    people = [Proposer(name=n, body="npc") for n in ("何珊珊", "郭锦", "邱小燕")]
    assert drafting.addressee(people, "npc") == ("何珊珊代表、郭锦代表、邱小燕代表", "诸位代表")
    assert any(
        line == "何珊珊代表、郭锦代表、邱小燕代表:"
        for line in seed_lines(case_by("shenzhen-2021-civil-affairs-npc-batch.txt"))
    )


def test_the_acknowledgement_of_607_is_the_published_sentence(demo, db):
    case = case_by("hangzhou-2023-civil-affairs-cppcc-607.txt")
    lines, _ = draft_lines(case)
    published = seed_letter(case)[1]
    ours = lines[1].split("收悉。")[0] + "收悉。"
    title = "关于完善“15分钟公共服务圈”,打造一站式社区服务综合体的建议"
    assert ours == f"您在市政协十二届二次会议上提出的《{title}》(第607号)收悉。"
    assert published.startswith(ours)


@pytest.mark.parametrize(
    ("file", "number"),
    [
        ("suining-2021-civil-affairs-cppcc-52.txt", None),
        ("hangzhou-2020-emergency-cppcc-310.txt", None),
        ("shenzhen-2021-civil-affairs-npc-batch.txt", "20210549"),
    ],
)
def test_the_acknowledgement_names_the_session_title_and_number(demo, db, file, number):
    case = case_by(file, number)
    lines, proposal = draft_lines(case)
    published = seed_letter(case)[1]
    assert f"《{case.title}》" in lines[1] and f"《{case.title}》" in published
    assert f"第{case.number}号" in lines[1] and case.number in published
    assert proposal.session.label in lines[1]


@pytest.mark.parametrize(
    "file",
    ["hangzhou-2023-civil-affairs-cppcc-607.txt", "suining-2021-civil-affairs-cppcc-52.txt"],
)
def test_the_co_handling_sentence_names_the_co_handlers_the_letter_names(demo, db, file):
    case = case_by(file)
    lines, proposal = draft_lines(case)
    names = [a.agency.display_name for a in proposal.assignments.filter(mode="co").order_by("pk")]
    assert names
    sentence = f"经综合{'、'.join(names)}的会办意见"
    assert sentence in lines[1]
    published = seed_letter(case)[1]
    for name in names:
        assert name in published


@pytest.mark.parametrize(
    "file",
    [
        "hangzhou-2023-civil-affairs-cppcc-607.txt",
        "suining-2021-civil-affairs-cppcc-52.txt",
        "hangzhou-2020-emergency-cppcc-310.txt",
    ],
)
def test_signature_date_and_contact_lines_match(demo, db, file):
    case = case_by(file)
    lines, _ = draft_lines(case)
    letter = seed_letter(case)
    tail = " ".join(letter[-4:])
    signature, date, contact = lines[-3], lines[-2], lines[-1]
    if not contact.startswith("(联系人"):  # an agency without a contact on file
        signature, date, contact = lines[-2], lines[-1], ""
    assert signature == case.lead and signature in tail
    assert date == drafting.chinese_date(case.written_on) and date in tail
    if contact:
        assert contact == letter[-1]


def test_sections_follow_the_numbered_points(demo, db):
    case = case_by("shanghai-2021-npc-0238.txt")
    lines, _ = draft_lines(case)
    headings = [line for line in lines if line[:2] in {"一、", "二、", "三、", "四、"}]
    published = seed_lines(case)
    assert headings == [
        "一、关于打造社区治理共同体",
        "二、关于拓宽治理手段",
        "三、关于整合社会资源",
        "四、关于累积事件经验",
    ]
    assert all(heading in published for heading in headings)


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一")]
)
def test_chinese_numerals(n, text):
    assert drafting.numeral(n) == text
