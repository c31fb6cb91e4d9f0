"""Importing published reply pages: every seed letter's fields, the dry run's JSON lines,
idempotency, unreadable files and HTML pages."""

import datetime
import html
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency
from disclosure.importing import ParsedLetter, parse_file, parse_text
from disclosure.models import IndexSerial, Publication
from proposals.demo.data import AGENCIES, SEED_CASES, SESSIONS
from proposals.demo.loader import SEEDS, letter_text

KEYS = [
    "index_number", "disclosure", "document_number", "written_on", "signed_on",
    "published_on", "agency", "topic", "session", "proposal_number", "proposal_title",
    "addressees", "co_handlers", "result_category", "contact_name", "contact_phone", "body",
]  # fmt: skip
SHORT = {name: short for name, short, *_ in AGENCIES}
SESSION_LABELS = {
    "hz-cppcc-11-4": "市政协十一届四次会议",
    "hz-cppcc-12-2": "市政协十二届二次会议",
    "sh-npc-15-5": "市十五届人大五次会议",
    "sn-cppcc-7-6": "市政协七届六次会议",
    "sz-npc-7-1": "市七届人大一次会议",
}
# What the pages' headers say beyond the demo's cases.
HEADER = {
    "hangzhou-2020-emergency-cppcc-310.txt": {"disclosure": "public", "topic": "应急"},
    "hangzhou-2023-civil-affairs-cppcc-607.txt": {"disclosure": "public", "topic": None},
    "shanghai-2021-npc-0238.txt": {"disclosure": "public", "result_category": "解决采纳"},
}
# Co-handlers as the letters write them, where that differs from the demo's short names.
CO_HANDLERS = {
    "20210549": ["市政务服务数据管理局", "卫生健康委", "人力资源保障局"],
    "20210248": ["市人力资源和社会保障局", "政务服务数据管理局", "医疗保障局", "银保监局"],
    "20210713": ["市委组织部", "市委编办", "市人力资源和社会保障局", "市住房和建设局"],
    "20210483": ["市人力资源和社会保障局", "市卫生健康委"],
    "20210684": ["市卫生健康委"],
}
CONTACTS = {"607": ("吴强", "89586323"), "52": ("王丹", "2325777")}


def _parsed() -> dict[str, ParsedLetter]:
    letters = {}
    for file in sorted({case.file for case in SEED_CASES}):
        for letter in parse_file(SEEDS / file):
            letters[letter.proposal_number] = letter
    return letters


PARSED = _parsed()


def test_every_seed_letter_is_found():
    assert sorted(PARSED) == sorted(case.number for case in SEED_CASES)
    assert len(PARSED) == 15
    assert len(parse_file(SEEDS / "shenzhen-2021-civil-affairs-npc-batch.txt")) == 11


@pytest.mark.parametrize("case", SEED_CASES, ids=lambda case: case.number)
def test_seed_letter_fields(case):
    letter = PARSED[case.number]
    header = HEADER.get(case.file, {})
    assert letter.index_number == (case.index_number or None)
    assert letter.disclosure == header.get("disclosure")
    assert letter.document_number is None
    assert letter.published_on == case.published_on
    assert letter.written_on == case.written_on
    assert letter.signed_on == case.written_on
    assert letter.agency == (None if case.file.startswith("shanghai") else case.lead)
    assert letter.topic == header.get("topic")
    assert letter.session == SESSION_LABELS[case.session]
    assert letter.proposal_title == case.title
    proposers = [] if case.file.startswith("shanghai") else case.proposers
    assert letter.addressees == proposers
    expected_co = CO_HANDLERS.get(case.number, [SHORT[name] for name in case.co_handlers])
    if case.number == "20210249":  # the letter names no co-handler
        expected_co = []
    assert letter.co_handlers == expected_co
    assert letter.result_category == header.get("result_category")
    assert (letter.contact_name, letter.contact_phone) == CONTACTS.get(case.number, (None, None))
    assert letter.body == letter_text(case)
    assert letter.kind == ("提案" if SESSIONS[case.session][1] == "cppcc" else "建议")


def test_the_traditional_page_comes_out_simplified():
    letter = PARSED["310"]
    assert letter.agency == "杭州市应急管理局"
    assert "贵站在市政协十一届四次会议上提出的310号提案" in letter.body
    for traditional in "議應關於發":
        assert traditional not in letter.body + letter.proposal_title


