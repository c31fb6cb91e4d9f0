"""The public pages' benchmark runs end to end on a small data set."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure.models import Publication, PublicationSearch
from tests.public.test_pages import publish


@pytest.mark.django_db
def test_bench_public_prints_every_figure_and_leaves_nothing():
    before = Publication.objects.count()
    out = StringIO()
    call_command("bench_public", "--replies", "200", "--repeat", "2", stdout=out, stderr=out)
    text = out.getvalue()
    assert "数据库:" in text
    assert "N=200:造数" in text
    for label in ["列表", "筛选列表", "第50页", "详情", "检索“养老”", "检索“社区治理”", "检索编号"]:
        line = next(line for line in text.splitlines() if line.strip().startswith(label))
        assert "p50" in line and "p95" in line and "次查询" in line
        assert "达标" in line
    assert "返回" not in text  # every page answered 200
    assert Publication.objects.count() == before
    assert not PublicationSearch.objects.exists()


def test_bench_public_measures_the_replies_already_there(world):
    with pytest.raises(CommandError, match="没有已公开的答复"):
        call_command("bench_public", "--existing", stdout=StringIO())
    publish(world, title="关于养老服务的建议")
    out = StringIO()
    call_command("bench_public", "--existing", "--repeat", "1", stdout=out, stderr=out)
    text = out.getvalue()
    assert "已有 1 条已公开的答复" in text
    assert "造数" not in text
    for label in ["列表", "筛选列表", "详情", "检索“养老”"]:
        assert any(line.strip().startswith(label) for line in text.splitlines()), label
    assert "返回" not in text
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_bench_public_compares_query_counts_across_sizes():
    out = StringIO()
    call_command("bench_public", "--replies", "40", "80", "--repeat", "1", stdout=out, stderr=out)
    text = out.getvalue()
    assert "N=40:造数" in text and "N=80:造数" in text
    assert "查询次数不随 N 增长:达标" in text
    assert "忽略" not in text and "返回" not in text
