"""Each agency numbers its publications per year: org code/YYYY-NNNNN, from 1, no gaps."""

import datetime

import pytest
import time_machine

from disclosure.models import IndexSerial, Publication
from disclosure.services import reply_publish
from portal import clock
from proposals.errors import InvalidInput

from . import cases

DEC_29_2025 = datetime.datetime(2025, 12, 29, 2, tzinfo=datetime.UTC)
JAN_5_2026 = datetime.datetime(2026, 1, 5, 2, tzinfo=datetime.UTC)


def publish(world, letter, **kwargs):
    return reply_publish(letter=letter, by=world.lead_clerk, **kwargs)


def test_the_index_number_is_the_org_code_the_year_and_a_five_digit_serial(world):
    world.lead_agency.org_code = "002489524"
    world.lead_agency.save()
    publication = publish(world, cases.sent(world), published_on=clock.today())
    year = clock.today().year
    assert publication.index_number == f"002489524/{year}-00001"
    assert (publication.year, publication.serial) == (year, 1)


def test_the_number_of_digits_is_a_setting(world, settings):
    settings.PORTAL = {**settings.PORTAL, "INDEX_SERIAL_DIGITS": 6}
    publication = publish(world, cases.sent(world))
    assert publication.index_number.endswith("-000001")


def test_serials_count_up_per_agency(world):
    ours = [cases.sent(world, title=f"关于第{n}件事的建议") for n in range(3)]
    theirs = [cases.sent_by_co_agency(world, title=f"关于另一件事{n}的建议") for n in range(2)]
    for letter in ours:
        publish(world, letter)
    for letter in theirs:
        reply_publish(letter=letter, by=world.co_clerk)
    assert [p.serial for p in Publication.objects.filter(agency=world.lead_agency)] == [3, 2, 1]
    assert [p.serial for p in Publication.objects.filter(agency=world.co_agency)] == [2, 1]
    assert (
        Publication.objects.filter(agency=world.co_agency)
        .first()
        .index_number.startswith(world.co_agency.org_code + "/")
    )


def test_a_new_year_starts_again_at_one(world):
    with time_machine.travel(DEC_29_2025, tick=False):
        letters = [cases.sent(world, title=f"关于第{n}件事的建议") for n in range(3)]
        publish(world, letters[0])
    with time_machine.travel(JAN_5_2026, tick=False):
        publish(world, letters[1], published_on=datetime.date(2025, 12, 31))
        last = publish(world, letters[2])
    code = world.lead_agency.org_code
    assert sorted(Publication.objects.values_list("index_number", flat=True)) == [
        f"{code}/2025-00001",
        f"{code}/2025-00002",
        f"{code}/2026-00001",
    ]
    assert last.published_on == datetime.date(2026, 1, 5)
    assert dict(IndexSerial.objects.values_list("year", "last")) == {2025: 2, 2026: 1}


def test_a_recorded_index_number_raises_the_counter(world):
    code = world.lead_agency.org_code
    year = clock.today().year
    first, second, third = (cases.sent(world, title=f"关于第{n}件事的建议") for n in range(3))
    publish(world, first)
    recorded = publish(world, second, index_number=f"{code}/{year}-00364")
    assert (recorded.serial, recorded.index_number) == (364, f"{code}/{year}-00364")
    assert publish(world, third).index_number == f"{code}/{year}-00365"


def test_a_recorded_index_number_below_the_counter_leaves_it(world):
    code = world.lead_agency.org_code
    year = clock.today().year
    letters = [cases.sent(world, title=f"关于第{n}件事的建议") for n in range(3)]
    publish(world, letters[0], index_number=f"{code}/{year}-00010")
    publish(world, letters[1], index_number=f"{code}/{year}-00004")
    assert publish(world, letters[2]).serial == 11


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("999999999/{year}-00007", "格式"),
        ("{code}/{year}-7", "格式"),
        ("{code}/{year}-00000", "格式"),
        ("{code}/2020-00007", "年份"),
        ("{code}/{year}-00001", "已被使用"),
    ],
)
def test_a_recorded_index_number_must_be_the_agencys_of_that_year_and_unused(world, given, message):
    code, year = world.lead_agency.org_code, clock.today().year
    publish(world, cases.sent(world, title="关于第一件事的建议"))
    letter = cases.sent(world, title="关于第二件事的建议")
    with pytest.raises(InvalidInput, match=message):
        publish(world, letter, index_number=given.format(code=code, year=year))
    assert Publication.objects.count() == 1
    assert IndexSerial.objects.get().last == 1
