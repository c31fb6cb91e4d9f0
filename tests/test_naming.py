"""How sessions, numbers and dates are written."""

from datetime import date

import pytest

from agencies.models import Body
from portal.chinese import chinese_date, chinese_numeral
from proposals.models import Session


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (4, "四"), (10, "十"), (11, "十一"), (15, "十五"), (20, "二十"), (21, "二十一"),
     (100, "一百"), (102, "一百零二"), (110, "一百一十"), (999, "九百九十九")],
)  # fmt: skip
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_numerals_outside_the_range_are_refused():
    with pytest.raises(ValueError):
        chinese_numeral(0)


def test_chinese_date():
    assert chinese_date(date(2020, 8, 5)) == "2020年8月5日"


@pytest.mark.parametrize(
    ("body", "level", "term", "number", "label"),
    [
        (Body.CPPCC, "市政协", 11, 4, "市政协十一届四次会议"),
        (Body.CPPCC, "市政协", 12, 2, "市政协十二届二次会议"),
        (Body.NPC, "市人大", 15, 5, "市十五届人大五次会议"),
        (Body.NPC, "全国人大", 14, 2, "十四届全国人大二次会议"),
        (Body.CPPCC, "全国政协", 14, 2, "全国政协十四届二次会议"),
    ],
)
def test_session_labels_follow_the_letters(body, level, term, number, label):
    session = Session(body=body, level_name=level, term=term, number=number)
    assert session.default_label() == label


@pytest.mark.parametrize(
    ("region", "level", "body", "full_name"),
    [
        ("杭州市", "市政协", Body.CPPCC, "杭州市政协十二届二次会议"),
        ("杭州市", "市人大", Body.NPC, "杭州市十二届人大二次会议"),
        ("西湖区", "区政协", Body.CPPCC, "西湖区政协十二届二次会议"),
        ("浙江省", "省政协", Body.CPPCC, "浙江省政协十二届二次会议"),
        ("", "市政协", Body.CPPCC, "市政协十二届二次会议"),
    ],
)
def test_a_sessions_full_name_writes_the_shared_level_once(region, level, body, full_name):
    session = Session(region=region, level_name=level, body=body, term=12, number=2)
    session.label = session.default_label()
    assert str(session) == full_name


@pytest.mark.parametrize(
    ("pattern", "serial", "number"),
    [("{n}", 310, "310"), ("{n:04d}", 238, "0238"), ("{year}{n:04d}", 549, "20210549")],
)
def test_session_number_patterns(pattern, serial, number):
    session = Session(number_pattern=pattern, opens_on=date(2021, 1, 20))
    assert session.format_number(serial) == number
