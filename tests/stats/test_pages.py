"""The statistics' pages: who reads them, what each reader's figures cover, bad filters, and
the exports (in the background when the figures cover many items)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from proposals.models import Topic
from stats.models import StatsExport
from tests import workflow as wf

DASHBOARD = reverse("stats:dashboard")


def _figure(response, key):
    return response.context["board"].total.counts.get(key)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff", 200),
        ("npc_staff", 200),
        ("lead_clerk", 200),
        ("lead_leader", 200),
        ("co_clerk", 200),
        ("lead_proposer_user", 403),
        ("stranger", 403),
    ],
)
def test_committee_offices_and_agencies_read_the_statistics(world, client, role, status):
    client.force_login(getattr(world, role))
    assert client.get(DASHBOARD).status_code == status
    assert client.get(reverse("stats:export_xlsx")).status_code == status


def test_anonymous_readers_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_each_reader_counts_only_what_their_pages_show(settled, client):
    w = settled.world
    expected = {"staff": 13, "npc_staff": None}
    for role, filed in expected.items():
        client.force_login(getattr(w, role))
        assert _figure(client.get(DASHBOARD), "filed") == filed
    # An agency sees its own slice: its assignments, one agency row.
    client.force_login(w.other_clerk)
    response = client.get(DASHBOARD)
    board = response.context["board"]
    assert board.scope.agency == w.other_agency
    assert [r.label for r in board.tables["agency"].rows] == ["杭州市交通运输局"]
    assert board.total.counts["assigned"] == 1
    assert "关于A事项的提案" not in response.content.decode()


def test_an_agency_cannot_choose_another_agency(settled, client):
    w = settled.world
    client.force_login(w.other_clerk)
    response = client.get(DASHBOARD, {"agency": w.lead_agency.pk})
    board = response.context["board"]
    assert board.scope.agency == w.other_agency
    assert "已忽略:承办单位" in response.content.decode()


def test_the_register_shows_an_agency_its_own_items_without_staff_actions(settled, client):
    w = settled.world
    client.force_login(w.other_clerk)
    response = client.get(reverse("proposals:register"))
    assert response.status_code == 200
    assert [p.title for p in response.context["page"].object_list] == ["关于G事项的提案"]
    text = response.content.decode()
    assert "批量交办" not in text and "录入建议提案" not in text


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ({"session": "999999"}, "会议"),
        ({"agency": "abc"}, "承办单位"),
        ({"year_from": "20x6"}, "会议年度自"),
        ({"year_from": "2026", "year_to": "2020"}, "会议年度至"),
        ({"topic": "\x00"}, "主题分类"),
        ({"body": "senate"}, "类别"),
    ],
)
def test_unknown_filters_are_ignored_with_a_message(settled, client, query, ignored):
    client.force_login(settled.world.staff)
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"已忽略:{ignored}" in text
    assert _figure(response, "filed") == 13  # the other filters, here none, still apply


def test_a_year_range_with_no_data_says_so(settled, client):
    client.force_login(settled.world.staff)
    response = client.get(DASHBOARD, {"year_from": "2019", "year_to": "2020"})
    assert response.status_code == 200
    assert "2019年至2020年的会议没有符合条件的建议提案" in response.content.decode()


def test_every_rate_on_the_page_shows_its_parts_and_what_it_counts(settled, client):
    client.force_login(settled.world.staff)
    text = client.get(DASHBOARD).content.decode()
    # 办复率 5/7, each part a link to the register.
    assert "71.4%" in text
    assert 'aria-label="分子5件">5</a>/<a href="/proposals/?stat=due" aria-label="分母7件">7' in (
        text.replace("&amp;", "&")
    )
    assert 'id="def-due"' in text and "一件多个单位答复的,各单位都到期或已答复才计" in text
    assert "批准延期的件按延期后的期限计" in text


def test_the_dashboard_reads_in_constant_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.staff)
    wf.sent(world)
    client.get(DASHBOARD)  # the first read refreshes the facts of the items changed
    with django_assert_max_num_queries(20) as captured:
        client.get(DASHBOARD)
        first = len(captured)
    for n in range(4):
        wf.sent(world, title=f"关于第{n}件事的提案")
    wf.assigned(world, title="另一件", topic=Topic.objects.first())
    client.get(DASHBOARD)
    with django_assert_max_num_queries(first):
        response = client.get(DASHBOARD)
    assert _figure(response, "replied") == 5


def test_the_excel_export_holds_every_table(settled, client):
    client.force_login(settled.world.staff)
    response = client.get(reverse("stats:export_xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "按承办单位统计" in book.sheetnames and "统计口径" in book.sheetnames


def test_the_csv_export_of_a_table(settled, client):
    client.force_login(settled.world.staff)
    response = client.get(reverse("stats:export_csv"), {"table": "agency"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "承办单位"
    names = [row[0] for row in rows[1:]]
    assert names == ["杭州市交通运输局", "杭州市卫生健康委员会", "杭州市民政局", "合计"]


def test_a_large_export_runs_in_the_background_with_its_progress(
    settled, client, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL = settings.PORTAL | {"STATS_BACKGROUND_ITEMS": 5}
    w = settled.world
    client.force_login(w.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("stats:export_xlsx"), {"session": w.session.pk})
    job = StatsExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "stats:export_job", args=[job.pk]
    )
    assert job.status == StatsExport.Status.DONE and job.done == job.total > 1
    progress = client.get(reverse("stats:export_progress", args=[job.pk])).json()
    assert progress["finished"] and progress["done"] == progress["total"]
    download = client.get(reverse("stats:export_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "按承办单位统计" in book.sheetnames
    # Someone else's export is not theirs to follow or download.
    client.force_login(w.npc_staff)
    assert client.get(reverse("stats:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("stats:export_download", args=[job.pk])).status_code == 404


def test_exports_are_forgotten_after_a_week(settled, client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from stats import tasks

    settings.MEDIA_ROOT = tmp_path
    w = settled.world
    old = StatsExport.objects.create(requested_by=w.staff, format="csv", status="done")
    old.file.save("old.csv", ContentFile(b"x"))
    StatsExport.objects.filter(pk=old.pk).update(requested_at=old.requested_at.replace(month=7))
    fresh = StatsExport.objects.create(requested_by=w.staff, format="csv", status="done")
    assert tasks.forget_old_exports() == 1
    assert list(StatsExport.objects.all()) == [fresh]
    assert not list(tmp_path.rglob("old*.csv"))


def test_no_figure_carries_a_proposers_contact_or_a_replys_text(settled, client):
    w = settled.world
    w.lead_proposer.phone, w.lead_proposer.email = "13800001111", "qmm@example.com"
    w.lead_proposer.save()
    client.force_login(w.staff)
    outputs = [
        client.get(DASHBOARD).content.decode(),
        client.get(reverse("stats:export_csv"), {"table": "agency"}).content.decode("utf-8"),
        client.get("/api/v1/stats/").content.decode(),
    ]
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("stats:export_xlsx")).content))
    outputs.append(
        " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    )
    for text in outputs:
        for secret in ("13800001111", "qmm@example.com", "戚敏敏", wf.REPLY_TEXT[:12]):
            assert secret not in text
