"""批量导入: staff import an assignment list from Excel, see each row's problems first,
and every imported row goes through filing, review and assignment like one entered by hand."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from agencies.models import Body
from proposals import services as ps
from proposals.errors import NotPermitted
from proposals.models import ImportJob, Proposal
from tests import factories

HEADERS = ["编号", "标题", "领衔人", "联名人", "主办单位", "会办单位", "分办单位", "重点", "内容"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(number, *, title=None, lead="戚敏敏", co="", agency="市民政局", co_agencies="",
        split="", key="否", body="一、关于……"):  # fmt: skip
    title = f"关于第{number}号事项的提案" if title is None else title
    return [number, title, lead, co, agency, co_agencies, split, key, body]


def xlsx(rows, headers=HEADERS, name="交办清单.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if headers:
        sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def upload(client, session, file):
    return client.post(reverse("proposals:import_start"), {"session": session.pk, "file": file})


def job_url(job) -> str:
    return reverse("proposals:import_job", args=[job.pk])


def take_number(world, number):
    """Another staff member files an item with this number."""
    return ps.proposal_create(
        session=world.session,
        number=number,
        title="先行录入的提案",
        lead_proposer=world.other_proposer,
        by=world.staff,
    )


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


@pytest.fixture
def mixed(world, staff_client):
    """A previewed list with two good rows and one row for each kind of problem."""
    factories.ProposerFactory(name="王芳", body=Body.CPPCC)
    factories.ProposerFactory(name="王芳", body=Body.CPPCC)
    take_number(world, "200")
    rows = [
        row("101", co="郭锦、邱小燕", co_agencies="杭州市卫生健康委员会", key="是"),
        row("102", lead="郭锦", agency="", split="市民政局;市交通运输局"),
        row("103", agency="市不存在局"),
        row("200"),
        row("105"),
        row("105"),
        row("106", title=""),
        row("107", lead="张无名"),
        row("108", lead="王芳"),
        row("109", key="可能"),
        row("110", split="市卫生健康委,市交通运输局"),
        row("111", agency=""),
    ]
    response = upload(staff_client, world.session, xlsx(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job_url(job)
    return job


EXPECTED_PROBLEMS = {
    2: [],
    3: [],
    4: ["单位名录中没有“市不存在局”。"],
    5: ["本次会议已有第200号。"],
    6: ["编号与第7行重复。"],
    7: ["编号与第6行重复。"],
    8: ["请填写标题。"],
    9: ["提出人名册中没有“张无名”,请先在名册中登记。"],
    10: ["名册中有重名的“王芳”,请在数据管理中为重名者加注以区分。"],
    11: ["“重点”只能填“是”或“否”,不能填“可能”。"],
    12: ["主办单位和分办单位只能填一种:主办(可加会办)或分办。"],
    13: ["请填写主办单位或分办单位。"],
}


def test_the_preview_lists_every_row_with_its_problems(mixed, staff_client):
    response = staff_client.get(job_url(mixed))
    assert response.status_code == 200
    problems = {c.line: c.errors for c in response.context["checks"]}
    assert problems == EXPECTED_PROBLEMS
    page = response.content.decode()
    for errors in EXPECTED_PROBLEMS.values():
        for error in errors:
            assert error in page
    assert "有问题 10 行" in page
    assert Proposal.objects.count() == 1


def test_confirming_with_problems_saves_nothing(mixed, staff_client):
    response = staff_client.post(job_url(mixed), {})
    assert response.status_code == 200
    assert "有 10 行存在问题,未导入任何内容" in response.content.decode()
    assert Proposal.objects.count() == 1
    mixed.refresh_from_db()
    assert mixed.status == ImportJob.Status.PENDING


def test_valid_rows_only_become_assigned_proposals_with_their_events(world, mixed, staff_client):
    response = staff_client.post(job_url(mixed), {"valid_only": "on"})
    assert response.status_code == 302
    assert set(Proposal.objects.values_list("number", flat=True)) == {"200", "101", "102"}

    first = Proposal.objects.get(session=world.session, number="101")
    assert first.status == Proposal.Status.ASSIGNED
    assert first.kind == Proposal.Kind.PROPOSAL
    assert first.is_key
    assert first.proposers() == [world.lead_proposer, world.cosigner, world.other_proposer]
    active = first.assignments.active()
    assert active.get(mode="lead").agency == world.lead_agency
    assert [a.agency for a in active.filter(mode="co")] == [world.co_agency]
    verbs = list(first.events.values_list("verb", flat=True))
    assert verbs == ["created", "submitted", "accepted", "assigned"]
    assert set(first.events.values_list("actor", flat=True)) == {world.staff.pk}

    second = Proposal.objects.get(session=world.session, number="102")
    assert second.lead_proposer == world.cosigner
    split = second.assignments.active().filter(mode="split")
    assert {a.agency for a in split} == {world.lead_agency, world.other_agency}

    mixed.refresh_from_db()
    assert mixed.status == ImportJob.Status.FINISHED
    assert (mixed.total, mixed.done, mixed.created_count, mixed.failed_count) == (2, 2, 2, 0)
    assert mixed.skipped_count == 10
    results = {r["line"]: r for r in mixed.results}
    assert results[2]["proposal"] == first.pk
    assert results[4] == {**results[4], "status": "skipped", "message": EXPECTED_PROBLEMS[4][0]}

    page = staff_client.get(job_url(mixed)).content.decode()
    assert reverse("proposals:detail", args=[first.pk]) in page
    assert "另有 10 行因有问题未导入" in page


def test_a_list_is_imported_once(mixed, staff_client):
    staff_client.post(job_url(mixed), {"valid_only": "on"})
    response = staff_client.post(job_url(mixed), {"valid_only": "on"}, follow=True)
    assert "不能再次导入" in response.content.decode()
    assert Proposal.objects.count() == 3


def test_rows_are_checked_again_when_staff_confirm(world, staff_client):
    upload(staff_client, world.session, xlsx([row("101"), row("102")]))
    job = ImportJob.objects.get()
    take_number(world, "101")
    response = staff_client.post(job_url(job), {})
    assert response.status_code == 200
    assert "有 1 行存在问题" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_an_npc_list_becomes_registered_suggestions(world, client):
    deputy = factories.ProposerFactory(name="何珊珊", body=Body.NPC)
    client.force_login(world.npc_staff)
    upload(client, world.npc_session, xlsx([row("0238", lead="何珊珊", agency="市交通运输局")]))
    client.post(job_url(ImportJob.objects.get()), {})
    suggestion = Proposal.objects.get(number="0238")
    assert suggestion.kind == Proposal.Kind.SUGGESTION
    assert suggestion.lead_proposer == deputy
    assert suggestion.status == Proposal.Status.ASSIGNED


def test_a_large_list_runs_in_the_background_with_progress(
    world, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL = {**settings.PORTAL, "IMPORT_BACKGROUND_ROWS": 2}
    upload(staff_client, world.session, xlsx([row("101"), row("102"), row("103"), row("104")]))
    job = ImportJob.objects.get()
    progress = reverse("proposals:import_progress", args=[job.pk])

    with django_capture_on_commit_callbacks() as callbacks:
        assert staff_client.post(job_url(job), {}).status_code == 302
    assert Proposal.objects.count() == 0
    assert staff_client.get(progress).json() == {
        "total": 4,
        "done": 0,
        "message": "共 4 行,排队等待导入……",
        "finished": False,
        "status": "queued",
    }
    page = staff_client.get(job_url(job)).content.decode()
    assert f'data-progress-url="{progress}"' in page

    # Meanwhile someone files one of the numbers by hand: that row fails, the others go on.
    take_number(world, "103")
    for callback in callbacks:
        callback()

    answer = staff_client.get(progress).json()
    assert (answer["total"], answer["done"], answer["finished"]) == (4, 4, True)
    assert answer["message"] == "导入完成:成功 3 行,失败 1 行。"
    job.refresh_from_db()
    failed = [r for r in job.results if r["status"] == "failed"]
    assert failed == [{**failed[0], "line": 4, "message": "本次会议已有第103号。"}]
    assert Proposal.objects.filter(status=Proposal.Status.ASSIGNED).count() == 3
    page = staff_client.get(job_url(job)).content.decode()
    assert "data-progress-url" not in page
    for proposal in Proposal.objects.filter(status=Proposal.Status.ASSIGNED):
        assert reverse("proposals:detail", args=[proposal.pk]) in page


def test_a_task_claims_its_job_once(
    world, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL = {**settings.PORTAL, "IMPORT_BACKGROUND_ROWS": 0}
    upload(staff_client, world.session, xlsx([row("101")]))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        staff_client.post(job_url(job), {})
    for callback in callbacks + callbacks:
        callback()
    assert Proposal.objects.count() == 1
    job.refresh_from_db()
    assert (job.done, job.created_count, job.failed_count) == (1, 1, 0)


def test_the_template_opens_in_excel_with_the_headers_and_an_example(world, staff_client):
    response = staff_client.get(reverse("proposals:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) >= 2 and rows[1][0] == "0238"
    assert "填写说明" in book.sheetnames


def test_the_template_uploaded_as_it_is_reads_its_example_row(world, staff_client):
    template = staff_client.get(reverse("proposals:import_template"))
    file = SimpleUploadedFile("模板.xlsx", b"".join(template.streaming_content))
    upload(staff_client, world.session, file)
    job = ImportJob.objects.get()
    assert [r["number"] for r in job.rows] == ["0238"]
    assert job.rows[0]["co_signers"] == "郭锦、邱小燕"


def _not_a_workbook():
    return SimpleUploadedFile("交办清单.xlsx", "编号,标题\n1,关于……".encode(), "text/plain")


def _empty_workbook():
    return xlsx([], headers=None)


def _broken_zip():
    return SimpleUploadedFile("交办清单.xlsx", b"PK\x03\x04" + b"\x00" * 200, XLSX)


def _old_excel():
    return SimpleUploadedFile("交办清单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_a_workbook, "不是 Excel 工作簿(.xlsx)"),
        (_empty_workbook, "的第一个工作表是空的"),
        (_broken_zip, "已损坏或不是 Excel 工作簿"),
        (_old_excel, "旧版 Excel(.xls)"),
        (lambda: xlsx([], headers=HEADERS), "只有列名,没有要导入的行"),
        (lambda: xlsx([row("1")], headers=["序号", *HEADERS]), "不认识的列名:序号"),
        (lambda: xlsx([row("1")[1:]], headers=HEADERS[1:]), "缺少必填的列:编号"),
        (lambda: xlsx([row("1")], headers=[*HEADERS[:-1], "编号"]), "列名重复:编号"),
    ],
)
def test_a_bad_file_is_refused_on_the_form(world, staff_client, make, message):
    response = upload(staff_client, world.session, make())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_too_many_rows_or_too_large_a_file_is_refused(world, staff_client, settings):
    settings.PORTAL = {**settings.PORTAL, "IMPORT_MAX_ROWS": 2}
    response = upload(staff_client, world.session, xlsx([row("1"), row("2"), row("3")]))
    assert "超过 2 行,请分成几个文件上传" in response.content.decode()
    settings.PORTAL = {**settings.PORTAL, "IMPORT_MAX_ROWS": 5000, "IMPORT_MAX_MB": 0}
    response = upload(staff_client, world.session, xlsx([row("1")]))
    assert "超过 0 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_numbers_typed_as_numbers_and_blank_rows_are_read_as_staff_meant(world, staff_client):
    upload(staff_client, world.session, xlsx([row(238.0), [None] * 9, row(239, key=True)]))
    job = ImportJob.objects.get()
    assert [(r["line"], r["number"], r["is_key"]) for r in job.rows] == [
        (2, "238", "否"),
        (4, "239", "是"),
    ]


@pytest.mark.parametrize("username", ["lead_clerk", "qiminmin", "stranger"])
def test_only_committee_staff_may_import(world, client, username):
    from accounts.models import User

    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("proposals:import_start")).status_code == 403
    assert client.get(reverse("proposals:import_template")).status_code == 403
    assert upload(client, world.session, xlsx([row("101")])).status_code == 403
    assert not ImportJob.objects.exists()


def test_staff_of_the_other_body_cannot_import_into_this_session(world, mixed, client):
    client.force_login(world.npc_staff)
    response = upload(client, world.session, xlsx([row("101")]))
    assert response.status_code == 200
    assert response.context["form"].errors["session"]
    assert client.get(job_url(mixed)).status_code == 404
    assert client.post(job_url(mixed), {"valid_only": "on"}).status_code == 404
    progress = reverse("proposals:import_progress", args=[mixed.pk])
    assert client.get(progress).status_code == 404
    assert Proposal.objects.count() == 1


def test_the_service_refuses_staff_of_another_body(world):
    with pytest.raises(NotPermitted):
        ps.import_upload(session=world.session, upload=xlsx([row("101")]), by=world.npc_staff)


def test_the_register_links_to_the_import(world, staff_client):
    page = staff_client.get(reverse("proposals:register")).content.decode()
    assert reverse("proposals:import_start") in page
    assert "批量导入" in page


def test_the_preview_reads_the_register_once_not_per_row(
    world, staff_client, django_assert_max_num_queries
):
    for n in range(30):
        factories.ProposerFactory(name=f"委员乙{n}", body=Body.CPPCC)
    rows = [
        row(
            str(300 + n),
            lead=f"委员乙{n % 30}",
            co=f"委员乙{(n + 1) % 30}",
            co_agencies="市交通运输局",
        )
        for n in range(200)
    ]
    upload(staff_client, world.session, xlsx(rows))
    job = ImportJob.objects.get()
    with django_assert_max_num_queries(10):
        response = staff_client.get(job_url(job))
    assert response.context["ok_count"] == 200


def test_the_admin_shows_an_import(world, mixed, client):
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:proposals_importjob_changelist")).status_code == 200
    change = reverse("admin:proposals_importjob_change", args=[mixed.pk])
    assert client.get(change).status_code == 200


def errors_of(world, values) -> list[str]:
    from proposals.spreadsheet import COLUMN_KEYS

    row_values = {**dict(zip(COLUMN_KEYS, [str(v) for v in values], strict=True)), "line": 2}
    return ps.check_rows(world.session, [row_values])[0].errors


def test_agency_names_are_matched_in_full_or_short_and_shared_short_names_are_refused(world):
    factories.AgencyFactory(name="杭州市住房保障和房产管理局(市房管局)", short_name="市住保房管局")
    factories.AgencyFactory(name="西湖区民政局", short_name="市民政局")
    assert errors_of(world, row("1", agency="杭州市民政局", co_agencies="市住保房管局")) == []
    assert errors_of(world, row("1", agency="杭州市住房保障和房产管理局(市房管局)")) == []
    assert errors_of(world, row("1", agency="市民政局")) == [
        "“市民政局”对应多个单位,请填写单位全称。"
    ]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        (
            row("1", agency="", split="市民政局"),
            "分办须有两个及以上单位;只有一个单位时请设为主办。",
        ),
        (
            row("1", agency="", split="市民政局、市交通运输局", co_agencies="市卫生健康委"),
            "有会办单位时须确定一个主办单位。",
        ),
        (row("1", co_agencies="市民政局"), "同一单位不能重复交办。"),
        (
            row("1", agency="市民政局、市交通运输局"),
            "主办单位只能填一个;其他单位请填在会办单位中,或改为分办。",
        ),
        (row("1", lead="戚敏敏、郭锦"), "领衔人只能填一人,其他人请填在联名人中。"),
        (row("1", co="郭锦、戚敏敏"), "同一人不能重复联名。"),
        (row("1", lead=""), "请填写领衔人。"),
        (row(""), "请填写编号。"),
        (row("1", title="长" * 301), "标题过长,不能超过 300 字。"),
    ],
)
def test_the_other_rules_of_filing_and_assignment_are_checked_per_row(world, values, error):
    assert errors_of(world, values) == [error]


def test_a_closed_agency_or_a_deputy_of_the_other_body_is_refused(world):
    factories.AgencyFactory(name="杭州市旧局", short_name="市旧局", is_active=False)
    factories.ProposerFactory(name="何珊珊", body=Body.NPC)
    assert errors_of(world, row("1", agency="市旧局")) == ["单位已停用:杭州市旧局。"]
    assert errors_of(world, row("1", lead="何珊珊")) == [
        "提出人名册中没有“何珊珊”,请先在名册中登记。"
    ]
