"""The public annual summary (/stats/ and /api/v1/public/stats/): counts only, nothing of
what is unpublished, cached like the other public pages, no ranking unless asked for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure import services as disclosure_services
from stats import public
from tests import workflow as wf

PAGE = reverse("stats:public")
API = "/api/v1/public/stats/"


def test_the_summary_counts_each_session_of_each_year(settled):
    summary = public.summary()
    [year] = summary.years
    assert year.year == 2026
    [line] = year.sessions
    assert line.label == "杭州市政协十二届二次会议"
    assert (line.counts["accepted"], line.counts["replied"]) == (9, 5)
    assert line.on_time == (4, 5, 0.8)
    assert line.published == 0


def test_a_published_reply_is_counted_once_it_is_public(settled):
    w = settled.world
    letter = wf.sent(w, title="关于公开答复的提案")
    [year] = public.summary().years
    assert year.sessions[0].published == 0
    publication = disclosure_services.reply_publish(letter=letter, by=w.lead_clerk)
    [year] = public.summary().years
    assert (year.sessions[0].counts["accepted"], year.sessions[0].published) == (10, 1)
    assert public.summary().published_by_year == [(2026, 1)]
    disclosure_services.publication_withdraw(
        publication=publication, reason="公开文本有误,需更正。", by=w.lead_leader
    )
    assert public.summary().years[0].sessions[0].published == 0


def test_the_page_shows_no_title_name_or_text_of_anything(settled, client):
    text = client.get(PAGE).content.decode()
    assert "杭州市政协十二届二次会议" in text and "80.0%" in text
    for secret in ("关于", "戚敏敏", "郭锦", "没有回答第二点", "吴强", "市民政局"):
        assert secret not in text, secret
    data = client.get(API).content.decode()
    for secret in ("关于", "戚敏敏", "郭锦", "没有回答第二点", "吴强", "市民政局"):
        assert secret not in data, secret


def test_no_agency_is_set_beside_another_unless_the_place_chooses_to(settled, client, settings):
    assert public.summary().agencies == []
    assert client.get(API).json()["agencies"] == []
    settings.PORTAL = settings.PORTAL | {"PUBLIC_AGENCY_STATS": True}
    names = [line.label for line in public.summary().agencies]
    assert names == ["杭州市交通运输局", "杭州市卫生健康委员会", "杭州市民政局"]  # by name
    text = client.get(PAGE).content.decode()
    assert "各承办单位办理情况" in text and "不作排名" in text


def test_the_page_is_cached_for_anonymous_readers(settled, client, django_assert_num_queries):
    assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize(
    ("cookies", "expected"),
    [({"portal_script": "hant"}, "辦理情況"), ({"portal_text": "large"}, 'class="large-text')],
)
def test_the_page_in_traditional_characters_and_large_print(settled, client, cookies, expected):
    client.cookies.load(cookies)
    text = client.get(PAGE).content.decode()
    assert expected in text


def test_the_public_api_matches_the_page(settled, client):
    data = client.get(API).json()
    [year] = data["years"]
    [session] = year["sessions"]
    assert session["accepted"] == 9 and session["replied"] == 5
    assert session["on_time"] == {"numerator": 4, "denominator": 5, "value": 0.8}
    assert session["classes"]["A类(解决采纳)"] == 1
