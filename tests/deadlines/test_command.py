"""python manage.py deadline: the due date alone on the first line, then why."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


def test_working_days():
    lines = run("--from", "2026-09-18", "--working-days", "5")
    assert lines[0] == "2026-09-24"
    assert "9月20日(星期日)为国庆节调休上班日" in lines[1]


def test_days_and_months():
    assert run("--from", "2026-09-21", "--days", "10")[0] == "2026-10-08"
    assert run("--from", "2026-01-31", "--months", "1")[0] == "2026-02-28"
    assert run("--from", "2025-01-31", "--months", "1")[0] == "2025-02-28"


def test_an_uncovered_year_is_provisional():
    lines = run("--from", "2027-03-01", "--working-days", "5")
    assert lines[0] == "2027-03-08"
    assert "此期限为暂定" in lines[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--days", "3"], "不是有效日期"),
        (["--from", "2026-09-18", "--days", "-3"], "0 到 3660"),
    ],
)
def test_bad_input_is_explained(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("deadline", *args)
