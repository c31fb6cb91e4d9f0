import re
from io import StringIO

import pytest
from django.core.management import call_command

from deadlines.models import Deadline


@pytest.mark.django_db
def test_the_sweep_benchmark_runs_and_leaves_nothing_behind():
    out = StringIO()
    call_command("bench_sweep", n=[60, 240], stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("N=")]
    assert len(lines) == 2
    queries = [int(q) for q in re.findall(r"第一次扫描 [\d.]+ s,(\d+) 次查询", out.getvalue())]
    assert queries[0] == queries[1]  # the same number of queries for four times the deadlines
    assert all(line.endswith("提醒 0 条") for line in lines)
    assert not Deadline.objects.exists()