def test_an_html_page_parses_like_its_text():
    text = (SEEDS / "hangzhou-2023-civil-affairs-cppcc-607.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines())
    page = (
        "<!DOCTYPE html><html><head><title>答复</title><style>p{margin:0}</style>"
        f"<script>var x = 1;</script></head><body><div>{paragraphs}</div></body></html>"
    )
    assert parse_text(page) == parse_file(SEEDS / "hangzhou-2023-civil-affairs-cppcc-607.txt")


def test_a_gb18030_page_is_read(tmp_path):
    text = (SEEDS / "suining-2021-civil-affairs-cppcc-52.txt").read_text(encoding="utf-8")
    path = tmp_path / "suining-gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    assert parse_file(path) == parse_file(SEEDS / "suining-2021-civil-affairs-cppcc-52.txt")


def _run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_replies", *map(str, args), stdout=out, stderr=err)
        failed = None
    except CommandError as error:
        failed = error
    return out.getvalue(), err.getvalue(), failed


def _import_all():
    hz_sz = [SEEDS / case.file for case in SEED_CASES if not case.file.startswith("shanghai")]
    first = _run(*sorted(set(hz_sz)))
    shanghai = _run(SEEDS / "shanghai-2021-npc-0238.txt", "--agency", "上海市民政局")
    return first, shanghai


@pytest.mark.django_db
def test_dry_run_prints_json_lines_and_saves_nothing():
    out, err, failed = _run(SEEDS, "--dry-run", "--format", "json", "--agency", "上海市民政局")
    assert failed is None, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 15
    assert all(list(row) == KEYS for row in rows)
    row = next(row for row in rows if row["proposal_number"] == "607")
    assert row["published_on"] == "2023-06-12"
    assert row["addressees"] == ["戚敏敏"]
    assert row["document_number"] is None
    assert "新增 15 件" in err
    assert not Publication.objects.exists()
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_a_page_without_its_agency_fails_unless_one_is_given():
    _, err, failed = _run(SEEDS / "shanghai-2021-npc-0238.txt", "--dry-run")
    assert failed is not None
    assert "shanghai-2021-npc-0238.txt: 答复缺少承办单位" in err


@pytest.mark.django_db
def test_import_creates_publications_and_twice_changes_nothing():
    code = Agency.objects.create(
        name="杭州市应急管理局", short_name="市应急管理局", org_code="749492940"
    )
    (out, err, failed), (sh_out, sh_err, sh_failed) = _import_all()
    assert failed is None and sh_failed is None, err + sh_err
    assert "新增 14 件,未变 0 件,失败 0 个文件" in out
    assert Publication.objects.count() == 15
    assert set(Publication.objects.values_list("source", flat=True)) == {"imported"}
    assert not Publication.objects.filter(letter__isnull=False).exists()

    emergency = Publication.objects.get(proposal_number="310")
    assert emergency.agency == code
    assert (emergency.year, emergency.serial) == (2020, 4350)
    assert emergency.index_number == "749492940/2020-04350"
    assert IndexSerial.objects.get(agency=code, year=2020).last == 4350
    assert emergency.title == "杭州市应急管理局关于市政协十一届四次会议第310号提案的答复"
    assert emergency.kind == "提案"

    civil = Publication.objects.get(proposal_number="607")
    assert civil.agency.name == "杭州市民政局" and not civil.agency.is_active
    assert civil.serial is None and civil.index_number == "002489524/2023-00364"
    assert (civil.contact_name, civil.contact_phone) == ("吴强", "89586323")
    assert "联系电话:89586323" in civil.body  # the agency's contact line is published
    assert civil.body.startswith("<p>戚敏敏委员:</p>")
    assert civil.disclosure == "public"

    shanghai = Publication.objects.get(proposal_number="0238")
    assert shanghai.agency.name == "上海市民政局"
    assert shanghai.index_number == "" and shanghai.serial is None
    assert shanghai.result_category == "解决采纳"
    assert shanghai.session_label == "市十五届人大五次会议"

    shenzhen = Publication.objects.filter(agency__name="深圳市民政局")
    assert shenzhen.count() == 11
    assert Agency.objects.filter(name="深圳市民政局").count() == 1

    (out, err, failed), (sh_out, _, _) = _import_all()
    assert failed is None
    assert "新增 0 件,未变 14 件,失败 0 个文件" in out
    assert "新增 0 件,未变 1 件" in sh_out
    assert Publication.objects.count() == 15
    assert IndexSerial.objects.get(agency=code, year=2020).last == 4350


@pytest.mark.django_db
def test_a_proposers_number_is_left_out_of_the_public_body(tmp_path):
    text = (SEEDS / "suining-2021-civil-affairs-cppcc-52.txt").read_text(encoding="utf-8")
    text = text.replace("感谢您对社区建设", "如有疑问请致电唐委员手机13812345678。感谢您对社区建设")
    path = tmp_path / "suining.txt"
    path.write_text(text, encoding="utf-8")
    _, err, failed = _run(path)
    assert failed is None, err
    publication = Publication.objects.get()
    assert "13812345678" not in publication.body
    assert "***" in publication.body
    assert "联系电话:2325777" in publication.body
    assert publication.contact_phone == "2325777"


@pytest.mark.django_db
def test_unreadable_files_are_reported_and_nothing_of_them_is_saved(tmp_path):
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    prose = tmp_path / "notice.html"
    prose.write_text("<html><body><p>网站维护通知。</p></body></html>", encoding="utf-8")
    good = SEEDS / "suining-2021-civil-affairs-cppcc-52.txt"
    out, err, failed = _run(garbage, empty, prose, good, tmp_path / "missing.txt")
    assert failed is not None
    assert "garbage.txt: 不是文本文件" in err
    assert "empty.txt: 文件为空" in err
    assert "notice.html: 未找到答复函" in err
    assert "missing.txt: 无法读取文件" in err
    assert "新增 1 件,未变 0 件,失败 4 个文件" in out
    assert Publication.objects.count() == 1
    assert Publication.objects.get().source_file == good.name


@pytest.mark.django_db
def test_a_file_with_one_bad_letter_saves_none_of_its_letters(tmp_path):
    text = (SEEDS / "shenzhen-2021-civil-affairs-npc-batch.txt").read_text(encoding="utf-8")
    # The last letter loses its title: the whole page is refused.
    text = text.replace("“关于推进基层治理建设智慧社区的建议”", "该建议")
    path = tmp_path / "shenzhen.txt"
    path.write_text(text, encoding="utf-8")
    _, err, failed = _run(path)
    assert failed is not None
    assert "shenzhen.txt: 第11件答复缺少建议提案标题" in err
    assert not Publication.objects.exists()
    assert not Agency.objects.exists()


def test_written_on_is_the_letters_own_date_and_dates_are_iso():
    letter = PARSED["310"].as_json()
    assert letter["published_on"] == "2020-08-07"
    assert letter["written_on"] == "2020-08-05"  # the letter's own date, not the header's
    assert datetime.date.fromisoformat(letter["signed_on"]) == datetime.date(2020, 8, 5)
